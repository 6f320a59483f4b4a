"""A referral of a known household (issue 15), on real SQLite and PostgreSQL.

The BSN blind index is written with the household's key, found without decrypting, erased with
the key; a referrer related to the known household adds the referral there, any other referrer
gets a new household exactly as for an unknown BSN, and the known household's log shows the try.
"""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from conftest import OPERATOR, PRIVACY_OFFICER, Store, erase_four_eyes

from ledger.aggregates import Actor
from ledger.application import NewMember
from ledger.bulk import import_lines, plan_lines

BSN = "999990019"
OTHER_BSN = "999990032"
INTAKE = Actor("u-team", "gemeente-testdorp", "consultant")  # the municipality's intake team (the default addressee)
STRANGER = Actor("u-stranger", "schuldhulp-testdorp", "professional")
DAY = date(2026, 2, 2)


def refer(app, actor=INTAKE, bsn=BSN, sources=("social_work",), on=DAY):
    return app.refer(actor, sources=list(sources), on=on,
                     members=[NewMember("adult", "Anna Testpersoon", bsn=bsn), NewMember("child", "Bo Testpersoon")])


def test_a_referral_writes_its_index_entry_and_the_table_names_nobody(store: Store) -> None:
    ledger = store.make_ledger()
    first = refer(ledger.app)
    entries = ledger.keys.index_entries()
    assert [hid for _, hid in entries] == [str(first.household_id)]  # one member with a BSN: one entry
    assert all(len(d) == 64 and BSN not in d for d, _ in entries)
    assert ledger.keys.find(["999 990 019"]) == [str(first.household_id)]


def test_a_related_referrer_adds_the_referral_to_the_known_household(store: Store) -> None:
    ledger = store.make_ledger()
    first = refer(ledger.app)
    again = refer(ledger.app, sources=["police"], bsn="999.99.0019")
    assert again.already_known and again.household_id == first.household_id and again.version == 2
    household = ledger.app.get_household(OPERATOR, first.household_id)
    assert [s.value for s in household.referral_sources] == ["social_work", "police"]
    assert len(ledger.keys.index_entries()) == 1  # no new household, no new entry
    records = [r for r in ledger.app.access_log(PRIVACY_OFFICER, household_id=first.household_id)
               if r.action == "add_referral"]
    assert [(r.user_id, r.outcome) for r in records] == [("u-team", "allowed")]


def test_an_unrelated_referrer_gets_a_new_household_and_the_known_one_records_the_try(store: Store) -> None:
    ledger = store.make_ledger()
    first = refer(ledger.app)
    theirs = refer(ledger.app, actor=STRANGER, sources=["debt_counselling"])
    unknown = refer(ledger.app, actor=STRANGER, bsn=OTHER_BSN, sources=["debt_counselling"])
    assert not theirs.already_known and theirs.household_id != first.household_id
    assert (theirs.version, theirs.already_known) == (unknown.version, unknown.already_known) == (1, False)
    known = ledger.app.get_household(OPERATOR, first.household_id)
    assert known.version == 1 and known.referral_count == 1  # nothing added to the known household
    tries = [r for r in ledger.app.access_log(PRIVACY_OFFICER, household_id=first.household_id)
             if r.action == "add_referral"]
    assert [(r.user_id, r.outcome) for r in tries] == [("u-stranger", "denied")]
    # the intake team, related to both, is pointed to the first one
    assert refer(ledger.app, sources=["police"]).household_id == first.household_id


def test_an_erased_household_is_not_found_again(store: Store) -> None:
    ledger = store.make_ledger()
    first = refer(ledger.app)
    v = ledger.app.close_case(INTAKE, first.household_id, expected_version=first.version, reason="other", on=DAY)
    erase_four_eyes(ledger.app, first.household_id, v)
    assert ledger.keys.index_entries() == [] and ledger.keys.find([BSN]) == []
    again = refer(ledger.app)
    assert not again.already_known and again.household_id != first.household_id


def test_a_known_closed_case_is_reopened_first(store: Store) -> None:
    import pytest

    from ledger.aggregates import errors

    ledger = store.make_ledger()
    first = refer(ledger.app)
    ledger.app.close_case(INTAKE, first.household_id, expected_version=first.version, reason="other", on=DAY)
    with pytest.raises(errors.CaseClosedError, match="reopen"):
        refer(ledger.app, sources=["police"])
    assert len(ledger.keys.household_ids()) == 1  # no second household either


def test_a_key_whose_referral_never_saved_is_skipped(store: Store) -> None:
    """A crash between the key (and its entry) and the Referred event: the entry finds nobody."""
    ledger = store.make_ledger()
    ledger.keys.create(uuid4(), [BSN])
    made = refer(ledger.app)
    assert not made.already_known and made.version == 1


def test_reindex_rebuilds_the_index_from_the_households(store: Store) -> None:
    ledger = store.make_ledger()
    first = refer(ledger.app)
    refer(ledger.app, bsn=OTHER_BSN)
    before = sorted(ledger.keys.index_entries())
    for _, hid in before:
        ledger.keys.reindex(hid, [])  # lost, e.g. a store made before the index
    assert ledger.keys.index_entries() == []
    assert ledger.app.reindex_bsns(OPERATOR) == (2, 2)
    assert sorted(ledger.keys.index_entries()) == before
    assert ledger.keys.find([BSN]) == [str(first.household_id)]


def test_a_bulk_import_indexes_its_households(store: Store) -> None:
    from ledger.demo import build_plan, register_organisations, register_staff

    ledger = store.make_ledger()
    start, end = date(2025, 1, 6), date(2026, 2, 27)
    register_organisations(ledger, OPERATOR)
    register_staff(ledger, build_plan(households=6, seed=3, start=start, end=end))
    lines = list(plan_lines(households=6, seed=3, start=start, end=end))
    import_lines(ledger.app, lambda: lines, OPERATOR)
    indexed = {hid for _, hid in ledger.keys.index_entries()}
    with_bsn = set()
    for hid in ledger.keys.household_ids():
        household = ledger.app.get_household(OPERATOR, hid)
        if any(m.bsn is not None and m.bsn.value for m in household.members.values()):
            with_bsn.add(hid)
            bsn = next(m.bsn.value for m in household.members.values() if m.bsn is not None and m.bsn.value)
            assert hid in ledger.keys.find([bsn])
    assert with_bsn and indexed == with_bsn
