"""Bringing a member's history in from a CSV export: what an import would create (the preview, which writes
nothing), and the import itself, in the request's one transaction.

Each imported check-in remembers a keyed hash of its row's content (`ImportedRow.row_key`, HMAC-SHA256 with
the app's fingerprint key, its purpose naming the member), so the same row imported again is recognised
without storing anything readable. Between the preview and the confirmation the file travels back with the
member's browser, encrypted under their data key (`seal_upload`): nothing of it is stored on the server.
"""
from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from journal import crypto, scales
from journal.accounts import User
from journal.entries import services, tracking
from journal.entries.import_rows import ImportFileError, ImportRow, Parsed
from journal.entries.importing import parse_file
from journal.entries.models import ImportedRow
from journal.entries.validation import CheckinInput
from journal.extensions import db
from journal.keys import key_for

UPLOAD_LIFETIME = timedelta(hours=1)  # how long a preview can be confirmed
_UPLOAD_TABLE = "imports.upload"  # the sealed file's bound data: no other ciphertext opens as one
_KEY_CHUNK = 500  # row keys looked up per query


@dataclass
class ImportPlan:
    """What importing a file would do: the preview shows it, the import carries it out."""

    parsed: Parsed
    new: list[tuple[ImportRow, bytes]]  # each check-in to create, with its row key
    duplicates: int  # rows already imported (or repeated within the file)
    new_names: dict[str, list[str]] = field(default_factory=dict)  # kind -> names to start tracking

    @property
    def errors(self):
        return self.parsed.errors


@dataclass
class ImportResult:
    created: int
    duplicates: int
    skipped: int
    new_names: dict[str, list[str]]


def row_key(user: User, row: ImportRow) -> bytes:
    """A row's import key: a keyed hash of its content for this member alone."""
    return crypto.vault().fingerprint(f"import-row:{user.id}", row.content())


def _already_imported(user: User, keys: list[bytes]) -> set[bytes]:
    found: set[bytes] = set()
    for start in range(0, len(keys), _KEY_CHUNK):
        found.update(db.session.scalars(select(ImportedRow.row_key).where(
            ImportedRow.user_id == user.id, ImportedRow.row_key.in_(keys[start:start + _KEY_CHUNK]))))
    return found


def _medication_split(text: str, known: list[str]) -> tuple[str, str]:
    """The journal's export writes a medication as "name dose": the longest name the member tracks that
    starts it is the name, the rest the dose; otherwise all of it is the name."""
    folded = text.casefold()
    for name in sorted(known, key=len, reverse=True):
        if folded == name.casefold() or folded.startswith(name.casefold() + " "):
            return name, text[len(name):].strip()
    if len(text) <= scales.NAME_MAX:
        return text, ""
    cut = text.rfind(" ", 0, scales.NAME_MAX + 1)  # too long for a name: the rest is the dose
    cut = cut if cut > 0 else scales.NAME_MAX
    return text[:cut].strip(), text[cut:].strip()[:scales.DOSE_MAX]


def plan_import(user: User, data: bytes, *, now: datetime, moods: dict[str, int] | None = None) -> ImportPlan:
    """Read a file and compare it with what the member has: nothing is written. `moods`: what the member
    said their own Daylio mood labels mean (1–5)."""
    parsed = parse_file(data, tz_name=user.timezone or "UTC", now=now, moods=moods)
    catalog = tracking.load_catalog(user)
    if parsed.source == "Peer Journal":
        meds = [item.name for item in catalog.medications]
        for row in parsed.rows:
            row.medications = [_medication_split(text, meds) for text, _ in row.medications]
    keyed = [(row, row_key(user, row)) for row in parsed.rows]
    present = _already_imported(user, [key for _, key in keyed])
    new, seen, duplicates = [], set(), 0
    for row, key in keyed:
        if key in present or key in seen:
            duplicates += 1
            continue
        seen.add(key)
        new.append((row, key))
    new_names = {}
    for kind, names_of in (("symptoms", lambda r: r.symptoms), ("tags", lambda r: r.tags),
                           ("medications", lambda r: [n for n, _ in r.medications])):
        tracked = {item.name.casefold() for item in getattr(catalog, kind)}
        wanted: dict[str, str] = {}
        for row, _ in new:
            for name in names_of(row):
                if name.casefold() not in tracked:
                    wanted.setdefault(name.casefold(), name)
        new_names[kind] = list(wanted.values())
    return ImportPlan(parsed, new, duplicates, new_names)


class ImportConflict(ImportFileError):
    """Another import of the same rows finished first."""


def run_import(user: User, plan: ImportPlan) -> ImportResult:
    """Create the plan's check-ins (and the symptoms, tags and medications they name), each encrypted like
    any check-in. All or nothing: the request's transaction commits them together."""
    try:
        with db.session.begin_nested():  # a concurrent import of the same rows undoes this one alone
            ids = {kind: tracking.add_items(user, kind, names) for kind, names in plan.new_names.items()}
            catalog = tracking.load_catalog(user)
            for kind in ids:  # a name tracked twice (one archived): the one still in use
                for item in sorted(getattr(catalog, kind), key=lambda item: item.archived):
                    ids[kind].setdefault(item.name.casefold(), item.id)
            inputs = [CheckinInput(
                occurred_at=row.occurred_at, timezone=row.timezone, measures=dict(row.measures),
                symptoms={ids["symptoms"][name.casefold()]: value for name, value in row.symptoms.items()},
                tags=list(dict.fromkeys(ids["tags"][name.casefold()] for name in row.tags)),
                medications=[(ids["medications"][name.casefold()], dose) for name, dose in row.medications],
                note=row.note) for row, _ in plan.new]
            services.create_checkins(user, inputs,
                                     also_add=[[ImportedRow(user_id=user.id, row_key=key)] for _, key in plan.new])
    except IntegrityError as exc:
        raise ImportConflict("These check-ins were imported by another request at the same moment. "
                             "Nothing was added twice: look at your timeline.") from exc
    return ImportResult(len(plan.new), plan.duplicates, len(plan.errors), plan.new_names)


# --- The file between the preview and the confirmation ---------------------------------------------------


def seal_upload(user: User, data: bytes, filename: str, *, now: datetime) -> str:
    """The uploaded file, compressed and encrypted under the member's data key, for the confirm form to
    carry back: the server keeps nothing between the two steps."""
    head = json.dumps({"at": now.timestamp(), "name": filename}).encode()
    token = key_for(user).encrypt(zlib.compress(head + b"\n" + data), table=_UPLOAD_TABLE, row_id=user.id)
    return base64.urlsafe_b64encode(token).decode()


def open_upload(user: User, sealed: str, *, now: datetime, most: int) -> tuple[bytes, str]:
    """The file a preview sealed, if it is this member's, younger than UPLOAD_LIFETIME and at most `most`
    bytes; else ImportFileError."""
    try:
        token = base64.urlsafe_b64decode(sealed.encode())
        packed = key_for(user).decrypt(token, table=_UPLOAD_TABLE, row_id=user.id)
        inflater = zlib.decompressobj()
        plain = inflater.decompress(packed, most + 4096)
        head, _, data = plain.partition(b"\n")
        meta = json.loads(head)
    except (binascii.Error, ValueError, zlib.error, crypto.DecryptionError) as exc:
        raise _expired() from exc
    if inflater.unconsumed_tail or not 0 <= now.timestamp() - meta["at"] <= UPLOAD_LIFETIME.total_seconds():
        raise _expired()
    return data, str(meta.get("name") or "")



def _expired() -> ImportFileError:
    # Made only when raised: a domain error marks its request as failed the moment it is made.
    return ImportFileError("This preview has expired or could not be read. Choose the file again.")
