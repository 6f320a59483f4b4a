"""The ZRM (Zelfredzaamheid-Matrix) instruments, as data.

A measurement names its instrument version; a score is valid only for a domain
that version has. Adding an instrument (the household variant, a supplement) is
adding an entry here, not a branch anywhere else. Domain codes are stable
English identifiers; the Dutch labels are for reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["INSTRUMENTS", "MAX_SCORE", "MIN_SCORE", "Instrument"]

MIN_SCORE, MAX_SCORE = 1, 5


@dataclass(frozen=True, slots=True)
class Instrument:
    version: str
    domains: MappingProxyType[str, str]  # code -> Dutch label, the core matrix
    supplements: MappingProxyType[str, str]  # optional extra domains

    def has(self, domain: str) -> bool:
        return domain in self.domains or domain in self.supplements

    def label(self, domain: str) -> str:
        return self.domains.get(domain) or self.supplements[domain]


def _instrument(
    version: str, domains: dict[str, str], supplements: dict[str, str] | None = None
) -> Instrument:
    return Instrument(version, MappingProxyType(domains), MappingProxyType(supplements or {}))


INSTRUMENTS: MappingProxyType[str, Instrument] = MappingProxyType(
    {
        "2013": _instrument(
            "2013",
            {
                "finances": "Financiën (inkomen)",
                "daytime_activities": "Dagbesteding",
                "housing": "Huisvesting",
                "domestic_relations": "Huiselijke relaties",
                "mental_health": "Geestelijke gezondheid",
                "physical_health": "Lichamelijke gezondheid",
                "addiction": "Verslaving",
                "adl": "ADL-vaardigheden",
                "social_network": "Sociaal netwerk",
                "social_participation": "Maatschappelijke participatie",
                "justice": "Justitie",
            },
        ),
        "2017": _instrument(
            "2017",
            {
                "finances": "Financiën",
                "work_and_education": "Werk & opleiding",
                "time_use": "Tijdsbesteding",
                "housing": "Huisvesting",
                "domestic_relations": "Huiselijke relaties",
                "mental_health": "Geestelijke gezondheid",
                "physical_health": "Lichamelijke gezondheid",
                "addiction": "Middelengebruik",
                "basic_adl": "Basale ADL",
                "instrumental_adl": "Instrumentele ADL",
                "social_network": "Sociaal netwerk",
                "social_participation": "Maatschappelijke participatie",
                "justice": "Justitie",
            },
            supplements={"parenting": "Opvoeding (aanvulling)"},
        ),
    }
)
