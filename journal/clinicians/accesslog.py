"""“Who has seen my journal”: the access log told in words, on the member's local days."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from journal import timekeeping
from journal.audit import AccessLogEntry, accesses_for, record_access
from journal.clinicians.trends import fmt_day, fmt_range
from journal.extensions import db

VERBS = {
    "dashboard": "viewed your dashboard",
    "entries": "viewed",
    "entry": "viewed",
    "export_csv": "exported",
    "export_fhir": "exported",
    "report": "opened a printable report of",
    "moderation": "reviewed reported content:",
    "questionnaires": "viewed your questionnaire results:",
    "questionnaires_fhir": "exported your questionnaire results as FHIR data:",
    "safety_plan": "viewed your safety plan",
    "health_link": "opened a health link with",  # the name is the one the opening app gave (healthlinks)
}
SUFFIX = {"export_csv": " as a spreadsheet (CSV)", "export_fhir": " as FHIR data"}


def _entries(count: int) -> str:
    return "1 entry" if count == 1 else f"{count} entries"


def describe(row: AccessLogEntry, tz_name: str) -> str:
    """E.g. “Dr Rivera viewed 12 entries from 3–9 March 2026, on 12 March 2026 at 14:05” (the owner's
    clock: two looks on one day must not read alike)."""
    local = timekeeping.local_datetime(row.created_at, tz_name)
    when = f"{fmt_day(local.date())} at {local:%H:%M}"
    span = fmt_range(row.first_day, row.last_day)
    what = f"{_entries(row.entry_count)} from {span}" if span else _entries(row.entry_count)
    verb = VERBS.get(row.action, row.description)
    if row.action.startswith("questionnaires"):
        count = "1 result" if row.entry_count == 1 else f"{row.entry_count} results"
        return f"{row.viewer_name} {verb} {count}{f' from {span}' if span else ''}, on {when}"
    if row.action == "safety_plan":  # a look at the plan, not at entries
        return f"{row.viewer_name} {verb}, on {when}"
    if row.action == "dashboard":
        detail = f" ({what})" if row.entry_count else " (no entries in the period shown)"
        return f"{row.viewer_name} {verb}{detail}, on {when}"
    return f"{row.viewer_name} {verb} {what}{SUFFIX.get(row.action, '')}, on {when}"


def log_lines(owner, limit: int = 200) -> list[tuple[AccessLogEntry, str]]:
    """The owner's access log, newest first, each row with its sentence."""
    return [(row, describe(row, owner.timezone)) for row in accesses_for(owner.id, limit=limit)]


def record_look(grant, viewer, action: str, views) -> None:
    """Record a clinician's look at a patient's entries: how many, from which local days."""
    days = [v.local_date for v in views]
    record_access(owner_id=grant.owner_id, viewer=viewer, action=action, viewer_name=viewer.display_name[:80],
                  entry_count=len(days), first_day=min(days) if days else None,
                  last_day=max(days) if days else None)


def last_look_day(owner, viewer) -> date | None:
    """The last of the owner's local days before today on which this viewer looked at their journal."""
    tz_name = owner.timezone
    start_of_today = timekeeping.day_bounds(timekeeping.today_in(tz_name), tz_name)[0]
    at = db.session.scalar(select(AccessLogEntry.created_at).where(
        AccessLogEntry.owner_id == owner.id, AccessLogEntry.viewer_id == viewer.id,
        AccessLogEntry.created_at < start_of_today).order_by(AccessLogEntry.created_at.desc()).limit(1))
    return None if at is None else timekeeping.local_day(at, tz_name)
