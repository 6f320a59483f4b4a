"""Measurement instruments, as data: one registry.

A measurement names its instrument (a code such as ``2017`` or ``ladder``); a score is
valid only for a domain that instrument has, and only within its scale. Measurements of
different instruments (or versions) are never compared with each other: the evaluation
compares per instrument. Each instrument declares its scale, its domains (code -> Dutch
and English label), how a change is counted (``higher_is_better``: a higher score later
is "up") and, per domain, the canonical life domain it speaks of
(:class:`~ledger.aggregates.vocabulary.LifeDomain`, or ``None`` for a domain that is no
life domain, such as satisfaction with the help).

Adding an instrument is adding an entry here, not a branch anywhere else. Codes are
stable identifiers (at most 16 characters: the views store them); the ZRM keeps the
codes it was stored with (``2013``, ``2017``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .vocabulary import LifeDomain

__all__ = ["INSTRUMENTS", "ZRM_INSTRUMENTS", "Domain", "Instrument", "instrument_of"]

L = LifeDomain


@dataclass(frozen=True, slots=True)
class Domain:
    nl: str
    en: str
    life_domain: LifeDomain | None


@dataclass(frozen=True, slots=True)
class Instrument:
    code: str  # the stored code: "2013", "2017", "ladder", ...
    family: str  # "zrm", "participation_ladder", "satisfaction", "life_score"
    nl: str  # the instrument's name in reports
    en: str
    min_score: int
    max_score: int
    domains: MappingProxyType[str, Domain]  # the core
    supplements: MappingProxyType[str, Domain]  # optional extra domains
    higher_is_better: bool = True  # how a change is counted: later > first is "up" when True

    @property
    def version(self) -> str:  # the ZRM's name for its code, kept for earlier callers
        return self.code

    @property
    def zrm(self) -> bool:
        return self.family == "zrm"

    @property
    def scale(self) -> range:
        return range(self.min_score, self.max_score + 1)

    def has(self, domain: str) -> bool:
        return domain in self.domains or domain in self.supplements

    def domain(self, domain: str) -> Domain:
        return self.domains.get(domain) or self.supplements[domain]

    def label(self, domain: str, lang: str = "nl") -> str:
        d = self.domain(domain)
        return d.en if lang == "en" else d.nl

    def order(self) -> list[str]:
        return [*self.domains, *self.supplements]

    def valid_score(self, score: object) -> bool:
        return isinstance(score, int) and not isinstance(score, bool) and self.min_score <= score <= self.max_score

    def step(self, first: int, later: int) -> int:
        """+1 up (better), 0 same, -1 down (worse), as the instrument counts a change."""
        sign = (later > first) - (later < first)
        return sign if self.higher_is_better else -sign


def _domains(rows: Mapping[str, tuple[str, str, LifeDomain | None]]) -> MappingProxyType[str, Domain]:
    return MappingProxyType({code: Domain(nl, en, life) for code, (nl, en, life) in rows.items()})


def _instrument(code: str, family: str, nl: str, en: str, scale: tuple[int, int],
                domains: Mapping[str, tuple[str, str, LifeDomain | None]],
                supplements: Mapping[str, tuple[str, str, LifeDomain | None]] | None = None) -> Instrument:
    return Instrument(code, family, nl, en, scale[0], scale[1], _domains(domains), _domains(supplements or {}))


_ZRM_2013 = {
    "finances": ("Financiën (inkomen)", "Finances", L.FINANCES),
    "daytime_activities": ("Dagbesteding", "Daytime activities", L.DAYTIME_ACTIVITIES),
    "housing": ("Huisvesting", "Housing", L.HOUSING),
    "domestic_relations": ("Huiselijke relaties", "Domestic relations", L.DOMESTIC_RELATIONS),
    "mental_health": ("Geestelijke gezondheid", "Mental health", L.MENTAL_HEALTH),
    "physical_health": ("Lichamelijke gezondheid", "Physical health", L.PHYSICAL_HEALTH),
    "addiction": ("Verslaving", "Addiction", L.ADDICTION),
    "adl": ("ADL-vaardigheden", "ADL", L.ADL),
    "social_network": ("Sociaal netwerk", "Social network", L.SOCIAL_NETWORK),
    "social_participation": ("Maatschappelijke participatie", "Social participation", L.SOCIAL_PARTICIPATION),
    "justice": ("Justitie", "Justice", L.JUSTICE),
}
_ZRM_2017 = {
    "finances": ("Financiën", "Finances", L.FINANCES),
    "work_and_education": ("Werk & opleiding", "Work & education", L.WORK_AND_EDUCATION),
    "time_use": ("Tijdsbesteding", "Time use", L.DAYTIME_ACTIVITIES),
    "housing": ("Huisvesting", "Housing", L.HOUSING),
    "domestic_relations": ("Huiselijke relaties", "Domestic relations", L.DOMESTIC_RELATIONS),
    "mental_health": ("Geestelijke gezondheid", "Mental health", L.MENTAL_HEALTH),
    "physical_health": ("Lichamelijke gezondheid", "Physical health", L.PHYSICAL_HEALTH),
    "addiction": ("Middelengebruik", "Addiction", L.ADDICTION),
    "basic_adl": ("Basale ADL", "Basic ADL", L.ADL),
    "instrumental_adl": ("Instrumentele ADL", "Instrumental ADL", L.ADL),
    "social_network": ("Sociaal netwerk", "Social network", L.SOCIAL_NETWORK),
    "social_participation": ("Maatschappelijke participatie", "Social participation", L.SOCIAL_PARTICIPATION),
    "justice": ("Justitie", "Justice", L.JUSTICE),
}

INSTRUMENTS: MappingProxyType[str, Instrument] = MappingProxyType({
    "2013": _instrument("2013", "zrm", "ZRM-versie 2013", "ZRM version 2013", (1, 5), _ZRM_2013),
    "2017": _instrument("2017", "zrm", "ZRM-versie 2017", "ZRM version 2017", (1, 5), _ZRM_2017,
                        {"parenting": ("Opvoeding (aanvulling)", "Parenting (supplement)", L.PARENTING)}),
    # Six steps from isolated (1) to paid work (6).
    "ladder": _instrument("ladder", "participation_ladder", "Participatieladder", "Participation ladder", (1, 6),
                          {"participation": ("Participatie", "Participation", L.SOCIAL_PARTICIPATION)}),
    "satisfaction_5": _instrument("satisfaction_5", "satisfaction", "Cliënttevredenheid (1-5)",
                                  "Client satisfaction (1-5)", (1, 5),
                                  {"satisfaction": ("Tevredenheid", "Satisfaction", None)}),
    "satisfaction_10": _instrument("satisfaction_10", "satisfaction", "Cliënttevredenheid (1-10)",
                                   "Client satisfaction (1-10)", (1, 10),
                                   {"satisfaction": ("Tevredenheid", "Satisfaction", None)}),
    "life_score": _instrument("life_score", "life_score", "Levensscore (0-10)", "Life score (0-10)", (0, 10),
                              {"life_score": ("Levensscore", "Life score", None)}),
})
ZRM_INSTRUMENTS: MappingProxyType[str, Instrument] = MappingProxyType(
    {code: i for code, i in INSTRUMENTS.items() if i.zrm})


def instrument_of(code: str) -> Instrument | None:
    return INSTRUMENTS.get(code)
