"""Disclosure control for the evaluation report: no household can be singled out (issue 12, item 8).

With a minimum cell size N of 2 or more (``LEDGER_REPORT_MIN_CELL``, default 5; a request
may only raise it) four rules apply; docs/evaluation.md, "Disclosure control", says why
and what they leave open.

1. **Primary suppression.** A count of households or items from 1 to N-1 is shown as
   ``"<N"``; so is every figure derived from 1 to N-1 households or items (:class:`Over`).
2. **Complementary suppression.** In every additive relation of the report
   (:func:`relations`: cells that add up to a shown total, or a part of a shown total
   whose rest is not shown) a withheld cell is never the only unknown, and never one of
   small unknowns only: the next-smallest shown cell is withheld too, shown as ``"x"``.
   A figure computed from a withheld figure is withheld with it, and a figure that is one
   household's own value (the shortest and longest lead time) is always withheld.
3. **Whole months.** The as-of date is the end of the last calendar month that is over.
4. **Cohort blocks.** Referral months are grouped, from the first referral on, into blocks
   of at least N referrals; the months after the last full block wait until it is full
   (so a block never splits when later months arrive). A period is widened to whole
   blocks, so two cohorts always differ by at least N households. No full block:
   :class:`CohortTooSmallError`. The blocks follow the deployment's minimum, not a
   request's: cohorts cut at two different minimums would differ by less.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ledger.aggregates import errors

__all__ = ["WITHHELD", "CohortTooSmallError", "Count", "Derived", "Grid", "Over", "Sum", "finish", "grid",
           "individual", "month_end_before", "relations", "withhold"]

WITHHELD = "x"  # a cell withheld to protect another (the Dutch statistics office's mark for "geheim")


class CohortTooSmallError(errors.RuleViolationError):
    """Too few households for a report that keeps each of them apart."""

    code = "cohort-too-small"


class Count(int):
    """A number of households or items: shown as ``"<N"`` when it is 1 to N-1."""


@dataclass(frozen=True, eq=False)  # compared by identity: two equal figures are still two cells
class Over:
    """A figure derived from ``base`` households or items: withheld as ``"<N"`` when ``base`` is 1 to N-1."""

    value: Any
    base: int


@dataclass(frozen=True, eq=False)
class Sum:
    """``total`` is the sum of ``cells`` (``exact``), or the cells are parts of it and the rest is not shown.

    ``total`` None: the sum is not shown but can be derived from other figures.
    """

    total: Any
    cells: tuple[Any, ...]
    exact: bool = True


@dataclass(frozen=True, eq=False)
class Derived:
    """``targets`` are computed from ``sources``: when a source is withheld, so are they."""

    targets: tuple[Any, ...]
    sources: tuple[Any, ...]


# ------------------------------------------------------------------ cells
def _leaves(tree: Any) -> Iterator[Any]:
    if isinstance(tree, Count | Over):
        yield tree
    elif isinstance(tree, dict):
        for v in tree.values():
            yield from _leaves(v)
    elif isinstance(tree, list | tuple):
        for v in tree:
            yield from _leaves(v)


def _value(cell: Any) -> float | None:
    v = cell.value if isinstance(cell, Over) else cell
    if isinstance(v, bool) or not isinstance(v, int | float | Decimal):
        return None
    return float(v)


def _small(cell: Any, k: int) -> bool:
    if isinstance(cell, Count):
        return 0 < cell < k
    return isinstance(cell, Over) and cell.value is not None and 0 < cell.base < k


def _complement(rel: Sum, marks: dict[int, str], keep: set[int], k: int) -> Any | None:
    """The cell to withhold next so that ``rel`` does not give a withheld cell away, or None."""
    unknown: list[bool] = []  # per unknown: is it large (not a small cell)?
    sensitive = False
    for cell in rel.cells:
        if id(cell) in marks:
            unknown.append(marks[id(cell)] == WITHHELD)
            sensitive = True
    if rel.total is not None and id(rel.total) in marks:
        unknown.append(marks[id(rel.total)] == WITHHELD)
        sensitive = True
    if not rel.exact and rel.total is not None:
        rest = (_value(rel.total) or 0) - sum(_value(c) or 0 for c in rel.cells)
        unknown.append(rest >= k)
        sensitive = sensitive or 0 < rest < k
    if not sensitive or (len(unknown) >= 2 and any(unknown)):
        return None
    shown = [c for c in rel.cells if id(c) not in marks and (_value(c) or 0) != 0]
    if shown:
        return min(shown, key=lambda c: _value(c) or 0)
    total = rel.total
    if total is not None and id(total) not in marks and id(total) not in keep and (_value(total) or 0) != 0:
        return total
    return None


def withhold(tree: Any, k: int, rels: Iterable[Sum | Derived], keep: Iterable[Any] = (),
             always: Iterable[Any] = ()) -> dict[int, str]:
    """The cells of ``tree`` to withhold (by identity), each with its mark: ``"<N"`` or ``"x"``.

    ``keep``: cells never withheld as a complement (the cohort size, which is at least N).
    ``always``: cells withheld whatever their size (one household's own value, such as a maximum).
    """
    leaves = list(_leaves(tree))
    rels = list(rels)
    keep_ids = {id(c) for c in keep}
    marks = {id(c): f"<{k}" for c in leaves if _small(c, k)}
    marks.update({id(c): WITHHELD for c in always if id(c) not in marks and _value(c) is not None})
    changed = True
    while changed:
        changed = False
        for rel in rels:
            if isinstance(rel, Derived):
                if any(id(s) in marks for s in rel.sources):
                    for t in rel.targets:
                        if id(t) not in marks and _value(t) is not None:
                            marks[id(t)] = WITHHELD
                            changed = True
                continue
            cell = _complement(rel, marks, keep_ids, k)
            if cell is not None:
                marks[id(cell)] = WITHHELD
                changed = True
    return marks


def finish(tree: Any, marks: dict[int, str] | None = None) -> Any:
    """Plain JSON data, with every withheld cell replaced by its mark."""
    marks = marks or {}
    if isinstance(tree, Count | Over) and id(tree) in marks:
        return marks[id(tree)]
    if isinstance(tree, Count):
        return int(tree)
    if isinstance(tree, Over):
        return finish(tree.value, marks)
    if isinstance(tree, dict):
        return {k: finish(v, marks) for k, v in tree.items()}
    if isinstance(tree, list | tuple):
        return [finish(v, marks) for v in tree]
    return tree


# ------------------------------------------------------------------ what adds up to what
def individual(r: dict[str, Any]) -> list[Any]:
    """Figures that are one household's own value however many are counted: the shortest and longest lead time."""
    return [stats[key] for stats in r["lead_times"].values() for key in ("min", "max")]



def involvement_relations(involvement: dict[str, Any]) -> list[Sum | Derived]:
    """The involvement section's relations: a mean gives its count back; the flows are two sums.

    ``at_start + engaged = followed = at_report_date + left``: with ``followed`` shown, a small
    ``engaged`` cannot be read back as ``at_report_date + left - at_start`` (issue 15's flows).
    """
    out: list[Sum | Derived] = []
    households = involvement["households"]
    for kind in ("professionals", "volunteers"):
        i = involvement[kind]  # a mean times the households shown gives the count back
        out.append(Derived((i["per_household_at_start"], i["change_pct"]), (i["at_start"], households)))
        out.append(Derived((i["per_household_at_report_date"], i["change_pct"]), (i["at_report_date"], households)))
        out.append(Sum(i["left"], tuple(i["left_by_reason"].values())))
        out.append(Sum(i["followed"], (i["at_start"], i["engaged"])))
        out.append(Sum(i["followed"], (i["at_report_date"], i["left"])))
    out.append(Sum(households, (involvement["households_with_already_involved"],), exact=False))
    out.append(Sum(households, (involvement["households_volunteers_took_over"],), exact=False))
    return out


def relations(r: dict[str, Any]) -> list[Sum | Derived]:
    """The additive relations between the report's figures (docs/evaluation.md defines each figure)."""
    out: list[Sum | Derived] = []

    def part(total: Any, *cells: Any) -> None:  # cells within total; the rest is not shown
        out.append(Sum(total, cells, exact=False))

    def parts(total: Any, cells: Iterable[Any]) -> None:  # cells add up to total
        out.append(Sum(total, tuple(cells)))

    def same(*figures: Any) -> None:  # one number shown in several places
        out.extend(Derived((a,), (b,)) for a in figures for b in figures if a is not b)

    households = r["basis"]["households"]
    part(households, r["basis"]["erased_households"])
    ref = r["referrals"]
    parts(None, ref["by_source"].values())  # overlapping, but their sum follows from the combinations
    part(ref["households"], ref["multiple_sources"])
    parts(ref["households"], (ref["referred_once"], ref["referred_more_than_once"]))
    # referrals - households = the referrals added: withheld with the double referrals it would bound
    out.append(Derived((ref["referrals"],), (ref["referred_more_than_once"],)))
    parts(ref["multiple_sources"], ref["source_combinations"].values())
    comp = r["composition"]
    parts(households, comp["by_kind"].values())
    parts(households, comp["as_revised"].values())
    part(households, comp["revised"])
    part(households, comp["with_children"])
    coordination = r["coordination"]
    parts(households, (coordination["decided"], coordination["undecided"]))
    parts(coordination["decided"], coordination["by_outcome"].values())
    phases, lead = r["phases"], r["lead_times"]
    for key in ("orientation_talk_held", "coordination_decided", "intake_held", "plan_scheduled", "plan_made",
                "interim_evaluation_held", "closed", "dropped_out", "refused"):
        part(phases["referred"], phases[key])
    parts(phases["orientation_talk_held"],
          (phases["orientation_with_household"], phases["orientation_professionals_only"]))
    same(phases["coordination_decided"], coordination["decided"])
    same(phases["intake_held"], lead["referral_to_intake"]["n"])
    same(phases["plan_made"], lead["referral_to_plan"]["n"])
    part(phases["plan_made"], lead["intake_to_plan"]["n"])
    part(phases["interim_evaluation_held"], lead["plan_to_first_interim_evaluation"]["n"])
    zrm = r["zrm"]
    part(households, zrm["households_with_two_instruments"])
    for instrument in zrm["instruments"].values():
        part(households, instrument["households"])
        for d in instrument["domains"].values():
            part(instrument["households"], d["intake_measured"])
            part(d["intake_measured"], d["compared"])
            parts(d["compared"], (d["up"], d["same"], d["down"]))
            parts(d["intake_measured"], d["intake_scores"].values())
            if "intake_at_most_3" in d:  # the ZRM's only
                part(d["intake_measured"], d["intake_at_most_3"])
                parts(d["intake_at_most_3"], (d["intake_scores"][s] for s in ("1", "2", "3")))
            parts(d["compared"], d["intake_scores_compared"].values())
            parts(d["compared"], d["latest_scores"].values())
    involvement = r["involvement"]
    part(phases["intake_held"], involvement["households"])
    out.extend(involvement_relations(involvement))
    net = r["network"]  # the own network (issue 15)
    part(phases["intake_held"], net["households"])
    part(net["households"], net["recorded_again"])
    parts(net["households"], (net["supportive_rose"], net["supportive_same"], net["supportive_fell"]))
    for side in (net["at_intake"], net["at_report_date"]):  # a mean times the households gives the sum back
        part(side["contacts"], side["supportive"])
        out.append(Derived((side["contacts_per_household"],), (side["contacts"], net["households"])))
        out.append(Derived((side["supportive_per_household"],), (side["supportive"], net["households"])))
    actions = r["plan_actions"]
    for t in (*actions["by_performer"].values(), actions["total"]):
        parts(t["added"], (t["done"], t["cancelled"], t["open"]))
        part(t["open"], t["late"])
    for key in actions["total"]:
        parts(actions["total"][key], (t[key] for t in actions["by_performer"].values()))
    loads = r["caseloads"]
    for d in loads["per_director"]:
        parts(d["households"], d["by_phase"].values())
    parts(loads["households"], (d["households"] for d in loads["per_director"]))
    out.append(Derived((loads["median"], loads["max"]), tuple(d["households"] for d in loads["per_director"])))
    costs = r["costs"]
    part(households, costs["households_with_baseline"])
    part(households, costs["households_with_intervention"])
    part(costs["households_with_baseline"], costs["households_with_both"])
    part(costs["households_with_intervention"], costs["households_with_both"])
    for column in ("baseline_per_year", "approach_per_year"):
        parts(costs["total_per_year"][column], (s[column] for s in costs["by_stream"].values()))
        # the mean times the households with both gives the total back, the total over the mean the households
        out.append(Derived((costs["per_household_per_year"][column],),
                           (costs["total_per_year"][column], costs["households_with_both"])))
    for row in (*costs["by_stream"].values(), costs["total_per_year"], costs["per_household_per_year"]):
        out.append(Derived((row["change_pct"],), (row["baseline_per_year"], row["approach_per_year"])))
    return out


# ------------------------------------------------------------------ the period grid
def month_end_before(day: date, today: date) -> date:
    """The last day of the latest calendar month that is over by ``day`` (and before ``today``, still open)."""
    last = min(day, today - timedelta(days=1))
    if (last + timedelta(days=1)).day == 1:
        return last
    return last.replace(day=1) - timedelta(days=1)


def _next(month: tuple[int, int]) -> tuple[int, int]:
    return (month[0] + 1, 1) if month[1] == 12 else (month[0], month[1] + 1)


def _last_day(month: tuple[int, int]) -> date:
    y, m = _next(month)
    return date(y, m, 1) - timedelta(days=1)


@dataclass(frozen=True)
class Grid:
    """Blocks of whole referral months, each holding at least the minimum of referrals."""

    blocks: tuple[tuple[date, date], ...]
    k: int

    def cover(self, from_: date | None, to: date) -> tuple[date, date]:
        """The smallest run of whole blocks that holds the period ``from_`` .. ``to``.

        Raises :class:`CohortTooSmallError` for a period that starts after the last block.
        """
        if from_ is not None and from_ > self.blocks[-1][1]:
            raise CohortTooSmallError(
                f"The period starts after {self.blocks[-1][1].isoformat()}, the end of the last run of months "
                f"holding {self.k} referrals or more: later referrals count once {self.k} have come.")
        first = self.blocks[0] if from_ is None else next(b for b in self.blocks if from_ <= b[1])
        last = next((b for b in self.blocks if to <= b[1]), self.blocks[-1])
        return first[0], last[1]


def grid(referred_on: Iterable[date], last_day: date, k: int) -> Grid:
    """Referral months up to ``last_day``, from the first referral, grouped into blocks of at least ``k`` referrals.

    The months after the last full block (fewer than ``k`` referrals so far) are in no block:
    they join the report once the block is full, so a block never splits later on.
    Raises :class:`CohortTooSmallError` when no block is full.
    """
    days = sorted(d for d in referred_on if d <= last_day)
    per_month = Counter((d.year, d.month) for d in days)
    blocks: list[tuple[tuple[int, int], tuple[int, int]]] = []
    if days:
        month, last = (days[0].year, days[0].month), (last_day.year, last_day.month)
        start, held = month, 0
        while month <= last:
            held += per_month.get(month, 0)
            if held >= k:
                blocks.append((start, month))
                start, held = _next(month), 0
            month = _next(month)
    if not blocks:
        raise CohortTooSmallError(
            f"The ledger holds fewer than {k} referrals as of {last_day.isoformat()}: too few households for a "
            f"report that keeps each of them apart (minimum cell size {k}).")
    return Grid(tuple((date(a[0], a[1], 1), _last_day(b)) for a, b in blocks), k)
