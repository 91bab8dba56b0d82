"""Which reminder slots are due, and whether to send them: pure functions of settings, state and `now`.

A slot is a local wall-clock time on a local day in the member's zone ("2026-03-08T20:00"), so it is
the same slot however DST moves its UTC instant. A time skipped by a spring-forward jump fires at the
moment the clock jumps past it; a time repeated in the autumn fires once, at its first occurrence.

Rules, in order: paused, quiet hours, already checked in that day (if asked), back-off (after three
nudges in a row with no check-in, one nudge every other day until the next check-in). Wording varies
from slot to slot and never counts, scolds or mentions what was missed.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from journal.timekeeping import local_datetime, local_day, local_to_utc

MAX_TIMES = 3
BACKOFF_AFTER = 3  # ignored nudges in a row before reminding every other day
GRACE = timedelta(hours=2)  # a slot found later than this (worker down) is dropped, not sent stale
MIN_TTL = 15 * 60
MAX_TTL = 12 * 60 * 60
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Schedule:
    """A member's reminder settings, as the rules need them."""

    times: tuple[time, ...]
    days: frozenset[int]  # 0 = Monday
    timezone: str
    quiet_start: time | None = None
    quiet_end: time | None = None
    skip_if_checked_in: bool = True
    paused_until: datetime | None = None
    enabled: bool = True


@dataclass(frozen=True)
class Backoff:
    """Nudges sent with no check-in since, and whether we are down to every other day."""

    ignored_in_a_row: int = 0
    every_other_day: bool = False
    anchor: date | None = None  # the local day of the last nudge before back-off began
    last_nudge_at: datetime | None = None  # the last nudge not yet answered by a check-in


@dataclass(frozen=True)
class Slot:
    key: str
    local_date: date
    at: time
    due_at: datetime  # UTC


@dataclass(frozen=True)
class Decision:
    send: bool
    reason: str | None  # why not: paused | quiet_hours | checked_in | backoff
    backoff: Backoff


# --- Parsing and formatting settings -------------------------------------------------------------------


def parse_time(text: str) -> time:
    """"HH:MM" (24-hour) to a time; ValueError otherwise."""
    text = text.strip()
    # ASCII digits only: int() alone would also take "+8" or "٠٨", which the API's documented pattern refuses.
    if len(text) != 5 or text[2] != ":" or not (text.isascii() and text[:2].isdigit() and text[3:].isdigit()):
        raise ValueError(f"not a time: {text!r}")
    hour, minute = int(text[:2]), int(text[3:])
    return time(hour, minute)


def format_times(times) -> str:
    return ",".join(t.strftime("%H:%M") for t in sorted(set(times)))


@lru_cache(maxsize=1024)
def parse_times(text: str) -> tuple[time, ...]:
    return tuple(sorted({parse_time(part) for part in text.split(",") if part.strip()}))


def days_mask(days) -> int:
    return sum(1 << d for d in set(days))


@lru_cache(maxsize=128)
def mask_days(mask: int) -> frozenset[int]:
    return frozenset(d for d in range(7) if mask & (1 << d))


# --- Slots -----------------------------------------------------------------------------------------------


def slots_between(schedule: Schedule, start: datetime, end: datetime) -> list[Slot]:
    """Slots whose instant lies in (start, end], oldest first."""
    if not schedule.times or not schedule.days:
        return []
    # From the day before `start` (a DST gap can push a late slot past midnight) to the day of `end`.
    first = local_day(start, schedule.timezone) - timedelta(days=1)
    last = local_day(end, schedule.timezone)
    found, day = [], first
    while day <= last:
        if day.weekday() in schedule.days:
            for at in schedule.times:
                due = local_to_utc(day, at, schedule.timezone)
                if start < due <= end:
                    found.append(Slot(f"{day.isoformat()}T{at.strftime('%H:%M')}", day, at, due))
        day += timedelta(days=1)
    return sorted(found, key=lambda s: (s.due_at, s.key))


def next_due_after(schedule: Schedule, after: datetime) -> datetime | None:
    """The instant of the first slot strictly after `after` (None when nothing is scheduled)."""
    if not schedule.enabled or not schedule.times or not schedule.days:
        return None
    # Day by day from the day before (a DST gap can push a late slot past midnight): usually found at once.
    day = local_day(after, schedule.timezone) - timedelta(days=1)
    for _ in range(9):
        if day.weekday() in schedule.days:
            for at in schedule.times:
                due = local_to_utc(day, at, schedule.timezone)
                if due > after:
                    return due
        day += timedelta(days=1)
    return None


def due_slots(schedule: Schedule, now: datetime) -> list[Slot]:
    """Slots due at `now`: passed, and not longer ago than GRACE."""
    if not schedule.enabled:
        return []
    return slots_between(schedule, now - GRACE, now)


# --- Quiet hours -----------------------------------------------------------------------------------------


def clock_in_quiet_hours(schedule: Schedule, clock: time) -> bool:
    """Whether a wall-clock time falls inside the quiet hours."""
    start, end = schedule.quiet_start, schedule.quiet_end
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end  # wraps midnight, e.g. 22:00–07:00


def in_quiet_hours(schedule: Schedule, instant: datetime) -> bool:
    return clock_in_quiet_hours(schedule, local_datetime(instant, schedule.timezone).time().replace(tzinfo=None))


def quiet_clashes(schedule: Schedule) -> list[time]:
    """Reminder times that fall inside the quiet hours: no reminder is ever sent at them."""
    return [at for at in schedule.times if clock_in_quiet_hours(schedule, at)]


def next_reminder_after(schedule: Schedule, after: datetime) -> datetime | None:
    """The first slot after `after` that quiet hours do not silence (what the page may promise)."""
    due = next_due_after(schedule, after)
    for _ in range(len(schedule.times) * 8):
        if due is None or not in_quiet_hours(schedule, due):
            return due
        due = next_due_after(schedule, due)
    return None


def quiet_hours_end(schedule: Schedule, instant: datetime) -> datetime:
    """When quiet hours around `instant` end (`instant` itself when it is not in quiet hours)."""
    if not in_quiet_hours(schedule, instant):
        return instant
    local = local_datetime(instant, schedule.timezone)
    day = local.date()
    if schedule.quiet_start > schedule.quiet_end and local.time().replace(tzinfo=None) >= schedule.quiet_start:
        day += timedelta(days=1)
    return local_to_utc(day, schedule.quiet_end, schedule.timezone)


def pause_until(schedule: Schedule, now: datetime, days: int) -> datetime:
    """Pausing for N days means: nothing today and the next N-1 days; reminders resume on local day N."""
    today = local_day(now, schedule.timezone)
    return local_to_utc(today + timedelta(days=days), time(0, 0), schedule.timezone)


# --- Back-off and the decision ---------------------------------------------------------------------------


def refresh(backoff: Backoff, last_checkin_at: datetime | None, tz: str) -> Backoff:
    """The back-off state as it stands: a check-in since the last nudge answers it (back to normal), and
    three unanswered nudges switch to every other day."""
    if backoff.last_nudge_at is not None and last_checkin_at is not None and last_checkin_at >= backoff.last_nudge_at:
        return Backoff()
    if backoff.ignored_in_a_row >= BACKOFF_AFTER and not backoff.every_other_day:
        anchor = backoff.anchor
        if anchor is None and backoff.last_nudge_at is not None:
            anchor = local_day(backoff.last_nudge_at, tz)
        return replace(backoff, every_other_day=True, anchor=anchor)
    return backoff


def _on_day(backoff: Backoff, slot: Slot, tz: str) -> bool:
    """In back-off: every second day after the last nudge before it began, and one nudge that day."""
    if backoff.anchor is None:
        return True
    offset = (slot.local_date - backoff.anchor).days
    if offset <= 0 or offset % 2:
        return False
    return backoff.last_nudge_at is None or local_day(backoff.last_nudge_at, tz) != slot.local_date


def decide(schedule: Schedule, backoff: Backoff, slot: Slot, *, checked_in_that_day: bool,
           last_checkin_at: datetime | None) -> Decision:
    """Whether to send the nudge for `slot`, and the back-off state afterwards.

    `ignored_in_a_row` counts nudges sent since the last check-in; when the fourth is due, the three
    before it went unanswered, and reminders drop to every other day from the day of the last one.
    """
    state = refresh(backoff, last_checkin_at, schedule.timezone)
    if schedule.paused_until is not None and slot.due_at < schedule.paused_until:
        return Decision(False, "paused", state)
    if in_quiet_hours(schedule, slot.due_at):
        return Decision(False, "quiet_hours", state)
    if schedule.skip_if_checked_in and checked_in_that_day:
        return Decision(False, "checked_in", state)
    if state.every_other_day and not _on_day(state, slot, schedule.timezone):
        return Decision(False, "backoff", state)
    return Decision(True, None, replace(state, ignored_in_a_row=state.ignored_in_a_row + 1,
                                        last_nudge_at=slot.due_at))


# --- Wording ---------------------------------------------------------------------------------------------

# Gentle, varied, and content-free: push services see these. Never counts, streaks or "missed".
NUDGES = (
    ("A moment for you", "How are you doing? A quick check-in, whenever it suits you."),
    ("Checking in?", "One tap for your mood is plenty today."),
    ("Hi there", "If you have a minute, your journal is here."),
    ("How's today going?", "A few seconds to note how you feel, if you'd like."),
    ("Your journal", "Anything on your mind? A short check-in counts."),
    ("A gentle reminder", "Whenever you're ready: how are you feeling right now?"),
    ("Time for you", "Noting how today felt can help you spot patterns later."),
    ("Hello", "A quick check-in is here when you want it."),
)
SNOOZED = ("A gentle reminder", "You asked us to remind you: a quick check-in, whenever it suits you.")


def wording(day: date, position: int) -> tuple[str, str]:
    """A title and body for the `position`-th reminder of a local day: consecutive reminders differ, and
    the same time of day gets a different message each day."""
    return NUDGES[(day.toordinal() * MAX_TIMES + position) % len(NUDGES)]


def backoff_message(backoff: Backoff) -> str | None:
    """What the settings page says about back-off, in words."""
    if not backoff.every_other_day:
        return None
    return ("We're reminding you every other day because the last few reminders went unanswered — "
            "that's fine. Back to normal after your next check-in.")

