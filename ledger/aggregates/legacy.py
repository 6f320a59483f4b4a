"""How free text stored by earlier releases reads in fields that now hold codes.

Until issue 12 item 10, organisation, discipline, network relation, legal
reference, worker and erasure-reason fields took any text and were stored in
clear. Commands now accept only codes and ids; stored rows are never changed
(docs/architecture.md, "Event schema changes (upcasting)"), so these readers
turn an old stored value into today's type as it is decoded. They run inside the
value object's decoding (:meth:`ValueObject.from_stored`), so an event, a snapshot
and a replay read the same value, wherever the value object sits.

Pure, like every upcaster: no lookups, nothing invented. A value that is already
a code reads unchanged (so data written today is untouched); recognisable old
text becomes its code; anything else becomes an explicit code that says so
(``other``, ``unspecified``, ``unregistered``) or ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .codes import is_organisation_id, is_user_id
from .vocabulary import Discipline, ErasureReason, HouseholdComposition, LegalReference, LifeDomain, NetworkRelation

__all__ = [
    "UNREGISTERED",
    "read_composition",
    "read_discipline",
    "read_erasure_reason",
    "read_legal_reference",
    "read_life_domain",
    "read_organisation",
    "read_organisations",
    "read_relation",
    "read_user_id",
]

UNREGISTERED = "unregistered"  # an old organisation text that makes no organisation id

# Old free text seen in the demo and in earlier releases' tests, by its lower-case form.
_DISCIPLINES: dict[str, Discipline] = {
    "schuldhulpverlening": Discipline.DEBT_COUNSELLING, "schuldhulp": Discipline.DEBT_COUNSELLING,
    "budgetbeheer": Discipline.BUDGET_MANAGEMENT, "inkomensconsulent": Discipline.INCOME_SUPPORT,
    "klantmanager": Discipline.INCOME_SUPPORT, "maatschappelijk werk": Discipline.SOCIAL_WORK,
    "social work": Discipline.SOCIAL_WORK, "ggz": Discipline.MENTAL_HEALTH_CARE,
    "ambulante ggz": Discipline.MENTAL_HEALTH_CARE, "verslavingszorg": Discipline.ADDICTION_CARE,
    "jeugdhulp": Discipline.YOUTH_CARE, "jeugdverpleegkundige": Discipline.YOUTH_HEALTH_CARE,
    "leerplichtambtenaar": Discipline.SCHOOL_ATTENDANCE, "woonconsulent": Discipline.HOUSING,
    "reclassering": Discipline.PROBATION, "praktijkondersteuner": Discipline.GENERAL_PRACTICE,
    "huisarts": Discipline.GENERAL_PRACTICE, "wijkverpleging": Discipline.DISTRICT_NURSING,
    "opbouwwerk": Discipline.COMMUNITY_WORK, "wmo-consulent": Discipline.WMO_CONSULTANT,
    "maatje": Discipline.BUDDY, "thuisadministratie": Discipline.HOME_ADMINISTRATION,
    "klussendienst": Discipline.ODD_JOBS, "gezinsondersteuning": Discipline.FAMILY_SUPPORT,
}
_RELATIONS: dict[str, NetworkRelation] = {
    "oma": NetworkRelation.GRANDMOTHER, "opa": NetworkRelation.GRANDFATHER, "buurman": NetworkRelation.NEIGHBOUR,
    "buurvrouw": NetworkRelation.NEIGHBOUR, "vriend": NetworkRelation.FRIEND, "vriendin": NetworkRelation.FRIEND,
    "oom": NetworkRelation.UNCLE, "tante": NetworkRelation.AUNT, "broer": NetworkRelation.SIBLING,
    "zus": NetworkRelation.SIBLING,
}
# The composition kinds referrals held until issue 15, by what each established (nothing more):
# one adult and no child lived alone; two adults without children were recorded as a couple and
# two with children as two parents; one adult with children was a single parent, mother or father
# not recorded.
_COMPOSITIONS: dict[str, HouseholdComposition] = {
    "single_adult": HouseholdComposition.SINGLE, "couple": HouseholdComposition.COUPLE_WITHOUT_CHILDREN,
    "two_parents": HouseholdComposition.COUPLE_WITH_CHILDREN,
    "single_parent": HouseholdComposition.SINGLE_PARENT_NOT_RECORDED,
}
# "Jeugdwet art. 7.3.9 lid 3" -> jeugdwet_7_3_9; "BW art. 7:454 lid 3 (WGBO)" -> bw_7_454.
_CITATION = re.compile(r"(jeugdwet|wmo 2015|bw)\s+(?:art(?:ikel)?\.?\s*)?(\d+(?:[.:]\d+)*)")


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


def _code_or(enum: type, value: Any, table: dict[str, Any], fallback: Any) -> Any:
    if isinstance(value, enum):
        return value
    if not isinstance(value, str):
        return fallback
    try:
        return enum(value)
    except ValueError:
        return table.get(_plain(value), fallback)


def read_discipline(value: Any) -> Discipline:
    return _code_or(Discipline, value, _DISCIPLINES, Discipline.OTHER)


def read_relation(value: Any) -> NetworkRelation:
    return _code_or(NetworkRelation, value, _RELATIONS, NetworkRelation.OTHER)


def read_composition(value: Any) -> HouseholdComposition:
    """Today's codes as they are; an old kind as the category it established (``single_parent``: not recorded)."""
    if isinstance(value, HouseholdComposition):
        return value
    old = _COMPOSITIONS.get(value) if isinstance(value, str) else None
    return old if old is not None else _code_or(HouseholdComposition, value, {}, HouseholdComposition.OTHER)


def read_erasure_reason(value: Any) -> ErasureReason:
    return _code_or(ErasureReason, value, {}, ErasureReason.OTHER)


def read_legal_reference(value: Any) -> LegalReference | None:
    if value is None or isinstance(value, LegalReference):
        return value
    text = _plain(str(value))
    try:
        return LegalReference(text)
    except ValueError:
        pass
    found = _CITATION.match(text)
    if found:
        code = f"{found[1]}_{found[2]}".replace(" ", "_").replace(".", "_").replace(":", "_")
        if code in LegalReference._value2member_map_:
            return LegalReference(code)
    return LegalReference.UNSPECIFIED


def read_organisation(value: Any) -> Any:
    """An id as it is; an old name as the id the rename rule gives ("GGZ Regio" -> "ggz-regio")."""
    if value is None or is_organisation_id(value):
        return value
    ascii_ = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return slug if is_organisation_id(slug) else UNREGISTERED


def read_organisations(value: Any) -> Any:
    if value is None:
        return value
    return tuple(dict.fromkeys(read_organisation(v) for v in value))


def read_user_id(value: Any) -> str | None:
    """A user id as it is; old text that is no user id was not one: ``None`` (not recorded)."""
    return value if value is None or is_user_id(value) else None


def read_life_domain(value: Any) -> LifeDomain:
    """A goal's life domain; until issue 15 goals took any data category code.

    A code that is a canonical life domain reads as itself (the category codes that are
    life domains are the same strings); any other stored category (``plan``, ``identity``,
    ``zrm``, ...) says nothing about a life domain and reads as ``unspecified``.
    """
    return _code_or(LifeDomain, value, {}, LifeDomain.UNSPECIFIED)
