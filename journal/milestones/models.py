"""Recovery milestone tables. A counter keeps everything about it in one encrypted payload (the member's
label, the start date, the milestones already acknowledged and the earlier runs): no query needs any of
it, so the database holds only its id, its owner and when it was made. A share holds the milestone's number
(that is what peers see) and, only if the member chose to include it, the label, encrypted again."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import UTCDateTime, db, utcnow

USERS_FK = "users.id"


class Counter(db.Model):
    """A "days since" counter: payload_ct is JSON under the owner's key, AAD (this table, this id)."""

    __tablename__ = "milestone_counters"
    TABLE = "milestone_counters"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), index=True)
    payload_ct: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MilestoneShare(db.Model):
    """A milestone the member chose to share with their peer circle ("Sam reached 30 days")."""

    __tablename__ = "milestone_shares"
    TABLE = "milestone_shares"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    counter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("milestone_counters.id", ondelete="CASCADE"),
                                                  index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"))
    days: Mapped[int] = mapped_column()
    label_ct: Mapped[bytes | None] = mapped_column(LargeBinary)  # only when the member included the label
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_milestone_shares_owner_created", "owner_id", "created_at"),)


class MilestoneReaction(db.Model):
    """One tap of support on a shared milestone: one per person, per kind (journal/reactions.py)."""

    __tablename__ = "milestone_reactions"

    share_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("milestone_shares.id", ondelete="CASCADE"),
                                                primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), primary_key=True, index=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
