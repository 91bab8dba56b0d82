"""The push API: the VAPID key, registering devices (validated), listing and removing them (only my own),
test notifications, snoozing, and reminder settings. Every answer is checked against the OpenAPI document."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from journal import create_app, crypto
from journal.accounts import User
from journal.extensions import db, utcnow
from journal.push import subscriptions
from journal.push.models import PushJob, PushNotification, PushSubscription, ReminderSettings
from tests.conftest import app_config, racing_backend, when_first_selected
from tests.push.conftest import subscribe


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_vapid_public_key_is_public_and_matches_the_configured_key(app, client):
    response = client.api("GET", "/api/v1/push/vapid-public-key")
    assert response.status_code == 200
    assert response.get_json() == {"key": crypto.vapid_public_key(app.config["VAPID_PRIVATE_KEY"]),
                                   "version": app.config["VAPID_KEY_VERSION"]}


def test_rotating_the_vapid_key_from_the_cli(sqlite_app, tmp_path, monkeypatch):
    app = sqlite_app  # no database work: one backend is enough
    runner = app.test_cli_runner()
    monkeypatch.setenv("JOURNAL_VAPID_PRIVATE_KEY", app.config["VAPID_PRIVATE_KEY"])
    refused = runner.invoke(args=["push", "rotate-vapid-key", "--yes"])
    assert refused.exit_code != 0 and "JOURNAL_VAPID_KEY_VERSION" in refused.output
    monkeypatch.delenv("JOURNAL_VAPID_PRIVATE_KEY")

    path = Path(app.instance_path) / "vapid.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    assert runner.invoke(args=["push", "rotate-vapid-key"], input="n\n").exit_code != 0  # asks first
    assert not path.exists()
    result = runner.invoke(args=["push", "rotate-vapid-key", "--yes"])
    assert result.exit_code == 0, result.output
    assert "version 2" in result.output and path.stat().st_mode & 0o077 == 0
    # The next start reads the new key and version from the instance folder.
    config = app_config(tmp_path, f"sqlite:///{tmp_path / 'rotated.sqlite3'}")
    del config["VAPID_PRIVATE_KEY"]
    rotated = create_app(config)
    saved = json.loads(path.read_text())
    assert rotated.config["VAPID_KEY_VERSION"] == saved["version"] == 2
    assert rotated.config["VAPID_PRIVATE_KEY"] == saved["private_key"] != app.config["VAPID_PRIVATE_KEY"]


def test_register_list_reregister_and_remove_a_device(app, members, push_service):
    member = members.make()
    device = push_service.new_device()
    response = member.api("POST", "/api/v1/push/subscriptions", json=device.subscription(vapid_key_version=1),
                          headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile"})
    assert response.status_code == 201
    created = response.get_json()
    assert created["label"] == "Chrome on Android"
    assert created["endpoint"] == device.endpoint and created["current"] is True
    assert created["push_service"] == f"127.0.0.1:{push_service.port}"

    again = member.api("POST", "/api/v1/push/subscriptions", json=device.subscription())
    assert again.status_code == 200 and again.get_json()["id"] == created["id"]
    second = subscribe(member, push_service.new_device())
    listed = member.api("GET", "/api/v1/push/subscriptions").get_json()["items"]
    assert [d["id"] for d in listed] == [created["id"], second["id"]]

    assert member.api("DELETE", f"/api/v1/push/subscriptions/{created['id']}").status_code == 204
    assert [d["id"] for d in member.api("GET", "/api/v1/push/subscriptions").get_json()["items"]] == [second["id"]]
    # Turning on notifications also sets up reminders with gentle defaults, in the member's zone.
    with app.app_context():
        settings = db.session.get(ReminderSettings, member.user_id)
        assert settings.times == "20:00" and settings.skip_if_checked_in and settings.next_due_at is not None


def test_endpoints_and_keys_are_stored_encrypted(app, members, push_service):
    member = members.make()
    device = push_service.new_device()
    subscribe(member, device)
    with app.app_context():
        row = db.session.scalar(select(PushSubscription))
        assert device.endpoint.encode() not in row.secret
        assert device.p256dh.encode() not in row.secret and device.token.encode() not in row.secret
        assert row.endpoint_hash == crypto.hash_token(device.endpoint)


def _valid(push_service):
    return push_service.new_device().subscription()


@pytest.mark.parametrize("change, field", [
    (lambda s: {**s, "endpoint": "ftp://127.0.0.1/push/x"}, "endpoint"),
    (lambda s: {**s, "endpoint": "https://push.attacker.example/x"}, "endpoint"),
    (lambda s: {**s, "endpoint": "http://10.0.0.5:6379/"}, "endpoint"),
    (lambda s: {**s, "endpoint": "https://user:pw@fcm.googleapis.com/x"}, "endpoint"),
    (lambda s: {k: v for k, v in s.items() if k != "endpoint"}, "endpoint"),
    # URLs that urlsplit cannot take apart: a form message, never a 500.
    (lambda s: {**s, "endpoint": "https://fcm.googleapis.com:99999/x"}, "endpoint"),
    (lambda s: {**s, "endpoint": "https://fcm.googleapis.com:abc/x"}, "endpoint"),
    (lambda s: {**s, "endpoint": "https://[::1/x"}, "endpoint"),
    (lambda s: {**s, "keys": {**s["keys"], "p256dh": _b64(b"\x05" + bytes(64))}}, "keys.p256dh"),
    (lambda s: {**s, "keys": {**s["keys"], "p256dh": _b64(b"\x04" + bytes(31))}}, "keys.p256dh"),
    (lambda s: {**s, "keys": {**s["keys"], "p256dh": "not base64!"}}, "keys.p256dh"),
    (lambda s: {**s, "keys": {**s["keys"], "auth": _b64(bytes(15))}}, "keys.auth"),
    (lambda s: {**s, "keys": {"p256dh": s["keys"]["p256dh"]}}, "keys.auth"),
    (lambda s: {**s, "vapid_key_version": 0}, "vapid_key_version"),
    (lambda s: {**s, "vapid_key_version": "1"}, "vapid_key_version"),
])
def test_invalid_subscriptions_are_refused_field_by_field(member, push_service, change, field):
    response = member.api("POST", "/api/v1/push/subscriptions", json=change(_valid(push_service)))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_real_push_services_are_accepted_on_their_standard_port(app, member):
    valid = {"keys": {"p256dh": _b64(b"\x04" + bytes(64)), "auth": _b64(bytes(16))}}
    for endpoint in ("https://fcm.googleapis.com/fcm/send/abc", "https://updates.push.services.mozilla.com/wpush/v2/x",
                     "https://web.push.apple.com:443/QGxx", "https://wns2-par02p.notify.windows.com/w/?token=x"):
        assert member.api("POST", "/api/v1/push/subscriptions", json={**valid, "endpoint": endpoint}).status_code == 201
    for endpoint in ("https://fcm.googleapis.com:8443/fcm/send/abc", "https://fcm.googleapis.com:80/x"):
        response = member.api("POST", "/api/v1/push/subscriptions", json={**valid, "endpoint": endpoint})
        assert response.status_code == 422, endpoint
        assert "standard https port" in response.get_json()["error"]["fields"]["endpoint"]


@pytest.mark.parametrize("config", [{}, {"TESTING": False, "JOURNAL_ENV": "development"},
                                    {"TESTING": False, "JOURNAL_ENV": "production"}])
def test_push_services_on_this_machine_need_the_explicit_test_setting(app, member, config):
    """Without PUSH_ALLOW_LOCAL_SERVICES (what `make run` serves), a member cannot point the worker at the
    server's own ports: loopback, on any port and scheme, is refused."""
    app.config.update(PUSH_ALLOW_LOCAL_SERVICES=False, **config)
    valid = {"keys": {"p256dh": _b64(b"\x04" + bytes(64)), "auth": _b64(bytes(16))}}
    for endpoint in ("http://127.0.0.1:9/x", "http://localhost:5000/api/v1/checkins", "https://127.0.0.1/x",
                     "http://[::1]:6379/", "https://localhost:8443/x"):
        response = member.api("POST", "/api/v1/push/subscriptions", json={**valid, "endpoint": endpoint})
        assert response.status_code == 422, endpoint
        assert "endpoint" in response.get_json()["error"]["fields"]


def test_what_make_run_serves_refuses_local_push_services_and_production_refuses_the_allowance(tmp_path,
                                                                                                monkeypatch):
    monkeypatch.setenv("JOURNAL_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("JOURNAL_PUSH_ALLOW_LOCAL_SERVICES", raising=False)
    for variable in ("JOURNAL_ENV", "DATABASE_URL", "SECRET_KEY", "JOURNAL_MASTER_KEYS"):
        monkeypatch.delenv(variable, raising=False)
    served = create_app()  # the environment `make run` gives: development, no test settings
    with served.test_request_context():
        assert subscriptions.endpoint_problem("http://127.0.0.1:5000/x", subscriptions.allow_local_endpoints())
    monkeypatch.setenv("JOURNAL_PUSH_ALLOW_LOCAL_SERVICES", "1")
    monkeypatch.setenv("JOURNAL_ENV", "production")
    with pytest.raises(RuntimeError, match="JOURNAL_PUSH_ALLOW_LOCAL_SERVICES"):
        create_app()


def test_a_device_over_the_limit_is_refused(app, member, push_service):
    with app.app_context():
        user = db.session.get(User, member.user_id)
        for _ in range(subscriptions.MAX_DEVICES):
            data = subscriptions.parse_subscription(push_service.new_device().subscription())
            subscriptions.subscribe(user, data, label="Test", app_origin=None, now=utcnow())
        db.session.commit()
    response = member.api("POST", "/api/v1/push/subscriptions", json=_valid(push_service))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "too_many_devices"
    assert len(member.api("GET", "/api/v1/push/subscriptions").get_json()["items"]) == subscriptions.MAX_DEVICES


def test_a_replaced_subscription_removes_the_old_device_but_only_ones_own(members, push_service):
    member, other = members.make(), members.make()
    old, theirs, new = push_service.new_device(), push_service.new_device(), push_service.new_device()
    subscribe(member, old)
    subscribe(other, theirs)
    subscribe(member, new, old_endpoint=old.endpoint)  # what the service worker sends on pushsubscriptionchange
    assert [d["endpoint"] for d in member.api("GET", "/api/v1/push/subscriptions").get_json()["items"]] == [
        new.endpoint]
    subscribe(member, push_service.new_device(), old_endpoint=theirs.endpoint)  # not the member's to remove
    assert [d["endpoint"] for d in other.api("GET", "/api/v1/push/subscriptions").get_json()["items"]] == [
        theirs.endpoint]


@pytest.mark.parametrize("method, url", [("POST", "/api/v1/push/subscriptions"), ("POST", "/api/v1/push/snooze"),
                                         ("PUT", "/api/v1/reminders")])
def test_json_endpoints_refuse_other_bodies(member, method, url):
    assert member.api(method, url, data="minutes=5", content_type="text/plain").status_code == 415
    response = member.api(method, url, json=["not", "an", "object"])
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_json"


def test_state_changing_calls_need_the_csrf_token(member, push_service):
    response = member.api("POST", "/api/v1/push/subscriptions", json=_valid(push_service), csrf=False)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"
    assert member.api("POST", "/api/v1/push/test", csrf=False).status_code == 400


def test_login_is_required(client):
    assert client.api("GET", "/api/v1/push/subscriptions").status_code == 401
    assert client.api("GET", "/api/v1/reminders").status_code == 401


# Who may touch a device: its owner only; anyone else gets 404 (its existence is not confirmed).
@pytest.mark.parametrize("who, expected", [("owner", 204), ("other member", 404), ("clinician", 404)])
def test_only_the_owner_can_remove_a_device(app, members, push_service, who, expected):
    owner = members.make()
    device_id = subscribe(owner, push_service.new_device())["id"]
    actor = {"owner": owner, "other member": members.make(),
             "clinician": members.make(role="clinician")}[who]
    assert actor.api("DELETE", f"/api/v1/push/subscriptions/{device_id}").status_code == expected
    assert actor.post(f"/reminders/devices/{device_id}/delete", {"confirm": "1"}).status_code in (302, 404)
    with app.app_context():
        remaining = db.session.scalar(select(func.count(PushSubscription.id)))
    assert remaining == (0 if who == "owner" else 1)
    assert owner.api("DELETE", "/api/v1/push/subscriptions/not-a-uuid").status_code == 404


def test_members_only_see_their_own_devices(members, push_service):
    mine, theirs = members.make(), members.make()
    subscribe(mine, push_service.new_device())
    subscribe(theirs, push_service.new_device())
    items = mine.api("GET", "/api/v1/push/subscriptions").get_json()["items"]
    assert len(items) == 1
    assert theirs.api("GET", "/api/v1/push/subscriptions").get_json()["items"][0]["id"] != items[0]["id"]


def test_a_browser_that_subscribes_for_another_account_moves_to_it(app, members, push_service):
    first, second = members.make(), members.make()
    device = push_service.new_device()
    subscribe(first, device)
    subscribe(second, device)  # the same browser profile, now logged in as someone else
    assert first.api("GET", "/api/v1/push/subscriptions").get_json()["items"] == []
    assert len(second.api("GET", "/api/v1/push/subscriptions").get_json()["items"]) == 1


def test_test_notifications_share_one_rate_limit_between_page_and_api(member, push_service):
    subscribe(member, push_service.new_device())
    for _ in range(5):
        assert member.api("POST", "/api/v1/push/test").status_code == 202
        assert member.post("/reminders/test").status_code == 302
    assert member.post("/reminders/test").status_code == 429
    assert member.api("POST", "/api/v1/push/test").status_code == 429


def test_test_notification_needs_a_device_then_queues_one_per_device(app, member, push_service):
    response = member.api("POST", "/api/v1/push/test")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "no_devices"
    subscribe(member, push_service.new_device())
    subscribe(member, push_service.new_device())
    response = member.api("POST", "/api/v1/push/test")
    assert response.status_code == 202 and response.get_json() == {"queued": 2}
    with app.app_context():
        assert db.session.scalar(select(func.count(PushJob.id)).where(PushJob.status == "pending")) == 2


def test_reminder_settings_round_trip_and_validation(member):
    defaults = member.api("GET", "/api/v1/reminders").get_json()
    assert defaults["times"] == ["20:00"] and defaults["skip_if_checked_in"] is True
    assert defaults["backoff"] == {"ignored_in_a_row": 0, "every_other_day": False, "message": None}
    body = {"times": ["21:15", "08:00"], "days": ["mon", "wed", "fri"], "timezone": "Europe/Berlin",
            "quiet_hours": {"start": "22:00", "end": "07:00"}, "skip_if_checked_in": False}
    saved = member.api("PUT", "/api/v1/reminders", json=body).get_json()
    assert saved["times"] == ["08:00", "21:15"] and saved["days"] == ["mon", "wed", "fri"]
    assert saved["quiet_hours"] == {"start": "22:00", "end": "07:00"} and saved["timezone"] == "Europe/Berlin"
    assert saved["next_reminder_at"] is not None
    assert member.api("GET", "/api/v1/reminders").get_json() == saved

    for bad, field in [({"times": ["08:00", "12:00", "18:00", "21:00"]}, "times"), ({"times": ["25:00"]}, "times[0]"),
                       ({"times": ["+8:30"]}, "times[0]"), ({"times": ["٠٨:30"]}, "times[0]"),
                       ({"days": ["monday"]}, "days[0]"), ({"timezone": "Mars/Olympus"}, "timezone"),
                       ({"quiet_hours": {"start": "22:00"}}, "quiet_hours.end"), ({"pause_days": 365}, "pause_days"),
                       ({"skip_if_checked_in": "yes"}, "skip_if_checked_in"), ({"colour": "blue"}, "colour")]:
        response = member.api("PUT", "/api/v1/reminders", json=bad)
        assert response.status_code == 422, bad
        assert field in response.get_json()["error"]["fields"], (bad, response.get_json())

    paused = member.api("PUT", "/api/v1/reminders", json={"pause_days": 3}).get_json()
    assert paused["paused_until"] is not None
    assert member.api("PUT", "/api/v1/reminders", json={"pause_days": 0}).get_json()["paused_until"] is None


def test_clinicians_have_no_reminders(members):
    clinician = members.make(role="clinician")
    assert clinician.api("GET", "/api/v1/reminders").status_code == 403
    assert clinician.api("POST", "/api/v1/push/snooze", json={"minutes": 60}).status_code == 403


def test_snooze_queues_one_reminder_later(app, member, push_service):
    subscribe(member, push_service.new_device())
    response = member.api("POST", "/api/v1/push/snooze", json={"minutes": 60})
    assert response.status_code == 202
    again = member.api("POST", "/api/v1/push/snooze", json={"minutes": 60})  # a second tap: still one reminder
    assert again.get_json() == response.get_json()
    assert member.api("POST", "/api/v1/push/snooze", json={"minutes": 0}).status_code == 422
    with app.app_context():
        notifications = db.session.scalars(select(PushNotification)).all()
        assert len(notifications) == 1 and notifications[0].slot.startswith("snooze:")


# --- Two requests at the same moment (PostgreSQL only: see tests/conftest.py, racing_backend) -------------


@racing_backend
def test_a_device_subscribing_twice_at_once_is_one_device_and_no_error(app, member, push_service):
    device = push_service.new_device()

    def other_request(_parameters):
        with app.app_context():  # its own session and connection, committed before this request inserts
            user = db.session.get(User, member.user_id)
            data = subscriptions.parse_subscription(device.subscription())
            subscriptions.subscribe(user, data, label="Other tab", app_origin=None, now=utcnow())
            db.session.commit()

    with when_first_selected(app, "push_subscriptions", other_request) as fired:
        response = member.api("POST", "/api/v1/push/subscriptions", json=device.subscription())
    assert fired, "the other request ran in the window"
    assert response.status_code == 200, response.get_json()  # it found the row the other one made
    with app.app_context():
        rows = db.session.scalars(select(PushSubscription)).all()
        assert len(rows) == 1 and rows[0].revision == 2


@racing_backend
def test_snoozing_from_two_devices_at_once_is_one_reminder_and_no_error(app, member, push_service):
    subscribe(member, push_service.new_device())

    def other_request(parameters):
        slot = next(v for v in parameters.values() if isinstance(v, str) and v.startswith("snooze:"))
        now = utcnow()
        with app.app_context():
            db.session.add(PushNotification(
                user_id=member.user_id, kind="nudge", slot=slot, title="t", body="b", path="/checkin",
                topic="checkin", urgency="normal", due_at=now, expires_at=now, status="queued"))
            db.session.commit()

    with when_first_selected(app, "push_notifications", other_request) as fired:
        response = member.api("POST", "/api/v1/push/snooze", json={"minutes": 60})
    assert fired and response.status_code == 202, response.get_json()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PushNotification)) == 1
