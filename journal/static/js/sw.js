// Peer Journal's service worker, served at /sw.js (root scope) after a `self.PJ_SW = {...}` line.
// - App shell (CSS, JS, icons, two public offline pages) precached per version; old caches removed.
// - Pages: network first. Offline, /checkin opens the public check-in shell; other pages the offline page.
// - Never caches pages or API answers: they may hold health data and are `no-store`. Only public files,
//   with one narrow exception: a page the server marks with `X-PJ-Offline-Copy: <account id>` (only the
//   member's own safety plan, journal/safetyplan) is kept, encrypted like the offline queue (offline.js
//   keepPage), so that it opens offline in a crisis. Logging out wipes it with the queue (offline.js and
//   Clear-Site-Data), and offline.js drops it as soon as a page shows another account or nobody signed in.
// - Offline check-ins: replays the encrypted queue (offline.js) on Background Sync where it exists.
// - Push: a notification for every push (declarative Web Push JSON), "Check in" and "Snooze 1 hour".
/* global PJQueue */
"use strict";

var CONFIG = self.PJ_SW;
importScripts(CONFIG.queueScript);
PJQueue.urls.checkins = CONFIG.checkins;
PJQueue.urls.csrf = CONFIG.csrf;

var SHELL_CACHE = "pj-shell-" + CONFIG.version;
var STATIC_CACHE = "pj-static-" + CONFIG.version;
var OFFLINE_COPY_HEADER = "X-PJ-Offline-Copy";
var KEPT_HEADERS = ["Content-Type", "Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options"];
var CHECKIN_TIMEOUT_MS = 8000;  // on a very slow connection the check-in page opens from the shell
var DEFAULT_TITLE = "Peer Journal";
var DEFAULT_BODY = "How are you today? A check-in takes a few seconds.";

// --- Install and activate ----------------------------------------------------------------------------

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    return cache.addAll(CONFIG.precache.map(function (url) {
      // Content-hashed files may come from the HTTP cache (the page just loaded them). The offline pages
      // are fetched fresh and without cookies: the same for everyone, nothing personal in them.
      if (url.indexOf("?v=") > -1) return new Request(url);
      return new Request(url, { credentials: "omit", cache: "no-cache" });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("pj-") === 0 && name !== SHELL_CACHE && name !== STATIC_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// A page that loaded while this worker was still installing asks to be taken over (see install.js), so
// that it works offline from now on rather than from the next page on.
self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "pj-claim") event.waitUntil(self.clients.claim());
});

// --- Fetch ---------------------------------------------------------------------------------------------

function sameOrigin(url) { return url.origin === self.location.origin; }

function isCheckinPage(url) { return url.pathname === CONFIG.checkin || url.pathname === CONFIG.checkinShell; }

function fromShell(path) {
  return caches.open(SHELL_CACHE).then(function (cache) {
    return cache.match(path, { ignoreSearch: true, ignoreVary: true });
  });
}

function offlinePage(url) {
  return fromShell(isCheckinPage(url) ? CONFIG.checkinShell : CONFIG.offline).then(function (response) {
    return response || fromShell(CONFIG.offline);
  }).then(function (response) { return response || Response.error(); });
}

// The one kind of personal page kept for offline use: answered for a signed-in member, not redirected, and
// marked by the server (the member's safety plan). Sealed under the queue's key, with its account.
function keepOwnPage(url, response) {
  var account = response.headers.get(OFFLINE_COPY_HEADER);
  if (!PJQueue.supported || !account || !response.ok || response.redirected || response.type !== "basic") {
    return Promise.resolve();
  }
  var headers = {};
  KEPT_HEADERS.forEach(function (name) {
    var value = response.headers.get(name);
    if (value) headers[name] = value;
  });
  return response.clone().text().then(function (html) {
    return PJQueue.keepPage(url.pathname, html, account, headers);
  }).catch(function () { /* storage full or disabled: the page still works online */ });
}

function ownCopy(url) {
  if (!PJQueue.supported) return Promise.resolve(null);
  return PJQueue.keptPage(url.pathname).then(function (kept) {
    if (!kept) return null;
    var headers = Object.assign({}, kept.headers, { "Cache-Control": "no-store" });
    headers[OFFLINE_COPY_HEADER] = kept.account;
    return new Response(kept.html, { status: 200, headers: headers });
  });
}

// Network first. Nothing from the network is stored (pages are personal, `no-store`) but the marked page.
function page(event, request, url) {
  var network = fetch(request);
  if (!isCheckinPage(url)) {
    return network.then(function (response) {
      event.waitUntil(keepOwnPage(url, response));
      return response;
    }, function () {
      return ownCopy(url).then(function (copy) { return copy || offlinePage(url); });
    });
  }
  // Whichever comes first wins: a promise settles once, later calls to resolve() do nothing.
  return new Promise(function (resolve) {
    var timer = setTimeout(function () {
      fromShell(CONFIG.checkinShell).then(function (shell) { if (shell) resolve(shell); });
    }, CHECKIN_TIMEOUT_MS);
    network.then(function (response) {
      clearTimeout(timer);
      resolve(response);
    }, function () {
      clearTimeout(timer);
      resolve(offlinePage(url));
    });
  });
}

function cacheable(response) {
  return response.ok && response.type === "basic" &&
    !/no-store|private/.test(response.headers.get("Cache-Control") || "");
}

// Content-hashed static files (?v=…) never change: cache first, and keep new ones as they are used.
function asset(request) {
  return caches.match(request, { ignoreVary: true }).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (cacheable(response)) {
        var copy = response.clone();
        caches.open(STATIC_CACHE).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;  // writes always go straight to the network
  var url = new URL(request.url);
  if (!sameOrigin(url)) return;
  if (request.mode === "navigate") {
    event.respondWith(page(event, request, url));
  } else if (url.pathname.indexOf("/static/") === 0 && url.searchParams.has("v")) {
    event.respondWith(asset(request));
  }
  // Everything else (the API, the manifest, sw.js): the network, untouched and uncached.
});

// --- Offline check-ins: Background Sync (Chromium). Pages also replay on `online` and at start. ---------

self.addEventListener("sync", function (event) {
  if (event.tag !== PJQueue.syncTag) return;
  event.waitUntil(PJQueue.replay().then(function (result) {
    // Rejecting asks the browser to fire `sync` again later, with its own back-off.
    if (result.retryLater && result.waiting && !event.lastChance) throw new Error("check-ins still waiting");
  }));
});

// --- Push --------------------------------------------------------------------------------------------

// A same-origin path for a notification to open; anything else becomes the check-in page.
function safePath(raw) {
  try {
    var url = new URL(String(raw), self.location.origin);
    if (sameOrigin(url) && (url.protocol === "https:" || url.protocol === "http:")) {
      return url.pathname + url.search + url.hash;
    }
  } catch (e) { /* not a URL */ }
  return CONFIG.checkin;
}

// Reads the declarative Web Push shape {"web_push": 8030, "notification": {title, body, navigate, tag?,
// app_badge?}}; anything unreadable still shows a gentle generic notification.
function notificationFrom(data) {
  var note = {};
  try {
    var payload = data && typeof data.json === "function" ? data.json() : data;
    if (payload && typeof payload.notification === "object" && payload.notification) note = payload.notification;
  } catch (e) { note = {}; }
  var title = typeof note.title === "string" && note.title.trim() ? note.title : DEFAULT_TITLE;
  var options = {
    body: typeof note.body === "string" && note.body.trim() ? note.body : DEFAULT_BODY,
    icon: CONFIG.icon,
    data: { url: safePath(note.navigate || CONFIG.checkin) },
    actions: [{ action: "checkin", title: "Check in" }, { action: "snooze", title: "Snooze 1 hour" }],
  };
  if (typeof note.tag === "string" && note.tag) { options.tag = note.tag; options.renotify = true; }
  var badge = parseInt(note.app_badge, 10);
  return { title: title, options: options, badge: isNaN(badge) ? null : badge };
}

self.addEventListener("push", function (event) {
  var n = notificationFrom(event.data);
  var shown = self.registration.showNotification(n.title, n.options);
  if (n.badge !== null && self.navigator.setAppBadge) {
    shown = shown.then(function () { return self.navigator.setAppBadge(n.badge); }).catch(function () {});
  }
  event.waitUntil(shown);
});

// Focus an open window of the app (and take it to `path`), or open one.
function openPath(path) {
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    var mine = windows.filter(function (client) { return sameOrigin(new URL(client.url)); });
    if (!mine.length) return self.clients.openWindow(path);
    var client = mine.filter(function (c) { return c.focused; })[0] || mine[0];
    return client.focus().then(function (focused) {
      focused = focused || client;
      var at = new URL(focused.url);
      if (at.pathname + at.search === path) return focused;
      if (typeof focused.navigate === "function") {
        // navigate() works only for windows this worker controls; ask the others to go themselves.
        return focused.navigate(path).catch(function () { focused.postMessage({ type: "pj-navigate", url: path }); });
      }
      focused.postMessage({ type: "pj-navigate", url: path });
      return focused;
    });
  });
}

function postJSON(url, body) {
  return PJQueue.freshToken().then(function (token) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body),
    });
  }).then(function (response) {
    if (!response.ok) throw new Error(url + " answered " + response.status);
    return response;
  });
}

function snooze() {
  return postJSON(CONFIG.snooze, { minutes: 60 }).catch(function () {
    return self.registration.showNotification(DEFAULT_TITLE, {
      body: "Couldn’t snooze just now. Open Peer Journal to change your reminders.",
      icon: CONFIG.icon, tag: "pj-snooze-failed", data: { url: CONFIG.checkin },
    });
  });
}

self.addEventListener("notificationclick", function (event) {
  var notification = event.notification;
  notification.close();
  if (event.action === "snooze") {
    event.waitUntil(snooze());
    return;
  }
  var path = event.action === "checkin" ? CONFIG.checkin : safePath(notification.data && notification.data.url);
  event.waitUntil(openPath(path));
});

function keyBytes(text) {
  var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  b64 += "===".slice((b64.length + 3) % 4);
  var raw = atob(b64);
  var bytes = new Uint8Array(raw.length);
  for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function base64url(buffer) {
  return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function usesKey(subscription, key) {
  var own = subscription && subscription.options && subscription.options.applicationServerKey;
  return !!own && base64url(own) === key.replace(/=+$/, "");
}

// The push service replaced (or expired) the subscription: subscribe again with the server's VAPID key
// (the same key, unless it was rotated) and register the new subscription with its key version.
function resubscribe(event) {
  var manager = self.registration.pushManager;
  return fetch(CONFIG.vapidKey, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
    if (!response.ok) throw new Error("vapid-public-key answered " + response.status);
    return response.json();
  }).then(function (vapid) {
    return manager.getSubscription().then(function (current) {
      current = current || (event && event.newSubscription) || null;
      if (current && usesKey(current, vapid.key)) return current;
      // A subscription under another key must go before subscribing with this one.
      return (current ? current.unsubscribe() : Promise.resolve()).then(function () {
        return manager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(vapid.key) });
      });
    }).then(function (subscription) {
      var json = subscription.toJSON();
      var body = { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth },
                   vapid_key_version: vapid.version };
      var old = event && event.oldSubscription;
      if (old && old.endpoint && old.endpoint !== json.endpoint) body.old_endpoint = old.endpoint;
      return postJSON(CONFIG.subscriptions, body);
    });
  });
}

self.addEventListener("pushsubscriptionchange", function (event) {
  event.waitUntil(resubscribe(event).catch(function () {
    /* Logged out or offline: the page re-registers the subscription the next time the app opens. */
  }));
});

// For tests and debugging from DevTools. notificationFrom and safePath are pure; the others act.
self.PJWorker = { notificationFrom: notificationFrom, safePath: safePath, openPath: openPath, snooze: snooze,
                  resubscribe: resubscribe, version: CONFIG.version };
