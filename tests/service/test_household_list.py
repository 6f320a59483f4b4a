"""The caseload list from the household-list view (issue 16, item 7), on SQLite and PostgreSQL.

One source of truth for who sees which household: for random households (addressed, directed,
replaced, handed over, involved, consented, withdrawn, closed, erased) and random users, the
view's keyset-paged query answers exactly what ``ledger.privacy.policy.decide`` allows,
household by household, with the same line (version, phase, referral date, director, erased).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st

from conftest import MUNICIPALITY, OPERATOR, PRIVACY_OFFICER, FixedClock, Store, erase_four_eyes
from ledger.aggregates import Actor, errors
from ledger.aggregates.actions import Action
from ledger.aggregates.vocabulary import DataCategory
from ledger.application import NewMember
from ledger.privacy.policy import decide, relationship_of
from ledger.projections import views_engine
from ledger.projections.household_list import HouseholdList, page
from ledger.projections.runner import Runner
from test_read_side import following

USERS = ("u-1", "u-2", "w-1", "w-7")
ORGS = ("ggd", "ggz", "wijkteam", MUNICIPALITY)
CATEGORIES = ("composition", "identity", "finances")
PURPOSES = ("coordination", "service_delivery")

org = st.sampled_from(ORGS)
user = st.sampled_from(USERS)
offset = st.integers(-4, 4)
step = st.one_of(
    st.tuples(st.just("assign"), user, org),
    st.tuples(st.just("replace"), user, org),
    st.tuples(st.just("hand_over"), org),
    st.tuples(st.just("involve"), org, st.none() | user),
    st.tuples(st.just("end_involvement"), st.integers(0, 3)),
    st.tuples(st.just("consent"), st.lists(org, min_size=1, max_size=3), st.lists(st.sampled_from(CATEGORIES),
              min_size=1, max_size=2).map(lambda c: c if len(c) > 1 else [*c, "composition"]),
              st.sampled_from((*PURPOSES, "coordination")), offset, st.none() | offset),
    st.tuples(st.just("withdraw"), st.integers(0, 3)),
    st.tuples(st.just("intake")),
    st.tuples(st.just("close"), st.booleans()),
)
# Involvements and consents often enough that "involved and consented" comes up in most runs.
story = st.tuples(st.none() | org, st.lists(step, max_size=8).map(lambda steps: [
    *steps, *[s for s in steps if s[0] in ("involve", "consent")]]), st.integers(0, 12))  # addressee, steps, erase 1 in 13
reader = st.builds(Actor, user_id=user, organisation=org,
                   role=st.sampled_from(("consultant", "professional", "consultant", "professional", "privacy_officer",
                                         "evaluator", "admin", "operator")),
                   purpose=st.sampled_from((*PURPOSES, "coordination", "no-such-purpose")))


class Story:
    """Runs a household's steps through the application as the operator; steps the rules refuse are skipped."""

    def __init__(self, ledger: Any, addressee: str | None) -> None:
        self.app = ledger.app
        self.hid, self.v = self.app.refer_household(OPERATOR, sources=["wmo_desk"],
                                                    members=[NewMember("adult", "Test Persoon")], addressed_to=addressee)
        self.involvements: list[str] = []
        self.consents: list[str] = []

    def run(self, step: tuple[Any, ...]) -> None:
        today = self.app.today()
        kind, *args = step
        app, hid, v = self.app, self.hid, self.v
        try:
            if kind == "assign":
                self.v = app.assign_case_director(OPERATOR, hid, expected_version=v, user_id=args[0],
                                                  organisation=args[1])
            elif kind == "replace":
                self.v = app.replace_case_director(OPERATOR, hid, expected_version=v, user_id=args[0],
                                                   organisation=args[1])
            elif kind == "hand_over":
                self.v = app.hand_over(OPERATOR, hid, expected_version=v, to_organisation=args[0])
            elif kind == "involve":
                item, self.v = app.start_involvement(OPERATOR, hid, expected_version=v, kind="professional",
                                                     organisation=args[0], discipline="social_work", worker_id=args[1])
                self.involvements.append(item)
            elif kind == "end_involvement" and self.involvements:
                item = self.involvements[args[0] % len(self.involvements)]
                self.v = app.end_involvement(OPERATOR, hid, expected_version=v, involvement_id=item, reason="goal_reached")
            elif kind == "consent":
                orgs, cats, purpose, start, end = args
                item, self.v = app.grant_consent(
                    OPERATOR, hid, expected_version=v, basis="consent", member_id="m1", organisations=orgs,
                    data_categories=cats, purpose=purpose, valid_from=today + timedelta(days=start),
                    valid_until=None if end is None else today + timedelta(days=start + abs(end)))
                self.consents.append(item)
            elif kind == "withdraw" and self.consents:
                item = self.consents[args[0] % len(self.consents)]
                self.v = app.withdraw_consent(OPERATOR, hid, expected_version=v, consent_id=item)
            elif kind == "intake":
                self.v = app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["housing"])
            elif kind == "close":
                self.v = app.close_case(OPERATOR, hid, expected_version=v, reason="goals_achieved",
                                        aftercare_until=today + timedelta(days=30) if args[0] else None)
        except errors.HouseholdError:
            pass  # a step the case's rules refuse (replace without a director, a consent not in force, ...)


def listed(conn: Any, app: Any, actor: Actor, limit: int) -> list[dict[str, Any]]:
    """Every page of the view's list for ``actor``, followed by the keyset."""
    out: list[dict[str, Any]] = []
    after = 0
    while True:
        rows = page(conn, user_id=actor.user_id, organisation=actor.organisation, role=actor.role,
                    purpose=actor.purpose, today=app.today(), municipality=app.municipality, after=after, limit=limit)
        out += rows
        if len(rows) < limit:
            return out
        after = rows[-1]["position"]


def allowed(app: Any, actor: Actor, household: Any) -> bool:
    return decide(actor, Action.READ, household, [DataCategory.COMPOSITION], actor.purpose, on=app.today(),
                  municipality=app.municipality).allowed


@pytest.fixture
def ledger(store: Store, clock: FixedClock) -> Any:
    return store.make_ledger(clock=clock)


# The ledger grows over the examples (one store per test), so shrinking would not reproduce: generate only.
@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(stories=st.lists(story, min_size=1, max_size=3), readers=st.lists(reader, min_size=1, max_size=6),
       limit=st.integers(1, 4), days_later=st.integers(0, 6))
@example(  # involved (by organisation, by worker) and consented; the intake team involved itself; withdrawn
    stories=[
        ("ggz", [("involve", "ggd", None), ("consent", ["ggd"], ["composition"], "coordination", -1, None)], 5),
        ("ggd", [("involve", "ggd", "w-1"), ("consent", ["ggd", "ggz"], ["composition"], "coordination", 0, 3)], 5),
        ("ggd", [("involve", "wijkteam", "w-7"), ("consent", ["wijkteam"], ["composition"], "coordination", 0, None),
                 ("withdraw", 0), ("assign", "u-1", "ggz")], 5),
    ],
    readers=[Actor("u-2", "ggd", "professional"), Actor("w-1", "ggd", "consultant"), Actor("w-7", "wijkteam",
             "professional"), Actor("u-1", "ggz", "consultant"), Actor("w-1", "ggd", "professional", "service_delivery")],
    limit=1, days_later=2)
def test_the_list_query_answers_what_the_policy_allows_household_by_household(
    ledger: Any, clock: FixedClock, stories: list[Any], readers: list[Actor], limit: int, days_later: int,
) -> None:
    """For random households, consents and readers: the paged query == decide(read, composition), line for line."""
    app = ledger.app
    clock.set(date(2026, 3, 2))
    for addressee, steps, erase in stories:
        s = Story(ledger, addressee)
        for one in steps:
            s.run(one)
        if erase == 0:  # erasure scrubs personal values; the relations (and so the list) stay as they were
            s.run(("close", False))
            erase_four_eyes(app, s.hid, app.repository.get(s.hid).version)
    clock.set(date(2026, 3, 2) + timedelta(days=days_later))  # consents start and end around "today"
    runner = Runner(app, views_engine(ledger), [HouseholdList()])
    runner.catch_up()
    households = [app.repository.get(UUID(str(h.household_id))) for h in app.list_households(OPERATOR)]
    with runner.engine.connect() as conn:
        for actor in (*readers, OPERATOR):
            expected = [
                {"household_id": str(h.id), "version": h.version, "phase": h.phase, "referred_on": h.referred_on,
                 "case_director": h.case_director.director.user_id if h.case_director else None,
                 "erased": h.is_erased}
                for h in households if allowed(app, actor, h)
            ]
            got = [{k: v for k, v in row.items() if k != "position"} for row in listed(conn, app, actor, limit)]
            assert got == expected, actor
            for h in households:
                if actor.role in ("consultant", "professional"):
                    seen = "sees" if allowed(app, actor, h) else "does not see"
                    event(f"{relationship_of(actor, h, app.municipality).value} {seen}")


def test_a_list_read_is_recorded_and_waits_for_the_last_write(ledger: Any, clock: FixedClock) -> None:
    """One list_households record per read, before the answer; a director replaced a moment ago already counts."""
    director = Actor("u-1", "ggd", "consultant")
    with following(ledger) as side:  # the views with their follower running, as in the service
        s = Story(ledger, "ggz")
        s.run(("assign", "u-1", "ggd"))
        assert [r["household_id"] for r in side.households(director)] == [str(s.hid)]
        s.run(("replace", "u-2", "ggd"))  # the next read waits until the view holds it
        assert side.households(director) == []
        assert [r["household_id"] for r in side.households(Actor("u-2", "ggd", "professional"))] == [str(s.hid)]
        for bad in ({"phase": "everything"}, {"min_position": 10**9}):  # refused, and not recorded
            with pytest.raises(errors.InvalidInputError):
                side.households(director, **bad)
        records = side.access_records(PRIVACY_OFFICER, user_id="u-1")
    assert [(r["action"], r["outcome"], r["household_id"]) for r in records] == [("list_households", "allowed", None)] * 2
