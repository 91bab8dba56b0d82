"""A SMART Health Link the member made: its encrypted file, its terms, and how often it was opened."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import UTCDateTime, db, utcnow


class HealthLink(db.Model):
    """One link. `jwe` is the FHIR Bundle encrypted under a key that exists only in the link the member was
    shown once: the server can serve it, never read it. The manifest address's random part is stored only
    as a hash. The member's own label and choices are encrypted under the member's data key; the plaintext
    columns are what the public endpoint and the member's list need (days, counts, times)."""

    __tablename__ = "health_links"
    TABLE = "health_links"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    manifest_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    jwe: Mapped[str] = mapped_column(Text)
    details_ct: Mapped[bytes] = mapped_column(LargeBinary)  # {label, measures, name} under the member's key
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    entry_count: Mapped[int] = mapped_column(default=0)
    passcode_hash: Mapped[str | None] = mapped_column(String(255))
    attempts_left: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    access_count: Mapped[int] = mapped_column(default=0)
    last_access_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def status(self, now: datetime) -> str:
        """active, revoked, expired, or locked (too many wrong passcodes): only an active link opens."""
        if self.revoked_at is not None:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        if self.passcode_hash is not None and self.attempts_left <= 0:
            return "locked"
        return "active"
