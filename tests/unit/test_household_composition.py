"""Household composition in the six categories municipalities report (issue 15): one test per rule.

Derived from members and relations (ledger/aggregates/composition.py), given explicitly
otherwise (an explicit composition overrides the derived one), and revisable
(``Household.CompositionRevised``). No storage.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest
from household_builders import ACTOR, CLOSED_ON, DAY, REFERRED

from ledger.aggregates import Household, Member, Personal, errors
from ledger.aggregates.values import Relation
from ledger.aggregates.vocabulary import HouseholdComposition as HC

ROLES = {"a": "adult", "c": "child"}


def household(roles: str, *relations: str, composition: str | None = None) -> Household:
    """``roles`` one letter per member (a adult, c child: m1, m2, ...); relations as "m1 mother_of m2"."""
    people = [Member(f"m{i}", ROLES[r], Personal(f"Lid {i}")) for i, r in enumerate(roles, start=1)]
    return Household.refer(household_id=uuid4(), actor=ACTOR, on=REFERRED, sources=["social_work"], members=people,
                           relations=[relation(r) for r in relations], composition=composition)


def relation(text: str) -> Relation:
    member, kind, to = text.split()
    return Relation(member, kind, to)  # the value object parses the code (an unknown one: refused)


# ------------------------------------------------------------------ derived from members and relations
def test_one_adult_alone_is_single() -> None:
    assert household("a").composition == HC.SINGLE


def test_an_adult_living_with_their_parents_is_single() -> None:
    """Every other member is the adult's mother or father: single, as municipalities count it."""
    h = household("aaa", "m2 mother_of m1", "m3 father_of m1", "m2 partner_of m3")
    assert h.composition == HC.SINGLE


def test_two_adult_partners_without_children_are_a_couple_without_children() -> None:
    assert household("aa", "m1 partner_of m2").composition == HC.COUPLE_WITHOUT_CHILDREN


def test_two_adult_partners_with_children_are_a_couple_with_children() -> None:
    """A stepparent counts: the two adults are partners, one is the children's parent."""
    assert household("aacc", "m1 partner_of m2", "m1 mother_of m3", "m1 mother_of m4").composition == (
        HC.COUPLE_WITH_CHILDREN)


def test_one_adult_who_is_mother_of_every_child_is_mother_with_children() -> None:
    assert household("acc", "m1 mother_of m2", "m1 mother_of m3").composition == HC.MOTHER_WITH_CHILDREN


def test_one_adult_who_is_father_of_every_child_is_father_with_children() -> None:
    assert household("ac", "m1 father_of m2").composition == HC.FATHER_WITH_CHILDREN


@pytest.mark.parametrize(("roles", "relations"), [
    ("acc", ("m1 mother_of m2",)),  # the parent of one child only (the other: a grandchild, a foster child)
    ("aac", ("m1 father_of m3",)),  # two adults, not partners, with a child
    ("aaac", ("m1 partner_of m2", "m1 mother_of m4")),  # three adults
    ("aaa", ("m1 partner_of m2",)),  # a couple and another adult
])
def test_anything_else_is_other(roles: str, relations: tuple[str, ...]) -> None:
    assert household(roles, *relations).composition == HC.OTHER


def test_an_adult_whose_only_other_member_is_their_mother_is_single() -> None:
    assert household("aa", "m1 mother_of m2").composition == HC.SINGLE


def test_two_adults_who_are_not_partners_and_not_parent_and_child_are_other() -> None:
    """Two siblings, say: a relation between others does not make them a couple."""
    assert household("aac", "m1 mother_of m3", "m2 father_of m3").composition == HC.OTHER


# ------------------------------------------------------------------ without relations: the roles alone
@pytest.mark.parametrize(("roles", "expected"), [
    ("a", HC.SINGLE), ("aa", HC.COUPLE_WITHOUT_CHILDREN), ("aac", HC.COUPLE_WITH_CHILDREN),
    ("ac", HC.SINGLE_PARENT_NOT_RECORDED), ("aaa", HC.OTHER), ("c", HC.OTHER),
])
def test_without_relations_the_roles_decide_and_a_single_parent_is_not_recorded(roles: str, expected: HC) -> None:
    """As before issue 15; one adult with children cannot say mother or father: its own code, not a guess."""
    assert household(roles).composition == expected


# ------------------------------------------------------------------ given explicitly
def test_an_explicit_composition_overrides_the_derived_one() -> None:
    h = household("ac", "m1 mother_of m2", composition="other")
    assert h.composition == HC.OTHER and h.referral.composition == HC.OTHER
    assert household("ac", composition="father_with_children").composition == HC.FATHER_WITH_CHILDREN


def test_not_recorded_is_never_input() -> None:
    with pytest.raises(errors.InvalidInputError, match="single_parent_not_recorded"):
        household("ac", composition="single_parent_not_recorded")


def test_a_composition_outside_the_six_is_refused() -> None:
    with pytest.raises(errors.InvalidInputError):
        household("ac", composition="single_parent")


# ------------------------------------------------------------------ relations are checked
@pytest.mark.parametrize(("roles", "relation"), [
    ("ac", "m1 mother_of m9"),  # an unknown member
    ("ac", "m9 mother_of m1"),
    ("ac", "m1 mother_of m1"),  # oneself
    ("ac", "m2 mother_of m1"),  # a child as parent
    ("ac", "m1 partner_of m2"),  # a child as partner
])
def test_a_relation_the_household_cannot_hold_is_refused(roles: str, relation: str) -> None:
    with pytest.raises(errors.RelationError):
        household(roles, relation)


def test_a_child_has_one_mother() -> None:
    with pytest.raises(errors.RelationError):
        household("aac", "m1 mother_of m3", "m2 mother_of m3")


def test_an_unknown_relation_code_is_refused() -> None:
    with pytest.raises(errors.InvalidInputError):
        household("ac", "m1 aunt_of m2")


def test_relations_are_kept_with_the_referral_as_codes_and_partner_of_once() -> None:
    h = household("aa", "m1 partner_of m2", "m2 partner_of m1")
    assert h.referral.relations == (relation("m1 partner_of m2"),)


# ------------------------------------------------------------------ revised
def test_new_relations_revise_the_composition_derived_from_them() -> None:
    h = household("ac")
    assert h.composition == HC.SINGLE_PARENT_NOT_RECORDED
    h.revise_composition(actor=ACTOR, on=DAY, relations=[relation("m1 mother_of m2")])
    assert h.composition == HC.MOTHER_WITH_CHILDREN
    assert h.referral.composition == HC.SINGLE_PARENT_NOT_RECORDED  # at referral it stays what it was
    event = h.collect_events()[-1]
    assert isinstance(event, Household.CompositionRevised)
    assert (event.on, event.composition, len(event.relations or ())) == (DAY, HC.MOTHER_WITH_CHILDREN, 1)


def test_a_given_composition_revises_it_and_keeps_the_relations() -> None:
    h = household("aac", "m1 partner_of m2", "m1 mother_of m3")
    h.revise_composition(actor=ACTOR, on=DAY, composition="mother_with_children")
    assert h.composition == HC.MOTHER_WITH_CHILDREN
    assert h.relations == h.referral.relations
    assert h.collect_events()[-1].relations is None  # unchanged


def test_a_revision_gives_something() -> None:
    with pytest.raises(errors.InvalidInputError):
        household("a").revise_composition(actor=ACTOR, on=DAY)


def test_a_revision_is_not_dated_before_the_previous_one_nor_the_referral() -> None:
    h = household("ac")
    h.revise_composition(actor=ACTOR, on=DAY, composition="father_with_children")
    with pytest.raises(errors.RuleViolationError):
        h.revise_composition(actor=ACTOR, on=DAY - timedelta(days=1), composition="mother_with_children")
    with pytest.raises(errors.DateBeforeReferralError):
        household("ac").revise_composition(actor=ACTOR, on=REFERRED - timedelta(days=1), composition="other")


def test_a_revision_refuses_not_recorded_and_a_closed_case() -> None:
    h = household("ac")
    with pytest.raises(errors.InvalidInputError):
        h.revise_composition(actor=ACTOR, on=DAY, composition="single_parent_not_recorded")
    h.close(actor=ACTOR, on=CLOSED_ON, reason="goals_achieved")
    with pytest.raises(errors.CaseClosedError):
        h.revise_composition(actor=ACTOR, on=date(2024, 7, 1), composition="other")
