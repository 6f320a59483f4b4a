"""The report's composition (issue 15): the six categories at referral and as revised, by the two times.

Five households are referred through the application (relations, an explicit composition, and one
with roles only, whose single parent reads "not recorded"); two are revised later. The report
(minimum cell 1: internal analysis) counts them at referral and as revised by the as-of date, and
as known at a ledger position; the replay of exactly those events gives the same figures.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import Actor
from ledger.application import NewMember
from ledger.reports import evaluation_report, reference_figures, render_csv, render_html

EVALUATOR = Actor("u-eval", "gemeente-testdorp", "evaluator")
START = date(2026, 1, 1)
REVISED_ON, LATER = date(2026, 2, 1), date(2026, 3, 1)
PARTNERS = {"member": "m1", "relation": "partner_of", "to_member": "m2"}
ZERO = {"single": 0, "couple_without_children": 0, "couple_with_children": 0, "mother_with_children": 0,
        "father_with_children": 0, "other": 0, "single_parent_not_recorded": 0}


def refer(ledger: Any, clock: FixedClock, day: date, roles: str, *relations: dict[str, str],
          composition: str | None = None) -> tuple[Any, int]:
    clock.set(day)
    members = [NewMember("adult" if r == "a" else "child", f"Persoon {i}") for i, r in enumerate(roles, start=1)]
    return ledger.app.refer_household(OPERATOR, sources=["social_work"], members=members, on=day,
                                      relations=list(relations), composition=composition)


def parent(kind: str, child: str) -> dict[str, str]:
    return {"member": "m1", "relation": f"{kind}_of", "to_member": child}


def composition(report: dict[str, Any]) -> dict[str, Any]:
    c = report["composition"]
    return {"by_kind": {k: v for k, v in c["by_kind"].items() if v}, "as_revised": {k: v for k, v in
            c["as_revised"].items() if v}, "revised": c["revised"]}


def test_composition_at_referral_and_as_revised_by_business_date_and_knowledge(store: Store,
                                                                              clock: FixedClock) -> None:
    ledger = store.make_ledger(clock=clock, report_min_cell=1)
    refer(ledger, clock, date(2026, 1, 5), "a")  # single
    refer(ledger, clock, date(2026, 1, 6), "aac", PARTNERS, parent("mother", "m3"))  # couple with children
    mother, v_mother = refer(ledger, clock, date(2026, 1, 7), "acc", parent("mother", "m2"), parent("mother", "m3"))
    roles_only, v_roles = refer(ledger, clock, date(2026, 1, 8), "ac")  # single parent: not recorded
    refer(ledger, clock, date(2026, 1, 9), "aa", composition="other")  # given: two siblings, say
    at_referral = {"single": 1, "couple_with_children": 1, "mother_with_children": 1, "other": 1,
                   "single_parent_not_recorded": 1}

    clock.set(REVISED_ON)  # the relations learnt at intake; written on the day
    v_roles = ledger.app.revise_composition(OPERATOR, roles_only, expected_version=v_roles, on=REVISED_ON,
                                            relations=[parent("father", "m2")])
    known_before_late = ledger.app.recorder.max_notification_id()
    clock.set(date(2026, 3, 10))  # a late-arriving fact: the mother's household changed on LATER
    ledger.app.revise_composition(OPERATOR, mother, expected_version=v_mother, on=LATER, composition="other")
    clock.set(date(2026, 3, 31), hour=16)

    before = evaluation_report(ledger, EVALUATOR, from_=START, as_of=date(2026, 1, 31))
    assert composition(before) == {"by_kind": at_referral, "as_revised": at_referral, "revised": 0}

    feb = evaluation_report(ledger, EVALUATOR, from_=START, as_of=date(2026, 2, 28))
    as_revised_feb = {**at_referral, "father_with_children": 1}
    del as_revised_feb["single_parent_not_recorded"]
    assert composition(feb) == {"by_kind": at_referral, "as_revised": as_revised_feb, "revised": 1}

    now = evaluation_report(ledger, EVALUATOR, from_=START, as_of=date(2026, 3, 31))
    as_revised_now = {**as_revised_feb, "other": 2}
    del as_revised_now["mother_with_children"]
    assert composition(now) == {"by_kind": at_referral, "as_revised": as_revised_now, "revised": 2}
    assert sum(now["composition"]["as_revised"].values()) == now["basis"]["households"] == 5
    assert set(now["composition"]["by_kind"]) == set(ZERO)  # every category shown, the not-recorded row too
    csv_en, html_nl = render_csv(now, "en"), render_html(now, "nl")
    assert ("composition,by_kind.single_parent_not_recorded,1,by composition · Single parent, mother or father not "
            "recorded") in csv_en.replace('"', "")
    assert "composition,as_revised.father_with_children,1,by composition on the report date · Father with children" in (
        csv_en)
    assert "composition,revised,2,composition revised" in csv_en
    assert "Vader met kinderen" in html_nl and "Samenstelling huishouden op de peildatum" in html_nl

    # as known before the late revision was recorded: the mother's household is still hers
    known = evaluation_report(ledger, EVALUATOR, from_=START, as_of=date(2026, 3, 31), known_at=known_before_late)
    assert composition(known) == {"by_kind": at_referral, "as_revised": as_revised_feb, "revised": 1}

    # the reference replay of exactly the events that count gives the same
    for as_of, position in ((date(2026, 2, 28), None), (date(2026, 3, 31), known_before_late), (date(2026, 3, 31), None)):
        head = position or ledger.app.recorder.max_notification_id()
        ref = reference_figures(ledger.app, as_of=as_of, known_at=head, from_=START)
        live = evaluation_report(ledger, EVALUATOR, from_=START, as_of=as_of, known_at=head)
        assert ref["composition"] == live["composition"], (as_of, position)

    # disclosure control: the categories are parts of the cohort, so a small cell is withheld, never left alone
    small = evaluation_report(ledger, EVALUATOR, from_=START, min_cell=2)["composition"]  # as of 02-28
    for figure in ("by_kind", "as_revised"):
        shown = small[figure]
        assert all(v in (0, "<2", "x") for v in shown.values()), shown
        assert sum(1 for v in shown.values() if v in ("<2", "x")) != 1


def test_bulk_import_takes_relations_a_composition_and_a_revision(store: Store, clock: FixedClock) -> None:
    """A line as the API takes it: relations and composition on the referral, a revise_composition step."""
    import json
    from uuid import UUID, uuid4

    from ledger.bulk import ImportError_, import_lines

    ledger = store.make_ledger(clock=clock)
    clock.set(date(2026, 3, 2))
    members = [{"role": "adult", "name": "Fien Import"}, {"role": "adult", "name": "Bas Import"},
               {"role": "child", "name": "Lot Import"}]
    line = {"household_id": str(uuid4()), "steps": [
        {"command": "refer_household", "on": "2026-02-02", "args": {
            "sources": ["social_work"], "members": members,
            "relations": [PARTNERS, parent("mother", "m3")]}},
        {"command": "revise_composition", "on": "2026-02-20", "args": {
            "composition": "mother_with_children", "relations": [parent("mother", "m3")]}}]}
    import_lines(ledger.app, lambda: [json.dumps(line)], OPERATOR)
    (hid,) = [h.household_id for h in ledger.app.list_households(OPERATOR)]
    h = ledger.app.repository.get(UUID(str(hid)))
    assert (h.referral.composition, h.composition) == ("couple_with_children", "mother_with_children")
    assert len(h.referral.relations) == 2 and len(h.relations) == 1

    bad = {**line, "household_id": str(uuid4())}
    bad["steps"] = [{**line["steps"][0], "args": {**line["steps"][0]["args"],
                                                   "relations": [parent("mother", "m4")]}}]
    with pytest.raises(ImportError_, match=r"^line 1, step 1 \(refer_household\): invalid-relation$"):
        import_lines(ledger.app, lambda: [json.dumps(bad)], OPERATOR)


def test_a_snapshot_with_a_revision_equals_the_replay_of_its_events(store: Store, clock: FixedClock) -> None:
    """The new state (``composition_revision``, a value object with relations) round-trips through a snapshot."""
    ledger = store.make_ledger(clock=clock, snapshot_interval=2)
    hid, v = refer(ledger, clock, date(2026, 1, 5), "aac", PARTNERS, parent("father", "m3"))
    clock.set(date(2026, 1, 20))
    v = ledger.app.revise_composition(OPERATOR, hid, expected_version=v, relations=[parent("father", "m3")],
                                      composition="father_with_children")
    (snapshot,) = list(ledger.app.snapshots.get(hid))
    assert snapshot.originator_version == v == 2 and "composition_revision" in snapshot.state
    assert ledger.app.verify_snapshots() == []
    again = store.make_ledger(clock=clock).app.repository.get(hid)  # a restart: from the snapshot
    assert again.composition == "father_with_children" and again.composition_revision.relations == (
        ledger.app.repository.get(hid).relations)


def test_a_household_as_of_a_day_before_a_late_revision_has_its_composition_then(store: Store,
                                                                                 clock: FixedClock) -> None:
    """The revision is placed by its business date ``on``, not by the day it was recorded."""
    ledger = store.make_ledger(clock=clock)
    hid, v = refer(ledger, clock, date(2026, 1, 5), "ac", parent("mother", "m2"))
    clock.set(date(2026, 3, 1))
    ledger.app.revise_composition(OPERATOR, hid, expected_version=v, on=date(2026, 2, 1), composition="other")
    then = ledger.app.household_as_of(OPERATOR, hid, as_of=date(2026, 1, 31)).household
    later = ledger.app.household_as_of(OPERATOR, hid, as_of=date(2026, 2, 1)).household
    assert (then.composition, later.composition) == ("mother_with_children", "other")
