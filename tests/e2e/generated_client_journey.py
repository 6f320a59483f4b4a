"""A household's whole life driven only through a client generated from the served document (issue 17 item 2).

Run by tests/e2e/test_generated_client.py with the generator's own venv (``.tools/openapi-client``) and the
generated package ``ledger_client`` on ``PYTHONPATH``; not collected by pytest and not importable from the
project's venv. Nothing here builds a request by hand: every call is a generated operation module's
``sync_detailed``, every body a generated model (``Model.from_dict``: the generated enums check the codes), and
the headers it reads (``ETag``, ``Ledger-Position``, ``Location``, ``Idempotent-Replay``) are the ones the document
declares, from the detailed response's ``.headers``. Each write carries an ``Idempotency-Key`` and is sent again
with it, after ``Retry-After``, when the answer is a 503 or a 409 that says ``Retry-After`` (``send``).

Environment: ``LEDGER_URL`` (``http://host:port``, the document's ``/v1`` server is appended), ``LEDGER_TOKENS``
(JSON: ``director``, ``ggz``, ``privacy``, ``evaluator`` -> bearer token), ``LEDGER_BSN`` (a fresh, valid BSN).
Prints one JSON object: each step's status, version, position and the headers it saw, plus the reads' findings.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from ledger_client import AuthenticatedClient
from ledger_client.api.households import (
    add_plan_action,
    complete_plan_action,
    close_case,
    decide_coordination,
    end_involvement,
    grant_consent,
    hand_over,
    hold_evaluation,
    household,
    household_access_log,
    plan,
    record_intake,
    record_zrm_measurement,
    refer,
    reopen_case,
    set_case_director,
    set_plan_goal,
    start_involvement,
)
from ledger_client.api.reports import evaluation_report, evaluation_report_table
from ledger_client.models import (
    ActionIn,
    ClosureIn,
    ConsentIn,
    CoordinationIn,
    DirectorIn,
    EndingIn,
    EvaluationIn,
    GoalIn,
    HandoverIn,
    IntakeIn,
    InvolvementIn,
    OnIn,
    ReferralIn,
    ReopeningIn,
    ZrmIn,
)
from ledger_client.types import Response

URL = os.environ["LEDGER_URL"].rstrip("/") + "/v1"
TOKENS: dict[str, str] = json.loads(os.environ["LEDGER_TOKENS"])
BSN = os.environ["LEDGER_BSN"]

clients = {who: AuthenticatedClient(base_url=URL, token=token, raise_on_unexpected_status=True, timeout=30.0)
           for who, token in TOKENS.items()}
summary: dict[str, Any] = {"steps": [], "retried": []}


def fail(step: str, response: Response[Any]) -> None:
    print(json.dumps({"failed": step, "status": int(response.status_code),
                      "body": response.content.decode("utf-8", "replace")[:2000]}), file=sys.stderr)
    sys.exit(1)


def send(operation: Any, *args: Any, **kwargs: Any) -> Response[Any]:
    """A write as a case system sends it: with an Idempotency-Key, retried with that key (and the same If-Match)
    while the answer is a 503 or a 409 that says Retry-After (the service busy, the first attempt still running)."""
    kwargs.setdefault("idempotency_key", f"gen-client-{uuid.uuid4()}")
    for _ in range(10):
        response = operation(*args, **kwargs)
        wait = response.headers.get("Retry-After")
        if int(response.status_code) not in (409, 503) or wait is None:
            return response
        summary["retried"].append({"status": int(response.status_code), "retry_after": wait})
        time.sleep(min(float(wait), 5.0))
    return response


class Case:
    """The household as the case system knows it: its id, and the ETag and position of the last answer."""

    def __init__(self) -> None:
        self.household_id = ""
        self.etag = ""
        self.position = 0

    def note(self, step: str, response: Response[Any], expected: int = 201) -> Any:
        """Record one write's answer; take its ETag (the next If-Match) and Ledger-Position (the next minPosition)."""
        if int(response.status_code) != expected:
            fail(step, response)
        parsed = response.parsed
        headers = response.headers
        self.etag = headers["ETag"]
        self.position = int(headers["Ledger-Position"])
        summary["steps"].append({
            "step": step, "status": int(response.status_code), "version": parsed.version, "position": parsed.position,
            "etag": self.etag, "ledger_position": self.position, "location": headers.get("Location"),
            "replay": headers.get("Idempotent-Replay"), "item_id": getattr(parsed, "item_id", None) or None})
        return parsed

    def read_own_write(self, step: str, who: str = "director") -> Any:
        """The plan view at least as new as the last write (minPosition = its Ledger-Position)."""
        r = plan.sync_detailed(self.household_id, client=clients[who], min_position=self.position)
        if int(r.status_code) != 200:
            fail(f"{step}: plan", r)
        summary.setdefault("reads", []).append({"after": step, "status": int(r.status_code), "etag": r.headers.get("ETag"),
                                                "version": r.parsed.version, "phase": str(r.parsed.phase),
                                                "min_position": self.position})
        return r.parsed


case = Case()
director = clients["director"]

# 1. The referral, and its retry with the same Idempotency-Key: the first answer again, marked as a replay.
LAST_MONTH = (datetime.now(UTC).date().replace(day=1) - timedelta(days=10)).isoformat()  # in the report's months
referral = ReferralIn.from_dict({"sources": ["wmo_desk"], "addressed_to": "gemeente-testdorp", "on": LAST_MONTH,
                                 "members": [{"role": "adult", "name": "Noor Generated", "bsn": BSN},
                                             {"role": "child", "name": "Sem Generated"}]})
first = send(refer.sync_detailed, client=director, body=referral, idempotency_key="gen-client-refer-1")
result = case.note("refer", first)
case.household_id = result.household_id
again = refer.sync_detailed(client=director, body=referral, idempotency_key="gen-client-refer-1")
summary["retry"] = {"status": int(again.status_code), "replay": again.headers.get("Idempotent-Replay"),
                    "household_id": again.parsed.household_id, "version": again.parsed.version,
                    "etag": again.headers.get("ETag")}
hid = case.household_id
summary["household_id"] = hid

# 2. Intake, coordination decision, case director.
intake = IntakeIn.from_dict({"domains_discussed": ["finances", "housing"], "summary": "Schulden en huur"})
sent_on = case.etag
case.note("record_intake", send(record_intake.sync_detailed,
    hid, client=director, if_match=sent_on, idempotency_key="gen-client-intake-1", body=intake))
# The same write retried (as after a lost answer): same key, same If-Match; the first answer, recorded once.
intake_again = record_intake.sync_detailed(hid, client=director, if_match=sent_on,
                                           idempotency_key="gen-client-intake-1", body=intake)
summary["intake_retry"] = {"status": int(intake_again.status_code), "replay": intake_again.headers.get("Idempotent-Replay"),
                           "version": intake_again.parsed.version, "etag": intake_again.headers.get("ETag"),
                           "ledger_position": int(intake_again.headers["Ledger-Position"])}
case.read_own_write("record_intake")
case.note("decide_coordination", send(decide_coordination.sync_detailed,
    hid, client=director, if_match=case.etag, body=CoordinationIn.from_dict({"outcome": "broker_coordinates"})))
case.note("set_case_director", send(set_case_director.sync_detailed,
    hid, client=director, if_match=case.etag,
    body=DirectorIn.from_dict({"user_id": "u-director", "organisation": "gemeente-testdorp"})), expected=200)

# 3. Consent for the adult, whose member id the household read gives.
read = household.sync_detailed(hid, client=director)
if int(read.status_code) != 200:
    fail("household", read)
members = [{"member_id": m.member_id, "role": str(getattr(m.role, "value", m.role))} for m in read.parsed.members]
summary["members"] = members
adult = next(m["member_id"] for m in members if m["role"] == "adult")
summary["household_etag"] = read.headers.get("ETag")
case.note("grant_consent", send(grant_consent.sync_detailed, hid, client=director, if_match=case.etag, body=ConsentIn.from_dict({
    "basis": "public_task", "legal_reference": "avg_6_1_e", "member_id": adult, "organisations": ["ggz-regio"],
    "data_categories": ["identity", "composition", "plan", "zrm", "involvement", "mental_health"],
    "purpose": "coordination"})))

# 4. ZRM, a goal, an action (completed), an involvement (ended), an evaluation.
case.note("record_zrm_measurement", send(record_zrm_measurement.sync_detailed,
    hid, client=director, if_match=case.etag,
    body=ZrmIn.from_dict({"instrument": "2017", "moment": "intake", "scores": {"finances": 2, "housing": 3},
                          "member_id": adult})))
goal = case.note("set_plan_goal", send(set_plan_goal.sync_detailed,
    hid, client=director, if_match=case.etag,
    body=GoalIn.from_dict({"life_domain": "finances", "description": "Schulden op orde"}))).item_id
action = case.note("add_plan_action", send(add_plan_action.sync_detailed,
    hid, client=director, if_match=case.etag,
    body=ActionIn.from_dict({"goal_id": goal, "description": "Zelf de post openen", "performer_kind": "self"}))).item_id
planned = case.read_own_write("add_plan_action")
summary["planned"] = {"goal": goal, "action": action, "goals": len(planned.goals)}
case.note("complete_plan_action", send(complete_plan_action.sync_detailed,
    hid, action, client=director, if_match=case.etag, body=OnIn.from_dict({})))
involvement = case.note("start_involvement", send(start_involvement.sync_detailed,
    hid, client=director, if_match=case.etag,
    body=InvolvementIn.from_dict({"kind": "professional", "organisation": "ggz-regio", "discipline": "social_work",
                                  "worker_id": "u-ggz"}))).item_id
case.note("end_involvement", send(end_involvement.sync_detailed,
    hid, involvement, client=director, if_match=case.etag, body=EndingIn.from_dict({"reason": "goal_reached"})))
case.note("hold_evaluation", send(hold_evaluation.sync_detailed,
    hid, client=director, if_match=case.etag, body=EvaluationIn.from_dict({"conclusion": "continue"})))
done = case.read_own_write("hold_evaluation")
summary["plan_after"] = {"goals": len(done.goals)}

# 5. Handover to GGZ; the receiver closes and reopens.
case.note("hand_over", send(hand_over.sync_detailed,
    hid, client=director, if_match=case.etag, body=HandoverIn.from_dict({"to_organisation": "ggz-regio"})))
ggz = clients["ggz"]
case.note("close_case", send(close_case.sync_detailed,
    hid, client=ggz, if_match=case.etag, body=ClosureIn.from_dict({"reason": "handed_over"})))
case.note("reopen_case", send(reopen_case.sync_detailed, hid, client=ggz, if_match=case.etag, body=ReopeningIn.from_dict({})))
case.read_own_write("reopen_case", who="ggz")

# 6. The privacy officer's access log for the household; the evaluator's report (JSON) and its CSV table.
log = household_access_log.sync_detailed(hid, client=clients["privacy"])
if int(log.status_code) != 200:
    fail("household_access_log", log)
summary["access_log"] = {"status": int(log.status_code),
                         "records": [{"user_id": r.user_id, "action": str(getattr(r.action, "value", r.action)),
                                      "outcome": str(getattr(r.outcome, "value", r.outcome))} for r in log.parsed.items]}
# The report keeps households apart (minimum cell 5) and covers months that are over: four more households,
# all five referred last month.
for n in range(4):
    other = refer.sync_detailed(client=director, body=ReferralIn.from_dict(
        {"sources": ["police"], "on": LAST_MONTH, "members": [{"role": "adult", "name": f"Generated Neighbour {n}"}]}))
    if int(other.status_code) != 201:
        fail("refer (another household)", other)
report = evaluation_report.sync_detailed(client=clients["evaluator"])
if int(report.status_code) != 200:
    fail("evaluation_report", report)
summary["report"] = {"status": int(report.status_code), "type": type(report.parsed).__name__,
                     "content_type": report.headers.get("Content-Type"), "keys": sorted(report.parsed.to_dict()),
                     "referrals": report.parsed.to_dict().get("referrals")}
table = evaluation_report_table.sync_detailed(client=clients["evaluator"])
if int(table.status_code) != 200:
    fail("evaluation_report_table", table)
summary["csv"] = {"status": int(table.status_code), "content_type": table.headers.get("Content-Type"),
                  "lines": len(table.parsed.splitlines()), "header": table.parsed.splitlines()[0] if table.parsed else ""}

print(json.dumps(summary))
