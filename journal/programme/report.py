"""The programme impact report, computed from opted-in members' dates and counts: pure (no Flask, no
database), so every definition below is tested on hand-built members.

Definitions (also on the page and in README.md):
- Members counted: accounts that keep a journal and opted in to the report, as they are at `now`.
- Active: recorded at least one check-in in the 28 days before `now`.
- Check-ins per member per week: each member's check-ins recorded in the 8 weeks (56 days) before `now`,
  divided by the weeks of that window they were registered for (at least one); the mean over all members
  counted, members with none included.
- Retained at 30 (90) days: of the members registered at least 30 (90) days before `now`, the share whose
  latest check-in was recorded on or after day 30 (90) after registering.
- Change over 8 weeks in a questionnaire score: follow-up minus baseline, per signals.OutcomeWindow.
- With a peer connection: at least one accepted peer connection at `now` (signals.programme_cohorts_requested).

A mean over members who all have the same value is suppressed too: it would be each member's own value.

Every figure is an association, not an effect: members who connect with peers may differ in many ways from
those who do not.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from journal.intervals import mean_interval, wilson_interval
from journal.programme.suppression import THRESHOLD, suppress_cells

ACTIVE_DAYS = 28
RATE_WEEKS = 8
RETENTION_DAYS = (30, 90)
# code, name, what a rise means (shown beside the change)
INSTRUMENTS = (
    ("WHO-5", "WHO-5 well-being (0–100 %)", "a rise is better"),
    ("UCLA-3", "UCLA-3 loneliness (3–9)", "a fall is better"),
    ("MSPSS", "MSPSS perceived support (mean 1–7)", "a rise is better"),
)
COHORTS = (("all", "all members with both responses"), ("with", "with at least one peer connection"),
           ("without", "without a peer connection"))


@dataclass(frozen=True)
class Member:
    """What the report knows of one opted-in member: never a score, a note or a check-in's content."""

    id: int
    registered_at: datetime
    last_checkin_at: datetime | None
    checkins_in_rate_window: int  # recorded in the RATE_WEEKS weeks before now


@dataclass(frozen=True)
class Figure:
    """One row: a figure over `n_cell` members. `count` is a number of members shown beside it (active,
    say); `estimate` and its interval a share, a rate or a mean change. `needs` are the cells it reveals."""

    section: str
    label: str
    n_cell: str
    n: int
    needs: tuple[str, ...]
    count: int | None = None
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str = ""  # "share", "per week", "points"
    note: str = ""
    uniform: bool = False  # every member has the same value: the mean would be each one's own
    shown: bool = True
    n_shown: bool = True


@dataclass(frozen=True)
class Report:
    now: datetime
    figures: tuple[Figure, ...]
    peers_split: bool  # whether the questionnaire changes are split by peer connection
    questionnaires: bool  # whether anyone answered for any instrument
    unanswered: tuple[str, ...]  # instruments nobody answered for (left out of the report)
    cells: Mapping[str, int] = field(repr=False)
    suppressed: frozenset[str] = field(repr=False)


def _rate(member: Member, now: datetime) -> float:
    start = max(now - timedelta(weeks=RATE_WEEKS), member.registered_at)
    weeks = max((now - start) / timedelta(weeks=1), 1.0)
    return member.checkins_in_rate_window / weeks


def _retained(member: Member, days: int) -> bool:
    return member.last_checkin_at is not None and member.last_checkin_at >= member.registered_at + timedelta(days=days)


def build(members: list[Member], now: datetime, *, connected: frozenset[int] | None,
          outcomes: Mapping[str, Mapping[int, tuple[float, float]] | None] | None) -> Report:
    """The report over `members` at `now`. `connected`: ids with a peer connection, or None without the peers
    feature (the split is then left out). `outcomes`: per instrument code, {member id: (baseline, follow-up)}
    or None if nobody answered for it; or None when no feature answered for any instrument."""
    ids = {m.id for m in members}
    n = len(members)
    cells: dict[str, int] = {"members": n}
    tables: list[tuple[str, list[str]]] = []
    figures: list[Figure] = []

    active = sum(1 for m in members if m.last_checkin_at is not None
                 and m.last_checkin_at >= now - timedelta(days=ACTIVE_DAYS))
    cells |= {"active": active, "inactive": n - active}
    tables.append(("members", ["active", "inactive"]))
    figures.append(Figure("Taking part", "Members counted (opted in)", "members", n, ("members",)))
    share = wilson_interval(active, n) if n else (None, None, None)
    figures.append(Figure("Taking part", f"Active: checked in within the last {ACTIVE_DAYS} days", "members", n,
                          ("active", "inactive"), count=active, estimate=share[0], low=share[1], high=share[2],
                          unit="share"))
    rates = [_rate(m, now) for m in members]
    mean = mean_interval(rates) if n >= 2 else (None, None, None)
    figures.append(Figure("Taking part", f"Check-ins per member per week (last {RATE_WEEKS} weeks)", "members", n,
                          ("members",), estimate=mean[0], low=mean[1], high=mean[2], unit="per week",
                          uniform=len(set(rates)) == 1))

    for days in RETENTION_DAYS:
        eligible = [m for m in members if m.registered_at <= now - timedelta(days=days)]
        retained = sum(1 for m in eligible if _retained(m, days))
        cells |= {f"eligible{days}": len(eligible), f"newer{days}": n - len(eligible),
                  f"retained{days}": retained, f"lapsed{days}": len(eligible) - retained}
        tables += [("members", [f"eligible{days}", f"newer{days}"]),
                   (f"eligible{days}", [f"retained{days}", f"lapsed{days}"])]
        share = wilson_interval(retained, len(eligible)) if eligible else (None, None, None)
        figures.append(Figure("Staying", f"Retained at {days} days", f"eligible{days}", len(eligible),
                              (f"eligible{days}", f"retained{days}", f"lapsed{days}"), count=retained,
                              estimate=share[0], low=share[1], high=share[2], unit="share",
                              note=f"of members registered at least {days} days ago"))
    # The retention groups are nested (registered 90 days ago ⊂ 30 days ago; retained at 90 ⊂ at 30): their
    # differences are groups too, protected like any other.
    first, second = RETENTION_DAYS
    cells |= {f"eligible{first}to{second}": cells[f"eligible{first}"] - cells[f"eligible{second}"],
              f"retained{first}not{second}": cells[f"retained{first}"] - cells[f"retained{second}"]}
    tables += [(f"eligible{first}", [f"eligible{second}", f"eligible{first}to{second}"]),
               (f"retained{first}", [f"retained{second}", f"retained{first}not{second}"])]

    unanswered = tuple(code for code, _, _ in INSTRUMENTS if outcomes is not None and outcomes.get(code) is None)
    for code, name, direction in INSTRUMENTS if outcomes is not None else ():
        if code in unanswered:
            continue
        pairs = {member_id: pair for member_id, pair in outcomes[code].items() if member_id in ids}
        groups = {"all": list(pairs)}
        if connected is not None:
            groups["with"] = [i for i in pairs if i in connected]
            groups["without"] = [i for i in pairs if i not in connected]
            tables.append((f"{code}:all", [f"{code}:with", f"{code}:without"]))
        cells[f"{code}:none"] = n - len(pairs)
        tables.append(("members", [f"{code}:all", f"{code}:none"]))
        for cohort, words in COHORTS:
            if cohort not in groups:
                continue
            changes = [pairs[i][1] - pairs[i][0] for i in groups[cohort]]
            cells[f"{code}:{cohort}"] = len(changes)
            mean = mean_interval(changes) if len(changes) >= 2 else (None, None, None)
            figures.append(Figure(f"Change over 8 weeks: {name}", f"Mean change, {words}", f"{code}:{cohort}",
                                  len(changes), (f"{code}:{cohort}",), estimate=mean[0], low=mean[1],
                                  high=mean[2], unit="points", note=direction, uniform=len(set(changes)) == 1))

    suppressed = suppress_cells(cells, tables, THRESHOLD)
    figures = [_apply(f, suppressed) for f in figures]
    return Report(now=now, figures=tuple(figures), peers_split=connected is not None,
                  questionnaires=outcomes is not None, unanswered=unanswered, cells=cells, suppressed=suppressed)


def _apply(figure: Figure, suppressed: frozenset[str]) -> Figure:
    """The figure with what may not be shown taken out (not merely hidden by the template)."""
    shown = not any(cell in suppressed for cell in figure.needs) and figure.n >= THRESHOLD and not figure.uniform
    n_shown = figure.n_cell not in suppressed
    if shown and (figure.estimate is None or all(math.isfinite(v) for v in (figure.estimate, figure.low, figure.high)
                                                  if v is not None)):
        return Figure(**{**figure.__dict__, "n_shown": n_shown})
    return Figure(section=figure.section, label=figure.label, n_cell=figure.n_cell, n=figure.n if n_shown else 0,
                  needs=figure.needs, unit=figure.unit, note=figure.note, shown=False, n_shown=n_shown)
