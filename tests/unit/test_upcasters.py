"""Upcasters, without a database: each turns a real old payload into the current shape.

The policy (docs/architecture.md, "Event schema changes (upcasting)"): a bumped
``class_version`` comes with ``upcast_vN_vN+1`` for every step, and every upcaster
is tested with a payload an earlier release really stored (tests/stored_payloads.py).
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic

import stored_payloads
from ledger.aggregates import Actor, Household, Member, Personal
from ledger.aggregates.clock import recording_clock
from ledger.aggregates.values import Involvement
from ledger.aggregates.vocabulary import InvolvementEndReason, InvolvementKind
from ledger.privacy.sealing import register_transcodings

ACTOR = Actor(user_id="op-001", organisation="gemeente-testdorp", role="operator")
AT = datetime(2025, 6, 3, 9, 30, tzinfo=UTC)

# Every (class, version it upcasts from) with a real stored payload in tests/stored_payloads.py.
OLD_PAYLOADS = {
    (Household.InvolvementStarted, 1): stored_payloads.V1_INVOLVEMENT_STARTED,  # unchanged: additive field
    (Household.InvolvementEnded, 1): stored_payloads.V1_INVOLVEMENT_ENDED,
    (Household, 1): stored_payloads.V1_SNAPSHOT,  # the aggregate's state, as a snapshot holds it
}


def mapper() -> Mapper:
    """The application's transcodings (eventsourcing's and ours), without sealing: these events hold no personal data."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_transcodings(transcoder)
    return Mapper(transcoder=transcoder)


def household_with_v1_involvement() -> Household:
    with recording_clock(lambda: AT):
        h = Household.refer(household_id=uuid4(), actor=ACTOR, on=date(2025, 6, 1), sources=["wmo_desk"],
                            members=[Member("m1", "adult", Personal("Bep"))])
        h.start_involvement(actor=ACTOR, on=date(2025, 6, 1), involvement_id=stored_payloads.V1_INVOLVEMENT_ID,
                            kind="volunteer", organisation="humanitas", discipline="home_administration")
    return h


def versioned_classes() -> list[type]:
    event_classes = [c for c in vars(Household).values() if inspect.isclass(c) and issubclass(c, Household.Event)]
    return [c for c in [Household, *event_classes] if getattr(c, "class_version", 1) > 1]


# ---------------------------------------------------------------- the policy itself
def test_every_versioned_class_has_an_upcaster_per_step_and_a_real_old_payload() -> None:
    """class_version N needs upcast_v1_v2 ... upcast_vN-1_vN, each tested with a stored payload of its version."""
    versioned = versioned_classes()
    assert Household.InvolvementEnded in versioned and Household in versioned
    for cls in versioned:
        for version in range(1, cls.class_version):
            upcast = getattr(cls, f"upcast_v{version}_v{version + 1}", None)
            assert callable(upcast), f"{cls.__qualname__} lacks upcast_v{version}_v{version + 1}"
            assert isinstance(inspect.getattr_static(cls, upcast.__name__), staticmethod)
            assert (cls, version) in OLD_PAYLOADS, f"no stored version-{version} payload of {cls.__qualname__}"


# ---------------------------------------------------------------- InvolvementEnded v1 -> v2
def test_involvement_ended_upcast_v1_v2_leaves_a_version_2_state() -> None:
    """The decoded v1 state gains exactly the v2 field, ``reason`` = not_recorded; nothing else changes."""
    state = json.loads(stored_payloads.V1_INVOLVEMENT_ENDED)
    before = dict(state)
    Household.InvolvementEnded.upcast_v1_v2(state)
    assert state == {**before, "reason": "not_recorded"}
    # the v2 shape is what a v2 event holds (the mapper adds originator id and version itself)
    v2_fields = {f.name for f in dataclasses.fields(Household.InvolvementEnded)}
    assert set(state) | {"originator_id", "originator_version"} == v2_fields
    assert InvolvementEndReason(state["reason"]) is InvolvementEndReason.NOT_RECORDED


def test_a_stored_version_1_involvement_ended_decodes_and_applies_as_version_2() -> None:
    """The library runs the upcaster while decoding; the event then applies like any v2 event."""
    h = household_with_v1_involvement()
    stored = StoredEvent(originator_id=h.id, originator_version=h.version + 1,
                         topic=stored_payloads.V1_TOPIC_INVOLVEMENT_ENDED, state=stored_payloads.V1_INVOLVEMENT_ENDED)
    assert stored.topic == get_topic(Household.InvolvementEnded)  # the topic never changed
    event = mapper().to_domain_event(stored)
    assert isinstance(event, Household.InvolvementEnded)
    assert (event.reason, event.on, event.involvement_id) == ("not_recorded", date(2025, 6, 2), "inv00000v1a1")
    h = event.mutate(h)
    inv = h.involvements["inv00000v1a1"]
    assert (inv.ended_on, inv.end_reason, inv.active) == (date(2025, 6, 2), InvolvementEndReason.NOT_RECORDED, False)


def test_a_version_2_involvement_ended_is_stored_with_its_version_marker_and_round_trips() -> None:
    h = household_with_v1_involvement()
    with recording_clock(lambda: AT):
        h.end_involvement(actor=ACTOR, on=date(2025, 6, 2), involvement_id="inv00000v1a1", reason="handed_over")
    event = h.collect_events()[-1]
    stored = mapper().to_stored_event(event)
    assert json.loads(stored.state)["class_version"] == 2
    assert json.loads(stored.state)["reason"] == "handed_over"
    again = mapper().to_domain_event(stored)
    assert again.reason == "handed_over" and "class_version" not in vars(again)


def test_a_version_1_involvement_started_needs_no_upcast() -> None:
    """An additive field with a default in a value object: old payloads decode as they are."""
    stored = StoredEvent(originator_id=uuid4(), originator_version=2,
                         topic=stored_payloads.V1_TOPIC_INVOLVEMENT_STARTED,
                         state=stored_payloads.V1_INVOLVEMENT_STARTED)
    event = mapper().to_domain_event(stored)
    assert getattr(Household.InvolvementStarted, "class_version", 1) == 1
    assert event.involvement.end_reason is None and event.involvement.kind is InvolvementKind.VOLUNTEER
    assert event.involvement.already_involved is False  # issue 15's field: its default fills it, no upcast


# ---------------------------------------------------------------- Household (snapshot state) v1 -> v2
def test_household_upcast_v1_v2_marks_involvements_ended_by_version_1_events() -> None:
    """A v1 snapshot's ended involvements read not_recorded, as a replay of their v1 events does."""
    ended = Involvement("i1", "volunteer", "humanitas", "buddy", date(2025, 6, 1), ended_on=date(2025, 6, 2))
    active = Involvement("i2", "professional", "ggd", "social_work", date(2025, 6, 1))
    state = {"involvements": {"i1": ended, "i2": active}, "closure": None}
    Household.upcast_v1_v2(state)
    assert state["involvements"]["i1"] == ended.replace(end_reason=InvolvementEndReason.NOT_RECORDED)
    assert state["involvements"]["i2"] is active
    assert state["closure"] is None


def test_the_stored_version_1_snapshot_state_decodes_without_end_reasons() -> None:
    """Why the snapshot needs its upcaster: the v1 state decodes, but says nothing of why the involvement ended."""
    payload = json.loads(stored_payloads.V1_SNAPSHOT)
    assert "class_version" not in payload["state"]
    data = payload["state"]["involvements"]["inv00000v1a1"]["_data_"]
    assert "end_reason" not in data and data["ended_on"] is not None
    v2_fields = {f.name for f in dataclasses.fields(Involvement)}
    # already_involved (issue 15) is absent too, and needs no upcast: its default (False) fills it
    assert v2_fields - set(data) == {"end_reason", "already_involved"}


@pytest.mark.parametrize("reason", [r.value for r in InvolvementEndReason if r != InvolvementEndReason.NOT_RECORDED])
def test_the_household_snapshot_upcaster_keeps_reasons_already_recorded(reason: str) -> None:
    inv = Involvement("i1", "volunteer", "humanitas", "buddy", date(2025, 6, 1), ended_on=date(2025, 6, 2),
                      end_reason=reason)
    state = {"involvements": {"i1": inv}}
    Household.upcast_v1_v2(state)
    assert state["involvements"]["i1"].end_reason == reason
