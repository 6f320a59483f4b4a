"""The README, literally (issue 16 item 8): its commands, pasted in order into one shell, all succeed.

From "## Try it" on, every ```sh block of README.md is run, in order, in one bash process, each
command checked for exit 0 (``set -o pipefail``, so a failing command inside ``$(... | tail -n 1)``
fails too). ```text blocks are output shown, and the ```python block is an example: neither is run.
The README's first two commands are not run: ``scripts/serve`` is replaced by the service it starts
(``ledger serve`` as tests/service_process.py runs it, on a free port; its ``scripts/bootstrap`` would
install into the venv) and ``scripts/test`` would run this test again.

A fresh machine as the README assumes it: the shell's working directory is a new, empty directory
holding only the repository's ``.venv`` and ``examples`` (as links), so the defaults apply
(``./ledger-data``, the municipality ``municipality``, the OS user as operator); no ``LEDGER_*``
variable is set but ``LEDGER_URL``, which points at the test's port instead of 8000. ``PYTHONPATH``
names this checkout, so ``.venv/bin/ledger`` runs the code under test.

The test checks exit codes and a few facts the walk-through must leave behind (who was added, what
was imported and referred, the emergency read awaiting review, the report written), never the
exact output of a command (other parts of the CLI change that).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from service_process import ServiceProcess

from ledger.bootstrap import build
from ledger.client import LedgerClient

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
IMPORTED = "00000000-0000-4000-8000-00000000a001"  # a household of examples/cases.jsonl
MARK = "@@readme"


def readme_commands(text: str) -> list[str]:
    """The commands of the ```sh blocks from "## Try it" on: one per line, ``\\``-continued lines joined."""
    commands: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text[text.index("\n## Try it\n"):], re.M | re.S):
        pending = ""
        for line in block.splitlines():
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            line, pending = pending + line, ""
            if line.strip() and not line.lstrip().startswith("#"):
                commands.append(line)
    return commands


def script_of(commands: list[str]) -> str:
    """One bash script: each command, then its exit code on a marker line; the first failure stops it."""
    lines = ["set -o pipefail"]
    for i, command in enumerate(commands):
        lines += [f"echo '{MARK} begin {i}'", command,
                  f"rc=$?; printf '\\n{MARK} end {i} %d\\n' $rc; [ $rc -eq 0 ] || exit 100"]  # output may lack a newline
    lines.append(f'printf "\\n{MARK} vars hh=%s privacy=%s\\n" "$hh" "$privacy"')
    return "\n".join(lines) + "\n"


def test_readme_marks_what_runs() -> None:
    """The README says which blocks run; the walk-through's commands are there (a block lost is a test lost)."""
    text = README.read_text()
    assert "`sh` blocks are a walk-through" in text and "tests/e2e/test_readme.py" in text
    commands = readme_commands(text)
    for needed in ("ledger demo", "ledger import examples/cases.jsonl --dry-run", "ledger import examples/cases.jsonl",
                   "--role admin", "--role privacy_officer", "--role evaluator", "ledger household refer",
                   "ledger audit log", "ledger report evaluation"):
        assert any(needed in c for c in commands), needed
    assert not any(c.lstrip().startswith(("scripts/serve", "scripts/test")) for c in commands)


def test_readme_commands_run_in_order_on_a_fresh_machine(tmp_path: Path) -> None:
    """Every README command exits 0, pasted in order into one shell, with the service running as it says."""
    machine = tmp_path / "machine"
    machine.mkdir()
    for name in (".venv", "examples"):
        (machine / name).symlink_to(ROOT / name)
    svc = ServiceProcess(machine / "ledger-data", log_path=tmp_path / "service.log")
    svc.organisation = "municipality"  # the default, as on a fresh machine
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update({"LEDGER_URL": svc.url, "PYTHONPATH": str(ROOT), "COLUMNS": "80"})
    commands = readme_commands(README.read_text())
    svc.start()
    try:
        script = tmp_path / "readme.sh"
        script.write_text(script_of(commands))
        run = subprocess.run(["bash", str(script)], cwd=machine, env=env, capture_output=True, text=True,
                             timeout=900, stdin=subprocess.DEVNULL)
        out = run.stdout + run.stderr
        ends = dict(re.findall(rf"^{MARK} end (\d+) (\d+)$", run.stdout, re.M))
        failed = next((int(i) for i, rc in ends.items() if rc != "0"), None)
        assert failed is None, f"README command {failed + 1} failed: {commands[failed]}\n{out[-3000:]}"
        assert run.returncode == 0 and len(ends) == len(commands), out[-3000:]
        found = re.search(rf"^{MARK} vars hh=(\S+) privacy=(\S+)$", run.stdout, re.M)
        assert found, out[-3000:]
        hh, privacy_token = found.groups()

        with LedgerClient(svc.url, privacy_token) as privacy:  # the privacy officer's own user sees the review list
            awaiting = privacy.emergencies()
            assert any(hh in str(record.values()) for record in awaiting), awaiting
            assert list(privacy.access_log(household_id=hh))
        assert (machine / "evaluation.html").read_text().lstrip().lower().startswith("<!doctype html")
    finally:
        svc.stop()

    with build(svc.settings) as ledger:  # what the walk-through left in the store
        operator = ledger.users.operator
        households = {str(r.household_id): r for r in ledger.app.list_households(operator)}
        users = {u.user_id: u.role.value for u in ledger.users.list()}
        organisations = {o.org_id for o in ledger.users.organisations()}
    assert len(households) == 12 + 3 + 1  # the demo, the sample import, one referral
    assert households[IMPORTED].case_director == "u-regisseur"
    assert households[hh].phase == "plan" and households[hh].version >= 7
    assert {"u-beheer": "admin", "u-regisseur": "consultant", "u-privacy": "privacy_officer",
            "u-evaluator": "evaluator"}.items() <= users.items()
    assert {"wijkteam-noord", "ggz-noord", "welzijn-noord"} <= organisations  # the last by the admin, over HTTP


@pytest.mark.parametrize("line", ["x=$(false | tail -n 1)", "false"])
def test_a_failing_readme_command_is_caught(tmp_path: Path, line: str) -> None:
    """The script stops at a failing command, also one inside a pipeline (so the test above can fail)."""
    script = tmp_path / "readme.sh"
    script.write_text(script_of(["true", line, "true"]))
    run = subprocess.run(["bash", str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=30)
    assert run.returncode == 100
    assert re.findall(rf"^{MARK} end (\d+) (\d+)$", run.stdout, re.M) == [("0", "0"), ("1", "1")]
