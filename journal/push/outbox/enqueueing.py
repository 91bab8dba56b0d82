"""Enqueue: due reminder slots become a notification and one job per device, exactly once per slot."""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from journal.accounts import User
from journal.extensions import db
from journal.push import nudges, services, subscriptions
from journal.push.models import PushJob, PushNotification, PushSubscription, ReminderSettings
from journal.push.outbox import _sql
from journal.timekeeping import day_bounds

log = logging.getLogger(__name__)


# --- Enqueue -----------------------------------------------------------------------------------------


@dataclass
class EnqueueReport:
    members: int = 0
    queued: int = 0
    skipped: int = 0
    jobs: int = 0


def _end_of_day(slot: nudges.Slot, tz: str) -> datetime:
    _, end = day_bounds(slot.local_date, tz)
    return max(end, slot.due_at + timedelta(seconds=nudges.MIN_TTL))


def enqueue_due_nudges(now: datetime, *, limit: int = 1000) -> EnqueueReport:
    """Decide every reminder slot that has come due for up to `limit` members, once each.

    Core statements throughout (no ORM objects): this runs for every member with reminders, so it is
    a handful of set-based queries and executemany writes however many members are due.
    """
    settings_table, users = ReminderSettings.__table__, User.__table__
    query = (select(settings_table).join(users, users.c.id == settings_table.c.user_id)
             .where(settings_table.c.enabled.is_(True), settings_table.c.next_due_at <= now, users.c.role == "member")
             .order_by(settings_table.c.next_due_at).limit(limit))
    if _sql.postgres():
        query = query.with_for_update(skip_locked=True, of=settings_table)
    rows = db.session.execute(query).all()
    report = EnqueueReport(members=len(rows))
    if not rows:
        return report
    ids = [row.user_id for row in rows]
    checkin_days, last_checkin = _sql.checkins(ids, now)
    version = subscriptions.vapid_key_version()
    devices = defaultdict(list)
    for owner_id, sub_id in db.session.execute(select(PushSubscription.owner_id, PushSubscription.id).where(
            _sql.among(PushSubscription.owner_id, ids), PushSubscription.vapid_key_version == version)):
        devices[owner_id].append(sub_id)

    planned = []
    for row in rows:
        schedule = services.schedule_of(row)
        planned.append((row, schedule, nudges.due_slots(schedule, now)))
    keys = {slot.key for *_, slots in planned for slot in slots}
    existing = set()
    if keys:
        existing = set(db.session.execute(select(PushNotification.user_id, PushNotification.slot).where(
            _sql.among(PushNotification.user_id, ids), _sql.among(PushNotification.slot, keys))).all())

    notifications, updates = [], []
    for row, schedule, slots in planned:
        uid = row.user_id
        backoff = services.backoff_of(row)
        for slot in slots:
            if (uid, slot.key) in existing:
                continue
            if not devices[uid]:
                send, reason = False, "no_devices"
            else:
                decision = nudges.decide(schedule, backoff, slot, checked_in_that_day=(uid, slot.local_date) in
                                         checkin_days, last_checkin_at=last_checkin.get(uid))
                backoff, send, reason = decision.backoff, decision.send, decision.reason
            title, body = nudges.wording(slot.local_date, schedule.times.index(slot.at))
            notifications.append({
                "user_id": uid, "kind": "nudge", "slot": slot.key, "event": None, "title": title, "body": body,
                "path": "/checkin", "origin": None, "tag": "checkin", "topic": "checkin", "urgency": "normal",
                "due_at": slot.due_at, "expires_at": _end_of_day(slot, schedule.timezone),
                "status": "queued" if send else "skipped", "reason": reason, "created_at": now})
        backoff = nudges.refresh(backoff, last_checkin.get(uid), schedule.timezone)
        updates.append({"b_user_id": uid, "b_ignored": backoff.ignored_in_a_row,
                        "b_every_other_day": backoff.every_other_day, "b_anchor": backoff.anchor,
                        "b_last_nudge_at": backoff.last_nudge_at,
                        "b_next_due_at": nudges.next_due_after(schedule, now)})
    c = settings_table.c
    db.session.execute(
        update(settings_table).where(c.user_id == bindparam("b_user_id")).values(
            ignored_in_a_row=bindparam("b_ignored"), every_other_day=bindparam("b_every_other_day"),
            backoff_anchor=bindparam("b_anchor"), last_nudge_at=bindparam("b_last_nudge_at"),
            next_due_at=bindparam("b_next_due_at")),
        updates)
    if not notifications:
        return report

    # executemany without RETURNING (psycopg pipelines it; RETURNING would make it parse huge statements),
    # then read the rows back. A row another worker inserted first is read too: the UNIQUE on
    # (notification, subscription) below still lets each device get each slot once.
    table = PushNotification.__table__
    db.session.execute(_sql.insert(table).on_conflict_do_nothing(index_elements=["user_id", "slot"]), notifications)
    wanted = {(n["user_id"], n["slot"]) for n in notifications}
    inserted = db.session.execute(
        select(table.c.id, table.c.user_id, table.c.slot, table.c.status, table.c.due_at).where(
            _sql.among(table.c.user_id, {uid for uid, _ in wanted}),
            _sql.among(table.c.slot, {slot for _, slot in wanted}))).all()
    jobs = []
    for row in inserted:
        if (row.user_id, row.slot) not in wanted:
            continue
        if row.status != "queued":
            report.skipped += 1
            continue
        report.queued += 1
        jobs.extend({"notification_id": row.id, "subscription_id": sub_id, "status": "pending", "attempts": 0,
                     "next_attempt_at": row.due_at, "created_at": now, "updated_at": now}
                    for sub_id in devices[row.user_id])
    if jobs:
        db.session.execute(_sql.insert(PushJob.__table__).on_conflict_do_nothing(
            index_elements=["notification_id", "subscription_id"]), jobs)
    report.jobs = len(jobs)
    return report
