"""``python -m ledger.cli``: the ``ledger`` command (tests and the service process run it so)."""

import sys

from ledger.cli import main

sys.exit(main())
