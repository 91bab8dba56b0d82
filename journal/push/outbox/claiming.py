"""Claim a batch of jobs with a lease, and prepare each one's message (or decide it needs no sending)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from journal import crypto
from journal.extensions import db
from journal.keys import keys_for
from journal.push import nudges, services, subscriptions
from journal.push.models import PushJob, PushNotification, PushSubscription, ReminderSettings
from journal.push.outbox import _sql
from journal.push.sender import Message

log = logging.getLogger(__name__)


# --- Claim -------------------------------------------------------------------------------------------


def _claimable(now: datetime):
    return or_(and_(PushJob.status == "pending", PushJob.next_attempt_at <= now),
               and_(PushJob.status == "leased", PushJob.claimed_until < now))


def claim(worker_id: str, now: datetime, *, limit: int, lease: timedelta) -> list[int]:
    """Lease up to `limit` due jobs to this worker; each attempt is counted when it is claimed."""
    ids = select(PushJob.id).where(_claimable(now)).order_by(PushJob.next_attempt_at, PushJob.id).limit(limit)
    if _sql.postgres():
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
        .where(_sql.among(jobs.c.id, job_ids)).order_by(jobs.c.id)).all()
    keys = keys_for({row.owner_id for row in rows if row.owner_id is not None})
    nudge_users = {row.user_id for row in rows if row.kind == "nudge"}
    settings, checkin_days, last_checkin = {}, set(), {}
    if nudge_users:
        table = ReminderSettings.__table__
        settings = {row.user_id: row for row in db.session.execute(
            select(table.c.user_id, table.c.enabled, table.c.paused_until, table.c.skip_if_checked_in)
            .where(_sql.among(table.c.user_id, nudge_users)))}
        checkin_days, last_checkin = _sql.checkins(nudge_users, now)
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
