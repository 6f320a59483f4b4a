"""The synthetic municipality: invented households written through the commands.

``generate`` invents a municipality ("Gemeente Demodorp") of households that each go
through a plausible part of the method (DOMAIN.md): referral by one or two sources,
integral intake with consent and a ZRM intake measurement, a coordination decision,
a case director, a household plan with goals and actions by performer, professionals
and volunteers stepping in and out, interim evaluations and measurements, escalations,
costs (a two-year baseline and intervention costs), handovers, drop-outs and refusals,
closure with aftercare, reopening, retention holds and erasure.

Everything is written through :class:`~ledger.application.CaseLedger`'s commands, never
as hand-made events, so every rule of the domain applies. A domain error raised here is
a bug in the demo's plan, not something to catch.

Two stages, kept apart:

* **planning** (:func:`build_plan`): pure, no ledger. Per household a story of dated
  :class:`Step` s; all households' steps merged into one timeline in date order, each
  given a moment of the day. Reproducible from the seed.
* **execution** (:func:`generate`): moves the simulated clock to each step's moment and
  issues the command, so recorded timestamps and business dates agree and no command
  ever lies in the application's future.

All personal values are invented: given names and surnames from generic lists of common
Dutch names combined at random, invented street names in the invented town Demodorp,
BSNs only from the test range 999990000-999999999 (elfproef-valid), phone numbers
06-0000xxxx and e-mail addresses under ``.invalid``. Children are at least two years old,
so that no date of birth equals a business date or timestamp the ledger stores in clear
(the plaintext check in the tests relies on that).

Wiring (what ``ledger demo`` does)::

    clock, new_id, new_household_id = demo_wiring(seed)
    ledger = build(settings, clock=clock, new_id=new_id, new_household_id=new_household_id)
    report = generate(ledger, households=40, seed=seed, operator=actor, clock=clock)
"""

from __future__ import annotations

import math
import random
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from ledger.aggregates import Actor, is_valid_bsn
from ledger.aggregates.actions import commands
from ledger.aggregates.zrm import INSTRUMENTS
from ledger.application import CaseLedger, NewMember
from ledger.bootstrap import Ledger
from ledger.privacy.users import UserError

__all__ = [
    "DEFAULT_HISTORY_DAYS",
    "DemoReport",
    "Ref",
    "SimClock",
    "Step",
    "build_plan",
    "default_start",
    "demo_clock",
    "demo_wiring",
    "generate",
    "register_organisations",
    "register_staff",
    "seeded_household_ids",
    "seeded_ids",
]

DEFAULT_HISTORY_DAYS = 420
MIN_HISTORY_DAYS = 120
DEFAULT_TIMEZONE = "Europe/Amsterdam"

MUNICIPALITY = "gemeente-demodorp"
ORGANISATIONS: dict[str, str] = {  # organisation id -> name, for the demo's texts and the register
    "gemeente-demodorp": "Gemeente Demodorp",
    "schuldhulp-demodorp": "Schuldhulp Demodorp",
    "werk-en-inkomen-demodorp": "Werk en Inkomen Demodorp",
    "ggz-regio": "GGZ Regio",
    "jeugdteam-demodorp": "Jeugdteam Demodorp",
    "maatschappelijk-werk-demodorp": "Maatschappelijk Werk Demodorp",
    "woonstichting-demodorp": "Woonstichting Demodorp",
    "verslavingszorg-regio": "Verslavingszorg Regio",
    "reclassering-regio": "Reclassering Regio",
    "jeugdgezondheidszorg-regio": "Jeugdgezondheidszorg Regio",
    "leerplicht-demodorp": "Leerplicht Demodorp",
    "huisartsenpraktijk-demodorp": "Huisartsenpraktijk Demodorp",
    "thuiszorg-regio": "Thuiszorg Regio",
    "welzijn-demodorp": "Welzijn Demodorp",
    "wmo-loket-demodorp": "Wmo-loket Demodorp",
    "budgetbeheer-regio": "Budgetbeheer Regio",
    "humanitas": "Humanitas",
    "vrijwilligerscentrale-demodorp": "Vrijwilligerscentrale Demodorp",
    "gezinsmaatjes-demodorp": "Gezinsmaatjes Demodorp",
}
TOWN = "Demodorp"


# =============================================================== clock and ids
class SimClock:
    """A simulated clock for the application: returns a fixed moment until advanced.

    It only moves forward, so events are recorded in the order they happened.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("The demo clock needs a timezone-aware start moment.")
        self._now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self._now

    def advance_to(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("The demo clock only takes timezone-aware moments.")
        moment = moment.astimezone(UTC)
        if moment < self._now:
            raise ValueError(
                f"The demo clock only moves forward (now {self._now.isoformat()}, asked {moment.isoformat()})."
            )
        self._now = moment

    def __repr__(self) -> str:
        return f"SimClock({self._now.isoformat()})"


def default_start(timezone: str = DEFAULT_TIMEZONE) -> date:
    """The first day of the default history: 420 days before today."""
    return datetime.now(tz=ZoneInfo(timezone)).date() - timedelta(days=DEFAULT_HISTORY_DAYS)


def demo_clock(start: datetime | date | None = None, timezone: str = DEFAULT_TIMEZONE) -> SimClock:
    """A clock set to ``start`` (a date means its midnight in ``timezone``); default: :func:`default_start`."""
    if start is None:
        start = default_start(timezone)
    if not isinstance(start, datetime):
        start = datetime.combine(start, time(0, 0), tzinfo=ZoneInfo(timezone))
    return SimClock(start)


def seeded_ids(rng: random.Random) -> Callable[[], str]:
    """``new_id`` for the application: 12-hex item ids drawn from ``rng``."""
    return lambda: f"{rng.getrandbits(48):012x}"


def seeded_household_ids(rng: random.Random) -> Callable[[], UUID]:
    """``new_household_id`` for the application: version-4 UUIDs drawn from ``rng``."""
    return lambda: uuid.UUID(int=rng.getrandbits(128), version=4)


def demo_wiring(seed: int, timezone: str = DEFAULT_TIMEZONE) -> tuple[SimClock, Callable[[], str], Callable[[], UUID]]:
    """Clock and id sources to pass to ``build`` for a reproducible demo of ``seed``."""
    rng = random.Random(f"demo-ids-{seed}")
    return demo_clock(timezone=timezone), seeded_ids(rng), seeded_household_ids(rng)


# ================================================================ the plan
@dataclass(frozen=True)
class Ref:
    """The id an earlier step of the same household returned (a goal, action, consent ...)."""

    key: str


@dataclass(frozen=True)
class Step:
    """One command for one household on one day; ``args`` may hold :class:`Ref` s."""

    household: int  # index in referral order
    seq: int  # position in the household's own story
    on: date
    command: str  # a CaseLedger method
    args: Mapping[str, Any]
    produces: str | None = None  # key under which the returned id is kept


@dataclass(frozen=True)
class DemoReport:
    """What the demo wrote."""

    households: int
    events: int
    closed: int  # closed at the end (erased ones included)
    erased: int
    first_day: date
    last_day: date
    household_ids: list[UUID]
    event_counts: dict[str, int]  # per event type (class name on Household)
    personal_values: list[str]  # every personal plaintext value written, once each

    @property
    def date_range(self) -> tuple[date, date]:
        return self.first_day, self.last_day


# ============================================================ invented data
GIVEN_FEMALE = (
    "Anna", "Sanne", "Lisa", "Eva", "Femke", "Lotte", "Iris", "Noor", "Anouk", "Marloes", "Linda",
    "Monique", "Ingrid", "Petra", "Esther", "Karin", "Yvonne", "Naima", "Fatima", "Samira", "Marieke",
    "Wendy", "Sandra", "Kim", "Ilse", "Joyce", "Bianca", "Hanneke", "Nicole", "Mariëlle",
)
GIVEN_MALE = (
    "Jan", "Pieter", "Kees", "Bas", "Tim", "Daan", "Thomas", "Ruben", "Jeroen", "Mark", "Sander",
    "Erik", "Dennis", "Rob", "Martijn", "Mohamed", "Youssef", "Hakan", "Mehmet", "Wouter", "Niels",
    "Frank", "Patrick", "Vincent", "Joost", "Ronald", "Stefan", "Hans", "Marco", "René",
)
GIVEN_CHILD = (
    "Noah", "Sem", "Liam", "Lucas", "Finn", "Levi", "Luuk", "Jesse", "Milan", "Bram", "Thijs", "Gijs",
    "Mila", "Tess", "Zoë", "Sara", "Saar", "Nora", "Julia", "Emma", "Lieke", "Fenna", "Amira", "Yara",
    "Adam", "Rayan", "Ilias", "Sophie", "Jasmijn", "Olivia",
)
SURNAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
    "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen",
    "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs",
    "van der Linden", "Vermeulen", "van den Broek", "Schouten", "Willems", "Hoekstra", "Koster",
    "Prins", "Verhoeven", "Kuipers", "Postma", "Yilmaz", "El Idrissi", "Öztürk", "Bouzid",
)
STREETS = (
    "Lindelaan", "Berkenhof", "Kastanjestraat", "Meidoornweg", "Populierenlaan", "Wilgenhof",
    "Vlinderstraat", "Merelweg", "Klaproosstraat", "Zonnebloemlaan", "Esdoornkade", "Reigerstraat",
    "Hazelaarhof", "Korenbloemweg", "Lijsterbeslaan", "Ooievaarstraat", "Vlierhof", "Akkerwindelaan",
    "Boterbloemstraat", "Sleedoornweg",
)
POSTCODE_LETTERS = "ABCEGHJKLMNPRTVWXZ"

CONSULTANTS = tuple(f"cons-{i:03d}" for i in range(1, 7))

# (organisation, discipline); the life domains they work on
PROFESSIONALS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("schuldhulp-demodorp", "debt_counselling", ("finances",)),
    ("werk-en-inkomen-demodorp", "income_support", ("finances", "work_and_education")),
    ("ggz-regio", "mental_health_care", ("mental_health",)),
    ("jeugdteam-demodorp", "youth_care", ("parenting", "domestic_relations")),
    ("maatschappelijk-werk-demodorp", "social_work", ("domestic_relations", "social_network")),
    ("woonstichting-demodorp", "housing", ("housing",)),
    ("verslavingszorg-regio", "addiction_care", ("addiction",)),
    ("reclassering-regio", "probation", ("justice",)),
    ("jeugdgezondheidszorg-regio", "youth_health_care", ("parenting",)),
    ("leerplicht-demodorp", "school_attendance", ("work_and_education",)),
    ("huisartsenpraktijk-demodorp", "general_practice", ("physical_health", "mental_health")),
    ("thuiszorg-regio", "district_nursing", ("physical_health",)),
    ("welzijn-demodorp", "community_work", ("social_network",)),
    ("wmo-loket-demodorp", "wmo_consultant", ("physical_health", "housing")),
    ("budgetbeheer-regio", "budget_management", ("finances",)),
)
VOLUNTEERS: tuple[tuple[str, str], ...] = (
    ("humanitas", "buddy"),
    ("humanitas", "home_administration"),
    ("vrijwilligerscentrale-demodorp", "buddy"),
    ("vrijwilligerscentrale-demodorp", "odd_jobs"),
    ("gezinsmaatjes-demodorp", "family_support"),
)
# Why involvements end mid-plan (InvolvementEndReason), per kind: professionals step out once their
# part is done or hand over to volunteers; volunteers more often stop for lack of time or contact.
END_REASONS: dict[str, dict[str, float]] = {
    "professional": {"goal_reached": 5, "handed_over": 3, "capacity": 1, "household_stopped": 1, "other": 0.5},
    "volunteer": {"goal_reached": 3, "capacity": 3, "no_contact": 2, "household_stopped": 1.5, "other": 0.5},
}
VOLUNTEER_ORGS = ("humanitas", "humanitas", "vrijwilligerscentrale-demodorp", "gezinsmaatjes-demodorp")
HANDOVER_ORGS = ("maatschappelijk-werk-demodorp", "jeugdteam-demodorp", "schuldhulp-demodorp", "ggz-regio")

# Referral sources and how often they refer.
SOURCES: dict[str, int] = {
    "municipal_work_and_income": 15, "school_attendance_officer": 7, "social_work": 15,
    "youth_health_care": 7, "wmo_desk": 10, "housing_corporation": 10, "debt_counselling": 10,
    "police": 4, "general_practitioner": 8, "private_person": 4, "household_itself": 7, "other": 3,
}
CHILD_SOURCES = ("school_attendance_officer", "youth_health_care")
REFERRAL_REASONS: dict[str, str] = {
    "municipal_work_and_income": "Klantmanager ziet oplopende schulden en gemiste afspraken bij {naam}.",
    "school_attendance_officer": "Leerplichtambtenaar meldt veel schoolverzuim van {kind}.",
    "social_work": "Maatschappelijk werk ziet problemen op meerdere leefgebieden en veel betrokken hulpverleners.",
    "youth_health_care": "Jeugdverpleegkundige maakt zich zorgen over de opvoedsituatie rond {kind}.",
    "wmo_desk": "{naam} meldt zich bij het Wmo-loket met vragen over ondersteuning thuis.",
    "housing_corporation": "Woonstichting meldt huurachterstand en klachten over overlast.",
    "debt_counselling": "Schuldhulp ziet dat de schulden van {naam} zonder hulp op andere terreinen niet oplossen.",
    "police": "Wijkagent meldt meerdere incidenten achter de voordeur.",
    "general_practitioner": "Huisarts ziet spanningsklachten bij {naam} en vermoedt geldzorgen.",
    "private_person": "Buurvrouw maakt zich zorgen over het gezin en belt de gemeente.",
    "household_itself": "{naam} vraagt zelf om hulp: het overzicht is helemaal kwijt.",
    "other": "Signaal via de diaconie over een gezin dat vastloopt.",
}

OUTCOME_SHARES: dict[str, float] = {
    "broker_coordinates": 0.46, "stays_with_partners": 0.11, "short_push_then_handover": 0.12,
    "volunteers_deployed": 0.13, "not_needed": 0.09, "household_declines": 0.09,
}
SHORT = ("stays_with_partners", "not_needed", "household_declines")  # closed soon after the decision
LONG = ("broker_coordinates", "volunteers_deployed")  # a plan that runs for months
RATIONALES: dict[str, tuple[str, ...]] = {
    "broker_coordinates": (
        "Veel partijen betrokken zonder regie; de sociaal makelaar neemt de coördinatie op zich.",
        "{naam} en de professionals willen één aanspreekpunt; regie bij de gemeente.",
    ),
    "stays_with_partners": ("Maatschappelijk werk heeft goed zicht op de situatie; regie blijft bij de partners.",),
    "short_push_then_handover": ("Korte inzet om de hulp rond {naam} op gang te brengen, daarna warme overdracht.",),
    "volunteers_deployed": ("Vooral behoefte aan praktische steun; inzet van vrijwilligers met lichte regie.",),
    "not_needed": ("Na overleg met de betrokken professionals is coördinatie niet nodig.",),
    "household_declines": ("{naam} wil op dit moment geen regie vanuit de gemeente.",),
}

# ZRM domain -> data category of a plan goal.
GOAL_CATEGORY: dict[str, str] = {
    "finances": "finances", "work_and_education": "work_and_education", "time_use": "work_and_education",
    "daytime_activities": "work_and_education", "housing": "housing", "domestic_relations": "domestic_relations",
    "mental_health": "mental_health", "physical_health": "physical_health", "addiction": "addiction",
    "basic_adl": "physical_health", "instrumental_adl": "physical_health", "adl": "physical_health",
    "social_network": "social_network", "social_participation": "social_network", "justice": "justice",
    "parenting": "parenting",
}
# How often a ZRM domain is a problem domain in this population.
PROBLEM_WEIGHTS: dict[str, float] = {
    "finances": 0.8, "work_and_education": 0.4, "time_use": 0.2, "daytime_activities": 0.4, "housing": 0.4,
    "domestic_relations": 0.35, "mental_health": 0.45, "physical_health": 0.25, "addiction": 0.15,
    "basic_adl": 0.05, "instrumental_adl": 0.15, "adl": 0.15, "social_network": 0.35,
    "social_participation": 0.2, "justice": 0.1, "parenting": 0.5,
}
LABELS: dict[str, str] = {
    "finances": "financiën", "work_and_education": "werk en opleiding", "housing": "huisvesting",
    "domestic_relations": "huiselijke relaties", "physical_health": "lichamelijke gezondheid",
    "mental_health": "psychische gezondheid", "addiction": "middelengebruik", "justice": "justitie",
    "parenting": "opvoeding", "social_network": "sociaal netwerk",
}
GOALS: dict[str, tuple[str, ...]] = {
    "finances": ("{naam} heeft overzicht over inkomsten en uitgaven en er komen geen nieuwe schulden bij.",
                 "De schulden zijn in kaart en er loopt een betalingsregeling."),
    "work_and_education": ("{naam} heeft een vaste daginvulling met werk of vrijwilligerswerk.",
                           "{kind} gaat weer elke dag naar school."),
    "housing": ("De huurachterstand is ingelopen en ontruiming is van de baan.",
                "{naam} woont in een passende en veilige woning."),
    "domestic_relations": ("Thuis is er minder spanning en ruzies lopen niet meer uit de hand.",
                           "De ouders maken samen afspraken over de kinderen."),
    "mental_health": ("{naam} heeft minder somberheidsklachten en krijgt passende behandeling.",
                      "{naam} slaapt beter en voelt zich rustiger."),
    "physical_health": ("{naam} gaat op tijd naar de huisarts en neemt de medicatie trouw in.",
                        "Het huishouden loopt weer, met hulp bij de zware taken."),
    "addiction": ("{naam} drinkt minder en heeft vast contact met de verslavingszorg.",),
    "justice": ("{naam} houdt zich aan de afspraken met de reclassering.",),
    "parenting": ("Het gezin heeft een vaste dagstructuur voor de kinderen.",
                  "{kind} krijgt passende ondersteuning bij het opgroeien."),
    "social_network": ("{naam} heeft elke week contact met mensen buiten het gezin.",
                       "Het netwerk rond het gezin helpt mee met praktische zaken."),
}
ACTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "finances": {
        "self": ("{naam} houdt een kasboek bij en bewaart alle post in één map.",
                 "{naam} zegt abonnementen op die niet nodig zijn."),
        "network": ("Een familielid helpt {naam} wekelijks met het openen van de post.",),
        "volunteer": ("Vrijwilliger thuisadministratie ordent samen met {naam} de papieren.",),
        "professional": ("Schuldenoverzicht opstellen en een schuldregeling aanvragen.",
                         "Beslagvrije voet laten herberekenen."),
    },
    "work_and_education": {
        "self": ("{naam} meldt zich aan voor een taalcursus.", "{naam} zoekt twee dagdelen vrijwilligerswerk."),
        "network": ("Een buurman brengt {kind} de eerste weken naar school.",),
        "volunteer": ("Maatje oefent met {naam} voor sollicitatiegesprekken.",),
        "professional": ("Traject naar werk starten met de inkomensconsulent.", "Gesprek op school over het verzuim."),
    },
    "housing": {
        "self": ("{naam} belt de verhuurder over een betalingsregeling voor de huur.",),
        "network": ("Broer helpt met opruimen en kleine klussen in huis.",),
        "volunteer": ("Klussendienst maakt de woning weer veilig.",),
        "professional": ("Woonconsulent bespreekt de huurachterstand en zet de ontruiming stil.",),
    },
    "domestic_relations": {
        "self": ("{naam} spreekt met de partner vaste momenten af om rustig te praten.",),
        "network": ("Oma vangt de kinderen op als het thuis te druk wordt.",),
        "volunteer": ("Gezinsmaatje komt wekelijks langs voor rust en structuur.",),
        "professional": ("Relatiegesprekken bij maatschappelijk werk.", "Veiligheidsplan opstellen met het gezin."),
    },
    "mental_health": {
        "self": ("{naam} gaat dagelijks een half uur wandelen.",),
        "network": ("Een vriendin gaat mee naar de afspraken.",),
        "volunteer": ("Maatje gaat eens per week met {naam} op pad.",),
        "professional": ("Intake bij de GGZ voor behandeling van de somberheid.",),
    },
    "physical_health": {
        "self": ("{naam} maakt een afspraak bij de huisarts.",),
        "network": ("Dochter doet de boodschappen op zaterdag.",),
        "volunteer": ("Vrijwilliger rijdt mee naar het ziekenhuis.",),
        "professional": ("Wijkverpleging helpt bij medicatie en persoonlijke verzorging.",),
    },
    "addiction": {
        "self": ("{naam} houdt bij hoeveel er wordt gedronken.",),
        "network": ("Vriend spreekt af om samen te sporten in plaats van naar de kroeg te gaan.",),
        "volunteer": ("Ervaringsdeskundige vrijwilliger gaat mee naar de zelfhulpgroep.",),
        "professional": ("Ambulante behandeling bij de verslavingszorg.",),
    },
    "justice": {
        "self": ("{naam} komt alle meldplichtafspraken na.",),
        "network": ("Zus helpt met het plannen van de afspraken.",),
        "volunteer": ("Maatje helpt bij het vinden van een daginvulling.",),
        "professional": ("Toezicht en begeleiding door de reclassering.",),
    },
    "parenting": {
        "self": ("De ouders maken een weekplanning voor de kinderen.",),
        "network": ("Opa haalt {kind} twee middagen per week uit school.",),
        "volunteer": ("Gezinsmaatje helpt met de ochtendroutine.",),
        "professional": ("Opvoedondersteuning door het jeugdteam.", "Huisbezoek door de jeugdverpleegkundige."),
    },
    "social_network": {
        "self": ("{naam} gaat naar de inloop in het buurthuis.",),
        "network": ("Buurvrouw komt wekelijks koffie drinken.",),
        "volunteer": ("Buddy gaat mee naar een sportvereniging.",),
        "professional": ("Opbouwwerker zoekt met {naam} een passende activiteit in de wijk.",),
    },
}
PROFESSIONAL_FOR: dict[str, tuple[str, ...]] = {
    "finances": ("schuldhulp-demodorp", "budgetbeheer-regio"),
    "work_and_education": ("werk-en-inkomen-demodorp", "leerplicht-demodorp"),
    "housing": ("woonstichting-demodorp",),
    "domestic_relations": ("maatschappelijk-werk-demodorp", "jeugdteam-demodorp"),
    "mental_health": ("ggz-regio",),
    "physical_health": ("thuiszorg-regio", "huisartsenpraktijk-demodorp"),
    "addiction": ("verslavingszorg-regio",),
    "justice": ("reclassering-regio",),
    "parenting": ("jeugdteam-demodorp", "jeugdgezondheidszorg-regio"),
    "social_network": ("welzijn-demodorp",),
}
PERFORMER_WEIGHTS: dict[str, dict[str, int]] = {
    "broker_coordinates": {"self": 30, "network": 20, "volunteer": 20, "professional": 30},
    "volunteers_deployed": {"self": 25, "network": 25, "volunteer": 40, "professional": 10},
    "short_push_then_handover": {"self": 30, "network": 20, "volunteer": 0, "professional": 50},
}
NETWORK_RELATIONS = ("grandmother", "grandfather", "neighbour", "friend", "sibling", "sibling", "aunt", "uncle")
CANCEL_REASONS = (
    "Niet meer nodig: {naam} regelt dit inmiddels zelf.",
    "Wachtlijst te lang; in overleg een andere oplossing gekozen.",
    "Vrijwilliger gestopt; de actie vervalt.",
    "In overleg met {naam} later opnieuw oppakken.",
)
INTERIM_NOTES = (
    "Tussenevaluatie met {naam} en de betrokken professionals: stappen gezet op {domein}.",
    "Voortgang besproken; {naam} ervaart meer rust. Plan op onderdelen bijgesteld.",
    "Evaluatie aan de keukentafel: nog zorgen over {domein}, afspraken blijven staan.",
)
FINAL_NOTES = (
    "Eindevaluatie: doelen grotendeels bereikt. {naam} weet de regisseur te vinden bij terugval.",
    "Afsluitend gesprek met {naam}: het gezin redt het weer zelf, met hulp van het netwerk.",
)
ESCALATION_REASONS = (
    "Wachtlijst bij {org} houdt de voortgang voor {naam} op; de organisaties komen er samen niet uit.",
    "Partijen zijn het oneens over wie de kosten van de begeleiding draagt.",
    "Uitkering en schuldregeling spreken elkaar tegen; {naam} zit klem tussen de regels.",
)
RESOLUTIONS = (
    "Doorbraak: voorrang bij de intake afgesproken.",
    "Stuurgroep besluit tot maatwerk; de kosten worden gedeeld.",
    "Afspraak over één gezamenlijke aanpak en één contactpersoon.",
)
REPLACE_REASONS = (
    "Herverdeling van de caseload binnen het team.",
    "Regisseur langdurig afwezig.",
    "Op verzoek van {naam}: de klik ontbrak.",
)
DROP_OUT_REASONS = (
    "Gezin haakt af na lange wachttijd voor schuldhulp.",
    "{naam} komt na een kleine terugval niet meer op afspraken.",
    "Contact verwaterd; {naam} reageert niet meer op berichten.",
)
REFUSAL_REASONS = (
    "{naam} wil op dit moment geen hulp en probeert het eerst zelf.",
    "Het gezin wil niet dat informatie wordt gedeeld en weigert hulp.",
)
REOPEN_REASONS = (
    "Terugval: {naam} meldt zich via de waakvlam na een nieuwe betalingsachterstand.",
    "Waakvlam: {naam} belt na spanningen thuis; de regie wordt hervat.",
)
COST_TEXT: dict[str, str] = {
    "income_support": "Bijstandsuitkering en bijzondere bijstand",
    "care": "Zorgkosten: jeugdhulp, ggz en Wmo-begeleiding",
    "local_prevention": "Lokale preventie: welzijn en opbouwwerk",
    "transaction": "Transactiekosten: intakes, indicaties en overdrachten",
}
COST_SHARES: dict[str, float] = {"income_support": 0.34, "care": 0.30, "local_prevention": 0.06, "transaction": 0.30}

CONSENT_BASE_CATEGORIES = ("identity", "contact", "composition", "plan", "involvement", "zrm")
YOUTH_LAW_CONSENT = "jeugdwet_7_4_0"
YOUTH_LAW_RETENTION = "jeugdwet_7_3_8"

# Which command arguments the application wraps as personal data (ledger/application/).
_PERSONAL_ARGS: dict[str, tuple[str, ...]] = {
    "refer_household": ("address", "reason"),
    "record_intake": ("summary",),
    "decide_coordination": ("rationale",),
    "replace_case_director": ("reason",),
    "set_plan_goal": ("description",),
    "revise_plan_goal": ("description",),
    "add_plan_action": ("description",),
    "cancel_plan_action": ("reason",),
    "start_involvement": ("contact_name",),
    "hold_evaluation": ("notes",),
    "raise_escalation": ("reason",),
    "resolve_escalation": ("resolution",),
    "record_cost": ("description",),
    "hand_over": ("notes",),
    "record_drop_out": ("reason",),
    "reopen_case": ("reason",),
}
# The event each command records.
# The Household event each command records (declared in ledger/aggregates/actions.py).
EVENT_OF: dict[str, str] = {s.action: s.event for s in commands() if s.event is not None}


# ============================================================ small helpers
def _between(rng: random.Random, lo: date, hi: date) -> date | None:
    """A random day in [lo, hi], or None when the range is empty."""
    if hi < lo:
        return None
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = [k for k, w in weights.items() if w > 0]
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _euros(amount: float) -> str:
    return f"{max(amount, 0.0):.2f}"


def _about_children(template: str) -> bool:
    return "{kind}" in template or "kinderen" in template or "ouders" in template.lower()


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


# ================================================================ households
@dataclass
class _Person:
    role: str
    given: str
    surname: str
    birth: date
    bsn: str | None
    phone: str | None
    email: str | None

    @property
    def name(self) -> str:
        return f"{self.given} {self.surname}"

    def as_member(self) -> NewMember:
        return NewMember(self.role, self.name, bsn=self.bsn, birth_date=self.birth.isoformat(),
                         phone=self.phone, email=self.email)


@dataclass
class _Profile:
    """What the municipality-level draw decided for one household."""

    index: int
    referred_on: date
    outcome: str
    people: list[_Person]
    instrument: str
    flags: set[str] = field(default_factory=set)

    @property
    def adults(self) -> list[_Person]:
        return [p for p in self.people if p.role == "adult"]

    @property
    def children(self) -> list[_Person]:
        return [p for p in self.people if p.role == "child"]


class _Population:
    """Invents people: names, BSNs from the test range, birth dates, contact details."""

    def __init__(self, rng: random.Random, start: date) -> None:
        self.rng = rng
        self.latest_child_birth = _add_years(start, -2) - timedelta(days=7)
        pool = [str(n) for n in range(999_990_000, 1_000_000_000) if is_valid_bsn(str(n))]
        rng.shuffle(pool)
        self._bsns = pool

    def _bsn(self) -> str | None:
        return self._bsns.pop() if self._bsns else None  # the test range holds ~900

    def _phone(self) -> str:
        return f"06-0000{self.rng.randint(0, 9999):04d}"

    def adult(self, surname: str, on: date, min_age: int, female: bool) -> _Person:
        rng = self.rng
        given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        age = rng.randint(max(19, min_age), 70)
        birth = _add_years(on, -age) - timedelta(days=rng.randint(1, 360))
        email = f"{_ascii(given)}.{_ascii(surname)}{rng.randint(1, 99)}@voorbeeld.invalid" \
            if rng.random() < 0.6 else None
        return _Person("adult", given, surname, birth, self._bsn(), self._phone(), email)

    def child(self, surname: str, on: date) -> _Person:
        rng = self.rng
        earliest = _add_years(on, -18) + timedelta(days=1)
        birth = _between(rng, earliest, self.latest_child_birth)
        assert birth is not None  # referrals lie after the start, so the range is ~16 years wide
        bsn = self._bsn() if rng.random() < 0.9 else None
        return _Person("child", rng.choice(GIVEN_CHILD), surname, birth, bsn, None, None)

    def household(self, on: date) -> list[_Person]:
        rng = self.rng
        kind = _weighted(rng, {"single_adult": 35, "single_parent": 30, "two_parents": 25, "couple": 10})
        surname = rng.choice(SURNAMES)
        children: list[_Person] = []
        if kind in ("single_parent", "two_parents"):
            n = _weighted(rng, {"1": 35, "2": 35, "3": 20, "4": 10})
            children = [self.child(surname, on) for _ in range(int(n))]
        eldest = max(((on - c.birth).days // 365 for c in children), default=0)
        min_age = eldest + 18 if children else 19
        first = self.adult(surname, on, min_age, female=rng.random() < (0.8 if kind == "single_parent" else 0.5))
        people = [first]
        if kind in ("couple", "two_parents"):
            partner_surname = surname if rng.random() < 0.4 else rng.choice(SURNAMES)
            people.append(self.adult(partner_surname, on, min_age, female=rng.random() < 0.5))
        return people + children

    def name(self) -> str:
        return f"{self.rng.choice(GIVEN_FEMALE + GIVEN_MALE)} {self.rng.choice(SURNAMES)}"

    def address(self) -> str:
        rng = self.rng
        number = str(rng.randint(1, 180)) + (rng.choice("abc") if rng.random() < 0.1 else "")
        letters = "".join(rng.choice(POSTCODE_LETTERS) for _ in range(2))
        return f"{rng.choice(STREETS)} {number}, {rng.randint(3440, 3449)} {letters} {TOWN}"


# ================================================================ one story
class _Story:
    """Plans one household's steps; dates are chosen so every command is valid."""

    def __init__(self, profile: _Profile, rng: random.Random, population: _Population) -> None:
        self.p = profile
        self.rng = rng
        self.pop = population
        self.steps: list[Step] = []
        self._keys: Counter[str] = Counter()
        self.naam = profile.adults[0].given
        self.kind = profile.children[0].given if profile.children else self.naam
        self.matrix = INSTRUMENTS[profile.instrument]
        self.zrm_member = "m1" if rng.random() < 0.3 else None
        self.problems = self._problem_domains()
        self.scores = self._intake_scores()
        self.director: str | None = None
        self.goals: list[tuple[Ref, str, date | None]] = []  # ref, category, target date
        self.last_open = date.max  # the last day commands that need an open case may use

    # ----------------------------------------------------------- plumbing
    def add(self, on: date, command: str, produce: str | None = None, **args: Any) -> Ref | None:
        assert on >= self.p.referred_on, "a step before the referral is a bug in the demo"
        key = None
        if produce is not None:
            self._keys[produce] += 1
            key = f"{produce}{self._keys[produce]}"
        self.steps.append(Step(self.p.index, len(self.steps), on, command, dict(args), key))
        return Ref(key) if key else None

    def text(self, template: str, **extra: str) -> str:
        return template.format(naam=self.naam, kind=self.kind, **extra)

    def pick_text(self, templates: Sequence[str], **extra: str) -> str:
        if not self.p.children:  # no texts about children in a household without them
            templates = [t for t in templates if not _about_children(t)] or list(templates)
        return self.text(self.rng.choice(templates), **extra)

    # ------------------------------------------------------------- ZRM
    def _problem_domains(self) -> list[str]:
        domains = list(self.matrix.domains)
        if self.p.children and self.matrix.has("parenting"):
            domains.append("parenting")
        weights = {d: PROBLEM_WEIGHTS.get(d, 0.1) for d in domains}
        chosen: list[str] = []
        for _ in range(self.rng.randint(2, 5)):
            d = _weighted(self.rng, {k: w for k, w in weights.items() if k not in chosen})
            chosen.append(d)
        return chosen

    def _intake_scores(self) -> dict[str, int]:
        rng = self.rng
        domains = list(self.matrix.domains)
        if self.p.children and self.matrix.has("parenting"):
            domains.append("parenting")
        problem, other = ((1, 2, 3), (25, 50, 25)), ((3, 4, 5), (30, 50, 20))  # mostly 1-3 on problem domains
        return {d: rng.choices(*(problem if d in self.problems else other))[0] for d in domains}

    def _evolve(self, up: float) -> dict[str, int]:
        rng = self.rng
        for d, s in self.scores.items():
            u = rng.random()
            if d in self.problems:
                delta = 1 if u < up else (-1 if u > 0.9 else 0)
            else:
                delta = 1 if u < 0.05 else (-1 if u > 0.95 else 0)
            self.scores[d] = min(5, max(1, s + delta))
        return dict(self.scores)

    def measure(self, on: date, moment: str) -> None:
        scores = dict(self.scores) if moment == "intake" else self._evolve(0.5 if moment == "final" else 0.4)
        self.add(on, "record_zrm_measurement", "zrm", instrument=self.p.instrument, moment=moment,
                 scores=scores, member_id=self.zrm_member)

    # ---------------------------------------------------------- the story
    def plan(self) -> list[Step]:
        p, rng = self.p, self.rng
        self.refer()
        intake = p.referred_on + timedelta(days=rng.choice((7, 8, 10, 12, 14, 14, 15, 18, 21, 24, 28)))
        consents = self.intake_day(intake)
        decision = intake + timedelta(days=rng.randint(0, 14))
        self.add(decision, "decide_coordination", outcome=p.outcome,
                 rationale=self.pick_text(RATIONALES[p.outcome]))
        if p.outcome in SHORT:
            close_day = self.short_case(decision)
        elif p.outcome == "short_push_then_handover":
            close_day = self.short_push(decision)
        else:
            close_day = self.long_case(decision, consents)
        self.after_closure(close_day)
        return self.steps

    def refer(self) -> None:
        p, rng = self.p, self.rng
        weights = {k: w for k, w in SOURCES.items() if p.children or k not in CHILD_SOURCES}
        sources = [_weighted(rng, weights)]
        if rng.random() < 0.15:  # referred by two sources at once
            sources.append(_weighted(rng, {k: w for k, w in weights.items() if k not in sources}))
        reason = " ".join(self.text(REFERRAL_REASONS[s]) for s in sources)
        self.add(p.referred_on, "refer_household", sources=sources, members=[m.as_member() for m in p.people],
                 address=self.pop.address(), reason=reason)

    def intake_day(self, day: date) -> list[Ref]:
        p, rng = self.p, self.rng
        categories = [c for c in LABELS if c != "parenting" or p.children]
        problem_categories = list(dict.fromkeys(GOAL_CATEGORY[d] for d in self.problems))
        # professionals already involved: those for the problem domains first, then others
        n_prof = rng.randint(4, 10) if p.outcome not in SHORT else rng.randint(3, 7)
        matching = [x for x in PROFESSIONALS if set(x[2]) & set(problem_categories)]
        if not p.children:
            matching = [x for x in matching if "parenting" not in x[2]]
        rng.shuffle(matching)
        others = [x for x in PROFESSIONALS if x not in matching and (p.children or "parenting" not in x[2])]
        rng.shuffle(others)
        self.professionals = (matching + others)[:n_prof]
        network = [(rel, self.pop.name() if rng.random() < 0.85 else None)
                   for rel in rng.sample(NETWORK_RELATIONS, rng.randint(1, 4))]
        labels = ", ".join(LABELS[c] for c in problem_categories)
        with_partner = " en partner" if len(p.adults) > 1 else ""
        summary = (f"Integrale intake met {self.naam}{with_partner}. Zorgen over {labels}. "
                   f"Nu {n_prof} hulpverleners betrokken; {self.naam} wil één plan en één aanspreekpunt.")
        self.intake_on = day
        self.add(day, "record_intake", domains_discussed=categories, network=network,
                 agencies_involved=[org for org, _, _ in self.professionals], summary=summary)
        # consent at intake, for sharing within the plan
        orgs = [MUNICIPALITY] + [org for org, _, _ in rng.sample(self.professionals, min(5, len(self.professionals)))]
        cats = list(CONSENT_BASE_CATEGORIES) + problem_categories
        consents = [self.add(day, "grant_consent", "consent", basis="consent", member_id="m1", organisations=orgs,
                             data_categories=cats, purpose="coordination")]
        if len(p.adults) > 1 and rng.random() < 0.6:
            consents.append(self.add(day, "grant_consent", "consent", basis="consent", member_id="m2",
                                     organisations=orgs, data_categories=cats, purpose="coordination",
                                     valid_until=_add_years(day, 2)))
        if p.children and rng.random() < 0.3:
            self.add(day, "grant_consent", "consent", basis="public_task", member_id=None,
                     organisations=["jeugdteam-demodorp", MUNICIPALITY],
                     data_categories=["identity", "composition", "parenting", "plan"], purpose="coordination",
                     legal_reference=YOUTH_LAW_CONSENT)
        self.measure(day, "intake")
        self.involvements: list[tuple[Ref, date, str]] = []
        for org, discipline, _ in self.professionals:
            self.start_involvement(day, "professional", org, discipline)
        if rng.random() < 0.35:
            self.start_involvement(day, "volunteer", *rng.choice(VOLUNTEERS))
        if "costs" in p.flags:
            self.baseline_costs(day)
        return [c for c in consents if c is not None]

    def start_involvement(self, day: date, kind: str, org: str, discipline: str) -> None:
        rng = self.rng
        worker = f"w-{rng.randint(1000, 9999)}" if kind == "professional" and rng.random() < 0.5 else None
        contact = self.pop.name() if rng.random() < 0.6 else None
        ref = self.add(day, "start_involvement", "involvement", kind=kind, organisation=org, discipline=discipline,
                       worker_id=worker, contact_name=contact)
        assert ref is not None
        self.involvements.append((ref, day, kind))

    # ------------------------------------------------------------ costs
    def baseline_costs(self, day: date) -> None:
        rng, r = self.rng, self.p.referred_on
        self.annual = min(75_000.0, max(20_000.0, rng.gauss(40_000, 13_000)))
        for stream, share in COST_SHARES.items():
            amount = self.annual * 2 * share * rng.uniform(0.8, 1.2)
            self.add(day, "record_cost", "cost", kind="baseline", stream=stream, amount_eur=_euros(amount),
                     period_start=_add_years(r, -2), period_end=r - timedelta(days=1),
                     description=f"Nulmeting: {COST_TEXT[stream]}")

    def intervention_costs(self, day: date) -> None:
        """The joint intake, then quarterly costs per stream, falling as the plan takes hold."""
        rng, r, intake = self.rng, self.p.referred_on, self.intake_on
        annual = getattr(self, "annual", None) or min(75_000.0, max(20_000.0, rng.gauss(40_000, 13_000)))
        self.add(day, "record_cost", "cost", kind="intervention", stream="transaction",
                 amount_eur=_euros(rng.uniform(350, 900)), period_start=intake, period_end=intake,
                 description="Integrale intake en gezamenlijke analyse")
        for k in range(8):
            q_start = r + timedelta(days=91 * k)
            q_end = q_start + timedelta(days=90)
            recorded = q_end + timedelta(days=rng.randint(3, 20))
            if recorded > self.last_open:
                break
            factor = max(0.4, 0.9 - 0.08 * k)
            for stream, share in COST_SHARES.items():
                f = factor * (0.6 if stream == "transaction" else 1.0) * rng.uniform(0.8, 1.2)
                self.add(recorded, "record_cost", "cost", kind="intervention", stream=stream,
                         amount_eur=_euros(annual / 4 * share * f), period_start=q_start, period_end=q_end,
                         description=COST_TEXT[stream])

    # -------------------------------------------------------- short cases
    def short_case(self, decision: date) -> date:
        """Coordination stays with partners, is not needed, or the household declines."""
        close_day = decision + timedelta(days=self.rng.randint(0, 10))
        if self.p.outcome == "household_declines":
            self.add(decision, "record_drop_out", kind="refusal", reason=self.pick_text(REFUSAL_REASONS))
            self.add(close_day, "close_case", reason="household_declined")
        else:
            self.add(close_day, "close_case", reason="coordination_not_needed")
        return close_day

    def assign(self, day: date) -> None:
        self.director = self.rng.choice(CONSULTANTS)
        self.add(day, "assign_case_director", user_id=self.director, organisation=MUNICIPALITY)

    def short_push(self, decision: date) -> date:
        """A short push by the broker, then a warm handover."""
        rng = self.rng
        self.assign(decision)
        handover = decision + timedelta(days=rng.randint(28, 70))
        self.last_open = handover - timedelta(days=1)
        plan_day = decision + timedelta(days=rng.randint(0, 7))
        for category in self.goal_categories()[:2]:
            self.set_goal(plan_day, category, rng.randint(1, 2))
        if rng.random() < 0.5:
            self.measure(handover, "final")
        org = rng.choice(HANDOVER_ORGS if self.p.children else HANDOVER_ORGS[:1] + HANDOVER_ORGS[2:])
        self.add(handover, "hold_evaluation", "evaluation", conclusion="hand_over", final=True,
                 notes=self.text("Evaluatie: de regie kan naar {org}; warme overdracht gepland met {naam}.",
                                 org=ORGANISATIONS[org]))
        self.add(handover, "hand_over", to_organisation=org, warm=True,
                 notes=self.text("Warme overdracht aan {org} in een gezamenlijk gesprek met {naam}.",
                                 org=ORGANISATIONS[org]))
        self.add(handover, "close_case", reason="handed_over")
        return handover

    # ------------------------------------------------------------ the plan
    def goal_categories(self) -> list[str]:
        return list(dict.fromkeys(GOAL_CATEGORY[d] for d in self.problems))[:4]

    def set_goal(self, day: date, category: str, n_actions: int) -> None:
        rng = self.rng
        target = day + timedelta(days=rng.randint(90, 270))
        ref = self.add(day, "set_plan_goal", "goal", life_domain=category, description=self.pick_text(GOALS[category]),
                       target_date=target)
        assert ref is not None
        self.goals.append((ref, category, target))
        for _ in range(n_actions):
            self.add_action(day, ref, category)

    def add_action(self, day: date, goal: Ref, category: str) -> None:
        rng = self.rng
        kind = _weighted(rng, PERFORMER_WEIGHTS.get(self.p.outcome, PERFORMER_WEIGHTS["broker_coordinates"]))
        org = None
        if kind == "professional":
            org = rng.choice(PROFESSIONAL_FOR[category])
        elif kind == "volunteer":
            org = rng.choice(VOLUNTEER_ORGS)
        due = day + timedelta(days=rng.randint(30, 120))
        action = self.add(day, "add_plan_action", "action", goal_id=goal,
                          description=self.pick_text(ACTIONS[category][kind]),
                          performer_kind=kind, organisation=org, due_on=due)
        u = rng.random()
        if u < 0.55:
            done = _between(rng, day + timedelta(days=7), min(due + timedelta(days=30), self.last_open))
            if done is not None:
                self.add(done, "complete_plan_action", action_id=action)
        elif u < 0.70:
            stop = _between(rng, day + timedelta(days=7), min(due + timedelta(days=60), self.last_open))
            if stop is not None:
                self.add(stop, "cancel_plan_action", action_id=action, reason=self.pick_text(CANCEL_REASONS))
        # else: stays open (and becomes late once its due date passes)

    # ------------------------------------------------------------ long cases
    def long_case(self, decision: date, consents: list[Ref]) -> date:
        """The broker (or volunteers with light coordination) runs a plan for months."""
        p, rng = self.p, self.rng
        self.assign(decision)
        plan_day = decision + timedelta(days=rng.randint(0, 21))
        if "short" in p.flags:
            close_day = plan_day + timedelta(days=rng.randint(120, 180))
        elif "hand_over" in p.flags:
            close_day = plan_day + timedelta(days=rng.randint(120, 300))
        else:
            close_day = plan_day + timedelta(days=rng.randint(150, 420))
        drop_day = None
        if "drop_out" in p.flags:
            drop_day = plan_day + timedelta(days=rng.randint(40, 120))
            close_day = drop_day + timedelta(days=rng.randint(7, 30))
        # the last day for plan work: the day before the drop-out or the closure
        self.last_open = (drop_day or close_day) - timedelta(days=1)

        if p.outcome == "volunteers_deployed":
            for _ in range(rng.randint(1, 2)):
                self.start_involvement(decision, "volunteer", *rng.choice(VOLUNTEERS))
        for category in self.goal_categories():
            self.set_goal(plan_day, category, rng.randint(1, 3))
        # more volunteers step in, some professionals step out (the Woerden pattern)
        for _ in range(rng.randint(1, 2)):
            day = _between(rng, plan_day, min(plan_day + timedelta(days=120), self.last_open))
            if day is not None:
                self.start_involvement(day, "volunteer", *rng.choice(VOLUNTEERS))
        for ref, started, kind in list(self.involvements):
            if rng.random() < (0.3 if kind == "professional" else 0.15):
                day = _between(rng, max(started, plan_day) + timedelta(days=30), self.last_open)
                if day is not None:
                    self.add(day, "end_involvement", involvement_id=ref, reason=_weighted(rng, END_REASONS[kind]))
        self.interim_cycles(plan_day, (drop_day or close_day) - timedelta(days=20))
        if "costs" in p.flags:
            self.intervention_costs(plan_day)
        if "escalate" in p.flags:
            raised = _between(rng, plan_day + timedelta(days=14),
                              min(plan_day + timedelta(days=120), self.last_open - timedelta(days=10)))
            if raised is not None:
                org = rng.choice(self.professionals)[0]
                ref = self.add(raised, "raise_escalation", "escalation",
                               level=_weighted(rng, {"work_table": 6, "civil_service_steering_group": 3,
                                                     "administrative_steering_group": 1}),
                               reason=self.pick_text(ESCALATION_REASONS, org=ORGANISATIONS[org]))
                resolved = _between(rng, raised + timedelta(days=7), min(raised + timedelta(days=60), self.last_open))
                assert resolved is not None
                self.add(resolved, "resolve_escalation", escalation_id=ref, resolution=rng.choice(RESOLUTIONS))
        if "replace" in p.flags:
            day = _between(rng, decision + timedelta(days=30),
                           min(decision + timedelta(days=180), self.last_open - timedelta(days=7)))
            if day is not None:
                self.director = rng.choice([c for c in CONSULTANTS if c != self.director])
                self.add(day, "replace_case_director", user_id=self.director, organisation=MUNICIPALITY,
                         reason=self.pick_text(REPLACE_REASONS))
        if "revise" in p.flags or rng.random() < 0.3:
            ref, _, target = rng.choice(self.goals)
            day = _between(rng, plan_day + timedelta(days=30), min(plan_day + timedelta(days=150), self.last_open))
            if day is not None:
                new_target = (target or day) + timedelta(days=rng.randint(60, 120))
                description = (self.text("Bijgesteld met {naam}: eerst een tussenstap, daarna het einddoel.")
                               if rng.random() < 0.5 else None)
                self.add(day, "revise_plan_goal", goal_id=ref, description=description, target_date=new_target)
        if "withdraw" in p.flags:
            day = _between(rng, plan_day + timedelta(days=20), min(plan_day + timedelta(days=150), self.last_open))
            if day is not None:
                self.add(day, "withdraw_consent", consent_id=consents[0])
        return self.end_long_case(close_day, drop_day)

    def interim_cycles(self, plan_day: date, until: date) -> None:
        rng = self.rng
        day = plan_day + timedelta(days=rng.randint(80, 100))
        while day <= until:
            self.measure(day, "interim")
            domain = LABELS[rng.choice(self.goals)[1]] if self.goals else "financiën"
            self.add(day, "hold_evaluation", "evaluation", conclusion="continue",
                     notes=self.pick_text(INTERIM_NOTES, domein=domain))
            for _ in range(rng.choice((0, 1, 1, 2))):
                ref, category, _ = rng.choice(self.goals)
                self.add_action(day, ref, category)
            day += timedelta(days=rng.randint(80, 100))

    def end_long_case(self, close_day: date, drop_day: date | None) -> date:
        p, rng = self.p, self.rng
        if drop_day is not None:
            self.add(drop_day, "record_drop_out", kind="drop_out", reason=self.pick_text(DROP_OUT_REASONS))
            self.add(close_day, "close_case", reason="dropped_out")
            return close_day
        self.measure(close_day, "final")
        if "hand_over" in p.flags:
            org = rng.choice(HANDOVER_ORGS)
            warm = rng.random() < 0.85
            notes = ("Warme overdracht aan {org} in een gezamenlijk gesprek met {naam}." if warm
                     else "Overdracht per brief aan {org}; {naam} was niet bereikbaar voor een gesprek.")
            self.add(close_day, "hold_evaluation", "evaluation", conclusion="hand_over", final=True,
                     notes=self.text("Eindevaluatie: de regie gaat naar {org}.", org=ORGANISATIONS[org]))
            self.add(close_day, "hand_over", to_organisation=org, warm=warm,
                     notes=self.text(notes, org=ORGANISATIONS[org]))
            self.add(close_day, "close_case", reason="handed_over")
            return close_day
        no_longer = rng.random() < 0.3
        self.add(close_day, "hold_evaluation", "evaluation",
                 conclusion="coordination_no_longer_needed" if no_longer else "close", final=True,
                 notes=self.pick_text(FINAL_NOTES))
        self.add(close_day, "close_case", reason="coordination_not_needed" if no_longer else "goals_achieved",
                 aftercare_until=close_day + timedelta(days=rng.randint(60, 120)))
        return close_day

    # ---------------------------------------------------- after closure
    def after_closure(self, close_day: date) -> None:
        p, rng = self.p, self.rng
        if "reopen" in p.flags:
            reopened = close_day + timedelta(days=rng.randint(14, 45))
            self.add(reopened, "reopen_case", reason=self.pick_text(REOPEN_REASONS))
            second_close = reopened + timedelta(days=rng.randint(45, 90))
            self.last_open = second_close - timedelta(days=1)
            restart = reopened + timedelta(days=rng.randint(0, 7))
            self.measure(restart, "interim")
            self.add(restart, "hold_evaluation", "evaluation", conclusion="continue",
                     notes=self.text("Na terugval opnieuw gestart met {naam}; plan bijgesteld."))
            ref, category, _ = self.goals[0]
            self.add_action(restart, ref, category)
            self.measure(second_close, "final")
            self.add(second_close, "hold_evaluation", "evaluation", conclusion="close", final=True,
                     notes=self.pick_text(FINAL_NOTES))
            self.add(second_close, "close_case", reason="goals_achieved",
                     aftercare_until=second_close + timedelta(days=rng.randint(60, 120)))
            close_day = second_close
        if "hold" in p.flags:
            placed = close_day + timedelta(days=rng.randint(0, 10))
            self.add(placed, "place_retention_hold", law=YOUTH_LAW_RETENTION, until=_add_years(placed, 20))
        if "erase" in p.flags:
            erase_day = close_day + timedelta(days=rng.randint(30, 90))  # the privacy officer's request, executed that day
            self.add(erase_day, "request_erasure", reason="data_subject_request")
            self.add(erase_day, "erase_household", reason="data_subject_request")


# ======================================================== the municipality
def _outcomes(rng: random.Random, n: int) -> list[str]:
    """Outcomes in realistic proportions; the earliest six referrals show each outcome once."""
    showcase = list(OUTCOME_SHARES)[: min(n, len(OUTCOME_SHARES))]
    rng.shuffle(showcase)
    rest = n - len(showcase)
    quota = {o: max(0, round(share * n) - 1) for o, share in OUTCOME_SHARES.items()}
    pool = [o for o, k in quota.items() for _ in range(k)]
    pool = (pool + ["broker_coordinates"] * rest)[:rest]
    rng.shuffle(pool)
    return showcase + pool


def _pick(rng: random.Random, candidates: list[_Profile], k: int, end: date, arc: int) -> list[_Profile]:
    """``k`` of the candidates, among the earliest referrals whose story of ``arc`` days ends by ``end``."""
    fits = [c for c in candidates if c.referred_on + timedelta(days=arc) <= end] or candidates
    pool = fits[: max(k, math.ceil(len(fits) * 0.25))]
    return rng.sample(pool, min(k, len(pool)))


def _spread(rng: random.Random, candidates: list[_Profile], share: float, end: date, arc: int) -> list[_Profile]:
    """About ``share`` of the candidates; at least one whose story of ``arc`` days ends by ``end``."""
    if not candidates:
        return []
    k = max(1, round(share * len(candidates)))
    first = _pick(rng, candidates, 1, end, arc)
    rest = [c for c in candidates if c not in first]
    return first + rng.sample(rest, min(k - 1, len(rest)))


def _profiles(rng: random.Random, n: int, start: date, end: date, population: _Population) -> list[_Profile]:
    span = (end - start).days
    referred = sorted(start + timedelta(days=rng.randint(0, max(0, span - 30))) for _ in range(n))
    outcomes = _outcomes(rng, n)
    profiles = [
        _Profile(i, on, outcome, population.household(on), "2017" if rng.random() < 0.8 else "2013")
        for i, (on, outcome) in enumerate(zip(referred, outcomes, strict=True))
    ]
    # Roles and features go to households referred early enough for the whole arc to fit
    # (arcs: the longest story, in days from referral, that the role's steps need).
    special = 1 if n < 30 else 2  # erasures, retention holds, reopenings: one or two of each
    for p in _pick(rng, [p for p in profiles if p.outcome in SHORT], special, end, arc=150):
        p.flags.add("erase")
    holdable = [p for p in profiles if p.children and "erase" not in p.flags
                and p.outcome in (*SHORT, "short_push_then_handover")]
    if not holdable:
        holdable = [p for p in profiles if p.children and "erase" not in p.flags]
    for p in _pick(rng, holdable, special, end, arc=260):
        p.flags |= {"hold", "short"}
    long_cases = [p for p in profiles if p.outcome in LONG]
    for p in _pick(rng, [p for p in long_cases if "hold" not in p.flags], special, end, arc=290):
        p.flags |= {"reopen", "short"}
    plain = [p for p in long_cases if "reopen" not in p.flags]
    for p in _spread(rng, plain, 0.12, end, arc=250):
        p.flags.add("drop_out")
    for p in _spread(rng, [p for p in plain if "drop_out" not in p.flags], 0.12, end, arc=370):
        p.flags.add("hand_over")
    for flag, share in (("escalate", 0.2), ("replace", 0.15), ("withdraw", 0.1), ("revise", 0.1)):
        for p in _spread(rng, long_cases, share, end, arc=250):
            p.flags.add(flag)
    for p in _spread(rng, profiles, 0.5, end, arc=180):
        p.flags.add("costs")
    return profiles


def build_plan(*, households: int, seed: int, start: date, end: date) -> list[Step]:
    """Every household's steps, merged into one timeline in date order (days after ``end`` left out).

    Pure and reproducible: the same arguments give the same steps.
    """
    if households < 1:
        raise ValueError("The demo needs at least one household.")
    if (end - start).days < MIN_HISTORY_DAYS:
        raise ValueError(f"The demo needs at least {MIN_HISTORY_DAYS} days of history before today.")
    rng = random.Random(f"demo-plan-{seed}")
    population = _Population(rng, start)
    steps: list[Step] = []
    for profile in _profiles(rng, households, start, end, population):
        steps.extend(s for s in _Story(profile, rng, population).plan() if s.on <= end)
    # Interleave households: by day, households in a random order that day, each one's own steps in order.
    days = sorted({(s.on, s.household) for s in steps})
    rank = {key: rng.random() for key in days}
    return sorted(steps, key=lambda s: (s.on, rank[(s.on, s.household)], s.household, s.seq))


def _moments(timeline: Sequence[Step], tz: ZoneInfo) -> list[datetime]:
    """A recording moment per step: office hours from 08:00 local, strictly increasing within a day."""
    per_day = Counter(s.on for s in timeline)
    seen: Counter[date] = Counter()
    moments = []
    for s in timeline:
        slot = min(300, (10 * 3600) // per_day[s.on])
        local = datetime.combine(s.on, time(8, 0), tzinfo=tz) + timedelta(seconds=slot * seen[s.on])
        seen[s.on] += 1
        moments.append(local.astimezone(UTC))
    return moments


# =============================================================== execution
def _personal_values(command: str, args: Mapping[str, Any]) -> Iterable[str]:
    for name in _PERSONAL_ARGS.get(command, ()):
        if args.get(name):
            yield args[name]
    if command == "refer_household":
        for m in args["members"]:
            yield from (v for v in (m.name, m.bsn, m.birth_date, m.phone, m.email) if v)
    if command == "record_intake":
        yield from (name for _, name in args["network"] if name)


def _window(tz: ZoneInfo, start: date | None) -> tuple[date, date]:
    yesterday = datetime.now(tz=tz).date() - timedelta(days=1)
    start = start or yesterday + timedelta(days=1) - timedelta(days=DEFAULT_HISTORY_DAYS)
    return start, min(start + timedelta(days=DEFAULT_HISTORY_DAYS - 1), yesterday)


def register_organisations(ledger: Ledger, operator: Actor) -> None:
    """Register the demo's organisations that are not registered yet (the ledger's own municipality as such)."""
    for org_id, name in ORGANISATIONS.items():
        if not ledger.users.is_organisation(org_id):
            kind = "municipality" if org_id == ledger.app.municipality else "partner"
            try:
                ledger.users.add_organisation(org_id, name, kind, by=operator)
            except UserError:
                if not ledger.users.is_organisation(org_id):  # not another process registering it meanwhile
                    raise


def staff_of(timeline: Iterable[Step]) -> dict[str, tuple[str, str]]:
    """The case directors and workers a plan names: user id -> (organisation id, role)."""
    staff: dict[str, tuple[str, str]] = {}
    for step in timeline:
        if step.command in ("assign_case_director", "replace_case_director"):
            staff.setdefault(step.args["user_id"], (step.args["organisation"], "consultant"))
        elif step.command == "start_involvement" and step.args.get("worker_id"):
            staff.setdefault(step.args["worker_id"], (step.args["organisation"], "professional"))
    return staff


def register_staff(ledger: Ledger, timeline: Iterable[Step]) -> None:
    """Add the plan's staff to the user directory: a director or worker id must be a registered user."""
    for user_id, (organisation, role) in sorted(staff_of(timeline).items()):
        if not ledger.app.is_user(user_id):
            try:
                ledger.users.add(display_name=f"Demo {role} {user_id}", organisation=organisation, role=role,
                                 user_id=user_id)
            except UserError:
                if not ledger.app.is_user(user_id):  # not another process adding the same staff meanwhile
                    raise


def generate(
    ledger: Ledger,
    *,
    households: int = 40,
    seed: int = 1,
    operator: Actor,
    clock: SimClock | None = None,
    start: date | None = None,
) -> DemoReport:
    """Invent ``households`` households through the ledger's commands, as ``operator``.

    ``clock`` is the :class:`SimClock` the ledger was built with (default: the ledger's own
    clock, which must be one); it is advanced to each step's moment, in order across all
    households. History runs from ``start`` (default: 420 days ago) up to yesterday at the
    latest, so the clock never passes the real present.
    """
    app: CaseLedger = ledger.app
    clock = clock if clock is not None else app.clock  # type: ignore[assignment]
    if not isinstance(clock, SimClock):
        raise TypeError("generate() needs the SimClock the ledger was built with (see demo_wiring()).")
    if app.clock is not clock:
        raise ValueError("The ledger was built with another clock than the one given to generate().")
    first, last = _window(app.tz, start)
    timeline = build_plan(households=households, seed=seed, start=first, end=last)
    moments = _moments(timeline, app.tz)
    if clock() > moments[0]:
        raise ValueError(
            f"The demo clock stands at {clock().isoformat()}, after the first demo event "
            f"({moments[0].isoformat()}); create it with demo_clock() at or before {first.isoformat()}."
        )

    register_organisations(ledger, operator)
    register_staff(ledger, timeline)
    ids: dict[int, UUID] = {}
    versions: dict[int, int] = {}
    refs: dict[tuple[int, str], str] = {}
    closed: set[int] = set()
    erased: set[int] = set()
    counts: Counter[str] = Counter()
    personal: dict[str, None] = {}
    for step, moment in zip(timeline, moments, strict=True):
        clock.advance_to(moment)
        h = step.household
        args = {k: refs[(h, v.key)] if isinstance(v, Ref) else v for k, v in step.args.items()}
        if step.command == "refer_household":
            ids[h], versions[h] = app.refer_household(operator, on=step.on, **args)
        else:
            result = getattr(app, step.command)(operator, ids[h], expected_version=versions[h], on=step.on, **args)
            if isinstance(result, tuple):
                new_id, versions[h] = result
                if step.produces is not None:
                    refs[(h, step.produces)] = new_id
            else:
                versions[h] = result
        if step.command == "close_case":
            closed.add(h)
        elif step.command == "reopen_case":
            closed.discard(h)
        elif step.command == "erase_household":
            erased.add(h)
        counts[EVENT_OF[step.command]] += 1
        personal.update(dict.fromkeys(_personal_values(step.command, args)))

    return DemoReport(
        households=len(ids),
        events=len(timeline),
        closed=len(closed),
        erased=len(erased),
        first_day=timeline[0].on,
        last_day=timeline[-1].on,
        household_ids=[ids[i] for i in sorted(ids)],
        event_counts=dict(sorted(counts.items())),
        personal_values=list(personal),
    )
