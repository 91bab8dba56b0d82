"""Turning untrusted input (API JSON or a posted form) into a valid check-in, or field-by-field errors.

Both skins of the journal, HTML and JSON, go through `parse_checkin`, so they accept and refuse the
same things with the same messages.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from journal import scales, timekeeping
from journal.checkins import MEASURES, SEVERITY, Measured, Number
from journal.domain import ValidationError

# A phone's clock may run a little ahead of the server's.
_FUTURE_SLACK = timedelta(minutes=10)
CHECKIN_FIELDS = frozenset(
    {"occurred_at", "timezone", *(m.key for m in MEASURES), "symptoms", "tags", "medications", "note", "audience"}
)
AUDIENCE_FIELDS = ("peers", "clinicians", "hide_note_from_peers")


# Messages the API document repeats for its schema checks (x-message in entries/apispec.py), so a check-in
# refused by either says the same thing.
ZONE_MESSAGE = "Use an IANA time zone such as Europe/Berlin."
INSTANT_MESSAGE = "Give a date and time like 2026-03-08T09:30:00+01:00."
AUDIENCE_MESSAGE = "An object with true/false for peers, clinicians and hide_note_from_peers."


@dataclass
class CheckinInput(Measured):
    """A valid check-in, as parsed: `measures` by Measure.key (`data.mood` reads it)."""

    occurred_at: datetime
    timezone: str
    measures: dict[str, Number | None] = field(default_factory=dict)
    symptoms: dict[uuid.UUID, int] = field(default_factory=dict)
    tags: list[uuid.UUID] = field(default_factory=list)
    medications: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    note: str = ""
    share_peers: bool = False
    share_clinicians: bool = False
    hide_note_from_peers: bool = False


def _uuid(raw: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def _occurred_at(raw: Any, errors: dict, now: datetime) -> datetime | None:
    if raw is None or raw == "":
        return now
    if not isinstance(raw, str):
        errors["occurred_at"] = INSTANT_MESSAGE
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        errors["occurred_at"] = INSTANT_MESSAGE
        return None
    if value.tzinfo is None:
        errors["occurred_at"] = "Include a UTC offset, e.g. 2026-03-08T09:30:00Z."
        return None
    try:
        value = timekeeping.to_utc(value)
    except ValueError:  # 0001-01-01T00:00+14:00 is before the first instant a datetime can hold
        errors["occurred_at"] = "That date is out of range."
        return None
    if value > now + _FUTURE_SLACK:
        errors["occurred_at"] = "A check-in cannot be in the future."
        return None
    if value.year < 1970:
        errors["occurred_at"] = "That date is too far in the past."
        return None
    return value


def parse_checkin(raw: Mapping[str, Any], *, default_timezone: str, now: datetime) -> CheckinInput:
    """Validate a whole check-in. Raises ValidationError listing every problem at once."""
    if not isinstance(raw, Mapping):
        raise ValidationError({}, "Send a JSON object.")
    errors: dict[str, str] = {key: "Unknown field." for key in sorted(set(raw) - CHECKIN_FIELDS)}

    tz_name = raw.get("timezone") or default_timezone
    if not isinstance(tz_name, str) or not timekeeping.is_zone(tz_name):
        errors["timezone"] = ZONE_MESSAGE
        tz_name = "UTC"
    occurred_at = _occurred_at(raw.get("occurred_at"), errors, now)
    measures = {m.key: m.parse(raw.get(m.key), errors) for m in MEASURES}
    symptoms = _symptoms(_listed(raw, "symptoms", scales.SYMPTOMS_MAX, errors,
                                 f"A list of up to {scales.SYMPTOMS_MAX} symptoms with severities."), errors)
    tags = _tags(_listed(raw, "tags", scales.TAGS_MAX, errors, f"A list of up to {scales.TAGS_MAX} tag ids."), errors)
    medications = _medications(_listed(raw, "medications", scales.MEDICATIONS_MAX, errors,
                                       f"A list of up to {scales.MEDICATIONS_MAX} medications."), errors)
    note = _note(raw.get("note") or "", errors)
    audience = raw.get("audience") or {}
    if not isinstance(audience, Mapping) or set(audience) - set(AUDIENCE_FIELDS) or \
            not all(isinstance(v, bool) for v in audience.values()):
        errors["audience"] = AUDIENCE_MESSAGE
        audience = {}

    if errors:
        raise ValidationError(errors)
    return CheckinInput(occurred_at=occurred_at, timezone=tz_name, measures=measures, symptoms=symptoms,
                        tags=tags, medications=medications, note=note,
                        share_peers=audience.get("peers", False),
                        share_clinicians=audience.get("clinicians", False),
                        hide_note_from_peers=audience.get("hide_note_from_peers", False))


def _listed(raw: Mapping[str, Any], key: str, most: int, errors: dict[str, str], message: str) -> list:
    """The field's list (empty when left out), or an empty list and `message` when it is not one or too long."""
    value = raw.get(key) or []
    if not isinstance(value, list) or len(value) > most:
        errors[key] = message
        return []
    return value


def _symptoms(items: list, errors: dict[str, str]) -> dict[uuid.UUID, int]:
    symptoms: dict[uuid.UUID, int] = {}
    for i, item in enumerate(items):
        symptom_id = _uuid(item.get("id")) if isinstance(item, Mapping) else None
        if symptom_id is None:
            errors[f"symptoms[{i}].id"] = "Unknown symptom."
            continue
        severity = SEVERITY.parse(item.get("severity"), errors, f"symptoms[{i}].severity")
        if severity is not None:
            symptoms[symptom_id] = severity
    return symptoms


def _tags(items: list, errors: dict[str, str]) -> list[uuid.UUID]:
    tags: list[uuid.UUID] = []
    for i, item in enumerate(items):
        tag_id = _uuid(item)
        if tag_id is None:
            errors[f"tags[{i}]"] = "Unknown tag."
        elif tag_id not in tags:
            tags.append(tag_id)
    return tags


def _medications(items: list, errors: dict[str, str]) -> list[tuple[uuid.UUID, str]]:
    medications: list[tuple[uuid.UUID, str]] = []
    for i, item in enumerate(items):
        med_id = _uuid(item.get("id")) if isinstance(item, Mapping) else None
        if med_id is None:
            errors[f"medications[{i}].id"] = "Unknown medication."
            continue
        dose = item.get("dose") or ""
        if not isinstance(dose, str) or len(dose) > scales.DOSE_MAX:
            errors[f"medications[{i}].dose"] = f"A dose of up to {scales.DOSE_MAX} characters."
            continue
        medications.append((med_id, dose.strip()))
    return medications


def _note(note: Any, errors: dict[str, str]) -> str:
    if not isinstance(note, str):
        errors["note"] = "The note must be text."
        return ""
    if len(note) > scales.NOTE_MAX:
        errors["note"] = f"Notes can be up to {scales.NOTE_MAX:,} characters (this one has {len(note):,})."
    return note.replace("\r\n", "\n")


def audience_from_form(form: Mapping[str, Any]) -> dict[str, bool]:
    """The check-in form's "Who can see this?" checkboxes as the API's audience object."""
    return {"peers": form.get("share_peers") == "1", "clinicians": form.get("share_clinicians") == "1",
            "hide_note_from_peers": form.get("hide_note_from_peers") == "1"}


def raw_from_form(form: Mapping[str, Any], *, default_timezone: str, now: datetime,
                  also_taken: Iterable[str] = ()) -> dict[str, Any]:
    """Map the HTML check-in form onto the API's JSON shape (the form's own field errors raise here).
    `also_taken`: medications the member marked taken with one tap ("as planned"), besides those ticked."""
    errors: dict[str, str] = {}
    tz_name = form.get("timezone") or default_timezone
    raw: dict[str, Any] = {
        "timezone": tz_name,
        **{m.key: form.get(m.key) for m in MEASURES},
        "note": form.get("note", ""),
        "tags": form.getlist("tag") if hasattr(form, "getlist") else form.get("tag", []),
        "symptoms": [
            {"id": key.removeprefix("sev-"), "severity": value}
            for key, value in form.items() if key.startswith("sev-") and value != ""
        ],
        "medications": [
            {"id": med_id, "dose": form.get(f"dose-{med_id}", "")}
            for med_id in dict.fromkeys([*(form.getlist("med") if hasattr(form, "getlist") else form.get("med", [])),
                                         *also_taken])
        ],
        "audience": audience_from_form(form),
    }
    day, at = form.get("day"), form.get("time")
    if day or at:
        try:
            local_day = date.fromisoformat(day) if day else timekeeping.today_in(tz_name, now)
            local_time = time.fromisoformat(at) if at else time(12, 0)
            if timekeeping.is_zone(tz_name):
                raw["occurred_at"] = timekeeping.local_to_utc(local_day, local_time, tz_name).isoformat()
        except ValueError:
            errors["day"] = "Choose a valid day and time."
    if errors:
        raise ValidationError(errors)
    return raw
