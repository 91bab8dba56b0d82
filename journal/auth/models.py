"""What signing in keeps: sessions, mailed single-use links and recovery codes (the account itself is
journal/accounts.py)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import UTCDateTime, db


class AuthSession(db.Model):
    """One signed-in browser. Its cookie works only while this row exists: logging out, "sign out" on the
    device list, a password change, a suspension, the time limits and account deletion delete it."""

    __tablename__ = "auth_sessions"

    # The public handle the device list and the API use; never enough to act as the session.
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the random secret in the browser's (signed) session cookie: a copy of the database
    # cannot be turned into a working cookie.
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    # "Chrome on Android", from the User-Agent at sign-in. Never the IP address or a place derived from it.
    browser: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Written at most about once a minute (journal/auth/sessions.py), for the idle limit and the list.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccountToken(db.Model):
    """A single-use secret sent by mail: a password reset (valid an hour) or an email confirmation (48 hours).
    Only its SHA-256 is stored, so a copy of the database cannot use one; `used_at` marks it spent."""

    __tablename__ = "account_tokens"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # "reset" | "verify"
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(db.Model):
    """One of the ten single-use codes that stand in for the authenticator app; stored as SHA-256 only."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
