"""In-app notifications (with unread counts) and the matching push event through journal.push.events.

Rows hold who and what kind, never content. The unread count is one indexed count query, run only on
Peers pages: the rest of the app (the timeline above all) pays nothing for it.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from journal import signals
from journal.accounts import User
from journal.extensions import db, utcnow
from journal.peers.models import PeerNotification

# kind -> (push event or None, sentence after the actor's name, or the whole sentence without an actor)
KINDS = {
    "comment": ("comment", "replied to your check-in"),
    "reaction": ("reaction", "sent you support on a check-in"),
    "connection_request": ("connection_request", "would like to connect"),
    "connection_accepted": ("connection_accepted", "accepted your request to connect"),
    "thinking_of_you": ("thinking_of_you", "is thinking of you"),
    "report_handled": (None, "A moderator reviewed your report. Thank you for helping keep this space kind."),
    "content_hidden": (None, "A moderator hid something you posted because it went against the community "
                             "guidelines."),
    "warning": (None, "A moderator sent you a warning about the community guidelines."),
}


def create(user_id: int, kind: str, *, actor_id: int | None = None, checkin_id: uuid.UUID | None = None,
           action_id: uuid.UUID | None = None, now: datetime | None = None) -> PeerNotification:
    """Add an in-app notification and queue the generic push for it (the caller commits)."""
    push_event, _ = KINDS[kind]
    row = PeerNotification(user_id=user_id, kind=kind, actor_id=actor_id, checkin_id=checkin_id,
                           action_id=action_id, created_at=now or utcnow())
    db.session.add(row)
    db.session.execute(update(User).where(User.id == user_id)
                       .values(unseen_notifications=User.unseen_notifications + 1))
    if push_event:
        signals.notify_member(user_id=user_id, event=push_event, path=_url(kind, checkin_id))
    return row


def _url(kind: str, checkin_id: uuid.UUID | None) -> str:
    if checkin_id is not None:
        return f"/peers/entries/{checkin_id}"
    if kind in ("connection_request", "connection_accepted", "thinking_of_you"):
        return "/peers/connections"
    return "/peers/notifications"


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(PeerNotification).where(
        PeerNotification.user_id == user_id, PeerNotification.read_at.is_(None))) or 0


@dataclass
class NotificationView:
    id: int
    kind: str
    text: str
    actor: str | None
    url: str
    created_at: datetime
    unread: bool
    action_id: uuid.UUID | None


def recent(user: User, blocked_ids: set[int], limit: int = 50) -> list[NotificationView]:
    """Newest first; anything from someone blocked either way is left out."""
    rows = db.session.execute(
        select(PeerNotification, User.display_name)
        .outerjoin(User, User.id == PeerNotification.actor_id)
        .where(PeerNotification.user_id == user.id)
        .order_by(PeerNotification.created_at.desc(), PeerNotification.id.desc()).limit(limit)
    )
    views = []
    for row, actor in rows:
        if row.actor_id in blocked_ids:
            continue
        _, sentence = KINDS.get(row.kind, (None, row.kind))
        text = f"{actor} {sentence}" if row.actor_id and actor else sentence
        views.append(NotificationView(row.id, row.kind, text, actor, _url(row.kind, row.checkin_id),
                                      row.created_at, row.read_at is None, row.action_id))
    return views


def mark_all_read(user_id: int, now: datetime | None = None) -> int:
    result = db.session.execute(update(PeerNotification).where(
        PeerNotification.user_id == user_id, PeerNotification.read_at.is_(None)).values(read_at=now or utcnow()))
    db.session.execute(update(User).where(User.id == user_id, User.unseen_notifications != 0)
                       .values(unseen_notifications=0))
    return result.rowcount or 0


def recount_unseen(user_id: int) -> None:
    """Set the member's unseen count from their notifications, after some were withdrawn."""
    unseen = select(func.count()).select_from(PeerNotification).where(
        PeerNotification.user_id == user_id, PeerNotification.read_at.is_(None)).scalar_subquery()
    db.session.execute(update(User).where(User.id == user_id).values(unseen_notifications=unseen))
