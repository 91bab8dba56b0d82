"""The member, on the kernel floor: the account row every feature refers to, and its wrapped data key.

Accounts are made, signed in and looked after by journal/auth; every other feature only needs to know
who someone is (`User`) and reach their data through journal/keys.py.
"""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from journal.extensions import UTCDateTime, db, utcnow
from journal.security import STAFF_ROLES

ROLES = ("member", "clinician", "moderator", "admin")
# The version of the privacy page (/privacy) a member agrees to at registration: change it when what the
# page promises changes.
PRIVACY_VERSION = "2026-12-10"  # changed: questionnaires, safety plan, milestones, health links, programme report


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Plaintext because login looks it up; peers never see it (they see display_name).
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(16), default="member")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Bumped whenever the member's symptoms, tags or medications change: keys the decrypted-catalog cache.
    catalog_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Notifications (replies, requests) the member has not seen: the badge on the Peers tab on every page,
    # read with the member's row instead of counted per page. Kept in SQL by journal/peers/notifications.py
    # (one more on each, recounted when some are withdrawn, none once the list is opened).
    unseen_notifications: Mapped[int] = mapped_column(default=0, server_default="0")
    # When the member followed the link mailed to them (journal/auth/verification.py). Accounts older than
    # email confirmation were marked confirmed by migration 0008, so nobody was locked out.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The version of /privacy (PRIVACY_VERSION above) the member agreed to at registration,
    # and when. Accounts from before consent was recorded have neither.
    privacy_version: Mapped[str | None] = mapped_column(String(32))
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-step sign-in (journal/auth/twofactor.py). The TOTP secret is encrypted under the account's data key
    # and read only when a code is checked (deferred). Enabled once a first code confirmed it; the last time
    # step used is kept so that a code works once.
    totp_secret_ct: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, deferred=True)

    data_key: Mapped[DataKeyRecord | None] = relationship(
        back_populates="user", lazy="joined", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_member(self) -> bool:
        return self.role == "member"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def needs_second_factor(self) -> bool:
        """Clinicians, moderators and admins must set up two-step sign-in before they see anyone's data (or,
        for admins, the programme's aggregates)."""
        return self.is_staff and self.totp_enabled_at is None


class DataKeyRecord(db.Model):
    """A member's data key, stored only wrapped by a master key (see journal/crypto.py)."""

    __tablename__ = "data_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    master_key_id: Mapped[str] = mapped_column(String(64))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rewrapped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="data_key")
