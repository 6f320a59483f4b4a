"""Each view's handlers, on an in-memory SQLite: incremental, rebuild equals incremental, re-delivery changes nothing.

One module per view, three promises each (STYLE.md habit 10). The events come from the aggregate and the
access-record factory into an in-memory notification log (tests/unit/memory_log.py), no store; the runner
reads them through the blind mapper as in a deployment. tests/service/test_projections.py keeps the same
promises for all views together on real stores, over generated histories.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
import sqlalchemy as sa
from household_builders import (
    ACTOR,
    CLOSED_ON,
    DAY,
    DIRECTOR,
    LATER,
    OTHER_DIRECTOR,
    REFERRED,
    SECRETS,
    rich,
    with_intake,
)
from memory_log import Clock, MemoryLog, clocked, runner

from ledger.aggregates import Household
from ledger.aggregates.vocabulary import DataCategory
from ledger.privacy.access import EmergencyReviewed, access_record
from ledger.privacy.policy import Decision
from ledger.projections import ReadModel, Runner
from ledger.projections.access_log import AccessLog, awaiting_review, records
from ledger.projections.caseloads import Caseloads, by_director, director_spans_table, phase_spans_table
from ledger.projections.current_plan import CurrentPlan, plan
from ledger.projections.evaluation_facts import (
    EvaluationFacts,
    fact_costs,
    fact_events,
    fact_referral_changes,
    fact_referrals,
    fact_zrm,
)
from ledger.projections.household_list import HouseholdList, page
from ledger.projections.involvement import WhoIsInvolved, involved
from ledger.reports.facts_as_of import facts_as_of

ALL_VIEWS: dict[str, Callable[[], ReadModel]] = {
    "current_plan": CurrentPlan, "caseloads": Caseloads, "involvement": WhoIsInvolved, "access_log": AccessLog,
    "evaluation_facts": EvaluationFacts, "household_list": HouseholdList,
}


class History:
    """Two households and their access records, one save at a time; ``middle``: the saves up to the open case."""

    def __init__(self) -> None:
        clock = Clock()
        self.saves: list[list[Any]] = []
        with clocked(clock):
            one = rich()  # intake, coordination, director, consents, ZRM, goal, action, involvement, escalation...
            self._save(one)
            self.emergency = self._record(one, emergency=True, at=clock())
            two = with_intake()
            two.assign_case_director(actor=ACTOR, on=DAY, director=DIRECTOR)
            self._save(two)
            self._record(two, emergency=False, at=clock())
            self.middle = len(self.saves)
            one.complete_plan_action(actor=ACTOR, on=DAY, action_id="a1")
            one.end_involvement(actor=ACTOR, on=DAY + timedelta(days=3), involvement_id="i1", reason="goal_reached")
            one.resolve_escalation(actor=ACTOR, on=DAY + timedelta(days=4), escalation_id="e1")
            one.replace_case_director(actor=ACTOR, on=DAY + timedelta(days=5), director=OTHER_DIRECTOR)
            one.close(actor=ACTOR, on=CLOSED_ON, reason="goals_achieved", aftercare_until=CLOSED_ON + timedelta(days=30))
            self._save(one)
            self._review(self.emergency, at=clock())
            one.reopen(actor=ACTOR, on=LATER)
            one.close(actor=ACTOR, on=LATER, reason="other")
            one.erase(actor=ACTOR, on=LATER + timedelta(days=1), reason="data_subject_request")
            self._save(one)
            self._record(one, emergency=False, at=clock())
        self.one, self.two = str(one.id), str(two.id)

    def _save(self, household: Household) -> None:
        for event in household.collect_events():  # each event a save of its own: the finest incremental steps
            self.saves.append([event])

    def _record(self, household: Household, *, emergency: bool, at: Any) -> str:
        decision = Decision(True, "test", "emergency" if emergency else "case_director", emergency=emergency)
        record = access_record(actor=ACTOR, action="get_household", household_id=household.id,
                               categories=frozenset({DataCategory.FINANCES, DataCategory.HOUSING}), decision=decision,
                               at=at, emergency_reason="Acute crisis at the door, no director reachable" if emergency else None)
        self.saves.append([record])
        return str(record.originator_id)

    def _review(self, record_id: str, *, at: Any) -> None:
        self.saves.append([EmergencyReviewed(  # the privacy officer's verdict
            originator_id=uuid4(), originator_version=1, timestamp=at, record_id=record_id,
            reviewer_id="u-fg", verdict="justified")])

    def follow(self, view: ReadModel, *, upto: int | None = None, batch: int = 1) -> Runner:
        """A runner that catches up after every save (as the in-service follower does), up to save ``upto``."""
        log = MemoryLog()  # the runner's ``app``: r.app.notifications() are the ones it was given
        r = runner(log, [view], batch=batch)
        for save in self.saves[:upto]:
            log.record(save)
            r.catch_up()
        return r


@pytest.fixture(scope="module")
def history() -> History:
    return History()


# ---------------------------------------------------------------- (a) incremental, per view
def _current_plan(conn: sa.Connection, h: History, middle: bool) -> None:
    one, two = plan(conn, h.one, DAY), plan(conn, h.two, DAY)
    assert one is not None and two is not None
    assert two["phase"] == "intake" and two["director"]["user_id"] == DIRECTOR.user_id
    if middle:
        assert one["phase"] == "plan" and one["director"]["user_id"] == DIRECTOR.user_id
        assert [a["status"] for a in one["actions"]] == ["open"]
        assert [z["domain"] for z in one["zrm"]] == ["finances", "housing", "parenting"]
    else:
        assert (one["phase"], one["erased"], one["closure_reason"]) == ("closed", True, "other")
        assert one["director"]["user_id"] == OTHER_DIRECTOR.user_id
        assert [a["status"] for a in one["actions"]] == ["done"]


def _caseloads(conn: sa.Connection, h: History, middle: bool) -> None:
    counted = {(r["user_id"], r["phase"]): r["households"] for r in by_director(conn, DAY)}
    assert counted == {(DIRECTOR.user_id, "plan"): 1, (DIRECTOR.user_id, "intake"): 1}
    d = director_spans_table
    spans = conn.execute(sa.select(d.c.user_id, d.c.end_on, d.c.ended_by).where(d.c.household_id == h.one)
                         .order_by(d.c.seq)).all()
    p = phase_spans_table
    phases = [r.phase for r in conn.execute(sa.select(p.c.phase).where(p.c.household_id == h.one).order_by(p.c.start_on))]
    if middle:
        assert spans == [(DIRECTOR.user_id, None, None)]
        assert phases[-1] == "plan"
    else:
        # as known at the middle: the replacement and the closure not yet recorded
        assert {(r["user_id"], r["phase"]): r["households"] for r in by_director(conn, CLOSED_ON, h.middle)} == {
            (DIRECTOR.user_id, "plan"): 1, (DIRECTOR.user_id, "intake"): 1}
        assert {(r["user_id"], r["phase"]): r["households"] for r in by_director(conn, CLOSED_ON)} == {
            (OTHER_DIRECTOR.user_id, "aftercare"): 1, (DIRECTOR.user_id, "intake"): 1}
        assert [(s.user_id, s.ended_by) for s in spans] == [(DIRECTOR.user_id, "replaced"), (OTHER_DIRECTOR.user_id, "erased")]
        assert "aftercare" in phases and phases[-1] == "closed"


def _involvement(conn: sa.Connection, h: History, middle: bool) -> None:
    one = involved(conn, h.one)
    assert one is not None
    current = {(e["kind"], e["worker_id"]) for e in one["current"]}
    if middle:
        assert current == {("professional", "w-1"), ("case_director", DIRECTOR.user_id)}
        assert one["previous"] == []
    else:
        assert one["erased"] and current == set()
        assert {(e["kind"], e["end_reason"]) for e in one["previous"]} >= {("professional", "goal_reached"),
                                                                             ("case_director", "replaced")}


def _access_log(conn: sa.Connection, h: History, middle: bool) -> None:
    got = records(conn)
    assert len(got) == (2 if middle else 3)
    assert got[0]["household_id"] == h.one and got[0]["data_categories"] == ["finances", "housing"]
    waiting = [r["record_id"] for r in awaiting_review(conn)]
    assert waiting == ([h.emergency] if middle else [])
    if not middle:
        assert [r["review_verdict"] for r in records(conn, emergency=True)] == ["justified"]


def _evaluation_facts(conn: sa.Connection, h: History, middle: bool) -> None:
    r = conn.execute(sa.select(fact_referrals).where(fact_referrals.c.household_id == h.one)).one()
    assert (r.referred_on, r.sources, r.adults, r.children) == (REFERRED, "social_work,police", 1, 1)
    zrm = conn.execute(sa.select(fact_zrm.c.domain, fact_zrm.c.score).where(fact_zrm.c.household_id == h.one)).all()
    assert sorted(zrm) == [("finances", 2), ("housing", 3), ("parenting", 4)]
    assert conn.execute(sa.select(fact_costs.c.amount_eur)).scalars().all() == [Decimal("1250.00")]
    # the two times: one fact_events row per household event, at its position; change rows in position order
    household_events = [n for n in range(1, len(h.saves[:h.middle if middle else None]) + 1)
                        if isinstance(h.saves[n - 1][0], Household.Event)]
    assert conn.execute(sa.select(fact_events.c.position).order_by(fact_events.c.position)).scalars().all() == \
        household_events
    c = fact_referral_changes
    kinds = conn.execute(sa.select(c.c.kind).where(c.c.household_id == h.one).order_by(c.c.position)).scalars().all()
    if middle:
        assert (r.closed_on, r.reopens, r.erased) == (None, 0, False)
        assert kinds == ["coordination"]  # each coordination decision is a change row (it may be taken again)
    else:
        assert (r.closed_on, r.closure_reason, r.reopens, r.erased) == (LATER, "other", 1, True)
        assert kinds == ["coordination", "closed", "reopened", "closed"]
        assert r.erased_on == LATER + timedelta(days=1) and r.erased_position == household_events[-1]
        # masked to (as_of, known_at): the fold of the events with position <= known_at and on <= as_of
        def state(as_of: date, known_at: int) -> Any:
            f = facts_as_of(as_of, known_at).referrals
            return conn.execute(sa.select(f.c.closed_on, f.c.closure_reason, f.c.reopens, f.c.erased)
                                .where(f.c.household_id == h.one)).one()
        head = household_events[-1]
        assert tuple(state(CLOSED_ON, head)) == (CLOSED_ON, "goals_achieved", 0, False)  # the reopen came later
        assert tuple(state(LATER, head)) == (LATER, "other", 1, False)  # reopened, closed again; erased after
        assert tuple(state(LATER + timedelta(days=1), head)) == (LATER, "other", 1, True)
        assert tuple(state(LATER + timedelta(days=1), h.middle)) == (None, None, 0, False)  # not yet recorded


def _household_list(conn: sa.Connection, h: History, middle: bool) -> None:
    def seen(user_id: str, organisation: str, role: str = "consultant") -> list[tuple[Any, ...]]:
        rows = page(conn, user_id=user_id, organisation=organisation, role=role, purpose="coordination", today=DAY,
                    municipality="gemeente-x")
        return [(r["household_id"], r["phase"], r["case_director"], r["erased"]) for r in rows]

    two = (h.two, "intake", DIRECTOR.user_id, False)
    # the worker of the ggd is involved with one, but its consent covers finances, not composition
    assert seen("w-1", "ggd", "professional") == []
    assert seen("u-nobody", "gemeente-x") == []  # the intake team sees neither: both have a director
    assert seen("u-200", "gemeente-x", "privacy_officer") == []
    if middle:
        assert seen(DIRECTOR.user_id, DIRECTOR.organisation) == [(h.one, "plan", DIRECTOR.user_id, False), two]
        assert seen("op", "gemeente-x", "operator") == seen(DIRECTOR.user_id, DIRECTOR.organisation)
    else:
        assert seen(DIRECTOR.user_id, DIRECTOR.organisation) == [two]
        one = (h.one, "closed", OTHER_DIRECTOR.user_id, True)  # erased: the relations stay, as in the aggregate
        assert seen(OTHER_DIRECTOR.user_id, OTHER_DIRECTOR.organisation, "professional") == [one]
        assert seen("op", "gemeente-x", "operator") == [one, two]
        versions = {r["household_id"]: r["version"] for r in page(
            conn, user_id="op", organisation="gemeente-x", role="operator", purpose="coordination", today=DAY,
            municipality="gemeente-x", after=0, limit=1)}
        assert versions == {h.one: sum(isinstance(s[0], Household.Event) and str(s[0].originator_id) == h.one
                                       for s in h.saves)}  # one page of one: the keyset's first


CHECKS: dict[str, Callable[[sa.Connection, History, bool], None]] = {
    "current_plan": _current_plan, "caseloads": _caseloads, "involvement": _involvement,
    "access_log": _access_log, "evaluation_facts": _evaluation_facts, "household_list": _household_list,
}


def test_every_view_has_its_handler_tests() -> None:
    """A view added to the read side gets its checks here too."""
    from ledger.projections import all_models

    assert sorted(m.name for m in all_models()) == sorted(ALL_VIEWS) == sorted(CHECKS)


@pytest.mark.parametrize("name", ALL_VIEWS)
def test_a_view_applied_save_by_save_shows_each_step(history: History, name: str) -> None:
    """Caught up after every save, the view shows the case as it stood: midway, and at the end."""
    midway = history.follow(ALL_VIEWS[name](), upto=history.middle)
    with midway.engine.connect() as conn:
        CHECKS[name](conn, history, True)
    whole = history.follow(ALL_VIEWS[name]())
    with whole.engine.connect() as conn:
        CHECKS[name](conn, history, False)
    assert whole.positions() == {name: len(history.saves)}


# ---------------------------------------------------------------- (b) rebuild equals incremental
@pytest.mark.parametrize("batch", [1, 3, 500])
@pytest.mark.parametrize("name", ALL_VIEWS)
def test_a_rebuild_equals_the_view_built_incrementally(history: History, name: str, batch: int) -> None:
    """Dropped and replayed in one go, or built by a fresh runner in batches, the view has the same rows."""
    live = history.follow(ALL_VIEWS[name](), batch=batch)
    incremental = live.dump()
    assert sum(len(rows) for rows in incremental[name].values()) > 0
    assert live.rebuild() == len(history.saves)
    assert live.dump() == incremental
    fresh = runner(live.app, [ALL_VIEWS[name]()], batch=batch)
    fresh.catch_up()
    assert fresh.dump() == incremental


# ---------------------------------------------------------------- (c) re-delivery changes nothing
@pytest.mark.parametrize("name", ALL_VIEWS)
def test_re_delivered_events_change_nothing(history: History, name: str) -> None:
    """Notifications delivered again (all, the tail, or overlapping a view's position) are not applied twice."""
    live = history.follow(ALL_VIEWS[name]())
    before, positions = live.dump(), live.positions()
    notifications = live.app.notifications()
    live.apply(notifications)
    live.apply(notifications[len(notifications) // 2:])
    live.apply(notifications[-1:])
    assert live.dump() == before and live.positions() == positions
    # A second runner on the same tables (another worker) delivering them all again.
    twin = Runner(live.app, live.engine, [ALL_VIEWS[name]()])
    twin.apply(notifications)
    twin.catch_up()
    assert twin.dump() == before and twin.positions() == positions


@pytest.mark.parametrize("name", ALL_VIEWS)
def test_a_batch_overlapping_the_views_position_applies_only_what_is_new(history: History, name: str) -> None:
    """A view at position k given notifications k-2..end applies k+1..end once: the same rows as built straight."""
    whole = history.follow(ALL_VIEWS[name]())
    straight, notifications, k = whole.dump(), whole.app.notifications(), history.middle
    part = runner(whole.app, [ALL_VIEWS[name]()])
    part.apply(notifications[:k])
    assert part.positions() == {name: notifications[k - 1].id}
    part.apply(notifications[k - 2:])
    assert part.dump() == straight
    assert part.positions() == {name: notifications[-1].id}


def test_handlers_see_no_personal_value(history: History) -> None:
    """Through the blind mapper every personal value arrives erased: no view row holds one."""
    everything = repr([history.follow(make()).dump() for make in ALL_VIEWS.values()])
    assert [s for s in SECRETS if s in everything] == []
    assert "Acute crisis" not in everything
    assert date(1981, 7, 13).isoformat() not in everything
