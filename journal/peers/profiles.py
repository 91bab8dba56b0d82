"""Peer profiles: opting in and out, what a profile holds, and how a member appears to peers."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, insert, select

from journal import crypto, timekeeping
from journal.accounts import User
from journal.extensions import db, utcnow
from journal.keys import decrypt_or_placeholder, key_for
from journal.peers import matching
from journal.peers.conditions import (
    AVATAR_COLOURS,
    CONDITION_BY_KEY,
    CONDITIONS,
    LANGUAGES,
    SUPPORT_MODES,
    TOPIC_BY_KEY,
    TOPICS,
)
from journal.peers.errors import Invalid
from journal.peers.models import PeerCondition, PeerLanguage, PeerProfile, PeerTopic

log = logging.getLogger(__name__)

BIO_MAX = 500
OTHER_MAX = 120
CONDITIONS_MAX = 8
TOPICS_MAX = 8


@dataclass(frozen=True)
class PeerCard:
    """How a member appears to peers: a display name and an initials avatar. Never an email."""

    id: uuid.UUID
    display_name: str
    initials: str
    colour: str

    @property
    def colour_hex(self) -> str:
        return AVATAR_COLOURS.get(self.colour, AVATAR_COLOURS["teal"])


def initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def card(user: User, profile: PeerProfile) -> PeerCard:
    return PeerCard(profile.id, user.display_name, initials(user.display_name), profile.avatar_colour)


def default_colour(user_id: int) -> str:
    colours = list(AVATAR_COLOURS)
    return colours[user_id % len(colours)]


def profile_of(user_id: int) -> PeerProfile | None:
    return db.session.scalar(select(PeerProfile).where(PeerProfile.user_id == user_id))


def active_profile(user) -> PeerProfile | None:
    """The member's profile if they take part in peer support now, else None."""
    if not getattr(user, "is_authenticated", False) or user.role != "member":
        return None
    profile = profile_of(user.id)
    return profile if profile is not None and profile.enabled else None


def by_public_id(raw) -> PeerProfile | None:
    try:
        return db.session.get(PeerProfile, uuid.UUID(str(raw)))
    except ValueError:
        return None


def offset_minutes(tz_name: str, now: datetime | None = None) -> int:
    offset = (now or utcnow()).astimezone(timekeeping.zone(tz_name)).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


# --- Reading ---------------------------------------------------------------------------------------


@dataclass
class ProfileView:
    """A profile decrypted for display (to its owner, or to a peer who may see it)."""

    card: PeerCard
    enabled: bool
    open_to_matches: bool
    support: str
    timezone: str
    conditions: list[str]
    topics: list[str]
    languages: list[str]
    other_condition: str = ""
    bio: str = ""
    nudges_enabled: bool = True
    guidelines_accepted: bool = False
    avatar_colour: str = "teal"

    @property
    def condition_labels(self) -> list[str]:
        return [CONDITION_BY_KEY[k].label for k in self.conditions if k in CONDITION_BY_KEY]

    @property
    def topic_labels(self) -> list[str]:
        return [TOPIC_BY_KEY[k].label for k in self.topics if k in TOPIC_BY_KEY]

    @property
    def language_labels(self) -> list[str]:
        return [LANGUAGES.get(k, k) for k in self.languages]

    @property
    def support_label(self) -> str:
        return SUPPORT_MODES.get(self.support, "")


def _codes(model, user_id: int) -> list[str]:
    return list(db.session.scalars(select(model.code).where(model.user_id == user_id)))


def _ordered(codes, catalogue) -> list[str]:
    wanted = set(codes)
    return [item.key for item in catalogue if item.key in wanted]


def _decrypt(key: crypto.DataKey, profile: PeerProfile, column: str) -> str:
    return decrypt_or_placeholder(key, getattr(profile, column), table=PeerProfile.TABLE, column=column,
                                  row_id=profile.id) or ""


def view_of(user: User, profile: PeerProfile) -> ProfileView:
    """Decrypt a profile (`user`'s) with its owner's key (the caller has checked the viewer may see it)."""
    key = key_for(user)
    return ProfileView(
        card=card(user, profile), enabled=profile.enabled, open_to_matches=profile.open_to_matches,
        support=profile.support, timezone=profile.timezone,
        conditions=_ordered(_codes(PeerCondition, user.id), CONDITIONS),
        topics=_ordered(_codes(PeerTopic, user.id), TOPICS),
        languages=sorted(_codes(PeerLanguage, user.id), key=list(LANGUAGES).index),
        other_condition=_decrypt(key, profile, "other_condition_ct"), bio=_decrypt(key, profile, "bio_ct"),
        nudges_enabled=profile.nudges_enabled, guidelines_accepted=profile.guidelines_accepted_at is not None,
        avatar_colour=profile.avatar_colour,
    )


def blank_view(user: User) -> ProfileView:
    """What the profile form starts from before a member has ever opted in."""
    return ProfileView(card=PeerCard(uuid.uuid4(), user.display_name, initials(user.display_name),
                                     default_colour(user.id)),
                       enabled=False, open_to_matches=True, support="both", timezone=user.timezone,
                       conditions=[], topics=[], languages=["en"], avatar_colour=default_colour(user.id))


def own_view(user: User) -> ProfileView:
    """The member's own profile, decrypted, or the blank one before they first opt in."""
    profile = profile_of(user.id)
    return view_of(user, profile) if profile is not None else blank_view(user)


def facts_for(user_ids: list[int]) -> dict[int, matching.PeerFacts]:
    """Matching facts for a few members (the suggestions page's top rows), three queries in all."""
    if not user_ids:
        return {}
    found: dict[int, dict[str, set]] = {uid: {"conditions": set(), "topics": set(), "languages": set()}
                                        for uid in user_ids}
    for model, name in ((PeerCondition, "conditions"), (PeerTopic, "topics"), (PeerLanguage, "languages")):
        for uid, code in db.session.execute(select(model.user_id, model.code).where(model.user_id.in_(user_ids))):
            found[uid][name].add(code)
    profiles = db.session.execute(select(PeerProfile.user_id, PeerProfile.support, PeerProfile.utc_offset_minutes)
                                  .where(PeerProfile.user_id.in_(user_ids)))
    return {uid: matching.PeerFacts(frozenset(found[uid]["conditions"]), frozenset(found[uid]["topics"]),
                                    frozenset(found[uid]["languages"]), support, offset)
            for uid, support, offset in profiles}


# --- Writing ---------------------------------------------------------------------------------------


@dataclass
class ProfileInput:
    enabled: bool
    open_to_matches: bool = True
    support: str = "both"
    timezone: str = "UTC"
    avatar_colour: str = "teal"
    conditions: list[str] = field(default_factory=list)
    other_condition: str = ""
    topics: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    bio: str = ""
    nudges_enabled: bool = True


def _validate(data: ProfileInput) -> ProfileInput:
    errors = {}
    conditions = list(dict.fromkeys(data.conditions))
    topics = list(dict.fromkeys(data.topics))
    languages = list(dict.fromkeys(data.languages))
    if any(c not in CONDITION_BY_KEY for c in conditions):
        errors["conditions"] = "Choose conditions from the list (anything else goes under “other”)."
    elif len(conditions) > CONDITIONS_MAX:
        errors["conditions"] = f"Choose up to {CONDITIONS_MAX} conditions."
    if any(t not in TOPIC_BY_KEY for t in topics):
        errors["topics"] = "Choose topics from the list."
    elif len(topics) > TOPICS_MAX:
        errors["topics"] = f"Choose up to {TOPICS_MAX} topics."
    if any(code not in LANGUAGES for code in languages):
        errors["languages"] = "Choose languages from the list."
    elif data.enabled and not languages:
        errors["languages"] = "Choose at least one language you can chat in."
    if data.support not in SUPPORT_MODES:
        errors["support"] = "Choose what you are here for."
    if not timekeeping.is_zone(data.timezone):
        errors["timezone"] = "Choose a time zone from the list."
    if data.avatar_colour not in AVATAR_COLOURS:
        errors["avatar_colour"] = "Choose one of the colours."
    bio = (data.bio or "").strip()
    other = " ".join((data.other_condition or "").split())
    if len(bio) > BIO_MAX:
        errors["bio"] = f"Keep your bio to {BIO_MAX} characters."
    if len(other) > OTHER_MAX:
        errors["other_condition"] = f"Up to {OTHER_MAX} characters."
    if errors:
        raise Invalid("Some answers need another look.", errors)
    return ProfileInput(data.enabled, data.open_to_matches, data.support, data.timezone, data.avatar_colour,
                        conditions, other, topics, languages, bio, data.nudges_enabled)


def save_profile(user: User, data: ProfileInput, now: datetime | None = None) -> PeerProfile:
    """Create or update the member's profile; free text is encrypted under their own data key."""
    data = _validate(data)
    now = now or utcnow()
    profile = profile_of(user.id)
    if profile is None:
        profile = PeerProfile(id=uuid.uuid4(), user_id=user.id, created_at=now)
        db.session.add(profile)
    key = key_for(user)
    profile.enabled = data.enabled
    profile.open_to_matches = data.open_to_matches
    profile.support = data.support
    profile.timezone = data.timezone
    profile.utc_offset_minutes = offset_minutes(data.timezone, now)
    profile.avatar_colour = data.avatar_colour
    profile.nudges_enabled = data.nudges_enabled
    table = PeerProfile.TABLE
    profile.bio_ct = key.encrypt_text(data.bio, table=f"{table}.bio_ct", row_id=profile.id) if data.bio else None
    profile.other_condition_ct = (key.encrypt_text(data.other_condition, table=f"{table}.other_condition_ct",
                                                   row_id=profile.id) if data.other_condition else None)
    profile.updated_at = now
    for model, codes in ((PeerCondition, data.conditions), (PeerTopic, data.topics),
                         (PeerLanguage, data.languages)):
        db.session.execute(delete(model).where(model.user_id == user.id))
        if codes:
            db.session.execute(insert(model), [{"user_id": user.id, "code": code} for code in codes])
    db.session.flush()
    return profile


def opt_out(user: User, now: datetime | None = None) -> None:
    """Stop taking part: everything peer-facing disappears at once; connections wait. (Opting back in
    saves the profile again.)"""
    profile = profile_of(user.id)
    if profile is not None:
        profile.enabled = False
        profile.updated_at = now or utcnow()


def accept_guidelines(profile: PeerProfile, now: datetime | None = None) -> None:
    if profile.guidelines_accepted_at is None:
        profile.guidelines_accepted_at = now or utcnow()
