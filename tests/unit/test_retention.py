"""Retention rules per data kind: which erasures they refuse, and how a deployment configures them."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from uuid import uuid4

import pytest

from ledger.aggregates import Actor, Household, Member, Personal, errors
from ledger.aggregates.retention import DEFAULT_RULES, RetentionRule, recorded_categories
from ledger.aggregates.vocabulary import DataCategory
from ledger.privacy.retention import RetentionConfigError, load_rules

ACTOR = Actor("u-1", "gemeente-x", "admin")
REFERRED, CLOSED = date(2024, 3, 1), date(2024, 6, 1)
SECRET_NAME = "Griselda Nergensvan"


def household(domains: list[str], *, zrm: dict[str, int] | None = None, close: bool = True) -> Household:
    h = Household.refer(household_id=uuid4(), actor=ACTOR, on=REFERRED, sources=["household_itself"],
                        members=[Member("m1", "adult", Personal(SECRET_NAME))])
    h.hold_intake(actor=ACTOR, on=REFERRED, domains_discussed=domains)
    if zrm:
        h.measure_zrm(actor=ACTOR, on=REFERRED, measurement_id="z1", instrument="2017", moment="intake",
                      scores=zrm, member_id="m1")
    if close:
        h.close(actor=ACTOR, on=CLOSED, reason="goals_achieved")
    return h


def refuses(h: Household, on: date, reason: str, rules: tuple[RetentionRule, ...]) -> errors.RetentionHoldError:
    before = copy.deepcopy(h)
    with pytest.raises(errors.RetentionHoldError) as info:
        h.erase(actor=ACTOR, on=on, reason=reason, rules=rules)
    assert h == before and h.version == before.version
    return info.value


def test_youth_care_file_is_kept_twenty_years_against_routine_destruction() -> None:
    """A file with parenting data: routine destruction is refused until 20 years after closure, then allowed."""
    h = household(["parenting", "finances"])
    exc = refuses(h, date(2044, 5, 31), "retention_expired", DEFAULT_RULES)
    assert "Jeugdwet art. 7.3.8" in str(exc) and "2044-06-01" in str(exc)
    assert SECRET_NAME not in str(exc)
    h.erase(actor=ACTOR, on=date(2044, 6, 1), reason="retention_expired", rules=DEFAULT_RULES)
    assert h.is_erased


def test_default_rules_yield_to_a_data_subject_request() -> None:
    """Jeugdwet art. 7.3.9 and BW 7:455: the client may have the file destroyed before the period ends."""
    h = household(["parenting", "mental_health"])
    h.erase(actor=ACTOR, on=CLOSED, reason="data_subject_request", rules=DEFAULT_RULES)
    assert h.is_erased


def test_an_explicit_hold_blocks_even_a_data_subject_request() -> None:
    """A third party's interest, recorded as a hold by the privacy officer, outweighs the request."""
    h = household(["parenting"])
    h.place_retention_hold(actor=ACTOR, on=CLOSED, hold_id="r1", law="jeugdwet_7_3_9",
                           until=date(2030, 1, 1))
    refuses(h, date(2029, 12, 31), "data_subject_request", DEFAULT_RULES)


def test_a_file_without_a_ruled_kind_is_not_held() -> None:
    """Finances and housing only: no default rule applies, routine destruction proceeds after closure."""
    h = household(["finances", "housing"])
    h.erase(actor=ACTOR, on=CLOSED, reason="retention_expired", rules=DEFAULT_RULES)
    assert h.is_erased


def test_a_rule_that_does_not_yield_blocks_a_request_too() -> None:
    """A configured rule without the right to early destruction refuses every erasure while it runs."""
    rule = RetentionRule("debt_help", frozenset({DataCategory.FINANCES}), 7, "Selectielijst gemeenten 2020")
    h = household(["finances"])
    exc = refuses(h, date(2031, 5, 31), "data_subject_request", (rule,))
    assert "debt_help" in str(exc) and "2031-06-01" in str(exc)
    h.erase(actor=ACTOR, on=date(2031, 6, 1), reason="data_subject_request", rules=(rule,))


def test_health_data_seen_only_in_a_zrm_measurement_counts() -> None:
    """The ZRM mental-health domain makes the file a health-care file under the defaults."""
    h = household(["finances"], zrm={"mental_health": 2, "finances": 1})
    assert DataCategory.MENTAL_HEALTH in recorded_categories(h)
    refuses(h, CLOSED, "retention_expired", DEFAULT_RULES)


def test_recorded_categories_come_from_intake_goals_consents_and_zrm() -> None:
    """Each place where a data category is recorded counts; ZRM-only domains that are no category do not."""
    h = household(["housing"], zrm={"time_use": 3}, close=False)
    h.set_plan_goal(actor=ACTOR, on=REFERRED, goal_id="g1", life_domain="justice", description=Personal("doel"))
    h.grant_consent(actor=ACTOR, on=REFERRED, consent_id="c1", basis="consent", member_id="m1",
                    organisations=["ggd"], data_categories=["addiction"], purpose="coordination",
                    valid_from=REFERRED)
    assert recorded_categories(h) == {DataCategory.HOUSING, DataCategory.JUSTICE, DataCategory.ADDICTION}


def test_leap_day_closure_ends_on_the_28th() -> None:
    """A period from 29 February ends on 28 February of a common year, not a day later."""
    h = Household.refer(household_id=uuid4(), actor=ACTOR, on=date(2024, 2, 1), sources=["household_itself"],
                        members=[Member("m1", "adult", Personal(SECRET_NAME))])
    h.hold_intake(actor=ACTOR, on=date(2024, 2, 1), domains_discussed=["parenting"])
    h.close(actor=ACTOR, on=date(2024, 2, 29), reason="goals_achieved")
    one_year = (RetentionRule("youth_care", frozenset({DataCategory.PARENTING}), 1, "Jeugdwet art. 7.3.8"),)
    exc = refuses(h, date(2025, 2, 27), "retention_expired", one_year)
    assert "2025-02-28" in str(exc)
    h.erase(actor=ACTOR, on=date(2025, 2, 28), reason="retention_expired", rules=one_year)
    assert h.is_erased


# ------------------------------------------------------------ configuration
def test_no_file_means_the_documented_defaults() -> None:
    """Without LEDGER_RETENTION_FILE the two cited default rules apply."""
    assert load_rules(None) == DEFAULT_RULES
    assert {r.kind: (r.years, r.law) for r in DEFAULT_RULES} == {
        "youth_care": (20, "Jeugdwet art. 7.3.8"), "health_care": (20, "BW art. 7:454 lid 3 (WGBO)")}


def test_a_file_replaces_the_defaults(tmp_path: Path) -> None:
    """The file lists every rule in force; an empty file means no rules."""
    f = tmp_path / "retention.toml"
    f.write_text('[[rule]]\nkind = "debt_help"\ncategories = ["finances"]\nyears = 7\n'
                 'law = "Selectielijst gemeenten 2020"\nsource = "archivist"\n')
    (rule,) = load_rules(f)
    assert rule == RetentionRule("debt_help", frozenset({DataCategory.FINANCES}), 7,
                                 "Selectielijst gemeenten 2020", False, "archivist")
    f.write_text("")
    assert load_rules(f) == ()


@pytest.mark.parametrize(("text", "says"), [
    ('[[rule]]\nkind = "x"\ncategories = ["dreams"]\nyears = 3\nlaw = "L"\n', "rule.0.categories.0"),
    ('[[rule]]\nkind = "x"\ncategories = ["finances"]\nyears = -1\nlaw = "L"\n', "rule.0.years"),
    ('[[rule]]\nkind = "x"\ncategories = []\nyears = 1\nlaw = "L"\n', "rule.0.categories"),
    ('[[rule]]\nkind = "x"\ncategories = ["finances"]\nyears = 1\n', "rule.0.law"),
    ('[[rule]]\nkind = "x"\ncategories = ["finances"]\nyears = 1\nlaw = "L"\nyear = 2\n', "rule.0.year"),
    ('[[rule]]\nkind = "x"\ncategories = ["finances"]\nyears = 1\nlaw = "L"\n' * 2, "its own kind"),
    ("[[rule]\n", "not valid TOML"),
])
def test_a_bad_file_is_refused_with_one_line_naming_the_place(tmp_path: Path, text: str, says: str) -> None:
    """A retention file that does not validate never silently means 'no retention'."""
    f = tmp_path / "retention.toml"
    f.write_text(text)
    with pytest.raises(RetentionConfigError) as info:
        load_rules(f)
    assert says in str(info.value) and "\n" not in str(info.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    """A configured file that is not there stops the service rather than dropping the rules."""
    with pytest.raises(RetentionConfigError, match="cannot be read"):
        load_rules(tmp_path / "absent.toml")
