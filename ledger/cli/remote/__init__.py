"""The remote commands: ``ledger household|report|whoami`` and the privacy officer's ``ledger audit`` commands.

They talk to a running service through :mod:`ledger.client` (``LEDGER_URL``, default
``http://127.0.0.1:8000``) as the user of ``LEDGER_TOKEN`` (from ``ledger users add``), so the access
policy and access records apply to the person at the terminal, not to the local operator. They never
open the store themselves, and import nothing of the ledger but the client (import-linter checks it).

Each write names the household version it expects (``--version``/``-v``) and prints the new one.
Tables by default, ``--json`` for JSON. Errors are one line on stderr, ``error: <title>: <detail>``:
exit 1 when the service refuses or cannot be reached, 2 for a usage error (typer's own, or a bad value
caught here before anything is sent).

One module per group: :mod:`.household` (the group and its reads), :mod:`.case`, :mod:`.plan` and
:mod:`.privacy` (more ``household`` commands), :mod:`.audit`, :mod:`.report` (and ``whoami``);
:mod:`._common` holds what they share. :mod:`ledger.cli` mounts them in the one tree.
"""

from __future__ import annotations

from . import case, plan, privacy  # noqa: F401 - each registers its commands on household_app as it loads
from .audit import audit_remote_app
from .household import household_app
from .report import report_app, whoami_app

__all__ = ["audit_remote_app", "household_app", "report_app", "whoami_app"]
