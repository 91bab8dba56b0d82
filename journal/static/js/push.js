// Reminders page: turn push notifications on or off for this device. Progressive enhancement only: the
// settings form works without this file. URLs and the VAPID key come from data- attributes (no inline script).
(function () {
  "use strict";
  var box = document.querySelector("[data-push-key]");
  if (!box) return;
  var status = box.querySelector("[data-push-status]");
  var enableButton = box.querySelector("[data-push-enable]");
  var disableButton = box.querySelector("[data-push-disable]");
  var key = box.getAttribute("data-push-key");
  var version = parseInt(box.getAttribute("data-push-version"), 10);
  var subscriptionsUrl = box.getAttribute("data-push-subscriptions");
  var remindersUrl = box.getAttribute("data-push-reminders");
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old browser */ }

  function say(text) { status.textContent = text; }

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Every step of turning reminders on is bounded: a browser that never answers (no service worker, a
  // push service out of reach, a permission prompt it never showed) ends in a message, not a spinner.
  var STEP_MS = 8000;
  var PERMISSION_MS = 20000;

  function within(promise, ms, reason) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error(reason)); }, ms);
      Promise.resolve(promise).then(function (value) { clearTimeout(timer); resolve(value); },
                                    function (error) { clearTimeout(timer); reject(error); });
    });
  }

  function send(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok && response.status !== 204) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          var error = new Error("refused");
          error.detail = (answer.error && answer.error.message) || ("HTTP " + response.status);
          throw error;
        });
      }
      return response.status === 204 ? null : response.json();
    });
  }

  function keyBytes(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function base64url(buffer) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer)))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function usesCurrentKey(subscription) {
    var own = subscription.options && subscription.options.applicationServerKey;
    return !own || base64url(own) === key.replace(/=+$/, "");  // unknown (old browsers): assume current
  }

  // `existing` if it was made with the server's current key; otherwise a new subscription (one made under
  // another key must go first).
  function currentSubscription(reg, existing) {
    if (existing && usesCurrentKey(existing)) return Promise.resolve(existing);
    return (existing ? existing.unsubscribe() : Promise.resolve()).then(function () {
      return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
    });
  }

  function register(subscription) {
    var json = subscription.toJSON();
    return send("POST", subscriptionsUrl, {
      endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth },
      vapid_key_version: version,
    });
  }

  function recordZone() {
    if (!remindersUrl || !zone || zone === box.getAttribute("data-push-timezone")) return Promise.resolve();
    return send("PUT", remindersUrl, { timezone: zone }).then(function () {
      box.setAttribute("data-push-timezone", zone);
    });
  }

  var ON = "Reminders will arrive on this device. Notifications are on here.";
  var BLOCKED = "Notifications are blocked for Peer Journal in this browser, so reminders cannot arrive here. "
    + "To allow them, open this site's settings (tap the icon beside the address; on Android also "
    + "Settings → Apps → your browser → Notifications), allow notifications, then reload this page.";
  var OUTCOMES = {
    denied: BLOCKED,
    dismissed: "You closed the question without choosing. Reminders will not arrive here until you say yes: "
      + "tap the button again whenever you like.",
    "no-answer": "Your browser did not ask or did not answer. Look for a bell icon in the address bar, or "
      + "allow notifications in this site's settings, then tap the button again.",
    "no-worker": "This browser has not finished installing Peer Journal's offline helper, which notifications "
      + "need. Reload the page and tap the button again.",
    "no-push-service": "Your browser could not reach its notification service. Check your connection and "
      + "tap the button again.",
    offline: "The server could not be reached to register this device. Check your connection and try again.",
  };

  function showOn() {
    say(ON);
    enableButton.hidden = true;
    disableButton.hidden = false;
  }

  function showOff(text) {
    say(text || "Reminders will not arrive on this device: they are not turned on here.");
    enableButton.hidden = false;
    disableButton.hidden = true;
  }

  function registration() {
    return within(navigator.serviceWorker.getRegistration("/").then(function (found) {
      return found || navigator.serviceWorker.ready;
    }), STEP_MS, "no-worker");
  }

  function turnOn() {
    enableButton.disabled = true;
    say("Asking your browser for permission…");
    // requestPermission must be called straight from the tap (Safari requires the user gesture).
    var asked = Notification.requestPermission();
    within(asked, PERMISSION_MS, "no-answer").then(function (permission) {
      if (permission !== "granted") {
        throw new Error(permission === "denied" ? "denied" : "dismissed");
      }
      say("Setting up notifications on this device…");
      return registration();
    }).then(function (reg) {
      return within(reg.pushManager.getSubscription().then(function (existing) {
        return currentSubscription(reg, existing);
      }), STEP_MS, "no-push-service");
    }).then(function (subscription) {
      return within(register(subscription), STEP_MS, "offline");
    }).then(recordZone).then(function () {
      showOn();
      window.location.reload();  // the device list and next reminder come from the server
    }).catch(function (error) {
      enableButton.disabled = false;
      var reason = error && error.message;
      if (reason === "refused") {
        showOff("The server did not accept this device: " + error.detail);
      } else if (error && error.name === "NotAllowedError") {
        showOff(BLOCKED);
      } else if (error && (error.name === "AbortError" || error.name === "NotSupportedError")) {
        showOff(OUTCOMES["no-push-service"]);
      } else if (error instanceof TypeError && reason !== "no-worker") {
        showOff(OUTCOMES.offline);  // fetch() could not reach the server
      } else {
        showOff(OUTCOMES[reason] || "Notifications could not be turned on just now. Please try again in a moment.");
      }
    });
  }

  function turnOff() {
    disableButton.disabled = true;
    registration().then(function (reg) {
      return reg.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return null;
      var endpoint = subscription.endpoint;
      return send("GET", subscriptionsUrl).then(function (list) {
        var mine = (list.items || []).filter(function (item) { return item.endpoint === endpoint; });
        return Promise.all(mine.map(function (item) {
          return send("DELETE", subscriptionsUrl + "/" + encodeURIComponent(item.id));
        }));
      }).then(function () { return subscription.unsubscribe(); });
    }).then(function () {
      window.location.reload();
    }).catch(function () {
      disableButton.disabled = false;
      say("That did not work just now. Please try again in a moment.");
    });
  }

  // A hint to use the device's time zone when the saved one differs (the member may have travelled).
  var zoneSelect = document.querySelector("#schedule select[name=timezone]");
  var zoneHint = document.querySelector("[data-push-zone-hint]");
  if (zone && zoneSelect && zoneHint && zoneSelect.value !== zone) {
    var use = document.createElement("button");
    use.type = "button";
    use.className = "button small";
    use.textContent = "Use this device's time zone (" + zone + ")";
    use.addEventListener("click", function () { zoneSelect.value = zone; zoneHint.hidden = true; });
    zoneHint.textContent = "";
    zoneHint.appendChild(use);
    zoneHint.hidden = false;
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    var ios = /iPhone|iPad|iPod/.test(navigator.userAgent) && !window.navigator.standalone;
    say(ios ? "Reminders cannot arrive here yet. On iPhone and iPad, notifications work once Peer Journal is on "
              + "your Home Screen: tap Share, then “Add to Home Screen”, and open it from there."
            : "Reminders cannot arrive on this device: this browser cannot show notifications from websites.");
    return;
  }
  enableButton.addEventListener("click", turnOn);
  disableButton.addEventListener("click", turnOff);

  if (Notification.permission === "denied") {
    showOff(BLOCKED);
    return;
  }
  showOff();
  if (Notification.permission !== "granted") return;
  // Already allowed: make sure this device's subscription is current and known to the server (it may
  // have been made under an old VAPID key, or for another account on this browser).
  say("Checking whether reminders arrive on this device…");
  registration().then(function (reg) {
    return within(reg.pushManager.getSubscription().then(function (subscription) {
      return subscription ? currentSubscription(reg, subscription) : null;
    }), STEP_MS, "no-push-service");
  }).then(function (subscription) {
    if (!subscription) return showOff();
    return within(register(subscription), STEP_MS, "offline").then(showOn);
  }).catch(function (error) {
    showOff(OUTCOMES[error && error.message] || "Could not check this device just now: reminders may not arrive here.");
  });
})();
