"""Comments and one-tap reactions on check-ins shared with peers.

A comment is encrypted under the ENTRY OWNER's data key, with AAD bound to the comment's own row, so it
lives and dies with the journal it belongs to (deleting the account shreds the conversation too).
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from journal import crypto
from journal.accounts import User
from journal.auth import require_verified
from journal.entries import Checkin
from journal.extensions import db, utcnow
from journal.keys import key_for_owner
from journal.peers import connections, notifications, profiles, sharing
from journal.peers.conditions import REACTIONS
from journal.peers.errors import Conflict, Invalid, NotFound
from journal.peers.models import PeerComment, PeerProfile, PeerReaction
from journal.security import EntryAccess, entry_access

log = logging.getLogger(__name__)

COMMENT_MAX = 2000
UNREADABLE = "This comment could not be decrypted."
TABLE = f"{PeerComment.TABLE}.body_ct"


class GuidelinesNeeded(Conflict):
    """Before a first comment, the member reads how to respond well and accepts the guidelines."""

    code = "guidelines_required"


def _conversation_open(checkin: Checkin, access: EntryAccess | None) -> None:
    if access is None or access.relation not in ("owner", "peer"):
        raise NotFound("There is nothing here.")
    if not checkin.share_peers:
        raise Conflict("Share this check-in with your peers to start a conversation.")


def _clean(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise Invalid("Write something first.", {"body": "Write something first."})
    if len(body) > COMMENT_MAX:
        raise Invalid(f"Comments can be up to {COMMENT_MAX:,} characters.",
                      {"body": f"Up to {COMMENT_MAX:,} characters ({len(body):,} now)."})
    return body


def _require_guidelines(profile: PeerProfile | None) -> None:
    if profile is None or profile.guidelines_accepted_at is None:
        raise GuidelinesNeeded("Please read how to respond well and accept the community guidelines first.")


def _encrypt(comment: PeerComment, body: str) -> None:
    comment.body_ct = key_for_owner(comment.entry_owner_id).encrypt_text(body, table=TABLE, row_id=comment.id)


def add(viewer: User, checkin: Checkin, access: EntryAccess | None, body: str, *, accept_guidelines: bool = False,
        now: datetime | None = None) -> PeerComment:
    """Comment on a shared check-in (accepting the guidelines with it, if asked); its author is notified
    (in-app and by a generic push). Needs a confirmed email address (EmailNotVerified otherwise)."""
    now = now or utcnow()
    _conversation_open(checkin, access)
    require_verified(viewer)
    profile = profiles.profile_of(viewer.id)
    if accept_guidelines and profile is not None:
        profiles.accept_guidelines(profile, now)
    _require_guidelines(profile)
    comment = PeerComment(id=uuid.uuid4(), checkin_id=checkin.id, author_id=viewer.id,
                          entry_owner_id=checkin.owner_id, created_at=now)
    _encrypt(comment, _clean(body))
    db.session.add(comment)
    db.session.flush()
    if checkin.owner_id != viewer.id:
        notifications.create(checkin.owner_id, "comment", actor_id=viewer.id, checkin_id=checkin.id, now=now)
    return comment


def get(viewer: User, raw_id) -> tuple[PeerComment, Checkin]:
    """A comment the viewer wrote, or one on the viewer's own entry; otherwise NotFound."""
    try:
        comment = db.session.get(PeerComment, uuid.UUID(str(raw_id)))
    except ValueError:
        comment = None
    if comment is None or comment.hidden_at is not None or viewer.id not in (comment.author_id,
                                                                             comment.entry_owner_id):
        raise NotFound("There is nothing here.")
    return comment, db.session.get(Checkin, comment.checkin_id)


def edit(viewer: User, comment: PeerComment, checkin: Checkin, body: str, now: datetime | None = None) -> None:
    """Commenters edit their own words, while the entry is still shared with them."""
    if comment.author_id != viewer.id:
        raise NotFound("There is nothing here.")
    _conversation_open(checkin, entry_access(viewer, checkin))
    _encrypt(comment, _clean(body))
    comment.edited_at = now or utcnow()


def delete(viewer: User, comment: PeerComment) -> None:
    """The commenter, or the entry's author, deletes a comment."""
    if viewer.id not in (comment.author_id, comment.entry_owner_id):
        raise NotFound("There is nothing here.")
    db.session.delete(comment)
    db.session.flush()


def decrypt(comment: PeerComment, key: crypto.DataKey | None = None) -> str | None:
    """A comment's text (`key`: the entry owner's, when the caller has it already), or None if unreadable."""
    key = key or key_for_owner(comment.entry_owner_id)
    try:
        return key.decrypt_text(comment.body_ct, table=TABLE, row_id=comment.id)
    except crypto.DecryptionError:
        log.warning("could not decrypt peer comment %s", comment.id)
        return None


@dataclass
class CommentView:
    id: uuid.UUID
    author: profiles.PeerCard
    body: str | None  # None: could not be decrypted
    created_at: datetime
    edited: bool
    mine: bool
    may_delete: bool


def _comment_view(viewer: User, comment: PeerComment, author: User, profile: PeerProfile | None,
          key: crypto.DataKey) -> CommentView:
    author_card = profiles.card(author, profile) if profile else sharing.placeholder_card(author)
    return CommentView(comment.id, author_card, decrypt(comment, key), comment.created_at,
                       comment.edited_at is not None, comment.author_id == viewer.id,
                       viewer.id in (comment.author_id, comment.entry_owner_id))


def own_view(viewer: User, comment: PeerComment) -> CommentView:
    """The viewer's own comment, as the conversation shows it (after writing or editing it)."""
    return _comment_view(viewer, comment, viewer, profiles.profile_of(viewer.id), key_for_owner(comment.entry_owner_id))


def for_entry(viewer: User, checkin: Checkin) -> list[CommentView]:
    """The conversation on an entry, oldest first, without hidden comments or anyone blocked either way."""
    key = key_for_owner(checkin.owner_id)  # every comment here is under the entry owner's key: unwrap it once
    rows = db.session.execute(
        select(PeerComment, User, PeerProfile)
        .join(User, User.id == PeerComment.author_id)
        .outerjoin(PeerProfile, PeerProfile.user_id == User.id)
        .where(PeerComment.checkin_id == checkin.id, PeerComment.hidden_at.is_(None),
               PeerComment.author_id.not_in(connections.blocked_ids_query(viewer.id)))
        .order_by(PeerComment.created_at, PeerComment.id)
    )
    return [_comment_view(viewer, comment, author, profile, key) for comment, author, profile in rows]


# --- Reactions -------------------------------------------------------------------------------------


def react(viewer: User, checkin: Checkin, access: EntryAccess | None, kind: str,
          now: datetime | None = None) -> bool:
    """Add a one-tap reaction; False if the viewer had already sent that one."""
    now = now or utcnow()
    if access is not None and access.relation == "owner":
        raise Conflict("Reactions are for supporting others' check-ins.")
    _conversation_open(checkin, access)
    if kind not in REACTIONS:
        raise Invalid("Choose one of the reactions.", {"kind": "One of: " + ", ".join(REACTIONS)})
    if db.session.get(PeerReaction, (checkin.id, viewer.id, kind)) is not None:
        return False
    # Only someone's first reaction on an entry notifies: four taps are one "sent you support".
    first = db.session.scalar(select(PeerReaction.kind).where(
        PeerReaction.checkin_id == checkin.id, PeerReaction.user_id == viewer.id).limit(1)) is None
    try:
        with db.session.begin_nested():  # a double tap racing itself: the second insert is a no-op
            db.session.add(PeerReaction(checkin_id=checkin.id, user_id=viewer.id, kind=kind, created_at=now))
    except IntegrityError:
        return False
    if first:
        notifications.create(checkin.owner_id, "reaction", actor_id=viewer.id, checkin_id=checkin.id, now=now)
    return True


def unreact(viewer: User, checkin: Checkin, access: EntryAccess | None, kind: str) -> None:
    _conversation_open(checkin, access)
    row = db.session.get(PeerReaction, (checkin.id, viewer.id, kind))
    if row is None:
        raise NotFound("There is nothing here.")
    db.session.delete(row)
    db.session.flush()
