"""The safety plan (one per member, its words encrypted) and the clinicians it is shared with."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import UTCDateTime, db, utcnow


class SafetyPlan(db.Model):
    """Every word of the plan is one JSON document encrypted under the owner's data key (bound to this
    table and the owner's id). Only the owner and when it last changed are plaintext."""

    __tablename__ = "safety_plans"
    TABLE = "safety_plans"

    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    body_ct: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SafetyPlanShare(db.Model):
    """The member shared their plan with this clinician under this grant. It lasts only while that grant
    is live: a revoked or ended grant hides the plan, and a new invitation does not bring it back."""

    __tablename__ = "safety_plan_shares"

    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                              index=True)
    # No foreign key: the clinicians feature owns grants, and an app may be built without it.
    grant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
