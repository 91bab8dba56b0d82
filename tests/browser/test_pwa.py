"""The installable app in a real Chromium: service worker, offline check-ins, push, small screens."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from journal.entries.models import Checkin
from journal.extensions import db
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

EMPTY = {"items": [], "key": None, "exported": "no key"}
# The raw IndexedDB records of the offline queue (never creating the database when it is gone).
READ_QUEUE = """() => new Promise((resolve, reject) => {
  const empty = {items: [], key: null, exported: "no key"};
  const open = indexedDB.open("pj-offline");
  open.onupgradeneeded = () => open.transaction.abort();  // no database: leave it that way
  open.onerror = () => open.error && open.error.name === "AbortError" ? resolve(empty) : reject(open.error);
  open.onsuccess = () => {
    if (!open.result.objectStoreNames.contains("queue")) { open.result.close(); resolve(empty); return; }
    const tx = open.result.transaction(["queue", "meta"]);
    const items = tx.objectStore("queue").getAll();
    const key = tx.objectStore("meta").get("key");
    tx.oncomplete = async () => {
      const k = key.result;
      let exported = "no key";
      if (k) {
        try { await crypto.subtle.exportKey("raw", k); exported = "exported"; } catch (e) { exported = e.name; }
      }
      resolve({
        items: items.result.map(i => ({
          id: i.id, state: i.state, record: JSON.stringify(i),
          bytes: i.data instanceof ArrayBuffer ? Array.from(new Uint8Array(i.data)) : null})),
        key: k ? {extractable: k.extractable, algorithm: k.algorithm.name, usages: k.usages} : null,
        exported: exported,
      });
      open.result.close();
    };
  };
})"""


def checkins_of(live_app, user_id: int) -> int:
    with live_app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Checkin).where(Checkin.owner_id == user_id))
        db.session.remove()
        return count


def wait_until(page, predicate, timeout_ms: int = 10_000, what: str = "condition"):
    """Poll a Python predicate while letting the browser run (events, timers)."""
    for _ in range(timeout_ms // 100):
        if predicate():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}")


def controlled(page):
    """Wait until the service worker controls the page (install.js asks it to claim a page that loaded early)."""
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                           timeout=15_000)


def registration_id(context, page, live_server):
    """The CDP session and the service worker registration id for the app's origin."""
    cdp = context.new_cdp_session(page)
    found = {}

    def updated(event):
        for registration in event["registrations"]:
            if registration["scopeURL"].startswith(live_server) and not registration.get("isDeleted"):
                found["id"] = registration["registrationId"]

    cdp.on("ServiceWorker.workerRegistrationUpdated", updated)
    cdp.send("ServiceWorker.enable")
    wait_until(page, lambda: "id" in found, what="the service worker registration")
    return cdp, found["id"]


def test_manifest_is_valid_and_the_service_worker_controls_the_page(member_page, browser_context):
    page = member_page
    assert page.url.endswith("/checkin")
    controlled(page)
    cdp = browser_context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert manifest["errors"] == []
    parsed = json.loads(manifest["data"])
    assert parsed["display"] == "standalone" and parsed["start_url"] == "/checkin"
    # Chromium's own verdict, bar the one that only says Playwright's profile is incognito.
    errors = [e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]]
    assert [e for e in errors if e != "in-incognito"] == []
    state = page.evaluate("""async () => {
      const registration = await navigator.serviceWorker.ready;
      const names = await caches.keys();
      const shell = await caches.open(names.find(n => n.startsWith("pj-shell-")));
      return {scope: registration.scope, caches: names,
              cached: (await shell.keys()).map(r => new URL(r.url).pathname)};
    }""")
    assert state["scope"].endswith("/")
    assert {"/offline", "/checkin/offline", "/static/css/app.css", "/static/js/offline.js"} <= set(state["cached"])
    assert not any(path.startswith("/api/") or path in ("/checkin", "/timeline") for path in state["cached"])


def test_offline_check_in_survives_a_reload_and_syncs_exactly_once(member_page, browser_context, live_app):
    page, user_id = member_page, member_page.member.user_id
    controlled(page)
    browser_context.set_offline(True)
    page.reload()
    assert page.locator(".offline-banner").is_visible(), "the check-in page opens offline"
    form = page.locator("form.checkin-form")
    form.locator(".scale-option:has(input[name=mood][value='2'])").click()
    form.locator(".scale-option:has(input[name=pain][value='3'])").click()
    page.fill("#note", "walked slowly by the river")
    form.locator("button[type=submit]").click()
    status = page.locator("#pj-sync-status")
    status.get_by_text("Saved on this device").first.wait_for()
    assert "1 check-in waiting to sync" in status.inner_text()

    page.reload()  # still offline: the page still works and still knows
    page.locator(".sync-waiting").wait_for()
    assert "1 check-in waiting to sync" in page.locator(".sync-waiting").inner_text()
    stored = page.evaluate(READ_QUEUE)
    assert len(stored["items"]) == 1
    assert stored["key"] == {"extractable": False, "algorithm": "AES-GCM", "usages": ["encrypt", "decrypt"]}
    assert stored["exported"] == "InvalidAccessError"
    item = stored["items"][0]
    assert "river" not in item["record"] and "river" not in bytes(item["bytes"]).decode("latin-1")
    assert checkins_of(live_app, user_id) == 0
    body = page.evaluate("id => PJQueue.read(id)", item["id"])
    assert body["note"] == "walked slowly by the river" and body["occurred_at"]

    browser_context.set_offline(False)  # `online`: the page replays with a fresh CSRF token
    page.locator(".sync-waiting").wait_for(state="detached")
    assert checkins_of(live_app, user_id) == 1
    # Replaying again (another tab, the worker, a retry) creates nothing more.
    page.evaluate("""async ([id, body]) => {
      await PJQueue.enqueue(body, {id: id});
      await Promise.all([PJQueue.replay({force: true}), PJQueue.replay({force: true})]);
    }""", [item["id"], body])
    assert checkins_of(live_app, user_id) == 1
    assert page.evaluate(READ_QUEUE)["items"] == []
    with live_app.app_context():
        from journal.accounts import User
        from journal.entries import services

        user = db.session.get(User, user_id)
        view = services.list_checkins(user).entries[0]
        assert (view.mood, view.pain, view.note) == (2, 3, "walked slowly by the river")
        db.session.remove()


def test_offline_pages_offer_help_and_a_check_in_that_saves_once_online(member_page, browser_context, live_app):
    page, user_id = member_page, member_page.member.user_id
    controlled(page)
    browser_context.set_offline(True)
    page.goto("/timeline")  # any page but the check-in opens the offline page
    assert "This page needs a connection" in page.locator(".offline-banner").inner_text()
    assert page.locator("#help .crisis-lines li").count() == len(live_app.config["CRISIS_LINES"])
    page.locator("main").get_by_role("link", name="Check in").click()
    page.wait_for_url("**/checkin")
    assert "saved on this device" in page.locator(".offline-banner").inner_text()
    page.get_by_role("link", name="Get help now").click()
    page.wait_for_url("**/offline#help")
    assert page.locator("#help").is_visible()

    # The shell also opens on a very slow connection, so it must save once the request gets through. It has
    # no CSRF field to post itself with: the server's refusal shows in place, and nothing is queued.
    browser_context.set_offline(False)
    page.goto("/checkin/offline")
    form = page.locator("form.checkin-form")
    form.locator(".scale-option:has(input[name=mood][value='2'])").click()
    page.fill("#sleep_hours", "30")
    form.locator("button[type=submit]").click()
    assert "Hours of sleep from 0 to 24" in form.locator(".js-offline-error").inner_text()
    assert page.evaluate("PJQueue.status()")["total"] == 0
    assert checkins_of(live_app, user_id) == 0
    page.fill("#sleep_hours", "7.5")
    with page.expect_navigation(url="**/entries/*"):
        form.locator("button[type=submit]").click()
    assert "Check-in saved" in page.locator("#pj-sync-status").inner_text()
    assert checkins_of(live_app, user_id) == 1


def test_background_sync_drains_the_queue(member_page, browser_context, live_app, live_server):
    page, user_id = member_page, member_page.member.user_id
    controlled(page)
    cdp, registration = registration_id(browser_context, page, live_server)
    browser_context.set_offline(True)
    page.reload()
    page.locator("form.quick-faces button[value='4']").click()  # one tap
    page.locator(".sync-waiting").wait_for()
    page.goto("about:blank")  # no app page left to replay: only the service worker can
    browser_context.set_offline(False)
    cdp.send("ServiceWorker.dispatchSyncEvent", {"origin": live_server, "registrationId": registration,
                                                 "tag": "pj-checkins", "lastChance": False})
    wait_until(page, lambda: checkins_of(live_app, user_id) == 1, what="the sync event to replay the queue")
    page.goto("/offline")
    assert page.evaluate("PJQueue.status()")["total"] == 0
    assert checkins_of(live_app, user_id) == 1


def test_push_shows_a_notification_with_check_in_and_snooze(member_page, browser_context, live_server):
    page = member_page
    browser_context.grant_permissions(["notifications"], origin=live_server)
    controlled(page)
    cdp, registration = registration_id(browser_context, page, live_server)
    payload = {"web_push": 8030, "notification": {"title": "A gentle nudge", "body": "How are you today?",
                                                  "navigate": "/timeline", "tag": "nudge"}}
    cdp.send("ServiceWorker.deliverPushMessage", {"origin": live_server, "registrationId": registration,
                                                  "data": json.dumps(payload)})
    cdp.send("ServiceWorker.deliverPushMessage", {"origin": live_server, "registrationId": registration,
                                                  "data": "not json"})
    read = """async () => (await (await navigator.serviceWorker.ready).getNotifications()).map(n => (
      {title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url, actions: n.actions.map(a => a.action)}))"""
    notifications = []

    def both_shown():
        notifications[:] = page.evaluate(read)
        return len(notifications) == 2

    try:
        wait_until(page, both_shown, what="two notifications")
    except AssertionError as exc:  # say what was shown instead, so a failure can be told apart from a flake
        raise AssertionError(f"{exc}; the worker showed {notifications}") from None
    shown = {n["title"]: n for n in notifications}
    nudge = shown["A gentle nudge"]
    assert (nudge["body"], nudge["tag"], nudge["url"]) == ("How are you today?", "nudge", "/timeline")
    assert nudge["actions"] == ["checkin", "snooze"]
    assert shown["Peer Journal"]["url"] == "/checkin", "an unreadable push still shows a gentle notification"

    worker = browser_context.service_workers[0]
    assert worker.evaluate("""() => [PJWorker.safePath("https://evil.example/x"), PJWorker.safePath("//evil.example"),
        PJWorker.safePath("javascript:alert(1)"), PJWorker.safePath("/entries/1?x=2#c")]""") == [
        "/checkin", "/checkin", "/checkin", "/entries/1?x=2#c"]
    # Snooze and re-subscribe call the push API with a fresh CSRF token (fetch stubbed inside the worker).
    calls = worker.evaluate("""async () => {
      const calls = [], realFetch = self.fetch, manager = self.registration.pushManager;
      const fake = {endpoint: "https://push.example/new", options: {},
                    toJSON() { return {endpoint: this.endpoint, keys: {p256dh: "P", auth: "A"}}; }};
      manager.getSubscription = async () => null;
      manager.subscribe = async (options) => { calls.push({subscribe: options.applicationServerKey.byteLength,
                                                            userVisibleOnly: options.userVisibleOnly}); return fake; };
      self.fetch = async (url, init) => {
        init = init || {};
        calls.push({url: String(url), method: init.method || "GET", headers: init.headers || {},
                    body: init.body || null, credentials: init.credentials});
        const json = (body) => new Response(JSON.stringify(body),
                                            {status: 200, headers: {"Content-Type": "application/json"}});
        if (String(url).endsWith("/csrf-token")) return json({csrf_token: "fresh-token", account: "1"});
        if (String(url).endsWith("/vapid-public-key")) return json({key: "B" + "A".repeat(86), version: 3});
        return new Response(null, {status: 204});
      };
      try {
        await PJWorker.snooze();
        await PJWorker.resubscribe({oldSubscription: {endpoint: "https://push.example/old"}});
      } finally {
        self.fetch = realFetch; delete manager.getSubscription; delete manager.subscribe; }
      return calls;
    }""")
    posts = [c for c in calls if c.get("method") == "POST"]
    assert [p["url"].removeprefix(live_server) for p in posts] == ["/api/v1/push/snooze", "/api/v1/push/subscriptions"]
    for post in posts:
        assert post["headers"] == {"Content-Type": "application/json", "X-CSRFToken": "fresh-token"}
        assert post["credentials"] == "same-origin"
    assert json.loads(posts[0]["body"]) == {"minutes": 60}
    assert json.loads(posts[1]["body"]) == {
        "endpoint": "https://push.example/new", "keys": {"p256dh": "P", "auth": "A"}, "vapid_key_version": 3,
        "old_endpoint": "https://push.example/old"}
    assert {"subscribe": 65, "userVisibleOnly": True} in calls


def test_queue_shows_refusals_and_keeps_other_accounts_check_ins_apart(member_page, browser_context, live_app):
    page, user_id = member_page, member_page.member.user_id
    page.evaluate("""async () => {
      await PJQueue.enqueue({mood: 9, occurred_at: new Date().toISOString()});           // never valid
      await PJQueue.enqueue({mood: 3, note: "not yours"}, {account: "someone-else"});  // saved by another account
      await PJQueue.replay({force: true});
    }""")
    failed = page.locator(".sync-failed")
    failed.wait_for()
    assert "Choose a mood from 1 to 5" in failed.inner_text()
    assert "another account" in page.locator("#pj-sync-status").inner_text()
    assert checkins_of(live_app, user_id) == 0
    failed.get_by_role("button", name="Show what I wrote").click()
    failed.get_by_text("Mood 9/5").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    failed.get_by_role("button", name="Discard").click()
    failed.wait_for(state="detached")
    # Logging out wipes the queue and its key from the device.
    page.goto("/account")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation(url="**/login"):
        page.locator("form[action='/logout'] button").click()
    assert page.evaluate(READ_QUEUE) == EMPTY


def test_check_in_on_a_small_phone_in_one_tap(browser, live_server, live_app):
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True)
    try:
        page, member = sign_in(context, live_app)
        for url in ("/checkin", "/checkin/offline", "/offline"):
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{url} scrolls sideways"
        page.goto("/checkin")
        with page.expect_navigation(url="**/timeline"):
            page.locator("form.quick-faces button[value='3']").tap()  # the only tap
        assert "well done for checking in" in page.locator("#pj-sync-status").inner_text()
        assert checkins_of(live_app, member.user_id) == 1
        # The full form saves through the API too, and lands on the new entry.
        page.goto("/checkin")
        form = page.locator("form.checkin-form")
        form.locator(".scale-option:has(input[name=mood][value='5'])").tap()
        with page.expect_navigation(url="**/entries/*"):
            form.locator("button[type=submit]").tap()
        assert "Check-in saved" in page.locator("#pj-sync-status").inner_text()
        assert checkins_of(live_app, member.user_id) == 2
        # A mistake still gets the server's own message next to the field.
        page.goto("/checkin")
        page.fill("#sleep_hours", "30")
        form.locator(".scale-option:has(input[name=mood][value='2'])").tap()
        form.locator("button[type=submit]").tap()
        page.locator(".has-error, .error").first.wait_for()
        assert "Hours of sleep from 0 to 24" in page.content()
        assert checkins_of(live_app, member.user_id) == 2
    finally:
        context.close()


def test_check_in_without_javascript(browser, live_server, live_app):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page, member = sign_in(context, live_app)
        page.goto("/checkin")
        page.locator("form.checkin-form .scale-option:has(input[name=mood][value='4'])").click()
        with page.expect_navigation(url="**/entries/*"):
            page.locator("form.checkin-form button[type=submit]").click()
        assert checkins_of(live_app, member.user_id) == 1
    finally:
        context.close()


IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")


def test_install_button_and_add_to_home_screen_instructions(browser, live_server):
    context = browser.new_context(base_url=live_server)
    try:
        page = context.new_page()
        page.goto("/login")
        assert page.locator("#pj-install").count() == 0, "nothing to offer until the browser allows it"
        # Chromium fires beforeinstallprompt when the app may be installed; stand in for it.
        page.evaluate("""() => {
          const event = new Event("beforeinstallprompt", {cancelable: true});
          event.prompt = () => { window.promptShown = true; return Promise.resolve(); };
          event.userChoice = Promise.resolve({outcome: "accepted"});
          window.dispatchEvent(event);
          window.installEventCancelled = event.defaultPrevented;
        }""")
        assert page.evaluate("window.installEventCancelled"), "the mini info-bar gives way to our button"
        page.get_by_role("button", name="Install app").click()
        assert page.evaluate("window.promptShown") is True
        page.locator("#pj-install").wait_for(state="detached")
    finally:
        context.close()
    iphone = browser.new_context(base_url=live_server, user_agent=IPHONE, viewport={"width": 390, "height": 844},
                                 is_mobile=True, has_touch=True)
    try:
        page = iphone.new_page()
        page.goto("/login")
        card = page.locator("#pj-install")
        assert "Add to Home Screen" in card.inner_text()
        assert "16.4" in card.inner_text() and "Turn on reminders" in card.inner_text()
        card.get_by_role("button", name="Not now").tap()
        page.reload()
        assert page.locator("#pj-install").count() == 0, "“Not now” is remembered"
    finally:
        iphone.close()


def test_the_install_card_shows_once_a_session_and_never_beside_crisis_lines(browser, live_server):
    iphone = browser.new_context(base_url=live_server, user_agent=IPHONE, viewport={"width": 390, "height": 844},
                                 is_mobile=True, has_touch=True)
    try:
        page = iphone.new_page()
        for path in ("/help", "/offline"):
            page.goto(path)
            assert page.locator("#pj-install").count() == 0, f"{path}: someone reading crisis lines"
        page.goto("/login")
        assert page.locator("#pj-install").count() == 1, "offered once"
        page.goto("/register")
        assert page.locator("#pj-install").count() == 0, "and not again in the same session"
    finally:
        iphone.close()
    again = browser.new_context(base_url=live_server, user_agent=IPHONE, is_mobile=True, has_touch=True)
    try:
        page = again.new_page()
        page.goto("/register")
        assert page.locator("#pj-install").count() == 1, "a new session may offer it again"
    finally:
        again.close()
