"""What an import is made of, whatever app wrote the file: a row to import (`ImportRow`), a row refused
(`RowError`) and a file read (`Parsed`), with the reading of days, times, names, notes and measures that
every format shares (entries/importing.py reads each format with them). Pure: no database."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from journal import scales, timekeeping
from journal.checkins import BY_KEY, Number
from journal.domain import DomainError

MOOD, ENERGY, SLEEP = BY_KEY["mood"], BY_KEY["energy"], BY_KEY["sleep_hours"]
FUTURE_SLACK = timedelta(minutes=10)  # as a check-in from a phone whose clock runs a little ahead

class ImportFileError(DomainError):
    """The file as a whole cannot be read (not CSV, not UTF-8, not an export we know)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ImportRow:
    """One check-in to import, by names (the catalog's ids are found or made at import)."""

    line: int  # its row in the spreadsheet (Bearable: the day's first row)
    occurred_at: datetime
    timezone: str
    measures: dict[str, Number | None]
    symptoms: dict[str, int] = field(default_factory=dict)  # name -> severity 0-4
    tags: list[str] = field(default_factory=list)
    medications: list[tuple[str, str]] = field(default_factory=list)  # (name, dose)
    note: str = ""

    def content(self) -> bytes:
        """The check-in's content in one canonical form, whatever file it came from: the same check-in
        gives the same bytes (its import key is a keyed hash of them, entries/imports.py)."""
        return json.dumps({
            "at": self.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "m": {k: (None if v is None else f"{v:g}") for k, v in sorted(self.measures.items())},
            "s": sorted((k.casefold(), v) for k, v in self.symptoms.items()),
            "t": sorted(t.casefold() for t in self.tags),
            "md": sorted((n.casefold(), d) for n, d in self.medications),
            "n": self.note,
        }, sort_keys=True, ensure_ascii=False).encode()


@dataclass
class RowError:
    line: int
    reason: str


@dataclass
class Parsed:
    source: str  # "Daylio", "Bearable", "Peer Journal"
    mapping: list[tuple[str, str]]  # how their values become ours, as shown on the preview
    rows: list[ImportRow]
    errors: list[RowError]
    ignored: dict[str, int] = field(default_factory=dict)  # Bearable categories we have no place for: rows
    unknown_moods: list[str] = field(default_factory=list)  # Daylio mood labels the member may map


class RowProblem(ValueError):
    """One row's plain reason for being refused."""



def read_day(raw: str) -> date:
    raw = raw.strip()
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        pass
    for fmt in ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y"):
        try:
            return datetime.strptime(raw.replace(",", ""), fmt).date()
        except ValueError:
            continue
    raise RowProblem(f"“{shortened(raw)}” is not a date like 2024-03-08." if raw else "the date is missing.")


def read_clock(raw: str) -> time:
    raw = " ".join(raw.strip().upper().split())
    for fmt in ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p", "%I %p"):
        try:
            return datetime.strptime(raw, fmt).time()
        except ValueError:
            continue
    raise RowProblem(f"“{shortened(raw)}” is not a time like 21:30 or 9:30 pm.")


def wall_instant(day: date, at: time, tz_name: str, now: datetime) -> datetime:
    try:
        instant = timekeeping.local_to_utc(day, at, tz_name)
    except ValueError as exc:
        raise RowProblem("that date is out of range.") from exc
    return checked_instant(instant, now)


def checked_instant(instant: datetime, now: datetime) -> datetime:
    if instant > now + FUTURE_SLACK:
        raise RowProblem(f"{instant.date().isoformat()} is in the future.")
    if instant.year < 1970:
        raise RowProblem("that date is too far in the past.")
    return instant


def shortened(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def read_name(raw: str, what: str) -> str:
    name = " ".join(raw.split())
    if len(name) > scales.NAME_MAX:
        raise RowProblem(f"the {what} “{shortened(name)}” is longer than {scales.NAME_MAX} characters.")
    return name


def read_note(text: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    if len(text) > scales.NOTE_MAX:
        raise RowProblem(f"the note has {len(text):,} characters; a check-in's note can have up to "
                          f"{scales.NOTE_MAX:,}.")
    return text


def read_measure(key: str, raw) -> Number | None:
    errors: dict[str, str] = {}
    value = BY_KEY[key].parse(raw, errors)
    if errors:
        raise RowProblem(f"{BY_KEY[key].name.lower()} “{shortened(str(raw))}”: {errors[key]}")
    return value


def within_limits(row: ImportRow) -> ImportRow:
    if len(row.tags) > scales.TAGS_MAX:
        raise RowProblem(f"{len(row.tags)} tags; a check-in can have up to {scales.TAGS_MAX}.")
    if len(row.symptoms) > scales.SYMPTOMS_MAX:
        raise RowProblem(f"{len(row.symptoms)} symptoms; a check-in can have up to {scales.SYMPTOMS_MAX}.")
    if len(row.medications) > scales.MEDICATIONS_MAX:
        raise RowProblem(f"{len(row.medications)} medications; a check-in can have up to "
                          f"{scales.MEDICATIONS_MAX}.")
    return row


def unique_names(names: list[str]) -> list[str]:
    seen, kept = set(), []
    for name in names:
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return kept
