"""The evaluation report: the pilot's figures at any business date, as known at any ledger position.

Two times (docs/evaluation.md): ``as_of`` (business time, a date: what was true that day,
by the ``on`` each event carries) and ``known_at`` (knowledge time, a ledger position: only
what had been recorded by then; default the signed digest's position).
:func:`evaluation_report` decides and records the read (``read_evaluation_report``:
evaluators and consultants), takes a signed digest of the ledger's hash chain, resolves
``known_at``, waits for the live views to reach it, and reads the figures from the live
bitemporal facts masked to (as_of, known_at) (``facts_as_of.py``): indexed queries, no
replay. :func:`~.figures.compute` reads the figures from a :class:`Facts`; the reference replay
(``replay.py``) gives the same :class:`Facts` over its private tables.

Who is counted: the *cohort* is every household referred in the period (referral date
from ``from`` to ``to``, both inclusive; ``to`` defaults to the as-of date), erased ones
included (their facts are codes and dates only). Its outcomes are followed up to the
as-of date. Caseloads are the exception: they count every household active on the
report date, whatever its referral date. docs/evaluation.md defines every figure.

The result is plain JSON-ready data: pseudonymous aggregates, no household ids, no
staff ids (case directors become R1, R2, ...). Disclosure control (``disclosure.py``)
always applies with the deployment's minimum cell size (``LEDGER_REPORT_MIN_CELL``,
default 5; ``min_cell`` may only raise it): small cells withheld with their complements,
the as-of date at a month end, the period widened to blocks of at least that many
referrals.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Protocol

import sqlalchemy as sa

from ledger.aggregates import Actor, errors
from ledger.aggregates.actions import Action
from ledger.application import CaseLedger
from ledger.config import Settings
from ledger.privacy.chain import Chain
from ledger.projections import Runner
from ledger.projections.knowledge import known_at_of, reached
from ledger.projections.read_side import ViewsBehindError

from .disclosure import CohortTooSmallError, Grid, finish, grid, individual, month_end_before, relations, withhold
from .facts_as_of import Facts, empty_basis, facts_as_of
from .figures import compute

__all__ = ["ACTION", "ReportSources", "ViewsBehindError", "blocks", "evaluation_report"]

ACTION = Action.READ_EVALUATION_REPORT



class ReportSources(Protocol):
    """What the report reads: the application (policy, records), the chain (its digest), the settings, the views.

    The composition root's ``Ledger`` is one; the report never imports it.
    """

    @property
    def app(self) -> CaseLedger: ...

    @property
    def chain(self) -> Chain: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def views(self) -> Runner: ...


# ------------------------------------------------------------------ entry point
def evaluation_report(
    ledger: ReportSources,
    actor: Actor,
    *,
    from_: date | None = None,
    to: date | None = None,
    as_of: date | None = None,
    known_at: int | datetime | None = None,
    min_cell: int | None = None,
) -> dict[str, Any]:
    """The report as JSON-ready data; the read is decided by the access policy and recorded first.

    The minimum cell size is the deployment's (``LEDGER_REPORT_MIN_CELL``) or ``min_cell``,
    whichever is larger. From 2 up, the as-of date becomes the end of the last month that
    is over and the period widens to whole blocks of referral months (``disclosure.py``);
    the answer names what was asked (``requested``) and what was reported.

    ``known_at`` is a ledger position or a timezone-aware moment (the last position recorded
    at or before it); default the digest's position; beyond it is refused. The report names
    both times and says so (``empty_basis``) when nothing counts.

    Raises ``errors.InvalidPeriodError`` for an as-of date in the future, a period that
    ends after the as-of date or starts after it ends (or, under disclosure control,
    after the last month that is over), ``CohortTooSmallError`` when fewer households
    than the minimum were referred, and ``AccessDeniedError`` when the policy refuses
    (evaluators and consultants only).
    """
    today = ledger.app.today()
    report_day = as_of or today
    if report_day > today:
        raise errors.InvalidPeriodError(f"The as-of date {report_day.isoformat()} lies in the future.")
    end = to or report_day
    if end > report_day:
        raise errors.InvalidPeriodError(
            f"The period ends on {end.isoformat()}, after the as-of date {report_day.isoformat()}: "
            "the ledger cannot know that yet.")
    if from_ is not None and from_ > end:
        raise errors.InvalidPeriodError(f"The period starts on {from_.isoformat()}, after it ends ({end.isoformat()}).")
    if min_cell is not None and min_cell < 1:
        raise errors.InvalidInputError("The minimum cell size must be at least 1.")
    k = max(ledger.settings.report_min_cell, min_cell or 1)
    requested = {"from": from_.isoformat() if from_ else None, "to": to.isoformat() if to else None,
                 "as_of": as_of.isoformat() if as_of else None,
                 "known_at": known_at.isoformat() if isinstance(known_at, datetime) else known_at, "min_cell": min_cell}
    if k > 1:
        report_day = month_end_before(report_day, today)
        end = min(end, report_day)
        if from_ is not None and from_ > report_day:
            raise errors.InvalidPeriodError(
                f"The period starts on {from_.isoformat()}, after {report_day.isoformat()}: the last month that is "
                "over, which is as far as a report with disclosure control goes.")

    ledger.app.record_read(actor, ACTION)
    digest = ledger.chain.digest()
    runner = ledger.views
    engine = runner.engine
    if not reached(runner, digest.position):
        raise ViewsBehindError(f"The views have not yet reached ledger position {digest.position}; try again shortly.")
    with engine.connect() as conn:
        knew = known_at_of(conn, known_at, digest.position)
    # Everything below reads only facts at or before knew.position: the follower may move on meanwhile
    # without changing the answer (the masks are the report's snapshot).
    facts = facts_as_of(report_day, knew.position)
    with engine.connect() as conn:
        if k > 1:  # blocks of the deployment's minimum: a request's own would cut other cohorts
            deployment = ledger.settings.report_min_cell
            from_, end = blocks(conn, facts, report_day, deployment if deployment > 1 else k).cover(from_, end)
        figures = compute(conn, facts, from_, end, report_day)
        empty = empty_basis(conn, facts)
    if 0 < figures["basis"]["households"] < k:  # blocks hold the deployment's minimum; a request may ask more
        raise CohortTooSmallError(
            f"The period holds fewer households than the minimum cell size asked for ({k}); widen the period.")
    head = {
        "period": {"from": from_.isoformat() if from_ else None, "to": end.isoformat()},
        "as_of": report_day.isoformat(),
        "known_at": knew.to_json(),
        "empty_basis": empty,  # None: something counts
        "min_cell": k,
        "requested": requested,
        "ledger": {
            # the signed digest (``ledger audit verify --digest`` reads these five keys) ...
            "position": digest.position, "head": digest.head, "signed_at": digest.signed_at,
            "public_key": digest.public_key, "signature": digest.signature,
            # ... and what the facts took from it
            "as_of_moment": datetime.combine(report_day, time.max, tzinfo=ledger.app.tz).isoformat(),
            "known_at_position": knew.position, "last_included_position": figures.pop("_last_position"),
        },
    }
    if k == 1:
        return {**head, **finish(figures)}
    cohort_size = (figures["basis"]["households"], figures["referrals"]["households"], figures["phases"]["referred"])
    marks = withhold(figures, k, relations(figures), keep=cohort_size, always=individual(figures))
    return {**head, **finish(figures, marks)}


def blocks(conn: sa.Connection, facts: Facts, report_day: date, k: int) -> Grid:
    """The referral months of every household that counts, in blocks of at least ``k`` referrals."""
    return grid((d for (d,) in conn.execute(sa.select(facts.referrals.c.referred_on))), report_day, k)
