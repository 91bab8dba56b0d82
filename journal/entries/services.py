"""Journal domain functions: what a member tracks, and creating, reading and listing check-ins.

Services take the user explicitly, add and flush, and never commit: the caller commits once at the
request boundary, so a failure leaves nothing half-written.
"""
from __future__ import annotations

import base64
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, delete, insert, select, tuple_
from sqlalchemy.exc import IntegrityError

from journal import crypto, timekeeping
from journal.accounts import User
from journal.checkins import MEASURES, CheckinView, SymptomReading
from journal.domain import DomainError, ValidationError
from journal.entries.models import (
    Checkin,
    CheckinSymptom,
    CheckinTag,
    IdempotencyKey,
    Medication,
    Symptom,
    Tag,
)
from journal.entries.tracking import REMOVED, Catalog, load_catalog
from journal.entries.validation import CheckinInput
from journal.extensions import db, utcnow
from journal.keys import key_for

log = logging.getLogger(__name__)

PAGE_SIZE = 20
UNREADABLE = "This check-in could not be decrypted."  # the same words as the entry card (_macros/entries.html)


class IdempotencyConflict(DomainError):
    """The same Idempotency-Key came with a different body (422), or is still being processed (409)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# --- Check-ins -------------------------------------------------------------------------------------


def _check_references(user: User, data: CheckinInput) -> None:
    errors = {}
    for ids, model, label in ((list(data.symptoms), Symptom, "symptoms"), (data.tags, Tag, "tags"),
                              ([m for m, _ in data.medications], Medication, "medications")):
        if not ids:
            continue
        found = set(db.session.scalars(
            select(model.id).where(model.owner_id == user.id, model.id.in_(ids))
        ))
        for i, item_id in enumerate(ids):
            if item_id not in found:
                errors[f"{label}[{i}]"] = f"Unknown {label.rstrip('s')}."
    if errors:
        raise ValidationError(errors)


def _payload(data: CheckinInput) -> dict:
    return {
        "v": 1,
        **{m.stored: data.measures.get(m.key) for m in MEASURES},
        "symptoms": {str(k): v for k, v in data.symptoms.items()},
        "tags": [str(t) for t in data.tags],
        "meds": [[str(m), dose] for m, dose in data.medications],
        "note": data.note,
    }


def _write(user: User, checkin: Checkin, data: CheckinInput) -> None:
    checkin.occurred_at = data.occurred_at
    checkin.timezone = data.timezone
    checkin.local_date = timekeeping.local_day(data.occurred_at, data.timezone)
    checkin.share_peers = data.share_peers
    checkin.share_clinicians = data.share_clinicians
    checkin.hide_note_from_peers = data.hide_note_from_peers
    checkin.payload = key_for(user).encrypt_json(_payload(data), table=Checkin.TABLE, row_id=checkin.id)


def _link(checkin_id: uuid.UUID, data: CheckinInput) -> None:
    if data.symptoms:
        db.session.execute(insert(CheckinSymptom),
                           [{"checkin_id": checkin_id, "symptom_id": s} for s in data.symptoms])
    if data.tags:
        db.session.execute(insert(CheckinTag), [{"checkin_id": checkin_id, "tag_id": t} for t in data.tags])


def _sealed(user: User, data: CheckinInput) -> Checkin:
    """A new check-in with its payload encrypted, before any statement: on SQLite the first statement of a
    writing request takes the write lock, and encrypting is most of a check-in's work (bench/load.py)."""
    checkin = Checkin(id=uuid.uuid4(), owner_id=user.id)
    _write(user, checkin, data)
    return checkin


def create_checkin(user: User, data: CheckinInput, *, also_add=(), sealed: Checkin | None = None) -> Checkin:
    """Save a new check-in, encrypted under the member's data key (with `also_add` in the same flush);
    `sealed` is one `_sealed` made already."""
    checkin = sealed or _sealed(user, data)
    _check_references(user, data)
    db.session.add(checkin)
    for row in also_add:
        row.checkin_id = checkin.id
        db.session.add(row)
    db.session.flush()
    _link(checkin.id, data)
    return checkin


def create_checkins(user: User, inputs: list[CheckinInput], *, also_add: list[list] | None = None) -> list[Checkin]:
    """Save many new check-ins at once (an import), each encrypted as `create_checkin` does, in one flush;
    `also_add[i]` are rows for the i-th check-in. Every referenced id must be the member's own."""
    checkins = [_sealed(user, data) for data in inputs]
    everything = CheckinInput(occurred_at=utcnow(), timezone="UTC",
                              symptoms={k: 0 for data in inputs for k in data.symptoms},
                              tags=list({t: None for data in inputs for t in data.tags}),
                              medications=list({m: (m, "") for data in inputs for m, _ in data.medications}.values()))
    _check_references(user, everything)
    db.session.add_all(checkins)
    for checkin, rows in zip(checkins, also_add or [[] for _ in inputs], strict=True):
        for row in rows:
            row.checkin_id = checkin.id
            db.session.add(row)
    db.session.flush()
    pairs = list(zip(checkins, inputs, strict=True))
    symptoms = [{"checkin_id": c.id, "symptom_id": s} for c, data in pairs for s in data.symptoms]
    tags = [{"checkin_id": c.id, "tag_id": t} for c, data in pairs for t in data.tags]
    if symptoms:
        db.session.execute(insert(CheckinSymptom), symptoms)
    if tags:
        db.session.execute(insert(CheckinTag), tags)
    return checkins


def create_checkin_idempotent(user: User, key: str, body: bytes, data: CheckinInput, *, now: datetime,
                              key_lifetime: timedelta) -> tuple[Checkin | None, bool]:
    """Create once per Idempotency-Key: a replay returns the first check-in (and True), creating nothing.
    Keys are remembered for `key_lifetime`; after that the same key starts a new check-in."""
    fingerprint = crypto.vault().fingerprint(f"idempotency:{user.id}", body)
    sealed = _sealed(user, data)  # wasted only on a replay
    existing = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key)
    )
    if existing is not None and existing.created_at < now - key_lifetime:
        db.session.delete(existing)
        db.session.flush()
        existing = None
    if existing is not None:
        if existing.fingerprint != fingerprint:
            raise IdempotencyConflict(422, "This Idempotency-Key was already used with a different check-in.")
        checkin = db.session.get(Checkin, existing.checkin_id) if existing.checkin_id else None
        return checkin, True
    record = IdempotencyKey(user_id=user.id, key=key, fingerprint=fingerprint, created_at=now)
    try:
        with db.session.begin_nested():  # undone alone if a concurrent request with this key got there first
            checkin = create_checkin(user, data, also_add=[record], sealed=sealed)
    except IntegrityError as exc:
        raise IdempotencyConflict(409, "A request with this Idempotency-Key is in progress; retry shortly.") from exc
    return checkin, False


def references_anything(data_or_view) -> bool:
    """Whether showing this check-in needs the member's catalog (names of symptoms, tags, medications)."""
    return bool(data_or_view.symptoms or data_or_view.tags or data_or_view.medications)


def update_checkin(user: User, checkin: Checkin, data: CheckinInput) -> None:
    """Replace a check-in's content (re-encrypted with a fresh nonce) and its filter links."""
    _check_references(user, data)
    _write(user, checkin, data)
    db.session.execute(delete(CheckinSymptom).where(CheckinSymptom.checkin_id == checkin.id))
    db.session.execute(delete(CheckinTag).where(CheckinTag.checkin_id == checkin.id))
    _link(checkin.id, data)
    db.session.flush()


def delete_checkin(checkin: Checkin) -> None:
    """Delete a check-in and everything attached to it."""
    db.session.delete(checkin)
    db.session.flush()


def purge_idempotency_keys(older_than: datetime) -> int:
    """Forget Idempotency-Keys made before `older_than` (past their published lifetime)."""
    result = db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < older_than))
    return result.rowcount or 0


# --- Reading ---------------------------------------------------------------------------------------


def _decrypt_payload(key: crypto.DataKey, token: bytes, ref: str) -> dict | None:
    try:
        return key.decrypt_json(token, table=Checkin.TABLE, row_id=ref)  # the same bound data as the UUID's
    except (crypto.DecryptionError, ValueError):
        log.warning("could not decrypt check-in %s", ref)
        return None


# What a view needs of a check-in: selecting just these columns skips building ORM objects on lists.
# _view_from_columns() takes them in this order.
VIEW_COLUMNS = (Checkin.id, Checkin.owner_id, Checkin.occurred_at, Checkin.timezone, Checkin.local_date,
                Checkin.payload, Checkin.share_peers, Checkin.share_clinicians, Checkin.hide_note_from_peers,
                Checkin.created_at, Checkin.updated_at)


_LIST_COLUMNS = VIEW_COLUMNS[:-2]  # the timeline page shows no created/updated times
_TIMELINE_BASES = {True: select(*VIEW_COLUMNS), False: select(*_LIST_COLUMNS)}
NEWEST_FIRST = (Checkin.occurred_at.desc(), Checkin.id.desc())
# The page everyone opens most, built once.
_FIRST_PAGES = {times: base.where(Checkin.owner_id == bindparam("owner_id")).order_by(*NEWEST_FIRST)
                .limit(bindparam("limit")) for times, base in _TIMELINE_BASES.items()}


def view_of(checkin, key: crypto.DataKey, catalog: Catalog, *, times: bool = True) -> CheckinView:
    """Decrypt one check-in (a Checkin, or a row of VIEW_COLUMNS) for display; a tampered one comes back
    marked unreadable, never raising."""
    return _view_from_columns(key, catalog, checkin.id, checkin.owner_id, checkin.occurred_at, checkin.timezone,
                 checkin.local_date, checkin.payload, checkin.share_peers, checkin.share_clinicians,
                 checkin.hide_note_from_peers, checkin.created_at if times else None,
                 checkin.updated_at if times else None)


def _view_from_columns(key: crypto.DataKey, catalog: Catalog, checkin_id: uuid.UUID, owner_id: int,
                       occurred_at: datetime, tz_name: str, local_date: date, token: bytes, share_peers: bool,
                       share_clinicians: bool, hide_note_from_peers: bool, created_at: datetime | None = None,
                       updated_at: datetime | None = None) -> CheckinView:
    # The row's columns come positionally, in VIEW_COLUMNS order, so that a list page unpacks each row
    # instead of looking up eleven columns by name; the view is built by keyword.
    ref = str(checkin_id)
    view = CheckinView(id=checkin_id, occurred_at=occurred_at, timezone=tz_name,
                       local=timekeeping.local_datetime(occurred_at, tz_name), local_date=local_date,
                       created_at=created_at, updated_at=updated_at, share_peers=share_peers,
                       share_clinicians=share_clinicians, hide_note_from_peers=hide_note_from_peers,
                       owner_id=owner_id, ref=ref)
    payload = _decrypt_payload(key, token, ref)
    if payload is None:
        view.readable = False
        return view
    names = catalog.names  # payloads hold ids as text, the names' keys
    view.measures = {m.key: payload.get(m.stored) for m in MEASURES}
    view.symptoms = [SymptomReading(k, names.get(k, REMOVED), v) for k, v in payload["symptoms"].items()]
    view.tags = [(t, names.get(t, REMOVED)) for t in payload["tags"]]
    view.medications = [(m, names.get(m, REMOVED), dose) for m, dose in payload["meds"]]
    view.note = payload["note"]
    return view


def raw_of(view: CheckinView) -> dict:
    """A readable check-in in the API's input shape (for partial updates and the edit form)."""
    return {
        "occurred_at": view.occurred_at.isoformat(),
        "timezone": view.timezone,
        **view.measures,
        "symptoms": [{"id": s.id, "severity": s.severity} for s in view.symptoms],
        "tags": [t for t, _ in view.tags],
        "medications": [{"id": m, "dose": dose} for m, _, dose in view.medications],
        "note": view.note,
        "audience": {"peers": view.share_peers, "clinicians": view.share_clinicians,
                     "hide_note_from_peers": view.hide_note_from_peers},
    }


@dataclass
class TimelineFilters:
    tag_id: uuid.UUID | None = None
    symptom_id: uuid.UUID | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_query(cls, args) -> tuple[TimelineFilters, dict[str, str]]:
        """Filters from query parameters (tag, symptom, from, to), and a message for each one that is not valid.
        The page ignores invalid ones; the API refuses them."""
        filters, errors = cls(), {}
        for name, attr in (("tag", "tag_id"), ("symptom", "symptom_id")):
            if name in args:  # present but empty is not an id either
                try:
                    setattr(filters, attr, uuid.UUID(args[name]))
                except ValueError:
                    errors[name] = "Not an id."
        for name, attr in (("from", "date_from"), ("to", "date_to")):
            if name in args:
                try:
                    setattr(filters, attr, date.fromisoformat(args[name]))
                except ValueError:
                    errors[name] = "A date like 2026-03-08."
        return filters, errors


@dataclass
class TimelinePage:
    entries: list[CheckinView]
    next_cursor: str | None

    @property
    def days(self) -> list[tuple[date, list[CheckinView]]]:
        """Entries grouped by the member's local day, newest day first (newest entry first within it)."""
        groups: dict[date, list[CheckinView]] = {}
        for entry in self.entries:
            groups.setdefault(entry.local_date, []).append(entry)
        return sorted(groups.items(), key=lambda item: item[0], reverse=True)


def encode_cursor(checkin) -> str:
    raw = json.dumps([checkin.occurred_at.isoformat(), str(checkin.id)]).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The position a cursor points after; ValueError if it was not made by encode_cursor."""
    try:
        at, checkin_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(at), uuid.UUID(checkin_id)
    except (ValueError, TypeError) as exc:
        raise ValueError("invalid cursor") from exc


# --- Keyset pages: the timeline, a clinician's entries and the peer feed all page newest first this way.


def older_than(query, cursor: str | None):
    """`query` narrowed to the check-ins after `cursor` (newest first); ValueError for a bad cursor."""
    if not cursor:
        return query
    at, checkin_id = decode_cursor(cursor)
    return query.where(tuple_(Checkin.occurred_at, Checkin.id) < tuple_(at, checkin_id))


def with_items(query, *, tag_id: uuid.UUID | None = None, symptom_id: uuid.UUID | None = None):
    """`query` narrowed to the check-ins that carry this tag and this symptom (each when given)."""
    if tag_id:
        query = query.where(Checkin.id.in_(select(CheckinTag.checkin_id).where(CheckinTag.tag_id == tag_id)))
    if symptom_id:
        query = query.where(Checkin.id.in_(
            select(CheckinSymptom.checkin_id).where(CheckinSymptom.symptom_id == symptom_id)))
    return query


def page_query(query, limit: int):
    """Newest first, one row more than a page: split_page tells from it whether another page follows."""
    return query.order_by(*NEWEST_FIRST).limit(limit + 1)


def split_page(rows: list, limit: int) -> tuple[list, str | None]:
    """The page's rows, and the cursor of the next page (None on the last)."""
    return rows[:limit], (encode_cursor(rows[limit - 1]) if len(rows) > limit else None)


def list_checkins(user: User, *, filters: TimelineFilters | None = None, cursor: str | None = None,
                  limit: int = PAGE_SIZE, catalog: Catalog | None = None, with_times: bool = False) -> TimelinePage:
    """Newest first, keyset-paginated: each page is one indexed range read, however deep.
    `with_times` adds each check-in's created/updated times (the API shows them, the timeline does not)."""
    filters = filters or TimelineFilters()
    if not cursor and filters == TimelineFilters():
        rows = _connection().execute(_FIRST_PAGES[with_times], {"owner_id": user.id, "limit": limit + 1}).all()
        return _page(user, rows, limit, catalog)
    query = older_than(_TIMELINE_BASES[with_times].where(Checkin.owner_id == user.id), cursor)
    query = with_items(query, tag_id=filters.tag_id, symptom_id=filters.symptom_id)
    if filters.date_from:
        query = query.where(Checkin.local_date >= filters.date_from)
    if filters.date_to:
        query = query.where(Checkin.local_date <= filters.date_to)
    rows = _connection().execute(page_query(query, limit)).all()
    return _page(user, rows, limit, catalog)


def _connection():
    # Core statements on the session's own connection and transaction, without the ORM's per-call cost.
    return db.session.connection()


def _page(user: User, rows, limit: int, catalog: Catalog | None) -> TimelinePage:
    rows, next_cursor = split_page(rows, limit)
    key = key_for(user)
    catalog = catalog or load_catalog(user)
    return TimelinePage([_view_from_columns(key, catalog, *row) for row in rows], next_cursor)
