"""The household presenter names every field it shows, and the API's schema describes exactly that (issue 13 item 4).

The presenter (ledger/presenters.py) is the API's and the AVG export's view of a household. It
used to be ``vars()`` of the aggregate, so renaming an attribute changed both silently; now each
attribute is presented or excluded with a reason, and these tests fail when the aggregate gains,
loses or renames one the presenter does not name.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
from datetime import date
from uuid import uuid4

from ledger.aggregates import Actor, Household, Member, NetworkContact, Personal, StaffRef
from ledger.aggregates.values import Relation
from ledger.api.schemas import ActorOut, EventOut, HouseholdOut
from ledger.aggregates.vocabulary import DataCategory
from ledger.presenters import HOUSEHOLD_EXCLUDED, HOUSEHOLD_FIELDS, event_view, household_view
from ledger.privacy.policy import Withheld

ACTOR = Actor("u-100", "gemeente-x", "case_worker")
ON = date(2024, 3, 1)
DAY = date(2024, 3, 15)
LATER = date(2024, 7, 1)


def _household() -> Household:
    """A household with one of everything the state holds, closed (not erased)."""
    h = Household.refer(
        household_id=uuid4(), actor=ACTOR, on=ON, sources=["social_work"],
        members=[Member("m1", "adult", Personal("Synthetic Adult"), Personal("999990019"), Personal("1981-07-13")),
                 Member("m2", "child", Personal("Synthetic Child"))],
        address=Personal("Synthetic Street 1"), reason=Personal("synthetic reason"),
    )
    h.hold_intake(actor=ACTOR, on=ON, domains_discussed=["finances", "housing"],
                  network=[NetworkContact("grandmother", Personal("Synthetic Gran"))], agencies_involved=["ggd"],
                  summary=Personal("synthetic summary"))
    h.decide_coordination(actor=ACTOR, on=DAY, outcome="volunteers_deployed", rationale=Personal("why"))
    h.assign_case_director(actor=ACTOR, on=DAY, director=StaffRef("u-200", "gemeente-x"))
    h.grant_consent(actor=ACTOR, on=DAY, consent_id="c1", basis="consent", member_id="m1", organisations=["ggd"],
                    data_categories=["finances"], purpose="coordination", valid_from=DAY)
    h.measure_zrm(actor=ACTOR, on=DAY, measurement_id="z1", instrument="2017", moment="intake",
                  scores={"finances": 2}, member_id="m1")
    h.set_plan_goal(actor=ACTOR, on=DAY, goal_id="g1", life_domain="finances", description=Personal("goal"))
    h.add_plan_action(actor=ACTOR, on=DAY, action_id="a1", goal_id="g1", description=Personal("step"),
                      performer_kind="professional", organisation="ggd", due_on=LATER)
    h.start_involvement(actor=ACTOR, on=DAY, involvement_id="i1", kind="professional", organisation="ggd",
                        discipline="social_work", worker_id="w-1", contact_name=Personal("Synthetic Worker"))
    h.raise_escalation(actor=ACTOR, on=DAY, escalation_id="e1", level="work_table", reason=Personal("stuck"))
    h.record_cost(actor=ACTOR, on=DAY, cost_id="k1", kind="intervention", stream="care", amount_eur="1250.00",
                  period_start=ON, period_end=DAY, description=Personal("cost"))
    h.hold_evaluation(actor=ACTOR, on=DAY, evaluation_id="v1", conclusion="continue", notes=Personal("notes"))
    h.hand_over(actor=ACTOR, on=DAY, to_organisation="ggd", notes=Personal("handover notes"))
    h.record_drop_out(actor=ACTOR, on=DAY, kind="drop_out", reason=Personal("gone"))
    h.close(actor=ACTOR, on=DAY, reason="goals_achieved")
    h.place_retention_hold(actor=ACTOR, on=DAY, hold_id="r1", law="jeugdwet_7_3_8", until=LATER)
    h.request_erasure(actor=ACTOR, on=DAY, request_id="q1", reason="data_subject_request")
    return h


def _erased() -> Household:
    h = _household()
    h.retention_holds.clear()  # a test shortcut: no hold, so the erasure may run
    h.erase(actor=ACTOR, on=LATER, reason="data_subject_request")
    return h


def _assigned_in_source() -> set[str]:
    """Every ``self.<name> = ...`` in the Household class."""
    tree = ast.parse(inspect.getsource(Household))
    names = set()
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for t in targets:
            if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                names.add(t.attr)
    return names


def test_every_household_attribute_is_presented_or_excluded_with_a_reason() -> None:
    """An attribute the aggregate gains, loses or renames fails here until the presenter names it."""
    attributes = _assigned_in_source() | set(vars(_household())) | set(vars(_erased()))
    named = set(HOUSEHOLD_FIELDS) | set(HOUSEHOLD_EXCLUDED)
    assert not attributes - named, (
        f"Household attributes the presenter does not name: {sorted(attributes - named)}; add each to "
        "HOUSEHOLD_FIELDS (ledger/presenters.py, with its type) or to HOUSEHOLD_EXCLUDED with the reason")
    assert not named - attributes, f"The presenter names attributes the Household no longer has: {sorted(named - attributes)}"
    assert not set(HOUSEHOLD_FIELDS) & set(HOUSEHOLD_EXCLUDED)
    assert all(len(reason.split()) >= 2 for reason in HOUSEHOLD_EXCLUDED.values())


def test_the_presented_household_is_exactly_what_the_published_schema_describes() -> None:
    """Every key documented, none added; a round trip through HouseholdOut gives the same JSON."""
    for h in (_household(), _erased()):
        view = household_view(h)
        # The schema adds the two times an as-of read names (optional: a current read has neither).
        assert set(view) | {"as_of", "known_at"} == set(HouseholdOut.model_fields) == {
            "id", "version", "phase", "composition", "members", "erased", "created_on", "modified_on", "as_of", "known_at",
            "withheld", *HOUSEHOLD_FIELDS}
        assert not HouseholdOut.model_fields["as_of"].is_required() and not HouseholdOut.model_fields["known_at"].is_required()
        assert HouseholdOut.model_validate(view).model_dump(mode="json", exclude_unset=True) == view
        then = view | {"as_of": "2026-03-01", "known_at": {"position": 7, "at": "2026-03-01T10:00:00+00:00"}}
        assert HouseholdOut.model_validate(then).model_dump(mode="json") == then


def test_an_erased_household_shows_no_personal_value() -> None:
    """After the erasure every personal value reads null, in the schema's shape."""
    view = household_view(_erased())
    assert view["erased"] is True and view["erasure"]["reason"] == "data_subject_request"
    assert view["referral"]["members"][0]["name"] is None and view["intake"]["summary"] is None
    assert "Synthetic" not in str(view)


def test_the_erasure_request_is_shown_also_before_there_is_one() -> None:
    """A field read from the class until an event sets it is always in the view (null when none)."""
    h = Household.refer(household_id=uuid4(), actor=ACTOR, on=ON, sources=["social_work"],
                        members=[Member("m1", "adult", Personal("Synthetic Adult"))])
    assert household_view(h)["erasure_request"] is None
    assert household_view(_household())["erasure_request"]["request_id"] == "q1"


def test_the_actor_schema_names_the_actor_fields() -> None:
    """ActorOut is written out (it is in every event); it names exactly the Actor value object's fields."""
    assert list(ActorOut.model_fields) == [f.name for f in dataclasses.fields(Actor)]


def test_every_event_type_has_its_own_typed_schema() -> None:
    """Issue 17: `data` is typed per event type (a generated client gets classes, not a free-form object)."""
    from typing import get_args

    from ledger.api.schemas.household import EVENT_MODELS, _recorded_event_classes

    named = {get_args(m.model_fields["type"].annotation)[0]: m for m in EVENT_MODELS}
    assert set(named) == {c.__name__ for c in _recorded_event_classes()} and len(named) >= 30
    data = named["PlanActionCancelled"].model_fields["data"].annotation
    assert set(get_args(data)[0].model_fields) == {"action_id", "on", "reason"}  # its own fields, no actor


def test_events_are_presented_by_their_own_fields_in_the_published_shape() -> None:
    """event_view stays generic over the event's fields (the stored contract); its envelope is EventOut."""
    for e in _household().collect_events():
        view = event_view(e)
        assert EventOut.model_validate(view).model_dump(mode="json") == view
        assert view["type"] == type(e).__name__ and view["actor"]["user_id"] == "u-100"


def test_the_members_are_shown_with_the_ids_a_consent_takes() -> None:
    """``members`` lists each member's id, role, name and recorded relations (issue 16 item 4); erased: no names."""
    h = Household.refer(household_id=uuid4(), actor=ACTOR, on=ON, sources=["social_work"],
                        members=[Member("m1", "adult", Personal("Synthetic Mother")),
                                 Member("m2", "child", Personal("Synthetic Child"))],
                        relations=[Relation("m1", "mother_of", "m2")])
    assert household_view(h)["members"] == [
        {"member_id": "m1", "role": "adult", "name": "Synthetic Mother",
         "relations": [{"relation": "mother_of", "to_member_id": "m2"}]},
        {"member_id": "m2", "role": "child", "name": "Synthetic Child", "relations": []},
    ]
    h.grant_consent(actor=ACTOR, on=DAY, consent_id="c1", basis="consent", member_id="m2", organisations=["ggd"],
                    data_categories=["finances"], purpose="coordination", valid_from=DAY)
    assert household_view(h)["consents"]["c1"]["member_id"] in {m["member_id"] for m in household_view(h)["members"]}
    h.revise_composition(actor=ACTOR, on=DAY, relations=[])
    assert [m["relations"] for m in household_view(h)["members"]] == [[], []]  # the revision's relations, not the referral's
    erased = household_view(_erased())["members"]
    assert [(m["member_id"], m["name"]) for m in erased] == [("m1", None), ("m2", None)]


def test_a_reader_without_identity_sees_the_members_ids_and_roles_but_no_names() -> None:
    """A security finding of the disclosure property test: the members list showed names under composition alone."""
    h = _household()
    view = household_view(h, {DataCategory.IDENTITY: Withheld.NO_CONSENT, DataCategory.CONTACT: Withheld.NO_CONSENT})
    assert view["members"] and all(m["name"] is None and m["member_id"] and m["role"] for m in view["members"])
    assert "Synthetic Adult" not in str(view)
    assert HouseholdOut.model_validate(view).model_dump(mode="json", exclude_unset=True) == view
    shown = household_view(h, {DataCategory.CONTACT: Withheld.NO_CONSENT})
    assert [m["name"] for m in shown["members"]][0] == "Synthetic Adult"  # identity disclosed: the names show


def test_a_withheld_category_nulls_exactly_the_fields_that_hold_it_in_the_schema_shape() -> None:
    """Issue 16: withholding costs and mental health nulls the costs and nothing else; composition nulls the referral."""
    h = _household()
    whole = household_view(h)
    assert whole["withheld"] == {}
    view = household_view(h, {DataCategory.COSTS: Withheld.NO_CONSENT, DataCategory.MENTAL_HEALTH: Withheld.NOT_IN_FORCE})
    assert view["withheld"] == {"costs": "no_consent", "mental_health": "not_in_force"}
    assert view["costs"] is None and whole["costs"]["k1"]["amount_eur"] == "1250.00"
    assert {k for k in whole if view[k] != whole[k]} == {"costs", "withheld"}
    assert HouseholdOut.model_validate(view).model_dump(mode="json", exclude_unset=True) == view
    hidden = household_view(h, {DataCategory.COMPOSITION: Withheld.NO_CONSENT})
    assert hidden["referral"] is None and hidden["composition"] is None and hidden["referred_by"] is None
    assert "Synthetic Adult" not in str(hidden) and hidden["zrm"] == whole["zrm"]
    assert HouseholdOut.model_validate(hidden).model_dump(mode="json", exclude_unset=True) == hidden


def test_an_event_of_a_withheld_category_shows_no_actor_and_no_data() -> None:
    events = _household().collect_events()
    withheld = {DataCategory.COSTS: Withheld.NO_CONSENT}
    views = [event_view(e, withheld) for e in events]
    cost = [v for v in views if v["type"] == "CostRecorded"]
    assert cost and all(v["data"] is None and v["actor"] is None and v["withheld"] == {"costs": "no_consent"}
                        for v in cost)
    assert all(v["data"] is not None and v["withheld"] is None for v in views if v["type"] != "CostRecorded")
    assert all(EventOut.model_validate(v).model_dump(mode="json") == v for v in views)
    assert "1250" not in str(cost)
