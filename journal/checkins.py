"""A check-in as the app reads it, on the kernel floor, and the one declaration of what a check-in measures.

`MEASURES` is the single place where mood, energy, pain and sleep are declared: their scales, limits and
refusal messages. The journal derives from it how a form and JSON are parsed (entries/validation.py), what
the encrypted payload holds (entries/services.py), the read model (`CheckinView.measures`), the JSON answer,
the form's fields and values, the OpenAPI schemas, charts, summaries, reports and exports. Adding a measure is
a line here (and, if it needs its own look, a template). tests/entries/test_measures.py adds one to a copy of
the app and walks it through every one of those.
"""
from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from journal import scales

Number = int | float


@dataclass(frozen=True)
class Measure:
    """One thing a check-in records as a number: on a labelled scale (mood, energy, pain) or in a unit
    (sleep in hours)."""

    key: str  # its name in forms, JSON and the read model: "mood", "sleep_hours"
    name: str  # as people read it: "Mood"
    stored: str  # its key in the encrypted payload, and its series key in charts and reports ("sleep")
    scale: scales.Scale | None = None  # a labelled whole-number scale, or None for a quantity
    required: bool = False
    faces: bool = False  # the form shows the scale's faces
    maximum: float = 0  # a quantity runs from 0 to this…
    step: float = 1  # …and is rounded to this
    unit: str = ""  # a quantity's unit, as shown: "h"
    question: str = ""  # a quantity's form label: "Hours of sleep"
    unit_name: str = ""  # a quantity's unit in words, for headings: "hours"
    chart_high: float = 0  # a quantity's chart runs at least this high (sleep: 12 h, stretched by longer nights)

    @property
    def message(self) -> str:
        """What a refused value is told (the API document repeats it as the field's x-message)."""
        if self.scale:
            return f"Choose a {self.scale.name} from {self.scale.low} to {self.scale.high}."
        return f"{self.question} from 0 to {self.maximum:g}."

    @property
    def low(self) -> Number:
        return self.scale.low if self.scale else 0

    @property
    def high(self) -> Number:
        return self.scale.high if self.scale else self.maximum

    def parse(self, raw: Any, errors: dict[str, str], key: str | None = None) -> Number | None:
        """The value from a form or JSON (None when left out), or None and a message in `errors`."""
        key = key or self.key
        if raw is None or raw == "":
            if self.required:
                errors[key] = f"Choose how your {self.name.lower()} is."
            return None
        value = self._number(raw)
        if value is None or not self.low <= value <= self.high:
            errors[key] = self.message
            return None
        return value

    def _number(self, raw: Any) -> Number | None:
        if isinstance(raw, bool):  # JSON's true is not 1
            return None
        try:
            if self.scale:
                value = int(raw)
                if isinstance(raw, float) and raw != value:
                    return None
                return value
            value = float(raw)
        except (TypeError, ValueError, OverflowError):
            return None
        if not math.isfinite(value):
            return None
        return round(value / self.step) * self.step

    @property
    def heading(self) -> str:
        """Its name with its range or unit, for tables and summaries: "Mood (1–5)", "Sleep (hours)"."""
        return f"{self.name} ({self.low}–{self.high})" if self.scale else f"{self.name} ({self.unit_name})"

    def label(self, value: Number | None) -> str | None:
        """A scale's word for the value ("Good"); None for a quantity or no value."""
        return self.scale.label(value) if self.scale and value is not None else None

    def text(self, value: Number) -> str:
        """The value as a person reads it: "Good", "7.5 h"."""
        return self.scale.label(value) if self.scale else f"{value:g} {self.unit}".rstrip()


def _scale_measure(key: str, scale: scales.Scale, **kwargs) -> Measure:
    return Measure(key, key.capitalize(), key, scale, **kwargs)


SEVERITY = _scale_measure("severity", scales.SEVERITY, required=True)  # each symptom's reading
MEASURES: tuple[Measure, ...] = (
    _scale_measure("mood", scales.MOOD, required=True, faces=True),
    _scale_measure("energy", scales.ENERGY),
    _scale_measure("pain", scales.PAIN),
    Measure("sleep_hours", "Sleep", "sleep", maximum=scales.SLEEP_MAX, step=0.25, unit="h",
            question="Hours of sleep", unit_name="hours", chart_high=12),
)
BY_KEY = {m.key: m for m in MEASURES}
# What a check-in's JSON answer says of its measures: each value, and each scale's word beside it.
ANSWER_KEYS = tuple(k for m in MEASURES for k in ((m.key, f"{m.key}_label") if m.scale else (m.key,)))


def words_for_scripts() -> list[list[str]]:
    """[key, name, how a value is written after it] for offline.js, which describes a queued check-in
    ("Mood 3/5, Sleep 7 h") on any page, with no form at hand."""
    return [[m.key, m.name, f"/{m.high}" if m.scale else f" {m.unit}"] for m in MEASURES]


def measures_json(view: Measured) -> dict[str, Number | str | None]:
    """The measures of a check-in (or an unreadable one's nulls) as its JSON answer has them."""
    answer: dict[str, Number | str | None] = {}
    for m in MEASURES:
        value = view.measures.get(m.key)
        answer[m.key] = value
        if m.scale:
            answer[f"{m.key}_label"] = m.label(value)
    return answer


class Measured:
    """`view.mood`, `view.mood_label`, `view.mood_face` for each declared measure, read from `measures`,
    so templates and code name a measure as an attribute while the fields stay declared once."""

    __slots__ = ()

    def __getattr__(self, name: str):
        measure = BY_KEY.get(name)
        if measure is not None:
            return self.measures.get(name)
        base, _, suffix = name.rpartition("_")
        measure = BY_KEY.get(base)
        if measure is not None and suffix == "label":
            return measure.label(self.measures.get(base))
        if measure is not None and suffix == "face" and measure.scale:
            return measure.scale.face(self.measures.get(base))
        raise AttributeError(name)


@dataclass(slots=True)
class SymptomReading:
    id: str
    name: str
    severity: int

    @property
    def label(self) -> str:
        return scales.SEVERITY.label(self.severity)


@dataclass(slots=True)
class CheckinView(Measured):
    """A check-in decrypted for display: what templates and the API render. Built by keyword."""

    id: uuid.UUID
    occurred_at: datetime
    timezone: str
    local: datetime
    local_date: date
    created_at: datetime | None = None  # None on timeline pages, which do not show them
    updated_at: datetime | None = None
    readable: bool = True
    measures: dict[str, Number | None] = field(default_factory=dict)  # by Measure.key; left out is None
    symptoms: list[SymptomReading] = field(default_factory=list)
    tags: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    medications: list[tuple[str, str, str]] = field(default_factory=list)  # (id, name, dose)
    note: str = ""
    share_peers: bool = False
    share_clinicians: bool = False
    hide_note_from_peers: bool = False
    owner_id: int | None = None
    ref: str = ""  # the id, as text (made once: links and the ciphertext's bound data both need it)

    def recorded(self) -> list[tuple[Measure, Number]]:
        """The measures this check-in recorded, in declaration order."""
        return [(m, self.measures[m.key]) for m in MEASURES if self.measures.get(m.key) is not None]
