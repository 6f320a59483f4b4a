"""The synthetic workload: a municipality with realistic histories, and households made to measure.

* :func:`generate_base` fills an empty store with ``ledger.demo``'s invented municipality
  (households that go through referral, intake, consent, ZRM, plan, involvements, costs,
  evaluations, escalations, handovers, closure, reopening, erasure), written through the
  commands. It is the store the scans (rebuild, verify) run over.
* :class:`CaseWork` makes *bench households* of a chosen length with one fixed, realistic
  story (referral with three members, intake, consent, ZRM, coordination, a case director,
  four involvements, baseline costs, then plan cycles: goal, two actions, completion,
  intervention cost, interim ZRM, evaluation) and continues them one command at a time.
  Commands after the case director is assigned are made *by* that director (a consultant),
  so the access policy takes its ordinary path; only the first steps are the operator's.

All personal values are invented; BSNs come from the test range 999990000-999999999.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from ledger.aggregates import Actor, is_valid_bsn
from ledger.aggregates.zrm import INSTRUMENTS
from ledger.application import CaseLedger, NewMember
from ledger.bootstrap import Ledger, build
from ledger.demo import DemoReport, demo_wiring, generate

from .backends import Backend

__all__ = ["DIRECTOR", "OPERATOR", "BenchHousehold", "CaseWork", "generate_base"]

ORGANISATION = "gemeente-demodorp"
OPERATOR = Actor(user_id="bench-operator", organisation=ORGANISATION, role="operator")
DIRECTOR = Actor(user_id="cons-bench", organisation=ORGANISATION, role="consultant")

INSTRUMENT = "2017"
PROFESSIONALS = (  # (organisation id, discipline code)
    ("schuldhulp-demodorp", "debt_counselling"),
    ("ggz-regio", "mental_health_care"),
    ("woonstichting-demodorp", "housing"),
    ("jeugdteam-demodorp", "youth_care"),
)
WORKERS = tuple(f"w-bench-{i}" for i in range(10))  # registered users: a worker id must be one
DOMAINS = ("finances", "housing", "mental_health", "parenting", "work_and_education", "social_network")
GOALS = (
    "{naam} heeft over een jaar een sluitende begroting en betaalt de vaste lasten op tijd.",
    "Het gezin woont op een vaste plek zonder huurachterstand of dreigende uithuiszetting.",
    "{naam} heeft een vaste dagbesteding en weet bij wie ze terecht kan als het misgaat.",
    "De kinderen gaan weer elke dag naar school en hebben een rustige plek om huiswerk te maken.",
)
ACTIONS = (
    "Samen met {naam} alle post openen en de schulden op een rij zetten voor de schuldhulp.",
    "Afspraak maken met de woonconsulent over een betalingsregeling voor de huurachterstand.",
    "Vrijwilliger van Humanitas komt wekelijks langs voor de thuisadministratie.",
    "{naam} meldt zich aan bij het inloopspreekuur van het wijkteam.",
)
NOTES = (
    "Tussenevaluatie met {naam}: de afspraken lopen, de schulden zijn in beeld; plan loopt door.",
    "Evaluatie met het netwerk: het gaat langzaam beter, de school ziet minder verzuim.",
)


def generate_base(backend: Backend, households: int, seed: int = 7) -> tuple[DemoReport, float]:
    """Fill the (empty) store with the demo municipality; returns the report and the seconds it took."""
    clock, new_id, new_household_id = demo_wiring(seed)
    t0 = time.perf_counter()
    with build(backend.settings(), clock=clock, new_id=new_id, new_household_id=new_household_id) as ledger:
        report = generate(ledger, households=households, seed=seed, operator=OPERATOR, clock=clock)
    return report, time.perf_counter() - t0


@dataclass
class BenchHousehold:
    household_id: UUID
    version: int
    naam: str
    step: int = 0  # commands issued after the setup, drives the cycle
    goals: list[str] = field(default_factory=list)
    open_actions: list[str] = field(default_factory=list)


class CaseWork:
    """Bench households: created with a realistic setup, then continued one command at a time."""

    CYCLE = ("goal", "action", "action", "complete", "cost", "zrm", "evaluation")

    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self._bsns = [str(n) for n in range(999_990_000, 1_000_000_000) if is_valid_bsn(str(n))]
        self.rng.shuffle(self._bsns)
        self.matrix = INSTRUMENTS[INSTRUMENT]
        self.tokens: dict[str, str] = {}  # user id -> bearer token, for staff this workload registered
        self._staffed: set[int] = set()

    # ------------------------------------------------------------------ setup
    def create(self, ledger: Ledger, events: int) -> BenchHousehold:
        """A new household with exactly ``events`` events (at least 13: the setup)."""
        app: CaseLedger = ledger.app
        self._register_staff(ledger)
        rng = self.rng
        naam = rng.choice(("Anna", "Sanne", "Fatima", "Linda", "Petra", "Samira"))
        surname = rng.choice(("de Vries", "Jansen", "Bakker", "El Amrani", "Visser", "Yilmaz"))
        today = app.today()
        members = [
            NewMember("adult", f"{naam} {surname}", self._bsn(), (today - timedelta(days=365 * 38)).isoformat(),
                      f"06-0000{rng.randint(0, 9999):04d}", f"{naam.lower()}.{rng.randint(1, 99)}@voorbeeld.invalid"),
            NewMember("adult", f"Mark {surname}", self._bsn(), (today - timedelta(days=365 * 41)).isoformat(),
                      f"06-0000{rng.randint(0, 9999):04d}"),
            NewMember("child", f"Daan {surname}", self._bsn(), (today - timedelta(days=365 * 9)).isoformat()),
        ]
        hid, version = app.refer_household(
            OPERATOR, sources=["social_work"], members=members,
            address=f"Lindelaan {rng.randint(1, 180)}, 3441 AB Demodorp",
            reason=f"Maatschappelijk werk ziet problemen op meerdere leefgebieden rond {naam}.",
        )
        h = BenchHousehold(hid, version, naam)
        self._do(h, lambda v: app.record_intake(
            OPERATOR, hid, expected_version=v, domains_discussed=list(DOMAINS),
            network=[("grandmother", f"Truus {surname}"), ("neighbour", "Ellen Smit")],
            agencies_involved=[org for org, _ in PROFESSIONALS],
            summary=f"Integrale intake met {naam} en partner. Zorgen over financiën, wonen en opvoeding. "
                    f"Nu vier hulpverleners betrokken; {naam} wil één plan en één aanspreekpunt."))
        self._do(h, lambda v: app.grant_consent(
            OPERATOR, hid, expected_version=v, basis="consent", member_id="m1",
            organisations=[ORGANISATION, *(org for org, _ in PROFESSIONALS)],
            data_categories=["identity", "contact", "composition", "plan", "involvement", "zrm", "finances",
                             "housing", "parenting", "costs"],
            purpose="coordination"))
        self._do(h, lambda v: app.record_zrm_measurement(
            OPERATOR, hid, expected_version=v, instrument=INSTRUMENT, moment="intake", scores=self._scores()))
        self._do(h, lambda v: app.decide_coordination(
            OPERATOR, hid, expected_version=v, outcome="broker_coordinates",
            rationale=f"Veel partijen betrokken zonder regie; {naam} wil één aanspreekpunt."))
        self._do(h, lambda v: app.assign_case_director(
            OPERATOR, hid, expected_version=v, user_id=DIRECTOR.user_id, organisation=ORGANISATION))
        for org, discipline in PROFESSIONALS:
            self._do(h, lambda v, org=org, discipline=discipline: app.start_involvement(
                DIRECTOR, hid, expected_version=v, kind="professional", organisation=org, discipline=discipline,
                worker_id=rng.choice(WORKERS), contact_name=f"{rng.choice(('Jeroen', 'Ilse'))} Mulder"))
        for stream in ("income_support", "care", "local_prevention"):
            self._do(h, lambda v, stream=stream: app.record_cost(
                DIRECTOR, hid, expected_version=v, kind="baseline", stream=stream,
                amount_eur=f"{rng.randint(2000, 30000)}.{rng.randint(0, 99):02d}",
                period_start=today - timedelta(days=700), period_end=today - timedelta(days=1),
                description=f"Nulmeting: kosten {stream} in de twee jaar voor de aanmelding"))
        if events < h.version:
            raise ValueError(f"a bench household has at least {h.version} events")
        while h.version < events:
            self.next_command(app, h)
        return h

    # ------------------------------------------------------------------ the cycle
    def next_command(self, app: CaseLedger, h: BenchHousehold) -> None:
        """One more command on ``h`` by its case director (the plan cycle)."""
        kind = self.CYCLE[h.step % len(self.CYCLE)]
        h.step += 1
        rng, hid, today = self.rng, h.household_id, app.today()

        def text(options: tuple[str, ...]) -> str:
            return rng.choice(options).format(naam=h.naam)

        if kind == "goal" or (kind in ("action", "complete") and not h.goals):
            def goal(v: int) -> int:
                gid, version = app.set_plan_goal(
                    DIRECTOR, hid, expected_version=v, life_domain=rng.choice(DOMAINS[:4]), description=text(GOALS),
                    target_date=today + timedelta(days=rng.randint(90, 270)))
                h.goals.append(gid)
                return version
            self._do(h, goal)
        elif kind == "action" or (kind == "complete" and not h.open_actions):
            def action(v: int) -> int:
                aid, version = app.add_plan_action(
                    DIRECTOR, hid, expected_version=v, goal_id=h.goals[-1], description=text(ACTIONS),
                    performer_kind="professional", organisation=PROFESSIONALS[0][0],
                    due_on=today + timedelta(days=rng.randint(30, 120)))
                h.open_actions.append(aid)
                return version
            self._do(h, action)
        elif kind == "complete":
            self._do(h, lambda v: app.complete_plan_action(
                DIRECTOR, hid, expected_version=v, action_id=h.open_actions.pop(0)))
        elif kind == "cost":
            self._do(h, lambda v: app.record_cost(
                DIRECTOR, hid, expected_version=v, kind="intervention", stream=rng.choice(("care", "transaction")),
                amount_eur=f"{rng.randint(200, 9000)}.{rng.randint(0, 99):02d}", period_start=today,
                period_end=today, description="Inzet sociaal makelaar en gezamenlijke gesprekken"))
        elif kind == "zrm":
            self._do(h, lambda v: app.record_zrm_measurement(
                DIRECTOR, hid, expected_version=v, instrument=INSTRUMENT, moment="interim", scores=self._scores()))
        else:
            self._do(h, lambda v: app.hold_evaluation(
                DIRECTOR, hid, expected_version=v, conclusion="continue", notes=text(NOTES)))

    # ------------------------------------------------------------------ helpers
    def _register_staff(self, ledger: Ledger) -> None:
        """The case director and workers the bench names, as users of the directory (a worker or
        director id must be a registered user); the director's token is kept for the HTTP bench."""
        if id(ledger.users) in self._staffed:
            return
        if not ledger.users.is_organisation(ORGANISATION):
            ledger.users.add_organisation(ORGANISATION, "Gemeente Demodorp", "municipality", by=ledger.users.operator)
        for user_id, role in [(DIRECTOR.user_id, "consultant"), *((w, "professional") for w in WORKERS)]:
            if not ledger.app.is_user(user_id):
                _user, self.tokens[user_id] = ledger.users.add(
                    display_name=f"Bench {user_id}", organisation=ORGANISATION, role=role, user_id=user_id)
        self._staffed.add(id(ledger.users))

    @staticmethod
    def _do(h: BenchHousehold, command: Callable[[int], Any]) -> None:
        result = command(h.version)
        version = result[1] if isinstance(result, tuple) else result
        assert version == h.version + 1, (version, h.version)
        h.version = version

    def _bsn(self) -> str:
        return self._bsns.pop()

    def _scores(self) -> dict[str, int]:
        return {d: self.rng.randint(1, 5) for d in self.matrix.domains}

