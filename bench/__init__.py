"""Benchmarks of the ledger against references measured in the same run (issue 7).

``python -m bench [--backend sqlite|postgres|both] [--quick] [--out results.json]``;
see ``bench/__main__.py`` and docs/performance.md.
"""
