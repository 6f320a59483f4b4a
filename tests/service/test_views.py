"""The read models: current plan, caseloads, who is involved, evaluation facts (SQLite and PostgreSQL).

Cases are built through ``ledger.app`` commands; the views are built by the runner
through the blind mapper, as in a deployment.
"""

from __future__ import annotations

import inspect
from datetime import date
from decimal import Decimal
from typing import Any

from conftest import OPERATOR, FixedClock, Store
from ledger.application import NewMember
from ledger.projections import views_engine
from ledger.projections.caseloads import Caseloads, by_director, by_organisation, per_month
from ledger.projections.current_plan import CurrentPlan, plan
from ledger.projections.evaluation_facts import EvaluationFacts
from ledger.projections.involvement import WhoIsInvolved, households_of, involved
from ledger.projections.read_side import ReadSide
from ledger.projections.runner import Runner

GEMEENTE = "gemeente-testdorp"
NOORD = "wijkteam-noord"


def views(ledger: Any, **kwargs: Any) -> Runner:
    models = [CurrentPlan(), Caseloads(), WhoIsInvolved(), EvaluationFacts()]
    return Runner(ledger.app, views_engine(ledger), models, **kwargs)


class Case:
    """One household, driven through the application as the operator; each step sets the clock to its day."""

    def __init__(self, ledger: Any, clock: FixedClock, day: date, *, members: list[NewMember] | None = None,
                 **kwargs: Any) -> None:
        self.app, self.clock = ledger.app, clock
        clock.set(day)
        self.hid, self.v = self.app.refer_household(
            OPERATOR, sources=kwargs.pop("sources", ["wmo_desk"]),
            members=members or [NewMember("adult", "Test Persoon")], **kwargs)
        self.id = str(self.hid)

    def __call__(self, day: date, command: str, **kwargs: Any) -> Any:
        self.clock.set(day)
        method = getattr(self.app, command)
        result = method(OPERATOR, self.hid, expected_version=self.v, **kwargs)
        if isinstance(result, tuple):
            item, self.v = result
            return item
        self.v = result
        return None


def test_the_current_plan_follows_a_case_through_its_phases(store: Store, clock: FixedClock) -> None:
    """Phases mirror Household.phase from referral to aftercare, reopening, closure and erasure."""
    ledger = store.make_ledger(clock=clock)
    runner = views(ledger)
    phases = []

    def phase(today: date) -> dict[str, Any]:
        runner.catch_up()
        with runner.engine.connect() as conn:
            view = plan(conn, case.id, today)
        assert view is not None
        phases.append(view["phase"])
        return view

    case = Case(ledger, clock, date(2026, 1, 5))
    phase(date(2026, 1, 5))
    case(date(2026, 1, 8), "record_intake", domains_discussed=["housing"])
    phase(date(2026, 1, 8))
    case(date(2026, 1, 9), "assign_case_director", user_id="u-anna", organisation=GEMEENTE)
    case(date(2026, 1, 12), "decide_coordination", outcome="volunteers_deployed")
    phase(date(2026, 1, 12))
    goal = case(date(2026, 1, 20), "set_plan_goal", life_domain="housing", description="x", target_date=date(2026, 6, 1))
    view = phase(date(2026, 1, 20))
    assert view["director"] == {"user_id": "u-anna", "organisation": GEMEENTE, "since": date(2026, 1, 9)}
    assert [g["goal_id"] for g in view["goals"]] == [goal]
    case(date(2026, 2, 1), "replace_case_director", user_id="u-bram", organisation=NOORD)
    case(date(2026, 3, 1), "close_case", reason="goals_achieved", aftercare_until=date(2026, 6, 1))
    view = phase(date(2026, 3, 1))
    assert view["director"] == {"user_id": "u-bram", "organisation": NOORD, "since": date(2026, 2, 1)}
    assert (view["closed_on"], view["closure_reason"], view["aftercare_until"]) == (
        date(2026, 3, 1), "goals_achieved", date(2026, 6, 1))
    case(date(2026, 3, 10), "reopen_case")
    view = phase(date(2026, 3, 10))
    assert (view["closed_on"], view["closure_reason"], view["aftercare_until"]) == (None, None, None)
    case(date(2026, 4, 1), "hand_over", to_organisation="schuldhulp-testdorp")
    case(date(2026, 4, 2), "close_case", reason="handed_over")
    view = phase(date(2026, 4, 2))
    assert view["director"] is None and view["handed_over_to"] == "schuldhulp-testdorp"
    case(date(2026, 4, 3), "erase_household", reason="data_subject_request")
    view = phase(date(2026, 4, 3))
    assert phases == ["referred", "intake", "coordination", "plan", "aftercare", "plan", "closed", "closed"]
    assert view["erased"] is True and view["erased_on"] == date(2026, 4, 3)
    assert view["version"] == case.v
    assert view["last_event_at"].date() == date(2026, 4, 3)
    assert view["goals"][0]["life_domain"] == "housing"  # codes survive the erasure
    with runner.engine.connect() as conn:
        assert plan(conn, "00000000-0000-0000-0000-000000000000", date(2026, 4, 3)) is None


def test_the_plan_shows_late_actions_and_zrm_change_since_intake(store: Store, clock: FixedClock) -> None:
    """Late = open and due before today; ZRM baseline = first 'intake' measurement, else the first."""
    ledger = store.make_ledger(clock=clock)
    case = Case(ledger, clock, date(2026, 2, 2))
    case(date(2026, 2, 3), "record_intake", domains_discussed=["finances", "housing"])
    # An interim measurement comes first: the intake measurement is still the baseline where it scored.
    case(date(2026, 2, 3), "record_zrm_measurement", instrument="2017", moment="interim",
         scores={"finances": 4, "housing": 4, "time_use": 2})
    case(date(2026, 2, 4), "record_zrm_measurement", instrument="2017", moment="intake",
         scores={"finances": 1, "housing": 2})
    goal = case(date(2026, 2, 5), "set_plan_goal", life_domain="finances", description="x")
    late = case(date(2026, 2, 5), "add_plan_action", goal_id=goal, description="x", performer_kind="self",
                due_on=date(2026, 3, 1))
    done = case(date(2026, 2, 5), "add_plan_action", goal_id=goal, description="x",
                performer_kind="professional", organisation="schuldhulp-testdorp", due_on=date(2026, 2, 10))
    dropped = case(date(2026, 2, 5), "add_plan_action", goal_id=goal, description="x", performer_kind="network",
                   due_on=date(2026, 2, 10))
    due_today = case(date(2026, 2, 5), "add_plan_action", goal_id=goal, description="x",
                     performer_kind="volunteer", due_on=date(2026, 3, 2))
    case(date(2026, 2, 6), "revise_plan_goal", goal_id=goal, target_date=date(2026, 9, 1))
    case(date(2026, 2, 20), "complete_plan_action", action_id=done)
    case(date(2026, 2, 21), "cancel_plan_action", action_id=dropped, reason="x")
    case(date(2026, 3, 1), "record_zrm_measurement", instrument="2017", moment="interim",
         scores={"finances": 2, "time_use": 3})
    case(date(2026, 3, 1), "record_zrm_measurement", instrument="2017", moment="interim",  # same day, later
         scores={"finances": 3})
    runner = views(ledger)
    runner.catch_up()
    with runner.engine.connect() as conn:
        view = plan(conn, case.id, date(2026, 3, 2))
        before = plan(conn, case.id, date(2026, 3, 1))
    assert view is not None and before is not None
    actions = {a["action_id"]: (a["status"], a["late"]) for a in view["actions"]}
    assert actions == {late: ("open", True), done: ("done", False), dropped: ("cancelled", False),
                       due_today: ("open", False)}
    assert [a["late"] for a in before["actions"] if a["action_id"] == late] == [False]  # due that very day
    by_id = {a["action_id"]: a for a in view["actions"]}
    assert (by_id[done]["performer_kind"], by_id[done]["performer_organisation"]) == (
        "professional", "schuldhulp-testdorp")
    assert view["goals"] == [{"goal_id": goal, "life_domain": "finances", "target_date": date(2026, 9, 1),
                              "set_on": date(2026, 2, 5), "revisions": 1, "revised_on": date(2026, 2, 6)}]
    zrm = {z["domain"]: (z["score"], z["baseline"], z["change"]) for z in view["zrm"]}
    assert zrm == {
        "finances": (3, 1, 2),  # latest of 1 March (the later of two), against the intake measurement
        "housing": (2, 2, None),  # the intake measurement is the latest: no change yet
        "time_use": (3, 2, 1),  # never scored at intake: against its first measurement
    }


def test_caseloads_move_with_the_director_and_count_per_month(store: Store, clock: FixedClock) -> None:
    """Replacement moves a household between caseloads; handover ends it; closure ends it only via the phase."""
    ledger = store.make_ledger(clock=clock)
    h1 = Case(ledger, clock, date(2026, 1, 5))
    h1(date(2026, 1, 10), "record_intake", domains_discussed=["housing"])
    h1(date(2026, 1, 12), "assign_case_director", user_id="u-anna", organisation=GEMEENTE)
    h1(date(2026, 1, 15), "decide_coordination", outcome="stays_with_partners")
    h2 = Case(ledger, clock, date(2026, 1, 20))
    h2(date(2026, 1, 21), "record_intake", domains_discussed=["finances"])
    h2(date(2026, 1, 21), "assign_case_director", user_id="u-anna", organisation=GEMEENTE)
    h1(date(2026, 2, 1), "set_plan_goal", life_domain="housing", description="x")
    h3 = Case(ledger, clock, date(2026, 2, 10))
    h3(date(2026, 2, 10), "assign_case_director", user_id="u-anna", organisation=GEMEENTE)
    runner = views(ledger)
    runner.catch_up()  # the rest arrives incrementally
    h3(date(2026, 3, 5), "close_case", reason="coordination_not_needed", aftercare_until=date(2026, 5, 10))
    h1(date(2026, 3, 10), "replace_case_director", user_id="u-bram", organisation=NOORD)
    h2(date(2026, 3, 15), "hand_over", to_organisation="schuldhulp-testdorp")
    h1(date(2026, 4, 20), "close_case", reason="goals_achieved")
    runner.catch_up()
    h1(date(2026, 5, 5), "reopen_case")  # same director: closure did not end the assignment
    h1(date(2026, 5, 20), "close_case", reason="goals_achieved")
    runner.catch_up()

    def rows(result: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
        return {tuple(r.values()) for r in result}

    with runner.engine.connect() as conn:
        assert rows(by_director(conn, date(2026, 2, 15))) == {
            ("u-anna", GEMEENTE, "plan", 1), ("u-anna", GEMEENTE, "intake", 1), ("u-anna", GEMEENTE, "referred", 1)}
        assert rows(by_director(conn, date(2026, 3, 12))) == {
            ("u-anna", GEMEENTE, "intake", 1), ("u-anna", GEMEENTE, "aftercare", 1), ("u-bram", NOORD, "plan", 1)}
        assert rows(by_director(conn, date(2026, 3, 15))) == {  # the handover day: no longer Anna's
            ("u-anna", GEMEENTE, "aftercare", 1), ("u-bram", NOORD, "plan", 1)}
        assert rows(by_director(conn, date(2026, 5, 6))) == {
            ("u-anna", GEMEENTE, "aftercare", 1), ("u-bram", NOORD, "plan", 1)}
        assert rows(by_director(conn, date(2026, 5, 10))) == {  # the last day of aftercare
            ("u-anna", GEMEENTE, "aftercare", 1), ("u-bram", NOORD, "plan", 1)}
        assert rows(by_director(conn, date(2026, 5, 11))) == {("u-bram", NOORD, "plan", 1)}
        assert by_director(conn, date(2026, 5, 20)) == []  # h1 closed again
        assert rows(by_organisation(conn, date(2026, 2, 15))) == {
            (GEMEENTE, "plan", 1), (GEMEENTE, "intake", 1), (GEMEENTE, "referred", 1)}
        assert rows(by_organisation(conn, date(2026, 3, 12))) == {
            (GEMEENTE, "intake", 1), (GEMEENTE, "aftercare", 1), (NOORD, "plan", 1)}
        months = [date(2026, m, 1) for m in range(1, 7)]
        assert per_month(conn, date(2026, 1, 17), date(2026, 6, 30), director="u-anna") == list(
            zip(months, [2, 3, 3, 1, 1, 0], strict=True))
        assert per_month(conn, date(2026, 1, 1), date(2026, 6, 1), director="u-bram") == list(
            zip(months, [0, 0, 1, 1, 1, 0], strict=True))
        assert per_month(conn, date(2026, 1, 1), date(2026, 6, 1), organisation=GEMEENTE) == list(
            zip(months, [2, 3, 3, 1, 1, 0], strict=True))
        assert per_month(conn, date(2026, 1, 1), date(2026, 6, 1)) == list(
            zip(months, [2, 3, 3, 2, 2, 0], strict=True))
        assert per_month(conn, date(2026, 3, 1), date(2026, 3, 1), director="u-bram", organisation=GEMEENTE) == [
            (date(2026, 3, 1), 0)]


def test_who_is_involved_now_and_before(store: Store, clock: FixedClock) -> None:
    """Current versus previous involvements and case directors, by date; households per organisation or worker."""
    ledger = store.make_ledger(clock=clock)
    case = Case(ledger, clock, date(2026, 3, 2))
    case(date(2026, 3, 2), "record_intake", domains_discussed=["mental_health"])
    case(date(2026, 3, 3), "assign_case_director", user_id="u-anna", organisation=GEMEENTE)
    ggz = case(date(2026, 3, 4), "start_involvement", kind="professional", organisation="ggz-regio",
               discipline="mental_health_care", worker_id="u-ggz", contact_name="x")
    buddy = case(date(2026, 3, 5), "start_involvement", kind="volunteer", organisation="humanitas",
                 discipline="buddy")
    case(date(2026, 4, 1), "end_involvement", involvement_id=ggz, reason="goal_reached")
    case(date(2026, 4, 2), "replace_case_director", user_id="u-bram", organisation=NOORD)
    other = Case(ledger, clock, date(2026, 4, 3))
    other(date(2026, 4, 3), "record_intake", domains_discussed=["finances"])
    other(date(2026, 4, 3), "start_involvement", kind="professional", organisation="ggz-regio", discipline="mental_health_care")
    runner = views(ledger)
    runner.catch_up()

    def who(entries: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [(e["kind"], e["organisation"], e["worker_id"], e["ended_on"], e["end_reason"]) for e in entries]

    ended_with_reason = "reason" in inspect.signature(ledger.app.end_involvement).parameters
    with runner.engine.connect() as conn:
        now = involved(conn, case.id)
        assert now is not None
        assert who(now["current"]) == [("volunteer", "humanitas", None, None, None),
                                       ("case_director", NOORD, "u-bram", None, None)]
        assert who(now["previous"]) == [
            ("case_director", GEMEENTE, "u-anna", date(2026, 4, 2), "replaced"),
            ("professional", "ggz-regio", "u-ggz", date(2026, 4, 1), "goal_reached" if ended_with_reason else None),
        ]
        assert [e["involvement_id"] for e in now["current"]] == [buddy, None]
        then = involved(conn, case.id, on=date(2026, 3, 4))
        assert then is not None
        assert who(then["current"]) == [("case_director", GEMEENTE, "u-anna", date(2026, 4, 2), "replaced"),
                                        ("professional", "ggz-regio", "u-ggz", date(2026, 4, 1),
                                         "goal_reached" if ended_with_reason else None)]
        assert then["previous"] == []  # the volunteer started later: left out
        assert [e["kind"] for e in involved(conn, case.id, on=date(2026, 4, 1))["previous"]] == ["professional"]

        def ids(found: list[dict[str, Any]]) -> list[tuple[str, bool]]:
            return [(f["household_id"], f["case_director"]) for f in found]

        assert ids(households_of(conn, organisation="ggz-regio")) == [(other.id, False)]
        assert ids(households_of(conn, organisation="ggz-regio", on=date(2026, 3, 20))) == [(case.id, False)]
        assert ids(households_of(conn, worker_id="u-ggz")) == []
        assert ids(households_of(conn, worker_id="u-bram")) == [(case.id, True)]
        assert ids(households_of(conn, worker_id="u-anna", on=date(2026, 3, 3))) == [(case.id, True)]
        assert households_of(conn, organisation="humanitas")[0]["involvement_ids"] == [buddy]
        assert involved(conn, "00000000-0000-0000-0000-000000000000") is None


def test_evaluation_facts_are_flat_rows_of_codes_dates_and_amounts(store: Store, clock: FixedClock) -> None:
    """Each fact table gets its rows; closure and drop-out land on the referral; amounts stay exact."""
    ledger = store.make_ledger(clock=clock)
    case = Case(ledger, clock, date(2026, 3, 2), sources=["police", "school_attendance_officer"], members=[
        NewMember("adult", "A"), NewMember("adult", "B"), NewMember("child", "C")])
    case(date(2026, 3, 3), "record_intake", domains_discussed=["finances"])
    case(date(2026, 3, 4), "decide_coordination", outcome="broker_coordinates")
    measurement = case(date(2026, 3, 4), "record_zrm_measurement", instrument="2017", moment="intake",
                       scores={"finances": 2, "housing": 3}, member_id="m1")
    goal = case(date(2026, 3, 5), "set_plan_goal", life_domain="finances", description="x")
    action = case(date(2026, 3, 5), "add_plan_action", goal_id=goal, description="x",
                  performer_kind="professional", organisation="schuldhulp-testdorp", due_on=date(2026, 4, 1))
    inv = case(date(2026, 3, 5), "start_involvement", kind="volunteer", organisation="humanitas",
               discipline="buddy")
    base = case(date(2026, 3, 6), "record_cost", kind="baseline", stream="income_support", amount_eur="1250.50",
                period_start=date(2025, 3, 1), period_end=date(2026, 2, 28))
    case(date(2026, 3, 6), "record_cost", kind="intervention", stream="care", amount_eur=Decimal("9999999.99"),
         period_start=date(2026, 3, 2), period_end=date(2026, 3, 31))
    case(date(2026, 3, 20), "complete_plan_action", action_id=action)
    case(date(2026, 3, 25), "end_involvement", involvement_id=inv, reason="capacity")
    evaluation = case(date(2026, 4, 1), "hold_evaluation", conclusion="close", final=True)
    case(date(2026, 4, 2), "raise_escalation", level="work_table", reason="x")
    case(date(2026, 4, 3), "record_drop_out", kind="refusal")
    case(date(2026, 4, 4), "close_case", reason="household_declined")
    runner = views(ledger)
    runner.catch_up()
    with runner.engine.connect() as conn:
        facts = EvaluationFacts().dump(conn)
    (referral,) = facts["view_fact_referrals"]
    assert referral[:16] == (case.id, date(2026, 3, 2), "police,school_attendance_officer", "couple_with_children", 2, 1,
                             date(2026, 3, 3), "broker_coordinates", date(2026, 3, 4), date(2026, 4, 4),
                             "household_declined", None, "refusal", date(2026, 4, 3), 0, False)
    # the two times: the position of each event that set a value (issue 14), in the order recorded
    made, intake_at, coordination_at, erased_on, erased_at = referral[16:21]
    assert 0 < made < intake_at < coordination_at and (erased_on, erased_at) == (None, None)
    assert referral[21:] == (0, 0)  # issue 15: the intake's own network, counted (no contacts recorded here)
    assert [row[:8] for row in sorted(facts["view_fact_zrm"])] == [
        (case.id, measurement, "finances", "2017", "intake", 2, date(2026, 3, 4), "m1"),
        (case.id, measurement, "housing", "2017", "intake", 3, date(2026, 3, 4), "m1")]
    assert len({row[8] for row in facts["view_fact_zrm"]}) == 1  # one event, one position
    ended_with_reason = "reason" in inspect.signature(ledger.app.end_involvement).parameters
    ((*involvement, started_at, ended_at),) = facts["view_fact_involvements"]
    assert involvement == [case.id, inv, "volunteer", "humanitas", "buddy", date(2026, 3, 5), date(2026, 3, 25),
                           "capacity" if ended_with_reason else None, False]  # not already involved (issue 15)
    assert coordination_at < started_at < ended_at
    assert [row[:6] for row in facts["view_fact_plan_goals"]] == [(case.id, goal, "finances", date(2026, 3, 5),
                                                                    None, 0)]
    ((*planned, added_at, completed_at, cancelled_at),) = facts["view_fact_plan_actions"]
    assert planned == [case.id, action, goal, "finances", "professional", "schuldhulp-testdorp", date(2026, 3, 5),
                       date(2026, 4, 1), date(2026, 3, 20), None]
    assert added_at < completed_at and cancelled_at is None
    changes = [(row[2], row[3]) for row in sorted(facts["view_fact_referral_changes"], key=lambda r: r[1])]
    assert changes == [(date(2026, 3, 4), "coordination"), (date(2026, 4, 3), "dropped_out"), (date(2026, 4, 4), "closed")]
    events = [row[2] for row in sorted(facts["view_fact_events"], key=lambda r: r[1])]  # business dates by position
    assert len(events) == 15 and events == sorted(events)  # one per event; this case was recorded in date order
    costs = {row[1]: row for row in facts["view_fact_costs"]}
    assert costs[base][2:8] == ("baseline", "income_support", Decimal("1250.50"), date(2025, 3, 1),
                                date(2026, 2, 28), date(2026, 3, 6))
    assert costs[base][8] > added_at  # its position
    assert sorted(row[4] for row in costs.values()) == [Decimal("1250.50"), Decimal("9999999.99")]
    assert [row[:5] for row in facts["view_fact_evaluations"]] == [(case.id, evaluation, date(2026, 4, 1), True,
                                                                     "close")]
    assert [row[2:5] for row in facts["view_fact_escalations"]] == [("work_table", date(2026, 4, 2), None)]
    assert [row[6] for row in facts["view_fact_escalations"]] == [None]  # not resolved: no position
    case(date(2026, 4, 10), "reopen_case")
    runner.catch_up()
    with runner.engine.connect() as conn:
        (referral,) = EvaluationFacts().dump(conn)["view_fact_referrals"]
    assert referral[9:16] == (None, None, None, None, None, 1, False)  # reopened: closure and drop-out cleared


# Distinctive personal values: none may reach any view.
PLANTED = {
    "names": ["Zwanhilde Quaadvliet", "Brechtje Oortwijn", "Oom Gijsbertus", "Wubbo Contactpersoon"],
    "bsn": ["999990044", "999990056"],
    "birth": ["1977-11-23", "2015-06-14"],
    "contact": ["06-98765432", "zwanhilde@example.org", "Kromme Gracht 77, Testdorp"],
    "texts": [f"PLANTED-{what}" for what in (
        "referral-reason", "intake-summary", "rationale", "replace-reason", "goal-text", "goal-revised",
        "action-text", "cancel-reason", "evaluation-notes", "escalation-reason", "escalation-resolution",
        "cost-text", "handover-notes", "dropout-reason", "reopen-reason")],
}


def rich_case(ledger: Any, clock: FixedClock, after_each: Any) -> Case:
    """A case that uses every command that can carry personal data, with the planted values."""
    (n1, n2, network_name, contact), (b1, b2), (d1, d2), (phone, email, address) = (
        PLANTED["names"], PLANTED["bsn"], PLANTED["birth"], PLANTED["contact"])
    text = {t.removeprefix("PLANTED-"): t for t in PLANTED["texts"]}
    case = Case(ledger, clock, date(2026, 2, 2), members=[
        NewMember("adult", n1, bsn=b1, birth_date=d1, phone=phone, email=email),
        NewMember("child", n2, bsn=b2, birth_date=d2)], address=address, reason=text["referral-reason"])
    steps: list[tuple[date, str, dict[str, Any]]] = [
        (date(2026, 2, 3), "record_intake", dict(domains_discussed=["finances", "housing"],
                                                 network=[("uncle", network_name)], agencies_involved=["ggd"],
                                                 summary=text["intake-summary"])),
        (date(2026, 2, 4), "decide_coordination", dict(outcome="stays_with_partners", rationale=text["rationale"])),
        (date(2026, 2, 4), "assign_case_director", dict(user_id="u-anna", organisation=GEMEENTE)),
        (date(2026, 2, 5), "replace_case_director", dict(user_id="u-bram", organisation=NOORD,
                                                         reason=text["replace-reason"])),
        (date(2026, 2, 5), "grant_consent", dict(basis="consent", member_id="m1", organisations=["ggz-regio"],
                                                 data_categories=["finances"], purpose="coordination")),
        (date(2026, 2, 6), "record_zrm_measurement", dict(instrument="2017", moment="intake",
                                                          scores={"finances": 2}, member_id="m1")),
        (date(2026, 2, 6), "start_involvement", dict(kind="professional", organisation="ggz-regio",
                                                     discipline="mental_health_care", worker_id="u-ggz", contact_name=contact)),
        (date(2026, 2, 7), "set_plan_goal", dict(life_domain="finances", description=text["goal-text"])),
    ]
    for day, command, kwargs in steps:
        case(day, command, **kwargs)
        after_each()
    goal_id = case(date(2026, 2, 7), "set_plan_goal", life_domain="housing", description="PLANTED-x")
    case(date(2026, 2, 8), "revise_plan_goal", goal_id=goal_id, description=text["goal-revised"])
    a1 = case(date(2026, 2, 8), "add_plan_action", goal_id=goal_id, description=text["action-text"],
              performer_kind="self", due_on=date(2026, 2, 20))
    after_each()
    a2 = case(date(2026, 2, 8), "add_plan_action", goal_id=goal_id, description=text["action-text"],
              performer_kind="network")
    case(date(2026, 2, 9), "cancel_plan_action", action_id=a2, reason=text["cancel-reason"])
    case(date(2026, 2, 10), "complete_plan_action", action_id=a1)
    after_each()
    case(date(2026, 2, 11), "hold_evaluation", conclusion="continue", notes=text["evaluation-notes"])
    esc = case(date(2026, 2, 12), "raise_escalation", level="work_table", reason=text["escalation-reason"])
    case(date(2026, 2, 13), "resolve_escalation", escalation_id=esc, resolution=text["escalation-resolution"])
    case(date(2026, 2, 14), "record_cost", kind="intervention", stream="care", amount_eur="310.00",
         period_start=date(2026, 2, 2), period_end=date(2026, 2, 14), description=text["cost-text"])
    after_each()
    case(date(2026, 2, 15), "record_drop_out", kind="drop_out", reason=text["dropout-reason"])
    case(date(2026, 2, 16), "close_case", reason="dropped_out")
    case(date(2026, 2, 17), "reopen_case", reason=text["reopen-reason"])
    after_each()
    case(date(2026, 2, 18), "hand_over", to_organisation="schuldhulp-testdorp", notes=text["handover-notes"])
    after_each()
    return case


def test_views_hold_no_personal_data_and_a_rebuild_gives_the_same_rows(store: Store, clock: FixedClock) -> None:
    """Built a few events at a time or all at once, every view is identical, and holds none of the planted values."""
    ledger = store.make_ledger(clock=clock)
    runner = views(ledger, batch=3)
    case = rich_case(ledger, clock, after_each=runner.catch_up)
    runner.catch_up()
    incremental = runner.dump()
    household = ledger.app.get_household(OPERATOR, case.hid)  # the ledger does hold them
    assert household.members["m1"].name.value == PLANTED["names"][0]
    assert household.members["m2"].bsn.value == PLANTED["bsn"][1]

    assert runner.rebuild() > 0
    rebuilt = runner.dump()
    assert rebuilt == incremental
    assert sum(len(rows) for tables in rebuilt.values() for rows in tables.values()) > 20
    with runner.engine.connect() as conn:
        view = plan(conn, case.id, date(2026, 2, 18))
    assert view is not None and view["phase"] == "plan" and view["director"] is None

    text = repr(rebuilt)
    leaked = [v for values in PLANTED.values() for v in values if v in text]
    leaked += [v for v in ("PLANTED", "Zwanhilde", "Quaadvliet", "date(1977, 11, 23)", "date(2015, 6, 14)",
                           "98765432") if v in text]
    assert leaked == []

    # issue 16: the plan read joins the texts on at read time and writes them nowhere
    shown = ReadSide(runner).plan(OPERATOR, case.hid)
    assert {g["description"] for g in shown["goals"]} == {"PLANTED-goal-text", "PLANTED-goal-revised"}
    assert [a["description"] for a in shown["actions"]] == ["PLANTED-action-text"] * 2
    assert runner.dump() == rebuilt
