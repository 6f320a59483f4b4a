"""Read models rebuilt from the ledger (current plans, caseloads, who is involved,
access log views, evaluation facts). Arrives with the projections issue; until then
the application's scans serve the CLI.
"""

__all__: list[str] = []
