"""Push subscriptions, reminder settings, and the durable notification outbox.

A subscription's endpoint and keys identify a device to its push service: they are stored encrypted
under the member's data key, with only a SHA-256 of the endpoint (to find re-subscriptions) and the
push service's origin (the VAPID `aud`) in plaintext.

The outbox has two levels: a `PushNotification` is one message to a member (a reminder slot, an event,
a test) and carries the only UNIQUE (member, slot) that makes each reminder slot enqueue exactly once;
a `PushJob` is its delivery to one device, claimed by a worker with a lease.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Time,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import UTCDateTime, db, utcnow


class PushSubscription(db.Model):
    """One device (browser profile) that receives a member's notifications."""

    __tablename__ = "push_subscriptions"
    TABLE = "push_subscriptions"

    # Generated in Python before encrypting: the ciphertext is bound to this id.
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the endpoint URL: re-posting the same endpoint updates this row instead of adding one.
    endpoint_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    # {"endpoint", "p256dh", "auth"} encrypted under the owner's data key.
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    # scheme://host[:port] of the push service: the VAPID `aud`, and what the device list shows.
    push_origin: Mapped[str] = mapped_column(String(255))
    # The origin the member subscribed from, for absolute notification URLs when PUBLIC_ORIGIN is unset.
    app_origin: Mapped[str | None] = mapped_column(String(255))
    label: Mapped[str] = mapped_column(String(80))
    vapid_key_version: Mapped[int] = mapped_column(Integer)
    # Bumped on every re-subscription: a 404/410 deletes the row only if nobody re-subscribed meanwhile.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReminderSettings(db.Model):
    """When and how a member is nudged to check in, and the back-off state."""

    __tablename__ = "reminder_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    # Up to three local wall-clock times, "HH:MM,HH:MM".
    times: Mapped[str] = mapped_column(String(17), default="20:00")
    # Days of the week as a bit mask, bit 0 = Monday.
    days: Mapped[int] = mapped_column(Integer, default=0b1111111)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    quiet_start: Mapped[time | None] = mapped_column(Time)
    quiet_end: Mapped[time | None] = mapped_column(Time)
    skip_if_checked_in: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Back-off: nudges sent with no check-in in between; at 3, every other day until the next check-in.
    ignored_in_a_row: Mapped[int] = mapped_column(Integer, default=0)
    every_other_day: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    backoff_anchor: Mapped[date | None] = mapped_column(Date)
    last_nudge_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The next slot's UTC instant: the worker looks only at members whose next_due_at has passed.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PushNotification(db.Model):
    """One message for a member: a reminder slot, an event, or a test. Generic wording only."""

    __tablename__ = "push_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # nudge | event | test
    # A reminder slot ("2026-03-08T20:00" local, or "snooze:…"); NULL for events and tests.
    slot: Mapped[str | None] = mapped_column(String(64))
    event: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(String(240))
    path: Mapped[str] = mapped_column(String(255))  # same-origin path the notification opens
    origin: Mapped[str | None] = mapped_column(String(255))  # the request's origin, for events
    tag: Mapped[str | None] = mapped_column(String(32))
    topic: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[str] = mapped_column(String(8))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Past this instant an undelivered message is pointless (the push TTL counts down to it).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))  # queued | skipped
    reason: Mapped[str | None] = mapped_column(String(32))  # why skipped
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        # Each reminder slot is enqueued exactly once, however many workers run the enqueue.
        UniqueConstraint("user_id", "slot", name="uq_push_notifications_user_slot"),
        Index("ix_push_notifications_user_created", "user_id", "created_at"),
    )


class PushJob(db.Model):
    """The delivery of one notification to one device: claimed with a lease, retried with back-off."""

    __tablename__ = "push_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("push_notifications.id", ondelete="CASCADE"))
    # SET NULL keeps the outcome when a 404/410 deletes the subscription.
    subscription_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True
    )
    # pending | leased | sent | skipped | gone | failed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)  # the push service's last HTTP status
    outcome: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("notification_id", "subscription_id", name="uq_push_jobs_notification_subscription"),
        Index("ix_push_jobs_claimable", "status", "next_attempt_at"),
    )
