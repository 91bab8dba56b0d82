"""The suppression rule (journal/programme/suppression.py) on hand-built tables, then on every table of two and
three parts up to 45 members: nothing shown is below 10, and nothing hidden can be worked out from what is
shown, by subtraction or addition."""
from __future__ import annotations

import itertools

import pytest

from journal.programme.suppression import THRESHOLD, suppress_cells, suppress_table

HAND_BUILT = [
    # (total, parts) -> (total shown, parts shown)
    ((25, (8, 17)), (True, (False, False))),  # 8 is small; 17 = 25 - 8 would give it away
    ((30, (12, 18)), (True, (True, True))),
    ((20, (10, 10)), (True, (True, True))),
    ((19, (9, 10)), (True, (False, False))),
    ((9, (4, 5)), (False, (False, False))),  # a small total: everything goes
    ((30, (0, 30)), (True, (False, False))),  # zero is a small cell too
    ((40, (5, 15, 20)), (True, (False, False, True))),  # 5 and 15 hidden hold 20 >= 10: 20 may stay
    ((30, (3, 4, 23)), (True, (False, False, False))),  # 3 + 4 = 7 would still be recoverable
    ((45, (3, 4, 12, 26)), (True, (False, False, False, True))),
    ((36, (12, 12, 12)), (True, (True, True, True))),
    ((33, (11, 11, 11)), (True, (True, True, True))),
    ((31, (9, 11, 11)), (True, (False, False, True))),  # the next-smallest (first of equals) goes
    ((12, (12,)), (True, (True,))),
]


@pytest.mark.parametrize(("table", "expected"), HAND_BUILT)
def test_hand_built_tables(table, expected):
    assert suppress_table(*table) == expected


def _recoverable(total, parts, total_shown, parts_shown) -> list[int]:
    """Values of hidden cells someone could work out: the one unknown of `total = sum(parts)`, or the sum of
    several hidden parts (a group in itself) when the total is shown."""
    unknown = [not total_shown] + [not shown for shown in parts_shown]
    if sum(unknown) == 1:
        return [total if not total_shown else next(p for p, shown in zip(parts, parts_shown, strict=True)
                                                   if not shown)]
    if total_shown and any(not shown for shown in parts_shown):
        return [sum(p for p, shown in zip(parts, parts_shown, strict=True) if not shown)]
    return []


@pytest.mark.parametrize("ways", [1, 2, 3])
def test_every_small_table(ways):
    checked = 0
    for parts in itertools.product(range(0, 46), repeat=ways):
        total = sum(parts)
        if total > 45:
            continue
        total_shown, parts_shown = suppress_table(total, parts)
        shown = ([total] if total_shown else []) + [p for p, s in zip(parts, parts_shown, strict=True) if s]
        assert all(value >= THRESHOLD for value in shown), (total, parts)
        assert all(value >= THRESHOLD for value in _recoverable(total, parts, total_shown, parts_shown)), \
            (total, parts, total_shown, parts_shown)
        # Nothing is hidden without cause: a table of big cells is shown whole.
        if total >= THRESHOLD and all(p >= THRESHOLD for p in parts):
            assert total_shown and all(parts_shown), (total, parts)
        checked += 1
    assert checked > 40


def test_a_cell_hidden_in_one_table_is_hidden_in_every_table_it_is_in():
    # members = with + without, and members = retained + lapsed: "with" is small, so "without" goes in the
    # first table; nothing else is small, so the second table is whole.
    cells = {"members": 40, "with": 6, "without": 34, "retained": 20, "lapsed": 20}
    tables = [("members", ["with", "without"]), ("members", ["retained", "lapsed"])]
    assert suppress_cells(cells, tables) == {"with", "without"}
    # A total hidden in one table (eligible: its complement is small) whose parts were all shown in another
    # would be their sum: one of them goes too.
    cells = {"members": 40, "eligible": 35, "newer": 5, "retained": 20, "lapsed": 15}
    tables = [("members", ["eligible", "newer"]), ("eligible", ["retained", "lapsed"])]
    hidden = suppress_cells(cells, tables)
    assert {"eligible", "newer", "lapsed"} <= hidden and "retained" not in hidden and "members" not in hidden
    # Nested groups: members = eligible30 + newer30 and eligible30 = eligible90 + between; with both
    # complements small, members - eligible90 = newer30 + between = 7 would be a small group.
    cells = {"members": 50, "eligible30": 46, "newer30": 4, "eligible90": 43, "between": 3}
    tables = [("members", ["eligible30", "newer30"]), ("eligible30", ["eligible90", "between"]),
              ("members", ["eligible90", "newer30", "between"])]
    hidden = suppress_cells(cells, tables)
    assert {"newer30", "eligible30", "between", "eligible90"} <= hidden and "members" not in hidden
