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
        page.wait_for_selector("text=Notifications are on for this device.")
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
