"""The access log: every time someone other than the owner looks at a member's journal.

Clinicians' views and exports, moderators' reads of reported content and each opening of a member's
SMART Health Link (by whatever app, under the name it gives) are recorded here, and the
member sees them under "Who has seen my journal". Rows hold who, what kind of look, how many entries
from which days, and when; never any content.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from journal.extensions import UTCDateTime, db, utcnow

ACTIONS = {
    "dashboard": "viewed your dashboard",
    "entries": "viewed entries",
    "entry": "viewed an entry",
    "export_csv": "exported entries as CSV",
    "export_fhir": "exported entries as FHIR",
    "report": "printed a report",
    "moderation": "reviewed reported content",
    "questionnaires": "viewed questionnaire results",
    "questionnaires_fhir": "exported questionnaire results as FHIR",
    "safety_plan": "viewed your safety plan",
    "health_link": "opened a health link",
}
# The viewer_role of a look through a SMART Health Link: nobody signed in, only the name their app gave.
LINK_ROLE = "health_link"


class AccessLogEntry(db.Model):
    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    viewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The name the owner knows the viewer by, kept even if the viewer's account goes away.
    viewer_name: Mapped[str] = mapped_column(String(80))
    viewer_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(24))
    entry_count: Mapped[int] = mapped_column(default=0)
    first_day: Mapped[date | None]
    last_day: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    viewer = relationship("User", foreign_keys=[viewer_id])

    __table_args__ = (Index("ix_access_log_owner_created", "owner_id", "created_at"),)

    @property
    def description(self) -> str:
        return ACTIONS.get(self.action, self.action)


def record_access(*, owner_id: int, viewer, action: str, viewer_name: str | None = None, entry_count: int = 0,
                  first_day: date | None = None, last_day: date | None = None,
                  now: datetime | None = None) -> AccessLogEntry:
    """Record one look at a member's data. A GET view that records one is declared
    @journal.database.writes; the request's transaction commits it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    row = AccessLogEntry(owner_id=owner_id, viewer_id=viewer.id, viewer_name=viewer_name or viewer.display_name,
                         viewer_role=viewer.role, action=action, entry_count=entry_count, first_day=first_day,
                         last_day=last_day, created_at=now or utcnow())
    db.session.add(row)
    return row


def record_link_access(*, owner_id: int, recipient: str, entry_count: int, first_day: date | None,
                       last_day: date | None, now: datetime | None = None) -> AccessLogEntry:
    """Record one opening of a member's SMART Health Link: no account behind it, only the recipient
    name the opening app sent (cut to the column's 80 characters)."""
    row = AccessLogEntry(owner_id=owner_id, viewer_id=None, viewer_name=recipient[:80], viewer_role=LINK_ROLE,
                         action="health_link", entry_count=entry_count, first_day=first_day, last_day=last_day,
                         created_at=now or utcnow())
    db.session.add(row)
    return row


def accesses_for(owner_id: int, limit: int = 200) -> list[AccessLogEntry]:
    """The member's access log, newest first."""
    return list(db.session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.owner_id == owner_id)
        .order_by(AccessLogEntry.created_at.desc(), AccessLogEntry.id.desc()).limit(limit)
    ))
