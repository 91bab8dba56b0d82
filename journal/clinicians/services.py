"""Clinician sharing domain: profiles, invitations and grants, who may see what, clinicians' notes.

A member's invitation is a row holding only the hash of a random code; redeeming it binds a clinician
and starts access. Every request re-reads the grant, so a change of scope or a revocation applies to the
clinician's very next request. What a clinician reads under a grant is in patients.py. Services add and
flush; the caller commits.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from journal import crypto, timekeeping
from journal.accounts import User
from journal.auth import require_verified
from journal.clinicians.models import SCOPE_RANGE, SCOPE_SHARED, ClinicianGrant, ClinicianNote, ClinicianProfile
from journal.clinicians.trends import fmt_day
from journal.domain import DomainError, ValidationError
from journal.entries import Checkin
from journal.extensions import db, utcnow
from journal.keys import key_for, key_for_owner
from journal.security import EntryAccess

log = logging.getLogger(__name__)

CODE_BYTES = 20  # 160 bits of randomness
CODE_LIFETIME = timedelta(days=7)
DEFAULT_ACCESS_DAYS = 90
NAME_MAX = 80
LABEL_MAX = 80
NOTE_MAX = 4000
PROFESSION_MAX = 80
ORGANISATION_MAX = 120


class GrantError(DomainError):
    """A redemption that cannot happen; the message is safe to show."""


# --- Profiles ---------------------------------------------------------------------------------------


def profile_of(user_id: int) -> ClinicianProfile | None:
    return db.session.get(ClinicianProfile, user_id)


def profiles_of(user_ids: Iterable[int]) -> dict[int, ClinicianProfile]:
    """Several clinicians' profiles in one query, by user id."""
    ids = set(user_ids)
    if not ids:
        return {}
    return {p.user_id: p for p in db.session.scalars(select(ClinicianProfile).where(ClinicianProfile.user_id.in_(ids)))}


def save_profile(user: User, profession: str, organisation: str) -> ClinicianProfile:
    """Create or update a clinician's profession and organisation."""
    profile = profile_of(user.id) or ClinicianProfile(user_id=user.id)
    profile.profession = " ".join(profession.split())[:PROFESSION_MAX]
    profile.organisation = " ".join(organisation.split())[:ORGANISATION_MAX]
    db.session.add(profile)
    db.session.flush()
    return profile


# --- Terms of a grant --------------------------------------------------------------------------------


@dataclass
class GrantTerms:
    """What a member chose: scope, how long, and the name this clinician sees."""

    scope: str = SCOPE_SHARED
    range_start: date | None = None
    range_end: date | None = None
    ends_on: date | None = None  # last local day of access; None: until the member revokes
    real_name: str | None = None  # None: the member's pseudonym
    label: str | None = None


def parse_day(raw: Any, key: str, errors: dict) -> date | None:
    """A day in ISO form, or None if absent; a malformed one adds a message to `errors` under `key`."""
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        errors[key] = "Use a date like 2026-03-12."
        return None


def _text(raw: Any, key: str, limit: int, errors: dict) -> str | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        errors[key] = "Text, please."
        return None
    text = " ".join(raw.split())
    if len(text) > limit:
        errors[key] = f"Up to {limit} characters."
    return text or None


def parse_terms(raw: Mapping[str, Any], *, today: date, require_future_end: bool = True) -> GrantTerms:
    """Validate terms from a form or JSON: `scope`, `range_start`, `range_end`, `access` ("date" or
    "until_revoked"), `ends_on`, `name` ("pseudonym" or "real"), `real_name`, `label`."""
    errors: dict[str, str] = {}
    scope = raw.get("scope") or SCOPE_SHARED
    if scope not in (SCOPE_SHARED, SCOPE_RANGE):
        errors["scope"] = "Choose entries marked for clinicians, or a date range."
    terms = GrantTerms(scope=scope)
    if scope == SCOPE_RANGE:
        terms.range_start = parse_day(raw.get("range_start"), "range_start", errors)
        terms.range_end = parse_day(raw.get("range_end"), "range_end", errors)
        if terms.range_start is None and "range_start" not in errors:
            errors["range_start"] = "Choose the first day to share."
        if terms.range_start and terms.range_end and terms.range_end < terms.range_start:
            errors["range_end"] = "The last day comes after the first."
    access = raw.get("access") or "date"
    if access == "until_revoked":
        terms.ends_on = None
    elif access == "date":
        terms.ends_on = parse_day(raw.get("ends_on"), "ends_on", errors) or (
            None if "ends_on" in errors else today + timedelta(days=DEFAULT_ACCESS_DAYS))
        if terms.ends_on and require_future_end and terms.ends_on < today:
            errors["ends_on"] = "Choose today or a later day (or revoke access instead)."
        elif terms.ends_on == date.max:  # access ends at the start of the next day, which has no date
            errors["ends_on"] = "Choose an earlier day, or “until I revoke”."
    else:
        errors["access"] = "Choose an end date or “until I revoke”."
    name_choice = raw.get("name") or "pseudonym"
    if name_choice == "real":
        terms.real_name = _text(raw.get("real_name"), "real_name", NAME_MAX, errors)
        if terms.real_name is None and "real_name" not in errors:
            errors["real_name"] = "Type the name this clinician should see."
    elif name_choice != "pseudonym":
        errors["name"] = "Choose your pseudonym or a name for this clinician."
    terms.label = _text(raw.get("label"), "label", LABEL_MAX, errors)
    if errors:
        raise ValidationError(errors)
    return terms


def _end_instant(day: date | None, tz_name: str) -> datetime | None:
    """Access lasts through the whole of the member's chosen local day."""
    return None if day is None else timekeeping.local_to_utc(day + timedelta(days=1), time(0, 0), tz_name)


def _apply_terms(owner: User, grant: ClinicianGrant, terms: GrantTerms) -> None:
    key = key_for(owner)
    grant.scope = terms.scope
    grant.range_start = terms.range_start if terms.scope == SCOPE_RANGE else None
    grant.range_end = terms.range_end if terms.scope == SCOPE_RANGE else None
    grant.ends_at = _end_instant(terms.ends_on, owner.timezone)
    grant.name_ct = None if terms.real_name is None else key.encrypt_text(
        terms.real_name, table=f"{ClinicianGrant.TABLE}.name_ct", row_id=grant.id)
    grant.label_ct = None if terms.label is None else key.encrypt_text(
        terms.label, table=f"{ClinicianGrant.TABLE}.label_ct", row_id=grant.id)


def terms_of(grant: ClinicianGrant, owner: User) -> GrantTerms:
    """A grant's current terms (decrypted), e.g. to pre-fill the edit form."""
    return GrantTerms(scope=grant.scope, range_start=grant.range_start, range_end=grant.range_end,
                      ends_on=last_access_day(grant, owner.timezone),
                      real_name=_decrypt(grant, "name_ct"), label=_decrypt(grant, "label_ct"))


def last_access_day(grant: ClinicianGrant, tz_name: str) -> date | None:
    if grant.ends_at is None:
        return None
    return timekeeping.local_day(grant.ends_at - timedelta(microseconds=1), tz_name)


def _decrypt(grant: ClinicianGrant, column: str) -> str | None:
    token = getattr(grant, column)
    if token is None:
        return None
    try:
        return key_for(grant.owner).decrypt_text(token, table=f"{ClinicianGrant.TABLE}.{column}",
                                                      row_id=grant.id)
    except crypto.DecryptionError:
        log.warning("could not decrypt %s of grant %s", column, grant.id)
        return "(could not be decrypted)"


def shown_name(grant: ClinicianGrant) -> str:
    """The name this clinician was given: a real name for them only, or the member's pseudonym."""
    return _decrypt(grant, "name_ct") or grant.owner.display_name


# --- Invitations and grants (the member's side) ---------------------------------------------------


def create_invitation(owner: User, terms: GrantTerms, now: datetime | None = None) -> tuple[ClinicianGrant, str]:
    """A new invitation and its code. The code is returned once and stored only as a hash."""
    now = now or utcnow()
    code = crypto.random_token(CODE_BYTES)
    grant = ClinicianGrant(id=uuid.uuid4(), owner_id=owner.id, code_hash=crypto.hash_token(code),
                           code_expires_at=now + CODE_LIFETIME, created_at=now)
    _apply_terms(owner, grant, terms)
    db.session.add(grant)
    db.session.flush()
    return grant, code


def update_terms(owner: User, grant: ClinicianGrant, terms: GrantTerms) -> None:
    """Change scope, end or name; the clinician's next request sees the new terms."""
    _apply_terms(owner, grant, terms)
    db.session.flush()


def revoke(grant: ClinicianGrant, now: datetime | None = None) -> None:
    """End access (or cancel an unused invitation) now. Revocation is final: invite again to restart."""
    if grant.revoked_at is None:
        grant.revoked_at = now or utcnow()
    db.session.flush()


def grants_of_owner(owner: User) -> list[ClinicianGrant]:
    """Every invitation and grant the member made, newest first."""
    return list(db.session.scalars(
        select(ClinicianGrant).where(ClinicianGrant.owner_id == owner.id)
        .options(selectinload(ClinicianGrant.clinician))
        .order_by(ClinicianGrant.created_at.desc(), ClinicianGrant.id)
    ))


def status_of(grant: ClinicianGrant, now: datetime) -> str:
    """active, pending, revoked (by the member), ended (end date passed) or expired (code unused)."""
    if grant.revoked_at is not None:
        return "revoked"
    if grant.redeemed_at is None:
        return "pending" if now < grant.code_expires_at else "expired"
    return "active" if grant.is_active(now) else "ended"


# --- Redemption (the clinician's side) ------------------------------------------------------------


def redeem(clinician: User, code: str, now: datetime | None = None) -> ClinicianGrant:
    """Bind an invitation to this clinician. Unknown, used, cancelled and expired codes all fail alike. The
    clinician needs a confirmed email address (EmailNotVerified otherwise), checked before the code is."""
    require_verified(clinician)
    now = now or utcnow()
    code = "".join((code or "").split())
    grant = None
    if 16 <= len(code) <= 100:
        grant = db.session.scalar(select(ClinicianGrant).where(
            ClinicianGrant.code_hash == crypto.hash_token(code)).with_for_update())
    if grant is None or not grant.is_pending(now):
        raise GrantError("That code is not valid. It may have been used already, cancelled, or have expired "
                         "(codes last 7 days). Ask your patient for a new one.")
    if grant.owner_id == clinician.id:
        raise GrantError("That invitation is your own.")
    # A new invitation from the same member replaces the clinician's earlier access: its terms win.
    for earlier in db.session.scalars(select(ClinicianGrant).where(
            ClinicianGrant.owner_id == grant.owner_id, ClinicianGrant.clinician_id == clinician.id,
            ClinicianGrant.revoked_at.is_(None))):
        earlier.revoked_at = now
    grant.clinician_id = clinician.id
    grant.redeemed_at = now
    db.session.flush()
    return grant


def patients_of(clinician: User, now: datetime | None = None) -> list[ClinicianGrant]:
    """The clinician's live grants, one per member (with the members loaded in the same round trip)."""
    now = now or utcnow()
    grants = db.session.scalars(select(ClinicianGrant).where(
        ClinicianGrant.clinician_id == clinician.id, ClinicianGrant.redeemed_at.is_not(None),
        ClinicianGrant.revoked_at.is_(None),
        or_(ClinicianGrant.ends_at.is_(None), ClinicianGrant.ends_at > now),
    ).options(selectinload(ClinicianGrant.owner)).order_by(ClinicianGrant.redeemed_at.desc()))
    return list(grants)


def active_grant(clinician_id: int, grant_id: uuid.UUID, now: datetime | None = None) -> ClinicianGrant | None:
    """This clinician's live grant by id, or None (unknown, someone else's, revoked or ended)."""
    grant = db.session.get(ClinicianGrant, grant_id)
    if grant is None or grant.clinician_id != clinician_id or not grant.is_active(now or utcnow()):
        return None
    return grant


def clinician_entry_access(viewer, checkin) -> EntryAccess | None:
    """A clinician with a live grant from the entry's owner sees entries in that grant's scope, note
    included; they never comment (their private note is a separate thing)."""
    if getattr(viewer, "role", None) != "clinician":
        return None
    now = utcnow()
    grants = db.session.scalars(select(ClinicianGrant).where(
        ClinicianGrant.clinician_id == viewer.id, ClinicianGrant.owner_id == checkin.owner_id))
    if any(grant.is_active(now) and grant.covers(checkin) for grant in grants):
        return EntryAccess("clinician", see_note=True, may_comment=False)
    return None


# --- Clinicians' private notes -----------------------------------------------------------------------


def note_for(clinician_id: int, checkin: Checkin) -> ClinicianNote | None:
    return db.session.scalar(select(ClinicianNote).where(
        ClinicianNote.checkin_id == checkin.id, ClinicianNote.clinician_id == clinician_id))


def note_text(note: ClinicianNote) -> str:
    try:
        return key_for_owner(note.owner_id).decrypt_text(
            note.body_ct, table=f"{ClinicianNote.TABLE}.body_ct", row_id=note.id)
    except crypto.DecryptionError:
        log.warning("could not decrypt clinician note %s", note.id)
        return "This note could not be decrypted."


def save_note(clinician: User, checkin: Checkin, body: str) -> ClinicianNote | None:
    """Write (or, with an empty body, delete) the clinician's note, encrypted under the member's key."""
    body = (body or "").strip()
    if len(body) > NOTE_MAX:
        raise ValidationError({"body": f"Notes can be up to {NOTE_MAX} characters."})
    note = note_for(clinician.id, checkin)
    if not body:
        if note is not None:
            db.session.delete(note)
            db.session.flush()
        return None
    if note is None:
        note = ClinicianNote(id=uuid.uuid4(), checkin_id=checkin.id, owner_id=checkin.owner_id,
                             clinician_id=clinician.id)
        db.session.add(note)
    note.body_ct = key_for_owner(checkin.owner_id).encrypt_text(
        body, table=f"{ClinicianNote.TABLE}.body_ct", row_id=note.id)
    db.session.flush()
    return note


def notes_for_owner(owner: User) -> list[tuple[ClinicianNote, date]]:
    """Every clinician note on the member's entries with the entry's local day, newest first."""
    return db.session.execute(
        select(ClinicianNote, Checkin.local_date).join(Checkin, Checkin.id == ClinicianNote.checkin_id)
        .where(ClinicianNote.owner_id == owner.id).options(selectinload(ClinicianNote.clinician))
        .order_by(ClinicianNote.updated_at.desc())).all()


# --- Describing grants to the member ---------------------------------------------------------------


@dataclass
class GrantSummary:
    """A grant as the member reads it."""

    grant: ClinicianGrant
    status: str
    clinician_name: str | None
    profession: str | None
    organisation: str | None
    scope_text: str
    ends_text: str
    shown_name: str
    label: str | None
    last_day: date | None


def scope_text(grant: ClinicianGrant, *, to_clinician: bool = False) -> str:
    """What a grant covers, in words for the member, or (`to_clinician`) for the clinician reading it."""
    if grant.scope == SCOPE_SHARED:
        return "Check-ins your patient shared with you" if to_clinician else "Check-ins you mark for “My clinicians”"
    if grant.range_end is None:
        return f"All check-ins from {fmt_day(grant.range_start)} on"
    return f"All check-ins from {fmt_day(grant.range_start)} to {fmt_day(grant.range_end)}"


def describe_grant(grant: ClinicianGrant, owner: User, now: datetime) -> GrantSummary:
    last = last_access_day(grant, owner.timezone)
    profile = profile_of(grant.clinician_id) if grant.clinician_id else None
    return GrantSummary(
        grant=grant, status=status_of(grant, now),
        clinician_name=grant.clinician.display_name if grant.clinician is not None else None,
        profession=profile.profession if profile else None,
        organisation=profile.organisation if profile else None,
        scope_text=scope_text(grant),
        ends_text="until you revoke it" if last is None else f"until the end of {fmt_day(last)}",
        shown_name=shown_name(grant), label=_decrypt(grant, "label_ct"), last_day=last,
    )


def on_patient_requested(app, viewer, grant_id) -> User | None:
    """Receiver of journal.signals.patient_requested: the owner of this clinician's live grant, or None."""
    if getattr(viewer, "role", None) != "clinician":
        return None
    try:
        parsed = uuid.UUID(str(grant_id))
    except ValueError:
        return None
    grant = active_grant(viewer.id, parsed)
    return None if grant is None else grant.owner


def on_entry_access_requested(app, viewer, checkin) -> EntryAccess | None:
    """Receiver of journal.signals.entry_access_requested."""
    return clinician_entry_access(viewer, checkin)


def on_live_grants_requested(app, owner_id: int | None = None, clinician_id: int | None = None) -> list:
    """Receiver of journal.signals.live_grants_requested: the live grants of one member or one clinician."""
    from journal.signals import LiveGrant

    now = utcnow()
    query = select(ClinicianGrant).where(
        ClinicianGrant.redeemed_at.is_not(None), ClinicianGrant.clinician_id.is_not(None),
        ClinicianGrant.revoked_at.is_(None), or_(ClinicianGrant.ends_at.is_(None), ClinicianGrant.ends_at > now),
    ).options(selectinload(ClinicianGrant.owner), selectinload(ClinicianGrant.clinician))
    if owner_id is not None:
        query = query.where(ClinicianGrant.owner_id == owner_id)
    if clinician_id is not None:
        query = query.where(ClinicianGrant.clinician_id == clinician_id)
    if owner_id is None and clinician_id is None:
        return []
    return [LiveGrant(grant.id, grant.owner_id, grant.clinician_id, grant.clinician.display_name, shown_name(grant))
            for grant in db.session.scalars(query.order_by(ClinicianGrant.redeemed_at.desc()))]
