"""Two workers, each with its own engine: against PostgreSQL 1,000 due reminders (SKIP LOCKED), against SQLite
300 (BEGIN IMMEDIATE + conditional UPDATE … RETURNING), are enqueued once and delivered exactly once (counted
at the fake push service), with both workers doing part of the work."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from journal import create_app
from journal.auth import services as auth_services
from journal.extensions import db
from journal.push import outbox, subscriptions
from journal.push.models import PushJob, PushNotification, ReminderSettings
from journal.push.worker import Worker
from tests.conftest import app_config
from tests.push.conftest import at

NOW = at("2026-06-01T12:01")


def _empty(app):
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.create_all()
            return
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()


def _populate(app, push_service, members: int) -> list:
    """Members with one device each and a reminder at 12:00 UTC that is due."""
    devices = []
    with app.app_context():
        for n in range(members):
            user = auth_services.register(email=f"m{n}@example.org", password="a calm river at dawn",
                                          display_name=f"M{n}", role="member", timezone="UTC")
            device = push_service.new_device()
            data = subscriptions.parse_subscription(device.subscription())
            subscriptions.subscribe(user, data, label="Test", app_origin="http://localhost",
                                    now=NOW - timedelta(days=1))
            settings = db.session.get(ReminderSettings, user.id)
            settings.times = "12:00"
            settings.next_due_at = NOW - timedelta(minutes=1)
            devices.append(device)
            if n % 200 == 199:
                db.session.commit()
        db.session.commit()
    return devices


def _in_parallel(targets):
    barrier = threading.Barrier(len(targets))
    results, errors = [None] * len(targets), []

    def run(index, target):
        try:
            barrier.wait()
            results[index] = target()
        except BaseException as exc:  # surfaced to the test below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    return results


@pytest.mark.parametrize("backend, members", [("postgresql", 1000), ("sqlite", 300)])
def test_two_workers_send_each_due_nudge_exactly_once(request, tmp_path, push_service, backend, members):
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_tables")
    else:
        url = f"sqlite:///{tmp_path / 'workers.sqlite3'}"
    config = app_config(tmp_path, url, PUSH_ALLOW_LOCAL_SERVICES=True,
                        PUSH_SEND_TIMEOUT=5.0, VAPID_SUBJECT="mailto:ops@peerjournal.app")
    apps = [create_app(dict(config)) for _ in range(2)]  # same keys, separate engines and pools
    _empty(apps[0])
    devices = _populate(apps[0], push_service, members)
    push_service.reset()

    def enqueue(app):
        def loop():
            members = 0
            with app.app_context():
                while True:
                    report = outbox.enqueue_due_nudges(NOW, limit=50)
                    db.session.commit()
                    if report.members == 0:
                        return members
                    members += report.members
        return loop

    enqueued = _in_parallel([enqueue(app) for app in apps])
    assert sum(enqueued) == members, enqueued
    if backend == "postgresql":  # SKIP LOCKED lets both work at once (SQLite's writers take turns, unfairly)
        assert all(enqueued), enqueued
    with apps[0].app_context():
        assert db.session.scalar(select(func.count(PushNotification.id))) == members
        assert db.session.scalar(select(func.count(PushJob.id))) == members

    workers = [Worker(app, name=f"worker-{i}", clock=lambda: NOW, batch_size=50) for i, app in enumerate(apps)]
    tallies = _in_parallel([lambda w=w: w.run(once=True) for w in workers])

    assert not push_service.errors
    assert sorted(len(d.delivered) for d in devices) == [1] * members  # every device exactly once
    assert len(push_service.received) == members
    assert sum(t["sent"] for t in tallies) == members, tallies
    if backend == "postgresql":
        assert all(t["sent"] for t in tallies), tallies
    with apps[0].app_context():
        assert dict(db.session.execute(select(PushJob.status, func.count()).group_by(PushJob.status)).all()) == {
            "sent": members}
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
