"""The member's own history beyond the list: a month of moods as a calendar, the check-ins of a period for
their charts, and the choices behind a printable summary for their next appointment.

Only the member's own rows, read by the local day each check-in was made on (the day the timeline shows
it under), so a member in Kiritimati and one in Los Angeles each see their check-ins on their own days.
"Today" and "this month" are in the member's zone now. Each function takes `now`, never reads the clock.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from journal import scales, series, timekeeping
from journal.accounts import User
from journal.charts import Period, last_days
from journal.checkins import MEASURES, CheckinView
from journal.entries import services, tracking
from journal.entries.models import Checkin
from journal.extensions import db
from journal.keys import key_for
from journal.reports import Selection

FIRST_MONTH = date(1970, 1, 1)  # check-ins start in 1970 (entries/validation.py)
CHART_PERIODS = (30, 90)
SUMMARY_PERIODS = (7, 30, 90)
SUMMARY_MAX_DAYS = 366


def _rows(user: User, first: date, last: date):
    return db.session.execute(
        select(*services.VIEW_COLUMNS)
        .where(Checkin.owner_id == user.id, Checkin.local_date >= first, Checkin.local_date <= last)
        .order_by(Checkin.occurred_at, Checkin.id)
    ).all()


def own_views(user: User, first: date, last: date, catalog: tracking.Catalog) -> list[CheckinView]:
    """The member's check-ins whose local day lies between `first` and `last`, oldest first, decrypted."""
    key = key_for(user)
    return [services.view_of(row, key, catalog, times=False) for row in _rows(user, first, last)]


def today_of(user: User, now: datetime) -> date:
    return timekeeping.today_in(user.timezone, now)


def chart_period(user: User, days: int, now: datetime) -> Period:
    """The last 30 or 90 days (any other number is 30) up to the member's today."""
    return last_days(today_of(user, now), days if days in CHART_PERIODS else CHART_PERIODS[0])


# --- The month calendar -----------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_month(raw: str | None) -> date | None:
    """The first day of a month written "2026-11"; None when it is not one."""
    try:
        year, month = (raw or "").split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return date(int(year), int(month), 1)
    except ValueError:
        return None


@dataclass
class CalendarDay:
    """One day of the month: how many check-ins, and the lowest mood among those that could be read."""

    day: date
    checkins: int = 0
    unreadable: int = 0
    mood: int | None = None
    today: bool = False

    @property
    def mood_label(self) -> str | None:
        return scales.MOOD.label(self.mood)

    @property
    def face(self) -> str | None:
        return scales.MOOD.face(self.mood)

    @property
    def words(self) -> str:
        """The day as a screen reader says it: the date, the mood in words, how many check-ins."""
        text = f"{self.day:%A} {self.day.day} {self.day:%B %Y}"
        if self.today:
            text += " (today)"
        if not self.checkins:
            return f"{text}: no check-ins"
        if self.mood is not None:
            text += f": lowest mood {self.mood_label.lower()} ({self.mood} of 5)"
        count = f"{self.checkins} check-in{'' if self.checkins == 1 else 's'}"
        text += f", {count}" if self.mood is not None else f": {count}"
        if self.unreadable:
            text += f", {self.unreadable} could not be read"
        return text


@dataclass
class CalendarMonth:
    month: date  # its first day
    today: date
    weeks: list[list[CalendarDay | None]]  # Monday to Sunday; None outside the month
    previous: date | None  # None before the first month there can be
    next: date | None  # None for the current month: no future months
    days: list[CalendarDay] = field(default_factory=list)

    @property
    def days_with_checkins(self) -> int:
        return sum(1 for d in self.days if d.checkins)


def month_calendar(user: User, month: date, *, now: datetime) -> CalendarMonth:
    """A month of the member's check-ins, day by day (ValueError for a month after this one or before
    1970). Decrypts each check-in of the month for its mood, and none of the member's item names."""
    today = today_of(user, now)
    current = month_start(today)
    if not FIRST_MONTH <= month <= current:
        raise ValueError("no such month to show")
    following = add_months(month, 1)
    days = [CalendarDay(month + timedelta(days=i)) for i in range((following - month).days)]
    for day in days:
        day.today = day.day == today
    key = key_for(user)
    for row in _rows(user, month, following - timedelta(days=1)):
        # The payload holds every value of a check-in, one ciphertext; no catalog: names are not shown.
        view = services.view_of(row, key, tracking.EMPTY_CATALOG, times=False)
        cell = days[view.local_date.day - 1]
        cell.checkins += 1
        if not view.readable:
            cell.unreadable += 1
        elif view.mood is not None and (cell.mood is None or view.mood < cell.mood):
            cell.mood = view.mood
    cells: list[CalendarDay | None] = [None] * month.weekday() + days
    cells += [None] * (-len(cells) % 7)
    return CalendarMonth(month, today, [cells[i:i + 7] for i in range(0, len(cells), 7)],
                         add_months(month, -1) if month > FIRST_MONTH else None,
                         following if following <= current else None, days)


# --- The summary for an appointment ------------------------------------------------------------------


@dataclass
class SummaryChoice:
    """What the member chose on the summary form, as they chose it (the form shows it again)."""

    range: str = "30"  # "7", "30", "90" or "custom"
    date_from: str = ""
    date_to: str = ""
    measures: set[str] = field(default_factory=set)
    items: bool = True
    notes: bool = False


def measure_choices(catalog: tracking.Catalog) -> list[tuple[str, str]]:
    """(key, name) of every measure a summary can include: mood, energy, pain, sleep, each symptom."""
    symptoms = [(series.symptom_key(s.id), s.name + (" (archived)" if s.archived else "")) for s in catalog.symptoms]
    return [(m.stored, m.name) for m in MEASURES] + symptoms


def default_choice(catalog: tracking.Catalog) -> SummaryChoice:
    """The form's first state: the last 30 days, every measure, medications and tags, no notes. Nothing is
    saved, so starting from everything costs nothing; notes are personal, so they wait to be chosen."""
    return SummaryChoice(measures={key for key, _ in measure_choices(catalog)})


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def parse_summary(args: Mapping, *, catalog: tracking.Catalog, today: date,
                  ) -> tuple[SummaryChoice, Period | None, Selection | None, dict[str, str]]:
    """The summary form's query string: the choice (to show again), and the period and selection, or the
    messages for each field that needs another look."""
    known = {key for key, _ in measure_choices(catalog)}
    choice = SummaryChoice(range=args.get("range", ""), date_from=args.get("from", ""), date_to=args.get("to", ""),
                           measures=set(args.getlist("m")) & known, items=args.get("items") == "1",
                           notes=args.get("notes") == "1")
    errors: dict[str, str] = {}
    period = None
    if choice.range in {str(d) for d in SUMMARY_PERIODS}:
        period = last_days(today, int(choice.range))
    elif choice.range == "custom":
        first, last = _day(choice.date_from), _day(choice.date_to)
        if first is None:
            errors["from"] = "Give the first day, like 2026-03-08."
        if last is None:
            errors["to"] = "Give the last day, like 2026-03-31."
        if first and last:
            if first > last:
                errors["to"] = "The last day is before the first day: swap them?"
            elif last > today:
                errors["to"] = "The last day cannot be after today."
            elif first.year < FIRST_MONTH.year:
                errors["from"] = "That day is too far in the past."
            elif (last - first).days + 1 > SUMMARY_MAX_DAYS:
                errors["to"] = f"Choose at most {SUMMARY_MAX_DAYS} days."
            else:
                period = Period(first, last)
    else:
        errors["range"] = "Choose which days to include."
    if not (choice.measures or choice.items or choice.notes):
        errors["include"] = "Choose at least one thing to include."
    if errors:
        return choice, None, None, errors
    return choice, period, Selection(frozenset(choice.measures), choice.items, choice.notes), {}


def describe(selection: Selection, catalog: tracking.Catalog) -> str:
    """What a summary includes and leaves out, in words (printed on it, for whoever reads it). A symptom
    left out is not named: unticking it must not tell the reader that the member tracks it."""
    declared = {m.stored for m in MEASURES}
    chosen = [name.lower() if key in declared else name for key, name in measure_choices(catalog)
              if selection.shows(key)]
    left_out = [m.name.lower() for m in MEASURES if not selection.shows(m.stored)]
    (chosen if selection.items else left_out).append("medications and tags")
    (chosen if selection.notes else left_out).append("notes")
    return "Includes: " + ", ".join(chosen) + "." + (" Left out: " + ", ".join(left_out) + "." if left_out else "")
