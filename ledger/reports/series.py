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

The figures of one date come from :func:`_figures_at`: the report's own fact queries
(:func:`~ledger.reports.facts_as_of.facts_as_of` and :func:`~ledger.reports.figures.compute`
over the live views, brought to the series' digest once), so a point costs one report's queries
without its access record, digest and wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal


from ledger.aggregates import Actor, errors
from ledger.aggregates.actions import Action
from ledger.privacy.chain import Digest
from ledger.projections.knowledge import known_at_of, reached
from ledger.projections.read_side import ViewsBehindError

from .disclosure import CohortTooSmallError, finish, individual, month_end_before, relations, withhold
from .evaluation import ReportSources, blocks
from .figures import compute
from .facts_as_of import facts_as_of

__all__ = ["ACTION", "EVERY", "MAX_POINTS", "Every", "Source", "TooManyPointsError", "evaluation_series",
           "headline", "points"]

ACTION = Action.READ_EVALUATION_SERIES
MAX_POINTS = 36  # three years of months: each point is a report's worth of fact queries
Every = Literal["month", "quarter", "year"]
EVERY: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}
WITHHELD_COHORT = "cohort-too-small"


class TooManyPointsError(errors.InvalidPeriodError):
    """More dates than one series answers: ask a shorter period or a coarser step."""

    code = "too-many-points"


@dataclass
class Source:
    """What every point of one series reads: the ledger, the one digest, the minimum cell size in force."""

    ledger: ReportSources
    digest: Digest
    k: int  # the minimum cell size applied (the deployment's or the request's, whichever is larger)


def _figures_at(source: Source, day: date, known_at: int) -> dict[str, Any]:
    """The report's plain body as of ``day`` (business time), as known at position ``known_at`` (knowledge time).

    The same fact queries as the report (``facts_as_of``, ``compute``, the disclosure blocks), on the
    live views the series brought to its digest first. Returns ``period``, ``last_included_position``
    and the body with disclosure marks; raises :class:`CohortTooSmallError` as the report would.
    """
    ledger, k = source.ledger, source.k
    facts = facts_as_of(day, known_at)
    from_: date | None = None
    end = day
    with ledger.views.engine.connect() as conn:
        if k > 1:  # the report's blocks: of the deployment's minimum (docs/evaluation.md)
            deployment = ledger.settings.report_min_cell
            from_, end = blocks(conn, facts, day, deployment if deployment > 1 else k).cover(None, day)
        figures = compute(conn, facts, from_, end, day)
    last = figures.pop("_last_position")
    if 0 < figures["basis"]["households"] < k:
        raise CohortTooSmallError(f"The cohort as of {day.isoformat()} holds fewer households than {k}.")
    period = {"from": from_.isoformat() if from_ else None, "to": end.isoformat()}
    if k == 1:
        body = finish(figures)
    else:
        cohort_size = (figures["basis"]["households"], figures["referrals"]["households"],
                       figures["phases"]["referred"])
        body = finish(figures, withhold(figures, k, relations(figures), keep=cohort_size, always=individual(figures)))
    return {"period": period, "last_included_position": last, **body}


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
    known_at: int | datetime | None = None,
    min_cell: int | None = None,
) -> dict[str, Any]:
    """The headline figures at every month (quarter, year) end from ``from_`` to ``to`` (default today).

    One access record, one digest; ``known_at`` (a ledger position, or a moment standing for the last
    household event recorded by then) leaves out what was recorded after it (default: the digest's
    position; beyond it: refused, as the report refuses it). Raises ``errors.InvalidPeriodError`` (400) for a
    period in the future, backwards or holding no date, :class:`TooManyPointsError` (400) beyond
    :data:`MAX_POINTS`, ``errors.InvalidInputError`` for an unknown step, a minimum below 1 or a
    negative position, and ``AccessDeniedError`` when the policy refuses.
    """
    if every not in EVERY:
        raise errors.InvalidInputError(f"every must be one of {', '.join(EVERY)}.")
    if min_cell is not None and min_cell < 1:
        raise errors.InvalidInputError("The minimum cell size must be at least 1.")
    if isinstance(known_at, int) and known_at < 0:
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
    if not reached(ledger.views, digest.position):
        raise ViewsBehindError(f"The views have not yet reached ledger position {digest.position}; try again shortly.")
    with ledger.views.engine.connect() as conn:
        knew = known_at_of(conn, known_at, digest.position)
    source = Source(ledger, digest, k)
    out: list[dict[str, Any]] = []
    for day in days:
        try:
            body = _figures_at(source, day, knew.position)
        except CohortTooSmallError:
            out.append({"as_of": day.isoformat(), "withheld": WITHHELD_COHORT, "period": None,
                        "last_included_position": None, "figures": None})
            continue
        out.append({"as_of": day.isoformat(), "withheld": None, "period": body["period"],
                    "last_included_position": body["last_included_position"], "figures": headline(body)})
    return {
        "from": days[0].isoformat(), "to": days[-1].isoformat(), "every": every, "min_cell": k,
        "requested": {"from": from_.isoformat(), "to": to.isoformat() if to else None, "every": every,
                      "known_at": known_at.isoformat() if isinstance(known_at, datetime) else known_at,
                      "min_cell": min_cell},
        "known_at": knew.to_json(),
        "ledger": {"position": digest.position, "head": digest.head, "signed_at": digest.signed_at,
                   "public_key": digest.public_key, "signature": digest.signature},
        "points": out,
    }
