"""A member's questionnaire responses (encrypted) and their schedule per instrument."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import UTCDateTime, db, utcnow


class QuestionnaireResponse(db.Model):
    """One completed questionnaire. Plaintext: the owner, the instrument code and when it was taken (what
    lists and trends query). The answers, the score, its band and flags (PHQ-9 item 9 among them) are one
    JSON payload encrypted under the member's data key, bound to this row."""

    __tablename__ = "questionnaire_responses"
    TABLE = "questionnaire_responses"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    instrument: Mapped[str] = mapped_column(String(16))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    payload_ct: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (Index("ix_questionnaire_responses_owner_instrument_taken", "owner_id", "instrument",
                            "taken_at"),)


class QuestionnaireSchedule(db.Model):
    """How often the member wants to be offered one instrument: every N weeks, or 0 for off. No row: the
    instrument's default (WHO-5 every 2 weeks, the others off)."""

    __tablename__ = "questionnaire_schedules"

    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    instrument: Mapped[str] = mapped_column(String(16), primary_key=True)
    every_weeks: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class QuestionnaireSettings(db.Model):
    """The member's own choices, off until they say so (no row: both off):
    `with_clinicians` lets the clinicians they gave access (a live grant) see their results (check-in grants
    do not cover questionnaires by themselves); `remind` sends a generic reminder to their devices when a
    questionnaire they scheduled is due (`reminded_at`: the last one, so each due date reminds once)."""

    __tablename__ = "questionnaire_settings"

    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    with_clinicians: Mapped[bool] = mapped_column(Boolean, default=False)
    remind: Mapped[bool] = mapped_column(Boolean, default=False)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
