"""Exports of check-ins: CSV (one row per check-in), and the period an export or report covers (from the
query string). The printable report and the download helpers are shared with the member's own summary,
in journal/reports.py.

The same functions serve a clinician (what their grant covers, under the name they were given) and a
member exporting their own journal (everything, plus the audience columns).
"""
from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date

from flask import request

from journal.charts import last_days
from journal.checkins import ANSWER_KEYS, BY_KEY, CheckinView, measures_json

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PERIODS = (7, 30, 90)  # the periods pages and reports offer, in days


def date_arg(name: str) -> date | None:
    """A day from the query string; absent or malformed is None."""
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def days_arg(default: int = 30) -> int:
    """?days=7|30|90, or the default."""
    days = request.args.get("days", type=int)
    return days if days in PERIODS else default


def export_range(today: date) -> tuple[date | None, date | None]:
    """?days=7|30|90, or ?from= & ?to=, or (None, None): everything."""
    if request.args.get("days", type=int) in PERIODS:
        period = last_days(today, days_arg())
        return period.start, period.end
    return date_arg("from"), date_arg("to")


def safe_cell(value) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection): prefix risky starts with '."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def symptom_columns(views: list[CheckinView]) -> list[tuple[uuid.UUID, str]]:
    """One column per symptom that occurs, named after it (duplicates numbered), in name order."""
    names: dict[uuid.UUID, str] = {}
    for v in views:
        for s in v.symptoms:
            names.setdefault(s.id, s.name)
    columns, seen = [], {}
    for symptom_id, name in sorted(names.items(), key=lambda item: (item[1].casefold(), str(item[0]))):
        seen[name] = seen.get(name, 0) + 1
        columns.append((symptom_id, name if seen[name] == 1 else f"{name} ({seen[name]})"))
    return columns


def _num(value) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def checkins_csv(views: list[CheckinView], *, include_audience: bool = False) -> str:
    """Every check-in a row; every measure and symptom a column; medications with their doses."""
    columns = symptom_columns(views)
    header = ["date", "time", "timezone", "occurred_at_utc", "readable", *ANSWER_KEYS]
    header += [f"symptom: {name} (0-4)" for _, name in columns]
    header += ["medications", "tags", "note"]
    if include_audience:
        header += ["shared_with_clinicians", "shared_with_peers", "note_hidden_from_peers"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for v in views:
        row = [v.local_date.isoformat(), v.local.strftime("%H:%M"), v.timezone,
               v.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "yes" if v.readable else "no",
               *(_num(value) if key in BY_KEY else value or "" for key, value in measures_json(v).items())]
        severities = {s.id: s.severity for s in v.symptoms}
        row += [_num(severities.get(symptom_id)) for symptom_id, _ in columns]
        row += ["; ".join(f"{name} {dose}".strip() for _, name, dose in v.medications),
                "; ".join(name for _, name in v.tags), v.note or ""]
        if include_audience:
            row += ["yes" if v.share_clinicians else "no", "yes" if v.share_peers else "no",
                    "yes" if v.hide_note_from_peers else "no"]
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
