"""Small-cell suppression for the programme report: the rule, as pure functions (no Flask, no database).

A cell is a number of members, or a figure computed over a group of members. The rule:

1. Primary: a cell of fewer than THRESHOLD (10) members is suppressed, zero included.
2. Complementary: where a total and parts that add up to it are published together (a table), the
   suppressed parts together must hold at least THRESHOLD members, or none: otherwise subtracting the shown
   parts from the total gives away a small group. So, while they hold fewer, the smallest part still shown is
   suppressed too. (25 = 8 + 17: both parts go; 40 = 5 + 15 + 20: 5 and 15 go, 20 stays.)
3. Additive: a suppressed total whose parts are all shown could be added up, so its smallest part goes too.
4. A cell is in several tables (the members counted are the total of several splits): suppressed once, it is
   suppressed in all, and the rules run again until nothing changes.

A figure over a group (a mean, a share, an interval) is shown only when every cell it needs is shown, and a
mean only when the members' values differ (report.py): a mean of equal values is each member's own value.
(A share of 0 or 1 is already covered: its complement is a zero cell.)
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

THRESHOLD = 10


def _protect(total: int, parts: Sequence[int], hidden: list[bool], threshold: int) -> list[bool]:
    """Rules 2 and 3 for one table; `hidden` holds the total's flag first, then the parts'. Returns new flags."""
    hidden = list(hidden)
    while True:
        shown_parts = [i for i, part_hidden in enumerate(hidden[1:]) if not part_hidden]
        if not hidden[0]:
            withheld = sum(parts[i] for i, part_hidden in enumerate(hidden[1:]) if part_hidden)
            if len(shown_parts) == len(parts) or withheld >= threshold:
                return hidden
            if not shown_parts:  # the parts do not add up to the total: hide the total rather than guess
                hidden[0] = True
                return hidden
        else:
            if len(shown_parts) < len(parts) or not parts:
                return hidden
        smallest = min(shown_parts, key=lambda i: (parts[i], i))
        hidden[1 + smallest] = True


def suppress_table(total: int, parts: Sequence[int], threshold: int = THRESHOLD) -> tuple[bool, tuple[bool, ...]]:
    """Which cells of one table (a total and the parts that add up to it) may be shown: (total shown, each
    part shown)."""
    hidden = [total < threshold] + [part < threshold for part in parts]
    hidden = _protect(total, parts, hidden, threshold)
    return not hidden[0], tuple(not flag for flag in hidden[1:])


def suppress_cells(cells: Mapping[str, int], tables: Sequence[tuple[str, Sequence[str]]],
                   threshold: int = THRESHOLD) -> frozenset[str]:
    """The names of the cells to suppress, given every cell's count and the tables (a total's name and its
    parts' names) that publish them together. A cell that only exists to be protected (the members *not*
    active, say) is a cell like any other, that the page does not print."""
    hidden = {name for name, count in cells.items() if count < threshold}
    changed = True
    while changed:
        changed = False
        for total, parts in tables:
            flags = [total in hidden] + [part in hidden for part in parts]
            new = _protect(cells[total], [cells[part] for part in parts], flags, threshold)
            for name, flag in zip([total, *parts], new, strict=True):
                if flag and name not in hidden:
                    hidden.add(name)
                    changed = True
    return frozenset(hidden)
