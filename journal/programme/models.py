"""Who opted in to the programme report. A row exists only while the member says yes; withdrawing deletes it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import UTCDateTime, db, utcnow


class ProgrammeParticipant(db.Model):
    """A member counted in the programme's anonymous report, since `joined_at`."""

    __tablename__ = "programme_participants"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
