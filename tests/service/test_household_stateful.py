"""Random command sequences through the real CaseLedger, checked against an in-memory model.

The machine drives valid and invalid commands through the application (real event
store, real sealing, snapshots every 3 versions, a clock the test moves) and applies
the very same command to its own copy of each household aggregate. After every step
the household read back from the store by a second, independent application (no
key cache, no aggregate cache) must equal that copy, and replaying the stored events
from scratch (no snapshot) must give the same state again.

The PostgreSQL variant runs the same machine on a fresh database: hypothesis state
machines cannot take fixtures, so the test function stores the URL in a module
global before it runs the machine.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from bsn_pool import fresh_bsn
from conftest import register_staff
from ledger.aggregates import (
    Actor,
    Household,
    Member,
    NetworkContact,
    Personal,
    StaffRef,
    errors,
    is_valid_bsn,
    map_personal,
)
from ledger.aggregates.retention import DEFAULT_RULES
from ledger.aggregates.clock import recording_clock
from ledger.aggregates.personal import personal
from ledger.aggregates.values import CaseDirectorship
from ledger.aggregates.zrm import INSTRUMENTS
from ledger.application import CaseLedger, NewMember
from ledger.bootstrap import Ledger, build
from ledger.config import Settings

PG_URL: str | None = None  # set by the PostgreSQL test function for the machine's lifetime

MACHINE_SETTINGS = settings(max_examples=30, stateful_step_count=30, deadline=None)

# Local operators: this machine tests the domain and the store, not the access policy.
ACTORS = (Actor("u-1", "wijkteam", "operator"), Actor("u-2", "gemeente", "operator"))
START = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)

ALLOWED_ON_CLOSED = {"reopen", "withdraw_consent", "place_retention_hold", "erase"}
EVENTS_ALLOWED_ON_CLOSED = (
    Household.Reopened, Household.ConsentWithdrawn, Household.RetentionHoldPlaced, Household.Erased,
)

ZRM_DOMAINS = sorted({d for i in INSTRUMENTS.values() for d in (*i.domains, *i.supplements)} | {"nonsense"})
TEXT = st.sampled_from(["Jan de Vries", "Fatima El Amrani", "schulden en zorgen", "Oma Bep"])
OPT_TEXT = st.none() | TEXT
BACK = st.sampled_from([0, 0, 0, 0, 0, 0, 2, 40])  # days before today; some land before the referral
PICK = st.integers(0, 3)  # which existing id; 3 means one that does not exist


def pick(ids: Any, index: int) -> str:
    ordered = sorted(ids)
    return ordered[index % len(ordered)] if ordered and index < 3 else "no-such-id"


def _own_bsns(members: list[NewMember]) -> list[NewMember]:
    """The referral's valid BSNs replaced by one fresh test BSN each, in the same spelling (spaces kept)."""
    fresh = fresh_bsn()
    return [dataclasses.replace(m, bsn=f"{fresh[:4]} {fresh[4:6]} {fresh[6:]}" if " " in m.bsn else fresh)
            if m.bsn and is_valid_bsn(m.bsn.replace(" ", "")) else m for m in members]


member_strategy = st.builds(
    NewMember,
    role=st.sampled_from(["adult", "adult", "child"]),
    name=TEXT,
    bsn=st.sampled_from([None, "999990019", "999 99 0019", "123456789"]),
    birth_date=st.none() | st.just("2010-04-01"),
    phone=st.none() | st.just("0612345678"),
)


def open_ledger(data_dir: Path, database_url: str | None, *, key_cache_seconds: float,
                clock: Callable[[], datetime] | None = None, new_id: Callable[[], str] | None = None,
                new_household_id: Callable[[], UUID] | None = None) -> Ledger:
    s = Settings(data_dir=data_dir, database_url=database_url, snapshot_interval=3, key_cache_seconds=key_cache_seconds)
    ledger = build(s, clock=clock, new_id=new_id, new_household_id=new_household_id)
    register_staff(ledger)  # directors and workers are registered users
    return ledger


class HouseholdLedgerMachine(RuleBasedStateMachine):
    """CaseLedger on SQLite versus the household aggregate in memory."""

    households = Bundle("households")

    def database_url(self) -> str | None:
        return None

    def __init__(self) -> None:
        super().__init__()
        self.data_dir = Path(tempfile.mkdtemp(prefix="ledger-stateful-"))
        self.now = START
        self.issued_ids: list[str] = []
        self.issued_household_ids: list[UUID] = []
        self.models: dict[UUID, Household] = {}
        self.ledger = open_ledger(
            self.data_dir, self.database_url(), key_cache_seconds=5.0, clock=self.clock, new_id=self.new_id,
            new_household_id=self.new_household_id,
        )
        self.reader = open_ledger(self.data_dir, self.database_url(), key_cache_seconds=0, clock=self.clock)

    def teardown(self) -> None:
        try:
            if self.models:
                # A truly fresh application, built after all the writing, reads the same.
                with open_ledger(self.data_dir, self.database_url(), key_cache_seconds=0) as fresh:
                    for hid, model in self.models.items():
                        assert fresh.app.repository.get(hid) == model
        finally:
            self.ledger.close()
            self.reader.close()
            shutil.rmtree(self.data_dir, ignore_errors=True)

    # ------------------------------------------------------------ plumbing
    @property
    def app(self) -> CaseLedger:
        return self.ledger.app

    def clock(self) -> datetime:
        return self.now

    def new_id(self) -> str:
        self.issued_ids.append(f"id{len(self.issued_ids) + 1}")
        return self.issued_ids[-1]

    def new_household_id(self) -> UUID:
        self.issued_household_ids.append(uuid.uuid4())
        return self.issued_household_ids[-1]

    def today(self) -> date:
        return self.app.today()

    def day(self, back: int) -> date:
        return self.today() - timedelta(days=back)

    def stored_version(self, hid: UUID) -> int:
        last = self.app.recorder.select_events(hid, desc=True, limit=1)
        return last[0].originator_version if last else 0

    def run(
        self, hid: UUID, name: str, app_call: Callable[[int], Any], model_call: Callable[..., Any],
        *, issues_id: bool = False,
    ) -> errors.HouseholdError | None:
        """The command through the application and through the model: same outcome, one event or none."""
        model = self.models[hid]
        before = self.stored_version(hid)
        assert before == model.version
        was_closed = model.is_closed
        issued = len(self.issued_ids)
        app_error: errors.HouseholdError | None = None
        result: Any = None
        try:
            result = app_call(model.version)
        except errors.HouseholdError as exc:
            app_error = exc
        new_ids = self.issued_ids[issued:]
        assert len(new_ids) == int(issues_id)
        model_error: errors.HouseholdError | None = None
        try:
            with recording_clock(self.clock):
                model_call(model, *new_ids)
        except errors.HouseholdError as exc:
            model_error = exc
        model.collect_events()
        after = self.stored_version(hid)
        if app_error is not None:
            assert type(model_error) is type(app_error), (name, app_error, model_error)
            assert after == before, f"{name} failed with {app_error!r} but the stored version changed"
            assert model.version == before
        else:
            assert model_error is None, (name, model_error)
            assert after == before + 1 == model.version
            assert (result[1] if isinstance(result, tuple) else result) == after
            if was_closed:
                assert name in ALLOWED_ON_CLOSED, f"{name} changed a closed case"
        return app_error

    # ------------------------------------------------------------ referral
    def _refer(self, actor: Actor, source: str, members: list[NewMember], address: str | None,
               reason: str | None, back: int) -> Any:
        on = self.day(back)
        issued = len(self.issued_household_ids)
        app_error: errors.HouseholdError | None = None
        members = _own_bsns(members)  # each referral its own household (a known BSN would add to it: issue 15)
        try:
            hid, version = self.app.refer_household(
                actor, sources=[source], members=members, address=address, reason=reason, on=on)
        except errors.HouseholdError as exc:
            app_error = exc
        (hid,) = self.issued_household_ids[issued:]
        members_ = [
            Member(f"m{i}", m.role, personal(m.name),
                   personal(m.bsn.replace(" ", "") if m.bsn else None),
                   personal(m.birth_date), personal(m.phone), personal(m.email))
            for i, m in enumerate(members, start=1)
        ]
        try:
            with recording_clock(self.clock):
                model = Household.refer(household_id=hid, actor=actor, on=on, sources=[source], members=members_,
                                        address=personal(address), reason=personal(reason),
                                        addressed_to=self.app.municipality)  # the application's default
        except errors.HouseholdError as exc:
            assert type(exc) is type(app_error), (app_error, exc)
            assert self.stored_version(hid) == 0
            assert str(hid) not in self.ledger.keys.wrapped_keys()
            return multiple()
        assert app_error is None, app_error
        assert version == 1 == self.stored_version(hid)
        model.collect_events()
        self.models[hid] = model
        return hid

    @initialize(target=households, actor=st.sampled_from(ACTORS), members=st.lists(
        st.builds(NewMember, role=st.just("adult"), name=TEXT, bsn=st.sampled_from([None, "999990019"])),
        min_size=1, max_size=2))
    def first_household(self, actor: Actor, members: list[NewMember]) -> Any:
        """A household past its intake, so that plan work gets going within a few steps."""
        hid = self._refer(actor, "social_work", members, "Dorpsstraat 1", "huurachterstand", 0)
        self.intake(hid, actor, 0, ["finances", "housing"], [("grandmother", "Oma Bep")], ["ggd"], "intake")
        assert self.models[hid].intake is not None
        return hid

    @precondition(lambda self: len(self.models) < 3)
    @rule(target=households, actor=st.sampled_from(ACTORS),
          source=st.sampled_from(["police", "wmo_desk", "household_itself", "police", "neighbour"]),
          members=st.lists(member_strategy, min_size=0, max_size=3), address=OPT_TEXT, reason=OPT_TEXT, back=BACK)
    def refer(self, actor: Actor, source: str, members: list[NewMember], address: str | None, reason: str | None,
              back: int) -> Any:
        return self._refer(actor, source, members, address, reason, back)

    # ------------------------------------------------------------ time
    @rule(days=st.integers(1, 90))
    def time_passes(self, days: int) -> None:
        self.now += timedelta(days=days, hours=days % 5)

    @rule(hid=households)
    def future_dates_are_refused(self, hid: UUID) -> None:
        before = self.stored_version(hid)
        with pytest.raises(errors.DateInFutureError):
            self.app.close_case(ACTORS[0], hid, expected_version=before, reason="other",
                                on=self.today() + timedelta(days=1))
        assert self.stored_version(hid) == before

    # ------------------------------------------------------------ intake, coordination, director
    @rule(hid=households, actor=st.sampled_from(ACTORS), back=BACK,
          domains=st.lists(st.sampled_from(["finances", "housing", "parenting", "nonsense"]), min_size=1, max_size=3),
          network=st.lists(st.tuples(st.sampled_from(["grandmother", "neighbour"]), OPT_TEXT), max_size=2),
          agencies=st.lists(st.sampled_from(["ggd", "  ", "schuldhulp"]), max_size=2), summary=OPT_TEXT)
    def intake(self, hid: UUID, actor: Actor, back: int, domains: list[str], network: list[tuple[str, str | None]],
               agencies: list[str], summary: str | None) -> None:
        on = self.day(back)
        self.run(hid, "intake",
                 lambda v: self.app.record_intake(actor, hid, expected_version=v, domains_discussed=domains,
                                                  network=network, agencies_involved=agencies, summary=summary, on=on),
                 lambda h: h.hold_intake(actor=actor, on=on, domains_discussed=domains,
                                         network=[NetworkContact(r, personal(n)) for r, n in network],
                                         agencies_involved=agencies, summary=personal(summary)))

    @rule(hid=households, back=BACK, rationale=OPT_TEXT,
          outcome=st.sampled_from(["stays_with_partners", "volunteers_deployed", "not_needed", "perhaps"]))
    def coordination(self, hid: UUID, back: int, outcome: str, rationale: str | None) -> None:
        on, actor = self.day(back), ACTORS[0]
        self.run(hid, "decide_coordination",
                 lambda v: self.app.decide_coordination(actor, hid, expected_version=v, outcome=outcome,
                                                        rationale=rationale, on=on),
                 lambda h: h.decide_coordination(actor=actor, on=on, outcome=outcome, rationale=personal(rationale)))

    @rule(hid=households, back=BACK, user=st.sampled_from(["d-1", "d-2"]))
    def assign_director(self, hid: UUID, back: int, user: str) -> None:
        on, actor = self.day(back), ACTORS[1]
        self.run(hid, "assign_case_director",
                 lambda v: self.app.assign_case_director(actor, hid, expected_version=v, user_id=user,
                                                         organisation="wijkteam", on=on),
                 lambda h: h.assign_case_director(actor=actor, on=on, director=StaffRef(user, "wijkteam")))

    @rule(hid=households, back=BACK, user=st.sampled_from(["d-1", "d-2"]), reason=OPT_TEXT)
    def replace_director(self, hid: UUID, back: int, user: str, reason: str | None) -> None:
        on, actor = self.day(back), ACTORS[1]
        self.run(hid, "replace_case_director",
                 lambda v: self.app.replace_case_director(actor, hid, expected_version=v, user_id=user,
                                                          organisation="wijkteam", reason=reason, on=on),
                 lambda h: h.replace_case_director(actor=actor, on=on, director=StaffRef(user, "wijkteam"),
                                                   reason=personal(reason)))

    @rule(hid=households, back=BACK, to=st.sampled_from(["veilig-thuis", " "]), notes=OPT_TEXT)
    def hand_over(self, hid: UUID, back: int, to: str, notes: str | None) -> None:
        on, actor = self.day(back), ACTORS[0]
        self.run(hid, "hand_over",
                 lambda v: self.app.hand_over(actor, hid, expected_version=v, to_organisation=to, notes=notes, on=on),
                 lambda h: h.hand_over(actor=actor, on=on, to_organisation=to, notes=personal(notes)))

    # ------------------------------------------------------------ consent
    @rule(hid=households, back=BACK, basis=st.sampled_from(["consent", "consent", "consent", "public_task", "guess"]),
          member=st.sampled_from([None, "m1", "m1", "m1", "m2", "m9"]),
          category=st.sampled_from(["finances", "housing", "zrm", "health"]),
          from_offset=st.sampled_from([None, None, None, -10, 0, 10]),
          length=st.sampled_from([None, None, -1, 5, 60]),
          reference=st.sampled_from([None, "wmo_2015_5_1_1", "wmo_2015_5_1_1"]))
    def grant_consent(self, hid: UUID, back: int, basis: str, member: str | None, category: str,
                      from_offset: int | None, length: int | None, reference: str | None) -> None:
        on, actor = self.day(back), ACTORS[0]
        valid_from = None if from_offset is None else on + timedelta(days=from_offset)
        valid_until = None if length is None else (valid_from or on) + timedelta(days=length)
        self.run(hid, "grant_consent",
                 lambda v: self.app.grant_consent(actor, hid, expected_version=v, basis=basis, member_id=member,
                                                  organisations=["ggd"], data_categories=[category],
                                                  purpose="coordination", valid_from=valid_from,
                                                  valid_until=valid_until, legal_reference=reference, on=on),
                 lambda h, cid: h.grant_consent(actor=actor, on=on, consent_id=cid, basis=basis, member_id=member,
                                                organisations=["ggd"], data_categories=[category],
                                                purpose="coordination", valid_from=valid_from or on,
                                                valid_until=valid_until, legal_reference=reference),
                 issues_id=True)

    @rule(hid=households, back=BACK, index=PICK, prefer_closed=st.booleans())
    def withdraw_consent(self, hid: UUID, back: int, index: int, prefer_closed: bool) -> None:
        on, actor, hid = self.day(back), ACTORS[0], self.closed_one(hid, prefer_closed)
        cid = pick(self.models[hid].consents, index)
        self.run(hid, "withdraw_consent",
                 lambda v: self.app.withdraw_consent(actor, hid, expected_version=v, consent_id=cid, on=on),
                 lambda h: h.withdraw_consent(actor=actor, on=on, consent_id=cid))

    # ------------------------------------------------------------ ZRM
    @rule(hid=households, back=BACK, instrument=st.sampled_from(["2013", "2017", "2017", "2017", "2020"]),
          moment=st.sampled_from(["intake", "interim", "final"]), member=st.sampled_from([None, "m1", "m9"]),
          scores=st.dictionaries(st.sampled_from(ZRM_DOMAINS), st.integers(0, 6), min_size=1, max_size=3)
          | st.dictionaries(st.sampled_from(sorted(INSTRUMENTS["2017"].domains)), st.integers(1, 5), max_size=3))
    def measure_zrm(self, hid: UUID, back: int, instrument: str, moment: str, member: str | None,
                    scores: dict[str, int]) -> None:
        on, actor = self.day(back), ACTORS[0]
        self.run(hid, "measure_zrm",
                 lambda v: self.app.record_zrm_measurement(actor, hid, expected_version=v, instrument=instrument,
                                                           moment=moment, scores=dict(scores), member_id=member,
                                                           on=on),
                 lambda h, mid: h.measure_zrm(actor=actor, on=on, measurement_id=mid, instrument=instrument,
                                              moment=moment, scores=dict(scores), member_id=member),
                 issues_id=True)

    # ------------------------------------------------------------ plan
    @rule(hid=households, back=BACK, text=TEXT,
          domain=st.sampled_from(["finances", "housing", "parenting", "nonsense"]),
          due_in=st.none() | st.integers(1, 90))
    def set_goal(self, hid: UUID, back: int, domain: str, text: str, due_in: int | None) -> None:
        on, actor = self.day(back), ACTORS[0]
        target_date = None if due_in is None else on + timedelta(days=due_in)
        self.run(hid, "set_plan_goal",
                 lambda v: self.app.set_plan_goal(actor, hid, expected_version=v, life_domain=domain,
                                                  description=text, target_date=target_date, on=on),
                 lambda h, gid: h.set_plan_goal(actor=actor, on=on, goal_id=gid, life_domain=domain,
                                                description=Personal(text), target_date=target_date),
                 issues_id=True)

    @rule(hid=households, back=BACK, index=PICK, text=OPT_TEXT, due_in=st.none() | st.integers(1, 90))
    def revise_goal(self, hid: UUID, back: int, index: int, text: str | None, due_in: int | None) -> None:
        on, actor = self.day(back), ACTORS[0]
        gid = pick(self.models[hid].goals, index)
        target_date = None if due_in is None else on + timedelta(days=due_in)
        self.run(hid, "revise_plan_goal",
                 lambda v: self.app.revise_plan_goal(actor, hid, expected_version=v, goal_id=gid, description=text,
                                                     target_date=target_date, on=on),
                 lambda h: h.revise_plan_goal(actor=actor, on=on, goal_id=gid, description=personal(text),
                                              target_date=target_date))

    @rule(hid=households, back=BACK, index=PICK, text=TEXT,
          kind=st.sampled_from(["self", "network", "volunteer", "professional"]),
          organisation=st.sampled_from([None, None, "ggd", "ggd", " "]))
    def add_action(self, hid: UUID, back: int, index: int, text: str, kind: str, organisation: str | None) -> None:
        on, actor = self.day(back), ACTORS[0]
        gid = pick(self.models[hid].goals, index)
        self.run(hid, "add_plan_action",
                 lambda v: self.app.add_plan_action(actor, hid, expected_version=v, goal_id=gid, description=text,
                                                    performer_kind=kind, organisation=organisation, on=on),
                 lambda h, aid: h.add_plan_action(actor=actor, on=on, action_id=aid, goal_id=gid,
                                                  description=Personal(text), performer_kind=kind,
                                                  organisation=organisation),
                 issues_id=True)

    @rule(hid=households, back=BACK, index=PICK)
    def complete_action(self, hid: UUID, back: int, index: int) -> None:
        on, actor = self.day(back), ACTORS[1]
        aid = pick(self.models[hid].actions, index)
        self.run(hid, "complete_plan_action",
                 lambda v: self.app.complete_plan_action(actor, hid, expected_version=v, action_id=aid, on=on),
                 lambda h: h.complete_plan_action(actor=actor, on=on, action_id=aid))

    @rule(hid=households, back=BACK, index=PICK, reason=OPT_TEXT)
    def cancel_action(self, hid: UUID, back: int, index: int, reason: str | None) -> None:
        on, actor = self.day(back), ACTORS[1]
        aid = pick(self.models[hid].actions, index)
        self.run(hid, "cancel_plan_action",
                 lambda v: self.app.cancel_plan_action(actor, hid, expected_version=v, action_id=aid, reason=reason,
                                                       on=on),
                 lambda h: h.cancel_plan_action(actor=actor, on=on, action_id=aid, reason=personal(reason)))

    # ------------------------------------------------------------ involvements
    @rule(hid=households, back=BACK, kind=st.sampled_from(["professional", "volunteer", "professional", "family"]),
          organisation=st.sampled_from(["ggd", "humanitas", "ggd", ""]), contact=OPT_TEXT)
    def start_involvement(self, hid: UUID, back: int, kind: str, organisation: str, contact: str | None) -> None:
        on, actor = self.day(back), ACTORS[0]
        self.run(hid, "start_involvement",
                 lambda v: self.app.start_involvement(actor, hid, expected_version=v, kind=kind,
                                                      organisation=organisation, discipline="social_work",
                                                      worker_id="w-7", contact_name=contact, on=on),
                 lambda h, iid: h.start_involvement(actor=actor, on=on, involvement_id=iid, kind=kind,
                                                    organisation=organisation, discipline="social_work",
                                                    worker_id="w-7", contact_name=personal(contact)),
                 issues_id=True)

    @rule(hid=households, back=BACK, index=PICK,
          reason=st.sampled_from(["goal_reached", "handed_over", "no_contact", "capacity", "not_recorded", "vague"]))
    def end_involvement(self, hid: UUID, back: int, index: int, reason: str) -> None:
        on, actor = self.day(back), ACTORS[0]
        iid = pick(self.models[hid].involvements, index)
        self.run(hid, "end_involvement",
                 lambda v: self.app.end_involvement(actor, hid, expected_version=v, involvement_id=iid,
                                                    reason=reason, on=on),
                 lambda h: h.end_involvement(actor=actor, on=on, involvement_id=iid, reason=reason))

    # ------------------------------------------------------------ evaluation, escalation, costs
    @rule(hid=households, back=BACK,
          conclusion=st.sampled_from(["continue", "close", "hand_over", "continue", "maybe"]),
          final=st.booleans(), notes=OPT_TEXT)
    def evaluation(self, hid: UUID, back: int, conclusion: str, final: bool, notes: str | None) -> None:
        on, actor = self.day(back), ACTORS[1]
        self.run(hid, "hold_evaluation",
                 lambda v: self.app.hold_evaluation(actor, hid, expected_version=v, conclusion=conclusion, final=final,
                                                    notes=notes, on=on),
                 lambda h, eid: h.hold_evaluation(actor=actor, on=on, evaluation_id=eid, conclusion=conclusion,
                                                  final=final, notes=personal(notes)),
                 issues_id=True)

    @rule(hid=households, back=BACK, reason=TEXT,
          level=st.sampled_from(["work_table", "administrative_steering_group", "work_table", "mayor"]))
    def raise_escalation(self, hid: UUID, back: int, level: str, reason: str) -> None:
        on, actor = self.day(back), ACTORS[1]
        self.run(hid, "raise_escalation",
                 lambda v: self.app.raise_escalation(actor, hid, expected_version=v, level=level, reason=reason, on=on),
                 lambda h, eid: h.raise_escalation(actor=actor, on=on, escalation_id=eid, level=level,
                                                   reason=Personal(reason)),
                 issues_id=True)

    @rule(hid=households, back=BACK, index=PICK, resolution=OPT_TEXT)
    def resolve_escalation(self, hid: UUID, back: int, index: int, resolution: str | None) -> None:
        on, actor = self.day(back), ACTORS[1]
        eid = pick(self.models[hid].escalations, index)
        self.run(hid, "resolve_escalation",
                 lambda v: self.app.resolve_escalation(actor, hid, expected_version=v, escalation_id=eid,
                                                       resolution=resolution, on=on),
                 lambda h: h.resolve_escalation(actor=actor, on=on, escalation_id=eid, resolution=personal(resolution)))

    @rule(hid=households, back=BACK, kind=st.sampled_from(["baseline", "intervention"]),
          stream=st.sampled_from(["income_support", "care", "local_prevention", "subsidy"]),
          amount=st.sampled_from(["1250.00", "0", "19.99", "1250.00", "-1", "1.001", "NaN"]),
          start=st.integers(-800, 60), length=st.integers(-3, 400), description=OPT_TEXT)
    def record_cost(self, hid: UUID, back: int, kind: str, stream: str, amount: str, start: int, length: int,
                    description: str | None) -> None:
        on, actor = self.day(back), ACTORS[1]
        period_start = self.models[hid].referral.on + timedelta(days=start)
        period_end = period_start + timedelta(days=length)
        self.run(hid, "record_cost",
                 lambda v: self.app.record_cost(actor, hid, expected_version=v, kind=kind, stream=stream,
                                                amount_eur=amount, period_start=period_start, period_end=period_end,
                                                description=description, on=on),
                 lambda h, cid: h.record_cost(actor=actor, on=on, cost_id=cid, kind=kind, stream=stream,
                                              amount_eur=amount, period_start=period_start, period_end=period_end,
                                              description=personal(description)),
                 issues_id=True)

    # ------------------------------------------------------------ drop-out, close, reopen
    @rule(hid=households, back=BACK, reason=OPT_TEXT,
          kind=st.sampled_from(["drop_out", "refusal", "drop_out", "vanished"]))
    def drop_out(self, hid: UUID, back: int, kind: str, reason: str | None) -> None:
        on, actor = self.day(back), ACTORS[0]
        self.run(hid, "record_drop_out",
                 lambda v: self.app.record_drop_out(actor, hid, expected_version=v, kind=kind, reason=reason, on=on),
                 lambda h: h.record_drop_out(actor=actor, on=on, kind=kind, reason=personal(reason)))

    @rule(hid=households, back=BACK,
          reason=st.sampled_from(["goals_achieved", "dropped_out", "other", "goals_achieved", "bored"]),
          aftercare=st.sampled_from([None, None, -2, 30]))
    def close(self, hid: UUID, back: int, reason: str, aftercare: int | None) -> None:
        on, actor = self.day(back), ACTORS[1]
        until = None if aftercare is None else on + timedelta(days=aftercare)
        self.run(hid, "close",
                 lambda v: self.app.close_case(actor, hid, expected_version=v, reason=reason, aftercare_until=until,
                                               on=on),
                 lambda h: h.close(actor=actor, on=on, reason=reason, aftercare_until=until))

    def closed_one(self, hid: UUID, prefer_closed: bool) -> UUID:
        """``hid``, or (when asked) a closed household if there is one: closed-case commands get a chance."""
        closed = [h for h, m in self.models.items() if m.is_closed and not m.is_erased]
        return closed[0] if prefer_closed and closed else hid

    @rule(hid=households, back=BACK, reason=OPT_TEXT, prefer_closed=st.booleans())
    def reopen(self, hid: UUID, back: int, reason: str | None, prefer_closed: bool) -> None:
        on, actor, hid = self.day(back), ACTORS[1], self.closed_one(hid, prefer_closed)
        self.run(hid, "reopen",
                 lambda v: self.app.reopen_case(actor, hid, expected_version=v, reason=reason, on=on),
                 lambda h: h.reopen(actor=actor, on=on, reason=personal(reason)))

    # ------------------------------------------------------------ retention and erasure
    @rule(hid=households, back=BACK, law=st.sampled_from(["jeugdwet_7_3_8", "jeugdwet_7_3_8", " "]),
          days=st.integers(-1, 120), prefer_closed=st.booleans())
    def retention_hold(self, hid: UUID, back: int, law: str, days: int, prefer_closed: bool) -> None:
        on, actor, hid = self.day(back), ACTORS[1], self.closed_one(hid, prefer_closed)
        until = self.today() + timedelta(days=days)
        self.run(hid, "place_retention_hold",
                 lambda v: self.app.place_retention_hold(actor, hid, expected_version=v, law=law, until=until, on=on),
                 lambda h, rid: h.place_retention_hold(actor=actor, on=on, hold_id=rid, law=law, until=until),
                 issues_id=True)

    @rule(hid=households, back=BACK, prefer_closed=st.booleans(),
          reason=st.sampled_from(["data_subject_request", "retention_expired", "data_subject_request", " "]))
    def erase(self, hid: UUID, back: int, reason: str, prefer_closed: bool) -> None:
        on, actor, hid = self.day(back), ACTORS[1], self.closed_one(hid, prefer_closed)
        error = self.run(hid, "erase",
                         lambda v: self.app.erase_household(actor, hid, expected_version=v, reason=reason, on=on),
                         lambda h: h.erase(actor=actor, on=on, reason=reason, rules=DEFAULT_RULES))
        if error is None:
            assert str(hid) not in self.ledger.keys.wrapped_keys()
            for event in self.app.history(actor, hid):
                assert all(p.erased for p in personal_values(vars(event)))

    @rule(hid=households)
    def close_and_erase(self, hid: UUID) -> None:
        """A data-subject request: close today, then erase today (each command checked on its own)."""
        self.close(hid, 0, "other", None)
        self.erase(hid, 0, "data_subject_request", False)

    # ------------------------------------------------------------ stale writes
    @rule(hid=households, off=st.sampled_from([-1, 1]),
          command=st.sampled_from(["intake", "assign_director", "close", "reopen", "erase", "consent"]))
    def stale_write(self, hid: UUID, off: int, command: str) -> None:
        actor, today = ACTORS[0], self.today()
        before = self.stored_version(hid)
        expected = self.models[hid].version + off
        calls: dict[str, Callable[[], Any]] = {
            "intake": lambda: self.app.record_intake(actor, hid, expected_version=expected,
                                                     domains_discussed=["finances"], on=today),
            "assign_director": lambda: self.app.assign_case_director(actor, hid, expected_version=expected,
                                                                     user_id="d-9", organisation="x", on=today),
            "close": lambda: self.app.close_case(actor, hid, expected_version=expected, reason="other", on=today),
            "reopen": lambda: self.app.reopen_case(actor, hid, expected_version=expected, on=today),
            "erase": lambda: self.app.erase_household(actor, hid, expected_version=expected, reason="x", on=today),
            "consent": lambda: self.app.grant_consent(actor, hid, expected_version=expected, basis="consent",
                                                      member_id="m1", organisations=["ggd"],
                                                      data_categories=["finances"], purpose="coordination", on=today),
        }
        with pytest.raises(errors.StaleVersionError):
            calls[command]()
        assert self.stored_version(hid) == before
        # The model stays as it is; the store-equals-model invariant shows nothing changed (the key included).

    # ------------------------------------------------------------ invariants
    @invariant()
    def store_equals_model(self) -> None:
        for hid, model in self.models.items():
            stored = self.reader.app.repository.get(hid)
            assert stored == model
            assert stored.case_director is None or isinstance(stored.case_director, CaseDirectorship)
            for action in stored.actions.values():
                assert action.completed_on is None or action.cancelled_on is None
            if stored.is_erased:
                assert all(p.erased for p in personal_values(vars(stored)))
            if stored.version >= 3:
                (snapshot,) = self.reader.app.snapshots.get(hid, desc=True, limit=1)
                assert snapshot.originator_version == stored.version // 3 * 3

    @invariant()
    def history_replays_to_the_model_and_keeps_the_rules(self) -> None:
        for hid, model in self.models.items():
            replayed: Household | None = None
            director = False
            closed = erased = False
            for event in self.reader.app.events.get(hid):
                assert not erased, "an erased household recorded another event"
                if closed:
                    assert isinstance(event, EVENTS_ALLOWED_ON_CLOSED), type(event).__name__
                if isinstance(event, Household.CaseDirectorAssigned):
                    assert not director, "a second case director was assigned"
                    director = True
                elif isinstance(event, Household.CaseDirectorReplaced):
                    assert director, "a case director was replaced while there was none"
                elif isinstance(event, Household.HandedOver):
                    director = False
                closed = (closed or isinstance(event, Household.Closed)) and not isinstance(event, Household.Reopened)
                erased = isinstance(event, Household.Erased)
                replayed = event.mutate(replayed)
            assert replayed == model
            assert (replayed.case_director is not None) == director


def personal_values(obj: Any) -> list[Personal]:
    found: list[Personal] = []
    map_personal(obj, lambda p: found.append(p) or p)
    return found


class PostgresHouseholdLedgerMachine(HouseholdLedgerMachine):
    """The same machine with the events, snapshots and keys in PostgreSQL."""

    def database_url(self) -> str | None:
        assert PG_URL is not None, "run through test_random_commands_keep_store_and_model_equal_on_postgres"
        return PG_URL


def test_random_commands_keep_store_and_model_equal_on_sqlite() -> None:
    """Any command sequence leaves the SQLite store, its snapshots and the in-memory household equal."""
    run_state_machine_as_test(HouseholdLedgerMachine, settings=MACHINE_SETTINGS)


@pytest.mark.postgres
def test_random_commands_keep_store_and_model_equal_on_postgres(pg_url: str) -> None:
    """Any command sequence leaves the PostgreSQL store, its snapshots and the in-memory household equal."""
    global PG_URL
    PG_URL = pg_url
    try:
        run_state_machine_as_test(PostgresHouseholdLedgerMachine, settings=MACHINE_SETTINGS)
    finally:
        PG_URL = None
