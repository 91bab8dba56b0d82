"""Check-ins as series: one per measure and per symptom for the charts, medications and tags over time,
and the counts, means and ranges of a period.

Feature-neutral, on the kernel floor: the member's own charts and summary (entries) and a clinician's
dashboard and reports (clinicians) both draw from here, and it imports neither feature. It works on
decrypted check-ins, `journal.checkins.CheckinView`.

Everything here works on every check-in given: nothing is averaged away before it is drawn. Means
appear only in words and tables, next to the counts they come from.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import fmean
from typing import TYPE_CHECKING

from journal import scales
from journal.checkins import MEASURES

if TYPE_CHECKING:
    from journal.checkins import CheckinView

SEVERE = 3  # "severe" on the 0–4 severity scale; 4 is "very severe"


# --- Series for charts ----------------------------------------------------------------------------


@dataclass
class Point:
    at: datetime  # local time of the check-in
    value: float
    label: str
    entry_id: uuid.UUID


@dataclass
class Series:
    key: str  # "mood", "energy", "pain", "sleep" or "symptom-<id>"
    title: str
    scale: scales.Scale | None  # None for sleep hours
    points: list[Point] = field(default_factory=list)
    low: float = 0
    high: float = 4
    unit: str = ""




def symptom_key(symptom_id) -> str:
    """The series key of a symptom (what charts, reports and their query strings call it)."""
    return f"symptom-{symptom_id}"


def chart_series(views: list[CheckinView]) -> list[Series]:
    """One series per measure and per symptom: every readable check-in that recorded it is a point."""
    result = []
    readable = sorted((v for v in views if v.readable), key=lambda v: (v.occurred_at, v.id))
    for m in MEASURES:
        series = Series(m.stored, m.name, m.scale, low=m.low, high=m.high if m.scale else m.chart_high or m.high,
                        unit=m.unit)
        for v in readable:
            value = v.measures.get(m.key)
            if value is not None:
                words = f"{value} ({m.label(value)})" if m.scale else m.text(value)
                series.points.append(Point(v.local, value, words, v.id))
        if m.scale:
            result.append(series)
        elif series.points:  # a quantity nobody recorded is no chart at all
            series.high = max(series.high, max(p.value for p in series.points))
            result.append(series)
    symptoms: dict[uuid.UUID, Series] = {}
    for v in readable:
        for reading in v.symptoms:
            series = symptoms.setdefault(reading.id, Series(symptom_key(reading.id), reading.name, scales.SEVERITY,
                                                            low=0, high=4))
            series.points.append(Point(v.local, reading.severity, f"{reading.severity} ({reading.label})", v.id))
    result.extend(sorted(symptoms.values(), key=lambda s: s.title.casefold()))
    return result


@dataclass
class ItemTrack:
    """One medication or tag across the period: when it was recorded, with doses for medications."""

    kind: str  # "medication" or "tag"
    name: str
    times: list[datetime] = field(default_factory=list)
    doses: dict[str, int] = field(default_factory=dict)

    @property
    def days(self) -> int:
        return len({t.date() for t in self.times})

    @property
    def dose_text(self) -> str:
        return ", ".join(f"{dose or 'no dose given'} ×{count}" for dose, count in self.doses.items())


def item_tracks(views: list[CheckinView]) -> list[ItemTrack]:
    """Medications then tags, each with every check-in that recorded it."""
    meds: dict[uuid.UUID, ItemTrack] = {}
    tags: dict[uuid.UUID, ItemTrack] = {}
    for v in sorted((v for v in views if v.readable), key=lambda v: (v.occurred_at, v.id)):
        for med_id, name, dose in v.medications:
            track = meds.setdefault(med_id, ItemTrack("medication", name))
            track.times.append(v.local)
            track.doses[dose or ""] = track.doses.get(dose or "", 0) + 1
        for tag_id, name in v.tags:
            tags.setdefault(tag_id, ItemTrack("tag", name)).times.append(v.local)
    by_name = lambda t: t.name.casefold()  # noqa: E731
    return sorted(meds.values(), key=by_name) + sorted(tags.values(), key=by_name)


# --- A period in numbers ---------------------------------------------------------------------------


@dataclass
class MeasureSummary:
    key: str  # as the series: "mood", "energy", "pain", "sleep"
    title: str
    count: int
    mean: float | None
    low: float | None
    high: float | None
    before_mean: float | None
    before_count: int


@dataclass
class Summary:
    start: date
    end: date
    count: int
    days_with_checkins: int
    measures: list[MeasureSummary]
    symptoms: list[tuple[str, int, int, int]]  # name, days recorded, days severe+, highest severity
    started: list[str]
    stopped: list[str]
    dose_changes: list[str]
    tags: list[tuple[str, int]]
    with_notes: list[CheckinView]


SUMMARY_MEASURES = tuple((m.stored, m.key, m.heading) for m in MEASURES)


def _stats(values: list[float]) -> tuple[float | None, float | None, float | None]:
    if not values:
        return None, None, None
    return fmean(values), min(values), max(values)


def summarize(views: list[CheckinView], start: date, end: date) -> Summary:
    """What changed between `start` and `end`, compared with the same number of days before (as far as
    `views` reach back: give only the period's check-ins and the "before" figures stay empty)."""
    span = (end - start).days + 1
    inside = [v for v in views if v.readable and start <= v.local_date <= end]
    before = [v for v in views if v.readable and start - timedelta(days=span) <= v.local_date < start]
    measures = []
    for key, attr, title in SUMMARY_MEASURES:
        now_values = [v.measures[attr] for v in inside if v.measures.get(attr) is not None]
        before_values = [v.measures[attr] for v in before if v.measures.get(attr) is not None]
        mean, low, high = _stats(now_values)
        measures.append(MeasureSummary(key, title, len(now_values), mean, low, high,
                                       fmean(before_values) if before_values else None, len(before_values)))
    symptom_days: dict[str, set[date]] = defaultdict(set)
    severe: dict[str, set[date]] = defaultdict(set)
    highest: dict[str, int] = {}
    for v in inside:
        for s in v.symptoms:
            symptom_days[s.name].add(v.local_date)
            highest[s.name] = max(highest.get(s.name, 0), s.severity)
            if s.severity >= SEVERE:
                severe[s.name].add(v.local_date)
    symptoms = sorted(((n, len(d), len(severe[n]), highest[n]) for n, d in symptom_days.items()),
                      key=lambda row: (-row[2], -row[1], row[0].casefold()))

    def doses(group):
        found: dict[str, set[str]] = defaultdict(set)
        for v in group:
            for _, name, dose in v.medications:
                found[name].add(dose or "")
        return found

    now_doses, before_doses = doses(inside), doses(before)
    started = sorted(set(now_doses) - set(before_doses), key=str.casefold) if before else []
    stopped = sorted(set(before_doses) - set(now_doses), key=str.casefold)
    dose_changes = [f"{name}: {', '.join(sorted(d for d in before_doses[name] if d) or ['no dose'])} → "
                    f"{', '.join(sorted(d for d in now_doses[name] if d) or ['no dose'])}"
                    for name in sorted(set(now_doses) & set(before_doses), key=str.casefold)
                    if now_doses[name] != before_doses[name]]
    tag_counts: dict[str, int] = defaultdict(int)
    for v in inside:
        for _, name in v.tags:
            tag_counts[name] += 1
    return Summary(start, end, len(inside), len({v.local_date for v in inside}), measures, symptoms,
                   started, stopped, dose_changes, sorted(tag_counts.items(), key=lambda t: (-t[1], t[0])),
                   [v for v in inside if v.note])
