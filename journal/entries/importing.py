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
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from journal import scales, storable, timekeeping
from journal.checkins import MEASURES
from journal.entries.import_rows import (
    MOOD,
    ImportFileError,
    ImportRow,
    Parsed,
    RowError,
    RowProblem,
    checked_instant,
    read_clock,
    read_day,
    read_measure,
    read_name,
    read_note,
    shortened,
    unique_names,
    wall_instant,
    within_limits,
)

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


# --- Daylio: one row per check-in ----------------------------------------------------------------------


_HTML_BREAK = re.compile(r"<br\s*/?>|</p>|</li>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def _daylio_text(raw: str) -> str:
    """Daylio's notes may carry simple formatting as HTML (<br>, <b>, <li>): kept as plain text."""
    return html.unescape(_HTML_TAG.sub("", _HTML_BREAK.sub("\n", raw or "")))


def _daylio_row(record: dict[str, str], line: int, tz_name: str, now: datetime, moods: dict[str, int]) -> ImportRow:
    if record.get("full_date"):
        day = read_day(record["full_date"])
    else:  # the older export: year,date ("18 May"),weekday,…
        day = read_day(f"{record.get('date', '')} {record.get('year', '')}")
    at = read_clock(record.get("time") or "12:00")
    label = " ".join((record.get("mood") or "").split())
    mood = DAYLIO_MOODS.get(label.casefold()) or moods.get(label.casefold())
    if mood is None:
        raise _UnknownMood(label) if label else RowProblem("the mood is missing.")
    tags = unique_names([read_name(a, "activity") for a in (record.get("activities") or "").split("|")])
    title, body = _daylio_text(record.get("note_title", "")).strip(), _daylio_text(record.get("note", "")).strip()
    note = read_note("\n\n".join(part for part in (title, body) if part))
    return within_limits(ImportRow(line=line, occurred_at=wall_instant(day, at, tz_name, now), timezone=tz_name,
                             measures={m.key: (mood if m is MOOD else None) for m in MEASURES},
                             tags=tags, note=note))


class _UnknownMood(RowProblem):
    def __init__(self, label: str):
        super().__init__(f"the mood “{shortened(label)}” is not one of Daylio's five (rad, good, meh, bad, awful): "
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
        except RowProblem as problem:
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
        raise RowProblem(f"the {what} “{shortened(raw)}” is not a number.") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise RowProblem(f"the {what} {shortened(raw)} is not from {low:g} to {high:g}.")
    return value


def _hours(raw: str) -> float:
    raw = raw.strip()
    if ":" in raw:
        hours, _, minutes = raw.partition(":")
        if hours.isdigit() and minutes.isdigit() and int(minutes) < 60:
            return int(hours) + int(minutes) / 60
        raise RowProblem(f"the sleep “{shortened(raw)}” is not hours like 7:30.")
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
        return read_clock(raw)
    except RowProblem:
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
            name = read_name(item[:match.start()] if match else item, "symptom")
            if not name:
                raise RowProblem("the symptom has no name (the detail column is empty).")
            if amount.strip():
                severity = int(_rating(amount, 0, 4, "symptom severity"))
            elif match and match["word"].strip().casefold() in BEARABLE_SEVERITY:
                severity = BEARABLE_SEVERITY[match["word"].strip().casefold()]
            else:
                raise RowProblem(f"the symptom “{shortened(name)}” has no severity from 0 to 4.")
            day.symptoms[name] = max(severity, day.symptoms.get(name, 0))
    elif category in BEARABLE_FACTORS:
        day.tags += [read_name(_LEVEL_SUFFIX.sub("", item), "factor") for item in _items(detail)]
    elif category in BEARABLE_MEDS:
        day.medications += [read_name(item, "medication") for item in _items(detail)]
    elif category in BEARABLE_NOTES:
        day.notes.append(detail)
    else:
        return False
    return True


def _bearable_row(day: _Day, d: date, tz_name: str, now: datetime) -> ImportRow:
    if not day.moods:
        raise RowProblem(f"{d.isoformat()} has no mood rating, and a check-in needs one.")
    energy = _ten_to_five(_half_up(sum(day.energies) / len(day.energies))) if day.energies else None
    measures = {m.key: None for m in MEASURES}
    measures.update(mood=_ten_to_five(_half_up(sum(day.moods) / len(day.moods))), energy=energy,
                    sleep_hours=None if day.sleep is None else read_measure("sleep_hours", day.sleep))
    return within_limits(ImportRow(
        line=day.line, occurred_at=wall_instant(d, day.at or day.first_at or time(12, 0), tz_name, now),
        timezone=tz_name,
        measures=measures, symptoms=day.symptoms, tags=unique_names(day.tags),
        medications=[(name, "") for name in unique_names(day.medications)],
        note=read_note("\n".join(dict.fromkeys(n.strip() for n in day.notes if n.strip())))))


def _half_up(value: float) -> int:
    return math.floor(value + 0.5)


def _parse_bearable(records: list[dict[str, str]], tz_name: str, now: datetime, _moods: dict[str, int]) -> Parsed:
    days: dict[date, _Day] = {}
    errors: list[RowError] = []
    ignored: dict[str, int] = {}
    for i, record in enumerate(records):
        line = i + 2
        try:
            d = read_day(record.get("date formatted") or record.get("date") or "")
        except RowProblem as problem:
            errors.append(RowError(line, _sentence(problem)))
            continue
        day = days.setdefault(d, _Day(line))
        category = " ".join((record.get("category") or "").split())
        try:
            if not _bearable_reading(day, record, category.casefold()):
                ignored[category or "(no category)"] = ignored.get(category or "(no category)", 0) + 1
                continue
        except RowProblem as problem:
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
        except RowProblem as problem:
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
        raise RowProblem("this check-in could not be decrypted when it was exported, so there is nothing to "
                          "import.")
    zone = record.get("timezone", "").strip()
    zone = zone if timekeeping.is_zone(zone) else tz_name
    utc = record.get("occurred_at_utc", "").strip()
    if utc:
        try:
            instant = datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            raise RowProblem(f"“{shortened(utc)}” is not a time like 2024-03-08T09:30:00Z.") from None
        instant = checked_instant(instant, now)
    else:
        instant = wall_instant(read_day(record.get("date", "")), read_clock(record.get("time") or "12:00"), zone, now)
    measures = {m.key: read_measure(m.key, record.get(m.key, "").strip()) for m in MEASURES}
    if measures["mood"] is None:
        raise RowProblem("the mood is missing.")
    symptoms = {}
    for column, value in record.items():
        match = OWN_SYMPTOM.match(column)
        if match and value.strip():
            symptoms[read_name(match["name"], "symptom")] = int(_rating(value, 0, 4, "symptom severity"))
    split = [part.strip() for part in record.get("medications", "").split(";")]
    for part in split:
        if len(part) > scales.NAME_MAX + 1 + scales.DOSE_MAX:
            raise RowProblem(f"the medication “{shortened(part)}” is longer than a name and a dose can be.")
    return within_limits(ImportRow(
        line=line, occurred_at=instant, timezone=zone, measures=measures, symptoms=symptoms,
        tags=unique_names([read_name(t, "tag") for t in record.get("tags", "").split(";")]),
        medications=[(part, "") for part in unique_names(split)],  # "name dose": split against the catalog later
        note=read_note(record.get("note", ""))))


def _parse_own(records: list[dict[str, str]], tz_name: str, now: datetime, _moods: dict[str, int]) -> Parsed:
    rows, errors = [], []
    for i, record in enumerate(records):
        try:
            rows.append(_own_row(record, i + 2, tz_name, now))
        except RowProblem as problem:
            errors.append(RowError(i + 2, _sentence(problem)))
    mapping = [("every column", "the same field here (mood, energy, pain 0–4, sleep, symptoms 0–4, tags, "
                                "medications, note); imported check-ins are private until you share them")]
    return Parsed("Peer Journal", mapping, rows, errors)


KINDS = (
    _Kind(lambda h: {"occurred_at_utc", "mood"} <= h, _parse_own),
    _Kind(lambda h: {"category", "rating/amount"} <= h, _parse_bearable),
    _Kind(lambda h: {"mood", "activities"} <= h and bool({"full_date", "date"} & h), _parse_daylio),
)
