// Offline check-ins: an encrypted IndexedDB queue that replays into the API exactly once.
// The core (PJQueue) runs in pages and in the service worker (Background Sync); the page part below it
// saves check-in forms through the API, queues them when there is no connection, and shows the queue.
// Without JavaScript (or without IndexedDB/WebCrypto) the forms post as usual.
(function (global) {
  "use strict";

  var DB_NAME = "pj-offline";
  var LOCK = "pj-offline-queue";
  var SYNC_TAG = "pj-checkins";
  var POST_TIMEOUT_MS = 15000;
  var BACKOFF_BASE_MS = 30000;
  var BACKOFF_MAX_MS = 3600000;
  // Server trouble is retried with back-off (30 s doubling to an hour), but not forever: after this many
  // tries (about five hours) the check-in is shown as not saved, with "Try again".
  var MAX_ATTEMPTS = 12;
  var GAVE_UP = "The server could not take it after several tries.";
  var UNREADABLE = "This saved check-in can no longer be read on this device.";
  var urls = { checkins: "/api/v1/checkins", csrf: "/api/v1/csrf-token" };
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();
  var dbPromise = null;
  var localLock = Promise.resolve();
  var listeners = [];
  var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(LOCK) : null;

  var supported = !!(global.indexedDB && global.crypto && global.crypto.subtle && global.fetch);

  // --- IndexedDB: store "queue" (one record per check-in, keyed by its Idempotency-Key) and "meta"
  // ("key": the non-extractable AES-GCM key; "account": the account last seen signed in here).
  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var req = global.indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore("queue", { keyPath: "id" });
        req.result.createObjectStore("meta");
      };
      req.onsuccess = function () {
        var db = req.result;
        db.onversionchange = function () { db.close(); dbPromise = null; };
        db.onclose = function () { dbPromise = null; };
        resolve(db);
      };
      req.onerror = function () { dbPromise = null; reject(req.error); };
    });
    return dbPromise;
  }

  // Run `work(store)` in one transaction; resolves with its request's result once committed.
  function withStore(name, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var out = work(tx.objectStore(name));
        tx.oncomplete = function () { resolve(out instanceof IDBRequest ? out.result : out); };
        tx.onerror = tx.onabort = function () { reject(tx.error || new Error("IndexedDB transaction failed")); };
      });
    });
  }

  function all() { return withStore("queue", "readonly", function (s) { return s.getAll(); }); }
  function put(item) { return withStore("queue", "readwrite", function (s) { return s.put(item); }); }
  function remove(id) { return withStore("queue", "readwrite", function (s) { return s.delete(id); }); }
  function meta(key) { return withStore("meta", "readonly", function (s) { return s.get(key); }); }

  function rememberAccount(account) {
    if (!account) return Promise.resolve();
    return withStore("meta", "readwrite", function (s) { return s.put(String(account), "account"); });
  }

  // --- Encryption: AES-GCM-256 with a key the page cannot export, bound to the item's id (AAD).
  function queueKey() {
    return meta("key").then(function (key) {
      if (key) return key;
      return global.crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])
        .then(function (fresh) {
          // add, not put: if another tab or the worker made a key meanwhile, keep theirs.
          return withStore("meta", "readwrite", function (s) { return s.add(fresh, "key"); })
            .then(function () { return fresh; }, function () { return meta("key"); });
        });
    });
  }

  function encrypt(id, body) {
    return queueKey().then(function (key) {
      var iv = global.crypto.getRandomValues(new Uint8Array(12));
      return global.crypto.subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: encoder.encode(id) }, key,
        encoder.encode(JSON.stringify(body))).then(function (data) { return { iv: iv, data: data }; });
    });
  }

  function decrypt(item) {
    return meta("key").then(function (key) {
      if (!key) throw new Error("no key");
      return global.crypto.subtle.decrypt({ name: "AES-GCM", iv: item.iv, additionalData: encoder.encode(item.id) },
        key, item.data);
    }).then(function (plain) { return JSON.parse(decoder.decode(plain)); });
  }

  function uuid() {
    if (global.crypto.randomUUID) return global.crypto.randomUUID();
    var b = global.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- Talking to the server.
  function timedFetch(url, init) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, POST_TIMEOUT_MS) : null;
    if (controller) init.signal = controller.signal;
    return global.fetch(url, init).then(function (response) {
      clearTimeout(timer);
      return response;
    }, function (error) { clearTimeout(timer); throw error; });
  }

  // A fresh CSRF token and the signed-in account; {loggedOut: true} when nobody is; rejects when offline.
  function session() {
    return timedFetch(urls.csrf, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (response.status === 401) return { loggedOut: true };
      if (!response.ok) throw new Error("csrf-token answered " + response.status);
      return response.json().then(function (json) { return { token: json.csrf_token, account: json.account }; });
    });
  }

  // Just a fresh CSRF token; rejects when nobody is signed in (or offline).
  function freshToken() {
    return session().then(function (s) {
      if (s.loggedOut) throw new Error("logged out");
      return s.token;
    });
  }

  function post(body, id, token) {
    return timedFetch(urls.checkins, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "Idempotency-Key": id, "X-CSRFToken": token },
      body: JSON.stringify(body),
    });
  }

  // Worth retrying later: timeouts, rate limits, server trouble, a concurrent duplicate, a stale token (the
  // next replay fetches a fresh one). Any other 4xx is the server refusing this check-in: retrying cannot
  // help, so it leaves the queue and is shown as not saved, with the server's message and what was written.
  function transient(status, code) {
    return status === 408 || status === 409 || status === 429 || status >= 500 ||
      (status === 400 && code === "csrf_failed");
  }

  // The API's {"error": {code, message, fields}} of a refused request, or {} when the body is not that.
  function errorOf(response) {
    return response.json().then(function (payload) { return (payload && payload.error) || {}; },
                                 function () { return {}; });
  }

  function retryAfterMs(response) {
    var value = response.headers.get("Retry-After");
    if (!value) return 0;
    var seconds = Number(value);
    if (!isNaN(seconds)) return seconds * 1000;
    var at = Date.parse(value);
    return isNaN(at) ? 0 : Math.max(0, at - Date.now());
  }

  function reschedule(item, floorMs) {
    item.attempts = (item.attempts || 0) + 1;
    var delay = Math.min(BACKOFF_BASE_MS * Math.pow(2, item.attempts - 1), BACKOFF_MAX_MS);
    delay = Math.max(delay * (0.8 + Math.random() * 0.4), floorMs || 0);
    item.nextAttemptAt = Date.now() + delay;
    return put(item);
  }

  function markFailed(item, status, error) {
    item.state = "failed";
    item.error = { status: status, code: error.code || "", message: error.message || "The server refused it.",
                   fields: error.fields || {} };
    return put(item);
  }

  // Send one item. Resolves "sent" | "retry" | "failed" | "stop-offline" | "stop-login".
  function send(item, token) {
    return decrypt(item).then(function (body) {
      return post(body, item.id, token).then(function (response) {
        // 2xx: created, or the first result of an earlier attempt. 404: it was created, then deleted.
        if ((response.status >= 200 && response.status < 300) || response.status === 404) {
          return remove(item.id).then(function () { return "sent"; });
        }
        if (response.status === 401) return "stop-login";
        return errorOf(response).then(function (error) {
          if (transient(response.status, error.code) && (item.attempts || 0) + 1 >= MAX_ATTEMPTS) {
            return markFailed(item, response.status, { code: "gave_up", message: GAVE_UP })
              .then(function () { return "failed"; });
          }
          if (transient(response.status, error.code)) {
            return reschedule(item, retryAfterMs(response)).then(function () { return "retry"; });
          }
          return markFailed(item, response.status, error).then(function () { return "failed"; });
        });
      }, function () { return "stop-offline"; });
    }, function () {
      return markFailed(item, 0, { code: "unreadable", message: UNREADABLE }).then(function () { return "failed"; });
    });
  }

  function withLock(work) {
    if (global.navigator && global.navigator.locks && global.navigator.locks.request) {
      return global.navigator.locks.request(LOCK, work);
    }
    var run = localLock.then(work, work);
    localLock = run.catch(function () {});
    return run;
  }

  function summarize(items, account) {
    var summary = { waiting: 0, held: 0, failed: [], nextAttemptAt: null, total: items.length };
    items.forEach(function (item) {
      if (item.state === "failed") summary.failed.push(item);
      else if (account && item.account && item.account !== account) summary.held += 1;
      else {
        summary.waiting += 1;
        if (item.nextAttemptAt && (!summary.nextAttemptAt || item.nextAttemptAt < summary.nextAttemptAt)) {
          summary.nextAttemptAt = item.nextAttemptAt;
        }
      }
    });
    summary.failed.sort(function (a, b) { return a.savedAt - b.savedAt; });
    return summary;
  }

  function status() {
    return Promise.all([all(), meta("account")]).then(function (r) { return summarize(r[0], r[1]); });
  }

  // Replay what is due (all waiting items with force), oldest first, into the signed-in account only.
  function replay(options) {
    options = options || {};
    return withLock(function () {
      var outcome = { sent: 0, offline: false, needsLogin: false, retryLater: false };
      return all().then(function (items) {
        var now = Date.now();
        var due = items.filter(function (item) {
          return item.state === "waiting" && (options.force || !item.nextAttemptAt || item.nextAttemptAt <= now);
        }).sort(function (a, b) { return a.savedAt - b.savedAt; });
        if (!due.length) return null;
        return session().then(function (current) {
          if (current.loggedOut) { outcome.needsLogin = true; return null; }
          return rememberAccount(current.account).then(function () {
            return due.reduce(function (chain, item) {
              return chain.then(function (stopped) {
                if (stopped) return true;
                if (item.account && item.account !== current.account) return false;  // held for its owner
                return send(item, current.token).then(function (result) {
                  if (result === "sent") outcome.sent += 1;
                  if (result === "retry") outcome.retryLater = true;
                  if (result === "stop-offline") outcome.offline = true;
                  if (result === "stop-login") outcome.needsLogin = true;
                  return result.indexOf("stop-") === 0;
                });
              });
            }, Promise.resolve(false));
          });
        }, function () { outcome.offline = true; });
      }).then(function () {
        if (outcome.offline || outcome.needsLogin) outcome.retryLater = true;
        return status();
      }).then(function (summary) { return Object.assign(summary, outcome); });
    }).then(function (summary) { changed(); return summary; });
  }

  function enqueue(body, options) {
    var id = (options && options.id) || uuid();
    return Promise.all([encrypt(id, body), meta("account")]).then(function (r) {
      var item = { id: id, account: (options && options.account) || r[1] || null, savedAt: Date.now(),
                   iv: r[0].iv, data: r[0].data, attempts: 0, nextAttemptAt: 0, state: "waiting", error: null };
      return put(item).then(function () { changed(); return item; });
    });
  }

  function discard(id) { return remove(id).then(changed); }

  // "Try again" on a check-in the queue gave up on: back to waiting, from the first back-off step.
  function retry(id) {
    return withStore("queue", "readonly", function (s) { return s.get(id); }).then(function (item) {
      if (!item) return null;
      item.state = "waiting"; item.attempts = 0; item.nextAttemptAt = 0; item.error = null;
      return put(item);
    }).then(changed);
  }

  function read(id) {
    return withStore("queue", "readonly", function (s) { return s.get(id); }).then(function (item) {
      return item ? decrypt(item) : null;
    });
  }

  // Logout: the key and every queued check-in go. Clearing (rather than deleting the database) cannot
  // be blocked by another tab's open connection.
  function wipe() {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(["queue", "meta"], "readwrite");
        tx.objectStore("queue").clear();
        tx.objectStore("meta").clear();
        tx.oncomplete = function () { resolve(); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    }).then(changed);
  }

  function changed() {
    if (channel) channel.postMessage("changed");
    listeners.forEach(function (listener) { try { listener(); } catch (e) { /* a listener's own bug */ } });
  }

  function onChange(listener) {
    listeners.push(listener);
    if (channel) channel.addEventListener("message", function () { listener(); });
  }

  // --- Pages kept for offline use (sw.js keeps only the member's own safety plan): sealed with the same
  // non-extractable key as the queue, in the "meta" store beside it (so logging out's wipe() takes them
  // too), with the account they belong to and the headers to answer with. Never plaintext on the device.
  var PAGE_PREFIX = "page:";

  function keepPage(path, html, account, headers) {
    var id = PAGE_PREFIX + path;
    return encrypt(id, html).then(function (sealed) {
      var record = { id: id, iv: sealed.iv, data: sealed.data, account: String(account), headers: headers || {} };
      return withStore("meta", "readwrite", function (s) { return s.put(record, id); });
    });
  }

  // {html, account, headers} of a kept page, or null (none, or it no longer decrypts).
  function keptPage(path) {
    return meta(PAGE_PREFIX + path).then(function (record) {
      if (!record) return null;
      return decrypt(record).then(function (html) {
        return { html: html, account: record.account, headers: record.headers || {} };
      });
    }).catch(function () { return null; });
  }

  // Drop every kept page but those of `account` (all of them when it is empty).
  function forgetPages(account) {
    return withStore("meta", "readwrite", function (s) {
      var cursor = s.openCursor();
      cursor.onsuccess = function () {
        var at = cursor.result;
        if (!at) return;
        if (typeof at.key === "string" && at.key.indexOf(PAGE_PREFIX) === 0 &&
            (!account || !at.value || at.value.account !== String(account))) at.delete();
        at.continue();
      };
    });
  }

  // What the service worker (sw.js) and the page below use, and what tests and DevTools drive.
  global.PJQueue = {
    supported: supported, urls: urls, syncTag: SYNC_TAG, enqueue: enqueue, replay: replay, status: status,
    discard: discard, retry: retry, read: read, wipe: wipe, onChange: onChange, freshToken: freshToken,
    maxAttempts: MAX_ATTEMPTS, keepPage: keepPage, keptPage: keptPage, forgetPages: forgetPages,
  };

  if (typeof document === "undefined" || !global.document) return;  // the service worker stops here

  // --- The page ------------------------------------------------------------------------------------
  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var accountMeta = document.querySelector('meta[name="pj-account"]');
  var account = (accountMeta && accountMeta.content) || "";  // the signed-in account, "" when nobody is
  urls.checkins = data.checkins || urls.checkins;
  urls.csrf = data.csrf || urls.csrf;
  var NOTICE_KEY = "pj-notice";
  var SAVED_FULL = "Check-in saved. Thank you for taking a moment for yourself.";
  var SAVED_QUICK = "Noted. That counts — well done for checking in.";
  var SAVED_HERE = "Saved on this device. It will sync by itself when you’re back online.";
  var box = null;
  var timer = null;
  var lastClicked = null;
  var revealed = {};
  var needsLogin = false;  // the last replay found nobody signed in

  function plural(n, one, many) { return n === 1 ? one : n + " " + many; }

  // The server's message and its field messages, as one sentence for the member.
  function errorText(error, fallback) {
    var fields = Object.keys(error.fields || {}).map(function (k) { return error.fields[k]; });
    return (error.message || fallback) + (fields.length ? " " + fields.join(" ") : "");
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function statusBox() {
    if (box) return box;
    var main = document.getElementById("main") || document.body;
    box = el("div", "sync-status");
    box.id = "pj-sync-status";
    box.setAttribute("role", "status");
    box.appendChild(el("div", "sync-notice"));
    box.appendChild(el("div", "sync-queue"));
    var banner = main.querySelector(".offline-banner");
    main.insertBefore(box, banner ? banner.nextSibling : main.firstChild);
    return box;
  }

  function notice(text, kind) {
    var slot = statusBox().querySelector(".sync-notice");
    slot.textContent = "";
    if (text) {
      slot.appendChild(el("p", "flash flash-" + (kind || "success"), text));
      box.classList.remove("is-empty");
    }
  }

  function when(ms) {
    var d = new Date(ms);
    try {
      return d.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" });
    } catch (e) { return d.toLocaleString(); }
  }

  // [key, name, suffix] of each measure a check-in records (journal/checkins.py MEASURES, in base.html).
  function measures() {
    var meta = document.querySelector('meta[name="pj-measures"]');
    try { return JSON.parse(meta ? meta.content : "[]"); } catch (e) { return []; }
  }

  function describe(body) {
    var parts = [];
    measures().forEach(function (m) {
      var v = body[m[0]];
      if (v != null && v !== "") parts.push(m[1] + " " + v + m[2]);
    });
    return parts.join(", ") + (body.note ? ". Note: " + body.note : "");
  }

  function render(summary) {
    var slot = statusBox().querySelector(".sync-queue");
    slot.textContent = "";
    var online = navigator.onLine !== false;
    if (summary.needsLogin !== undefined) needsLogin = summary.needsLogin && !account;
    if (summary.waiting) {
      var p = el("p", "sync-waiting", plural(summary.waiting, "1 check-in waiting to sync.", "check-ins waiting to sync."));
      var why = !online ? " Saved on this device; it will sync when you’re back online."
        : needsLogin ? " Saved on this device; log in to sync." : " Saved on this device.";
      p.appendChild(document.createTextNode(why));
      if (online && !needsLogin) {
        var now = el("button", "button small", "Sync now");
        now.type = "button";
        now.addEventListener("click", function () { sync({ force: true }); });
        p.appendChild(document.createTextNode(" "));
        p.appendChild(now);
      }
      slot.appendChild(p);
    }
    if (summary.held) {
      slot.appendChild(el("p", "hint", plural(summary.held, "1 check-in", "check-ins") + " saved on this device " +
        "by another account will sync when that account logs in here again."));
    }
    summary.failed.forEach(function (item) {
      var row = el("div", "sync-failed flash flash-error");
      row.appendChild(el("p", "", "A check-in saved " + when(item.savedAt) + " could not be added to your journal: " +
        errorText(item.error || {}, "the server refused it.")));
      var actions = el("p", "actions");
      var checkinForm = fullForm();
      if (checkinForm) {
        var back = el("button", "button small", "Put it back in the form");
        back.type = "button";
        back.addEventListener("click", function () { restore(checkinForm, item.id); });
        actions.appendChild(back);
      } else if (data.form) {
        var open = el("a", "button small", "Open it in the check-in form");
        open.href = data.form + "#restore=" + encodeURIComponent(item.id);
        actions.appendChild(open);
      }
      if (item.error && item.error.code === "gave_up") {
        var again = el("button", "button small", "Try again");
        again.type = "button";
        again.addEventListener("click", function () { retry(item.id).then(function () { sync({ force: true }); }); });
        actions.appendChild(again);
      }
      var show = el("button", "button small", "Show what I wrote");
      show.type = "button";
      show.addEventListener("click", function () {
        read(item.id).then(function (body) { return body ? describe(body) : UNREADABLE; }, function () {
          return UNREADABLE;
        }).then(function (text) {
          revealed[item.id] = text;  // kept across re-renders (another tab may change the queue meanwhile)
          show.replaceWith(el("span", "sync-copy", text));
        });
      });
      var drop = el("button", "button small danger", "Discard");
      drop.type = "button";
      drop.addEventListener("click", function () {
        if (global.confirm("Discard this check-in? It has not been saved to your journal.")) discard(item.id);
      });
      actions.appendChild(drop);
      actions.appendChild(revealed[item.id] ? el("span", "sync-copy", revealed[item.id]) : show);
      row.appendChild(actions);
      slot.appendChild(row);
    });
    box.classList.toggle("is-empty", !summary.waiting && !summary.held && !summary.failed.length &&
      !box.querySelector(".sync-notice").firstChild);
    clearTimeout(timer);
    if (summary.waiting && summary.nextAttemptAt && online) {
      timer = setTimeout(sync, Math.min(Math.max(summary.nextAttemptAt - Date.now(), 1000), 600000));
    }
  }

  function refresh() {
    return status().then(render, function () {});
  }

  function sync(options) {
    if (navigator.onLine === false) return refresh();
    return replay(options).then(render, function () { return refresh(); });
  }

  function registerSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register(SYNC_TAG);
      return null;
    }).catch(function () { /* no Background Sync here: `online` and app start replay instead */ });
  }

  // --- Saving the check-in forms
  function pathOf(url) {
    try { return new URL(url, location.href).pathname; } catch (e) { return ""; }
  }

  function formKind(form) {
    var path = pathOf(form.getAttribute("action") || location.href);
    if (form.method.toLowerCase() !== "post") return null;
    if (path === data.form) return "full";
    if (path === data.quick) return "quick";
    if (data.logout && path === data.logout) return "logout";
    return null;
  }

  function number(value) {
    if (value === "" || value == null) return null;
    var n = Number(value);
    return isFinite(n) ? n : value;  // not a number: let the server say what is wrong with it
  }

  function localInstant(day, time) {
    // The form's day and time are in the browser's zone, which app.js put in the timezone field.
    var today = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    day = day || today.getFullYear() + "-" + pad(today.getMonth() + 1) + "-" + pad(today.getDate());
    var instant = new Date(day + "T" + (time || "12:00"));
    return isNaN(instant.getTime()) ? null : instant.toISOString();
  }

  // The API's JSON for the full form: the same mapping as entries/validation.py raw_from_form.
  function fullBody(form) {
    var f = form.elements;
    var value = function (name) { var field = f.namedItem(name); return field ? field.value : ""; };
    var checked = function (name) { var field = f.namedItem(name); return !!(field && field.checked); };
    var body = {
      note: value("note"), symptoms: [], tags: [], medications: [],
      audience: { peers: checked("share_peers"), clinicians: checked("share_clinicians"),
                  hide_note_from_peers: checked("hide_note_from_peers") },
    };
    // Each measure the form lays out (data-measure: a row of choices or a number box), by its field's name.
    Array.prototype.forEach.call(form.querySelectorAll("[data-measure]"), function (field) {
      body[field.dataset.measure] = number(value(field.dataset.measure));
    });
    if (value("timezone")) body.timezone = value("timezone");
    Array.prototype.forEach.call(form.querySelectorAll("input:checked"), function (input) {
      if (input.name.indexOf("sev-") === 0 && input.value !== "") {
        body.symptoms.push({ id: input.name.slice(4), severity: number(input.value) });
      } else if (input.name === "tag") {
        body.tags.push(input.value);
      } else if (input.name === "med") {
        var dose = f.namedItem("dose-" + input.value);
        body.medications.push({ id: input.value, dose: dose ? dose.value : "" });
      }
    });
    // An earlier day or time if the member changed them; otherwise the moment they pressed Save (a check-in
    // queued offline keeps the time it was made, not the time it synced).
    var day = f.namedItem("day"), time = f.namedItem("time");
    var moved = (day && day.value !== day.defaultValue) || (time && time.value !== time.defaultValue);
    body.occurred_at = (moved && localInstant(day && day.value, time && time.value)) || new Date().toISOString();
    return body;
  }

  // The other way round: a queued body back into the full form, so a refused check-in can be fixed and
  // saved again without retyping anything.
  function fillForm(form, body) {
    var inputs = function (name) {
      return Array.prototype.filter.call(form.elements, function (input) { return input.name === name; });
    };
    var choose = function (name, value) {
      inputs(name).forEach(function (input) { input.checked = input.value === (value == null ? "" : String(value)); });
    };
    var set = function (name, value) { inputs(name).forEach(function (input) { input.value = value == null ? "" : value; }); };
    var tick = function (name, on) { inputs(name).forEach(function (input) { input.checked = on(input.value); }); };
    Array.prototype.forEach.call(form.querySelectorAll("[data-measure]"), function (field) {
      var key = field.dataset.measure;
      if (field.tagName === "FIELDSET") choose(key, body[key]); else set(key, body[key]);
    });
    set("note", body.note || "");
    (body.symptoms || []).forEach(function (s) { choose("sev-" + s.id, s.severity); });
    var meds = {};
    (body.medications || []).forEach(function (m) { meds[m.id] = m.dose || ""; });
    tick("tag", function (v) { return (body.tags || []).indexOf(v) >= 0; });
    tick("med", function (v) { return v in meds; });
    Object.keys(meds).forEach(function (id) { set("dose-" + id, meds[id]); });
    var audience = body.audience || {};
    tick("share_peers", function () { return !!audience.peers; });
    tick("share_clinicians", function () { return !!audience.clinicians; });
    tick("hide_note_from_peers", function () { return !!audience.hide_note_from_peers; });
    var at = body.occurred_at ? new Date(body.occurred_at) : null;
    if (at && !isNaN(at.getTime())) {
      var pad = function (n) { return (n < 10 ? "0" : "") + n; };
      set("day", at.getFullYear() + "-" + pad(at.getMonth() + 1) + "-" + pad(at.getDate()));
      set("time", pad(at.getHours()) + ":" + pad(at.getMinutes()));
    }
  }

  function fullForm() {
    return Array.prototype.filter.call(document.forms, function (form) { return formKind(form) === "full"; })[0] || null;
  }

  // Put a refused check-in back into the form; it stays listed below it until discarded, so nothing is lost
  // if the page is left before saving.
  function restore(form, id) {
    return read(id).then(function (body) {
      if (!body) return;
      fillForm(form, body);
      fieldError(form, "Your check-in is back in the form: fix what the server said and save it again, " +
        "then discard the copy that could not be saved.");
      if (form.scrollIntoView) form.scrollIntoView({ block: "start" });
    }, function () { notice(UNREADABLE, "error"); });
  }

  function quickBody(form, submitter) {
    var zone = form.elements.namedItem("timezone");
    var body = { mood: number(submitter && submitter.value), occurred_at: new Date().toISOString() };
    if (zone && zone.value) body.timezone = zone.value;
    return body;
  }

  function native(form, submitter) {
    if (submitter && submitter.name) {
      var hidden = el("input");
      hidden.type = "hidden";
      hidden.name = submitter.name;
      hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    HTMLFormElement.prototype.submit.call(form);  // no submit event: not intercepted again
  }

  function setBusy(form, busy) {
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = busy; });
    form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function pageToken() {
    var tag = document.querySelector('meta[name="csrf-token"]');
    if (tag && tag.content) return Promise.resolve(tag.content);
    return freshToken();
  }

  // Online: post it now with its Idempotency-Key. Resolves {saved, id} | {queue} | {refused, error}.
  function postNow(body, id) {
    return pageToken().then(function (token) { return post(body, id, token); }).then(function (response) {
      if (response.ok) return response.json().then(function (json) { return { saved: true, id: json.id }; });
      if (response.status === 401) return { queue: true };
      return errorOf(response).then(function (error) {
        if (transient(response.status, error.code)) return { queue: true };
        return { refused: true, error: error };
      });
    }, function () { return { queue: true }; });  // no answer: queue it; a replay returns the first result
  }

  function fieldError(form, message) {
    var slot = form.querySelector(".js-offline-error") || el("p", "error js-offline-error");
    slot.setAttribute("role", "alert");
    slot.textContent = message;
    form.insertBefore(slot, form.firstChild);
  }

  // A note saved offline that matches crisis language shows the crisis lines at once. The phrases and the
  // banner ship with the offline check-in page (journal/crisis.py matches the same way online).
  function offerSupport(note) {
    var list = document.getElementById("pj-crisis-phrases");
    var banner = document.getElementById("pj-crisis-banner");
    var main = document.getElementById("main");
    if (!note || !list || !banner || !main || document.querySelector(".crisis-banner")) return;
    var norm = function (text) {
      return String(text).toLowerCase().replace(/[\u2018\u2019']/g, "").replace(/[-\u2010-\u2015_]/g, " ")
        .split(/\s+/).filter(Boolean).join(" ");
    };
    var phrases;
    try { phrases = JSON.parse(list.textContent); } catch (e) { return; }
    var text = norm(note);
    var hit = phrases.some(function (phrase) {
      var words = norm(phrase).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      return words && new RegExp("(^|[^a-z0-9_])" + words + "(?=$|[^a-z0-9_])").test(text);
    });
    if (!hit) return;
    main.insertBefore(banner.content.cloneNode(true), main.firstChild);
    revealKeptLinks(main);
  }

  // "Open my safety plan" on the public offline pages: shown only when this device keeps a plan to open.
  function revealKeptLinks(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-kept-page][hidden]"), function (link) {
      meta(PAGE_PREFIX + link.getAttribute("data-kept-page")).then(function (record) {
        if (record) link.hidden = false;
      }).catch(function () {});
    });
  }

  function save(form, kind, submitter) {
    var body = kind === "quick" ? quickBody(form, submitter) : fullBody(form);
    var hasToken = !!form.querySelector('input[name="csrf_token"]');
    if (body.mood == null) {
      if (navigator.onLine !== false && hasToken) return native(form, submitter);
      return fieldError(form, kind === "quick" ? "Tap one of the faces to check in." : "Choose how your mood is.");
    }
    var id = uuid();
    setBusy(form, true);
    var attempt = navigator.onLine === false ? Promise.resolve({ queue: true }) : postNow(body, id);
    return attempt.then(function (result) {
      if (result.saved) {
        try { sessionStorage.setItem(NOTICE_KEY, kind === "quick" ? SAVED_QUICK : SAVED_FULL); } catch (e) { /* private mode */ }
        location.assign(kind === "quick" ? data.timeline : data.entry.replace("ENTRY", encodeURIComponent(result.id)));
        return;
      }
      if (result.refused) {
        setBusy(form, false);
        // The page with a CSRF field can post itself and show the server's field messages in place.
        if (hasToken) return native(form, submitter);
        return fieldError(form, errorText(result.error, "That could not be saved."));
      }
      return enqueue(body, { id: id, account: account }).then(function () {
        setBusy(form, false);
        form.reset();
        var stale = form.querySelector(".js-offline-error");
        if (stale) stale.remove();
        notice(SAVED_HERE);
        offerSupport(body.note);
        registerSync();
        refresh();
        if (statusBox().scrollIntoView) statusBox().scrollIntoView({ block: "center" });
      });
    }).catch(function () {
      setBusy(form, false);
      notice("This check-in could not be saved on this device. Please try again.", "error");
    });
  }

  function logout(form) {
    status().then(function (summary) {
      var unsynced = summary.total;
      if (unsynced && !global.confirm(plural(unsynced, "1 check-in", "check-ins") + " on this device " +
          (unsynced === 1 ? "has" : "have") + " not synced yet. Logging out deletes " +
          (unsynced === 1 ? "it" : "them") + " from this device. Log out anyway?")) return false;
      return wipe().then(function () { return true; });  // the kept pages too: they live in "meta"
    }).catch(function () { return true; }).then(function (go) { if (go) native(form); });
  }

  // Pages kept for offline use (sw.js: only the member's own safety plan) belong to the account that saw
  // them. A page from the server (it carries a CSRF token; the public offline pages do not) that shows
  // nobody signed in, or another account, drops every kept page that is not theirs.
  if (supported && document.querySelector('meta[name="csrf-token"]')) forgetPages(account).catch(function () {});
  if (supported) revealKeptLinks(document);

  if (!supported) return;  // e.g. plain http on a LAN address: no WebCrypto, so forms post as usual

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[type=submit], button:not([type])");
    if (button) lastClicked = button;
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var kind = formKind(form);
    if (!kind || event.defaultPrevented) return;
    event.preventDefault();
    if (kind === "logout") return logout(form);
    var submitter = event.submitter || (lastClicked && lastClicked.form === form ? lastClicked : null);
    save(form, kind, submitter);
  });

  try {
    var pending = sessionStorage.getItem(NOTICE_KEY);
    if (pending) { sessionStorage.removeItem(NOTICE_KEY); notice(pending); }
  } catch (e) { /* storage disabled */ }

  var wanted = /^#restore=(.+)$/.exec(location.hash);
  if (wanted && fullForm()) restore(fullForm(), decodeURIComponent(wanted[1]));

  onChange(function () { refresh(); });
  global.addEventListener("online", function () { sync({ force: true }); });
  global.addEventListener("offline", function () { refresh(); });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") sync(); });
  (account ? rememberAccount(account) : Promise.resolve()).catch(function () {}).then(function () {
    return sync();  // app start
  });
})(typeof self !== "undefined" ? self : this);
