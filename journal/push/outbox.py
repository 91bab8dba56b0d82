"""The durable notification outbox: enqueue due reminders once per slot, claim deliveries with a lease,
and record what the push service answered.

Several workers may run at once. On PostgreSQL they lock the rows they take with `FOR UPDATE SKIP LOCKED`
and never wait for each other; on SQLite every worker transaction is `BEGIN IMMEDIATE` (see
journal/database.py), so claims are serialised and the conditional `UPDATE … RETURNING` does the rest.
A lease (`claimed_until`) that runs out, because its worker crashed, makes the job claimable again.
The UNIQUE (user_id, slot) on notifications is the backstop that keeps a reminder slot from ever being
enqueued twice.
"""
from __future__ import annotations

import email.utils
import logging
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, any_, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from journal import crypto
from journal.accounts import User
from journal.entries import Checkin
from journal.extensions import db
from journal.keys import keys_for
from journal.push import nudges, services, subscriptions
from journal.push.models import PushJob, PushNotification, PushSubscription, ReminderSettings
from journal.push.sender import Message, Outcome
from journal.timekeeping import day_bounds

log = logging.getLogger(__name__)

RETRY_BASE = 30  # seconds; doubled per attempt, with jitter
RETRY_CAP = 30 * 60
RETRY_AFTER_CAP = 6 * 60 * 60
KEEP_HISTORY = timedelta(days=30)


def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def _insert(model):
    return (postgresql.insert if _postgres() else sqlite.insert)(model)


def _among(column, values):
    """`column IN values`; on PostgreSQL `= ANY(array)`, one parameter however long the list (psycopg
    parses every statement, and a thousand placeholders make that the slowest part of a batch)."""
    values = list(values)
    if _postgres():
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


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


def _checkins(user_ids, now: datetime) -> tuple[set, dict]:
    """For these members: the (member, local day) pairs with a check-in in the last few days, and each
    member's latest check-in instant. Two set-based queries, whatever the number of members."""
    days = set(db.session.execute(select(Checkin.owner_id, Checkin.local_date).where(
        _among(Checkin.owner_id, user_ids), Checkin.local_date >= (now - timedelta(days=3)).date()).distinct()).all())
    latest = dict(db.session.execute(
        select(Checkin.owner_id, func.max(Checkin.created_at)).where(_among(Checkin.owner_id, user_ids))
        .group_by(Checkin.owner_id)).all())
    return days, latest


def enqueue_due_nudges(now: datetime, *, limit: int = 1000) -> EnqueueReport:
    """Decide every reminder slot that has come due for up to `limit` members, once each.

    Core statements throughout (no ORM objects): this runs for every member with reminders, so it is
    a handful of set-based queries and executemany writes however many members are due.
    """
    settings_table, users = ReminderSettings.__table__, User.__table__
    query = (select(settings_table).join(users, users.c.id == settings_table.c.user_id)
             .where(settings_table.c.enabled.is_(True), settings_table.c.next_due_at <= now, users.c.role == "member")
             .order_by(settings_table.c.next_due_at).limit(limit))
    if _postgres():
        query = query.with_for_update(skip_locked=True, of=settings_table)
    rows = db.session.execute(query).all()
    report = EnqueueReport(members=len(rows))
    if not rows:
        return report
    ids = [row.user_id for row in rows]
    checkin_days, last_checkin = _checkins(ids, now)
    version = subscriptions.vapid_key_version()
    devices = defaultdict(list)
    for owner_id, sub_id in db.session.execute(select(PushSubscription.owner_id, PushSubscription.id).where(
            _among(PushSubscription.owner_id, ids), PushSubscription.vapid_key_version == version)):
        devices[owner_id].append(sub_id)

    planned = []
    for row in rows:
        schedule = services.schedule_of(row)
        planned.append((row, schedule, nudges.due_slots(schedule, now)))
    keys = {slot.key for *_, slots in planned for slot in slots}
    existing = set()
    if keys:
        existing = set(db.session.execute(select(PushNotification.user_id, PushNotification.slot).where(
            _among(PushNotification.user_id, ids), _among(PushNotification.slot, keys))).all())

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
    db.session.execute(_insert(table).on_conflict_do_nothing(index_elements=["user_id", "slot"]), notifications)
    wanted = {(n["user_id"], n["slot"]) for n in notifications}
    inserted = db.session.execute(
        select(table.c.id, table.c.user_id, table.c.slot, table.c.status, table.c.due_at).where(
            _among(table.c.user_id, {uid for uid, _ in wanted}),
            _among(table.c.slot, {slot for _, slot in wanted}))).all()
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
        db.session.execute(_insert(PushJob.__table__).on_conflict_do_nothing(
            index_elements=["notification_id", "subscription_id"]), jobs)
    report.jobs = len(jobs)
    return report


# --- Claim -------------------------------------------------------------------------------------------


def _claimable(now: datetime):
    return or_(and_(PushJob.status == "pending", PushJob.next_attempt_at <= now),
               and_(PushJob.status == "leased", PushJob.claimed_until < now))


def claim(worker_id: str, now: datetime, *, limit: int, lease: timedelta) -> list[int]:
    """Lease up to `limit` due jobs to this worker; each attempt is counted when it is claimed."""
    ids = select(PushJob.id).where(_claimable(now)).order_by(PushJob.next_attempt_at, PushJob.id).limit(limit)
    if _postgres():
        ids = ids.with_for_update(skip_locked=True)
    statement = (update(PushJob.__table__)
                 .where(PushJob.__table__.c.id.in_(ids.scalar_subquery()), _claimable(now))
                 .values(status="leased", claimed_by=worker_id, claimed_until=now + lease,
                         attempts=PushJob.__table__.c.attempts + 1, updated_at=now)
                 .returning(PushJob.__table__.c.id))
    return sorted(db.session.execute(statement).scalars())


# --- Prepare: what to send for each claimed job ------------------------------------------------------


@dataclass
class Delivery:
    job_id: int
    attempts: int
    expires_at: datetime
    subscription_id: object | None = None
    revision: int | None = None
    message: Message | None = None
    final: tuple[str, str] | None = None  # (status, outcome) decided without sending


def _nudge_still_wanted(notification, settings, checkin_days: set,
                        last_checkin: dict) -> str | None:
    """Why a queued reminder should no longer go out (checked in meanwhile, paused, turned off), or None."""
    if settings is None or not settings.enabled:
        return "reminders turned off"
    if settings.paused_until is not None and notification.due_at < settings.paused_until:
        return "reminders paused"
    if notification.slot.startswith("snooze:"):
        latest = last_checkin.get(notification.user_id)
        return "checked in since the snooze" if latest is not None and latest >= notification.created_at else None
    day = services.local_date_of_slot(notification.slot)
    if settings.skip_if_checked_in and (notification.user_id, day) in checkin_days:
        return "already checked in that day"
    return None


def prepare(job_ids: list[int], now: datetime) -> list[Delivery]:
    """Load claimed jobs and turn each into a message, or into a final outcome that needs no sending."""
    if not job_ids:
        return []
    jobs, notes, subs = PushJob.__table__, PushNotification.__table__, PushSubscription.__table__
    rows = db.session.execute(
        select(jobs.c.id.label("job_id"), jobs.c.attempts, notes.c.user_id, notes.c.kind, notes.c.slot,
               notes.c.title, notes.c.body, notes.c.path, notes.c.origin, notes.c.tag, notes.c.topic,
               notes.c.urgency, notes.c.due_at, notes.c.expires_at, notes.c.created_at, subs.c.id.label("sub_id"),
               subs.c.owner_id, subs.c.secret, subs.c.app_origin, subs.c.vapid_key_version, subs.c.revision)
        .select_from(jobs.join(notes, notes.c.id == jobs.c.notification_id)
                     .outerjoin(subs, subs.c.id == jobs.c.subscription_id))
        .where(_among(jobs.c.id, job_ids)).order_by(jobs.c.id)).all()
    keys = keys_for({row.owner_id for row in rows if row.owner_id is not None})
    nudge_users = {row.user_id for row in rows if row.kind == "nudge"}
    settings, checkin_days, last_checkin = {}, set(), {}
    if nudge_users:
        table = ReminderSettings.__table__
        settings = {row.user_id: row for row in db.session.execute(
            select(table.c.user_id, table.c.enabled, table.c.paused_until, table.c.skip_if_checked_in)
            .where(_among(table.c.user_id, nudge_users)))}
        checkin_days, last_checkin = _checkins(nudge_users, now)
    version = subscriptions.vapid_key_version()
    context = _Context(keys, settings, checkin_days, last_checkin, version, subscriptions.allow_local_endpoints())
    deliveries = []
    for row in rows:
        delivery = Delivery(row.job_id, row.attempts, row.expires_at)
        deliveries.append(delivery)
        try:
            _prepare_one(delivery, row, context, now)
        except Exception:  # one bad row must not hold back the batch it was claimed with
            log.exception("push job %s could not be prepared", row.job_id)
            delivery.message = None
            delivery.final = ("failed", "could not be prepared for sending")
    return deliveries


@dataclass(frozen=True)
class _Context:
    keys: dict
    settings: dict
    checkin_days: set
    last_checkin: dict
    vapid_key_version: int
    allow_local: bool


def _prepare_one(delivery: Delivery, row, context: _Context, now: datetime) -> None:
    if row.sub_id is None:
        delivery.final = ("failed", "the device was removed before delivery")
        return
    delivery.subscription_id, delivery.revision = row.sub_id, row.revision
    if row.owner_id != row.user_id:
        delivery.final = ("failed", "the device now belongs to another account")
        return
    if row.vapid_key_version != context.vapid_key_version:
        delivery.final = ("failed", "the device subscribed with an old VAPID key and must re-subscribe")
        return
    if now >= row.expires_at:
        delivery.final = ("failed", "expired before it could be delivered")
        return
    if row.kind == "nudge":
        reason = _nudge_still_wanted(row, context.settings.get(row.user_id), context.checkin_days,
                                     context.last_checkin)
        if reason:
            delivery.final = ("skipped", reason)
            return
    key = context.keys.get(row.owner_id)
    try:
        if key is None:
            raise crypto.DecryptionError("no data key")
        secret = subscriptions.open_secret(key, row.sub_id, row.secret)
    except crypto.DecryptionError:
        log.warning("push subscription %s could not be decrypted; removing it", row.sub_id)
        delivery.final = ("gone", "the device record could not be decrypted and was removed")
        return
    if subscriptions.endpoint_problem(secret["endpoint"], context.allow_local):
        # Stored under settings that allowed it (a test server, an older rule): never POST there now.
        delivery.final = ("failed", "the push service is not one this server sends to")
        return
    cap = nudges.MAX_TTL if row.kind == "nudge" else services.EVENT_TTL.total_seconds()
    delivery.message = Message(
        endpoint=secret["endpoint"], p256dh=secret["p256dh"], auth=secret["auth"],
        payload=services.payload(row, app_origin=row.app_origin),
        ttl=int(min(max((row.expires_at - now).total_seconds(), 60), cap)),
        urgency=row.urgency, topic=row.topic)


# --- Record ------------------------------------------------------------------------------------------


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A Retry-After header (delay-seconds or an HTTP date) as seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


@dataclass(frozen=True)
class Verdict:
    status: str  # sent | pending (retry) | gone | failed
    outcome: str
    next_attempt_at: datetime | None = None
    delete_subscription: bool = False


def judge(outcome: Outcome, *, attempts: int, max_attempts: int, expires_at: datetime, now: datetime,
          rng: random.Random | None = None) -> Verdict:
    """What a push service's answer means for the job (RFC 8030 and what real services do)."""
    status = outcome.status
    if status is not None and 200 <= status < 300:
        return Verdict("sent", f"accepted ({status})")
    if status in (404, 410):
        return Verdict("gone", f"subscription expired ({status}); device removed", delete_subscription=True)
    if status == 413 or outcome.error == "payload_too_large":
        return Verdict("failed", "payload too large: a bug in the sender, not retried")
    if outcome.error in ("invalid_message", "invalid_keys", "signing_failed", "internal"):
        # Deterministic for this message: retrying would fail the same way.
        return Verdict("failed", f"not sent: {outcome.error.replace('_', ' ')}")
    if status in (400, 401, 403):
        return Verdict("failed", f"push service refused the request ({status}): check the VAPID key and "
                                 "JOURNAL_VAPID_SUBJECT")
    retryable = status is None or status in (429, 408) or status >= 500
    if not retryable:
        return Verdict("failed", f"push service answered {status}; not retried")
    what = outcome.error or str(status)
    if attempts >= max_attempts:
        return Verdict("failed", f"gave up after {attempts} attempts (last: {what})")
    delay = retry_after_seconds(outcome.retry_after, now)
    rng = rng or random
    if delay is not None:
        delay = min(delay, RETRY_AFTER_CAP) + rng.uniform(0, min(delay * 0.1, 30))
    else:
        ceiling = min(RETRY_BASE * 2 ** (attempts - 1), RETRY_CAP)
        delay = rng.uniform(ceiling / 2, ceiling)  # "equal jitter": never sooner than half the back-off
    when = now + timedelta(seconds=delay)
    if when >= expires_at:
        return Verdict("failed", f"gave up: it would expire before the retry (last: {what})")
    return Verdict("pending", f"retrying (last: {what})", next_attempt_at=when)


def _mine(worker_id: str):
    table = PushJob.__table__
    return and_(table.c.claimed_by == worker_id, table.c.status == "leased")


def accepted(deliveries: list[Delivery], outcomes: dict[int, Outcome]) -> list[Delivery]:
    """The deliveries the push service accepted (2xx)."""
    return [d for d in deliveries if d.final is None and (outcomes[d.job_id].status or 0) // 100 == 2]


def record_sent(worker_id: str, deliveries: list[Delivery], outcomes: dict[int, Outcome], now: datetime) -> Counter:
    """Mark accepted deliveries as sent. The worker commits this before recording anything else: a
    message that went out must never be sent again because recording another one failed."""
    table = PushJob.__table__
    by_status, subs = defaultdict(list), set()
    for delivery in accepted(deliveries, outcomes):
        by_status[outcomes[delivery.job_id].status].append(delivery.job_id)
        subs.add(delivery.subscription_id)
    for http_status, ids in by_status.items():
        for start in range(0, len(ids), 500):
            db.session.execute(update(table).where(_among(table.c.id, ids[start:start + 500]), _mine(worker_id))
                               .values(status="sent", outcome=f"accepted ({http_status})", last_status=http_status,
                                       sent_at=now, claimed_by=None, claimed_until=None, updated_at=now))
    subs = list(subs)
    for start in range(0, len(subs), 500):
        db.session.execute(update(PushSubscription).where(_among(PushSubscription.id, subs[start:start + 500]))
                           .values(last_success_at=now).execution_options(synchronize_session=False))
    count = sum(len(ids) for ids in by_status.values())
    return Counter(sent=count) if count else Counter()


def record(worker_id: str, deliveries: list[Delivery], outcomes: dict[int, Outcome], now: datetime, *,
           max_attempts: int, rng: random.Random | None = None) -> Counter:
    """Write the outcome of every delivery that was not accepted (record_sent has the others); only jobs
    this worker still holds are touched."""
    table = PushJob.__table__
    tally: Counter = Counter()
    sent = {d.job_id for d in accepted(deliveries, outcomes)}
    for delivery in deliveries:
        if delivery.job_id in sent:
            continue
        if delivery.final is not None:
            status, text = delivery.final
            verdict = Verdict(status, text, delete_subscription=status == "gone")
        else:
            outcome = outcomes[delivery.job_id]
            verdict = judge(outcome, attempts=delivery.attempts, max_attempts=max_attempts,
                            expires_at=delivery.expires_at, now=now, rng=rng)
            if outcome.status in (400, 401, 403):
                log.error("push configuration error: the push service answered %s (job %s)", outcome.status,
                          delivery.job_id)
            elif outcome.status == 413 or outcome.error == "payload_too_large":
                log.error("push payload too large for job %s: a bug, not retried", delivery.job_id)
        tally[verdict.status] += 1
        values = {"status": verdict.status, "outcome": verdict.outcome[:200], "claimed_by": None,
                  "claimed_until": None, "updated_at": now}
        if delivery.final is None:
            values["last_status"] = outcomes[delivery.job_id].status
        if verdict.next_attempt_at is not None:
            values["next_attempt_at"] = verdict.next_attempt_at
        done = db.session.execute(update(table).where(table.c.id == delivery.job_id, _mine(worker_id))
                                  .values(**values))
        if verdict.delete_subscription and done.rowcount and delivery.subscription_id is not None:
            # Only if nobody re-subscribed this endpoint since we read it (the revision would have changed).
            db.session.execute(delete(PushSubscription).where(PushSubscription.id == delivery.subscription_id,
                                                              PushSubscription.revision == delivery.revision))
    return tally


def prune(now: datetime) -> int:
    """Forget notifications (and their deliveries) older than KEEP_HISTORY."""
    result = db.session.execute(delete(PushNotification).where(PushNotification.created_at < now - KEEP_HISTORY)
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0
