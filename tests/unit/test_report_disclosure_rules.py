"""Issue 12, item 8: the rules of disclosure control on their own (ledger/reports/disclosure.py).

Complementary suppression over random tables (no withheld cell is ever the only unknown
of a sum), the month-end as-of date, and the blocks of referral months the periods are
widened to (each holds at least the minimum, together they cover every month).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.reports.disclosure import (
    WITHHELD,
    CohortTooSmallError,
    Count,
    Sum,
    finish,
    grid,
    month_end_before,
    withhold,
)

tables = st.lists(st.integers(0, 30), min_size=1, max_size=8)


@given(tables, st.integers(2, 6))
def test_no_withheld_cell_is_the_only_unknown_of_a_shown_total(values: list[int], k: int) -> None:
    """Small cells read <N; then no cell follows from the total minus the others, and a big one hides among them."""
    cells = [Count(v) for v in values]
    total = Count(sum(values))
    table = {"total": total, "cells": cells}
    marks = withhold(table, k, [Sum(total, tuple(cells))])
    shown = finish(table, marks)
    assert all(shown["cells"][i] == f"<{k}" for i, v in enumerate(values) if 0 < v < k)
    assert all(shown["cells"][i] == 0 for i, v in enumerate(values) if v == 0)  # zero is not a small cell
    unknown = [c for c in [*cells, total] if id(c) in marks]
    if unknown:
        assert len(unknown) >= 2
        if id(total) not in marks:  # the total shown: a big cell hides among the small ones, their sum gives nothing
            assert any(marks[id(c)] == WITHHELD for c in unknown)


def test_a_small_cell_takes_the_next_smallest_with_it() -> None:
    """3, 7 and 20 of 30 at a minimum of 5: the 3 is <5, the 7 is withheld (x), the 20 and the total stay."""
    cells = (Count(3), Count(7), Count(20))
    total = Count(30)
    table = {"total": total, "cells": list(cells)}
    assert finish(table, withhold(table, 5, [Sum(total, cells)])) == {"total": 30, "cells": ["<5", "x", 20]}


def test_a_small_rest_of_a_shown_total_is_protected_too() -> None:
    """18 of 20 households with children: the 2 without are a small cell, so the 18 is withheld."""
    total, part = Count(20), Count(18)
    table = {"households": total, "with_children": part}
    marks = withhold(table, 5, [Sum(total, (part,), exact=False)], keep=[total])
    assert finish(table, marks) == {"households": 20, "with_children": "x"}


@pytest.mark.parametrize("day, today, end", [
    (date(2026, 5, 4), date(2026, 5, 4), date(2026, 4, 30)),
    (date(2026, 4, 30), date(2026, 5, 4), date(2026, 4, 30)),
    (date(2026, 4, 30), date(2026, 4, 30), date(2026, 3, 31)),  # the day is not over yet
    (date(2026, 2, 10), date(2026, 5, 4), date(2026, 1, 31)),
    (date(2026, 1, 15), date(2026, 5, 4), date(2025, 12, 31)),
])
def test_the_as_of_date_is_the_end_of_the_last_month_that_is_over(day: date, today: date, end: date) -> None:
    """Two as-of dates within one month give the same report."""
    assert month_end_before(day, today) == end


days = st.lists(st.dates(date(2025, 1, 1), date(2026, 6, 30)), min_size=0, max_size=40)


@given(days, st.integers(2, 6))
def test_blocks_of_whole_months_each_hold_the_minimum_and_only_the_last_months_wait(referred: list[date],
                                                                                    k: int) -> None:
    """Blocks start on the 1st, end on a month's last day, follow each other and hold at least k referrals each;
    the months after the last block hold fewer than k (they wait for more)."""
    last_day = date(2026, 6, 30)
    if len(referred) < k:
        with pytest.raises(CohortTooSmallError):
            grid(referred, last_day, k)
        return
    blocks = grid(referred, last_day, k).blocks
    assert blocks[0][0] == min(referred).replace(day=1)
    for (_, end), (start, _) in zip(blocks, blocks[1:], strict=False):
        assert start == end + timedelta(days=1) and start.day == 1
    for start, end in blocks:
        assert sum(1 for d in referred if start <= d <= end) >= k
        assert (end + timedelta(days=1)).day == 1
    assert sum(1 for d in referred if d > blocks[-1][1]) < k


def test_a_full_block_never_splits_when_later_months_arrive() -> None:
    """The blocks as of an earlier month end are the first blocks as of a later one."""
    referred = [date(2026, 1, d) for d in range(1, 6)] + [date(2026, 2, 3)] + [date(2026, 3, d) for d in range(1, 5)]
    assert grid(referred, date(2026, 2, 28), 5).blocks == ((date(2026, 1, 1), date(2026, 1, 31)),)
    assert grid(referred, date(2026, 3, 31), 5).blocks == ((date(2026, 1, 1), date(2026, 1, 31)),
                                                           (date(2026, 2, 1), date(2026, 3, 31)))


def test_a_period_widens_to_the_blocks_it_touches() -> None:
    """A period one day into a block starts with that block; a period ending in a block ends with it."""
    referred = [date(2026, 1, d) for d in range(1, 6)] + [date(2026, 2, d) for d in range(1, 6)]
    g = grid(referred, date(2026, 3, 31), 5)
    assert g.blocks == ((date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 28)))
    assert g.cover(date(2026, 1, 2), date(2026, 1, 3)) == (date(2026, 1, 1), date(2026, 1, 31))
    assert g.cover(date(2026, 2, 3), date(2026, 3, 4)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert g.cover(None, date(2026, 1, 31)) == (date(2026, 1, 1), date(2026, 1, 31))
    with pytest.raises(CohortTooSmallError):
        g.cover(date(2026, 3, 1), date(2026, 3, 31))  # March waits for more referrals


def test_a_small_flow_of_involvement_cannot_be_read_back_from_the_other_three() -> None:
    """Issue 15: at start 20, engaged 2, left 3, on the report date 19. Withholding only `engaged` would not do
    (19 + 3 - 20 gives it back): `followed` (22) makes the flows two sums, and each loses a complement."""
    from ledger.reports.disclosure import involvement_relations

    def kind(start: int, engaged: int, left: int) -> dict[str, object]:
        now = start + engaged - left
        return {"at_start": Count(start), "engaged": Count(engaged), "left": Count(left), "at_report_date": Count(now),
                "followed": Count(start + engaged), "left_by_reason": {"goal_reached": Count(left)},
                "per_household_at_start": Count(0), "per_household_at_report_date": Count(0), "change_pct": Count(0)}

    inv = {"households": Count(12), "professionals": kind(20, 2, 3), "volunteers": kind(9, 6, 7),
           "households_with_already_involved": Count(6), "households_volunteers_took_over": Count(7)}
    shown = finish(inv, withhold(inv, 5, involvement_relations(inv)))
    pros = shown["professionals"]
    assert pros["engaged"] == "<5" and pros["left"] == "<5"
    known = {k: v for k, v in pros.items() if isinstance(v, int)}
    # neither sum leaves engaged or left as its only unknown
    assert not ({"at_start", "followed"} <= set(known))
    assert not ({"at_report_date", "followed"} <= set(known))
