"""The evaluation report's headline figures at a series of dates: one request, one read, one digest (issue 14.3).

:func:`evaluation_series` decides and records ONE read (``read_evaluation_series``: evaluators and
consultants, as the report), takes ONE signed digest, and then asks, per date, what the report as
of that date would say: each point is the report with ``as_of`` = that date and the default period
(every referral up to it), as known at one ledger position (``known_at``, default the digest's).
From the full figures of that report it keeps the headline: the cohort, caseloads, the phase
funnel, ZRM up/same/down per instrument and domain, professionals and volunteers on the date,
open and late plan actions.

Disclosure control applies per point exactly as to a report (``disclosure.py``): the same
minimum cell size, the same cohort blocks, complementary suppression over the *whole* report
before the headline is cut out, so a point shows exactly what the report as of its date shows and
two points differ as two reports an evaluator could ask for do. Dates are month ends (``every``:
month, quarter or year), under disclosure control only months that are over. A point whose
cohort is too small is withheld (``"withheld": "cohort-too-small"``), not the whole series.
At most :data:`MAX_POINTS` points (:class:`TooManyPointsError`, 400).

The figures of one date come through one seam, :func:`_figures_at`: today the report's own
machinery (a private replay and :func:`~ledger.reports.evaluation.compute`, slow but the
reference); once the read side keeps temporal facts, the fact queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

import sqlalchemy as sa

from ledger.aggregates import Actor, errors
from ledger.aggregates.actions import Action
from ledger.privacy.chain import Digest
from ledger.projections.evaluation_facts import fact_referrals

from .disclosure import CohortTooSmallError, finish, grid, individual, month_end_before, relations, withhold
from .evaluation import ReportSources, compute
from .replay import Replay, replay
from .series_replay import Stepper

__all__ = ["ACTION", "EVERY", "MAX_POINTS", "Every", "Source", "TooManyPointsError", "evaluation_series",
           "headline", "points"]

ACTION = Action.READ_EVALUATION_SERIES
MAX_POINTS = 36  # three years of months: each point is a report's worth of work until the facts merge
Every = Literal["month", "quarter", "year"]
EVERY: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}
WITHHELD_COHORT = "cohort-too-small"


class TooManyPointsError(errors.InvalidPeriodError):
    """More dates than one series answers: ask a shorter period or a coarser step."""

    code = "too-many-points"


@dataclass
class Source:
    """What every point of one series reads: the ledger, the one digest, the minimum cell size in force.

    It also holds the one replay that walks through the dates (:class:`Stepper`), made at the first date.
    """

    ledger: ReportSources
    digest: Digest
    k: int  # the minimum cell size applied (the deployment's or the request's, whichever is larger)
    _stepper: Stepper | None = field(default=None, repr=False)

    def replay_at(self, moment: datetime, known_at: int) -> Replay | None:
        """The series' one walking replay as of ``moment``, or None when a replay of its own is needed."""
        if self._stepper is None:
            self._stepper = Stepper(self.ledger.app, known_at)
        return self._stepper.at(moment) if self._stepper.position == known_at else None

    def close(self) -> None:
        if self._stepper is not None:
            self._stepper.close()


# ------------------------------------------------------------------ the seam
def _figures_by_replay(source: Source, day: date, known_at: int) -> dict[str, Any]:
    """The report as of ``day``, known at ``known_at``, by the reference machinery: a private replay, then compute.

    The series' dates share one replay that walks forward (``series_replay.py``) where that is exact,
    else each date is replayed on its own.

    Returns the report's plain body (``period``, ``basis``, ``phases``, ... with disclosure marks)
    and ``last_included_position``. Raises :class:`CohortTooSmallError` as the report would.
    """
    ledger, k = source.ledger, source.k
    moment = datetime.combine(day, time.max, tzinfo=ledger.app.tz)
    shared = source.replay_at(moment, known_at)
    run = shared or replay(ledger.app, moment, known_at)
    from_: date | None = None
    end = day
    try:
        with run.engine.connect() as conn:
            if k > 1:  # the report's blocks: of the deployment's minimum (docs/evaluation.md)
                deployment = ledger.settings.report_min_cell
                referred = (d for (d,) in conn.execute(sa.select(fact_referrals.c.referred_on)))
                from_, end = grid(referred, day, deployment if deployment > 1 else k).cover(None, day)
            figures = compute(conn, run.basis, from_, end, day)
    finally:
        if shared is None:
            run.engine.dispose()
    if 0 < figures["basis"]["households"] < k:
        raise CohortTooSmallError(f"The cohort as of {day.isoformat()} holds fewer households than {k}.")
    period = {"from": from_.isoformat() if from_ else None, "to": end.isoformat()}
    if k == 1:
        body = finish(figures)
    else:
        cohort_size = (figures["basis"]["households"], figures["referrals"]["households"],
                       figures["phases"]["referred"])
        body = finish(figures, withhold(figures, k, relations(figures), keep=cohort_size, always=individual(figures)))
    return {"period": period, "last_included_position": run.basis.last_position, **body}


# The one line to rewire once the read side answers from temporal facts (issue 14 item 2): point it at the
# fact queries' function of the same contract (source, day, known_at) -> the report's plain body.
_FIGURES: Callable[[Source, date, int], dict[str, Any]] = _figures_by_replay


def _figures_at(source: Source, day: date, known_at: int) -> dict[str, Any]:
    """The report's plain body as of ``day`` (business time), as known at position ``known_at`` (knowledge time)."""
    return _FIGURES(source, day, known_at)


# ------------------------------------------------------------------ the dates
def _month_end(year: int, month: int) -> date:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return nxt - timedelta(days=1)


def points(from_: date, to: date, every: str = "month") -> list[date]:
    """The month ends from ``from_`` to ``to`` (both inclusive), every 1, 3 or 12 months (quarter and year ends)."""
    step = EVERY[every]
    out: list[date] = []
    year, month = from_.year, from_.month
    while (year, month) <= (to.year, to.month):
        end = _month_end(year, month)
        if from_ <= end <= to and (month % step == 0):
            out.append(end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


# ------------------------------------------------------------------ the headline
def headline(body: dict[str, Any]) -> dict[str, Any]:
    """The figures a trend shows, cut from a report's plain body (marks kept as they are)."""
    caseloads, involvement, actions = body["caseloads"], body["involvement"], body["plan_actions"]["total"]
    return {
        "households": body["basis"]["households"],
        "caseloads": {"households": caseloads["households"], "directors": caseloads["directors"],
                      "median": caseloads["median"]},
        "phases": dict(body["phases"]),
        "zrm": {instrument: {domain: {k: d[k] for k in ("compared", "up", "same", "down")}
                             for domain, d in data["domains"].items()}
                for instrument, data in body["zrm"]["instruments"].items()},
        "involvement": {"households": involvement["households"],
                        "professionals": involvement["professionals"]["at_report_date"],
                        "volunteers": involvement["volunteers"]["at_report_date"]},
        "plan_actions": {"open": actions["open"], "late": actions["late"]},
    }


# ------------------------------------------------------------------ entry point
def evaluation_series(
    ledger: ReportSources,
    actor: Actor,
    *,
    from_: date,
    to: date | None = None,
    every: str = "month",
    known_at: int | None = None,
    min_cell: int | None = None,
) -> dict[str, Any]:
    """The headline figures at every month (quarter, year) end from ``from_`` to ``to`` (default today).

    One access record, one digest; ``known_at`` (a ledger position) leaves out what was recorded
    after it (default: the digest's position). Raises ``errors.InvalidPeriodError`` (400) for a
    period in the future, backwards or holding no date, :class:`TooManyPointsError` (400) beyond
    :data:`MAX_POINTS`, ``errors.InvalidInputError`` for an unknown step, a minimum below 1 or a
    negative position, and ``AccessDeniedError`` when the policy refuses.
    """
    if every not in EVERY:
        raise errors.InvalidInputError(f"every must be one of {', '.join(EVERY)}.")
    if min_cell is not None and min_cell < 1:
        raise errors.InvalidInputError("The minimum cell size must be at least 1.")
    if known_at is not None and known_at < 0:
        raise errors.InvalidInputError("knownAt must be a ledger position (0 or more).")
    today = ledger.app.today()
    end = to or today
    if end > today:
        raise errors.InvalidPeriodError(f"The series ends on {end.isoformat()}, in the future.")
    if from_ > end:
        raise errors.InvalidPeriodError(f"The series starts on {from_.isoformat()}, after it ends ({end.isoformat()}).")
    k = max(ledger.settings.report_min_cell, min_cell or 1)
    last = month_end_before(today, today) if k > 1 else today  # under disclosure control: months that are over
    days = points(from_, min(end, last), every)
    if not days:
        raise errors.InvalidPeriodError(
            f"No {every} end from {from_.isoformat()} to {min(end, last).isoformat()}"
            + (" that is over (disclosure control reports whole months)." if k > 1 else "."))
    if len(days) > MAX_POINTS:
        raise TooManyPointsError(f"The series holds {len(days)} dates; at most {MAX_POINTS} per request "
                                 "(ask a shorter period, or every=quarter or year).")

    ledger.app.record_read(actor, ACTION)
    digest = ledger.chain.digest()
    position = digest.position if known_at is None else min(known_at, digest.position)
    source = Source(ledger, digest, k)
    out: list[dict[str, Any]] = []
    try:
        for day in days:
            try:
                body = _figures_at(source, day, position)
            except CohortTooSmallError:
                out.append({"as_of": day.isoformat(), "withheld": WITHHELD_COHORT, "period": None,
                            "last_included_position": None, "figures": None})
                continue
            out.append({"as_of": day.isoformat(), "withheld": None, "period": body["period"],
                        "last_included_position": body["last_included_position"], "figures": headline(body)})
    finally:
        source.close()
    return {
        "from": days[0].isoformat(), "to": days[-1].isoformat(), "every": every, "min_cell": k,
        "requested": {"from": from_.isoformat(), "to": to.isoformat() if to else None, "every": every,
                      "known_at": known_at, "min_cell": min_cell},
        "known_at": {"position": position, "at": digest.signed_at if position == digest.position else None},
        "ledger": {"position": digest.position, "head": digest.head, "signed_at": digest.signed_at,
                   "public_key": digest.public_key, "signature": digest.signature},
        "points": out,
    }
