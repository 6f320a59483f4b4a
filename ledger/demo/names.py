"""Invented organisations, people's names, streets and staff of Gemeente Demodorp (synthetic only)."""

from __future__ import annotations


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
    "professional": {"goal_reached": 5, "handed_over": 3, "volunteers_took_over": 2, "capacity": 1,
                     "household_stopped": 1, "other": 0.5},
    "volunteer": {"goal_reached": 3, "capacity": 3, "no_contact": 2, "household_stopped": 1.5, "other": 0.5},
}
VOLUNTEER_ORGS = ("humanitas", "humanitas", "vrijwilligerscentrale-demodorp", "gezinsmaatjes-demodorp")
HANDOVER_ORGS = ("maatschappelijk-werk-demodorp", "jeugdteam-demodorp", "schuldhulp-demodorp", "ggz-regio")
