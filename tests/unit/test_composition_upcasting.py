"""Referrals stored before issue 15 read in the six categories: a value-object reader, never a guess.

``Referral.composition`` held single_adult, couple, single_parent, two_parents, other (release
68bd1b4, tests/stored_payloads.py). ``legacy.read_composition`` turns each into the category it
established, as the referral is decoded (events and snapshots alike; no class_version bump):
single_adult -> single, couple -> couple_without_children, two_parents -> couple_with_children,
and single_parent -> single_parent_not_recorded (mother or father was never recorded).
"""

from __future__ import annotations

import json
from uuid import uuid4

import pytest
import stored_payloads as sp
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Mapper, StoredEvent, UUIDAsHex

from ledger.aggregates import Household
from ledger.aggregates.legacy import read_composition
from ledger.aggregates.values import Referral
from ledger.aggregates.vocabulary import HouseholdComposition as HC
from ledger.privacy.sealing import register_transcodings


def mapper() -> Mapper:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_transcodings(transcoder)
    return Mapper(transcoder=transcoder)


def decoded(payload: bytes) -> Household.Referred:
    event = mapper().to_domain_event(StoredEvent(originator_id=uuid4(), originator_version=1,
                                                 topic=sp.R68_TOPIC_REFERRED, state=payload))
    assert isinstance(event, Household.Referred)
    return event


def test_the_stored_payloads_hold_the_old_kinds() -> None:
    """Why the reader exists: the bytes say single_parent and two_parents, which today's type refuses."""
    kinds = [json.loads(p)["referral"]["_data_"]["composition"]
             for p in (sp.R68_REFERRED_SINGLE_PARENT, sp.R68_REFERRED_TWO_PARENTS)]
    assert kinds == ["single_parent", "two_parents"]
    with pytest.raises(ValueError):
        HC("single_parent")


def test_a_stored_single_parent_reads_not_recorded() -> None:
    """Mother or father was never recorded: its own code, shown as its own row, refused as input."""
    event = decoded(sp.R68_REFERRED_SINGLE_PARENT)
    r = event.referral
    assert (r.composition, r.adults, r.children, r.relations) == (HC.SINGLE_PARENT_NOT_RECORDED, 1, 1, ())
    h = event.mutate(None)
    assert h is not None and h.composition == HC.SINGLE_PARENT_NOT_RECORDED


def test_a_stored_two_parents_reads_couple_with_children() -> None:
    r = decoded(sp.R68_REFERRED_TWO_PARENTS).referral
    assert (r.composition, r.adults, r.children) == (HC.COUPLE_WITH_CHILDREN, 2, 1)


@pytest.mark.parametrize(("old", "new"), [
    ("single_adult", HC.SINGLE), ("couple", HC.COUPLE_WITHOUT_CHILDREN), ("two_parents", HC.COUPLE_WITH_CHILDREN),
    ("single_parent", HC.SINGLE_PARENT_NOT_RECORDED), ("other", HC.OTHER),
    *((c.value, c) for c in HC),  # today's codes read unchanged
])
def test_the_reader_maps_each_old_kind_and_leaves_codes(old: str, new: HC) -> None:
    assert read_composition(old) == new


def test_the_old_snapshot_reads_single() -> None:
    """The same reader serves snapshots: release 64cf415's snapshot said single_adult."""
    data = json.loads(sp.V1_SNAPSHOT)["state"]["referral"]["_data_"]
    assert data["composition"] == "single_adult"
    assert Referral.from_stored({**data, "on": "2025-06-01", "members": ()}).composition == HC.SINGLE
