"""A household's composition in the six categories municipalities report (issue 15; pure).

Derived from the members (their roles) and the relations between them where the referral (or a
revision) gives relations; given explicitly otherwise, and an explicit composition overrides the
derived one. docs/evaluation.md ("Household composition") states the rules; each has a unit test.

With relations, ``children`` are the members whose role is ``child``:

* no child: one adult is ``single``; an adult whose every other member is their mother or father
  is ``single`` too (living with their parents); two adults who are partners are
  ``couple_without_children``; anything else ``other``;
* with children: exactly two adults who are partners are ``couple_with_children`` (a stepparent
  counts); one adult who is the mother of every child is ``mother_with_children``, the father of
  every child ``father_with_children``; anything else (a grandparent, an aunt, three adults, a
  parent of some of the children only) ``other``.

Without relations, the roles alone decide as they did before issue 15: one adult alone
``single``, two adults ``couple_without_children``, two adults with children
``couple_with_children``, one adult with children ``single_parent_not_recorded`` (mother or father
is not known), anything else ``other``; ``single_parent_not_recorded`` is never accepted as input.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import errors
from .codes import checked_code
from .values import Member, Relation
from .vocabulary import KEPT, HouseholdComposition, MemberRelation, MemberRole

__all__ = ["checked_composition", "checked_relations", "derive_composition"]

HC = HouseholdComposition
_PARENT = (MemberRelation.MOTHER_OF, MemberRelation.FATHER_OF)


def checked_composition(value: Any) -> HouseholdComposition | None:
    """A composition a command may give (None: none given); ``single_parent_not_recorded`` is refused."""
    if value is None:
        return None
    kept = KEPT[HC]
    if value == HC.SINGLE_PARENT_NOT_RECORDED:
        allowed = ", ".join(c.value for c in HC if c not in kept)
        raise errors.InvalidInputError("The composition 'single_parent_not_recorded' is kept for referrals that did "
                                       f"not say mother or father; expected one of: {allowed}.")
    return checked_code(HC, value, "household composition", kept=kept)


def checked_relations(relations: Iterable[Relation], members: Iterable[Member]) -> tuple[Relation, ...]:
    """The relations, each between two different known members, once; parents and partners adults."""
    roles = {m.member_id: m.role for m in members}
    out: list[Relation] = []
    seen: set[tuple[str, ...]] = set()
    for r in relations:
        member, to, kind = r.member_id, r.to_member_id, checked_code(MemberRelation, r.relation, "member relation")
        for who in (member, to):
            if who not in roles:
                raise errors.RelationError(f"A relation names member {errors.shown(who)}, who is not in the "
                                               "household.")
        if member == to:
            raise errors.RelationError(f"Member {errors.shown(member)} cannot be related to themselves.")
        if roles[member] != MemberRole.ADULT or (kind == MemberRelation.PARTNER_OF and roles[to] != MemberRole.ADULT):
            raise errors.RelationError(f"A {kind.value} relation needs an adult (member {errors.shown(member)}).")
        key = (*sorted((member, to)), kind.value) if kind == MemberRelation.PARTNER_OF else (member, to, kind.value)
        if key in seen:
            continue
        seen.add(key)
        out.append(Relation(member, kind, to))
    parents: dict[tuple[str, MemberRelation], str] = {}
    for r in out:
        if r.relation in _PARENT:
            other = parents.setdefault((r.to_member_id, r.relation), r.member_id)
            if other != r.member_id:
                raise errors.RelationError(f"Member {errors.shown(r.to_member_id)} has two {r.relation.value} "
                                               "relations.")
    return tuple(out)


def derive_composition(members: Iterable[Member], relations: Iterable[Relation]) -> HouseholdComposition:
    """The category the members and their relations give (the module's rules)."""
    members, relations = tuple(members), tuple(relations)
    adults = [m.member_id for m in members if m.role == MemberRole.ADULT]
    children = [m.member_id for m in members if m.role != MemberRole.ADULT]
    if not relations:
        return {(1, False): HC.SINGLE, (2, False): HC.COUPLE_WITHOUT_CHILDREN, (1, True): HC.SINGLE_PARENT_NOT_RECORDED,
                (2, True): HC.COUPLE_WITH_CHILDREN}.get((len(adults), bool(children)), HC.OTHER)
    partners = {frozenset((r.member_id, r.to_member_id)) for r in relations if r.relation == MemberRelation.PARTNER_OF}
    of = {(r.member_id, r.to_member_id): r.relation for r in relations if r.relation in _PARENT}
    couple = len(adults) == 2 and frozenset(adults) in partners
    if not children:
        if len(adults) == 1:
            return HC.SINGLE
        if couple:
            return HC.COUPLE_WITHOUT_CHILDREN
        everyone = {m.member_id for m in members}
        for adult in adults:  # an adult living with their parents: every other member is their mother or father
            if all((other, adult) in of for other in everyone - {adult}):
                return HC.SINGLE
        return HC.OTHER
    if couple:
        return HC.COUPLE_WITH_CHILDREN
    if len(adults) == 1:
        kinds = {of.get((adults[0], child)) for child in children}
        if kinds == {MemberRelation.MOTHER_OF}:
            return HC.MOTHER_WITH_CHILDREN
        if kinds == {MemberRelation.FATHER_OF}:
            return HC.FATHER_WITH_CHILDREN
    return HC.OTHER
