"""Reading a CSV export (Daylio's, Bearable's, or the journal's own) into check-ins to import: pure parsing,
no database. Each row becomes an `ImportRow` (names, not ids: the member's catalog is matched later, in
entries/imports.py) or a `RowError` with its row number and a plain reason.

Row numbers are the spreadsheet's: the header is row 1, the first check-in row 2. Dates and times without a
zone are the member's wall clock (`tz_name`); a row in the future is an error, never a guess.
"""
from __future__ import annotations

import csv
import html
import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from journal import scales, storable, timekeeping
from journal.checkins import BY_KEY, MEASURES, Number
from journal.domain import DomainError

MOOD, ENERGY, SLEEP = BY_KEY["mood"], BY_KEY["energy"], BY_KEY["sleep_hours"]
_FUTURE_SLACK = timedelta(minutes=10)  # as a check-in from a phone whose clock runs a little ahead
# Daylio's five default moods, best first (daylio.net; the 8-column export: github.com/MichaelCurrin/daylio-csv-parser).
DAYLIO_MOODS = {"rad": 5, "good": 4, "meh": 3, "bad": 2, "awful": 1}
# Bearable rates mood and energy 1 to 10 and symptoms 0 to 4 (none, mild, moderate, severe, unbearable):
# bearable.app/support/common-questions/what-are-all-the-different-scales-used-in-bearable
BEARABLE_SEVERITY = {"none": 0, "mild": 1, "moderate": 2, "severe": 3, "unbearable": 4, "extreme": 4}
# Bearable's parts of the day (its "time of day" column), read as these wall-clock times.
BEARABLE_PARTS = {"am": time(9, 0), "morning": time(9, 0), "mid": time(13, 0), "midday": time(13, 0),
                  "afternoon": time(15, 0), "pm": time(18, 0), "evening": time(18, 0), "late": time(22, 0),
                  "night": time(22, 0)}
BEARABLE_FACTORS = {"factors", "lifestyle", "work", "social", "weather", "active", "behavioural patterns",
                    "activities"}
BEARABLE_MEDS = {"meds/supplements", "medication", "medications", "meds", "supplements"}
BEARABLE_NOTES = {"notes", "note", "extra notes", "journal"}
OWN_SYMPTOM = re.compile(r"^symptom: (?P<name>.+) \(0-4\)$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what exports.safe_cell protects with a leading '


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


class _RowProblem(ValueError):
    """One row's plain reason for being refused."""


# --- The file ------------------------------------------------------------------------------------------


def parse_file(data: bytes, *, tz_name: str, now: datetime, moods: dict[str, int] | None = None) -> Parsed:
    """Read an export: which app wrote it (from its header), then every row. `moods`: the member's own
    meaning (1–5) for Daylio mood labels beyond the five, by casefolded label."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError("This file is not text we can read: save or export it as CSV (UTF-8).") from exc
    if not storable.storable(text):
        raise ImportFileError("This file holds characters no check-in can: is it really a CSV export?")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = {(name or "").strip().casefold() for name in reader.fieldnames or ()}
        records = list(reader)
    except csv.Error as exc:
        raise ImportFileError(f"This file is not valid CSV near line {reader.line_num}: {exc}.") from exc
    records = [{_column(k): (v if isinstance(v, str) else "") for k, v in r.items()} for r in records]
    for kind in KINDS:
        if kind.recognises(header):
            return kind.parse(records, tz_name, now, moods or {})
    raise ImportFileError("We could not tell which app made this file. Choose a CSV export from Daylio "
                          "(its first line starts full_date,date,weekday,time,mood), from Bearable (date, "
                          "weekday, time of day, category, rating/amount…) or from this journal.")


def _column(name: str | None) -> str:
    """A column's name, matched without regard to case; a symptom's column keeps the symptom's own spelling."""
    name = (name or "").strip()
    folded = name.casefold()
    return "symptom: " + name[9:] if folded.startswith("symptom: ") else folded


@dataclass(frozen=True)
class _Kind:
    recognises: Callable[[set[str]], bool]
    parse: Callable[[list[dict[str, str]], str, datetime, dict[str, int]], Parsed]


def _day(raw: str) -> date:
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
    raise _RowProblem(f"“{_short(raw)}” is not a date like 2024-03-08." if raw else "the date is missing.")


def _clock(raw: str) -> time:
    raw = " ".join(raw.strip().upper().split())
    for fmt in ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p", "%I %p"):
        try:
            return datetime.strptime(raw, fmt).time()
        except ValueError:
            continue
    raise _RowProblem(f"“{_short(raw)}” is not a time like 21:30 or 9:30 pm.")


def _instant(day: date, at: time, tz_name: str, now: datetime) -> datetime:
    try:
        instant = timekeeping.local_to_utc(day, at, tz_name)
    except ValueError as exc:
        raise _RowProblem("that date is out of range.") from exc
    return _checked_instant(instant, now)


def _checked_instant(instant: datetime, now: datetime) -> datetime:
    if instant > now + _FUTURE_SLACK:
        raise _RowProblem(f"{instant.date().isoformat()} is in the future.")
    if instant.year < 1970:
        raise _RowProblem("that date is too far in the past.")
    return instant


def _short(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def _name(raw: str, what: str) -> str:
    name = " ".join(raw.split())
    if len(name) > scales.NAME_MAX:
        raise _RowProblem(f"the {what} “{_short(name)}” is longer than {scales.NAME_MAX} characters.")
    return name


def _note(text: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    if len(text) > scales.NOTE_MAX:
        raise _RowProblem(f"the note has {len(text):,} characters; a check-in's note can have up to "
                          f"{scales.NOTE_MAX:,}.")
    return text


def _measure(key: str, raw) -> Number | None:
    errors: dict[str, str] = {}
    value = BY_KEY[key].parse(raw, errors)
    if errors:
        raise _RowProblem(f"{BY_KEY[key].name.lower()} “{_short(str(raw))}”: {errors[key]}")
    return value


def _limits(row: ImportRow) -> ImportRow:
    if len(row.tags) > scales.TAGS_MAX:
        raise _RowProblem(f"{len(row.tags)} tags; a check-in can have up to {scales.TAGS_MAX}.")
    if len(row.symptoms) > scales.SYMPTOMS_MAX:
        raise _RowProblem(f"{len(row.symptoms)} symptoms; a check-in can have up to {scales.SYMPTOMS_MAX}.")
    if len(row.medications) > scales.MEDICATIONS_MAX:
        raise _RowProblem(f"{len(row.medications)} medications; a check-in can have up to "
                          f"{scales.MEDICATIONS_MAX}.")
    return row


def _unique(names: list[str]) -> list[str]:
    seen, kept = set(), []
    for name in names:
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return kept


# --- Daylio: one row per check-in ----------------------------------------------------------------------


_HTML_BREAK = re.compile(r"<br\s*/?>|</p>|</li>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def _daylio_text(raw: str) -> str:
    """Daylio's notes may carry simple formatting as HTML (<br>, <b>, <li>): kept as plain text."""
    return html.unescape(_HTML_TAG.sub("", _HTML_BREAK.sub("\n", raw or "")))


def _daylio_row(record: dict[str, str], line: int, tz_name: str, now: datetime, moods: dict[str, int]) -> ImportRow:
    if record.get("full_date"):
        day = _day(record["full_date"])
    else:  # the older export: year,date ("18 May"),weekday,…
        day = _day(f"{record.get('date', '')} {record.get('year', '')}")
    at = _clock(record.get("time") or "12:00")
    label = " ".join((record.get("mood") or "").split())
    mood = DAYLIO_MOODS.get(label.casefold()) or moods.get(label.casefold())
    if mood is None:
        raise _UnknownMood(label) if label else _RowProblem("the mood is missing.")
    tags = _unique([_name(a, "activity") for a in (record.get("activities") or "").split("|")])
    title, body = _daylio_text(record.get("note_title", "")).strip(), _daylio_text(record.get("note", "")).strip()
    note = _note("\n\n".join(part for part in (title, body) if part))
    return _limits(ImportRow(line=line, occurred_at=_instant(day, at, tz_name, now), timezone=tz_name,
                             measures={m.key: (mood if m is MOOD else None) for m in MEASURES},
                             tags=tags, note=note))


class _UnknownMood(_RowProblem):
    def __init__(self, label: str):
        super().__init__(f"the mood “{_short(label)}” is not one of Daylio's five (rad, good, meh, bad, awful): "
                         "choose what it means above, or change this cell to one of the five.")
        self.label = label


def _parse_daylio(records: list[dict[str, str]], tz_name: str, now: datetime, moods: dict[str, int]) -> Parsed:
    rows, errors, unknown = [], [], {}
    for i, record in enumerate(records):
        try:
            rows.append(_daylio_row(record, i + 2, tz_name, now, moods))
        except _UnknownMood as problem:
            unknown.setdefault(problem.label.casefold(), problem.label)
            errors.append(RowError(i + 2, _sentence(problem)))
        except _RowProblem as problem:
            errors.append(RowError(i + 2, _sentence(problem)))
    known = {**{label: value for label, value in moods.items() if label not in DAYLIO_MOODS}, **DAYLIO_MOODS}
    mapping = [(label, f"{value} {MOOD.label(value)}") for label, value in
               sorted(known.items(), key=lambda item: -item[1])]
    mapping.append(("activities", "tags (one tag per activity)"))
    mapping.append(("note title and note", "the note"))
    return Parsed("Daylio", mapping, rows, errors, unknown_moods=list(unknown.values()))


def _sentence(problem: Exception) -> str:
    text = str(problem)
    return text[:1].upper() + text[1:]


# --- Bearable: one row per reading, one check-in per day ------------------------------------------------


def _ten_to_five(value: float) -> int:
    """Bearable's 1–10 onto our 1–5: 1–2 → 1, 3–4 → 2, 5–6 → 3, 7–8 → 4, 9–10 → 5."""
    return max(1, min(5, math.ceil(value / 2)))


def _rating(raw: str, low: float, high: float, what: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise _RowProblem(f"the {what} “{_short(raw)}” is not a number.") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise _RowProblem(f"the {what} {_short(raw)} is not from {low:g} to {high:g}.")
    return value


def _hours(raw: str) -> float:
    raw = raw.strip()
    if ":" in raw:
        hours, _, minutes = raw.partition(":")
        if hours.isdigit() and minutes.isdigit() and int(minutes) < 60:
            return int(hours) + int(minutes) / 60
        raise _RowProblem(f"the sleep “{_short(raw)}” is not hours like 7:30.")
    return _rating(raw, 0, scales.SLEEP_MAX, "sleep")


_LEVEL_SUFFIX = re.compile(r"\s+-\s+(none|little|a little|moderate|a lot|low|medium|high)$", re.IGNORECASE)
_SEVERITY_SUFFIX = re.compile(r"\s*\((?P<word>[^()]*)\)\s*$")


def _items(detail: str) -> list[str]:
    return [" ".join(part.split()) for part in detail.split("|") if part.strip()]


@dataclass
class _Day:
    line: int
    at: time | None = None  # the time of the day's first mood rating…
    first_at: time | None = None  # …or of its first row with one
    moods: list[float] = field(default_factory=list)
    energies: list[float] = field(default_factory=list)
    sleep: float | None = None
    symptoms: dict[str, int] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    medications: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _bearable_time(raw: str) -> time | None:
    raw = raw.strip()
    if not raw:
        return None
    part = BEARABLE_PARTS.get(raw.casefold())
    if part is not None:
        return part
    try:
        return _clock(raw)
    except _RowProblem:
        return None  # "all day" and the like: the day's check-in keeps its time


def _bearable_reading(day: _Day, record: dict[str, str], category: str) -> bool:
    """Add one row to its day; False when the category has no place in a check-in."""
    amount, detail = record.get("rating/amount") or "", record.get("detail") or ""
    if category == "mood":
        day.moods.append(_rating(amount, 1, 10, "mood rating"))
    elif category == "energy":
        day.energies.append(_rating(amount, 1, 10, "energy rating"))
    elif category == "sleep":
        day.sleep = (day.sleep or 0) + _hours(amount)
    elif category in ("symptom", "symptoms"):
        for item in _items(detail) or [""]:
            match = _SEVERITY_SUFFIX.search(item)
            name = _name(item[:match.start()] if match else item, "symptom")
            if not name:
                raise _RowProblem("the symptom has no name (the detail column is empty).")
            if amount.strip():
                severity = int(_rating(amount, 0, 4, "symptom severity"))
            elif match and match["word"].strip().casefold() in BEARABLE_SEVERITY:
                severity = BEARABLE_SEVERITY[match["word"].strip().casefold()]
            else:
                raise _RowProblem(f"the symptom “{_short(name)}” has no severity from 0 to 4.")
            day.symptoms[name] = max(severity, day.symptoms.get(name, 0))
    elif category in BEARABLE_FACTORS:
        day.tags += [_name(_LEVEL_SUFFIX.sub("", item), "factor") for item in _items(detail)]
    elif category in BEARABLE_MEDS:
        day.medications += [_name(item, "medication") for item in _items(detail)]
    elif category in BEARABLE_NOTES:
        day.notes.append(detail)
    else:
        return False
    return True


def _bearable_row(day: _Day, d: date, tz_name: str, now: datetime) -> ImportRow:
    if not day.moods:
        raise _RowProblem(f"{d.isoformat()} has no mood rating, and a check-in needs one.")
    energy = _ten_to_five(_half_up(sum(day.energies) / len(day.energies))) if day.energies else None
    measures = {m.key: None for m in MEASURES}
    measures.update(mood=_ten_to_five(_half_up(sum(day.moods) / len(day.moods))), energy=energy,
                    sleep_hours=None if day.sleep is None else _measure("sleep_hours", day.sleep))
    return _limits(ImportRow(
        line=day.line, occurred_at=_instant(d, day.at or day.first_at or time(12, 0), tz_name, now), timezone=tz_name,
        measures=measures, symptoms=day.symptoms, tags=_unique(day.tags),
        medications=[(name, "") for name in _unique(day.medications)],
        note=_note("\n".join(dict.fromkeys(n.strip() for n in day.notes if n.strip())))))


def _half_up(value: float) -> int:
    return math.floor(value + 0.5)


def _parse_bearable(records: list[dict[str, str]], tz_name: str, now: datetime, _moods: dict[str, int]) -> Parsed:
    days: dict[date, _Day] = {}
    errors: list[RowError] = []
    ignored: dict[str, int] = {}
    for i, record in enumerate(records):
        line = i + 2
        try:
            d = _day(record.get("date formatted") or record.get("date") or "")
        except _RowProblem as problem:
            errors.append(RowError(line, _sentence(problem)))
            continue
        day = days.setdefault(d, _Day(line))
        category = " ".join((record.get("category") or "").split())
        try:
            if not _bearable_reading(day, record, category.casefold()):
                ignored[category or "(no category)"] = ignored.get(category or "(no category)", 0) + 1
                continue
        except _RowProblem as problem:
            day.errors.append(RowError(line, f"{_sentence(problem)} The check-in for {d.isoformat()} is left "
                                             "out with it."))
            continue
        if record.get("notes", "").strip():
            day.notes.append(record["notes"])
        at = _bearable_time(record.get("time of day") or "")
        day.first_at = day.first_at or at
        if category.casefold() == "mood" and len(day.moods) == 1:
            day.at = at
    rows = []
    for d, day in sorted(days.items()):
        if day.errors:
            errors += day.errors
            continue
        try:
            rows.append(_bearable_row(day, d, tz_name, now))
        except _RowProblem as problem:
            errors.append(RowError(day.line, _sentence(problem)))
    errors.sort(key=lambda e: e.line)
    mapping = [(f"mood {low}–{low + 1}", f"{_ten_to_five(low)} {MOOD.label(_ten_to_five(low))}")
               for low in range(1, 10, 2)]
    mapping += [("energy 1–10", "energy 1–5, the same way"),
                ("several ratings on one day", "one check-in for the day, with their average"),
                ("symptoms (0–4)", "your symptoms, the same 0–4 severity (the day's highest)"),
                ("factors", "tags"), ("sleep (hours)", "sleep"), ("meds/supplements", "medications"),
                ("notes", "the note")]
    return Parsed("Bearable", mapping, rows, errors, ignored)


# --- The journal's own export (journal/exports.py): a round trip ---------------------------------------


def _own_cell(text: str) -> str:
    """A cell as exports.safe_cell wrote it, without the ' it put before a would-be formula."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def _own_row(record: dict[str, str], line: int, tz_name: str, now: datetime) -> ImportRow:
    record = {k: _own_cell(v) for k, v in record.items()}
    if record.get("readable", "yes").strip() == "no":
        raise _RowProblem("this check-in could not be decrypted when it was exported, so there is nothing to "
                          "import.")
    zone = record.get("timezone", "").strip()
    zone = zone if timekeeping.is_zone(zone) else tz_name
    utc = record.get("occurred_at_utc", "").strip()
    if utc:
        try:
            instant = datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            raise _RowProblem(f"“{_short(utc)}” is not a time like 2024-03-08T09:30:00Z.") from None
        instant = _checked_instant(instant, now)
    else:
        instant = _instant(_day(record.get("date", "")), _clock(record.get("time") or "12:00"), zone, now)
    measures = {m.key: _measure(m.key, record.get(m.key, "").strip()) for m in MEASURES}
    if measures["mood"] is None:
        raise _RowProblem("the mood is missing.")
    symptoms = {}
    for column, value in record.items():
        match = OWN_SYMPTOM.match(column)
        if match and value.strip():
            symptoms[_name(match["name"], "symptom")] = int(_rating(value, 0, 4, "symptom severity"))
    split = [part.strip() for part in record.get("medications", "").split(";")]
    for part in split:
        if len(part) > scales.NAME_MAX + 1 + scales.DOSE_MAX:
            raise _RowProblem(f"the medication “{_short(part)}” is longer than a name and a dose can be.")
    return _limits(ImportRow(
        line=line, occurred_at=instant, timezone=zone, measures=measures, symptoms=symptoms,
        tags=_unique([_name(t, "tag") for t in record.get("tags", "").split(";")]),
        medications=[(part, "") for part in _unique(split)],  # "name dose": split against the catalog later
        note=_note(record.get("note", ""))))


def _parse_own(records: list[dict[str, str]], tz_name: str, now: datetime, _moods: dict[str, int]) -> Parsed:
    rows, errors = [], []
    for i, record in enumerate(records):
        try:
            rows.append(_own_row(record, i + 2, tz_name, now))
        except _RowProblem as problem:
            errors.append(RowError(i + 2, _sentence(problem)))
    mapping = [("every column", "the same field here (mood, energy, pain 0–4, sleep, symptoms 0–4, tags, "
                                "medications, note); imported check-ins are private until you share them")]
    return Parsed("Peer Journal", mapping, rows, errors)


KINDS = (
    _Kind(lambda h: {"occurred_at_utc", "mood"} <= h, _parse_own),
    _Kind(lambda h: {"category", "rating/amount"} <= h, _parse_bearable),
    _Kind(lambda h: {"mood", "activities"} <= h and bool({"full_date", "date"} & h), _parse_daylio),
)
