"""``python -m bench.report results.json [--markdown]``: the table of an earlier run, again."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .harness import markdown_table, results_from_json, text_table


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("results", type=Path, help="a file written by python -m bench --out")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table (docs/performance.md)")
    args = parser.parse_args()
    document = json.loads(args.results.read_text())
    results = results_from_json(document)
    print(markdown_table(results) if args.markdown else text_table(results))


if __name__ == "__main__":
    main()
