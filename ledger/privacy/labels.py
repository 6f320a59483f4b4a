"""The privacy layer's vocabularies in words, beside the domain's: one table of every code's labels.

``LABELS`` is :data:`ledger.aggregates.labels.LABELS` plus the vocabularies the privacy layer
declares: roles, organisation kinds, relationships, the reasons a read withholds a category, and
the access request's and review's codes. The OpenAPI document (``ledger.api.codes``) reads this one.
Plain words only: no personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from ledger.aggregates.labels import LABELS as DOMAIN_LABELS
from ledger.aggregates.labels import Label

from .access import IdentityCheck, Requester, ReviewVerdict
from .policy import Relationship, Role, Withheld
from .users import OrganisationKind

__all__ = ["LABELS", "PRESET_LABELS"]

_PRIVACY: dict[type[StrEnum], dict[str, Label]] = {
    Role: {
        "consultant": ("Regisseur (casusregisseur, sociaal makelaar)", "Case director (consultant)"),
        "professional": ("Professional", "Professional"),
        "privacy_officer": ("Functionaris gegevensbescherming", "Privacy officer"),
        "evaluator": ("Evaluator", "Evaluator"),
        "admin": ("Beheerder", "Administrator"),
        "operator": ("Operator (lokaal, op de gegevens)", "Operator (local, on the data)"),
    },
    OrganisationKind: {
        "municipality": ("Gemeente", "Municipality"),
        "partner": ("Partnerorganisatie", "Partner organisation"),
    },
    Relationship: {
        "director": ("Regisseur van het huishouden", "The household's case director"),
        "involved": ("Betrokken", "Involved"),
        "intake_team": ("Intaketeam (nog geen regisseur)", "Intake team (no director yet)"),
        "unrelated": ("Geen relatie", "Unrelated"),
    },
    Withheld: {
        "no_consent": ("Geen toestemming of grondslag", "No consent or legal basis"),
        "not_in_force": ("Toestemming niet (meer) van kracht", "Consent not in force"),
        "erased": ("Gewist", "Erased"),
    },
    Requester: {
        "data_subject": ("Betrokkene zelf", "The data subject"),
        "legal_representative": ("Wettelijk vertegenwoordiger", "Legal representative"),
    },
    IdentityCheck: {
        "id_document_in_person": ("Identiteitsbewijs aan de balie", "ID document, in person"),
        "digid": ("DigiD", "DigiD"),
        "known_representative": ("Bekende vertegenwoordiger", "Known representative"),
        "other_verified": ("Anders geverifieerd", "Otherwise verified"),
    },
    ReviewVerdict: {
        "justified": ("Terecht", "Justified"),
        "unjustified": ("Onterecht", "Unjustified"),
    },
}

LABELS: Mapping[type[StrEnum], Mapping[str, Label]] = MappingProxyType(
    {**DOMAIN_LABELS, **{enum: MappingProxyType(words) for enum, words in _PRIVACY.items()}})

# The consent presets (ledger.privacy.presets.CONSENT_PRESETS): one word for a set of data categories.
PRESET_LABELS: Mapping[str, Label] = MappingProxyType({
    "coordination": ("Regie: wat de regisseur en het intaketeam gebruiken",
                     "Coordination: what the case director and the intake team work with"),
    "life_domains": ("Alle leefgebieden", "Every life domain"),
    "all": ("Alle gegevenscategorieën", "Every data category"),
})
