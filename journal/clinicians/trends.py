"""What a clinician reads at a glance: decrypted check-ins for a period, dates in words, and signals
worth a look. The series, item tracks and summaries the charts and reports draw on are feature-neutral
and live in journal/series.py, shared with the member's own charts.

Signals work on every check-in in scope: means appear only in words, next to the counts they come from.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean

from journal import entries, scales
from journal.accounts import User
from journal.checkins import CheckinView
from journal.entries import Checkin
from journal.keys import key_for
from journal.series import SEVERE

MOOD_DROP = 1.0
RECENT_DAYS = 7
BASELINE_DAYS = 28


def decrypt_all(owner: User, checkins: list[Checkin], catalog: entries.Catalog | None = None) -> list[CheckinView]:
    """Decrypt the owner's check-ins with their key and catalog (loaded unless given), keeping their order."""
    if not checkins:
        return []
    key = key_for(owner)
    catalog = catalog or entries.load_catalog(owner)
    return [entries.view_of(row, key, catalog) for row in checkins]


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
