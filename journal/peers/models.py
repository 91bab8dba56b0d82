"""Peer support tables. Free text (bios, "other" conditions, comments, report details, moderators' notes)
is only ever stored encrypted; the codes, ids, flags and times that queries need stay plaintext.

Condition, topic and language choices are link rows with plaintext codes because matching queries them
in the database (see SECURITY.md, "Peers"). Pairs of members are stored once, lowest user id first.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String, UniqueConstraint, Uuid
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import UTCDateTime, db, utcnow

USERS_FK = "users.id"


class PeerProfile(db.Model):
    """A member's peer profile: absent or `enabled=False` means they are not taking part (the default)."""

    __tablename__ = "peer_profiles"
    TABLE = "peer_profiles"

    # The public handle in URLs and the API: user ids (sequential) are never shown to peers.
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    open_to_matches: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    support: Mapped[str] = mapped_column(String(8), default="both")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The zone's current offset, refreshed when the profile is saved: matching compares it in SQL.
    utc_offset_minutes: Mapped[int] = mapped_column(default=0)
    avatar_colour: Mapped[str] = mapped_column(String(16), default="teal")
    bio_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    other_condition_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    nudges_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    guidelines_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_peer_profiles_matchable", "enabled", "open_to_matches"),)


# Profile choices: (user, code) link rows. The primary key serves "this member's choices"; the code index
# serves matching ("who else chose lupus").


class PeerCondition(db.Model):
    __tablename__ = "peer_profile_conditions"
    user_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    __table_args__ = (Index("ix_peer_profile_conditions_code", "code", "user_id"),)


class PeerTopic(db.Model):
    __tablename__ = "peer_profile_topics"
    user_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    __table_args__ = (Index("ix_peer_profile_topics_code", "code", "user_id"),)


class PeerLanguage(db.Model):
    __tablename__ = "peer_profile_languages"
    user_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    __table_args__ = (Index("ix_peer_profile_languages_code", "code", "user_id"),)


class PeerConnection(db.Model):
    """A request (status 'pending') or a connection ('accepted') between two members, stored once per pair."""

    __tablename__ = "peer_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_low: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"))
    user_high: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("user_low", "user_high", name="uq_peer_connections_pair"),)


class PeerDecline(db.Model):
    """`decliner` turned down `requester`: they are not suggested to the requester for 30 days."""

    __tablename__ = "peer_declines"

    decliner_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), primary_key=True,
                                              index=True)
    declined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PeerBlock(db.Model):
    """`blocker` blocked `blocked`: mutual invisibility until the blocker lifts it."""

    __tablename__ = "peer_blocks"

    blocker_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), primary_key=True,
                                            index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PeerComment(db.Model):
    """A comment on a shared check-in, encrypted under the ENTRY OWNER's data key (AAD: this row)."""

    __tablename__ = "peer_comments"
    TABLE = "peer_comments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    checkin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), index=True)
    entry_owner_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), index=True)
    body_ct: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # hidden by a moderator

    __table_args__ = (Index("ix_peer_comments_checkin_created", "checkin_id", "created_at"),)


class PeerReaction(db.Model):
    """One tap of support: one per person, per kind, per check-in."""

    __tablename__ = "peer_reactions"

    checkin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), primary_key=True, index=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PeerNotification(db.Model):
    """An in-app notification. Holds who and what kind, never content (a warning's note stays encrypted
    on its moderation action)."""

    __tablename__ = "peer_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), index=True)
    checkin_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"),
                                                         index=True)
    action_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("peer_moderation_actions.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_peer_notifications_user_created", "user_id", "created_at"),
        Index("ix_peer_notifications_user_unread", "user_id", "read_at"),
    )


class PeerReport(db.Model):
    """A member's report of an entry, a comment or a member. Details are encrypted under the reporter's key."""

    __tablename__ = "peer_reports"
    TABLE = "peer_reports"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey(USERS_FK, ondelete="SET NULL"), index=True)
    subject_kind: Mapped[str] = mapped_column(String(8))  # entry | comment | member
    subject_user_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), index=True)
    # Kept as "content deleted" when the author deletes it, so deleting cannot dodge a report.
    checkin_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"),
                                                         index=True)
    comment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("peer_comments.id", ondelete="SET NULL"),
                                                         index=True)
    reason: Mapped[str] = mapped_column(String(24))
    details_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | dismissed | actioned
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_peer_reports_status_created", "status", "created_at"),)


class ModerationAction(db.Model):
    """Who did what, when and why. The why is encrypted under the key of the member it concerns."""

    __tablename__ = "peer_moderation_actions"
    TABLE = "peer_moderation_actions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    report_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("peer_reports.id", ondelete="SET NULL"),
                                                        index=True)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey(USERS_FK, ondelete="SET NULL"), index=True)
    moderator_name: Mapped[str] = mapped_column(String(40))
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey(USERS_FK, ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # dismiss | hide | warn | suspend | lift
    why_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Suspension(db.Model):
    """A suspended account cannot log in (checked when a session starts) until `until` (None: until lifted)."""

    __tablename__ = "peer_suspensions"

    user_id: Mapped[int] = mapped_column(ForeignKey(USERS_FK, ondelete="CASCADE"), primary_key=True)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    action_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("peer_moderation_actions.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HiddenEntry(db.Model):
    """A check-in a moderator hid from peers (its author still sees it in their journal)."""

    __tablename__ = "peer_hidden_entries"

    checkin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), primary_key=True)
    action_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("peer_moderation_actions.id", ondelete="SET NULL"), index=True)
    hidden_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
