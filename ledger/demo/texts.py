"""The demo's Dutch texts and the weights it draws with: referral reasons, goals, actions, notes, outcomes."""

from __future__ import annotations


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

# ZRM domain -> the data category it speaks of (the intake's domains and the consent's categories).
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
# A plan goal's life domain in words: the categories' labels and the three life domains that are no category.
LIFE_DOMAIN_LABELS: dict[str, str] = {**LABELS, "daytime_activities": "dagbesteding", "adl": "zelfzorg (ADL)",
                                      "social_participation": "meedoen in de wijk"}
GOALS: dict[str, tuple[str, ...]] = {
    "daytime_activities": ("{naam} heeft drie dagdelen per week een zinvolle dagbesteding.",),
    "adl": ("{naam} doet de eigen boodschappen en verzorging weer grotendeels zelf.",),
    "social_participation": ("{naam} doet mee aan een activiteit in de wijk.",),
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
    "daytime_activities": {
        "self": ("{naam} kiest twee activiteiten uit het aanbod van het buurthuis.",),
        "network": ("Een vriendin gaat de eerste keren mee naar de dagbesteding.",),
        "volunteer": ("Maatje zoekt met {naam} een plek als vrijwilliger.",),
        "professional": ("Aanmelding voor dagbesteding via het Wmo-loket.",),
    },
    "adl": {
        "self": ("{naam} maakt een weekmenu en een boodschappenlijst.",),
        "network": ("Zoon helpt op zaterdag met de was.",),
        "volunteer": ("Vrijwilliger oefent met {naam} het koken van eenvoudige maaltijden.",),
        "professional": ("Wijkverpleging traint zelfstandig douchen en aankleden.",),
    },
    "social_participation": {
        "self": ("{naam} gaat naar de bewonersavond.",),
        "network": ("Buurman neemt {naam} mee naar de moestuin in de wijk.",),
        "volunteer": ("Buddy gaat mee naar het taalcafé.",),
        "professional": ("Opbouwwerker koppelt {naam} aan een bewonersinitiatief.",),
    },
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
    "daytime_activities": ("welzijn-demodorp",), "adl": ("thuiszorg-regio",), "social_participation": ("welzijn-demodorp",),
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

# Orientation talks before the coordination decision (issue 15), per ``held_with``.
ORIENTATION_NOTES: dict[str, tuple[str, ...]] = {
    "household": (
        "Kennismaking met {naam}: wat speelt er, wie helpt al, wat wil {naam} zelf?",
        "Oriënterend gesprek bij {naam} thuis; {naam} wil graag één aanspreekpunt.",
    ),
    "professionals": (
        "Afstemming met de betrokken professionals over {naam}, zonder het huishouden.",
        "Overleg met de melder en de hulpverleners: is regie nodig bij {naam}?",
    ),
}
