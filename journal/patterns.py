"""What seems to go with better days: for each tag, medication and band of sleep, the member's measures and
symptoms on the days with it and the days without, with an honest uncertainty, the same day and the day after.

On the kernel floor and pure (no Flask, no database): it works on decrypted check-ins
(`journal.checkins.CheckinView`) that the caller read for the member, and keeps nothing.

How the numbers are made, so that a reader can check them by hand:
- A day is a local day (the day the timeline shows a check-in under). A measure's value on a day is the
  mean of that day's check-ins that recorded it; a symptom's is the mean of its severities that day. Only
  days with a readable check-in count: a day with no check-in says nothing either way.
- A day "with" a tag or a medication has a check-in that recorded it (for a medication: logged as taken);
  every other checked-in day is "without". A sleep band sorts the days that recorded sleep by that day's
  mean hours; days without sleep recorded are on neither side.
- A comparison needs at least `MIN_DAYS` days on each side, else it is "too few days to say". The interval
  is Welch's 95% interval for a difference of two means (unequal variances), with Student's t quantile
  computed here (no scipy).
- The day after: day d+1's value, grouped by whether day d had the factor (both days checked in).
Comparisons with enough days are ordered by the size of the difference; the rest follow in the factors'
order (tags, medications by name, then sleep from short to long).
Nothing here says why two things went together: words for pages are in the template, free of causal verbs.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import fmean
from typing import TYPE_CHECKING

from journal.checkins import MEASURES
from journal.intervals import Interval, welch_interval

if TYPE_CHECKING:
    from journal.checkins import CheckinView

MIN_DAYS = 3  # on each side, as Bearable's factor effects need (reference: outcomes-and-standards.md §3)
SLEEP_KEY = "sleep_hours"


# --- Days ----------------------------------------------------------------------------------------------


@dataclass
class Day:
    """One local day of check-ins, collapsed: each value the mean of the day's readings."""

    day: date
    measures: dict[str, float] = field(default_factory=dict)  # Measure.key -> mean
    symptoms: dict[str, float] = field(default_factory=dict)  # symptom id -> mean severity
    items: set[str] = field(default_factory=set)  # factor keys of the tags and medications recorded


def _tag_key(tag_id) -> str:
    return f"tag-{tag_id}"


def _medication_key(med_id) -> str:
    return f"medication-{med_id}"


def symptom_outcome_key(symptom_id) -> str:
    return f"symptom-{symptom_id}"


def days_of(views: Iterable[CheckinView]) -> dict[date, Day]:
    """The readable check-ins collapsed to their local days, by day."""
    values: dict[date, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    severities: dict[date, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    days: dict[date, Day] = {}
    for v in views:
        if not v.readable:
            continue
        day = days.setdefault(v.local_date, Day(v.local_date))
        for m in MEASURES:
            if v.measures.get(m.key) is not None:
                values[v.local_date][m.key].append(v.measures[m.key])
        for reading in v.symptoms:
            severities[v.local_date][str(reading.id)].append(reading.severity)
        day.items.update(_tag_key(tag_id) for tag_id, _ in v.tags)
        day.items.update(_medication_key(med_id) for med_id, _, _ in v.medications)
    for when, day in days.items():
        day.measures = {key: fmean(found) for key, found in values[when].items()}
        day.symptoms = {key: fmean(found) for key, found in severities[when].items()}
    return dict(sorted(days.items()))


# --- Factors and outcomes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Factor:
    """Something a day had or not: a tag, a medication, or a band of sleep."""

    key: str  # "tag-<id>", "medication-<id>", "sleep-short" …
    kind: str  # "tag", "medication" or "sleep"
    name: str  # the tag's or medication's name; a band's words ("under 6 hours of sleep")
    has: Callable[[Day], bool | None] = field(compare=False, repr=False)  # None: this day cannot say

    @property
    def words(self) -> str:
        """As a sentence names it after "days with": "the tag Poor sleep", "under 6 hours of sleep"."""
        return {"tag": f"the tag {self.name}", "medication": f"{self.name} logged"}.get(self.kind, self.name)


def _has_item(key: str) -> Callable[[Day], bool]:
    return lambda day: key in day.items


def _sleep_band(test: Callable[[float], bool]) -> Callable[[Day], bool | None]:
    def has(day: Day) -> bool | None:
        hours = day.measures.get(SLEEP_KEY)
        return None if hours is None else test(hours)
    return has


# The middle band is closed at both ends: exactly 6 h and exactly 8 h are "6 to 8 hours".
SLEEP_BANDS = (
    ("sleep-short", "under 6 hours of sleep", lambda h: h < 6),
    ("sleep-middle", "6 to 8 hours of sleep", lambda h: 6 <= h <= 8),
    ("sleep-long", "over 8 hours of sleep", lambda h: h > 8),
)


@dataclass(frozen=True)
class Outcome:
    """What is compared: a measure (mood, energy, pain, sleep) or a symptom's severity."""

    key: str  # Measure.key, or "symptom-<id>"
    name: str
    unit: str = ""  # "h" for sleep; "" for a scale
    scale: str = ""  # how its numbers read: "1 = awful … 5 = great"
    symptom_id: str | None = None  # a symptom's id, as text; None for a measure

    def value(self, day: Day) -> float | None:
        if self.symptom_id is not None:
            return day.symptoms.get(self.symptom_id)
        return day.measures.get(self.key)


def _scale_words(measure) -> str:
    """How a measure's numbers read: "1 = awful … 5 = great", or a quantity's unit ("hours")."""
    if not measure.scale:
        return measure.unit_name or measure.unit
    s = measure.scale
    return f"{s.low} = {s.label(s.low).lower()} … {s.high} = {s.label(s.high).lower()}"


def factors_of(views: Iterable[CheckinView]) -> list[Factor]:
    """Every tag and medication the check-ins recorded (by name), then the sleep bands if sleep was recorded."""
    tags: dict[str, str] = {}
    meds: dict[str, str] = {}
    slept = False
    for v in views:
        if not v.readable:
            continue
        tags.update((str(tag_id), name) for tag_id, name in v.tags)
        meds.update((str(med_id), name) for med_id, name, _ in v.medications)
        slept = slept or v.measures.get(SLEEP_KEY) is not None
    by_name = lambda pair: (pair[1].casefold(), pair[0])  # noqa: E731
    found = [Factor(_tag_key(i), "tag", n, _has_item(_tag_key(i))) for i, n in sorted(tags.items(), key=by_name)]
    found += [Factor(_medication_key(i), "medication", n, _has_item(_medication_key(i)))
              for i, n in sorted(meds.items(), key=by_name)]
    if slept:
        found += [Factor(key, "sleep", words, _sleep_band(test)) for key, words, test in SLEEP_BANDS]
    return found


def outcomes_of(views: Iterable[CheckinView]) -> list[Outcome]:
    """Every measure, then each symptom the check-ins recorded, by name."""
    symptoms: dict[str, str] = {}
    for v in views:
        if v.readable:
            symptoms.update((str(s.id), s.name) for s in v.symptoms)
    found = [Outcome(m.key, m.name, m.unit, _scale_words(m)) for m in MEASURES]
    found += [Outcome(symptom_outcome_key(i), n, "", "0 = none … 4 = very severe", i)
              for i, n in sorted(symptoms.items(), key=lambda pair: (pair[1].casefold(), pair[0]))]
    return found


# --- Comparisons ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One outcome on the days with a factor and the days without it."""

    factor: Factor
    outcome: Outcome
    with_days: int
    without_days: int
    with_mean: float | None
    without_mean: float | None
    interval: Interval | None  # None when either side has fewer than MIN_DAYS days

    @property
    def enough(self) -> bool:
        return self.with_days >= MIN_DAYS and self.without_days >= MIN_DAYS

    @property
    def difference(self) -> float | None:
        return self.interval.difference if self.interval else None

    @property
    def short_of(self) -> list[str]:
        """Which side has too few days, in words: ["2 days with"], ["1 day without"]."""
        sides = []
        for count, side in ((self.with_days, "with"), (self.without_days, "without")):
            if count < MIN_DAYS:
                sides.append(f"{days_text(count)} {side}")
        return sides


def compare(factor: Factor, outcome: Outcome, readings: list[tuple[Day, float]]) -> Comparison:
    """`readings`: (the day the factor is read on, the outcome's value), the outcome already read."""
    with_values: list[float] = []
    without_values: list[float] = []
    for factor_day, value in readings:
        has = factor.has(factor_day)
        if has is not None:
            (with_values if has else without_values).append(value)
    enough = len(with_values) >= MIN_DAYS and len(without_values) >= MIN_DAYS
    return Comparison(factor, outcome, len(with_values), len(without_values),
                      fmean(with_values) if with_values else None, fmean(without_values) if without_values else None,
                      welch_interval(with_values, without_values) if enough else None)


def _order(rows: list[Comparison]) -> list[Comparison]:
    """Those with enough days, largest difference (either way) first; then the rest in the factors' order."""
    enough = sorted((r for r in rows if r.enough), key=lambda r: (-abs(r.difference), r.factor.name.casefold()))
    rest = [r for r in rows if not r.enough]
    return enough + rest


@dataclass(frozen=True)
class OutcomeTable:
    outcome: Outcome
    rows: list[Comparison]

    @property
    def with_enough(self) -> list[Comparison]:
        return [r for r in self.rows if r.enough]


@dataclass(frozen=True)
class Patterns:
    start: date
    end: date
    days: int  # local days with a readable check-in
    factors: list[Factor]
    same_day: list[OutcomeTable]
    next_day: list[OutcomeTable]
    next_day_pairs: int  # checked-in days whose next day was checked in too

    @property
    def enough_anywhere(self) -> bool:
        return any(t.with_enough for t in self.same_day + self.next_day)


def _tables(factors: list[Factor], outcomes: list[Outcome], pairs: list[tuple[Day, Day]],
            *, same_day: bool) -> list[OutcomeTable]:
    tables = []
    for outcome in outcomes:
        readings = [(a, v) for a, b in pairs if (v := outcome.value(b)) is not None]
        rows = [compare(f, outcome, readings) for f in factors
                # a band of sleep against sleep itself would only restate the band
                if not (same_day and f.kind == "sleep" and outcome.key == SLEEP_KEY)]
        rows = [r for r in rows if r.with_days or r.without_days]
        if any(r.with_days for r in rows):
            tables.append(OutcomeTable(outcome, _order(rows)))
    return tables


def find_patterns(views: list[CheckinView], start: date, end: date) -> Patterns:
    """The comparisons of every factor against every outcome in the check-ins whose local day lies between
    `start` and `end`: on the same day, and on the day after."""
    inside = [v for v in views if start <= v.local_date <= end]
    days = days_of(inside)
    factors, outcomes = factors_of(inside), outcomes_of(inside)
    same = [(d, d) for d in days.values()]
    following = [(d, days[d.day + timedelta(days=1)]) for d in days.values()
                 if d.day + timedelta(days=1) in days]
    return Patterns(start, end, len(days), factors, _tables(factors, outcomes, same, same_day=True),
                    _tables(factors, outcomes, following, same_day=False), len(following))


# --- Words -------------------------------------------------------------------------------------------
# The page shows these sentences as they are. They say what went together and how sure the numbers can be,
# never why (tests/entries/test_patterns.py reads the page for causal words).

MINUS = "\u2212"


def number(value: float, outcome: Outcome) -> str:
    """A mean as shown: one decimal, with the unit of a quantity ("3.8", "6.5 h")."""
    text = f"{value:.1f}".replace("-", MINUS)
    return f"{text} {outcome.unit}" if outcome.unit else text


def signed(value: float, outcome: Outcome | None = None) -> str:
    """A difference as shown: "+0.7", "−0.4", "0.0" (never "−0.0")."""
    rounded = round(value, 1)
    text = "0.0" if rounded == 0 else f"{rounded:+.1f}".replace("-", MINUS)
    return f"{text} {outcome.unit}" if outcome and outcome.unit else text


def days_text(count: int) -> str:
    """ "12 days", with a no-break space: a count never wraps away from its unit."""
    return f"{count}\u00a0day{'' if count == 1 else 's'}"


def _subject(outcome: Outcome) -> str:
    return f"your {outcome.name.lower()}" if not outcome.key.startswith("symptom-") else f"{outcome.name} (severity)"


def sentence(c: Comparison, *, next_day: bool = False) -> str:
    """One comparison in words, e.g. "On days with the tag Walk your mood averaged 3.8 (12 days) vs 3.1
    without (20 days); difference +0.7, likely between +0.2 and +1.2." or "… too few days to say (2 days
    with)."."""
    when = "On the day after days" if next_day else "On days"
    head = f"{when} with {c.factor.words}"
    if not c.enough:
        return f"{head}: too few days to say ({', '.join(c.short_of)})."
    interval = c.interval
    text = (f"{head} {_subject(c.outcome)} averaged {number(c.with_mean, c.outcome)} ({days_text(c.with_days)}) "
            f"vs {number(c.without_mean, c.outcome)} {'after days ' if next_day else ''}without "
            f"({days_text(c.without_days)}); "
            f"difference {signed(interval.difference)}")
    if interval.low == interval.high:
        return text + " (every day on each side had the same value, so there is no spread to judge it by)."
    text += f", likely between {signed(interval.low)} and {signed(interval.high)}"
    if interval.low <= 0 <= interval.high:
        text += " (a range that includes no difference at all)"
    return text + "."
