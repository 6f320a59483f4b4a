"""The own network's rule (docs/evaluation.md, `network`): the latest record by its day, else the intake's."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace as Row

from ledger.reports.disclosure import finish
from ledger.reports.network import network


def referral(hid: str, contacts: int | None, supportive: int | None, intake: date | None = date(2026, 1, 5)) -> Row:
    return Row(household_id=hid, intake_on=intake, network_contacts=contacts, network_supportive=supportive)


def record(hid: str, on: date, position: int, contacts: int, supportive: int) -> Row:
    return Row(household_id=hid, business_on=on, position=position, contacts=contacts, supportive=supportive)


def test_the_latest_day_wins_and_on_one_day_the_later_recorded() -> None:
    referrals = [referral("a", 2, 1), referral("b", 2, 2), referral("c", 1, 1), referral("d", 0, 0),
                 referral("e", None, None, intake=None)]
    records = [record("a", date(2026, 3, 1), 10, 1, 0),  # recorded first but dated later: it wins
               record("a", date(2026, 2, 1), 20, 4, 4),
               record("b", date(2026, 2, 1), 30, 1, 1), record("b", date(2026, 2, 1), 40, 3, 3),  # same day: 40
               record("d", date(2026, 2, 1), 50, 5, 5)]  # d's intake recorded no network: not counted
    got = finish(network(referrals, records))
    assert (got["households"], got["recorded_again"]) == (3, 2)
    assert got["at_intake"] == {"contacts": 5, "supportive": 4, "contacts_per_household": 1.67,
                                "supportive_per_household": 1.33}
    assert got["at_report_date"] == {"contacts": 5, "supportive": 4, "contacts_per_household": 1.67,
                                     "supportive_per_household": 1.33}  # a 1 (0), b 3 (3), c 1 (1): the intake's
    assert (got["supportive_rose"], got["supportive_same"], got["supportive_fell"]) == (1, 1, 1)


def test_nothing_recorded_gives_no_means() -> None:
    got = finish(network([referral("a", None, None, intake=None)], []))
    assert got["households"] == 0 and got["at_intake"]["contacts_per_household"] is None
