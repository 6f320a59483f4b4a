"""``python -m ledger.demo [--households N] [--seed S]``: the ``ledger demo`` command."""

from __future__ import annotations

import sys

from ledger.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", *sys.argv[1:]]))
