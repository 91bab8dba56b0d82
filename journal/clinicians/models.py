"""Clinician profiles, grants (an invitation until redeemed) and clinicians' private notes on entries."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from journal.extensions import UTCDateTime, db, utcnow

SCOPE_SHARED = "shared"  # check-ins the member marked for "My clinicians"
SCOPE_RANGE = "range"  # every check-in with a local day inside [range_start, range_end]


class ClinicianProfile(db.Model):
    """What members see about a clinician besides the display name (not health data: plaintext)."""

    __tablename__ = "clinician_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    profession: Mapped[str] = mapped_column(String(80))
    organisation: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ClinicianGrant(db.Model):
    """A member's invitation to one clinician, and once redeemed, that clinician's access.

    The code exists only as a hash. Access is live while redeemed, not revoked and before `ends_at`
    (None: until the member revokes). Plaintext columns are what access checks query; the name this
    clinician sees and the member's own label are encrypted under the member's data key.
    """

    __tablename__ = "clinician_grants"
    TABLE = "clinician_grants"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    code_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scope: Mapped[str] = mapped_column(String(8), default=SCOPE_SHARED)
    range_start: Mapped[date | None] = mapped_column(Date)
    range_end: Mapped[date | None] = mapped_column(Date)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A real name given only to this clinician (None: they see the member's pseudonym).
    name_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The member's own reminder of who the invitation is for ("my GP"), shown only to the member.
    label_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    owner = relationship("User", foreign_keys=[owner_id])
    clinician = relationship("User", foreign_keys=[clinician_id])

    __table_args__ = (Index("ix_clinician_grants_clinician_owner", "clinician_id", "owner_id"),)

    def is_active(self, now: datetime) -> bool:
        """Redeemed, not revoked, not past its end: the clinician may look now."""
        return (self.redeemed_at is not None and self.clinician_id is not None and self.revoked_at is None
                and (self.ends_at is None or now < self.ends_at))

    def is_pending(self, now: datetime) -> bool:
        """An invitation that can still be redeemed."""
        return self.redeemed_at is None and self.revoked_at is None and now < self.code_expires_at

    def covers(self, checkin) -> bool:
        """Whether a check-in of the owner falls inside this grant's scope (the grant's liveness aside)."""
        if checkin.owner_id != self.owner_id:
            return False
        if self.scope == SCOPE_SHARED:
            return bool(checkin.share_clinicians)
        if self.scope == SCOPE_RANGE:
            return (self.range_start is not None and checkin.local_date >= self.range_start
                    and (self.range_end is None or checkin.local_date <= self.range_end))
        return False


class ClinicianNote(db.Model):
    """A clinician's private note on a shared entry: only that clinician and the member read it.

    Encrypted under the member's data key, like the journal itself; one note per clinician and entry.
    """

    __tablename__ = "clinician_notes"
    TABLE = "clinician_notes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    checkin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body_ct: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    clinician = relationship("User", foreign_keys=[clinician_id])

    __table_args__ = (UniqueConstraint("checkin_id", "clinician_id", name="uq_clinician_notes_checkin_clinician"),)
