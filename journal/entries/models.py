"""Check-ins and what a member tracks. Health content lives only in the encrypted `*_ct` / payload columns."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, LargeBinary, String, UniqueConstraint, Uuid
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import UTCDateTime, db, utcnow


class Checkin(db.Model):
    """One check-in. `payload` holds every health value, encrypted; the rest is what queries need."""

    __tablename__ = "checkins"
    TABLE = "checkins"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The IANA zone the member was in, and the local day it gives: entries stay on the day they were
    # made, whatever later DST changes or travel do.
    timezone: Mapped[str] = mapped_column(String(64))
    local_date: Mapped[date] = mapped_column(Date)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    # The audience, chosen entry by entry (only me by default). Plaintext: access checks query it.
    share_peers: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    share_clinicians: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    hide_note_from_peers: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index("ix_checkins_owner_timeline", "owner_id", "occurred_at", "id"),
        Index("ix_checkins_owner_local_date", "owner_id", "local_date"),
    )


class _TrackedItem:
    """Shared columns of symptoms, tags and medications: an encrypted name, archived or not."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name_ct: Mapped[bytes] = mapped_column(LargeBinary)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Symptom(_TrackedItem, db.Model):
    __tablename__ = "symptoms"
    TABLE = "symptoms"
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class Tag(_TrackedItem, db.Model):
    __tablename__ = "tags"
    TABLE = "tags"
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class Medication(_TrackedItem, db.Model):
    __tablename__ = "medications"
    TABLE = "medications"
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The usual dose, pre-filled on the next check-in; also encrypted.
    dose_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    # "as_needed" or "scheduled" (None: scheduled, as every medication was before the two were told apart);
    # encrypted like the name: no query needs it.
    schedule_ct: Mapped[bytes | None] = mapped_column(LargeBinary)


class CheckinSymptom(db.Model):
    """Which symptoms a check-in recorded (ids only, for filtering; severities stay in the payload)."""

    __tablename__ = "checkin_symptoms"
    checkin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"),
                                                  primary_key=True)
    symptom_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("symptoms.id", ondelete="CASCADE"),
                                                  primary_key=True, index=True)


class CheckinTag(db.Model):
    """Which tags a check-in carries (ids only, for filtering)."""

    __tablename__ = "checkin_tags"
    checkin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"),
                                                  primary_key=True)
    tag_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"),
                                              primary_key=True, index=True)


class IdempotencyKey(db.Model):
    """A client's Idempotency-Key for a check-in it created: replays return that check-in."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    # A keyed hash of the request body (not the body): tells a replay from a reuse with new content.
    fingerprint: Mapped[bytes] = mapped_column(LargeBinary(32))
    checkin_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)


class ImportedRow(db.Model):
    """A check-in made by importing a row of another app's export (or the journal's own): `row_key` is a
    keyed hash (HMAC, its purpose naming the member) of the row's content, so importing the same file again
    creates nothing and the key reveals nothing of the content. Goes with its check-in."""

    __tablename__ = "imported_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    row_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    checkin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "row_key", name="uq_imported_rows_user_row_key"),)
