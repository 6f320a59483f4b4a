"""Every vocabulary code in words: a Dutch and an English label per code (issue 17 item 1).

One table for the closed vocabularies of :mod:`ledger.aggregates.vocabulary`, keyed by the enum:
``LABELS[ReferralSource]["police"] == ("Politie", "Police")``. The Dutch words are DOMAIN.md's
where it has them (verwijzer, regisseur, waakvlam, the ZRM's leefgebieden); the evaluation report
(``ledger.reports.labels``) and the OpenAPI document (``ledger.api.codes``) read them from here.
The instruments and their domains carry their own labels (``ledger.aggregates.instruments``);
the privacy layer's vocabularies (roles, organisation kinds, withheld reasons, access requests)
add theirs in ``ledger.privacy.labels``. Plain words only: no personal data.

Adding a code to an enum without its labels fails tests/unit/test_vocabulary_labels.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

from .vocabulary import (
    ClosureReason,
    CoordinationOutcome,
    CostKind,
    CostStream,
    DataCategory,
    Discipline,
    DropOutKind,
    ErasureReason,
    EscalationLevel,
    EvaluationConclusion,
    HouseholdComposition,
    InvolvementEndReason,
    InvolvementKind,
    LegalBasis,
    LegalReference,
    LifeDomain,
    MemberRelation,
    MemberRole,
    NetworkRelation,
    OrientationWith,
    PerformerKind,
    Phase,
    Purpose,
    ReferralSource,
    ZrmMoment,
)

__all__ = ["LABELS", "Label", "Lang", "label", "labelled"]

Lang = Literal["nl", "en"]
Label = tuple[str, str]  # (Dutch, English)

_OTHER: Label = ("Anders", "Other")

_LABELS: dict[type[StrEnum], dict[str, Label]] = {
    # verwijzer: who referred the household (DOMAIN.md, method step 1)
    ReferralSource: {
        "municipal_work_and_income": ("Gemeente, werk en inkomen", "Municipality, work & income"),
        "school_attendance_officer": ("Leerplichtambtenaar", "School attendance officer"),
        "social_work": ("Maatschappelijk werk", "Social work"),
        "youth_health_care": ("Jeugdgezondheidszorg", "Youth health care"),
        "wmo_desk": ("Wmo-loket", "Wmo desk"),
        "housing_corporation": ("Woningcorporatie", "Housing corporation"),
        "debt_counselling": ("Schuldhulpverlening", "Debt counselling"),
        "police": ("Politie", "Police"),
        "general_practitioner": ("Huisarts", "General practitioner"),
        "private_person": ("Particulier (bijv. buren)", "Private person (e.g. a neighbour)"),
        "household_itself": ("Huishouden zelf", "The household itself"),
        "other": _OTHER,
    },
    MemberRole: {
        "adult": ("Volwassene", "Adult"),
        "child": ("Kind", "Child"),
    },
    HouseholdComposition: {  # the categories municipalities report (issue 15)
        "single": ("Alleenstaand (alleenwonend of bij ouders)", "Single (living alone or with their parents)"),
        "couple_without_children": ("Paar zonder kinderen", "Couple without children"),
        "couple_with_children": ("Paar of gezin met kinderen", "Couple or family with children"),
        "mother_with_children": ("Moeder met kinderen", "Mother with children"),
        "father_with_children": ("Vader met kinderen", "Father with children"),
        "other": _OTHER,
        "single_parent_not_recorded": ("Eenoudergezin, moeder of vader niet vastgelegd",
                                       "Single parent, mother or father not recorded"),
    },
    MemberRelation: {
        "partner_of": ("Partner van", "Partner of"),
        "mother_of": ("Moeder van", "Mother of"),
        "father_of": ("Vader van", "Father of"),
    },
    Phase: {
        "referred": ("Aangemeld", "Referred"),
        "intake": ("Integrale intake", "Integral intake"),
        "coordination": ("Besluit over regie genomen", "Coordination decided"),
        "plan": ("Gezinsplan", "Household plan"),
        "aftercare": ("Afgesloten, nazorg (waakvlam)", "Closed, aftercare"),
        "closed": ("Afgesloten", "Closed"),
    },
    CoordinationOutcome: {  # DOMAIN.md, method step 3
        "stays_with_partners": ("Regie blijft bij partners", "Coordination stays with partners"),
        "short_push_then_handover": ("Korte duw, dan warme overdracht", "Short push, then warm handover"),
        "volunteers_deployed": ("Vrijwilligers ingezet", "Volunteers deployed"),
        "not_needed": ("Geen regie nodig", "No coordination needed"),
        "broker_coordinates": ("Sociaal makelaar voert regie", "Social broker coordinates"),
        "household_declines": ("Huishouden wijst hulp af", "Household declines help"),
    },
    OrientationWith: {
        "household": ("Met het huishouden", "With the household"),
        "professionals": ("Alleen met professionals", "With the professionals only"),
    },
    DataCategory: {
        "identity": ("Identiteit", "Identity"),
        "contact": ("Contactgegevens", "Contact details"),
        "composition": ("Samenstelling huishouden", "Household composition"),
        "finances": ("Financiën", "Finances"),
        "work_and_education": ("Werk en opleiding", "Work and education"),
        "housing": ("Huisvesting", "Housing"),
        "domestic_relations": ("Huiselijke relaties", "Domestic relations"),
        "physical_health": ("Lichamelijke gezondheid", "Physical health"),
        "mental_health": ("Psychische gezondheid", "Mental health"),
        "addiction": ("Middelengebruik", "Addiction"),
        "justice": ("Justitie", "Justice"),
        "parenting": ("Opvoeding", "Parenting"),
        "social_network": ("Sociaal netwerk", "Social network"),
        "plan": ("Gezinsplan", "Household plan"),
        "zrm": ("Zelfredzaamheid (ZRM)", "Self-sufficiency (ZRM)"),
        "involvement": ("Betrokken hulpverlening", "Involvements"),
        "costs": ("Kosten", "Costs"),
    },
    LifeDomain: {  # leefgebieden (DOMAIN.md, "The ZRM")
        "finances": ("Financiën", "Finances"),
        "work_and_education": ("Werk en opleiding", "Work and education"),
        "daytime_activities": ("Dagbesteding", "Daytime activities"),
        "housing": ("Huisvesting", "Housing"),
        "domestic_relations": ("Huiselijke relaties", "Domestic relations"),
        "mental_health": ("Psychische gezondheid", "Mental health"),
        "physical_health": ("Lichamelijke gezondheid", "Physical health"),
        "addiction": ("Middelengebruik", "Addiction"),
        "adl": ("Zelfzorg (ADL)", "Self-care (ADL)"),
        "social_network": ("Sociaal netwerk", "Social network"),
        "social_participation": ("Maatschappelijke participatie", "Social participation"),
        "justice": ("Justitie", "Justice"),
        "parenting": ("Opvoeding", "Parenting"),
        "unspecified": ("Niet vastgelegd", "Not recorded"),
    },
    Purpose: {
        "coordination": ("Regie", "Coordination"),
        "service_delivery": ("Hulpverlening", "Service delivery"),
        "evaluation": ("Evaluatie", "Evaluation"),
        "accountability": ("Verantwoording", "Accountability"),
    },
    LegalBasis: {  # AVG art. 6
        "consent": ("Toestemming", "Consent"),
        "legal_obligation": ("Wettelijke verplichting", "Legal obligation"),
        "public_task": ("Publieke taak", "Public task"),
        "vital_interest": ("Vitaal belang", "Vital interest"),
    },
    ZrmMoment: {
        "intake": ("Nulmeting (intake)", "Baseline (intake)"),
        "interim": ("Tussenevaluatie", "Interim evaluation"),
        "final": ("Eindmeting", "Final measurement"),
    },
    PerformerKind: {  # inzet eigen kracht / netwerk / vrijwilliger / professional
        "self": ("Eigen kracht", "The household itself"),
        "network": ("Netwerk", "Own network"),
        "volunteer": ("Vrijwilliger", "Volunteer"),
        "professional": ("Professional", "Professional"),
    },
    InvolvementKind: {
        "professional": ("Professional", "Professional"),
        "volunteer": ("Vrijwilliger", "Volunteer"),
    },
    InvolvementEndReason: {
        "goal_reached": ("Doel bereikt", "Goal reached"),
        "handed_over": ("Overgedragen", "Handed over"),
        "household_stopped": ("Huishouden stopte", "Household stopped"),
        "no_contact": ("Geen contact", "No contact"),
        "capacity": ("Geen capaciteit", "No capacity"),
        "volunteers_took_over": ("Vrijwilligers namen het over", "Volunteers took over"),
        "other": _OTHER,
        "not_recorded": ("Niet vastgelegd", "Not recorded"),
    },
    EvaluationConclusion: {
        "continue": ("Doorgaan", "Continue"),
        "coordination_no_longer_needed": ("Regie niet langer nodig", "Coordination no longer needed"),
        "hand_over": ("Overdragen", "Hand over"),
        "close": ("Afsluiten", "Close"),
    },
    EscalationLevel: {  # DOMAIN.md, method step 7
        "work_table": ("Werktafel", "Work table"),
        "civil_service_steering_group": ("Ambtelijke stuurgroep", "Civil-service steering group"),
        "administrative_steering_group": ("Bestuurlijke stuurgroep", "Administrative steering group"),
    },
    CostKind: {
        "baseline": ("Nulmeting (2 jaar vóór aanmelding)", "Baseline (2 years before referral)"),
        "intervention": ("Tijdens de aanpak", "During the approach"),
    },
    CostStream: {
        "income_support": ("Inkomensondersteuning", "Income support"),
        "care": ("Zorg", "Care"),
        "local_prevention": ("Lokale preventie", "Local prevention"),
        "transaction": ("Transactiekosten", "Transaction costs"),
    },
    DropOutKind: {
        "drop_out": ("Uitval", "Drop-out"),
        "refusal": ("Weigering", "Refusal"),
    },
    ClosureReason: {
        "goals_achieved": ("Doelen bereikt", "Goals achieved"),
        "handed_over": ("Warm overgedragen", "Handed over"),
        "coordination_not_needed": ("Geen regie nodig", "Coordination not needed"),
        "household_declined": ("Huishouden wees hulp af", "Household declined"),
        "dropped_out": ("Uitgevallen", "Dropped out"),
        "moved_away": ("Verhuisd", "Moved away"),
        "other": _OTHER,
    },
    Discipline: {  # closed since issue 12 item 10
        "debt_counselling": ("Schuldhulpverlening", "Debt counselling"),
        "budget_management": ("Budgetbeheer", "Budget management"),
        "income_support": ("Inkomensconsulent", "Income support"),
        "social_work": ("Maatschappelijk werk", "Social work"),
        "mental_health_care": ("Ggz", "Mental health care"),
        "addiction_care": ("Verslavingszorg", "Addiction care"),
        "youth_care": ("Jeugdhulp", "Youth care"),
        "youth_health_care": ("Jeugdgezondheidszorg", "Youth health care"),
        "school_attendance": ("Leerplicht", "School attendance"),
        "housing": ("Woonconsulent", "Housing"),
        "probation": ("Reclassering", "Probation"),
        "general_practice": ("Huisartsenzorg", "General practice"),
        "district_nursing": ("Wijkverpleging", "District nursing"),
        "community_work": ("Opbouwwerk", "Community work"),
        "wmo_consultant": ("Wmo-consulent", "Wmo consultant"),
        "buddy": ("Maatje", "Buddy"),
        "home_administration": ("Thuisadministratie", "Home administration"),
        "odd_jobs": ("Klussendienst", "Odd jobs"),
        "family_support": ("Gezinsondersteuning", "Family support"),
        "other": _OTHER,
    },
    NetworkRelation: {  # the eco-map
        "parent": ("Ouder", "Parent"), "grandmother": ("Oma", "Grandmother"), "grandfather": ("Opa", "Grandfather"),
        "sibling": ("Broer of zus", "Sibling"), "child": ("Kind", "Child"), "uncle": ("Oom", "Uncle"),
        "aunt": ("Tante", "Aunt"), "other_family": ("Ander familielid", "Other family"),
        "partner": ("Partner", "Partner"), "ex_partner": ("Ex-partner", "Former partner"),
        "friend": ("Vriend(in)", "Friend"), "neighbour": ("Buren", "Neighbour"), "colleague": ("Collega", "Colleague"),
        "faith_community": ("Geloofsgemeenschap", "Faith community"), "club": ("Vereniging", "Club"),
        "other": _OTHER,
    },
    LegalReference: {
        "jeugdwet_7_3_8": ("Jeugdwet art. 7.3.8", "Youth Act art. 7.3.8"),
        "jeugdwet_7_3_9": ("Jeugdwet art. 7.3.9", "Youth Act art. 7.3.9"),
        "jeugdwet_7_4_0": ("Jeugdwet art. 7.4.0", "Youth Act art. 7.4.0"),
        "wmo_2015_5_1_1": ("Wmo 2015 art. 5.1.1", "Social Support Act 2015 art. 5.1.1"),
        "bw_7_454": ("BW art. 7:454 (WGBO)", "Civil Code art. 7:454 (WGBO)"),
        "bw_7_455": ("BW art. 7:455 (WGBO)", "Civil Code art. 7:455 (WGBO)"),
        "archiefwet_1995": ("Archiefwet 1995 (selectielijst)", "Public Records Act 1995 (selection list)"),
        "avg_6_1_c": ("AVG art. 6 lid 1 sub c", "GDPR art. 6(1)(c)"),
        "avg_6_1_e": ("AVG art. 6 lid 1 sub e", "GDPR art. 6(1)(e)"),
        "other": ("Andere wet", "Another law"),
        "unspecified": ("Niet als code vastgelegd", "Not recorded as a code"),
    },
    ErasureReason: {
        "data_subject_request": ("Verzoek van betrokkene", "Data subject's request"),
        "retention_expired": ("Bewaartermijn verstreken", "Retention period expired"),
        "unlawfully_processed": ("Onrechtmatig verwerkt", "Unlawfully processed"),
        "other": _OTHER,
    },
}

LABELS: Mapping[type[StrEnum], Mapping[str, Label]] = MappingProxyType(
    {enum: MappingProxyType(words) for enum, words in _LABELS.items()})


def labelled(enum: type[StrEnum]) -> Mapping[str, Label]:
    """The labels of every code of ``enum`` (KeyError: a vocabulary without labels)."""
    return LABELS[enum]


def label(code: StrEnum, lang: Lang = "nl") -> str:
    """One code in words, Dutch or English."""
    nl, en = LABELS[type(code)][code.value]
    return en if lang == "en" else nl
