// Installing the app: registers the service worker, offers "Install app" where the browser allows it
// (beforeinstallprompt), and on iPhone/iPad explains "Add to Home Screen", which reminders need there.
(function () {
  "use strict";
  var script = document.currentScript;
  var swUrl = script && script.dataset.sw;
  var DISMISSED = "pj-install-dismissed";
  var QUIET_DAYS = 30;
  var deferredPrompt = null;

  var ua = navigator.userAgent || "";
  var isIOS = /iPhone|iPad|iPod/.test(ua) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  function isStandalone() {
    return navigator.standalone === true ||
      (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches);
  }

  if (swUrl && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(swUrl, { scope: "/" }).catch(function () {
      /* not a secure context, or storage is blocked: the site still works online */
    });
    navigator.serviceWorker.ready.then(function (registration) {
      // Loaded while the worker was still installing: ask it to take this page over now.
      if (!navigator.serviceWorker.controller && registration.active) {
        registration.active.postMessage({ type: "pj-claim" });
      }
    });
    // The worker asks an open window to go to a notification's page when it cannot navigate it itself.
    navigator.serviceWorker.addEventListener("message", function (event) {
      var msg = event.data || {};
      if (msg.type === "pj-navigate" && typeof msg.url === "string" && msg.url.charAt(0) === "/" &&
          msg.url.charAt(1) !== "/") {
        location.assign(msg.url);
      }
    });
  }

  function dismissedRecently() {
    try {
      var at = Number(localStorage.getItem(DISMISSED) || 0);
      return at && Date.now() - at < QUIET_DAYS * 86400000;
    } catch (e) { return false; }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // Someone reading crisis lines is not offered an app; the help and offline pages say so with
  // data-no-install, and any page that shows the crisis banner counts too.
  function calmPage() {
    return document.body.hasAttribute("data-no-install") || document.querySelector(".crisis-banner") !== null;
  }

  // At most once a browser session: the card shows on the first page view that may offer it, not again.
  var SHOWN = "pj-install-shown";
  var shownOnThisView = false;
  function shownThisSession() {
    if (shownOnThisView) return false;  // the same card, filled again on this page
    try { return sessionStorage.getItem(SHOWN) !== null; } catch (e) { return false; }
  }

  // The offer's card at the end of the page's <main>, titled; null when it should not show.
  function card(title) {
    var main = document.getElementById("main");
    if (isStandalone() || dismissedRecently() || !main || calmPage() || shownThisSession()) return null;
    shownOnThisView = true;
    try { sessionStorage.setItem(SHOWN, "1"); } catch (e) { /* storage disabled */ }
    var node = document.getElementById("pj-install");
    if (node) {
      node.textContent = "";
    } else {
      node = el("section", "card install-card");
      node.id = "pj-install";
      node.setAttribute("aria-labelledby", "pj-install-title");
      main.appendChild(node);
    }
    node.appendChild(el("h2", "", title)).id = "pj-install-title";
    return node;
  }

  function closeButton(node) {
    var later = el("button", "button small", "Not now");
    later.type = "button";
    later.addEventListener("click", function () {
      try { localStorage.setItem(DISMISSED, String(Date.now())); } catch (e) { /* storage disabled */ }
      node.remove();
    });
    return later;
  }

  function offerInstall() {
    var node = deferredPrompt && card("Install Peer Journal");
    if (!node) return;
    node.appendChild(el("p", "hint", "Open it from your home screen like any app. Check-ins work offline too."));
    var actions = el("p", "actions");
    var install = el("button", "button primary", "Install app");
    install.type = "button";
    install.id = "pj-install-button";
    install.addEventListener("click", function () {
      var prompt = deferredPrompt;
      deferredPrompt = null;
      if (!prompt) return;
      prompt.prompt();
      prompt.userChoice.then(function () { node.remove(); }, function () { node.remove(); });
    });
    actions.appendChild(install);
    actions.appendChild(closeButton(node));
    node.appendChild(actions);
  }

  function explainIOS() {
    var node = isIOS && card("Add Peer Journal to your Home Screen");
    if (!node) return;
    var steps = el("ol", "install-steps");
    steps.appendChild(el("li", "", "Tap the Share button (the square with an arrow) in Safari’s toolbar."));
    steps.appendChild(el("li", "", "Scroll down and tap “Add to Home Screen”, then “Add”."));
    steps.appendChild(el("li", "", "Open Peer Journal from its new icon on your Home Screen."));
    node.appendChild(steps);
    node.appendChild(el("p", "hint", "Check-in reminders on iPhone and iPad work only in the installed app " +
      "(iOS or iPadOS 16.4 or later), after you tap “Turn on reminders” there."));
    var actions = el("p", "actions");
    actions.appendChild(closeButton(node));
    node.appendChild(actions);
  }

  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();  // show our own button instead of the browser's mini bar
    deferredPrompt = event;
    offerInstall();
  });
  window.addEventListener("appinstalled", function () {
    deferredPrompt = null;
    var node = document.getElementById("pj-install");
    if (node) node.remove();
  });
  explainIOS();
})();
