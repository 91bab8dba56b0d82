"""Days since a start date, and the milestones they reach: pure functions, no database, no clock.

Days are whole local days in the member's zone: the start day is day 0, the next local day is day 1,
whatever the hours in between (a DST night of 23 or 25 hours is still one day)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MILESTONES: tuple[int, ...] = (1, 7, 30, 90, 180, 365)

# What a member reads on their next visit after reaching a milestone: warm, never a verdict.
ACKNOWLEDGEMENTS: dict[int, str] = {
    1: "One day. The first one can be the hardest, and you did it.",
    7: "A whole week. Seven days, one at a time.",
    30: "30 days. A month of showing up for yourself.",
    90: "90 days. Three months of steady, real change.",
    180: "180 days. Half a year. Look how far you have come.",
    365: "365 days. A whole year. However you mark it today, it is yours.",
}


@dataclass(frozen=True)
class Progress:
    days: int
    reached: tuple[int, ...]
    next_milestone: int | None
    days_to_next: int | None

    @property
    def next_text(self) -> str:
        if self.next_milestone is None:
            return "Every milestone here is behind you. Every day still counts."
        unit = "day" if self.days_to_next == 1 else "days"
        return f"{self.days_to_next} {unit} to {self.next_milestone}"


def days_since(start: date, today: date) -> int:
    """Whole local days from `start` to `today` (0 on the start day; never negative)."""
    return max(0, (today - start).days)


def progress(start: date, today: date) -> Progress:
    days = days_since(start, today)
    reached = tuple(m for m in MILESTONES if days >= m)
    upcoming = [m for m in MILESTONES if m > days]
    if not upcoming:
        return Progress(days, reached, None, None)
    return Progress(days, reached, upcoming[0], upcoming[0] - days)


def days_text(days: int) -> str:
    return f"{days} day" if days == 1 else f"{days} days"
