"""Signed-in devices: the server-side session behind every login, its time limits, and the member's list
of them with "sign out" per device. The cookie carries a random secret; its row keeps only a hash of it."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, or_, select, update

from journal import crypto
from journal.accounts import User
from journal.auth.models import AuthSession
from journal.domain import DomainError
from journal.extensions import db
from journal.security import STAFF_ROLES

BROWSER_MAX = 80


class NoSuchSession(DomainError):
    """Not one of this member's live sessions (someone else's, ended, or never was): a 404."""


@dataclass(frozen=True)
class Limits:
    """How long a session lasts: `idle` since it was last used, `absolute` since it began."""

    idle: timedelta
    absolute: timedelta

    def expired(self, created_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
        return now - last_seen_at > self.idle or now - created_at > self.absolute


def limits_for(user: User) -> Limits:
    """Members: 14 days idle, 30 days at most; staff (clinicians, moderators, admins): 30 minutes, 12 hours
    (config)."""
    kind = "staff" if user.is_staff else "member"
    config = current_app.config
    return Limits(config["SESSION_IDLE_LIMITS"][kind], config["SESSION_ABSOLUTE_LIMITS"][kind])


def _expired_clause(limits: Limits, now: datetime):
    return or_(AuthSession.last_seen_at < now - limits.idle, AuthSession.created_at < now - limits.absolute)


def open_session(user: User, *, browser: str, now: datetime) -> tuple[AuthSession, str]:
    """Start a session for `user` on one browser: its row, and the secret for the cookie (only its hash is
    stored). The account's sessions that have run out are cleared on the way."""
    db.session.execute(delete(AuthSession).where(AuthSession.user_id == user.id,
                                                 _expired_clause(limits_for(user), now)))
    token = crypto.random_token()
    record = AuthSession(id=uuid.uuid4(), user_id=user.id, token_hash=crypto.hash_token(token),
                         browser=browser[:BROWSER_MAX], created_at=now, last_seen_at=now)
    db.session.add(record)
    db.session.flush()
    return record, token


def renew_secret(session_id: uuid.UUID) -> str:
    """A new secret for a live session (same device, same limits): copies of the old cookie stop working."""
    token = crypto.random_token()
    db.session.execute(update(AuthSession).where(AuthSession.id == session_id)
                       .values(token_hash=crypto.hash_token(token)))
    return token


def end_session(session_id: uuid.UUID) -> None:
    """End one session: its cookie stops working on its next request."""
    db.session.execute(delete(AuthSession).where(AuthSession.id == session_id))


def end_sessions(user_id: int, *, keep: uuid.UUID | None = None) -> None:
    """End every session of an account, except `keep` (this device) when given."""
    statement = delete(AuthSession).where(AuthSession.user_id == user_id)
    if keep is not None:
        statement = statement.where(AuthSession.id != keep)
    db.session.execute(statement)


def end_device(user: User, session_id: uuid.UUID) -> str:
    """End one of `user`'s own sessions and return its browser's name; NoSuchSession for anyone else's."""
    browser = db.session.scalar(select(AuthSession.browser).where(AuthSession.id == session_id,
                                                                  AuthSession.user_id == user.id))
    if browser is None:
        raise NoSuchSession()
    end_session(session_id)
    return browser


def live_sessions(user: User, now: datetime, *, current_id: uuid.UUID | None = None) -> list[AuthSession]:
    """The account's sessions that still work: `current_id` (this device) first, then most recently used."""
    limits = limits_for(user)
    rows = list(db.session.scalars(
        select(AuthSession).where(AuthSession.user_id == user.id,
                                  AuthSession.last_seen_at >= now - limits.idle,
                                  AuthSession.created_at >= now - limits.absolute)
        .order_by(AuthSession.last_seen_at.desc(), AuthSession.created_at.desc())
    ))
    rows.sort(key=lambda row: row.id != current_id)  # stable: the others stay most recent first
    return rows


def purge_expired(now: datetime) -> int:
    """Delete every session past its limits (they no longer work anyway); returns how many."""
    config = current_app.config
    removed = 0
    staff = select(User.id).where(User.role.in_(STAFF_ROLES))
    for kind, owners in (("staff", AuthSession.user_id.in_(staff)), ("member", AuthSession.user_id.not_in(staff))):
        limits = Limits(config["SESSION_IDLE_LIMITS"][kind], config["SESSION_ABSOLUTE_LIMITS"][kind])
        result = db.session.execute(delete(AuthSession).where(owners, _expired_clause(limits, now)))
        removed += result.rowcount
    return removed


@dataclass(frozen=True)
class Device:
    """One line of the device list, ready to show."""

    id: uuid.UUID
    browser: str
    current: bool
    last_seen: str
    signed_in: str


def device_list(user: User, *, current_id: uuid.UUID | None, now: datetime) -> list[Device]:
    """The member's signed-in devices for the account page: this one first, times in their own zone."""
    rows = live_sessions(user, now, current_id=current_id)
    return [Device(row.id, row.browser, row.id == current_id,
                   "active now" if row.id == current_id else "last seen " + seen_words(row.last_seen_at,
                                                                                       user.timezone, now),
                   f"signed in {row.created_at.astimezone(ZoneInfo(user.timezone)):%-d %b %Y}")
            for row in rows]


def seen_words(instant: datetime, tz_name: str, now: datetime) -> str:
    """When, roughly, in the member's zone: 'just now', 'today, 14:05', 'yesterday, 21:40', '3 days ago'."""
    if now - instant < timedelta(minutes=2):
        return "just now"
    zone = ZoneInfo(tz_name)
    local = instant.astimezone(zone)
    days = (now.astimezone(zone).date() - local.date()).days
    if days <= 0:
        return f"today, {local:%H:%M}"
    if days == 1:
        return f"yesterday, {local:%H:%M}"
    return f"{days} days ago"
