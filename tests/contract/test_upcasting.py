"""An old ledger keeps replaying after InvolvementEnded went to version 2.

The household's involvement events and its snapshot are the very payloads release
64cf415 stored (tests/stored_payloads.py), written into a real store the way that
release wrote them; only the snapshot's sealed blob is sealed again under this
test's household key. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import StoredEvent

import stored_payloads as v1
from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import Actor, Household, Member, Personal, errors
from ledger.aggregates.clock import recording_clock
from ledger.aggregates.vocabulary import InvolvementEndReason
from ledger.bootstrap import Ledger
from ledger.privacy.sealing import NONCE_BYTES, SEALED, associated_data
from ledger.presenters import event_view, household_view

V1_RECORDED_AT = datetime(2025, 6, 3, 9, 30, tzinfo=UTC)
# The operator as release 64cf415 recorded it (organisations were names then; Actor is shown as stored).
V1_OPERATOR = Actor(user_id="op-001", organisation="Gemeente Testdorp", role="operator")
IID = v1.V1_INVOLVEMENT_ID


def as_stored(ledger: Ledger, raw: bytes) -> bytes:
    """Bytes as this deployment stores them (compressed and enciphered if it is configured to)."""
    mapper = ledger.app.mapper
    if mapper.compressor:
        raw = mapper.compressor.compress(raw)
    if mapper.cipher:
        raw = mapper.cipher.encrypt(raw)
    return raw


def as_json(ledger: Ledger, stored: bytes) -> dict[str, Any]:
    mapper = ledger.app.mapper
    if mapper.cipher:
        stored = mapper.cipher.decrypt(stored)
    if mapper.compressor:
        stored = mapper.compressor.decompress(stored)
    return json.loads(stored)


def old_ledger(store: Store, clock: FixedClock) -> tuple[Ledger, UUID]:
    """A household as release 64cf415 left it: referred, a volunteer started and ended, snapshot at version 3."""
    clock.now = V1_RECORDED_AT
    ledger = store.make_ledger(clock=clock, snapshot_interval=1000)
    # Referred as that release wrote it: today's aggregate, with no addressee (added since, default None)
    hid = uuid4()
    ledger.keys.create(hid)
    with recording_clock(clock):
        referred = Household.refer(household_id=hid, actor=V1_OPERATOR, on=date(2025, 6, 1), sources=["wmo_desk"],
                                   members=[Member("m1", "adult", Personal("Bep"))])
    ledger.app.save(referred)
    assert referred.version == 1 and referred.referral.addressed_to is None
    ledger.app.recorder.insert_events([
        StoredEvent(hid, 2, v1.V1_TOPIC_INVOLVEMENT_STARTED, as_stored(ledger, v1.V1_INVOLVEMENT_STARTED)),
        StoredEvent(hid, 3, v1.V1_TOPIC_INVOLVEMENT_ENDED, as_stored(ledger, v1.V1_INVOLVEMENT_ENDED)),
    ])
    snapshot = json.loads(v1.V1_SNAPSHOT)
    key = ledger.keys.get(hid)
    assert key is not None
    nonce = os.urandom(NONCE_BYTES)
    blob = AESGCM(key).encrypt(nonce, json.dumps(v1.V1_SEALED_VALUES).encode(),
                               associated_data(hid, 3, v1.V1_TOPIC_SNAPSHOT))
    snapshot[SEALED] = base64.b64encode(nonce + blob).decode("ascii")
    raw = json.dumps(snapshot, separators=(",", ":")).encode()
    assert ledger.app.snapshots is not None
    ledger.app.snapshots.recorder.insert_events([StoredEvent(hid, 3, v1.V1_TOPIC_SNAPSHOT, as_stored(ledger, raw))])
    return ledger, hid


def replayed_from_events(ledger: Ledger, hid: UUID) -> Household:
    household = None
    for e in ledger.app.events.get(hid):
        household = e.mutate(household)
    assert isinstance(household, Household)
    return household


def test_a_household_with_version_1_events_replays_with_reason_not_recorded(store: Store, clock: FixedClock) -> None:
    """Events alone (no snapshot), the snapshot, and a restarted process all read ``not_recorded``."""
    ledger, hid = old_ledger(store, clock)
    rows = ledger.app.recorder.select_events(hid)
    assert [r.topic for r in rows][1:] == [v1.V1_TOPIC_INVOLVEMENT_STARTED, v1.V1_TOPIC_INVOLVEMENT_ENDED]
    stored_v1 = as_json(ledger, rows[2].state)
    assert "reason" not in stored_v1 and "class_version" not in stored_v1  # a genuine version-1 row

    from_events = replayed_from_events(ledger, hid)
    restarted = store.make_ledger(clock=clock)
    for reader in (ledger, restarted):
        household = reader.app.get_household(OPERATOR, hid)  # from the version-1 snapshot
        assert household == from_events
        inv = household.involvements[IID]
        assert (inv.ended_on, inv.end_reason, inv.active) == (date(2025, 6, 2), "not_recorded", False)
        assert inv.end_reason is InvolvementEndReason.NOT_RECORDED
        assert household.members["m1"].name.value == "Bep"  # the snapshot's sealed data still opens
    # the stored rows are read, never rewritten
    assert ledger.app.recorder.select_events(hid)[2].state == rows[2].state


def test_history_export_and_as_of_views_show_not_recorded(store: Store, clock: FixedClock) -> None:
    ledger, hid = old_ledger(store, clock)
    history = ledger.app.history(OPERATOR, hid)
    ended = history[2]
    assert isinstance(ended, Household.InvolvementEnded)
    view = event_view(ended)
    assert view["type"] == "InvolvementEnded"
    assert view["data"] == {"involvement_id": IID, "on": "2025-06-02", "reason": "not_recorded"}
    assert household_view(ledger.app.get_household(OPERATOR, hid))["involvements"][IID]["end_reason"] == "not_recorded"
    then = ledger.app.get_household(OPERATOR, hid, known_at=V1_RECORDED_AT)  # as recorded then (knowledge time)
    assert then.involvements[IID].end_reason == "not_recorded"
    export = ledger.app.export_household(OPERATOR, hid)
    assert export["events"][2]["data"]["reason"] == "not_recorded"
    assert export["household"]["involvements"][IID]["end_reason"] == "not_recorded"


def test_a_snapshot_taken_before_the_change_loads_and_matches_its_events(
    store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The version-1 snapshot decodes without end reasons; Household.upcast_v1_v2 makes it equal its replay."""
    ledger, hid = old_ledger(store, clock)
    assert ledger.app.snapshots is not None
    (row,) = ledger.app.snapshots.recorder.select_events(hid)
    assert "class_version" not in as_json(ledger, row.state)["state"]
    decoded = ledger.app.mapper.to_domain_event(row)
    assert decoded.state["involvements"][IID].end_reason is None  # as stored: v1 knew no reasons
    assert decoded.mutate(None).involvements[IID].end_reason == "not_recorded"
    assert ledger.app.verify_snapshots() == []
    # Without the snapshot upcaster the snapshot would no longer equal its events: audit would flag it.
    monkeypatch.setattr(Household, "class_version", 1)
    assert ledger.app.verify_snapshots() == [(hid, 3)]


def test_after_the_change_new_ends_need_a_real_reason_and_old_and_new_read_together(
    store: Store, clock: FixedClock
) -> None:
    ledger, hid = old_ledger(store, clock)
    clock.set(date(2025, 6, 10))
    iid, v = ledger.app.start_involvement(OPERATOR, hid, expected_version=3, kind="professional",
                                          organisation="ggd", discipline="social_work")
    for bad in ("not_recorded", "retired"):
        with pytest.raises(errors.InvalidInputError):
            ledger.app.end_involvement(OPERATOR, hid, expected_version=v, involvement_id=iid, reason=bad)
    with pytest.raises(TypeError):
        ledger.app.end_involvement(OPERATOR, hid, expected_version=v, involvement_id=iid)
    assert ledger.app.get_household(OPERATOR, hid).version == v  # nothing was recorded
    v = ledger.app.end_involvement(OPERATOR, hid, expected_version=v, involvement_id=iid, reason="handed_over")

    stored = as_json(ledger, ledger.app.recorder.select_events(hid)[-1].state)
    assert (stored["class_version"], stored["reason"]) == (2, "handed_over")
    ledger.app.take_snapshot(hid)  # a version-2 snapshot now sits beside the version-1 one
    assert ledger.app.snapshots is not None
    latest = as_json(ledger, ledger.app.snapshots.recorder.select_events(hid)[-1].state)
    assert latest["state"]["class_version"] == 2

    restarted = store.make_ledger(clock=clock)
    household = restarted.app.get_household(OPERATOR, hid)
    assert household.version == v
    assert {i: inv.end_reason for i, inv in household.involvements.items()} == {
        IID: "not_recorded", iid: "handed_over"}
    assert household == replayed_from_events(restarted, hid)
    assert restarted.app.verify_snapshots() == []
    reasons = [e.reason for e in restarted.app.history(OPERATOR, hid) if isinstance(e, Household.InvolvementEnded)]
    assert reasons == ["not_recorded", "handed_over"]


def test_old_free_text_in_code_fields_reads_as_codes_on_every_path(store: Store, clock: FixedClock) -> None:
    """The v1 involvement's "Humanitas" / "thuisadministratie" read as humanitas / home_administration from
    events, snapshot, a restarted process, history and export alike; the stored bytes keep the text."""
    ledger, hid = old_ledger(store, clock)
    restarted = store.make_ledger(clock=clock)
    for household in (replayed_from_events(ledger, hid), ledger.app.get_household(OPERATOR, hid),
                      restarted.app.get_household(OPERATOR, hid)):
        inv = household.involvements[IID]
        assert (inv.organisation, inv.discipline) == ("humanitas", "home_administration")
    started = ledger.app.history(OPERATOR, hid)[1]
    assert event_view(started)["data"]["involvement"]["discipline"] == "home_administration"
    export = ledger.app.export_household(OPERATOR, hid)
    assert export["household"]["involvements"][IID]["organisation"] == "humanitas"
    stored = as_json(ledger, ledger.app.recorder.select_events(hid)[1].state)
    assert stored["involvement"]["_data_"]["discipline"] == "thuisadministratie"  # read, never rewritten
