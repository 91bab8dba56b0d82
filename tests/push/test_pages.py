"""The Reminders page works without JavaScript: settings, pause and resume, devices, a test notification."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from journal import crypto
from journal.extensions import db
from journal.push.models import PushJob, ReminderSettings
from tests.push.conftest import subscribe

FORM = {"enabled": "y", "time1": "08:30", "time2": "", "time3": "21:00", "days": ["mon", "tue", "sat"],
        "timezone": "America/New_York", "quiet_start": "22:00", "quiet_end": "07:00", "skip_if_checked_in": "y"}


def test_the_page_works_without_javascript_and_passes_config_by_data_attributes(app, member):
    page = member.get("/reminders")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    key = crypto.vapid_public_key(app.config["VAPID_PRIVATE_KEY"])
    assert f'data-push-key="{key}"' in html and 'data-push-version="1"' in html
    assert 'data-push-subscriptions="/api/v1/push/subscriptions"' in html
    assert re.search(r'<script src="/static/js/push\.js[^"]*" defer>', html)
    assert "<script>" not in html and " style=" not in html  # no inline script or style (CSP)
    assert 'name="time1"' in html and 'type="time"' in html and 'name="days"' in html
    assert "checked" in re.search(r'<input[^>]*name="skip_if_checked_in"[^>]*>', html).group(0)  # on by default
    assert "No devices yet" in html
    assert "Send a test notification" not in html  # nothing to send it to yet
    assert 'href="/reminders"' in member.get("/account").get_data(as_text=True)


def test_saving_settings_with_the_form(app, member):
    response = member.post("/reminders", FORM)
    assert response.status_code == 302
    with app.app_context():
        settings = db.session.get(ReminderSettings, member.user_id)
        assert (settings.times, settings.timezone) == ("08:30,21:00", "America/New_York")
        assert settings.days == 0b0100011  # Monday = bit 0 and settings.skip_if_checked_in
        assert settings.quiet_start.strftime("%H:%M") == "22:00"
    api = member.api("GET", "/api/v1/reminders").get_json()
    assert api["times"] == ["08:30", "21:00"] and api["days"] == ["mon", "tue", "sat"]
    html = member.get("/reminders").get_data(as_text=True)
    assert 'value="08:30"' in html and "Next reminder:" in html and "(America/New_York)" in html

    bad = member.post("/reminders", {**FORM, "quiet_end": ""})
    assert bad.status_code == 400 and "Give both ends of quiet hours" in bad.get_data(as_text=True)


def test_pause_and_resume(member):
    assert member.post("/reminders/pause", {"days": "7"}).status_code == 302
    html = member.get("/reminders").get_data(as_text=True)
    assert "Reminders are paused until" in html
    assert member.api("GET", "/api/v1/reminders").get_json()["paused_until"] is not None
    assert member.post("/reminders/resume").status_code == 302
    assert "Reminders are paused until" not in member.get("/reminders").get_data(as_text=True)
    assert member.api("GET", "/api/v1/reminders").get_json()["paused_until"] is None


def test_devices_test_notification_and_removal(app, members, push_service):
    member, other = members.make(), members.make()
    assert "Turn on notifications on a device first" in member.post("/reminders/test",
                                                                    follow_redirects=True).get_data(as_text=True)
    device = subscribe(member, push_service.new_device(), vapid_key_version=1)
    html = member.get("/reminders").get_data(as_text=True)
    assert device["label"] in html and "Send a test notification" in html
    assert "is on its way to 1 device" in member.post("/reminders/test", follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(PushJob.id))) == 1

    assert other.post(f"/reminders/devices/{device['id']}/delete").status_code == 404
    assert member.post(f"/reminders/devices/{device['id']}/delete", {"confirm": "1"}).status_code == 302
    assert "No devices yet" in member.get("/reminders").get_data(as_text=True)


def test_clinicians_see_devices_but_no_reminder_schedule(app, members):
    clinician = members.make(role="clinician")
    html = clinician.get("/reminders").get_data(as_text=True)
    assert "Devices" in html and "When to remind me" not in html
    # The same rule as the API (403 there): reminder settings are members'.
    for url, form in (("/reminders", FORM), ("/reminders/pause", {"days": "7"}), ("/reminders/resume", {})):
        assert clinician.post(url, form).status_code == 403
    assert clinician.api("PUT", "/api/v1/reminders", json={"times": ["08:00"]}).status_code == 403
    with app.app_context():
        assert db.session.get(ReminderSettings, clinician.user_id) is None


def test_a_reminder_time_inside_quiet_hours_is_refused_with_the_reason(app, member):
    response = member.post("/reminders", {**FORM, "time3": "23:00"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "23:00 is inside your quiet hours (22:00–07:00), so no reminder would come then" in html
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*name="time3"|<input[^>]*name="time3"[^>]*aria-invalid="true"',
                     html), "the error sits on the third time"
    api = member.api("PUT", "/api/v1/reminders", json={"times": ["06:30"], "quiet_hours": {"start": "22:00",
                                                                                           "end": "07:00"}})
    assert api.status_code == 422 and "06:30 is inside your quiet hours" in api.get_json()["error"]["fields"]["times"]
    # Moving the quiet hours over a saved time is refused the same way; nothing was half-saved.
    assert member.api("PUT", "/api/v1/reminders", json={"times": ["20:00"]}).status_code == 200
    moved = member.api("PUT", "/api/v1/reminders", json={"quiet_hours": {"start": "19:00", "end": "07:00"}})
    assert moved.status_code == 422
    assert member.api("GET", "/api/v1/reminders").get_json()["quiet_hours"] is None


def test_the_page_says_when_no_device_will_get_the_next_reminder(app, members, push_service):
    member = members.make()
    assert member.post("/reminders", FORM).status_code == 302
    html = member.get("/reminders").get_data(as_text=True)
    assert "Next reminder:" in html and "no device is set up to get it" in html
    subscribe(member, push_service.new_device())
    html = member.get("/reminders").get_data(as_text=True)
    assert "on 1 device (listed below)" in html and "no device is set up" not in html


def test_a_time_saved_inside_quiet_hours_earlier_is_named_and_never_promised(app, member):
    from journal.push import nudges

    assert member.api("PUT", "/api/v1/reminders", json={"times": ["23:00"], "timezone": "UTC"}).status_code == 200
    with app.app_context():  # saved before such times were refused
        settings = db.session.get(ReminderSettings, member.user_id)
        settings.quiet_start, settings.quiet_end = nudges.parse_time("22:00"), nudges.parse_time("07:00")
        db.session.commit()
    html = member.get("/reminders").get_data(as_text=True)
    assert "23:00 is inside your quiet hours" in html and "Next reminder:" not in html


def test_removing_a_device_asks_first(members, push_service):
    member = members.make()
    device = subscribe(member, push_service.new_device(), vapid_key_version=1)
    url = f"/reminders/devices/{device['id']}/delete"

    response = member.post(url)
    assert response.status_code == 200 and "Remove this device?" in response.get_data(as_text=True)
    assert 'name="confirm" value="1"' in response.get_data(as_text=True)
    assert device["label"] in member.get("/reminders").get_data(as_text=True)
    assert member.post(url, {"confirm": "1"}).status_code == 302
    assert "No devices yet" in member.get("/reminders").get_data(as_text=True)
