"""The action vocabulary: every command and read the ledger offers, declared once.

An :class:`Action`'s value is the name its access records carry (stored: never rename one).
:data:`ACTIONS` says, per action, what the other layers need: the data categories it writes or
reads (:mod:`ledger.privacy.access`), who may do it (:mod:`ledger.privacy.policy`), the
household event it records (:mod:`ledger.demo`), the application method that serves it, its
HTTP route (:mod:`ledger.api.routes.commands`), its :class:`ledger.client.LedgerClient` method and its
``ledger`` CLI command. The client is HTTP only and never imports this module;
``tests/unit/test_action_vocabulary.py`` checks every layer against this table by name.

Adding a command: add the ``Action`` member and its :class:`ActionSpec` row here, then the
application method, the aggregate method and event, the body model plus one ``_command(...)`` line
in the API, the client method and the CLI command. The vocabulary test names whatever is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .vocabulary import DataCategory

__all__ = ["ACTIONS", "Action", "ActionSpec", "Kind", "Who", "check", "commands", "spec"]


class Action(StrEnum):
    # commands on a household
    REFER_HOUSEHOLD = "refer_household"
    REVISE_COMPOSITION = "revise_composition"
    ADD_REFERRAL = "add_referral"
    RECORD_INTAKE = "record_intake"
    HOLD_ORIENTATION_TALK = "hold_orientation_talk"
    SCHEDULE_PLAN_MEETING = "schedule_plan_meeting"
    RECORD_NETWORK = "record_network"
    DECIDE_COORDINATION = "decide_coordination"
    ASSIGN_CASE_DIRECTOR = "assign_case_director"
    REPLACE_CASE_DIRECTOR = "replace_case_director"
    GRANT_CONSENT = "grant_consent"
    WITHDRAW_CONSENT = "withdraw_consent"
    RECORD_ZRM_MEASUREMENT = "record_zrm_measurement"
    RECORD_MEASUREMENT = "record_measurement"
    SET_PLAN_GOAL = "set_plan_goal"
    REVISE_PLAN_GOAL = "revise_plan_goal"
    ADD_PLAN_ACTION = "add_plan_action"
    COMPLETE_PLAN_ACTION = "complete_plan_action"
    CANCEL_PLAN_ACTION = "cancel_plan_action"
    START_INVOLVEMENT = "start_involvement"
    END_INVOLVEMENT = "end_involvement"
    HOLD_EVALUATION = "hold_evaluation"
    RAISE_ESCALATION = "raise_escalation"
    RESOLVE_ESCALATION = "resolve_escalation"
    RECORD_COST = "record_cost"
    HAND_OVER = "hand_over"
    RECORD_DROP_OUT = "record_drop_out"
    CLOSE_CASE = "close_case"
    REOPEN_CASE = "reopen_case"
    PLACE_RETENTION_HOLD = "place_retention_hold"
    REQUEST_ERASURE = "request_erasure"
    ERASE_HOUSEHOLD = "erase_household"
    # reads
    READ = "read"  # the policy's generic read: which households a caseload list may show
    READ_HOUSEHOLD = "read_household"
    READ_HISTORY = "read_history"
    READ_PLAN = "read_plan"
    READ_INVOLVEMENT = "read_involvement"
    LIST_HOUSEHOLDS = "list_households"
    READ_CASELOADS = "read_caseloads"
    READ_EVALUATION_REPORT = "read_evaluation_report"
    READ_EVALUATION_SERIES = "read_evaluation_series"
    READ_ACCESS_LOG = "read_access_log"
    READ_ACCESS_REVIEW = "read_access_review"  # an access record under review, its stated reason unsealed (issue 16)
    EXPORT_HOUSEHOLD = "export_household"
    # oversight, administration, operation
    RECORD_ACCESS_REQUEST = "record_access_request"
    REVIEW_EMERGENCY = "review_emergency"
    ADD_USER = "add_user"
    DISABLE_USER = "disable_user"
    ADD_ORGANISATION = "add_organisation"
    CHAIN_TAIL = "chain_tail"
    IMPORT_HOUSEHOLD = "import_household"
    INDEX_BSNS = "index_bsns"  # the operator rebuilds a household's BSN blind index entries (reads its members)


class Kind(StrEnum):
    COMMAND = "command"  # changes a household: one application method, one route, client method, CLI command
    READ = "read"  # shows case data or figures
    OVERSIGHT = "oversight"  # audit, administration and operation: outside a case's own vocabulary


class Who(StrEnum):
    """Who may do a command (the policy decides from these; :mod:`ledger.privacy.policy`)."""

    DIRECTOR = "director"  # the case director
    INVOLVED = "involved"  # an involved professional, for their own part
    INTAKE_TEAM = "intake_team"  # the responsible organisation's staff while no director is assigned
    ANYONE = "anyone"  # anyone in the network (a referral)
    PRIVACY_OFFICER = "privacy_officer"  # the municipality's privacy officer alone
    ADMIN = "admin"  # the municipality's administrator (erasure, four eyes)


@dataclass(frozen=True)
class ActionSpec:
    action: Action
    kind: Kind
    categories: frozenset[DataCategory] | None  # None only for a read whose categories the caller names
    who: frozenset[Who] = frozenset()
    event: str | None = None  # the Household event class it records
    route: tuple[str, str] | None = None  # (HTTP method, path under /v1)
    client: str | None = None  # the LedgerClient method
    cli: str | None = None  # the `ledger` sub-command, e.g. "household zrm"
    use_case: str | None = None  # the application method that serves it (default: the action's name)

    @property
    def method(self) -> str:
        return self.use_case or self.action.value


C = DataCategory
D, V, T = Who.DIRECTOR, Who.INVOLVED, Who.INTAKE_TEAM
H = "/households/{household_id}"


def _cmd(action: Action, categories: set[DataCategory], who: set[Who], event: str, verb: str, path: str,
         client: str, cli: str, use_case: str | None = None) -> ActionSpec:
    return ActionSpec(action, Kind.COMMAND, frozenset(categories), frozenset(who), event, (verb, path), client,
                      f"household {cli}", use_case)


def _read(action: Action, categories: frozenset[DataCategory] | None, path: str | None, client: str | None,
          cli: str | None, use_case: str | None = None) -> ActionSpec:
    return ActionSpec(action, Kind.READ, categories, route=("GET", path) if path else None, client=client, cli=cli,
                      use_case=use_case)


def _oversight(action: Action) -> ActionSpec:
    return ActionSpec(action, Kind.OVERSIGHT, frozenset())


A = Action
_ALL = frozenset(DataCategory)
_SPECS = [
    _cmd(A.REFER_HOUSEHOLD, {C.IDENTITY, C.CONTACT, C.COMPOSITION}, {Who.ANYONE}, "Referred",
         "POST", "/households", "refer_household", "refer"),
    _cmd(A.REVISE_COMPOSITION, {C.COMPOSITION}, {D, T}, "CompositionRevised",
         "POST", f"{H}/composition", "revise_composition", "composition"),
    # A later referral of a known household: the referral's own categories are not re-written (no members).
    _cmd(A.ADD_REFERRAL, {C.COMPOSITION}, {D, V, T}, "ReferralAdded",
         "POST", f"{H}/referrals", "add_referral", "add-referral"),
    _cmd(A.RECORD_INTAKE, {C.SOCIAL_NETWORK, C.INVOLVEMENT, C.PLAN}, {D, T}, "IntakeHeld",
         "POST", f"{H}/intakes", "record_intake", "intake"),
    # Issue 15: orientation talks before the coordination decision, and the plan meeting after the intake.
    _cmd(A.HOLD_ORIENTATION_TALK, {C.PLAN}, {D, T}, "OrientationTalkHeld",
         "POST", f"{H}/orientation-talks", "hold_orientation_talk", "orientation-talk"),
    _cmd(A.SCHEDULE_PLAN_MEETING, {C.PLAN}, {D, T}, "PlanMeetingScheduled",
         "POST", f"{H}/plan-meetings", "schedule_plan_meeting", "plan-meeting"),
    _cmd(A.RECORD_NETWORK, {C.SOCIAL_NETWORK}, {D, V, T}, "NetworkRecorded",
         "POST", f"{H}/network", "record_network", "network"),
    _cmd(A.DECIDE_COORDINATION, {C.PLAN}, {D, T}, "CoordinationDecided",
         "POST", f"{H}/coordination-decisions", "decide_coordination", "coordination"),
    # Assign and replace share one resource (PUT case-director): the application's set_case_director picks.
    _cmd(A.ASSIGN_CASE_DIRECTOR, {C.INVOLVEMENT}, {D, T}, "CaseDirectorAssigned",
         "PUT", f"{H}/case-director", "set_case_director", "director"),
    _cmd(A.REPLACE_CASE_DIRECTOR, {C.INVOLVEMENT}, {D}, "CaseDirectorReplaced",
         "PUT", f"{H}/case-director", "set_case_director", "director"),
    _cmd(A.GRANT_CONSENT, {C.IDENTITY}, {D, T}, "ConsentGranted", "POST", f"{H}/consents", "grant_consent", "consent"),
    _cmd(A.WITHDRAW_CONSENT, {C.IDENTITY}, {D, V, T}, "ConsentWithdrawn",
         "POST", f"{H}/consents/{{consent_id}}/withdrawal", "withdraw_consent", "withdraw"),
    _cmd(A.RECORD_ZRM_MEASUREMENT, {C.ZRM}, {D, V, T}, "ZrmMeasured",
         "POST", f"{H}/zrm-measurements", "record_zrm_measurement", "zrm"),
    # Any instrument (ZRM, participation ladder, satisfaction, life score): the same event and the same
    # data category as the ZRM's, so a consent or basis for measurements covers every instrument alike.
    _cmd(A.RECORD_MEASUREMENT, {C.ZRM}, {D, V, T}, "ZrmMeasured",
         "POST", f"{H}/measurements", "record_measurement", "measure"),
    _cmd(A.SET_PLAN_GOAL, {C.PLAN}, {D}, "PlanGoalSet", "POST", f"{H}/plan/goals", "set_plan_goal", "goal"),
    _cmd(A.REVISE_PLAN_GOAL, {C.PLAN}, {D}, "PlanGoalRevised",
         "POST", f"{H}/plan/goals/{{goal_id}}/revision", "revise_plan_goal", "revise-goal"),
    _cmd(A.ADD_PLAN_ACTION, {C.PLAN}, {D}, "PlanActionAdded", "POST", f"{H}/plan/actions", "add_plan_action", "action"),
    _cmd(A.COMPLETE_PLAN_ACTION, {C.PLAN}, {D, V}, "PlanActionCompleted",
         "POST", f"{H}/plan/actions/{{action_id}}/completion", "complete_plan_action", "complete"),
    _cmd(A.CANCEL_PLAN_ACTION, {C.PLAN}, {D, V}, "PlanActionCancelled",
         "POST", f"{H}/plan/actions/{{action_id}}/cancellation", "cancel_plan_action", "cancel"),
    _cmd(A.START_INVOLVEMENT, {C.INVOLVEMENT}, {D, T}, "InvolvementStarted",
         "POST", f"{H}/involvements", "start_involvement", "involve"),
    _cmd(A.END_INVOLVEMENT, {C.INVOLVEMENT}, {D, V}, "InvolvementEnded",
         "POST", f"{H}/involvements/{{involvement_id}}/ending", "end_involvement", "end-involvement"),
    _cmd(A.HOLD_EVALUATION, {C.PLAN, C.ZRM}, {D}, "EvaluationHeld",
         "POST", f"{H}/evaluations", "hold_evaluation", "evaluate"),
    _cmd(A.RAISE_ESCALATION, {C.PLAN}, {D}, "EscalationRaised",
         "POST", f"{H}/escalations", "raise_escalation", "escalate"),
    _cmd(A.RESOLVE_ESCALATION, {C.PLAN}, {D}, "EscalationResolved",
         "POST", f"{H}/escalations/{{escalation_id}}/resolution", "resolve_escalation", "resolve-escalation"),
    _cmd(A.RECORD_COST, {C.COSTS}, {D}, "CostRecorded", "POST", f"{H}/costs", "record_cost", "cost"),
    _cmd(A.HAND_OVER, {C.INVOLVEMENT, C.PLAN}, {D}, "HandedOver", "POST", f"{H}/handovers", "hand_over", "hand-over"),
    _cmd(A.RECORD_DROP_OUT, {C.PLAN}, {D, T}, "DroppedOut", "POST", f"{H}/drop-outs", "record_drop_out", "drop-out"),
    _cmd(A.CLOSE_CASE, {C.PLAN}, {D, T}, "Closed", "POST", f"{H}/closure", "close_case", "close"),
    _cmd(A.REOPEN_CASE, {C.PLAN}, {D, T}, "Reopened", "POST", f"{H}/reopening", "reopen_case", "reopen"),
    _cmd(A.PLACE_RETENTION_HOLD, set(), {Who.PRIVACY_OFFICER}, "RetentionHoldPlaced",
         "POST", f"{H}/retention-holds", "place_retention_hold", "retention-hold"),
    _cmd(A.REQUEST_ERASURE, set(), {Who.PRIVACY_OFFICER}, "ErasureRequested",
         "POST", f"{H}/erasure-requests", "request_erasure", "request-erasure"),
    _cmd(A.ERASE_HOUSEHOLD, set(_ALL), {Who.ADMIN}, "Erased", "POST", f"{H}/erasure", "erase_household", "erase"),
    _read(A.READ, None, None, None, None),  # decided per household inside list_households; no route of its own
    _read(A.READ_HOUSEHOLD, _ALL, H, "household", "household show", "read_household"),  # by category (issue 16)
    _read(A.READ_HISTORY, _ALL, f"{H}/events", "events", "household events", "read_history"),
    _read(A.READ_PLAN, None, f"{H}/plan", "plan", "household plan", "record_read"),  # served by the views
    _read(A.READ_INVOLVEMENT, None, f"{H}/involved-parties", "involved_parties", "household involved", "record_read"),
    _read(A.LIST_HOUSEHOLDS, None, "/households", "caseload", "household list"),
    _read(A.READ_CASELOADS, frozenset(), "/caseloads", "caseloads", "report caseloads", "record_read"),
    _read(A.READ_EVALUATION_REPORT, frozenset(), "/reports/evaluation", "evaluation_report", "report evaluation",
          "record_read"),
    _read(A.READ_EVALUATION_SERIES, frozenset(), "/reports/evaluation/series", "evaluation_series", "report series",
          "record_read"),
    _read(A.READ_ACCESS_LOG, frozenset(), "/access-log", "access_log", "audit log", "access_log"),
    _read(A.READ_ACCESS_REVIEW, frozenset(), "/access-log/{record_id}", "access_record", "audit record",
          "access_record"),
    _read(A.EXPORT_HOUSEHOLD, _ALL, f"{H}/export", "export_household", "household export"),
    *(_oversight(a) for a in (A.RECORD_ACCESS_REQUEST, A.REVIEW_EMERGENCY, A.ADD_USER, A.DISABLE_USER,
                              A.ADD_ORGANISATION, A.CHAIN_TAIL, A.IMPORT_HOUSEHOLD,
                              A.INDEX_BSNS)),
]
ACTIONS: dict[Action, ActionSpec] = {s.action: s for s in _SPECS}


def check(specs: list[ActionSpec]) -> None:
    """Run at import: every action declared exactly once; every command names its categories, who, event and route.

    So a command without categories fails when the ledger loads, not at its first call (an HTTP 500).
    """
    declared = {s.action for s in specs}
    missing = [a.value for a in Action if a not in declared]
    if missing or len(declared) != len(specs):
        raise RuntimeError(f"Actions declared twice or not at all: {missing or 'a duplicate row'}")
    for s in specs:
        if s.kind == Kind.COMMAND and (s.categories is None or not s.who or s.event is None or s.route is None):
            raise RuntimeError(f"Command {s.action.value} lacks its categories, who, event or route")


check(_SPECS)


def spec(action: Action | str) -> ActionSpec:
    return ACTIONS[Action(action)]


def commands() -> list[ActionSpec]:
    """The commands, in declaration order."""
    return [s for s in _SPECS if s.kind == Kind.COMMAND]
