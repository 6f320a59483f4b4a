"""`ledger.client` and the `ledger household|audit|report|whoami` commands over real HTTP.

The `api` fixture (tests/conftest.py) serves the app with uvicorn on a free port, on SQLite
and on PostgreSQL, with one user per role. Everything here goes through HTTP: the client
as a library, and the CLI as a real process with LEDGER_URL and LEDGER_TOKEN.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from typing import Any

import httpx
import pytest
from bsn_pool import fresh_bsn
from conftest import raw_sql

from ledger.client import (
    Forbidden,
    InvalidRequest,
    LedgerClient,
    Member,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    RuleViolation,
    ServerError,
    Unauthenticated,
    error_from_response,
)

LEDGER = [sys.executable, "-m", "ledger.cli"]
TESTDORP, GGZ = "gemeente-testdorp", "ggz-regio"
ALL_CATEGORIES = [
    "identity", "contact", "composition", "finances", "work_and_education", "housing", "domestic_relations",
    "physical_health", "mental_health", "addiction", "justice", "parenting", "social_network", "plan", "zrm",
    "involvement", "costs",
]
SECRET_NAME = "Joris Proefhuis"  # personal data that must never show up in an error or a log line


def client(api: Any, who: str, **kwargs: Any) -> LedgerClient:
    return LedgerClient(api.url, api.tokens[who], **kwargs)


def referral(c: LedgerClient, bsn: str | None = None, **kwargs: Any) -> Any:
    """A new household (its own BSN unless given: the same BSN would name the known household, issue 15)."""
    return c.refer(["wmo_desk"], [Member("adult", SECRET_NAME, bsn=bsn or fresh_bsn()), Member("child", "Mila Proefhuis")],
                   address="Dorpsstraat 1, Testdorp", **kwargs)


# ----------------------------------------------------------------- (a) a whole life through the client
def test_a_household_from_referral_to_erasure_through_the_client(api: Any) -> None:
    """Each role does its own part over HTTP; the privacy officer sees who read; erasure leaves no data."""
    director, ggz, privacy, admin = (client(api, who) for who in ("director", "ggz", "privacy", "admin"))
    assert director.me() == {"user_id": "u-director", "organisation": TESTDORP, "role": "consultant"}

    w = referral(director, reason="Huurachterstand")
    assert (w.version, w.item_id) == (1, None)
    hid = w.household_id
    w = director.record_intake(hid, w.version, ["finances", "housing"], agencies_involved=["wmo-loket-testdorp"])  # intake team
    w = director.set_case_director(hid, w.version, api.user_ids["director"], TESTDORP)
    w = director.grant_consent(hid, w.version, member_id="m1", organisations=[GGZ, TESTDORP],
                               data_categories=ALL_CATEGORIES, purpose="coordination")
    assert w.item_id  # the consent's id
    state, version = director.household(hid)
    assert version == w.version == state["version"]
    assert state["case_director"]["director"]["user_id"] == "u-director"
    assert state["referral"]["members"][0]["name"] == SECRET_NAME
    w = director.record_zrm(hid, w.version, {"finances": 2, "housing": 3})
    w = director.set_goal(hid, w.version, "finances", "Schulden op een rij")
    goal_id = w.item_id
    w = director.add_action(hid, w.version, goal_id, "Traject bij de GGZ", "professional", organisation=GGZ)
    action_id = w.item_id
    w = director.start_involvement(hid, w.version, GGZ, "mental_health_care", worker_id=api.user_ids["ggz"])
    assert w.item_id

    w = ggz.complete_action(hid, w.version, action_id)  # an involved professional's own part
    plan = ggz.plan(hid, min_position=w.position)
    assert plan["phase"] == "plan" and plan["director"]["user_id"] == "u-director"
    assert [(g["goal_id"], g["life_domain"]) for g in plan["goals"]] == [(goal_id, "finances")]
    assert [(a["action_id"], a["status"]) for a in plan["actions"]] == [(action_id, "done")]
    involved = director.involved_parties(hid, min_position=w.position)
    assert {(p["kind"], p["worker_id"]) for p in involved["current"]} >= {("professional", "u-ggz")}

    w = director.hold_evaluation(hid, w.version, "close", final=True)
    w = director.close_case(hid, w.version, "goals_achieved")
    history = list(director.events(hid, page_size=3))  # four pages, followed by cursor
    assert [e["version"] for e in history] == list(range(1, w.version + 1))
    assert history[0]["type"] == "Referred" and history[-1]["type"] == "Closed"
    assert history[1]["actor"]["user_id"] == "u-director"

    records = list(privacy.household_access_log(hid, page_size=4))
    assert len(records) > 4  # more than one page
    seen = {(r["user_id"], r["action"], r["outcome"]) for r in records}
    assert ("u-director", "read_household", "allowed") in seen
    assert ("u-ggz", "read_plan", "allowed") in seen
    assert ("u-ggz", "complete_plan_action", "allowed") in seen
    assert [r["position"] for r in records] == sorted(r["position"] for r in records)
    assert {r["household_id"] for r in privacy.access_log(user_id="u-ggz")} == {hid}

    caseloads = director.caseloads()
    assert isinstance(caseloads, list)
    assert director.caseloads(known_at=0) == []  # knowledge time (issue 14): nothing recorded at position 0
    with pytest.raises(RuleViolation) as too_few:  # one household: the report would single it out
        client(api, "evaluator").evaluation_report()
    assert too_few.value.code == "cohort-too-small"

    w = privacy.request_erasure(hid, w.version, "data_subject_request")  # four eyes: the officer requests
    w = admin.erase(hid, w.version, "data_subject_request")  # ... and the admin executes
    request = privacy.record_access_request(hid, identity_check="id_document_in_person")
    exported = privacy.export(hid, request)
    assert exported["household"]["erased"] is True
    assert [m["name"] for m in exported["household"]["referral"]["members"]] == [None, None]
    assert SECRET_NAME not in json.dumps(exported)
    assert exported["events"][-1]["type"] == "Erased"
    assert {"u-director", "u-ggz", "u-admin"} <= {a["user_id"] for a in exported["accessed_by"]}


# ----------------------------------------------------------------- (b) each refusal as its typed error
def test_every_refusal_is_a_typed_error_from_problem_json(api: Any) -> None:
    director = client(api, "director")
    with pytest.raises(Unauthenticated) as bad_token:
        LedgerClient(api.url, "ldg_not-a-token").me()
    assert bad_token.value.status == 401 and bad_token.value.code == "unauthenticated"

    w = referral(director)
    hid = w.household_id
    w = director.record_intake(hid, w.version, ["finances"])

    with pytest.raises(Forbidden) as stranger:
        client(api, "stranger").household(hid)
    assert stranger.value.status == 403 and "not the case director" in stranger.value.detail

    with pytest.raises(NotFound) as missing:
        director.household(str(uuid.uuid4()))
    assert missing.value.status == 404

    with pytest.raises(PreconditionFailed) as stale:
        director.record_intake(hid, 1, ["housing"])  # the version is checked before the rules
    assert stale.value.status == 412 and stale.value.code == "stale-version"

    raw = httpx.post(f"{api.url}/v1/households/{hid}/intakes", json={"domains_discussed": ["finances"]},
                     headers={"Authorization": f"Bearer {api.tokens['director']}"})
    assert raw.status_code == 428
    required = error_from_response(raw)
    assert isinstance(required, PreconditionRequired) and required.code == "if-match-required"

    with pytest.raises(InvalidRequest) as invalid:
        director.refer(["wmo_desk"], [{"role": "adult", "name": SECRET_NAME, "birth_date": "not-a-date"}])
    assert invalid.value.status == 400
    assert [p["name"] for p in invalid.value.invalid_params] == ["members.0.birth_date"]
    assert "members.0.birth_date" in str(invalid.value)
    assert SECRET_NAME not in str(invalid.value) and "not-a-date" not in str(invalid.value)
    with pytest.raises(InvalidRequest) as no_members:
        director.refer(["wmo_desk"], [])
    assert [p["name"] for p in no_members.value.invalid_params] == ["members"]

    with pytest.raises(RuleViolation) as twice:
        director.record_intake(hid, w.version, ["housing"])
    assert twice.value.status == 422 and twice.value.code == "intake-already-held"
    assert str(twice.value).startswith("Refused by a rule of the case: ")
    # Nothing changed on any refusal: the next write at the same version works.
    assert director.set_case_director(hid, w.version, "u-director", TESTDORP).version == w.version + 1


# ----------------------------------------------------------------- (c) idempotent retries
class LosesTheFirstAnswer(httpx.HTTPTransport):
    """Sends the first request, then drops its response as a broken connection would."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[str | None] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.keys.append(request.headers.get("idempotency-key"))
        response = super().handle_request(request)
        if len(self.keys) == 1:
            response.read()
            response.close()
            raise httpx.ReadError("connection reset by peer", request=request)
        return response


def test_a_retried_write_with_the_same_key_happens_once(api: Any) -> None:
    director = client(api, "director")
    key = str(uuid.uuid4())
    bsn = fresh_bsn()  # one request, sent twice: the same body
    first = referral(director, bsn, idempotency_key=key)
    again = referral(director, bsn, idempotency_key=key)
    assert again == first

    flaky = LosesTheFirstAnswer()
    with client(api, "director", transport=flaky) as retrying:
        lost = referral(retrying)  # no key given: the client makes one and retries with it
    assert len(flaky.keys) == 2 and flaky.keys[0] == flaky.keys[1] and flaky.keys[0]
    assert lost.household_id != first.household_id

    assert sorted(h["household_id"] for h in director.caseload()) == sorted([first.household_id, lost.household_id])
    referrals = [r for r in client(api, "privacy").access_log() if r["action"] == "refer_household"]
    assert len(referrals) == 2

    with pytest.raises(RuleViolation) as reused:
        director.refer(["police"], [Member("adult", "Iemand Anders")], idempotency_key=key)
    assert reused.value.status == 422 and reused.value.code == "idempotency-key-reused"
    assert len(list(director.caseload())) == 2


def test_a_retry_waits_while_the_first_attempt_still_runs() -> None:
    """Connection lost, then 409 'in progress' for the retry: the client waits for the stored answer.

    (A read time-out is not retried at all: tests/unit/test_client_retries.py.)
    """
    seen: list[str | None] = []
    answers = iter([
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.Response(409, json={"type": "https://ledger.example.org/problems/idempotency-in-progress",
                                  "title": "Request in progress", "status": 409, "detail": "retry shortly"}),
        httpx.Response(201, json={"household_id": "h-1", "version": 3, "position": 9, "item_id": None}),
    ])

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("idempotency-key"))
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    with LedgerClient("http://ledger.test", "ldg_x", transport=httpx.MockTransport(handler)) as c:
        assert c.record_intake("h-1", 2, ["finances"]).version == 3
    assert len(seen) == 3 and len(set(seen)) == 1


def test_a_store_outage_is_retried_as_the_service_says_then_reported() -> None:
    """503 with Retry-After: the client tries again (same key); a longer outage becomes one typed error."""
    seen: list[str | None] = []
    unavailable = httpx.Response(503, headers={"Retry-After": "0.1"}, json={
        "type": "https://ledger.example.org/problems/store-unavailable", "title": "Store unavailable",
        "status": 503, "detail": "The ledger's store cannot be reached; try again shortly."})
    answers = iter([unavailable, unavailable,
                    httpx.Response(201, json={"household_id": "h-1", "version": 3, "position": 9, "item_id": None})])

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("idempotency-key"))
        return next(answers)

    with LedgerClient("http://ledger.test", "ldg_x", transport=httpx.MockTransport(handler)) as c:
        assert c.record_intake("h-1", 2, ["finances"]).version == 3
    assert len(seen) == 3 and len(set(seen)) == 1

    def always_down(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("idempotency-key"))
        return unavailable

    seen.clear()
    with LedgerClient("http://ledger.test", "ldg_x", transport=httpx.MockTransport(always_down)) as c:
        with pytest.raises(ServerError) as failed:
            c.record_intake("h-1", 2, ["finances"])
    assert failed.value.status == 503 and len(seen) == 4  # the first try and three retries


# ----------------------------------------------------------------- (d) the CLI as a process
def ledger(api: Any, who: str | None, *args: str, token: str | None = None,
           url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env["LEDGER_URL"] = url or api.url
    env["LEDGER_TOKEN"] = token or (api.tokens[who] if who else "")
    return subprocess.run([*LEDGER, *args], capture_output=True, text=True, env=env, timeout=60)


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def one_error_line(done: subprocess.CompletedProcess[str], code: int = 1) -> str:
    assert done.returncode == code, (done.stdout, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


def test_the_cli_walks_a_household_from_referral_to_closure(api: Any) -> None:
    """`ledger household ...` as the director and GGZ, `ledger audit log` as the privacy officer."""
    assert ok(ledger(api, "director", "whoami")).startswith("u-director (consultant, gemeente-testdorp)")
    hid, _, version = ok(ledger(api, "director", "household", "refer", "--source", "wmo_desk",
                                "--member", f"adult:{SECRET_NAME}:999990019", "--member", "child:Mila Proefhuis",
                                "--address", "Dorpsstraat 1")).split()
    assert version == "1"

    def step(who: str, *args: str) -> dict[str, Any]:
        return json.loads(ok(ledger(api, who, "household", *args, "--json")))

    assert ok(ledger(api, "director", "household", "intake", hid, "-v", "1", "--domain", "finances")) == "version 2\n"
    w = step("director", "director", hid, "-v", "2", "--user", "u-director", "--organisation", TESTDORP)
    consent = [a for c in ALL_CATEGORIES for a in ("--category", c)]
    out = ok(ledger(api, "director", "household", "consent", hid, "-v", str(w["version"]), "--member", "m1",
                    "--organisation", GGZ, "--organisation", TESTDORP, *consent))
    assert out.startswith("version 4; consent ")
    w = step("director", "zrm", hid, "-v", "4", "--score", "finances=2", "--score", "housing=3")
    w = step("director", "measure", hid, "-v", str(w["version"]), "--instrument", "ladder",
             "--score", "participation=2")  # issue 15: another instrument than the ZRM
    w = step("director", "goal", hid, "-v", str(w["version"]), "--domain", "adl", "--description", "Zelf koken")
    w = step("director", "goal", hid, "-v", str(w["version"]), "--domain", "finances", "--description", "Rust")
    goal = w["item_id"]
    w = step("director", "action", hid, "-v", str(w["version"]), "--goal", goal, "--description", "Gesprek",
             "--performer", "professional", "--organisation", GGZ)
    action = w["item_id"]
    w = step("director", "involve", hid, "-v", str(w["version"]), "--organisation", GGZ, "--discipline", "mental_health_care",
             "--worker", "u-ggz")
    plan = step("ggz", "plan", hid, "--min-position", str(w["position"]))
    assert [a["action_id"] for a in plan["actions"]] == [action]
    assert [a["description"] for a in plan["actions"]] == ["Gesprek"]  # joined at read time (issue 16) ...
    assert "Gesprek" not in repr(raw_sql(api.store, "SELECT * FROM view_plan_actions", database="views"))  # ... not held
    w = step("ggz", "complete", hid, action, "-v", str(w["version"]))
    assert "done" in ok(ledger(api, "ggz", "household", "plan", hid, "--min-position", str(w["position"])))

    stale = one_error_line(ledger(api, "director", "household", "evaluate", hid, "-v", "3", "--conclusion", "close"))
    assert stale.startswith("error: The household changed: The household is at version ")
    w = step("director", "evaluate", hid, "-v", str(w["version"]), "--conclusion", "close", "--final")
    w = step("director", "close", hid, "-v", str(w["version"]), "--reason", "goals_achieved")
    shown = ok(ledger(api, "director", "household", "show", hid))
    assert f"version {w['version']}  phase closed" in shown and SECRET_NAME in shown
    assert "closed on" in shown and "goals_achieved" in shown
    history = ok(ledger(api, "director", "household", "events", hid))
    assert "referred" in history and "case closed" in history and "u-ggz" in history  # in words (issue 16)

    text = ok(ledger(api, "privacy", "audit", "log", "--household", hid))
    assert "u-director" in text and "u-ggz" in text and "read_plan" in text
    records = json.loads(ok(ledger(api, "privacy", "audit", "log", "--household", hid, "--json")))
    assert {("u-ggz", "read_plan"), ("u-director", "read_household")} <= {(r["user_id"], r["action"])
                                                                        for r in records}
    assert ok(ledger(api, "privacy", "audit", "emergencies")).strip().endswith("0 awaiting review")
    assert ok(ledger(api, "privacy", "audit", "remote-verify")).startswith("ok: ")
    refused = one_error_line(ledger(api, "evaluator", "report", "evaluation"))  # one household: too few
    assert refused.startswith("error: Too few households for this report: The ledger holds fewer than 5 referrals")
    # both times through the CLI (issue 14): --as-of and --known-at reach the service
    assert json.loads(ok(ledger(api, "evaluator", "report", "caseloads", "--as-of", "2026-01-31", "--known-at", "0",
                                "--json"))) == []
    bad_time = one_error_line(ledger(api, "evaluator", "report", "evaluation", "--known-at", "soon"))
    assert bad_time.startswith("error: ") and "knownAt" in bad_time


def test_cli_errors_are_one_line(api: Any) -> None:
    """A refusal, a bad token and an unknown household: one line on stderr, exit 1; usage errors exit 2."""
    bad = one_error_line(ledger(api, None, "whoami", token="ldg_not-a-token"))
    assert bad == "error: Authentication required: The token is unknown or its user is disabled."
    unknown = str(uuid.uuid4())
    missing = one_error_line(ledger(api, "director", "household", "show", unknown))
    assert missing == f"error: Not found: No household with id {unknown}."
    denied = one_error_line(ledger(api, "privacy", "household", "plan", unknown))
    assert denied.startswith("error: ")
    assert one_error_line(ledger(api, "director", "household", "intake", unknown, "--domain", "x"), 2)
    assert "--on" in one_error_line(ledger(api, "director", "household", "intake", unknown, "-v", "1",
                                           "--domain", "finances", "--on", "someday"), 2)
    assert "LEDGER_TOKEN" in one_error_line(ledger(api, None, "whoami", token=" "), 2)


def stored(api: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The stored household events, and the stored access records, in order (as the database holds them)."""
    rows = raw_sql(api.store, "SELECT originator_id, originator_version, topic, state FROM EVENTS ORDER BY NID")
    records = [r for r in rows if r[2].endswith("AccessRecorded")]
    return [r for r in rows if r not in records], records


@pytest.mark.parametrize(
    "args",
    [
        ["intake", "{hid}", "-v", "7", "--domain", "finances"],
        ["intake", "{hid}", "-v", "1", "--domain", "astrology"],
        ["zrm", "{hid}", "-v", "1", "--instrument", "2017", "--moment", "intake", "--score", "finances=9"],
        ["measure", "{hid}", "-v", "1", "--instrument", "life_score", "--score", "life_score=11"],
        ["close", "{hid}", "-v", "1", "--reason", "goals_achieved", "--on", "2031-01-01"],
        ["refer", "--source", "wmo_desk", "--member", "adult:Ada Proef:123456789"],
    ],
)
def test_cli_refused_writes_print_one_line_and_change_nothing(api: Any, args: list[str]) -> None:
    """A stale version, a wrong code, a rule or a bad BSN: one line, exit 1, and no case data changes.

    (These were the operator's `ledger intake|zrm|close|refer` cases before issue 13 removed those
    duplicates of `ledger household ...`.) The one thing a refused command may add is its access
    record (outcome "refused"), as NEN 7513 asks for failed attempts too.
    """
    hid = referral(client(api, "director")).household_id
    case_before, records_before = stored(api)
    done = ledger(api, "director", "household", *[a.replace("{hid}", hid) for a in args])
    one_error_line(done)
    assert done.stdout == ""
    case_after, records_after = stored(api)
    assert case_after == case_before
    assert len(records_after) - len(records_before) <= 1
    assert records_after[: len(records_before)] == records_before


def test_cli_error_lines_never_echo_personal_data(api: Any) -> None:
    """A refused referral does not repeat the name or the BSN it was given."""
    done = ledger(api, "director", "household", "refer", "--source", "wmo_desk", "--member",
                  "adult:Ada Geheimhouder:123456789")
    line = one_error_line(done)
    assert "Geheimhouder" not in line and "123456789" not in line


def test_cli_says_so_in_one_line_when_the_service_is_unreachable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket closes
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update(LEDGER_URL=f"http://127.0.0.1:{port}", LEDGER_TOKEN="ldg_whatever")
    done = subprocess.run([*LEDGER, "household", "show", str(uuid.uuid4())], capture_output=True, text=True,
                          env=env, timeout=60)
    line = one_error_line(done)
    assert line.startswith(f"error: cannot reach the ledger at http://127.0.0.1:{port}: connection refused")


# ----------------------------------------------------------------- (e) a household at two times (issue 14)
def test_a_household_at_a_business_date_as_known_at_a_position_through_client_and_cli(api: Any) -> None:
    """as_of (business date) and known_at (position or timestamp) through the client and `ledger household
    show|plan|involved --as-of --known-at`: a late-arriving fact counts only once known, a date between two events
    holds the first, a timestamp and its position agree, an erased household shows no personal data as of before,
    and a timestamp given as asOf is refused naming knownAt."""
    director, admin, privacy = client(api, "director"), client(api, "admin"), client(api, "privacy")
    w = referral(director, on="2026-01-05")
    hid = w.household_id
    w = director.set_case_director(hid, w.version, api.user_ids["director"], TESTDORP)
    w = director.grant_consent(hid, w.version, member_id="m1", organisations=[GGZ, TESTDORP],
                               data_categories=ALL_CATEGORIES, purpose="coordination")
    consented = w.position
    w = director.record_intake(hid, w.version, ["finances"], on="2026-01-09")  # recorded now, dated in January: late
    w = director.start_involvement(hid, w.version, GGZ, "mental_health_care", on="2026-02-01")
    involved_at = w.position

    state, _ = director.household(hid, as_of="2026-01-20")  # between the intake and the involvement
    assert (state["phase"], state["involvements"], state["as_of"]) == ("intake", {}, "2026-01-20")
    assert state["known_at"]["position"] >= involved_at and state["known_at"]["at"]
    before, _ = director.household(hid, as_of="2026-01-20", known_at=consented)  # the intake not yet known
    assert (before["phase"], before["intake"], before["known_at"]["position"]) == ("referred", None, consented)
    moment = before["known_at"]["at"]  # when position `consented` was recorded: the same knowledge, by time
    by_time, _ = director.household(hid, as_of="2026-01-20", known_at=moment)
    assert by_time["known_at"]["position"] >= consented and by_time["phase"] == "referred"
    plan = director.plan(hid, as_of="2026-01-20", known_at=consented)
    assert (plan["phase"], plan["as_of"], plan["known_at"]["position"]) == ("referred", "2026-01-20", consented)
    assert director.plan(hid, as_of="2026-01-20")["phase"] == "intake"
    assert not [p for p in director.involved_parties(hid, as_of="2026-01-31")["current"] if p["kind"] == "professional"]
    assert {p["organisation"] for p in director.involved_parties(hid, as_of="2026-02-01")["current"]} >= {GGZ}
    assert [e["type"] for e in director.events(hid, known_at=consented)] == ["Referred", "CaseDirectorAssigned",
                                                                             "ConsentGranted"]
    with pytest.raises(InvalidRequest) as old_meaning:
        director.household(hid, as_of="2026-01-20T12:00:00+01:00")
    assert "knownAt" in str(old_meaning.value)
    with pytest.raises(NotFound) as too_early:
        director.plan(hid, as_of="2026-01-04")
    assert "asOf" in str(too_early.value)

    shown = json.loads(ok(ledger(api, "director", "household", "show", hid, "--as-of", "2026-01-20",
                                 "--known-at", str(consented), "--json")))
    assert (shown["phase"], shown["known_at"]["position"]) == ("referred", consented)
    text = ok(ledger(api, "director", "household", "plan", hid, "--as-of", "2026-01-20", "--known-at", str(consented)))
    assert f"as of 2026-01-20, as known at position {consented}" in text
    involved = json.loads(ok(ledger(api, "director", "household", "involved", hid, "--as-of", "2026-02-01", "--json")))
    assert {p["organisation"] for p in involved["current"]} >= {GGZ}
    assert "--known-at" in one_error_line(ledger(api, "director", "household", "plan", hid, "--as-of",
                                                 "2026-01-20T12:00+01:00"), 2)

    w = director.close_case(hid, w.version, "goals_achieved")
    w = privacy.request_erasure(hid, w.version, "data_subject_request")
    admin.erase(hid, w.version, "data_subject_request")
    then, _ = director.household(hid, as_of="2026-01-20", known_at=consented)  # before the erasure, by both times
    assert then["erased"] is False and then["phase"] == "referred"
    assert [m["name"] for m in then["referral"]["members"]] == [None, None]
    assert SECRET_NAME not in json.dumps(then)
