"""Entry-by-entry sharing with peers: the peer access rule, the Peers feed and what a peer sees of an entry.

A connected, non-blocked peer sees a check-in its author shared with peers. With "keep my note private"
they see the scores and symptoms only: no note, no tags, no medications. Everything is decided on each
request from the rows as they are, so unsharing, disconnecting or blocking takes effect at once.
"""
from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased

from journal import crypto, entries
from journal.accounts import User
from journal.checkins import CheckinView
from journal.entries import Checkin, Medication, Symptom, Tag
from journal.extensions import db, utcnow
from journal.keys import decrypt_or_placeholder, key_for
from journal.peers import connections, profiles
from journal.peers.conditions import REACTIONS
from journal.peers.models import (
    HiddenEntry,
    PeerBlock,
    PeerComment,
    PeerConnection,
    PeerProfile,
    PeerReaction,
    Suspension,
)
from journal.security import EntryAccess

log = logging.getLogger(__name__)
PAGE_SIZE = 20


def _peer_may_see_statement():
    owner_profile, viewer_profile, owner = aliased(PeerProfile), aliased(PeerProfile), aliased(User)
    low, high, owner_id = bindparam("low"), bindparam("high"), bindparam("owner_id")
    return select(exists().where(
        PeerConnection.user_low == low, PeerConnection.user_high == high, PeerConnection.status == "accepted",
        exists().where(owner_profile.user_id == owner_id, owner_profile.enabled),
        exists().where(viewer_profile.user_id == bindparam("viewer_id"), viewer_profile.enabled),
        exists().where(owner.id == owner_id, owner.role == "member"),
        ~exists().where(or_((PeerBlock.blocker_id == low) & (PeerBlock.blocked_id == high),
                            (PeerBlock.blocker_id == high) & (PeerBlock.blocked_id == low))),
        ~exists().where(HiddenEntry.checkin_id == bindparam("checkin_id")),
        ~exists().where(Suspension.user_id == owner_id,
                        or_(Suspension.until.is_(None), Suspension.until > bindparam("now"))),
    ))


# Built once: every peer entry page, reply and reaction asks, and building it (three aliased tables) cost
# two hundred times more than running it (bench/mixed.py).
_PEER_MAY_SEE = _peer_may_see_statement()


def peer_may_see(viewer_id: int, checkin: Checkin) -> bool:
    """One query: connected, both taking part, no block either way, not hidden by a moderator, author
    not suspended. (The caller has checked that the entry is shared with peers.)"""
    low, high = connections.pair(viewer_id, checkin.owner_id)
    return bool(db.session.connection().execute(_PEER_MAY_SEE, {
        "low": low, "high": high, "owner_id": checkin.owner_id, "viewer_id": viewer_id, "checkin_id": checkin.id,
        "now": utcnow()}).scalar())


def peer_rule(viewer, checkin) -> EntryAccess | None:
    """Peers: a connected member sees an entry shared with peers (without the note when it is hidden)."""
    if not checkin.share_peers or getattr(viewer, "role", None) != "member":
        return None
    if not peer_may_see(viewer.id, checkin):
        return None
    return EntryAccess("peer", see_note=not checkin.hide_note_from_peers, may_comment=True)


# --- What a peer sees -------------------------------------------------------------------------------


@dataclass
class PeerEntry:
    """A check-in as its viewer may see it, with its author's card and the support it received."""

    entry: CheckinView
    author: profiles.PeerCard
    relation: str  # owner | peer
    note_hidden: bool
    reactions: dict[str, int] = field(default_factory=dict)
    mine: set[str] = field(default_factory=set)
    comment_count: int = 0

    @property
    def reaction_list(self) -> list[tuple[str, str, int, bool]]:
        return [(kind, label, self.reactions.get(kind, 0), kind in self.mine) for kind, label in REACTIONS.items()]


@dataclass
class _Author:
    card: profiles.PeerCard
    key: crypto.DataKey


def _authors(owner_ids: set[int]) -> dict[int, _Author]:
    """The authors of a page's entries: their cards and unwrapped data keys, from one query (not one per
    entry: the session holds loaded rows only weakly, so a lookup by id later may query again)."""
    rows = db.session.execute(select(User, PeerProfile).outerjoin(PeerProfile, PeerProfile.user_id == User.id)
                              .where(User.id.in_(owner_ids)))
    return {user.id: _Author(profiles.card(user, profile) if profile else placeholder_card(user), key_for(user))
            for user, profile in rows}


def _peer_view(checkin, key: crypto.DataKey, relation: str, hide_note: bool) -> CheckinView:
    """Decrypt a check-in (a Checkin or a row of VIEW_COLUMNS) once, leaving out what a peer may not see:
    with the note kept private, no note, tags or medications. The names it shows are put in by _name_items."""
    view = entries.view_of(checkin, key, entries.EMPTY_CATALOG)
    if relation == "peer" and hide_note:
        view.note, view.tags, view.medications = "", [], []
    return view


def _names_statement(model):
    return select(model.id, model.owner_id, model.name_ct, model.archived).where(
        model.id.in_(bindparam("ids", expanding=True)), model.owner_id.in_(bindparam("owners", expanding=True)))


_NAMES = tuple((model.TABLE, group, _names_statement(model))
               for model, group in ((Symptom, "symptoms"), (Tag, "tags"), (Medication, "medications")))


def _name_items(views: list[CheckinView], keys: dict[int, crypto.DataKey]) -> None:
    """Put in the names of the symptoms, tags and medications these views show, decrypting only those
    names, each with its owner's key (one query per kind, however many entries and owners)."""
    wanted = {uuid.UUID(item_id) for view in views for item_id in (
        *(s.id for s in view.symptoms), *(t for t, _ in view.tags), *(m for m, _, _ in view.medications))}
    if not wanted:
        return
    groups: dict[int, dict[str, list]] = defaultdict(lambda: {"symptoms": [], "tags": [], "medications": []})
    connection, params = db.session.connection(), {"ids": list(wanted), "owners": list(keys)}
    for table, group, statement in _NAMES:
        for row_id, owner_id, name_ct, archived in connection.execute(statement, params):
            name = decrypt_or_placeholder(keys.get(owner_id), name_ct, table=table, column="name_ct", row_id=row_id)
            groups[owner_id][group].append(entries.CatalogItem(row_id, name, archived))
    catalogs = {owner: entries.Catalog(**g) for owner, g in groups.items()}
    for view in views:
        name = catalogs.get(view.owner_id, entries.EMPTY_CATALOG).name
        for symptom in view.symptoms:
            symptom.name = name(symptom.id)
        view.tags = [(t, name(t)) for t, _ in view.tags]
        view.medications = [(m, name(m), dose) for m, _, dose in view.medications]


def _support_statements():
    ids, blocked = bindparam("ids", expanding=True), connections.blocked_ids_query(bindparam("viewer_id"))
    return (
        select(PeerReaction.checkin_id, PeerReaction.kind, func.count())
        .where(PeerReaction.checkin_id.in_(ids), PeerReaction.user_id.not_in(blocked))
        .group_by(PeerReaction.checkin_id, PeerReaction.kind),
        select(PeerReaction.checkin_id, PeerReaction.kind).where(
            PeerReaction.checkin_id.in_(ids), PeerReaction.user_id == bindparam("viewer_id")),
        select(PeerComment.checkin_id, func.count()).where(
            PeerComment.checkin_id.in_(ids), PeerComment.hidden_at.is_(None), PeerComment.author_id.not_in(blocked))
        .group_by(PeerComment.checkin_id),
    )


_REACTION_COUNTS, _MY_REACTIONS, _COMMENT_COUNTS = _support_statements()


def _support(viewer_id: int, items: list[PeerEntry]) -> None:
    """Fill reaction counts, my reactions and comment counts for a page of entries (3 queries)."""
    ids = [item.entry.id for item in items]
    if not ids:
        return
    by_id = {item.entry.id: item for item in items}
    connection, params = db.session.connection(), {"ids": ids, "viewer_id": viewer_id}
    for checkin_id, kind, count in connection.execute(_REACTION_COUNTS, params):
        by_id[checkin_id].reactions[kind] = count
    for checkin_id, kind in connection.execute(_MY_REACTIONS, params):
        by_id[checkin_id].mine.add(kind)
    for checkin_id, count in connection.execute(_COMMENT_COUNTS, params):
        by_id[checkin_id].comment_count = count


def entry_for(viewer: User, checkin: Checkin, access: EntryAccess) -> PeerEntry:
    """One check-in for the peer entry page, shaped by the viewer's access."""
    author = _authors({checkin.owner_id})[checkin.owner_id]
    hide = not access.see_note
    item = PeerEntry(_peer_view(checkin, author.key, access.relation, hide), author.card, access.relation,
                     hide and access.relation == "peer")
    _name_items([item.entry], {checkin.owner_id: author.key})
    _support(viewer.id, [item])
    return item


def placeholder_card(user: User) -> profiles.PeerCard:
    """The card of a member without a peer profile: their name, and no link (its id is all zeros)."""
    name = user.display_name
    return profiles.PeerCard(uuid.UUID(int=0), name, profiles.initials(name), profiles.default_colour(user.id))


@dataclass
class FeedPage:
    items: list[PeerEntry]
    next_cursor: str | None


def _feed_statement():
    viewer_id = bindparam("viewer_id")
    return (
        select(*entries.VIEW_COLUMNS)
        .join(PeerProfile, PeerProfile.user_id == Checkin.owner_id)
        .join(User, User.id == Checkin.owner_id)
        .where(Checkin.owner_id.in_(connections.connected_ids_query(viewer_id)), Checkin.share_peers,
               PeerProfile.enabled, User.role == "member",
               Checkin.owner_id.not_in(connections.blocked_ids_query(viewer_id)),
               Checkin.owner_id.not_in(connections.suspended_ids_query(bindparam("now"))),
               ~exists().where(HiddenEntry.checkin_id == Checkin.id))
    )


# Built once, with the first page (the one opened most) complete: building the statement cost more than
# running it (bench/mixed.py).
_FEED = _feed_statement()
_FEED_FIRST_PAGE = _FEED.order_by(*entries.NEWEST_FIRST).limit(bindparam("limit"))


def feed(viewer: User, cursor: str | None = None, limit: int = PAGE_SIZE) -> FeedPage:
    """Entries my connections shared with peers, newest first, keyset-paginated (ValueError: bad cursor)."""
    statement = _FEED_FIRST_PAGE if not cursor else entries.older_than(_FEED, cursor).order_by(
        *entries.NEWEST_FIRST).limit(bindparam("limit"))
    rows, next_cursor = entries.split_page(db.session.connection().execute(
        statement, {"viewer_id": viewer.id, "now": utcnow(), "limit": limit + 1}).all(), limit)
    authors = _authors({row.owner_id for row in rows})
    items = [PeerEntry(_peer_view(row, authors[row.owner_id].key, "peer", row.hide_note_from_peers),
                       authors[row.owner_id].card, "peer", row.hide_note_from_peers) for row in rows]
    _name_items([item.entry for item in items], {owner: author.key for owner, author in authors.items()})
    _support(viewer.id, items)
    return FeedPage(items, next_cursor)


def set_shared(checkin: Checkin, share: bool, hide_note: bool | None = None) -> None:
    """The author shares an entry with peers or stops sharing (effective on the next request)."""
    checkin.share_peers = share
    if hide_note is not None:
        checkin.hide_note_from_peers = hide_note
    checkin.updated_at = utcnow()


def on_entry_access_requested(app, viewer, checkin) -> EntryAccess | None:
    """Receiver of journal.signals.entry_access_requested."""
    return peer_rule(viewer, checkin)
