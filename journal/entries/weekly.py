"""The member's week in numbers: Monday to Sunday in their own zone, against the week before.

Built on `series.summarize` (the same counts, means and ranges as the printable summary) with what a week
adds: each symptom's mean severity and the tags used most. Takes `today`, never reads the clock.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean

from journal import series
from journal.accounts import User
from journal.checkins import CheckinView
from journal.domain import DomainError
from journal.entries import history, tracking

WEEK = re.compile(r"(\d{4})-W(\d{2})", re.ASCII)
TOP_TAGS = 5


class BadWeek(DomainError):
    """The week asked for is not one this page can show; the message says why."""


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_name(monday: date) -> str:
    """The ISO week, as the page's query string writes it: "2026-W49"."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(raw: str | None, today: date) -> date:
    """The Monday of the week `raw` names ("2026-W49"; None or "" is this week), or BadWeek."""
    current = monday_of(today)
    if not raw:
        return current
    match = WEEK.fullmatch(raw)
    if not match:
        raise BadWeek("Give a week like 2026-W49 (the year, a W and the week's number).")
    if int(match.group(1)) < history.FIRST_MONTH.year:
        raise BadWeek("That week is too far in the past.")
    try:
        monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise BadWeek(f"{match.group(1)} has no week {int(match.group(2))}.") from None
    if monday > current:
        raise BadWeek("That week has not started yet.")
    if monday < monday_of(history.FIRST_MONTH):
        raise BadWeek("That week is too far in the past.")
    return monday


@dataclass
class SymptomWeek:
    name: str
    readings: int
    days: int
    mean: float
    highest: int


@dataclass
class Week:
    monday: date
    sunday: date
    today: date
    summary: series.Summary  # its "before" figures are the week before
    symptoms: list[SymptomWeek]
    top_tags: list[tuple[str, int]]

    @property
    def name(self) -> str:
        return week_name(self.monday)

    @property
    def previous(self) -> str | None:
        earlier = self.monday - timedelta(days=7)
        return week_name(earlier) if earlier >= monday_of(history.FIRST_MONTH) else None

    @property
    def next(self) -> str | None:
        later = self.monday + timedelta(days=7)
        return week_name(later) if later <= monday_of(self.today) else None

    @property
    def is_current(self) -> bool:
        return self.monday == monday_of(self.today)


def symptom_weeks(views: list[CheckinView]) -> list[SymptomWeek]:
    """Each symptom recorded: how often, on how many days, its mean and highest severity; the most
    severe on average first."""
    readings: dict[str, list[int]] = defaultdict(list)
    days: dict[str, set[date]] = defaultdict(set)
    for v in views:
        if not v.readable:
            continue
        for s in v.symptoms:
            readings[s.name].append(s.severity)
            days[s.name].add(v.local_date)
    found = [SymptomWeek(name, len(values), len(days[name]), fmean(values), max(values))
             for name, values in readings.items()]
    return sorted(found, key=lambda s: (-s.mean, -s.days, s.name.casefold()))


def week_of(user: User, monday: date, today: date, catalog: tracking.Catalog) -> Week:
    """The week that starts on `monday`, with the week before it for comparison (both decrypted here)."""
    sunday = monday + timedelta(days=6)
    views = history.own_views(user, monday - timedelta(days=7), sunday, catalog)
    summary = series.summarize(views, monday, sunday)
    inside = [v for v in views if monday <= v.local_date <= sunday]
    return Week(monday, sunday, today, summary, symptom_weeks(inside), summary.tags[:TOP_TAGS])
