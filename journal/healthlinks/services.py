"""SMART Health Links: make one (a FHIR Bundle of the chosen days and measures, encrypted under a key only
the link holds), list and revoke the member's links, and open one for a receiving app (passcode attempts
counted, each opening written to the member's access log). Explicit arguments; never commits."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from journal import audit, crypto, fhir, storable
from journal.accounts import User
from journal.checkins import MEASURES, CheckinView
from journal.domain import DomainError, ValidationError
from journal.entries import VIEW_COLUMNS, Checkin, load_catalog, view_of
from journal.extensions import db
from journal.healthlinks.models import HealthLink
from journal.healthlinks.shlink import LABEL_MAX
from journal.keys import key_for

SYMPTOMS = "symptoms"
CHOICES: tuple[tuple[str, str], ...] = (*((m.key, m.name) for m in MEASURES), (SYMPTOMS, "Symptoms and their severity"))
EXPIRY_DAYS = (1, 7, 30)
DEFAULT_EXPIRY_DAYS = 7
PASSCODE_MIN = 6
PASSCODE_MAX = 128
NAME_MAX = 80
RANGE_MAX_DAYS = 366
CONTENT_TYPE = "application/fhir+json"


class LinkClosed(DomainError):
    """No active link answers here: unknown, revoked, expired or locked (the receiving app gets a 404)."""


class WrongPasscode(DomainError):
    """The passcode was missing or wrong; `remaining` attempts are left (the receiving app gets a 401)."""

    def __init__(self, remaining: int):
        super().__init__("wrong passcode")
        self.remaining = remaining


@dataclass(frozen=True)
class LinkRequest:
    """What the member chose: days, measures, how long, a passcode, a label and the name on the record."""

    first_day: date
    last_day: date
    measures: tuple[str, ...]
    expiry_days: int
    passcode: str
    label: str
    name: str


@dataclass(frozen=True)
class NewLink:
    """A link just made: its row, and the two secrets that exist only in this answer."""

    link: HealthLink
    manifest_id: str
    key: bytes


@dataclass(frozen=True)
class LinkSummary:
    link: HealthLink
    status: str
    label: str
    measures: tuple[str, ...]
    name: str

    @property
    def measures_text(self) -> str:
        names = dict(CHOICES)
        return ", ".join(names.get(m, m) for m in self.measures)


def _day(raw: str | None, field: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        errors[field] = "Enter a date, like 2026-03-08."
        return None


def parse_request(form, *, today: date) -> LinkRequest:
    """The member's choices from the form, or ValidationError naming each field that needs another look."""
    errors: dict[str, str] = {}
    first = _day(form.get("first_day"), "first_day", errors)
    last = _day(form.get("last_day"), "last_day", errors)
    if first and last:
        if first > last:
            errors["first_day"] = "The “From” day is after the “To” day: swap them."
        elif last > today:
            errors["last_day"] = "Choose a day up to today."
        elif (last - first).days >= RANGE_MAX_DAYS:
            errors["first_day"] = f"Choose at most {RANGE_MAX_DAYS} days."
    known = {key for key, _ in CHOICES}
    measures = tuple(key for key, _ in CHOICES if key in set(form.getlist("measures")))
    if not measures or not set(form.getlist("measures")) <= known:
        errors["measures"] = "Choose at least one thing to share."
    try:
        expiry = int(form.get("expiry_days", ""))
    except ValueError:
        expiry = 0
    if expiry not in EXPIRY_DAYS:
        errors["expiry_days"] = "Choose one of the options offered."
    passcode = form.get("passcode", "")
    if passcode and not PASSCODE_MIN <= len(passcode) <= PASSCODE_MAX:
        errors["passcode"] = f"Use {PASSCODE_MIN} to {PASSCODE_MAX} characters, or leave it empty."
    label = form.get("label", "").strip()
    if len(label) > LABEL_MAX:
        errors["label"] = f"Keep this to {LABEL_MAX} characters or fewer."
    name = form.get("name", "").strip()
    if not name:
        errors["name"] = "Please fill this in."
    elif len(name) > NAME_MAX:
        errors["name"] = f"Keep this to {NAME_MAX} characters or fewer."
    for field, value in (("passcode", passcode), ("label", label), ("name", name)):
        if not storable.storable(value):
            errors[field] = storable.MESSAGE
    if errors:
        raise ValidationError(errors)
    return LinkRequest(first, last, measures, expiry, passcode, label, name)


def chosen_views(user: User, request: LinkRequest) -> list[CheckinView]:
    """The member's check-ins on the chosen local days, oldest first, holding only the chosen measures
    (and symptoms only if chosen); check-ins left with nothing to say are dropped."""
    rows = db.session.execute(
        select(*VIEW_COLUMNS)
        .where(Checkin.owner_id == user.id, Checkin.local_date >= request.first_day,
               Checkin.local_date <= request.last_day)
        .order_by(Checkin.occurred_at, Checkin.id)).all()
    key, catalog = key_for(user), load_catalog(user)
    views = []
    for row in rows:
        view = view_of(row, key, catalog, times=False)
        if not view.readable:
            continue
        kept = replace(view, measures={k: v for k, v in view.measures.items() if k in request.measures},
                       symptoms=list(view.symptoms) if SYMPTOMS in request.measures else [],
                       tags=[], medications=[], note="")
        if kept.recorded() or kept.symptoms:
            views.append(kept)
    return views


def create_link(user: User, request: LinkRequest, now: datetime) -> NewLink:
    """Make a link: the FHIR Bundle of the chosen data, encrypted (JWE dir + A256GCM) under a new random
    key that is returned and never stored; the manifest address's secret is stored only as a hash."""
    views = chosen_views(user, request)
    link_id = uuid.uuid4()
    bundle = fhir.bundle(views, request.name, f"link:{link_id}", now)
    key = crypto.new_link_key()
    manifest_id = crypto.random_token(32)  # 256 bits, as the specification asks of the manifest URL
    data_key = key_for(user)
    details = {"label": request.label, "measures": list(request.measures), "name": request.name}
    link = HealthLink(
        id=link_id, owner_id=user.id, manifest_hash=crypto.hash_token(manifest_id),
        jwe=crypto.jwe_encrypt(json.dumps(bundle, ensure_ascii=False).encode(), key, content_type=CONTENT_TYPE),
        details_ct=data_key.encrypt_json(details, table=HealthLink.TABLE, row_id=link_id),
        first_day=request.first_day, last_day=request.last_day, entry_count=len(views),
        passcode_hash=(generate_password_hash(request.passcode, method=current_app.config["PASSWORD_HASH_METHOD"])
                       if request.passcode else None),
        attempts_left=current_app.config["HEALTHLINK_PASSCODE_ATTEMPTS"] if request.passcode else 0,
        expires_at=now + timedelta(days=request.expiry_days), created_at=now)
    db.session.add(link)
    db.session.flush()
    return NewLink(link, manifest_id, key)


def summary(link: HealthLink, user: User, now: datetime) -> LinkSummary:
    try:
        details = key_for(user).decrypt_json(link.details_ct, table=HealthLink.TABLE, row_id=link.id)
    except (crypto.DecryptionError, ValueError):
        details = {"label": "(could not be decrypted)", "measures": [], "name": ""}
    return LinkSummary(link, link.status(now), details.get("label", ""), tuple(details.get("measures", ())),
                       details.get("name", ""))


def links_of(user: User, now: datetime) -> list[LinkSummary]:
    """The member's links, newest first."""
    rows = db.session.scalars(select(HealthLink).where(HealthLink.owner_id == user.id)
                              .order_by(HealthLink.created_at.desc(), HealthLink.id))
    return [summary(link, user, now) for link in rows]


def revoke(link: HealthLink, now: datetime) -> None:
    """Stop a link: from now on its manifest and files answer 404."""
    if link.revoked_at is None:
        link.revoked_at = now


def find_active(manifest_id: str, now: datetime) -> HealthLink:
    """The active link behind a manifest address, or LinkClosed."""
    link = db.session.scalar(select(HealthLink).where(HealthLink.manifest_hash == crypto.hash_token(manifest_id)))
    if link is None or link.status(now) != "active":
        raise LinkClosed("no active link here")
    return link


def open_link(manifest_id: str, *, recipient: str, passcode: str | None, now: datetime) -> HealthLink:
    """A receiving app asks for a link's manifest. A passcode link counts each wrong passcode (a missing
    one costs nothing) and locks when none are left; the opening is recorded in the owner's access log."""
    link = find_active(manifest_id, now)
    if link.passcode_hash is not None:
        if not passcode:
            raise WrongPasscode(link.attempts_left)
        if not check_password_hash(link.passcode_hash, passcode):
            remaining = db.session.scalar(
                update(HealthLink).where(HealthLink.id == link.id, HealthLink.attempts_left > 0)
                .values(attempts_left=HealthLink.attempts_left - 1).returning(HealthLink.attempts_left))
            raise WrongPasscode(max(remaining or 0, 0))
    db.session.execute(update(HealthLink).where(HealthLink.id == link.id)
                       .values(access_count=HealthLink.access_count + 1, last_access_at=now))
    audit.record_link_access(owner_id=link.owner_id, recipient=recipient, entry_count=link.entry_count,
                             first_day=link.first_day, last_day=link.last_day, now=now)
    return link


def find_for_file(link_id: uuid.UUID, now: datetime) -> HealthLink:
    """The link a file address was given for, if it is still active; LinkClosed otherwise."""
    link = db.session.get(HealthLink, link_id)
    if link is None or link.status(now) != "active":
        raise LinkClosed("no active link here")
    return link
