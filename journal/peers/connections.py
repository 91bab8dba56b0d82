"""Connections between members: request and accept, decline (remembered 30 days), disconnect, block,
and "thinking of you" nudges. Nobody is told why a request was declined or a connection ended."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, or_, select, union_all
from sqlalchemy.orm import aliased

from journal import database
from journal.accounts import User
from journal.auth import require_verified
from journal.extensions import db, utcnow
from journal.peers import notifications, profiles
from journal.peers.errors import Conflict, NotFound
from journal.peers.models import PeerBlock, PeerConnection, PeerDecline, PeerNotification, PeerProfile, Suspension

DECLINE_MEMORY = timedelta(days=30)
NUDGE_GAP = timedelta(hours=20)
NOT_AVAILABLE = "That member is not available."


def pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def connection_between(a: int, b: int) -> PeerConnection | None:
    low, high = pair(a, b)
    return db.session.scalar(select(PeerConnection).where(PeerConnection.user_low == low,
                                                          PeerConnection.user_high == high))


def blocked_either_way(a: int, b: int) -> bool:
    return bool(db.session.scalar(select(exists().where(or_(
        (PeerBlock.blocker_id == a) & (PeerBlock.blocked_id == b),
        (PeerBlock.blocker_id == b) & (PeerBlock.blocked_id == a),
    )))))


def blocked_ids_query(user_id: int):
    """Ids of everyone this member blocked or was blocked by (a subquery)."""
    return union_all(select(PeerBlock.blocked_id).where(PeerBlock.blocker_id == user_id),
                     select(PeerBlock.blocker_id).where(PeerBlock.blocked_id == user_id))


def connected_ids_query(user_id: int):
    """Ids of the member's accepted connections (a subquery over the pair index, both directions)."""
    return union_all(
        select(PeerConnection.user_high).where(PeerConnection.user_low == user_id,
                                               PeerConnection.status == "accepted"),
        select(PeerConnection.user_low).where(PeerConnection.user_high == user_id,
                                              PeerConnection.status == "accepted"),
    )


def suspended_ids_query(now: datetime):
    return select(Suspension.user_id).where(or_(Suspension.until.is_(None), Suspension.until > now))


def circle_of(user_id: int, now: datetime | None = None) -> set[int]:
    """The member's peer circle: accepted connections, both with peer support on, both members (not staff),
    no block either way, nobody suspended; empty when the member does not take part (one query)."""
    other, mine = aliased(PeerProfile), aliased(PeerProfile)
    now = now or utcnow()
    return set(db.session.scalars(
        select(User.id)
        .join(other, other.user_id == User.id)
        .where(User.id.in_(connected_ids_query(user_id)), other.enabled, User.role == "member",
               User.id.not_in(blocked_ids_query(user_id)), User.id.not_in(suspended_ids_query(now)),
               exists().where(mine.user_id == user_id, mine.enabled),
               ~exists().where(Suspension.user_id == user_id,
                               or_(Suspension.until.is_(None), Suspension.until > now)))))


def on_peer_circle_requested(app, user) -> set[int] | None:
    """Receiver of journal.signals.peer_circle_requested (staff accounts have no circle)."""
    if getattr(user, "role", None) != "member":
        return set()
    return circle_of(user.id)


def is_suspended(user_id: int, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return bool(db.session.scalar(select(exists().where(
        Suspension.user_id == user_id, or_(Suspension.until.is_(None), Suspension.until > now)))))


def are_connected(a: int, b: int) -> bool:
    row = connection_between(a, b)
    return row is not None and row.status == "accepted"


def declined_recently(decliner_id: int, requester_id: int, now: datetime) -> bool:
    return bool(db.session.scalar(select(exists().where(
        PeerDecline.decliner_id == decliner_id, PeerDecline.requester_id == requester_id,
        PeerDecline.declined_at > now - DECLINE_MEMORY))))


def may_see_member(viewer: User, target: PeerProfile) -> bool:
    """Whether a taking-part member may open another's profile: suggestable, or already linked to them."""
    if target.user_id == viewer.id:
        return True
    if not target.enabled or blocked_either_way(viewer.id, target.user_id) or is_suspended(target.user_id):
        return False
    owner = db.session.get(User, target.user_id)
    if owner is None or owner.role != "member":
        return False
    return target.open_to_matches or connection_between(viewer.id, target.user_id) is not None


@dataclass
class Relation:
    """How the viewer stands with another member, for the profile page's buttons."""

    state: str  # none | outgoing | incoming | connected | self
    may_nudge: bool = False


def relation(viewer: User, target: PeerProfile) -> Relation:
    if target.user_id == viewer.id:
        return Relation("self")
    row = connection_between(viewer.id, target.user_id)
    if row is None:
        return Relation("none")
    if row.status == "accepted":
        return Relation("connected", may_nudge=target.nudges_enabled)
    return Relation("outgoing" if row.requester_id == viewer.id else "incoming")


def _target(viewer: User, target: PeerProfile | None) -> PeerProfile:
    if target is None or target.user_id == viewer.id or not may_see_member(viewer, target):
        raise NotFound(NOT_AVAILABLE)
    return target


def request(viewer: User, target: PeerProfile | None, now: datetime | None = None) -> PeerConnection:
    """Ask to connect. If they already asked me, this accepts their request instead. Both members need a
    confirmed email address (EmailNotVerified otherwise)."""
    require_verified(viewer)
    now = now or utcnow()
    target = _target(viewer, target)
    row = connection_between(viewer.id, target.user_id)
    if row is not None:
        if row.status == "pending" and row.requester_id == target.user_id:
            return accept(viewer, target, now)
        raise Conflict("You are already connected." if row.status == "accepted" else "Your request is waiting.")
    if not target.open_to_matches or declined_recently(target.user_id, viewer.id, now):
        raise NotFound(NOT_AVAILABLE)
    low, high = pair(viewer.id, target.user_id)
    row = PeerConnection(user_low=low, user_high=high, requester_id=viewer.id, status="pending", created_at=now)
    db.session.add(row)
    db.session.flush()
    notifications.create(target.user_id, "connection_request", actor_id=viewer.id, now=now)
    return row


def accept(viewer: User, requester: PeerProfile | None, now: datetime | None = None) -> PeerConnection:
    """Accept a request; needs a confirmed email address (EmailNotVerified otherwise)."""
    require_verified(viewer)
    now = now or utcnow()
    requester = _target(viewer, requester)
    row = connection_between(viewer.id, requester.user_id)
    if row is None or row.status != "pending" or row.requester_id != requester.user_id:
        raise NotFound("There is no request from that member.")
    row.status = "accepted"
    row.accepted_at = now
    notifications.create(requester.user_id, "connection_accepted", actor_id=viewer.id, now=now)
    return row


def decline(viewer: User, requester: PeerProfile | None, now: datetime | None = None) -> None:
    """Turn down a request quietly; they are not suggested to each other for 30 days."""
    now = now or utcnow()
    if requester is None:
        raise NotFound("There is no request from that member.")
    row = connection_between(viewer.id, requester.user_id)
    if row is None or row.status != "pending" or row.requester_id != requester.user_id:
        raise NotFound("There is no request from that member.")
    db.session.delete(row)
    _remove_notifications(viewer.id, requester.user_id, "connection_request")
    remembered = db.session.get(PeerDecline, (viewer.id, requester.user_id))
    if remembered is None:
        db.session.add(PeerDecline(decliner_id=viewer.id, requester_id=requester.user_id, declined_at=now))
    else:
        remembered.declined_at = now
    db.session.flush()


def disconnect(viewer: User, other: PeerProfile | None) -> None:
    """End a connection, or withdraw my request. The other member is not notified."""
    if other is None:
        raise NotFound(NOT_AVAILABLE)
    row = connection_between(viewer.id, other.user_id)
    if row is None or (row.status == "pending" and row.requester_id != viewer.id):
        raise NotFound("You are not connected with that member.")
    db.session.delete(row)
    _remove_notifications(other.user_id, viewer.id, "connection_request")
    db.session.flush()


@database.retrying_conflicts
def block(viewer: User, other: PeerProfile | None, now: datetime | None = None) -> None:
    """Block: the connection and any request end, and each becomes invisible to the other."""
    now = now or utcnow()
    if other is None or other.user_id == viewer.id:
        raise NotFound(NOT_AVAILABLE)
    low, high = pair(viewer.id, other.user_id)
    db.session.execute(delete(PeerConnection).where(PeerConnection.user_low == low,
                                                    PeerConnection.user_high == high))
    if db.session.get(PeerBlock, (viewer.id, other.user_id)) is None:
        db.session.add(PeerBlock(blocker_id=viewer.id, blocked_id=other.user_id, created_at=now))
    db.session.flush()


def unblock(viewer: User, other: PeerProfile | None) -> None:
    """Lift a block; it does not restore the connection."""
    row = db.session.get(PeerBlock, (viewer.id, other.user_id)) if other is not None else None
    if row is None:
        raise NotFound("You have not blocked that member.")
    db.session.delete(row)
    db.session.flush()


def blocked_by(viewer: User) -> list[tuple[User, PeerProfile]]:
    """The members this member has blocked (to unblock them)."""
    return list(db.session.execute(
        select(User, PeerProfile).join(PeerProfile, PeerProfile.user_id == User.id)
        .join(PeerBlock, PeerBlock.blocked_id == User.id).where(PeerBlock.blocker_id == viewer.id)
        .order_by(PeerBlock.created_at.desc())
    ))


def nudge(viewer: User, other: PeerProfile | None, now: datetime | None = None) -> None:
    """Send "thinking of you" to a connection, at most once in 20 hours; receivers can turn these off."""
    now = now or utcnow()
    if other is None or not are_connected(viewer.id, other.user_id) or not other.enabled:
        raise NotFound("You can send this to your connections.")
    if not other.nudges_enabled:
        raise Conflict("They have turned these off for now. A comment on a shared check-in still reaches them.")
    recent = db.session.scalar(select(exists().where(
        PeerNotification.user_id == other.user_id, PeerNotification.actor_id == viewer.id,
        PeerNotification.kind == "thinking_of_you", PeerNotification.created_at > now - NUDGE_GAP)))
    if recent:
        raise Conflict("You sent one recently. They will see it next time they look.")
    notifications.create(other.user_id, "thinking_of_you", actor_id=viewer.id, now=now)


def _remove_notifications(user_id: int, actor_id: int, kind: str) -> None:
    db.session.execute(delete(PeerNotification).where(
        PeerNotification.user_id == user_id, PeerNotification.actor_id == actor_id, PeerNotification.kind == kind))
    notifications.recount_unseen(user_id)


@dataclass
class ConnectionLists:
    connections: list[tuple[User, PeerProfile]]
    incoming: list[tuple[User, PeerProfile]]
    outgoing: list[tuple[User, PeerProfile]]


def lists_for(viewer: User) -> ConnectionLists:
    """My connections and the requests waiting either way (taking-part members only)."""
    rows = db.session.execute(
        select(PeerConnection, User, PeerProfile)
        .join(User, or_((PeerConnection.user_low == viewer.id) & (User.id == PeerConnection.user_high),
                        (PeerConnection.user_high == viewer.id) & (User.id == PeerConnection.user_low)))
        .join(PeerProfile, PeerProfile.user_id == User.id)
        .where(PeerProfile.enabled, User.role == "member")
        .order_by(PeerConnection.created_at.desc())
    )
    lists = ConnectionLists([], [], [])
    for row, user, profile in rows:
        if row.status == "accepted":
            lists.connections.append((user, profile))
        elif row.requester_id == viewer.id:
            lists.outgoing.append((user, profile))
        else:
            lists.incoming.append((user, profile))
    return lists


def profile_cards(rows) -> list[profiles.PeerCard]:
    return [profiles.card(user, profile) for user, profile in rows]


def on_programme_cohorts_requested(app, member_ids: frozenset[int]) -> frozenset[int]:
    """Receiver of journal.signals.programme_cohorts_requested: which of these (opted-in) members have at least
    one accepted peer connection now. Only ids leave, for the report's aggregates."""
    if not member_ids:
        return frozenset()
    ids = list(member_ids)
    rows = db.session.execute(
        select(PeerConnection.user_low, PeerConnection.user_high)
        .where(PeerConnection.status == "accepted",
               or_(PeerConnection.user_low.in_(ids), PeerConnection.user_high.in_(ids)))
    )
    return frozenset(i for row in rows for i in row if i in member_ids)
