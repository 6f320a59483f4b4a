"""The README's import sample, examples/cases.jsonl, imports as the README says, on SQLite and PostgreSQL (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import OPERATOR, Store
from ledger.aggregates import is_valid_bsn
from ledger.bulk import import_file, staff_named

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cases.jsonl"
PHASES = {"00000000-0000-4000-8000-00000000a001": "plan", "00000000-0000-4000-8000-00000000a002": "closed",
          "00000000-0000-4000-8000-00000000a003": "coordination"}


def test_the_sample_is_synthetic_and_names_the_staff_the_readme_adds() -> None:
    """Only test-range BSNs, and the one user the README adds before the import is all the file needs."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    bsns = [m["bsn"] for line in lines for step in json.loads(line)["steps"] if step["command"] == "refer_household"
            for m in step["args"]["members"] if m.get("bsn")]
    assert bsns and all(is_valid_bsn(b) and b.startswith("99999") for b in bsns)
    assert staff_named(lines) == {"u-regisseur": ("wijkteam-noord", "consultant")}


def test_the_sample_dry_runs_then_imports(store: Store) -> None:
    """A dry run writes no household; the import writes the three, each in the phase its steps lead to."""
    ledger = store.make_ledger()  # wijkteam-noord is among the suite's organisations
    ledger.users.add_organisation("ggz-noord", "GGZ Noord", "partner", by=ledger.users.operator)
    ledger.users.add(display_name="Regisseur Noord", organisation="wijkteam-noord", role="consultant",
                     user_id="u-regisseur")
    dry = import_file(ledger.app, SAMPLE, OPERATOR, dry_run=True)
    assert dry.households == 3 and not ledger.app.list_households(OPERATOR)
    done = import_file(ledger.app, SAMPLE, OPERATOR)
    assert done.households == 3
    rows = {str(r.household_id): r for r in ledger.app.list_households(OPERATOR)}
    assert {h: r.phase for h, r in rows.items()} == PHASES
    assert rows["00000000-0000-4000-8000-00000000a001"].case_director == "u-regisseur"
