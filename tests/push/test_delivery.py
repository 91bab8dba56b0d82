"""End to end through the worker and the local fake push service: what is sent (generic, encrypted, once),
what each push-service answer does, and the reminder rules (skip, quiet hours, pause, back-off, DST)."""
from __future__ import annotations

import logging
import random
import uuid
from datetime import UTC, datetime, time, timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from journal import crypto
from journal.entries.models import Checkin
from journal.extensions import db, utcnow
from journal.push import events, nudges, outbox, services
from journal.push.models import PushJob, PushNotification, PushSubscription, ReminderSettings
from journal.push.sender import Outcome
from journal.timekeeping import local_to_utc
from tests.conftest import add_item, make_checkin
from tests.push.conftest import at, run_worker, subscribe

CANARY = "CANARY-7731 lupus flare"
D = datetime.now(UTC).date() - timedelta(days=20)  # a fixed past day, so check-ins on it are allowed


def day(offset: int, clock: str = "00:00") -> datetime:
    return at(f"{(D + timedelta(days=offset)).isoformat()}T{clock}")


def setup_member(members, push_service, *, tz="UTC", times=("12:15",), **settings):
    """A member with a subscribed device and a daily reminder that is parked two days ahead, so a test that
    moves the worker's clock by hours never meets it by the wall-clock hour; `due_from` brings it back."""
    client = members.make(timezone=tz)
    device = push_service.new_device()
    subscribe(client, device)
    response = client.api("PUT", "/api/v1/reminders", json={"times": list(times), "timezone": tz, **settings})
    assert response.status_code == 200, response.get_json()
    due_from(members.app, client.user_id, utcnow() + timedelta(days=2))
    return client, device


def due_from(app, user_id: int, start: datetime) -> None:
    """Point the member's next_due_at at the first slot after `start` (settings were saved in real time)."""
    with app.app_context():
        settings = db.session.get(ReminderSettings, user_id)
        settings.next_due_at = nudges.next_due_after(services.schedule_of(settings), start)
        db.session.commit()


def jobs(app) -> list[PushJob]:
    with app.app_context():
        rows = db.session.scalars(select(PushJob).order_by(PushJob.id)).all()
        db.session.expunge_all()
        return rows


def notes(app) -> list[PushNotification]:
    with app.app_context():
        rows = db.session.scalars(select(PushNotification).order_by(PushNotification.id)).all()
        db.session.expunge_all()
        return rows


def checkin_on(client, when: datetime, **fields) -> dict:
    return make_checkin(client, occurred_at=when.isoformat(), **fields)


def notify(app, user_id: int, event="comment", url="/entries/abc"):
    with app.test_request_context("/"):
        events.notify(user_id, event, url)
        db.session.commit()


# --- What is sent ---------------------------------------------------------------------------------------


def test_a_reminder_is_generic_encrypted_and_sent_once(app, members, push_service):
    member, device = setup_member(members, push_service, skip_if_checked_in=False)
    symptom = add_item(member, "symptoms", CANARY + " symptom")
    checkin_on(member, day(0, "09:00"), note=CANARY, symptoms=[{"id": symptom, "severity": 4}], mood=1)
    due_from(app, member.user_id, day(0))

    tally = run_worker(app, now=day(0, "12:16"))
    assert tally == {"sent": 1}
    [received] = device.delivered
    payload = received.json
    assert payload["web_push"] == 8030
    notification = payload["notification"]
    assert set(notification) == {"title", "body", "navigate", "tag"}
    assert notification["navigate"] == "https://journal.test.peerjournal.app/checkin"
    assert (notification["title"], notification["body"]) in nudges.NUDGES
    assert notification["tag"] == "checkin"
    assert b"CANARY" not in received.plaintext and b"lupus" not in received.plaintext
    assert received.headers["topic"] == "checkin" and received.headers["urgency"] == "normal"
    assert 0 < int(received.headers["ttl"]) <= 12 * 3600
    assert received.claims["sub"] == "mailto:ops@peerjournal.app"
    assert not push_service.errors

    # Running again (and again, later the same day) sends nothing more: the slot is taken.
    assert run_worker(app, now=day(0, "12:20")) == {}
    due_from(app, member.user_id, day(0))
    assert run_worker(app, now=day(0, "12:25")) == {}
    assert len(device.received) == 1 and len(notes(app)) == 1


def test_event_notifications_are_generic_and_reach_every_device(app, members, push_service):
    member, first = setup_member(members, push_service)
    second = push_service.new_device()
    subscribe(member, second)
    make_checkin(member, note=CANARY)
    notify(app, member.user_id, "comment", "/entries/1234")
    assert run_worker(app) == {"sent": 2}
    for device in (first, second):
        [received] = device.delivered
        assert received.json == {"web_push": 8030, "notification": {
            "title": "Peer Journal", "body": events.EVENTS["comment"],
            "navigate": "https://journal.test.peerjournal.app/entries/1234", "tag": "comment"}}
        assert b"CANARY" not in received.plaintext
    with pytest.raises(ValueError):
        events.notify(member.user_id, "comment", "https://evil.example/x")


def test_the_navigate_url_uses_the_request_origin_without_public_origin(app, members, push_service):
    app.config["PUBLIC_ORIGIN"] = None
    member, device = setup_member(members, push_service)
    assert member.api("POST", "/api/v1/push/test").status_code == 202
    assert run_worker(app) == {"sent": 1}
    assert device.delivered[0].json["notification"]["navigate"] == "http://localhost/reminders"


def test_the_cli_worker_once(app, members, push_service):
    member, device = setup_member(members, push_service)
    member.api("POST", "/api/v1/push/test")
    result = app.test_cli_runner().invoke(args=["push", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent: 1" in result.output
    assert len(device.delivered) == 1


def test_the_worker_refuses_to_start_with_a_placeholder_subject(app):
    app.config["VAPID_SUBJECT"] = "mailto:admin@journal.local"
    result = app.test_cli_runner().invoke(args=["push", "worker", "--once"])
    assert result.exit_code != 0 and "placeholder" in result.output


# --- Each answer of the push service -----------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_expired_subscriptions_are_deleted(app, members, push_service, status):
    member, device = setup_member(members, push_service)
    device.answer(status)
    notify(app, member.user_id)
    assert run_worker(app) == {"gone": 1}
    [job] = jobs(app)
    assert job.status == "gone" and job.last_status == status and job.subscription_id is None
    assert member.api("GET", "/api/v1/push/subscriptions").get_json()["items"] == []


def test_a_resubscribe_during_delivery_keeps_the_new_subscription(app, members, push_service):
    member, device = setup_member(members, push_service)
    notify(app, member.user_id)
    now = utcnow()
    with app.app_context():
        [job_id] = outbox.claim("w1", now, limit=10, lease=timedelta(minutes=2))
        db.session.commit()
        deliveries = outbox.prepare([job_id], now)
        db.session.commit()
    subscribe(member, device)  # the browser re-subscribed the same endpoint meanwhile
    with app.app_context():
        outbox.record("w1", deliveries, {job_id: Outcome(410)}, now, max_attempts=5)
        db.session.commit()
    assert len(member.api("GET", "/api/v1/push/subscriptions").get_json()["items"]) == 1


def test_413_is_a_bug_and_not_retried(app, members, push_service, caplog):
    member, device = setup_member(members, push_service)
    device.answer(413)
    notify(app, member.user_id)
    with caplog.at_level(logging.ERROR, logger="journal.push.outbox"):
        assert run_worker(app) == {"failed": 1}
    [job] = jobs(app)
    assert job.attempts == 1 and job.last_status == 413 and "not retried" in job.outcome
    assert "payload too large" in caplog.text
    assert run_worker(app, now=utcnow() + timedelta(hours=2)) == {}
    assert len(member.api("GET", "/api/v1/push/subscriptions").get_json()["items"]) == 1


@pytest.mark.parametrize("status", [400, 401, 403])
def test_vapid_rejections_are_configuration_errors_and_keep_the_device(app, members, push_service, caplog, status):
    member, device = setup_member(members, push_service)
    device.answer(status)
    notify(app, member.user_id)
    with caplog.at_level(logging.ERROR, logger="journal.push.outbox"):
        assert run_worker(app) == {"failed": 1}
    assert "push configuration error" in caplog.text
    [job] = jobs(app)
    assert job.last_status == status and "VAPID" in job.outcome
    assert len(member.api("GET", "/api/v1/push/subscriptions").get_json()["items"]) == 1


@pytest.mark.parametrize("answer", [500, 503, "hang"])
def test_server_errors_and_timeouts_are_retried_with_backoff(app, members, push_service, answer):
    member, device = setup_member(members, push_service)
    device.answer(answer)
    notify(app, member.user_id)
    now = utcnow()
    assert run_worker(app, now=now) == {"pending": 1}
    [job] = jobs(app)
    assert job.status == "pending" and job.attempts == 1 and job.claimed_by is None
    assert now + timedelta(seconds=15) <= job.next_attempt_at <= now + timedelta(seconds=30)
    assert run_worker(app, now=now + timedelta(seconds=10)) == {}  # not due yet
    assert run_worker(app, now=job.next_attempt_at) == {"sent": 1}
    assert len(device.delivered) == 1
    [job] = jobs(app)
    assert job.status == "sent" and job.attempts == 2


@pytest.mark.parametrize("retry_after", ["120", "http-date"])
def test_429_honours_retry_after(app, members, push_service, retry_after):
    member, device = setup_member(members, push_service)
    notify(app, member.user_id)
    now = utcnow()
    value = format_datetime(now + timedelta(seconds=120), usegmt=True) if retry_after == "http-date" else "120"
    device.answer((429, value))
    assert run_worker(app, now=now) == {"pending": 1}
    [job] = jobs(app)
    assert now + timedelta(seconds=119) <= job.next_attempt_at <= now + timedelta(seconds=133)
    assert run_worker(app, now=now + timedelta(seconds=100)) == {}
    assert run_worker(app, now=job.next_attempt_at) == {"sent": 1}


def test_delivery_gives_up_after_a_bounded_number_of_tries(app, members, push_service):
    member, device = setup_member(members, push_service)
    device.answer(*[503] * 10)
    notify(app, member.user_id)
    now = utcnow()
    for _ in range(4):
        assert run_worker(app, now=now) == {"pending": 1}
        now = jobs(app)[0].next_attempt_at
    assert run_worker(app, now=now) == {"failed": 1}
    [job] = jobs(app)
    assert job.status == "failed" and job.attempts == 5 and job.outcome == "gave up after 5 attempts (last: 503)"
    assert len(device.received) == 5
    assert run_worker(app, now=now + timedelta(hours=1)) == {}


def test_backoff_grows_exponentially_with_jitter_and_stops_at_expiry():
    now = at("2026-06-01T12:00")
    delays = []
    for attempt in range(1, 5):
        verdict = outbox.judge(Outcome(503), attempts=attempt, max_attempts=9, expires_at=now + timedelta(days=1),
                               now=now, rng=random.Random(attempt))
        delays.append((verdict.next_attempt_at - now).total_seconds())
    for attempt, delay in enumerate(delays, start=1):
        ceiling = 30 * 2 ** (attempt - 1)
        assert ceiling / 2 <= delay <= ceiling
    expiring = outbox.judge(Outcome(503), attempts=1, max_attempts=9, expires_at=now + timedelta(seconds=5),
                            now=now)
    assert expiring.status == "failed" and "expire" in expiring.outcome


def test_a_crashed_workers_jobs_are_retried_after_the_lease(app, members, push_service):
    member, device = setup_member(members, push_service)
    notify(app, member.user_id)
    now = utcnow()
    with app.app_context():
        assert len(outbox.claim("crashed-worker", now, limit=10, lease=timedelta(seconds=120))) == 1
        db.session.commit()  # ...and the worker dies before sending
    assert run_worker(app, now=now + timedelta(seconds=60)) == {}  # still leased
    assert run_worker(app, now=now + timedelta(seconds=121)) == {"sent": 1}
    [job] = jobs(app)
    assert job.attempts == 2 and len(device.delivered) == 1


@pytest.fixture
def poisoned_signing(monkeypatch):
    """VAPID signing throws for one push-service origin (http://localhost:…), as it did for one
    subscription an outside probe registered; every other origin signs as usual."""
    from py_vapid import Vapid

    sign = Vapid.sign

    def sign_or_throw(self, claims, *args, **kwargs):
        if "localhost" in claims["aud"]:
            raise ValueError("this key cannot sign for that audience")
        return sign(self, claims, *args, **kwargs)

    monkeypatch.setattr(Vapid, "sign", sign_or_throw)


def _test_push_to(members, push_service, host="127.0.0.1"):
    client = members.make()
    device = push_service.new_device(host=host)
    subscribe(client, device)
    assert client.api("POST", "/api/v1/push/test").status_code == 202
    return device


def test_a_message_that_cannot_be_signed_fails_alone_and_every_other_goes_out_once(app, members, push_service,
                                                                                  poisoned_signing):
    healthy = [_test_push_to(members, push_service) for _ in range(3)]
    _test_push_to(members, push_service, host="localhost")
    assert run_worker(app) == {"sent": 3, "failed": 1}
    # Rounds later (every lease run out) nothing is sent again.
    for minutes in (3, 6, 9):
        assert run_worker(app, now=utcnow() + timedelta(minutes=minutes)) == {}
    assert [len(device.received) for device in healthy] == [1, 1, 1]
    assert sorted(job.status for job in jobs(app)) == ["failed", "sent", "sent", "sent"]
    assert "signing failed" in next(job.outcome for job in jobs(app) if job.status == "failed")


def test_a_job_that_cannot_be_prepared_fails_alone(app, members, push_service, monkeypatch):
    healthy = [_test_push_to(members, push_service) for _ in range(2)]
    poisoned = _test_push_to(members, push_service)
    payload = services.payload

    def payload_or_throw(row, **kwargs):
        if row.sub_id == poisoned_id:
            raise KeyError("a row this code did not expect")
        return payload(row, **kwargs)

    with app.app_context():
        poisoned_id = db.session.scalar(select(PushSubscription.id).where(
            PushSubscription.endpoint_hash == crypto.hash_token(poisoned.endpoint)))
    monkeypatch.setattr(services, "payload", payload_or_throw)
    assert run_worker(app) == {"sent": 2, "failed": 1}
    assert [len(device.received) for device in healthy] == [1, 1] and poisoned.received == []


def test_what_was_sent_is_recorded_before_anything_else_can_fail(app, members, push_service, monkeypatch):
    healthy = [_test_push_to(members, push_service) for _ in range(2)]
    refused = _test_push_to(members, push_service)
    refused.answer(500)

    def broken_judge(*args, **kwargs):
        raise RuntimeError("recording failed")

    with monkeypatch.context() as patch:
        patch.setattr(outbox.recording, "judge", broken_judge)
        with pytest.raises(RuntimeError):
            run_worker(app)
    # The failed job's lease runs out and it is tried again; the two sent ones are not.
    assert run_worker(app, now=utcnow() + timedelta(minutes=3)) == {"sent": 1}
    assert [len(device.received) for device in healthy] == [1, 1]
    assert [r.answered for r in refused.received] == [500, 201]


def test_devices_on_an_old_vapid_key_are_not_sent_to(app, members, push_service):
    member, device = setup_member(members, push_service)
    member.api("POST", "/api/v1/push/test")
    app.config["VAPID_KEY_VERSION"] = 2  # rotated: every device must subscribe again
    assert run_worker(app) == {"failed": 1}
    assert "re-subscribe" in jobs(app)[0].outcome and device.received == []
    [listed] = member.api("GET", "/api/v1/push/subscriptions").get_json()["items"]
    assert listed["current"] is False
    assert member.api("POST", "/api/v1/push/test").status_code == 409


def test_devices_stored_at_a_local_push_service_are_not_sent_to_once_it_is_refused(app, members, push_service):
    member, device = setup_member(members, push_service)
    member.api("POST", "/api/v1/push/test")
    app.config["PUSH_ALLOW_LOCAL_SERVICES"] = False  # a server that does not allow what it stored earlier
    assert run_worker(app) == {"failed": 1}
    assert "not one this server sends to" in jobs(app)[0].outcome and device.received == []


# --- The reminder rules, end to end --------------------------------------------------------------------


def test_enqueue_is_exactly_once_per_slot(app, members, push_service):
    member, _ = setup_member(members, push_service, times=("11:00", "12:15"))
    due_from(app, member.user_id, day(0))
    with app.app_context():
        first = outbox.enqueue_due_nudges(day(0, "12:16"))
        db.session.commit()
    assert (first.queued, first.jobs) == (2, 2)
    for _ in range(2):
        due_from(app, member.user_id, day(0))
        with app.app_context():
            again = outbox.enqueue_due_nudges(day(0, "12:16"))
            db.session.commit()
        assert (again.queued, again.skipped, again.jobs) == (0, 0, 0)
    assert len(notes(app)) == 2 and len(jobs(app)) == 2
    with app.app_context():
        duplicate = PushNotification(user_id=member.user_id, kind="nudge", slot=notes(app)[0].slot, title="t",
                                     body="b", path="/checkin", topic="checkin", urgency="normal",
                                     due_at=day(0), expires_at=day(1), status="queued")
        db.session.add(duplicate)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_skip_if_checked_in_today(app, members, push_service):
    member, device = setup_member(members, push_service)
    checkin_on(member, day(0, "09:00"))
    due_from(app, member.user_id, day(0))
    assert run_worker(app, now=day(0, "12:16")) == {}
    [note] = notes(app)
    assert (note.status, note.reason) == ("skipped", "checked_in") and device.received == []
    # The next day, with no check-in, the reminder comes.
    assert run_worker(app, now=day(1, "12:16")) == {"sent": 1}


def test_a_checkin_between_enqueue_and_send_cancels_the_reminder(app, members, push_service):
    member, device = setup_member(members, push_service)
    due_from(app, member.user_id, day(0))
    with app.app_context():
        outbox.enqueue_due_nudges(day(0, "12:16"))
        db.session.commit()
    checkin_on(member, day(0, "12:16"))
    assert run_worker(app, now=day(0, "12:17")) == {"skipped": 1}
    assert device.received == []


def test_quiet_hours_hold_reminders_and_delay_events(app, members, push_service):
    member, device = setup_member(members, push_service, tz="Europe/Berlin", times=("23:00",))
    # Saved before times inside quiet hours were refused (tests/push/test_pages.py): never sent.
    with app.app_context():
        db.session.execute(update(ReminderSettings).values(quiet_start=nudges.parse_time("22:00"),
                                                           quiet_end=nudges.parse_time("07:00")))
        db.session.commit()
    due_from(app, member.user_id, day(0))
    assert run_worker(app, now=local_to_utc(D, time(23, 1), "Europe/Berlin")) == {}
    assert [(n.status, n.reason) for n in notes(app)] == [("skipped", "quiet_hours")]
    assert device.received == []

    # An event during quiet hours waits for them to end (07:00 Berlin), then arrives.
    with app.app_context():
        db.session.execute(update(ReminderSettings).values(quiet_start=nudges.parse_time("00:00"),
                                                           quiet_end=nudges.parse_time("23:59")))
        db.session.commit()
    notify(app, member.user_id)
    event = notes(app)[-1]
    assert event.due_at > utcnow()
    assert run_worker(app) == {}
    assert run_worker(app, now=event.due_at) == {"sent": 1}


def test_a_pause_holds_reminders_until_it_ends(app, members, push_service):
    today = utcnow().date()  # the pause starts from the test's clock: read it here, not when the module loads
    member, device = setup_member(members, push_service)
    assert member.api("PUT", "/api/v1/reminders", json={"pause_days": 2}).status_code == 200
    due_from(app, member.user_id, at(f"{today.isoformat()}T00:00"))
    assert run_worker(app, now=at(f"{today.isoformat()}T12:16")) == {}
    assert [(n.status, n.reason) for n in notes(app)] == [("skipped", "paused")]
    later = today + timedelta(days=2)
    assert run_worker(app, now=at(f"{later.isoformat()}T12:16")) == {"sent": 1}
    assert len(device.delivered) == 1


def test_back_off_to_every_other_day_and_back_after_a_checkin(app, members, push_service):
    member, device = setup_member(members, push_service)
    due_from(app, member.user_id, day(0))
    outcomes = [run_worker(app, now=day(n, "12:16")) for n in range(5)]
    assert outcomes == [{"sent": 1}, {"sent": 1}, {"sent": 1}, {}, {"sent": 1}]
    assert [n.reason for n in notes(app)] == [None, None, None, "backoff", None]
    settings = member.api("GET", "/api/v1/reminders").get_json()
    assert settings["backoff"]["every_other_day"] is True
    page = member.get("/reminders").get_data(as_text=True)
    assert "every other day because the last few reminders went unanswered — that&#39;s fine" in page

    checkin = checkin_on(member, day(4, "13:00"))
    with app.app_context():  # as if made then, not in the real now
        db.session.execute(update(Checkin).where(Checkin.id == uuid.UUID(checkin["id"]))
                           .values(created_at=day(4, "13:00")).execution_options(synchronize_session=False))
        db.session.commit()
    assert member.api("GET", "/api/v1/reminders").get_json()["backoff"] == {
        "ignored_in_a_row": 0, "every_other_day": False, "message": None}
    assert run_worker(app, now=day(5, "12:16")) == {"sent": 1}  # the day after: back to normal
    assert len(device.delivered) == 5


@pytest.mark.parametrize("tz, times, runs, expected", [
    # New York falls back on 1 November 2026: 01:30 happens at 05:30 and 06:30 UTC; one reminder.
    ("America/New_York", ("01:30",), ["2026-11-01T05:31", "2026-11-01T06:31", "2026-11-01T07:00"],
     [("2026-11-01T01:30", "2026-11-01T05:30")]),
    # ...and springs forward on 8 March 2026: 02:30 never happens; the reminder comes at 03:30 EDT.
    ("America/New_York", ("02:30",), ["2026-03-08T06:45", "2026-03-08T07:31"],
     [("2026-03-08T02:30", "2026-03-08T07:30")]),
    # Berlin falls back on 25 October 2026: 20:00 is 19:00 UTC that evening (18:00 UTC the day before).
    ("Europe/Berlin", ("20:00",), ["2026-10-24T18:01", "2026-10-25T18:30", "2026-10-25T19:01"],
     [("2026-10-24T20:00", "2026-10-24T18:00"), ("2026-10-25T20:00", "2026-10-25T19:00")]),
])
def test_reminders_across_dst_changes(app, members, push_service, tz, times, runs, expected):
    member, device = setup_member(members, push_service, tz=tz, times=times)
    due_from(app, member.user_id, at(runs[0]) - timedelta(days=1))
    for run in runs:
        run_worker(app, now=at(run))
    assert [(n.slot, n.due_at.strftime("%Y-%m-%dT%H:%M")) for n in notes(app)] == expected
    assert len(device.delivered) == len(expected)


def test_deleting_the_account_removes_devices_and_outbox(app, members, push_service):
    member, _ = setup_member(members, push_service)
    notify(app, member.user_id)
    response = member.post("/account/delete", {"password": "a calm river at dawn", "confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        for model in (PushSubscription, PushNotification, PushJob, ReminderSettings):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_old_history_is_pruned(app, members, push_service):
    member, _ = setup_member(members, push_service)
    notify(app, member.user_id)
    run_worker(app)
    with app.app_context():
        assert outbox.prune(utcnow() + timedelta(days=29)) == 0
        assert outbox.prune(utcnow() + timedelta(days=31)) == 1
        db.session.commit()
    assert jobs(app) == []

