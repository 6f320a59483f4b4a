"""The shape of the code: the domain stays pure."""

from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).parents[2] / "ledger" / "aggregates"


def test_domain_uses_only_eventsourcing_domain_from_outside_the_standard_library() -> None:
    """Modules in ledger/aggregates import only the stdlib, each other and eventsourcing.domain."""
    import sys

    allowed_external = {"eventsourcing.domain"}
    offenders = []
    for path in sorted(DOMAIN.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "__future__" or name in allowed_external:
                    continue
                offenders.append(f"{path.name}: {name}")
    assert offenders == []
    assert len(list(DOMAIN.glob("*.py"))) >= 6  # the check did look at the domain
