"""Push domain functions: reminder settings, and queueing messages (events, tests, snoozes) for a member's
devices (journal/push/subscriptions.py keeps the devices themselves).

Services take explicit arguments, add and flush, and never commit. Everything queued here is delivered
by the worker (journal/push/worker.py); nothing is sent on a request thread.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from journal import database, timekeeping
from journal.accounts import User
from journal.domain import DomainError, ValidationError
from journal.entries import Checkin
from journal.extensions import db
from journal.push import nudges
from journal.push.events import EVENTS
from journal.push.models import PushJob, PushNotification, PushSubscription, ReminderSettings

EVENT_TTL = timedelta(hours=24)
TEST_TTL = timedelta(minutes=10)
SNOOZE_MAX_MINUTES = 12 * 60
PAUSE_MAX_DAYS = 90
APP_NAME = "Peer Journal"


class PushError(DomainError):
    """A request about push that cannot be honoured; the message is safe to show."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


# --- Reminder settings -------------------------------------------------------------------------------


def settings_for(user: User, *, create: bool = False, now: datetime | None = None) -> ReminderSettings:
    """The member's settings; unsaved defaults (in their zone) unless `create`."""
    settings = db.session.get(ReminderSettings, user.id)
    if settings is None:
        settings = ReminderSettings(user_id=user.id, enabled=True, times="20:00", days=0b1111111,
                                    timezone=user.timezone or "UTC", skip_if_checked_in=True, ignored_in_a_row=0,
                                    every_other_day=False, updated_at=now)
        if create:
            db.session.add(settings)
            db.session.flush()
    return settings


def schedule_of(settings: ReminderSettings) -> nudges.Schedule:
    return nudges.Schedule(times=nudges.parse_times(settings.times or ""), days=nudges.mask_days(settings.days),
                           timezone=settings.timezone, quiet_start=settings.quiet_start,
                           quiet_end=settings.quiet_end, skip_if_checked_in=settings.skip_if_checked_in,
                           paused_until=settings.paused_until, enabled=settings.enabled)


def backoff_of(settings: ReminderSettings) -> nudges.Backoff:
    return nudges.Backoff(settings.ignored_in_a_row or 0, bool(settings.every_other_day), settings.backoff_anchor,
                          settings.last_nudge_at)


def pause_and_next(settings: ReminderSettings, now: datetime) -> tuple[datetime | None, datetime | None]:
    """The pause still in force (None if there is none), and when the next reminder comes after it."""
    paused = settings.paused_until if settings.paused_until and settings.paused_until > now else None
    return paused, nudges.next_reminder_after(schedule_of(settings), max(now, paused or now))


def quiet_hours_message(settings: ReminderSettings, clock: time) -> str:
    return (f"{clock:%H:%M} is inside your quiet hours ({settings.quiet_start:%H:%M}–{settings.quiet_end:%H:%M}), "
            "so no reminder would come then. Choose another time, or change your quiet hours.")


def reschedule(settings: ReminderSettings, now: datetime) -> None:
    """Point next_due_at at the next slot, so the worker looks at this member then."""
    settings.next_due_at = nudges.next_due_after(schedule_of(settings), now)


def last_checkin_at(user_id: int) -> datetime | None:
    return db.session.scalar(select(func.max(Checkin.created_at)).where(Checkin.owner_id == user_id))


def current_backoff(settings: ReminderSettings) -> nudges.Backoff:
    """The back-off state as it stands now (a check-in since the last nudge has already reset it)."""
    return nudges.refresh(backoff_of(settings), last_checkin_at(settings.user_id), settings.timezone)


def _parse_clock(value, name: str, fields: dict) -> time | None:
    try:
        if isinstance(value, str):
            return nudges.parse_time(value)
    except ValueError:
        pass
    fields[name] = "A time like 08:30 (24-hour clock)."
    return None


def parse_settings(body: Mapping) -> dict:
    """Validate a (partial) settings change from the API or the form; ValidationError per field."""
    fields, changes = {}, {}
    for name in ("enabled", "skip_if_checked_in"):
        if name in body:
            if isinstance(body[name], bool):
                changes[name] = body[name]
            else:
                fields[name] = "true or false."
    if "times" in body:
        times = body["times"]
        if not isinstance(times, list) or len(times) > nudges.MAX_TIMES:
            fields["times"] = f"Up to {nudges.MAX_TIMES} times a day."
        else:
            parsed = [_parse_clock(t, f"times[{i}]", fields) for i, t in enumerate(times)]
            changes["times"] = nudges.format_times([t for t in parsed if t is not None])
    if "days" in body:
        days = body["days"]
        if not isinstance(days, list) or any(d not in nudges.DAY_NAMES for d in days):
            fields["days"] = "Days as mon, tue, wed, thu, fri, sat, sun."
        else:
            changes["days"] = nudges.days_mask(nudges.DAY_NAMES.index(d) for d in days)
    if "timezone" in body:
        if isinstance(body["timezone"], str) and timekeeping.is_zone(body["timezone"]):
            changes["timezone"] = body["timezone"]
        else:
            fields["timezone"] = "An IANA time zone such as Europe/Berlin."
    if "quiet_hours" in body:
        quiet = body["quiet_hours"]
        if quiet is None:
            changes["quiet_start"] = changes["quiet_end"] = None
        elif isinstance(quiet, Mapping):
            start = _parse_clock(quiet.get("start"), "quiet_hours.start", fields)
            end = _parse_clock(quiet.get("end"), "quiet_hours.end", fields)
            if start is not None and end is not None:
                changes["quiet_start"], changes["quiet_end"] = (start, end) if start != end else (None, None)
        else:
            fields["quiet_hours"] = "{\"start\": \"22:00\", \"end\": \"07:00\"}, or null."
    if "pause_days" in body:
        days = body["pause_days"]
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= PAUSE_MAX_DAYS:
            fields["pause_days"] = f"A number of days from 1 to {PAUSE_MAX_DAYS}, or 0 to resume."
        else:
            changes["pause_days"] = days
    if fields:
        raise ValidationError(fields)
    return changes


@database.retrying_conflicts
def update_settings(user: User, changes: dict, now: datetime) -> ReminderSettings:
    """Apply validated changes and reschedule."""
    settings = settings_for(user, create=True, now=now)
    pause_days = changes.pop("pause_days", None)
    for name, value in changes.items():
        setattr(settings, name, value)
    if {"times", "quiet_start", "quiet_end"} & changes.keys():
        # A time the quiet hours silence would be promised on the page and never come: refuse it.
        clashes = nudges.quiet_clashes(schedule_of(settings))
        if clashes:
            raise ValidationError({"times": " ".join(quiet_hours_message(settings, clock) for clock in clashes)})
    if pause_days is not None:
        settings.paused_until = nudges.pause_until(schedule_of(settings), now, pause_days) if pause_days else None
    settings.updated_at = now
    reschedule(settings, now)
    db.session.flush()
    return settings


# --- Queueing messages ---------------------------------------------------------------------------------


def _devices(user_id: int) -> list[PushSubscription]:
    version = int(current_app.config["VAPID_KEY_VERSION"])
    return list(db.session.scalars(select(PushSubscription).where(
        PushSubscription.owner_id == user_id, PushSubscription.vapid_key_version == version)))


def _queue(notification: PushNotification, devices: list[PushSubscription], now: datetime) -> int:
    if not devices:
        notification.status, notification.reason = "skipped", "no_devices"
    db.session.add(notification)
    db.session.flush()
    for device in devices:
        db.session.add(PushJob(notification_id=notification.id, subscription_id=device.id, status="pending",
                               attempts=0, next_attempt_at=notification.due_at, created_at=now, updated_at=now))
    db.session.flush()
    return len(devices)


def enqueue_event(user_id: int, event: str, path: str, *, origin: str | None, now: datetime) -> PushNotification:
    """Queue a generic notification about `event` for every device of the member.

    Events are messages from people, so pausing reminders does not hold them back; quiet hours do:
    an event during quiet hours is delivered when they end.
    """
    settings = db.session.get(ReminderSettings, user_id)
    due = now
    if settings is not None:
        due = nudges.quiet_hours_end(schedule_of(settings), now)
    notification = PushNotification(
        user_id=user_id, kind="event", slot=None, event=event, title=APP_NAME, body=EVENTS[event], path=path,
        origin=origin, tag=event[:32], topic=event.replace("_", "-")[:32], urgency="normal", due_at=due,
        expires_at=due + EVENT_TTL, status="queued", created_at=now)
    _queue(notification, _devices(user_id), now)
    return notification


def enqueue_test(user: User, *, origin: str | None, now: datetime) -> int:
    """A test notification to each of the member's devices, now (quiet hours and pauses do not apply)."""
    devices = _devices(user.id)
    if not devices:
        raise PushError(409, "no_devices", "Turn on notifications on a device first.")
    notification = PushNotification(
        user_id=user.id, kind="test", slot=None, title=APP_NAME, body="Notifications work on this device.",
        path="/reminders", origin=origin, tag="test", topic="test", urgency="high", due_at=now,
        expires_at=now + TEST_TTL, status="queued", created_at=now)
    return _queue(notification, devices, now)


@database.retrying_conflicts
def snooze(user: User, minutes: int, *, origin: str | None, now: datetime) -> datetime:
    """Remind the member again in `minutes` (moved to the end of quiet hours if it falls inside them)."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= SNOOZE_MAX_MINUTES:
        raise ValidationError({"minutes": f"A number of minutes from 1 to {SNOOZE_MAX_MINUTES}."})
    settings = settings_for(user, create=True, now=now)
    due = nudges.quiet_hours_end(schedule_of(settings), now + timedelta(minutes=minutes))
    title, body = nudges.SNOOZED
    slot = f"snooze:{due.replace(second=0, microsecond=0).isoformat()[:16]}"
    existing = db.session.scalar(select(PushNotification).where(PushNotification.user_id == user.id,
                                                                PushNotification.slot == slot))
    if existing is not None:  # the same snooze sent twice (two taps, two devices): one reminder
        return existing.due_at
    notification = PushNotification(
        user_id=user.id, kind="nudge", slot=slot, title=title, body=body, path="/checkin", origin=origin,
        tag="checkin", topic="checkin", urgency="normal", due_at=due,
        expires_at=due + timedelta(seconds=nudges.MIN_TTL * 4), status="queued", created_at=now)
    _queue(notification, _devices(user.id), now)
    return due


# --- The payload -------------------------------------------------------------------------------------


def navigate_url(path: str, *, app_origin: str | None, request_origin: str | None) -> str:
    """An absolute same-origin URL: PUBLIC_ORIGIN, else the origin the device subscribed from."""
    origin = current_app.config.get("PUBLIC_ORIGIN") or app_origin or request_origin or ""
    return origin.rstrip("/") + path


def payload(notification: PushNotification, *, app_origin: str | None) -> bytes:
    """The push message: generic words and a URL, in Safari's declarative Web Push shape.

    The service worker reads the same shape. It never carries health data: push services see it.
    """
    body = {"title": notification.title, "body": notification.body,
            "navigate": navigate_url(notification.path, app_origin=app_origin, request_origin=notification.origin)}
    if notification.tag:
        body["tag"] = notification.tag
    return json.dumps({"web_push": 8030, "notification": body}, separators=(",", ":")).encode()


def local_date_of_slot(slot: str) -> date | None:
    try:
        return date.fromisoformat(slot[:10])
    except (ValueError, TypeError):
        return None
