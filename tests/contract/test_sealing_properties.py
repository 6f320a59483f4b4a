"""Properties of the sealing mapper, over arbitrary personal text."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from uuid import uuid4

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import OPERATOR
from ledger.aggregates import Household, Member, Personal
from ledger.bootstrap import build
from ledger.config import Settings

# A marker that neither the JSON around it nor base64 can contain ('-' is not base64), so a
# hit can only be a leak, never a coincidence such as the text "origin" in "originator_topic".
names = st.text(min_size=3, max_size=60).map(lambda s: f"Pz-{s}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names, notes=st.lists(names, min_size=1, max_size=4))
def test_sealed_events_round_trip_and_hold_no_plaintext(tmp_path: Path, name: str, notes: list[str]) -> None:
    """Any personal text comes back exactly from the mapper and is absent from the stored state."""
    ledger = build(Settings(data_dir=tmp_path / "ledger"))
    try:
        hid = uuid4()
        ledger.keys.create(hid)
        h = Household.refer(household_id=hid, actor=OPERATOR, on=date(2026, 1, 5), sources=["wmo_desk"],
                            members=[Member("m1", "adult", Personal(name))], reason=Personal(notes[0]))
        h.hold_intake(actor=OPERATOR, on=date(2026, 1, 6), domains_discussed=["finances"],
                      summary=Personal("\n".join(notes)))
        for event in h.collect_events():
            stored = ledger.app.mapper.to_stored_event(event)
            for value in [name, *notes]:
                assert value.encode() not in stored.state
                assert json.dumps(value)[1:-1].encode() not in stored.state  # nor JSON-escaped
            again = ledger.app.mapper.to_domain_event(stored)
            assert vars(again) == vars(event)
    finally:
        ledger.close()
