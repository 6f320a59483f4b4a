"""Issue 15 through the CLI, as real processes against the served API (SQLite and PostgreSQL):
`ledger household network` records the network as it is now; `household involve --already-involved` dates an
agency before the referral, which without the flag is one line naming the referral.
"""

from __future__ import annotations

from datetime import date, timedelta

from test_client_cli import client, ledger, one_error_line
from test_client_cli_case import _directed, _last_event, _run


def test_cli_records_the_network_as_it_is_now(api: object) -> None:
    hid, version = _directed(api)
    done = _run(api, "director", "network", hid, "-v", str(version), "--contact", "grandmother=Oma Verzonnen",
                "--unsupportive", "neighbour")
    assert done["version"] == version + 1
    event = _last_event(api, hid)
    assert event["type"] == "NetworkRecorded"
    assert [(c["relation"], c["name"], c["supportive"]) for c in event["data"]["record"]["contacts"]] == [
        ("grandmother", "Oma Verzonnen", True), ("neighbour", None, False)]


def test_cli_dates_an_already_involved_agency_before_the_referral(api: object) -> None:
    hid, version = _directed(api)
    before = (date.today() - timedelta(days=200)).isoformat()
    args = ("involve", hid, "-v", str(version), "--organisation", "ggz-regio", "--discipline", "mental_health_care",
            "--on", before)
    line = one_error_line(ledger(api, "director", "household", *args))
    assert "before the referral" in line
    done = _run(api, "director", *args, "--already-involved")
    assert done["version"] == version + 1
    involvement = client(api, "director").household(hid)[0]["involvements"][done["item_id"]]
    assert (involvement["started_on"], involvement["already_involved"]) == (before, True)
