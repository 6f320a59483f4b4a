"""The evaluation report's response body: every section and figure named (docs/evaluation.md defines them).

Under disclosure control a count reads ``"<N"`` (1 to N-1) or ``"x"`` (withheld to protect another
cell), so counts are ``Cell`` (a number or one of those marks) and derived figures ``Figure`` (also
``null`` when there is nothing to derive from). Maps keyed by codes (referral sources, phases, ZRM
domains and scores, cost streams) are ``dict``\\ s of cells: their keys are the vocabulary's codes.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field, WithJsonSchema

from .base import Out

__all__ = ["EvaluationReportOut"]

_MARK = r"^(<[0-9]+|x)$"
Mark = Annotated[str, Field(pattern=_MARK)]
Cell = Annotated[int | Mark, Field(description='A count; "<N" when it is 1 to N-1, "x" when withheld to protect '
                                               "another cell.")]
Figure = Annotated[float | int | Mark | None, Field(
    description='A figure derived from counts; "<N" or "x" when withheld, null when there is nothing to derive from.')]
Cells = dict[str, Cell]
# Two figures have a date's name (at_report_date: on the report date) but are counts, whose
# disclosure mark is a string; the API design rules' name heuristic reads such a string as a date
# (nlgov:specify-format-for-date-and-time). The names are the report's own (docs/evaluation.md) and
# stay; lint/adr.spectral.yaml exempts exactly these properties, with this reason.
_UNTYPED_MARK = {"type": "string", "pattern": _MARK, "description": 'A disclosure mark: "<N" or "x".'}
DateNamedCell = Annotated[int | str, WithJsonSchema({"anyOf": [{"type": "integer"}, _UNTYPED_MARK],
                                                     "description": Cell.__metadata__[0].description})]
DateNamedFigure = Annotated[float | int | str | None, WithJsonSchema(
    {"anyOf": [{"type": "number"}, _UNTYPED_MARK, {"type": "null"}], "description": Figure.__metadata__[0].description})]
TextMoment = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]


class ReportPeriodOut(Out):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: date | None = Field(alias="from", description="null: from the start")
    to: date


class RequestedOut(Out):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: date | None = Field(alias="from")
    to: date | None
    as_of: date | None
    known_at: int | TextMoment | None = Field(None, description="As asked: a ledger position or an RFC 3339 moment.")
    min_cell: int | None


class ReportLedgerOut(Out):
    position: int
    head: str
    signed_at: TextMoment = Field(description="As signed (the digest's own text).")
    public_key: str
    signature: str
    as_of_moment: TextMoment = Field(description="The end of the as-of day (RFC 3339).")
    known_at_position: int = Field(description="The knowledge time: only events at or before this position count.")
    last_included_position: int


class ReportKnownAtOut(Out):
    position: int = Field(description="Ledger position: only events at or before it count.")
    at: TextMoment | None = Field(description="When the last household event at or before it was recorded.")


class BasisOut(Out):
    households: Cell
    events: int
    erased_households: Cell


class ReferralsOut(Out):
    households: Cell
    by_source: Cells = Field(description="Households per source, counting the sources of later referrals too.")
    multiple_sources: Cell = Field(description="Households referred by two or more sources, at once or later.")
    source_combinations: Cells = Field(description="By sources joined with '+'.")
    referrals: Cell = Field(description="Referrals: each household's first, plus every later one (add_referral).")
    referred_once: Cell
    referred_more_than_once: Cell = Field(description="Households referred again after their first referral.")


class CompositionOut(Out):
    by_kind: Cells = Field(description="At referral: single, couple_without_children, couple_with_children, "
                           "mother_with_children, father_with_children, other, single_parent_not_recorded.")
    as_revised: Cells = Field(description="The same categories as revised up to the report date.")
    revised: Cell = Field(description="Households whose composition was revised by the report date.")
    with_children: Cell
    adults: Cell
    children: Cell


class CoordinationOut(Out):
    decided: Cell
    undecided: Cell
    by_outcome: Cells


class PhasesOut(Out):
    referred: Cell
    orientation_talk_held: Cell
    orientation_with_household: Cell
    orientation_professionals_only: Cell
    coordination_decided: Cell
    intake_held: Cell
    plan_scheduled: Cell
    plan_made: Cell
    interim_evaluation_held: Cell
    closed: Cell
    dropped_out: Cell
    refused: Cell


class ZrmDomainOut(Out):
    intake_measured: Cell
    intake_at_most_3: Cell | None = Field(default=None, description="ZRM only: intake score 1 to 3 (absent for "
                                          "the other instruments).")
    compared: Cell
    up: Cell
    same: Cell
    down: Cell
    intake_scores: Cells = Field(description="By score, over the instrument's scale (ZRM 1 to 5, ladder 1 to 6, "
                                 "satisfaction 1 to 5 or 1 to 10, life score 0 to 10).")
    intake_scores_compared: Cells
    latest_scores: Cells


class ZrmInstrumentOut(Out):
    households: Cell
    domains: dict[str, ZrmDomainOut]


class ZrmOut(Out):
    rule: str
    households_with_two_instruments: Cell = Field(description="Households measured with both ZRM versions.")
    instruments: dict[str, ZrmInstrumentOut] = Field(description="By instrument code: the ZRM versions 2013 and "
        "2017, ladder (participation ladder), satisfaction_5, satisfaction_10, life_score; never compared.")


class InvolvedKindOut(Out):
    at_start: Cell
    at_report_date: DateNamedCell
    change_pct: Figure
    per_household_at_start: Figure
    per_household_at_report_date: DateNamedFigure
    followed: Cell = Field(description="Involved at any time from the intake day up to the report date: at_start + "
                           "engaged = followed = at_report_date + left.")
    engaged: Cell = Field(description="Newly engaged after the intake day, up to the report date.")
    left: Cell = Field(description="Ended after the intake day, up to the report date.")
    left_by_reason: Cells = Field(description="left, by end reason (InvolvementEndReason).")
    already_involved: Cell = Field(description="Involvements already there at the referral.")


class OrganisationsOut(Out):
    """Distinct organisations involved with the counted households."""

    at_start: Cell
    at_report_date: DateNamedCell
    ever: Cell


class InvolvementFiguresOut(Out):
    households: Cell
    professionals: InvolvedKindOut
    volunteers: InvolvedKindOut
    organisations: OrganisationsOut
    households_with_already_involved: Cell
    households_volunteers_took_over: Cell = Field(
        description="Households where a professional involvement ended because volunteers took over.")


class NetworkSideOut(Out):
    """The own network of the counted households at one moment (contacts in the eco-map)."""

    contacts: Cell
    supportive: Cell = Field(description="Contacts recorded as supportive.")
    contacts_per_household: Figure
    supportive_per_household: Figure


class NetworkFiguresOut(Out):
    """Own strength (issue 15): the network at the intake against on the report date (docs/evaluation.md)."""

    households: Cell = Field(description="Households whose intake recorded at least one network contact.")
    recorded_again: Cell = Field(description="Of these, households whose network was recorded again "
                                             "(NetworkRecorded) on or before the report date.")
    at_intake: NetworkSideOut
    at_report_date: NetworkSideOut = Field(description="The latest network recorded on or before the report date, "
                                                       "else the intake's.")
    supportive_rose: Cell
    supportive_same: Cell
    supportive_fell: Cell


class ActionTallyOut(Out):
    added: Cell
    done: Cell
    cancelled: Cell
    open: Cell
    late: Cell


class PlanActionsOut(Out):
    by_performer: dict[str, ActionTallyOut]
    total: ActionTallyOut


class LeadTimeOut(Out):
    """Days."""

    n: Cell
    median: Figure
    q1: Figure
    q3: Figure
    min: Figure
    max: Figure


class LeadTimesOut(Out):
    referral_to_intake: LeadTimeOut
    intake_to_plan: LeadTimeOut
    plan_to_first_interim_evaluation: LeadTimeOut
    referral_to_plan: LeadTimeOut


class DirectorLoadOut(Out):
    director: str = Field(description="A pseudonym (R1, R2 ...), ranked by caseload.")
    organisation: str
    households: Cell
    by_phase: Cells
    norm: str = Field(description="below, within or above the recommended caseload")


class CaseloadNormsOut(Out):
    recommended_min: int
    recommended_max: int
    most_complex: int
    youth_work: list[int]
    work_and_income: int
    participation_act_over: int
    fte_per_director: int
    source: str


class CaseloadsFiguresOut(Out):
    on: date
    directors: int
    households: Cell
    median: Figure
    max: Figure
    against_norm: dict[str, int] = Field(description="below, within, above: how many directors")
    per_director: list[DirectorLoadOut]
    norms: CaseloadNormsOut


class CostPairOut(Out):
    baseline_per_year: Figure
    approach_per_year: Figure
    change_pct: Figure


class CostsOut(Out):
    households_with_baseline: Cell
    households_with_intervention: Cell
    households_with_both: Cell
    by_stream: dict[str, CostPairOut]
    total_per_year: CostPairOut
    per_household_per_year: CostPairOut


class EvaluationReportOut(Out):
    """The evaluation report (docs/evaluation.md defines every figure): pseudonymous aggregates only.

    Disclosure control (docs/evaluation.md): counts from 1 to N-1, and figures over fewer than N
    households or items, read ``"<N"``; cells withheld so that those cannot be worked out read
    ``"x"``. N is the service's minimum (``LEDGER_REPORT_MIN_CELL``, default 5) or ``minCell``,
    whichever is larger; the as-of date is the end of the last month that is over and the period
    is widened to blocks of whole months holding at least N referrals.
    """

    period: ReportPeriodOut = Field(description="Referral dates counted: `from` (null: from the start) to `to`, "
                                          "widened to whole blocks of months under disclosure control.")
    as_of: date = Field(description="Business time: what was true on this day, by the events' own dates (under "
                                    "disclosure control the end of the last month that is over).")
    known_at: ReportKnownAtOut = Field(description="Knowledge time: the ledger position the figures are known at (default "
                                             "the digest's) and when it was recorded.")
    empty_basis: str | None = Field(description="Present when nothing counts, with the reason: \"no events on "
                                                      "or before the as-of date\" or \"none recorded by knownAt\".")
    min_cell: int = Field(description="The minimum cell size applied (1: the deployment switched disclosure "
                                      "control off).")
    requested: RequestedOut = Field(description="What was asked (`from`, `to`, `as_of`, `min_cell`; null: not "
                                                "given), beside the period and as-of date reported.")
    ledger: ReportLedgerOut = Field(description="The signed digest the figures rest on (position, head, signed_at, "
                                                "public_key, signature), the as-of moment and the last position "
                                                "included.")
    basis: BasisOut = Field(description="How many households and events the figures rest on.")
    referrals: ReferralsOut
    composition: CompositionOut
    coordination: CoordinationOut
    phases: PhasesOut
    zrm: ZrmOut
    involvement: InvolvementFiguresOut
    network: NetworkFiguresOut
    plan_actions: PlanActionsOut
    lead_times: LeadTimesOut
    caseloads: CaseloadsFiguresOut
    costs: CostsOut
