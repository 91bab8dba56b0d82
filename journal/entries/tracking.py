"""What a member tracks: their own symptoms, tags and medications, with encrypted names.

Everything here is per member and small (tens of items), so a page loads and decrypts it all at once.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from flask import g
from sqlalchemy import LargeBinary, bindparam, cast, literal, null, select, union_all, update
from sqlalchemy.orm.attributes import set_committed_value

from journal import crypto, scales
from journal.accounts import User
from journal.caches import cache
from journal.domain import ValidationError
from journal.entries.models import Medication, Symptom, Tag
from journal.extensions import db
from journal.keys import decrypt_or_placeholder, key_for

log = logging.getLogger(__name__)

KINDS: dict[str, type] = {"symptoms": Symptom, "tags": Tag, "medications": Medication}
DEFAULT_TAGS = ("Poor sleep", "Stressful day", "New medication", "Flare-up", "Time with people")



@dataclass
class CatalogItem:
    id: uuid.UUID
    name: str
    archived: bool
    dose: str | None = None
    as_needed: bool = False  # medications only: taken when needed, not on a schedule


AS_NEEDED, SCHEDULED = "as_needed", "scheduled"
REMOVED = "(removed)"  # what an entry shows for an item the member has since deleted


@dataclass
class Catalog:
    """A member's symptoms, tags and medications, decrypted, in the order they were added."""

    symptoms: list[CatalogItem]
    tags: list[CatalogItem]
    medications: list[CatalogItem]
    by_id: dict[str, CatalogItem] = field(init=False)

    names: dict[str, str] = field(init=False)  # id (as text) -> name: the hot path of decrypting a list

    def __post_init__(self):
        self.by_id = {str(item.id): item for group in (self.symptoms, self.tags, self.medications)
                      for item in group}
        self.names = {item_id: item.name for item_id, item in self.by_id.items()}

    def name(self, item_id: str | uuid.UUID) -> str:
        return self.names.get(str(item_id), REMOVED)

    def active(self, kind: str) -> list[CatalogItem]:
        return [item for item in getattr(self, kind) if not item.archived]


EMPTY_CATALOG = Catalog([], [], [])


def _decrypt_column(key: crypto.DataKey, table: str, column: str, row_id, token: bytes | None) -> str | None:
    return decrypt_or_placeholder(key, token, table=table, column=column, row_id=row_id)


def _decrypt_name(key: crypto.DataKey, row, column: str = "name_ct") -> str | None:
    return _decrypt_column(key, row.TABLE, column, row.id, getattr(row, column))


def _catalog_statement():
    """All three kinds in one query, built once: statement construction costs more than running it."""
    owner = bindparam("owner_id")
    parts = [
        select(literal(kind).label("kind"), model.id, model.name_ct, model.archived,
               (model.dose_ct if model is Medication else cast(null(), LargeBinary)).label("dose_ct"),
               (model.schedule_ct if model is Medication else cast(null(), LargeBinary)).label("schedule_ct"),
               model.created_at)
        .where(model.owner_id == owner)
        for kind, model in KINDS.items()
    ]
    return union_all(*parts).order_by("created_at", "id")


_CATALOG_STATEMENT = _catalog_statement()


def load_catalog(user: User) -> Catalog:
    """Everything the member tracks, decrypted once per request. Do not mutate it.

    The rows as stored (ciphertext) are kept per worker by catalog version (journal/caches.py), which
    spares the query; the names are decrypted for this request only and kept in `g` until it ends."""
    record = user.data_key
    key = (user.id, record.wrapped if record is not None else None, user.catalog_version)
    decrypted = g.setdefault("_pj_catalogs", {})
    catalog = decrypted.get(key)
    if catalog is None:
        stored = cache("catalogs")
        rows = stored.get(key)
        if rows is None:
            rows = stored[key] = tuple(db.session.connection().execute(_CATALOG_STATEMENT, {"owner_id": user.id}))
        catalog = decrypted[key] = _decrypt_catalog(user, rows)
    return catalog


def _decrypt_catalog(user: User, rows) -> Catalog:
    key = key_for(user)
    groups: dict[str, list[CatalogItem]] = {kind: [] for kind in KINDS}
    for kind, item_id, name_ct, archived, dose_ct, schedule_ct, _ in rows:
        item_id = item_id if isinstance(item_id, uuid.UUID) else uuid.UUID(item_id)
        groups[kind].append(CatalogItem(
            item_id, _decrypt_column(key, kind, "name_ct", item_id, name_ct), bool(archived),
            _decrypt_column(key, kind, "dose_ct", item_id, dose_ct),
            _decrypt_column(key, kind, "schedule_ct", item_id, schedule_ct) == AS_NEEDED))
    return Catalog(**groups)


def _changed(user: User) -> None:
    """A new catalog version, counted in SQL: two changes at once (two devices, two workers) get two
    versions, never the same one from a stale read."""
    version = db.session.execute(update(User).where(User.id == user.id)
                                 .values(catalog_version=User.catalog_version + 1)
                                 .returning(User.catalog_version)
                                 .execution_options(synchronize_session=False)).scalar_one()
    set_committed_value(user, "catalog_version", version)


def _clean_name(name: str, what: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": f"Give the {what} a name."})
    if len(name) > scales.NAME_MAX:
        raise ValidationError({"name": f"Names can be up to {scales.NAME_MAX} characters."})
    return name


def _clean_dose(dose: str | None) -> str | None:
    dose = " ".join((dose or "").split())
    if len(dose) > scales.DOSE_MAX:
        raise ValidationError({"dose": f"A dose of up to {scales.DOSE_MAX} characters."})
    return dose or None


def _set_name(key: crypto.DataKey, row, name: str, dose: str | None = None) -> None:
    row.name_ct = key.encrypt_text(name, table=f"{row.TABLE}.name_ct", row_id=row.id)
    if isinstance(row, Medication):
        row.dose_ct = None if dose is None else key.encrypt_text(dose, table=f"{row.TABLE}.dose_ct",
                                                                 row_id=row.id)


def _set_schedule(key: crypto.DataKey, row, as_needed: bool) -> None:
    row.schedule_ct = key.encrypt_text(AS_NEEDED if as_needed else SCHEDULED, table=f"{row.TABLE}.schedule_ct",
                                       row_id=row.id)


def add_item(user: User, kind: str, name: str, dose: str | None = None, catalog: Catalog | None = None, *,
             as_needed: bool = False):
    """Start tracking a symptom, tag or medication (a medication taken on a schedule, or `as_needed`).
    A name already tracked (and not archived) is refused."""
    model = KINDS[kind]
    singular = kind.rstrip("s")
    name = _clean_name(name, singular)
    catalog = catalog or load_catalog(user)
    for item in getattr(catalog, kind):
        if item.name.casefold() == name.casefold():
            if item.archived:
                raise ValidationError({"name": f"You archived “{name}” earlier: restore it instead."})
            raise ValidationError({"name": f"You already track “{name}”."})
    row = model(id=uuid.uuid4(), owner_id=user.id, archived=False)
    key = key_for(user)
    _set_name(key, row, name, _clean_dose(dose) if kind == "medications" else None)
    if kind == "medications":
        _set_schedule(key, row, as_needed)
    db.session.add(row)
    db.session.flush()
    _changed(user)
    return row


def rename_item(user: User, row, name: str, dose: str | None = None, *, keep_dose: bool = False,
                as_needed: bool | None = None) -> None:
    """Rename a tracked item (and for a medication its dose, and whether it is taken as needed when
    `as_needed` is given); past check-ins show the new name."""
    kind = row.TABLE
    name = _clean_name(name, kind.rstrip("s"))
    key = key_for(user)
    for item in getattr(load_catalog(user), kind):
        if item.id != row.id and not item.archived and item.name.casefold() == name.casefold():
            raise ValidationError({"name": f"You already track “{name}”."})
    if isinstance(row, Medication) and keep_dose:
        dose = _decrypt_name(key, row, "dose_ct")
    _set_name(key, row, name, _clean_dose(dose) if isinstance(row, Medication) else None)
    if isinstance(row, Medication) and as_needed is not None:
        _set_schedule(key, row, as_needed)
    _changed(user)


def set_archived(user: User, row, archived: bool) -> None:
    """Archive (stop offering on new check-ins) or restore a tracked item; history keeps it."""
    row.archived = archived
    _changed(user)


def seed_catalog(user: User) -> None:
    """Give a new member a few common tags so the first check-in is not empty."""
    key = key_for(user)
    for name in DEFAULT_TAGS:
        row = Tag(id=uuid.uuid4(), owner_id=user.id, archived=False)
        _set_name(key, row, name)
        db.session.add(row)
    db.session.flush()
    _changed(user)


def add_items(user: User, kind: str, names: list[str]) -> dict[str, uuid.UUID]:
    """Start tracking several symptoms, tags or medications at once (an import's new names, already clean
    and not yet tracked): their ids by casefolded name, with one catalog version for all of them."""
    model, key, made = KINDS[kind], key_for(user), {}
    for name in names:
        row = model(id=uuid.uuid4(), owner_id=user.id, archived=False)
        _set_name(key, row, name)
        if kind == "medications":
            _set_schedule(key, row, False)
        db.session.add(row)
        made[name.casefold()] = row.id
    if made:
        db.session.flush()
        _changed(user)
    return made
