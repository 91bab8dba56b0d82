"""The safety plan's domain: its sections, reading and checking what the member wrote, sealing it under
their data key, and sharing it with clinicians they have granted access. Services add and flush; the
request commits.
"""
from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from journal import crypto, signals, storable
from journal.accounts import User
from journal.audit import record_access
from journal.domain import DomainError, ValidationError
from journal.extensions import db, utcnow
from journal.keys import key_for, key_for_owner
from journal.safetyplan.models import SafetyPlan, SafetyPlanShare

log = logging.getLogger(__name__)

LINES_MAX = 10  # lines in one list
LINE_MAX = 200  # characters in one line
CONTACTS_MAX = 5  # people or services in one section
CONTACT_ROWS_EMPTY = 2  # empty rows the form offers after the filled ones
NAME_MAX = 80
PHONE_MAX = 32
PHONE = re.compile(r"^\+?[0-9 ().\-/]+$")
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Section:
    """One step of the plan: `kind` "lines" (one thing per line) or "contacts" (a name and a phone)."""

    key: str
    step: str
    title: str
    question: str
    example: str
    kind: str = "lines"


# The six steps of the Stanley–Brown Safety Planning Intervention, in its order (the member goes down the
# list until they are safe), and the reasons for living the template closes with. Our own words; the
# examples are placeholders only: nothing here is ever saved as if the member had written it.
SECTIONS = (
    Section("warning_signs", "1", "My warning signs",
            "Thoughts, feelings, situations or behaviours that tell me a crisis may be starting.",
            "e.g. not sleeping; thinking I'm a burden; pulling away from people"),
    Section("coping", "2", "Things I can do on my own",
            "Ways to take my mind off things without contacting anyone.",
            "e.g. a walk round the block; a hot shower; a playlist"),
    Section("distractions", "3", "People and places that take my mind off things",
            "People to be with, and social settings to go to, for distraction (not to talk about the crisis).",
            "e.g. the library; the café on the corner; my cousin Sam"),
    Section("helpers", "4", "People I can ask for help",
            "Family or friends I can tell that I'm struggling.", "e.g. Alex (sister)", kind="contacts"),
    Section("professionals", "5", "Professionals and services I can contact",
            "My doctor, therapist, care team or a local urgent service, with their numbers.",
            "e.g. Dr Rivera's surgery", kind="contacts"),
    Section("environment", "6", "Making my surroundings safer",
            "Things I can do to keep myself safe where I am, and who could help with that.",
            "e.g. ask Alex to keep my medicines"),
    Section("reasons", "♥", "My reasons for living",
            "What matters most to me and is worth living for.", "e.g. my dog; seeing my niece grow up"),
)
BY_KEY = {section.key: section for section in SECTIONS}


class NotShared(DomainError):
    """That clinician cannot be given the plan: no live grant of this member's has that id."""


# --- Reading what the member wrote -----------------------------------------------------------------


def _lines(raw, section: Section, errors: dict) -> list[str]:
    text = raw if isinstance(raw, str) else ""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > LINES_MAX:
        errors[section.key] = f"Up to {LINES_MAX} lines here, please: keep the ones that help most."
    elif any(len(line) > LINE_MAX for line in lines):
        number = next(i for i, line in enumerate(lines, 1) if len(line) > LINE_MAX)
        errors[section.key] = f"Line {number} is long: keep each line to {LINE_MAX} characters or fewer."
    return lines


def _contacts(raw: Mapping, section: Section, errors: dict) -> list[dict]:
    contacts = []
    for row in range(CONTACTS_MAX + CONTACT_ROWS_EMPTY):
        name_key, phone_key = f"{section.key}-{row}-name", f"{section.key}-{row}-phone"
        name = " ".join(str(raw.get(name_key) or "").split())
        phone = " ".join(str(raw.get(phone_key) or "").split())
        if not name and not phone:
            continue
        if len(name) > NAME_MAX:
            errors[name_key] = f"Keep a name to {NAME_MAX} characters or fewer."
        if phone and (len(phone) > PHONE_MAX or not PHONE.match(phone)
                      or not 3 <= sum(c.isdigit() for c in phone) <= 20):
            errors[phone_key] = "Enter a phone number with digits, like +44 20 7946 0000 (spaces are fine)."
        if phone and not name:
            errors[name_key] = "Add who this number is for."
        contacts.append({"name": name, "phone": phone})
    if len(contacts) > CONTACTS_MAX:
        errors[section.key] = f"Up to {CONTACTS_MAX} here, please."
    return contacts


def parse_plan(raw: Mapping) -> dict:
    """The plan as the member wrote it, from the form; ValidationError (a message per field) otherwise."""
    errors: dict[str, str] = {}
    for name, value in raw.items():
        if isinstance(value, str) and not storable.storable(value):
            errors[name] = storable.MESSAGE
    plan: dict = {"v": FORMAT_VERSION}
    for section in SECTIONS:
        if section.kind == "contacts":
            plan[section.key] = _contacts(raw, section, errors)
        else:
            plan[section.key] = _lines(raw.get(section.key), section, errors)
    if not errors and is_empty(plan):
        errors["plan"] = "Your plan is empty. Write at least one line, or leave without saving."
    if errors:
        raise ValidationError(errors, "Some parts of your plan need another look.")
    return plan


def is_empty(plan: Mapping) -> bool:
    return not any(plan.get(section.key) for section in SECTIONS)


def blank() -> dict:
    return {"v": FORMAT_VERSION, **{section.key: [] for section in SECTIONS}}


# --- Storing and reading the plan -----------------------------------------------------------------------


def plan_of(owner_id: int) -> SafetyPlan | None:
    return db.session.get(SafetyPlan, owner_id)


def _open(key: crypto.DataKey, plan: SafetyPlan) -> dict | None:
    """The decrypted plan, or None when it no longer decrypts (a tampered row, a lost key): logged, never shown."""
    try:
        content = key.decrypt_json(plan.body_ct, table=SafetyPlan.TABLE, row_id=plan.owner_id)
    except (crypto.DecryptionError, ValueError):
        log.warning("could not decrypt the safety plan of user %s", plan.owner_id)
        return None
    return {**blank(), **content} if isinstance(content, dict) else None


def content_of(owner: User, plan: SafetyPlan) -> dict | None:
    """The owner's own plan, decrypted."""
    return _open(key_for(owner), plan)


def save_plan(owner: User, content: dict, now: datetime | None = None) -> SafetyPlan:
    """Create or replace the member's plan, sealed under their data key."""
    plan = plan_of(owner.id)
    if plan is None:
        plan = SafetyPlan(owner_id=owner.id)
        db.session.add(plan)
    plan.body_ct = key_for(owner).encrypt_json(content, table=SafetyPlan.TABLE, row_id=owner.id)
    plan.updated_at = now or utcnow()
    db.session.flush()
    return plan


def delete_plan(owner: User) -> bool:
    """Delete the plan and every share of it; whether there was one."""
    db.session.execute(delete(SafetyPlanShare).where(SafetyPlanShare.owner_id == owner.id))
    deleted = db.session.execute(delete(SafetyPlan).where(SafetyPlan.owner_id == owner.id)).rowcount
    db.session.flush()
    return bool(deleted)


# --- Sharing with clinicians ----------------------------------------------------------------------


def live_grants(*, owner_id: int | None = None, clinician_id: int | None = None) -> list[signals.LiveGrant]:
    """The live clinician grants of a member or of a clinician (none without the clinicians feature)."""
    found: list[signals.LiveGrant] = []
    for answer in signals.answers(signals.live_grants_requested, owner_id=owner_id, clinician_id=clinician_id):
        found.extend(answer)
    return found


def sharing_choices(owner: User) -> list[tuple[signals.LiveGrant, bool]]:
    """Each clinician the member has granted access to now, and whether the plan is shared with them."""
    shared = set(db.session.scalars(select(SafetyPlanShare.grant_id).where(SafetyPlanShare.owner_id == owner.id)))
    return [(grant, grant.grant_id in shared) for grant in live_grants(owner_id=owner.id)]


def _parse_grant_id(raw) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def share_with(owner: User, raw_grant_id) -> signals.LiveGrant:
    """Share the plan with the clinician of one of the member's live grants."""
    grant_id = _parse_grant_id(raw_grant_id)
    grant = next((g for g in live_grants(owner_id=owner.id) if g.grant_id == grant_id), None)
    if grant is None:
        raise NotShared("That clinician no longer has access to your journal, so the plan was not shared.")
    share = db.session.get(SafetyPlanShare, (owner.id, grant.clinician_id))
    if share is None:
        db.session.add(SafetyPlanShare(owner_id=owner.id, clinician_id=grant.clinician_id, grant_id=grant.grant_id))
    else:
        share.grant_id, share.created_at = grant.grant_id, utcnow()
    db.session.flush()
    return grant


def stop_sharing(owner: User, raw_grant_id) -> None:
    """Stop sharing the plan under this grant (nothing happens if it was not shared)."""
    grant_id = _parse_grant_id(raw_grant_id)
    if grant_id is not None:
        db.session.execute(delete(SafetyPlanShare).where(SafetyPlanShare.owner_id == owner.id,
                                                         SafetyPlanShare.grant_id == grant_id))
        db.session.flush()


def _shared_grants(clinician: User) -> list[signals.LiveGrant]:
    shares = {(row.owner_id, row.grant_id) for row in db.session.execute(
        select(SafetyPlanShare.owner_id, SafetyPlanShare.grant_id).where(SafetyPlanShare.clinician_id == clinician.id))}
    if not shares:
        return []
    with_plan = set(db.session.scalars(select(SafetyPlan.owner_id).where(
        SafetyPlan.owner_id.in_({owner_id for owner_id, _ in shares}))))
    return [grant for grant in live_grants(clinician_id=clinician.id)
            if (grant.owner_id, grant.grant_id) in shares and grant.owner_id in with_plan]


def plans_shared_with(clinician: User) -> list[signals.LiveGrant]:
    """The patients whose plan this clinician may read now: shared under a grant that is still live."""
    return _shared_grants(clinician)


def shared_plan(clinician: User, raw_grant_id) -> tuple[signals.LiveGrant, SafetyPlan, dict | None] | None:
    """A plan shared with this clinician under this live grant, decrypted, or None (not shared, revoked,
    ended, deleted). The look is written to the member's access log."""
    grant_id = _parse_grant_id(raw_grant_id)
    grant = next((g for g in _shared_grants(clinician) if g.grant_id == grant_id), None)
    if grant is None:
        return None
    plan = plan_of(grant.owner_id)
    record_access(owner_id=grant.owner_id, viewer=clinician, action="safety_plan",
                  viewer_name=clinician.display_name[:80])
    return grant, plan, _open(key_for_owner(grant.owner_id), plan)
