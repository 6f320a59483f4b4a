"""Access requests (AVG art. 15), the privacy officer's log, and the policy matrix through the application."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from conftest import OPERATOR, POLICY_MATRIX, FixedClock, Store, answer_access_request, erase_four_eyes
from ledger.aggregates import Actor, errors
from ledger.application import NewMember
from ledger.privacy.access import ALL_CATEGORIES, AccessDeniedError

DIRECTOR = Actor("u-director", "gemeente-testdorp", "consultant")
PRIVACY = Actor("u-fg", "gemeente-testdorp", "privacy_officer")
ORGS = {"director": "gemeente-testdorp", "involved": "ggz-regio", "unrelated": "schuldhulp-testdorp"}
USERS = {"director": "u-director", "involved": "u-ggz", "unrelated": "u-other"}
ALL = [c.value for c in ALL_CATEGORIES]


def new_case(ledger, clock: FixedClock, consent_state: str = "none", organisation: str = "ggz-regio"):
    clock.set(date(2026, 3, 2))
    hid, v = ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], members=[
        NewMember("adult", "Ria Inzage", bsn="999990019", birth_date="1980-02-03", phone="06-00009999")])
    v = ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["housing"])
    v = ledger.app.assign_case_director(OPERATOR, hid, expected_version=v, user_id=USERS["director"],
                                       organisation=ORGS["director"])
    _, v = ledger.app.start_involvement(OPERATOR, hid, expected_version=v, kind="professional",
                                        organisation=ORGS["involved"], discipline="mental_health_care",
                                        worker_id=USERS["involved"])
    if consent_state != "none":
        grant = dict(basis="consent", member_id="m1", organisations=[organisation], data_categories=ALL,
                     purpose="coordination")
        if consent_state == "expired":
            grant["valid_until"] = date(2026, 3, 10)
        if consent_state == "wrong_category":
            grant["data_categories"] = ["housing"]
        if consent_state == "wrong_purpose":
            grant["purpose"] = "evaluation"
        consent_id, v = ledger.app.grant_consent(OPERATOR, hid, expected_version=v, **grant)
        if consent_state == "withdrawn":
            v = ledger.app.withdraw_consent(OPERATOR, hid, expected_version=v, consent_id=consent_id)
    clock.set(date(2026, 4, 1))
    return hid, v




@pytest.mark.parametrize(("role", "relationship", "consent_state"), POLICY_MATRIX)
def test_every_read_is_decided_by_the_policy_and_recorded(
    store: Store, clock: FixedClock, role: str, relationship: str, consent_state: str
) -> None:
    """A full read is allowed only to the director or an involved worker under consent in force, and always recorded."""
    ledger = store.make_ledger(clock=clock)
    user = Actor(USERS[relationship], ORGS[relationship], role)
    hid, _ = new_case(ledger, clock, consent_state, ORGS[relationship])
    expected = relationship != "unrelated" and consent_state == "in_force"
    if expected:
        assert ledger.app.get_household(user, hid).members["m1"].name.value == "Ria Inzage"
    else:
        with pytest.raises(AccessDeniedError):
            ledger.app.get_household(user, hid)
    log = ledger.app.access_log(PRIVACY, household_id=hid, user_id=user.user_id)
    assert [(r.action, r.outcome, r.role) for r in log] == [
        ("read_household", "allowed" if expected else "denied", role)]


def test_an_access_request_export_names_the_data_and_who_saw_it(store: Store, clock: FixedClock) -> None:
    """The export holds personal fields under plain keys and the household's access records in order."""
    ledger = store.make_ledger(clock=clock)
    hid, _ = new_case(ledger, clock, "in_force")
    ggz = Actor(USERS["involved"], ORGS["involved"], "professional")
    ledger.app.get_household(ggz, hid)
    clock.set(date(2026, 4, 20))
    export = answer_access_request(ledger.app, hid, PRIVACY)
    member = export["household"]["referral"]["members"][0]
    assert (member["name"], member["bsn"], member["birth_date"], member["phone"]) == (
        "Ria Inzage", "999990019", "1980-02-03", "06-00009999")
    seen = [(a["user_id"], a["action"], a["outcome"]) for a in export["accessed_by"]]
    assert ("u-ggz", "read_household", "allowed") in seen
    # the request and the export answering it are recorded, in the household's own log
    assert seen[-2:] == [("u-fg", "record_access_request", "allowed"), ("u-fg", "export_household", "allowed")]
    assert export["accessed_by"][-1]["authorisation"].startswith("avg_art_15:")  # names the request it answers
    times = [a["at"] for a in export["accessed_by"]]
    assert times == sorted(times)
    since = answer_access_request(ledger.app, hid, PRIVACY, since=datetime(2026, 4, 15, tzinfo=UTC))
    assert [a["action"] for a in since["accessed_by"]] == [
        "record_access_request", "export_household", "record_access_request", "export_household"]


def test_after_erasure_the_export_shows_erased_data_and_the_access_records_remain(store: Store, clock: FixedClock) -> None:
    """Erasure leaves a pseudonymous trail: who accessed the household is still answerable."""
    ledger = store.make_ledger(clock=clock)
    hid, v = new_case(ledger, clock, "in_force")
    ledger.app.get_household(Actor(USERS["involved"], ORGS["involved"], "professional"), hid)
    before = len(ledger.app.access_log(PRIVACY, household_id=hid))
    v = ledger.app.close_case(DIRECTOR, hid, expected_version=v, reason="goals_achieved")
    erase_four_eyes(ledger.app, hid, v)
    export = answer_access_request(ledger.app, hid, PRIVACY)
    assert export["household"]["erased"] is True
    assert export["household"]["referral"]["members"][0]["name"] is None
    assert len(export["accessed_by"]) >= before + 3  # earlier records kept; closure, request, erasure added
    assert "Ria" not in str(export)


def test_only_the_privacy_officer_reads_the_access_log(store: Store, clock: FixedClock) -> None:
    """A consultant asking for the access log is refused (and that is recorded); case content stays closed to the officer."""
    ledger = store.make_ledger(clock=clock)
    hid, _ = new_case(ledger, clock)
    with pytest.raises(AccessDeniedError):
        ledger.app.access_log(DIRECTOR)
    with pytest.raises(AccessDeniedError):
        ledger.app.get_household(PRIVACY, hid)
    denied = [(r.user_id, r.action) for r in ledger.app.access_log(PRIVACY) if r.outcome == "denied"]
    assert denied == [("u-director", "read_access_log"), ("u-fg", "read_household")]


def test_a_configured_retention_rule_refuses_erasure_and_changes_nothing(
    store: Store, clock: FixedClock, tmp_path
) -> None:
    """The deployment's retention file (housing kept 10 years, no early destruction) blocks an admin's erasure."""
    rules = tmp_path / "retention.toml"
    rules.write_text('[[rule]]\nkind = "housing_support"\ncategories = ["housing"]\nyears = 10\n'
                     'law = "Selectielijst gemeenten 2020"\n')
    ledger = store.make_ledger(clock=clock, retention_file=rules)
    hid, v = new_case(ledger, clock, "in_force")
    v = ledger.app.close_case(DIRECTOR, hid, expected_version=v, reason="goals_achieved")
    admin = Actor("u-admin", "gemeente-testdorp", "admin")
    _, v = ledger.app.request_erasure(PRIVACY, hid, expected_version=v, reason="data_subject_request")
    with pytest.raises(errors.RefusedError) as refused:  # the admin reads no case content (issue 16 item 5) ...
        ledger.app.erase_household(admin, hid, expected_version=v, reason="data_subject_request")
    assert "housing" not in str(refused.value)
    with pytest.raises(errors.RetentionHoldError, match="housing_support .*2036-04-01"):  # ... the operator sees it
        ledger.app.erase_household(OPERATOR, hid, expected_version=v, reason="data_subject_request")
    assert [r.reason for r in ledger.app.access_log(PRIVACY, household_id=hid, user_id="u-admin")] == [
        "Refused by a rule of the case: retention-hold."]  # and the privacy officer reads the rule's code
    assert str(hid) in ledger.keys.wrapped_keys()  # the key, and so the data, survive
    assert answer_access_request(ledger.app, hid, PRIVACY)["household"]["referral"]["members"][0]["name"] == "Ria Inzage"
    clock.set(date(2036, 4, 1))
    ledger.app.erase_household(admin, hid, expected_version=v, reason="retention_expired")
    assert str(hid) not in ledger.keys.wrapped_keys()
