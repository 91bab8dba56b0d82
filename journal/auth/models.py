"""Accounts and their data keys."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from journal.extensions import UTCDateTime, db, utcnow

ROLES = ("member", "clinician", "moderator")
STAFF_ROLES = frozenset({"clinician", "moderator"})


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Plaintext because login looks it up; peers never see it (they see display_name).
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(16), default="member")
    # Bumped to sign out every device (password change, "sign out everywhere").
    session_version: Mapped[int] = mapped_column(default=1)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Bumped whenever the member's symptoms, tags or medications change: keys the decrypted-catalog cache.
    catalog_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    data_key: Mapped[DataKeyRecord | None] = relationship(
        back_populates="user", lazy="joined", cascade="all, delete-orphan", passive_deletes=True
    )

    def get_id(self) -> str:
        # Flask-Login stores this in the session; the version makes old sessions stop loading.
        return f"{self.id}.{self.session_version}"

    @property
    def is_member(self) -> bool:
        return self.role == "member"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


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
