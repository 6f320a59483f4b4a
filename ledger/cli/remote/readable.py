"""The plan and the history for people: ``ledger household plan`` and ``ledger household events`` (issue 16).

The plan: a line on the case, then per goal its text and a table of its actions (text, who acts, due,
status, late). The history: one row per event (date, what happened in words, who, a short summary with
the text where there is one). Long cells wrap inside their column (rich), never a record over several
columns. ``--json`` on both commands keeps the machine form; this module only renders. Every text from
the ledger is escaped: a household's words such as ``[x]`` are shown, never read as rich markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ._common import _table

if TYPE_CHECKING:  # rich loads when something prints (`--help` stays light: tests/unit/test_cli_startup.py)
    from rich.console import Console


def escape(text: str) -> str:
    """``text`` safe from rich's markup (rich's own ``escape``, imported when a plan or history prints)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)

__all__ = ["print_history", "print_plan", "who_acts"]

PERFORMERS = {"self": "the household itself", "network": "own network", "volunteer": "a volunteer"}


def who_acts(a: dict[str, Any]) -> str:
    """An action's performer in words: the household, its network, a volunteer, or the organisation and its worker."""
    kind = a.get("performer_kind") or "-"
    if kind != "professional":
        return PERFORMERS.get(kind, kind)
    org = a.get("performer_organisation_name") or a.get("performer_organisation") or "a professional"
    worker = a.get("worker_name") or a.get("worker_id")
    return f"{org} ({worker})" if worker else org


def _text(value: Any, erased: bool) -> str:
    if value:
        return str(value)
    return "[erased]" if erased else "-"


def print_plan(out: Console, plan: dict[str, Any]) -> None:
    """The case line, then each goal with its actions (actions of no listed goal last)."""
    director = plan.get("director") or {}
    name = director.get("name")
    who = (f"{name} ({director.get('user_id')})" if name else director.get("user_id", "-"))
    where = director.get("organisation_name") or director.get("organisation")
    out.print(f"Household {plan.get('household_id')}  version {plan.get('version')}  phase {plan.get('phase')}"
              + ("  [erased]" if plan.get("erased") else ""), markup=False)
    out.print(f"case director: {who}" + (f", {where}" if where and director else ""), markup=False)
    erased = bool(plan.get("erased"))
    goals = plan.get("goals") or []
    actions = plan.get("actions") or []
    if not goals:
        out.print("No goals yet.")
    for g in goals:
        target = f"; target {g['target_date']}" if g.get("target_date") else ""
        out.print("")
        out.print(f"Goal ({g.get('life_domain')}): {_text(g.get('description'), erased)}"
                  f"  (set {g.get('set_on')}{target})", markup=False)
        mine = [a for a in actions if a.get("goal_id") == g.get("goal_id")]
        if mine:
            out.print(_action_table(mine, erased))
        else:
            out.print("  no actions")
    listed = {g.get("goal_id") for g in goals}
    rest = [a for a in actions if a.get("goal_id") not in listed]
    if rest:
        out.print(_action_table(rest, erased, title="Other actions"))
    if plan.get("zrm"):
        out.print("")
        out.print(_table("ZRM and other measurements", ["member", "domain", "score", "on", "change"],
                         [(z.get("member_id") or "household", z.get("domain"), z.get("score"), z.get("measured_on"),
                           _change(z.get("change"))) for z in plan["zrm"]]))


def _change(value: Any) -> str:
    return "-" if value is None else f"{value:+d}"


def _action_table(actions: list[dict[str, Any]], erased: bool, title: str | None = None) -> Any:
    return _table(title, ["action", "who acts", "due", "status", "late"], [
        (escape(_text(a.get("description"), erased)), escape(who_acts(a)), a.get("due_on"), a.get("status"),
         "LATE" if a.get("late") else "") for a in actions])


# ------------------------------------------------------------------------------------------- history
def _d(data: dict[str, Any], *path: str) -> Any:
    value: Any = data
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _words(code: Any) -> str:
    return "-" if code is None else str(code).replace("_", " ")


def _join(*parts: Any) -> str:
    return "; ".join(str(p) for p in parts if p not in (None, "", [], ()))


def _categories(codes: list[str]) -> str:
    return ", ".join(_words(c) for c in codes) if len(codes) <= 5 else f"{len(codes)} data categories"


# event type -> (what happened, the business date's path in the data, a short summary of the data)
Summary = Callable[[dict[str, Any]], str]
EVENTS: dict[str, tuple[str, tuple[str, ...], Summary]] = {
    "Referred": ("referred", ("referral", "on"), lambda d: _join(
        "by " + ", ".join(_words(s) for s in _d(d, "referral", "sources") or []),
        _words(_d(d, "referral", "composition")), _d(d, "referral", "reason"))),
    "CompositionRevised": ("composition revised", ("on",), lambda d: _words(d.get("composition"))),
    "ReferralAdded": ("referred again", ("referral", "on"), lambda d: _join(
        "by " + ", ".join(_words(s) for s in _d(d, "referral", "sources") or []), _d(d, "referral", "reason"))),
    "IntakeHeld": ("integral intake held", ("intake", "held_on"), lambda d: _join(
        ", ".join(_words(x) for x in _d(d, "intake", "domains_discussed") or []), _d(d, "intake", "summary"))),
    "OrientationTalkHeld": ("orientation talk held", ("talk", "on"), lambda d: _join(
        "with " + _words(_d(d, "talk", "held_with")), _d(d, "talk", "notes"))),
    "PlanMeetingScheduled": ("plan meeting scheduled", ("meeting", "on"),
                             lambda d: f"for {_d(d, 'meeting', 'scheduled_for')}"),
    "NetworkRecorded": ("network recorded", ("record", "on"),
                        lambda d: f"{len(_d(d, 'record', 'contacts') or [])} contacts"),
    "CoordinationDecided": ("coordination decided", ("decision", "on"), lambda d: _join(
        _words(_d(d, "decision", "outcome")), _d(d, "decision", "rationale"))),
    "CaseDirectorAssigned": ("case director assigned", ("directorship", "since"), lambda d: _join(
        _d(d, "directorship", "director", "user_id"), _d(d, "directorship", "director", "organisation"))),
    "CaseDirectorReplaced": ("case director replaced", ("directorship", "since"), lambda d: _join(
        "by " + str(_d(d, "directorship", "director", "user_id")), d.get("reason"))),
    "ConsentGranted": ("consent granted", ("consent", "valid_from"), lambda d: _join(
        _words(_d(d, "consent", "basis")), "for " + ", ".join(_d(d, "consent", "organisations") or []),
        _categories(_d(d, "consent", "data_categories") or []))),
    "ConsentWithdrawn": ("consent withdrawn", ("on",), lambda d: str(d.get("consent_id"))),
    "ZrmMeasured": ("ZRM measured", ("measurement", "measured_on"), lambda d: _join(
        _words(_d(d, "measurement", "moment")),
        ", ".join(f"{k} {v}" for k, v in sorted((_d(d, "measurement", "scores") or {}).items())))),
    "MeasurementRecorded": ("measured", ("measurement", "measured_on"), lambda d: _join(
        _d(d, "measurement", "instrument"),
        ", ".join(f"{k} {v}" for k, v in sorted((_d(d, "measurement", "scores") or {}).items())))),
    "PlanGoalSet": ("goal set", ("goal", "set_on"), lambda d: _join(
        _words(_d(d, "goal", "life_domain")), _d(d, "goal", "description"))),
    "PlanGoalRevised": ("goal revised", ("goal", "revised_on"), lambda d: _join(
        _words(_d(d, "goal", "life_domain")), _d(d, "goal", "description"))),
    "PlanActionAdded": ("action added", ("action", "added_on"), lambda d: _join(
        _d(d, "action", "description"),
        "by " + " ".join(filter(None, [_words(_d(d, "action", "performer", "kind")),
                                       _d(d, "action", "performer", "organisation")])),
        f"due {_d(d, 'action', 'due_on')}" if _d(d, "action", "due_on") else None)),
    "PlanActionCompleted": ("action done", ("on",), lambda d: str(d.get("action_id"))),
    "PlanActionCancelled": ("action cancelled", ("on",), lambda d: _join(d.get("action_id"), d.get("reason"))),
    "InvolvementStarted": ("involvement started", ("involvement", "started_on"), lambda d: _join(
        _d(d, "involvement", "organisation"), _words(_d(d, "involvement", "discipline")),
        _d(d, "involvement", "worker_id"))),
    "InvolvementEnded": ("involvement ended", ("on",), lambda d: _join(d.get("involvement_id"), _words(d.get("reason")))),
    "EvaluationHeld": ("evaluation held", ("evaluation", "held_on"), lambda d: _join(
        _words(_d(d, "evaluation", "conclusion")), "final" if _d(d, "evaluation", "final") else None,
        _d(d, "evaluation", "notes"))),
    "EscalationRaised": ("escalated", ("escalation", "raised_on"), lambda d: _join(
        _words(_d(d, "escalation", "level")), _d(d, "escalation", "reason"))),
    "EscalationResolved": ("escalation resolved", ("on",), lambda d: _join(d.get("escalation_id"), d.get("resolution"))),
    "CostRecorded": ("cost recorded", ("cost", "recorded_on"), lambda d: _join(
        f"EUR {_d(d, 'cost', 'amount_eur')}", _words(_d(d, "cost", "stream")), _d(d, "cost", "description"))),
    "HandedOver": ("handed over", ("handover", "on"), lambda d: _join(
        "to " + str(_d(d, "handover", "to_organisation")), "warm" if _d(d, "handover", "warm") else None,
        _d(d, "handover", "notes"))),
    "DroppedOut": ("dropped out", ("drop_out", "on"), lambda d: _join(
        _words(_d(d, "drop_out", "kind")), _d(d, "drop_out", "reason"))),
    "Closed": ("case closed", ("closure", "on"), lambda d: _join(
        _words(_d(d, "closure", "reason")),
        f"aftercare until {_d(d, 'closure', 'aftercare_until')}" if _d(d, "closure", "aftercare_until") else None)),
    "Reopened": ("case reopened", ("on",), lambda d: _join(d.get("reason"))),
    "RetentionHoldPlaced": ("retention hold placed", (), lambda d: _join(
        _words(_d(d, "hold", "law")), f"until {_d(d, 'hold', 'until')}")),
    "ErasureRequested": ("erasure requested", ("request", "requested_on"),
                         lambda d: _words(_d(d, "request", "reason"))),
    "Erased": ("erased", ("erasure", "on"), lambda d: _words(_d(d, "erasure", "reason"))),
}


def _in_words(type_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", type_name).lower()


def _local_day(moment: Any) -> str:
    try:
        return datetime.fromisoformat(str(moment)).astimezone().date().isoformat()
    except ValueError:
        return str(moment)


def _withheld(e: dict[str, Any]) -> str | None:
    """``withheld (reason)`` for an event the reader may not see (issue 16, item 1), else None."""
    if "withheld" not in e or not e["withheld"]:
        return None
    mark, reason = e["withheld"], None
    if isinstance(mark, str):
        reason = mark
    elif isinstance(mark, dict) and not ({"reason", "code"} & mark.keys()):
        return f"withheld: {', '.join(sorted(mark))}"  # the API's form: category -> reason code
    elif isinstance(mark, dict):
        reason = mark.get("reason") or mark.get("code")
    else:
        reason = e.get("withheld_reason") or e.get("reason")
    return f"withheld ({_words(reason)})" if reason else "withheld"


def history_row(e: dict[str, Any], texts: dict[str, str] | None = None) -> tuple[str, str, str, str]:
    """(date, what happened, who, summary) of one event as the API returns it.

    ``texts``: the descriptions of the actions added earlier in the history, by action id, so a completion or a
    cancellation (which carries the id only) reads with the action's text.
    """
    data = e.get("data") or {}
    if texts and data.get("action_id") in texts:
        data = {**data, "action_id": texts[data["action_id"]]}
    what, on_path, summary = EVENTS.get(e.get("type", ""), (_in_words(e.get("type", "event")), (), lambda d: ""))
    day = _d(data, *on_path) if on_path else None
    actor = e.get("actor") or {}
    who = _join(actor.get("user_id"), actor.get("organisation")) or "-"
    withheld = _withheld(e)
    try:
        detail = withheld if withheld is not None else summary(data)
    except (AttributeError, TypeError, ValueError):  # a shape this release does not know: the words only
        detail = ""
    return (day or _local_day(e.get("recorded_at")), what, escape(who.replace("; ", ", ")), escape(detail or "-"))


def print_history(out: Console, events: list[dict[str, Any]]) -> None:
    texts: dict[str, str] = {}
    rows = []
    for e in events:
        action = _d(e.get("data") or {}, "action")
        if e.get("type") == "PlanActionAdded" and isinstance(action, dict) and action.get("description"):
            texts[str(action.get("action_id"))] = str(action["description"])
        rows.append(history_row(e, texts))
    out.print(_table(None, ["date", "what happened", "by", "details"], rows))
    out.print(f"{len(events)} events")
