"""Every pragma that silences a checker says why (issue 13 item 5).

ruff (RUF100) and mypy (``warn_unused_ignores``) fail on a pragma that is no longer needed;
this test fails on one without a reason: ``# noqa: BLE001 - why`` or
``# type: ignore[code]  # why`` (a reason is at least a few words after the pragma).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRAGMA = re.compile(r"#\s*(noqa\b(?::\s*[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)?|type:\s*ignore(?:\[[^\]]*\])?)(?P<rest>.*)$")
REASON = re.compile(r"^\s*(?:#|-|—|:)?\s*\S+(?:\s+\S+){1,}")  # at least two words


def _pragmas() -> list[tuple[str, int, str, str]]:
    found = []
    for folder in ("ledger", "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                m = PRAGMA.search(line)
                if m and "PRAGMA = re.compile" not in line:
                    found.append((str(path.relative_to(ROOT)), n, m.group(1), m.group("rest")))
    return found


def test_the_pragma_pattern_sees_both_kinds() -> None:
    pragmas = _pragmas()
    assert any(p[2].startswith("noqa") for p in pragmas)
    assert all(PRAGMA.search(x) for x in ("x = 1  # noqa: E501 - a long URL", "y = f()  # type: ignore[arg-type]  # why"))


def test_every_pragma_gives_its_reason() -> None:
    unexplained = [f"{path}:{n}: {pragma}" for path, n, pragma, rest in _pragmas() if not REASON.match(rest)]
    assert not unexplained, "pragmas without a reason:\n" + "\n".join(unexplained)


def test_no_blanket_pragmas() -> None:
    blanket = [f"{path}:{n}" for path, n, pragma, _ in _pragmas() if pragma in ("noqa", "type: ignore")]
    assert not blanket, "pragmas that silence every rule: " + ", ".join(blanket)
