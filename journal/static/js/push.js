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

  function send(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok && response.status !== 204) throw new Error("HTTP " + response.status);
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

  var BLOCKED = "Notifications are blocked for this site. You can allow them in your browser's site settings.";

  function showOn() {
    say("Notifications are on for this device.");
    enableButton.hidden = true;
    disableButton.hidden = false;
  }

  function showOff(text) {
    say(text || "Notifications are off for this device.");
    enableButton.hidden = false;
    disableButton.hidden = true;
  }

  function registration() {
    return navigator.serviceWorker.getRegistration("/").then(function (found) {
      return found || navigator.serviceWorker.ready;
    });
  }

  function turnOn() {
    enableButton.disabled = true;
    say("Asking your browser for permission…");
    // requestPermission must be called straight from the tap (Safari requires the user gesture).
    var asked = Notification.requestPermission();
    Promise.resolve(asked).then(function (permission) {
      if (permission !== "granted") {
        throw new Error(permission === "denied" ? "denied" : "dismissed");
      }
      return registration();
    }).then(function (reg) {
      return reg.pushManager.getSubscription().then(function (existing) {
        return currentSubscription(reg, existing);
      });
    }).then(register).then(recordZone).then(function () {
      showOn();
      window.location.reload();  // the device list and next reminder come from the server
    }).catch(function (error) {
      enableButton.disabled = false;
      if (error && error.message === "denied") {
        showOff(BLOCKED);
      } else if (error && error.message === "dismissed") {
        showOff("No problem. Tap the button again whenever you like.");
      } else {
        showOff("Notifications could not be turned on just now. Please try again in a moment.");
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
    say(ios ? "On iPhone and iPad, notifications work once Peer Journal is on your Home Screen: tap Share, then "
              + "“Add to Home Screen”, and open it from there."
            : "This browser cannot show notifications from websites.");
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
  registration().then(function (reg) {
    return reg.pushManager.getSubscription().then(function (subscription) {
      return subscription ? currentSubscription(reg, subscription) : null;
    });
  }).then(function (subscription) {
    if (!subscription) return null;
    return register(subscription).then(showOn);
  }).catch(function () { /* offline: the buttons still work later */ });
})();
