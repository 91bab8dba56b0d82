"""push.js in a real Chromium: "Turn on reminders" asks permission, subscribes with the server's VAPID key
(userVisibleOnly), registers the subscription and records the browser's time zone; a test notification then
reaches the device at the fake push service. `pushManager.subscribe` cannot reach a real push service from
here, so the page's PushManager is stubbed to hand out a subscription of the fake push service."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from journal import crypto
from journal.extensions import db
from journal.push.models import PushSubscription, ReminderSettings
from tests.browser.conftest import browser, live_app, live_server, sign_in  # noqa: F401  (fixtures)
from tests.push.conftest import run_worker

STUB = """
(() => {
  const fake = %s;
  const state = JSON.parse(sessionStorage.getItem("pj-push-stub") || '{"permission": "default"}');
  const save = () => sessionStorage.setItem("pj-push-stub", JSON.stringify(state));
  const b64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const subscription = (key) => ({
    endpoint: fake.endpoint, options: {applicationServerKey: key}, toJSON: () => fake,
    unsubscribe: () => { state.subscribed = null; save(); return Promise.resolve(true); },
  });
  Object.defineProperty(Notification, "permission", {get: () => state.permission});
  Notification.requestPermission = () => { state.permission = "granted"; save(); return Promise.resolve("granted"); };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(state.subscribed ? subscription(Uint8Array.from(atob(state.subscribed.replace(/-/g, "+")
      .replace(/_/g, "/") + "==".slice(0, (4 - state.subscribed.length %% 4) %% 4)), (c) => c.charCodeAt(0)).buffer)
      : null);
  };
  PushManager.prototype.subscribe = function (options) {
    state.subscribed = b64(options.applicationServerKey);
    state.userVisibleOnly = options.userVisibleOnly;
    save();
    return Promise.resolve(subscription(options.applicationServerKey));
  };
})();
"""


@pytest.mark.browser
def test_turning_on_reminders_in_the_browser(browser, live_server, live_app, push_service):  # noqa: F811
    device = push_service.new_device()
    context = browser.new_context(base_url=live_server, timezone_id="Europe/Berlin")
    context.set_default_timeout(10_000)
    try:
        context.add_init_script(STUB % json.dumps(device.subscription()))
        page, member = sign_in(context, live_app, timezone="UTC")
        page.goto("/reminders")
        with page.expect_response("**/api/v1/push/subscriptions") as posted:
            page.click("[data-push-enable]")
        assert posted.value.status == 201
        page.wait_for_load_state("load")
        page.wait_for_selector("text=Reminders will arrive on this device.")
        stub = page.evaluate("JSON.parse(sessionStorage.getItem('pj-push-stub'))")
        assert stub["userVisibleOnly"] is True
        assert stub["subscribed"] == crypto.vapid_public_key(live_app.config["VAPID_PRIVATE_KEY"])
        with live_app.app_context():
            sub = db.session.scalar(select(PushSubscription).where(PushSubscription.owner_id == member.user_id))
            assert sub is not None and sub.vapid_key_version == 1
            assert db.session.get(ReminderSettings, member.user_id).timezone == "Europe/Berlin"
        assert "Chrome" in page.inner_text("#devices")

        page.click("text=Send a test notification")
        page.wait_for_selector("text=is on its way to 1 device")
        run_worker(live_app)
        [received] = device.delivered
        assert received.json["notification"]["body"] == "Notifications work on this device."
    finally:
        context.close()


# What "Turn on reminders" ends with when it cannot succeed: a clear outcome within seconds, never a hang.
OUTCOME_STUBS = {
    "denied": ("Notification.requestPermission = () => Promise.resolve('denied');",
               "Notifications are blocked for Peer Journal in this browser"),
    "dismissed": ("Notification.requestPermission = () => Promise.resolve('default');",
                  "You closed the question without choosing"),
    # A service worker that never becomes ready (getRegistration finds none, `ready` never settles).
    "no service worker": ("Notification.requestPermission = () => Promise.resolve('granted');"
                          "navigator.serviceWorker.register = () => new Promise(() => {});"
                          "navigator.serviceWorker.getRegistration = () => Promise.resolve(undefined);"
                          "Object.defineProperty(navigator.serviceWorker, 'ready',"
                          " {get: () => new Promise(() => {})});",
                          "has not finished installing Peer Journal's offline helper"),
    "push service out of reach": ("Notification.requestPermission = () => Promise.resolve('granted');"
                                  "PushManager.prototype.getSubscription = () => Promise.resolve(null);"
                                  "PushManager.prototype.subscribe = () => Promise.reject("
                                  "new DOMException('Registration failed - push service error', 'AbortError'));",
                                  "could not reach its notification service"),
}


@pytest.mark.browser
@pytest.mark.parametrize("case", list(OUTCOME_STUBS))
def test_turning_on_reminders_always_ends_with_a_clear_outcome(browser, live_server, live_app, case):  # noqa: F811
    stub, outcome = OUTCOME_STUBS[case]
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    try:
        context.add_init_script(stub)
        page, _ = sign_in(context, live_app)
        page.goto("/reminders")
        page.click("[data-push-enable]")
        status = page.locator("[data-push-status]")
        status.filter(has_text=outcome).wait_for(timeout=12_000)  # the slowest step gives up after 8 s
        assert page.locator("[data-push-enable]").is_enabled()  # and the member can try again
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("stub, outcome", [
    ("delete window.PushManager;", "this browser cannot show notifications from websites"),
    ("delete window.PushManager; Object.defineProperty(navigator, 'userAgent', {get: () => "
     "'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile Safari'});",
     "On iPhone and iPad, notifications work once Peer Journal is on your Home Screen"),
])
def test_a_device_that_cannot_get_reminders_says_so_and_why(browser, live_server, live_app, stub, outcome):  # noqa: F811
    context = browser.new_context(base_url=live_server)
    try:
        context.add_init_script(stub)
        page, _ = sign_in(context, live_app)
        page.goto("/reminders")
        page.locator("[data-push-status]").filter(has_text=outcome).wait_for(timeout=5_000)
        assert page.locator("[data-push-enable]").is_hidden()
    finally:
        context.close()
