"""Issue 12: the evaluation report's CSV never hands a spreadsheet a formula (OWASP CSV injection).

Text that can reach the CSV from the ledger: a case director's organisation (the value
column of the caseloads), and codes that are not in the vocabulary (figure and label
columns: an unknown source, stream or ZRM domain is shown as itself). Labels are ours,
but they pass the same guard. Numbers stay numbers: a negative change is not text.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from ledger.reports import render_csv

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
PLANTED = ["=HYPERLINK(\"http://example.invalid\")", "+SUM(1;2)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def planted_report() -> dict[str, Any]:
    """A report shaped like the service's, with formula-like text wherever ledger data can reach."""
    return {
        "period": {"from": None, "to": "2026-05-31"}, "as_of": "2026-05-31", "min_cell": 5,
        "ledger": {"position": 10, "head": "ab" * 32, "last_included_position": 10,
                   "signed_at": "2026-06-01T10:00:00+00:00"},
        "basis": {"households": 12, "events": 99, "erased_households": 0},
        "referrals": {"households": 12, "by_source": {code: 6 for code in PLANTED}, "multiple_sources": 0,
                      "source_combinations": {}},
        "composition": {}, "coordination": {}, "phases": {},
        "zrm": {"rule": "x", "instruments": {"2017": {"households": 6, "domains": {PLANTED[0]: {"compared": 6}}}}},
        "involvement": {"professionals": {"change_pct": -33.3}}, "network": {},
        "plan_actions": {}, "lead_times": {},
        "caseloads": {"per_director": [{"director": f"R{i}", "organisation": org, "households": 6, "norm": "below"}
                                       for i, org in enumerate(PLANTED, start=1)]},
        "costs": {"by_stream": {PLANTED[1]: {"change_pct": -39.2}}},
    }


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_text_cell_of_the_csv_starts_like_a_formula(lang: str) -> None:
    """Every text cell starting with = + - @ tab or CR is prefixed with a quote; numbers are left alone."""
    rows = list(csv.reader(io.StringIO(render_csv(planted_report(), lang))))
    cells = [cell for row in rows for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)  # the planted organisation, neutralised
    assert any(cell.startswith("'+SUM") for cell in cells)
    for row in rows:
        for cell in row:
            if cell in ("-33.3", "-39.2"):
                continue  # a number in machine format
            assert not cell.startswith(DANGEROUS), row
