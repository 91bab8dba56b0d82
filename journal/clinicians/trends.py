"""What a clinician reads at a glance: decrypted check-ins for a period, signals worth a look, series
for the charts, medications and tags over time, and the "since last visit" summary.

Everything here works on every check-in in scope: nothing is averaged away before it is drawn. Means
appear only in words (signals, summaries), next to the counts they come from.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import fmean

from journal.auth.models import User
from journal.auth.services import data_key_for
from journal.entries import scales, services, tracking
from journal.entries.models import Checkin
from journal.entries.services import CheckinView

SEVERE = 3  # "severe" on the 0–4 severity scale; 4 is "very severe"
MOOD_DROP = 1.0
RECENT_DAYS = 7
BASELINE_DAYS = 28


def decrypt_all(owner: User, checkins: list[Checkin], catalog: tracking.Catalog | None = None) -> list[CheckinView]:
    """Decrypt the owner's check-ins with their key and catalog (loaded unless given), keeping their order."""
    if not checkins:
        return []
    key = data_key_for(owner)
    catalog = catalog or tracking.load_catalog(owner)
    return [services.view_of(row, key, catalog) for row in checkins]


def fmt_day(day: date, with_year: bool = True) -> str:
    return f"{day.day} {day:%B}" + (f" {day.year}" if with_year else "")


def fmt_range(first: date | None, last: date | None) -> str:
    """“3–9 March”, “28 February – 6 March”, “30 December 2025 – 2 January 2026”."""
    if first is None or last is None:
        return ""
    if first == last:
        return fmt_day(first)
    if first.year != last.year:
        return f"{fmt_day(first)} – {fmt_day(last)}"
    if first.month != last.month:
        return f"{fmt_day(first, False)} – {fmt_day(last)}"
    return f"{first.day}–{last.day} {last:%B} {last.year}"


# --- Signals --------------------------------------------------------------------------------------


@dataclass
class Signal:
    code: str  # mood_drop, no_recent_checkin, severe_symptom
    title: str
    explanation: str


def signals(views: list[CheckinView], today: date, *, scope_note: str = "",
            last_day: date | None = None) -> list[Signal]:
    """Plain-language signals worth a look, each explained with the numbers behind it. `views` should
    cover at least the last 35 days; `last_day` is the latest check-in day if it may be older."""
    found: list[Signal] = []
    readable = [v for v in views if v.readable]
    recent_start = today - timedelta(days=RECENT_DAYS - 1)
    baseline_start = recent_start - timedelta(days=BASELINE_DAYS)
    recent = [v for v in readable if recent_start <= v.local_date <= today]
    baseline = [v for v in readable if baseline_start <= v.local_date < recent_start]

    recent_moods = [v.mood for v in recent if v.mood is not None]
    base_moods = [v.mood for v in baseline if v.mood is not None]
    if len(recent_moods) >= 2 and len(base_moods) >= 3:
        now_mean, before_mean = fmean(recent_moods), fmean(base_moods)
        if before_mean - now_mean >= MOOD_DROP:
            found.append(Signal(
                "mood_drop", "Mood lower than usual",
                f"Mood over the last {RECENT_DAYS} days averaged {now_mean:.1f} "
                f"({scales.MOOD.label(round(now_mean))}) across {len(recent_moods)} check-ins, "
                f"{before_mean - now_mean:.1f} points below the {BASELINE_DAYS} days before "
                f"({before_mean:.1f} across {len(base_moods)} check-ins). Mood is rated 1 (awful) to 5 (great).",
            ))

    days_seen = [v.local_date for v in views if v.local_date <= today]
    if last_day is not None and last_day <= today:
        days_seen.append(last_day)
    if not any(d >= recent_start for d in days_seen):
        if days_seen:
            last = max(days_seen)
            gap = (today - last).days
            text = f"The last check-in{scope_note} was on {fmt_day(last)}, {gap} days ago."
        else:
            text = f"There are no check-ins{scope_note} yet."
        found.append(Signal("no_recent_checkin", f"No check-in for {RECENT_DAYS} days", text))

    severe_days: dict[str, set[date]] = defaultdict(set)
    for view in recent:
        if view.pain is not None and view.pain >= SEVERE:
            severe_days["Pain"].add(view.local_date)
        for reading in view.symptoms:
            if reading.severity >= SEVERE:
                severe_days[reading.name].add(view.local_date)
    for name, days in sorted(severe_days.items(), key=lambda item: (-len(item[1]), item[0].casefold())):
        if len(days) >= 3:
            found.append(Signal(
                "severe_symptom", f"{name}: severe on {len(days)} days",
                f"{name} was rated severe or very severe on {len(days)} of the last {RECENT_DAYS} days "
                f"({', '.join(fmt_day(d, False) for d in sorted(days))}).",
            ))
    return found


# --- Series for charts ----------------------------------------------------------------------------


@dataclass
class Point:
    at: datetime  # local time of the check-in
    value: float
    label: str
    entry_id: uuid.UUID


@dataclass
class Series:
    key: str
    title: str
    scale: scales.Scale | None  # None for sleep hours
    points: list[Point] = field(default_factory=list)
    low: float = 0
    high: float = 4
    unit: str = ""


MEASURES = (("mood", "Mood", scales.MOOD), ("energy", "Energy", scales.ENERGY), ("pain", "Pain", scales.PAIN))


def chart_series(views: list[CheckinView]) -> list[Series]:
    """One series per measure and per symptom: every readable check-in that recorded it is a point."""
    result = []
    readable = sorted((v for v in views if v.readable), key=lambda v: (v.occurred_at, v.id))
    for key, title, scale in MEASURES:
        series = Series(key, title, scale, low=scale.low, high=scale.high)
        for v in readable:
            value = getattr(v, key)
            if value is not None:
                series.points.append(Point(v.local, value, f"{value} ({scale.label(value)})", v.id))
        result.append(series)
    sleep = Series("sleep", "Sleep", None, low=0, high=12, unit="h")
    for v in readable:
        if v.sleep_hours is not None:
            sleep.points.append(Point(v.local, v.sleep_hours, f"{v.sleep_hours:g} h", v.id))
    if sleep.points:
        sleep.high = max(12, max(p.value for p in sleep.points))
        result.append(sleep)
    symptoms: dict[uuid.UUID, Series] = {}
    for v in readable:
        for reading in v.symptoms:
            series = symptoms.setdefault(reading.id, Series(f"symptom-{reading.id}", reading.name, scales.SEVERITY,
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


# --- Since last visit ------------------------------------------------------------------------------


@dataclass
class MeasureSummary:
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


def _stats(values: list[float]) -> tuple[float | None, float | None, float | None]:
    if not values:
        return None, None, None
    return fmean(values), min(values), max(values)


def summarize(views: list[CheckinView], start: date, end: date) -> Summary:
    """What changed between `start` and `end`, compared with the same number of days before."""
    span = (end - start).days + 1
    inside = [v for v in views if v.readable and start <= v.local_date <= end]
    before = [v for v in views if v.readable and start - timedelta(days=span) <= v.local_date < start]
    measures = []
    for key, title in (("mood", "Mood (1–5)"), ("energy", "Energy (1–5)"), ("pain", "Pain (0–4)"),
                       ("sleep_hours", "Sleep (hours)")):
        now_values = [getattr(v, key) for v in inside if getattr(v, key) is not None]
        before_values = [getattr(v, key) for v in before if getattr(v, key) is not None]
        mean, low, high = _stats(now_values)
        measures.append(MeasureSummary(title, len(now_values), mean, low, high,
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
