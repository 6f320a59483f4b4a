"""A client generated from the served document drives a household's whole life (issue 17 item 2).

What a municipal case system does: fetch ``/v1/openapi.json`` from the running service, generate its client with a
well-known generator and use nothing else. The generator is ``openapi-python-client`` 0.29.1, pinned with its
dependencies in ``tools/openapi-client/requirements.txt`` and installed by ``scripts/bootstrap-openapi-client``
(which ``scripts/test`` runs) into its own venv, ``.tools/openapi-client``: its typer and ruff pins conflict with
the project's. The journey (tests/e2e/generated_client_journey.py) runs in that venv with the generated package on
``PYTHONPATH``; it prints a JSON summary this test checks. The generator runs with ``--fail-on-warning``: a
warning about our document (a schema or an operation it cannot render) fails the test, so the document stays
generatable. The journey's clients raise on a status the document does not declare for the operation
(``raise_on_unexpected_status``), and parse every answer into the declared model, so an undocumented status or a
body off its schema stops it. The document is the same on both backends, so the client is generated once per session.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from bsn_pool import fresh_bsn
from conftest import Api

ROOT = Path(__file__).resolve().parents[2]
TOOL_VENV = ROOT / ".tools" / "openapi-client"
GENERATOR = TOOL_VENV / "bin" / "openapi-python-client"
TOOL_PYTHON = TOOL_VENV / "bin" / "python"
REQUIREMENTS = ROOT / "tools" / "openapi-client" / "requirements.txt"
JOURNEY = Path(__file__).with_name("generated_client_journey.py")
PACKAGE = "ledger_client"
# post_hooks: none. The generator's default hooks run `ruff` from PATH over the output, which the tool venv's
# PATH does not carry; formatting the generated code is not what this test is about, and a missing hook is a
# warning that would otherwise fail --fail-on-warning for a reason that is not our document.
CONFIG = "post_hooks: []\n"


def _generator_version() -> str:
    pinned = [line for line in REQUIREMENTS.read_text().splitlines() if line.startswith("openapi-python-client==")]
    return pinned[0].split("==", 1)[1]


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Generated packages by the document's digest: both backends serve one document, so one generation."""
    if not GENERATOR.exists():
        pytest.fail(f"{GENERATOR.relative_to(ROOT)} is missing: run scripts/test, which installs the pinned "
                    "generator (scripts/bootstrap-openapi-client)", pytrace=False)
    return {}


def generate(cache: dict[str, Path], document: bytes, workdir: Path) -> tuple[Path, str]:
    """Generate the client from ``document`` (once per distinct document); its directory and the generator's output."""
    digest = hashlib.sha256(document).hexdigest()
    if digest in cache:
        return cache[digest], "(cached)"
    out = workdir / digest[:12]
    out.mkdir(parents=True)
    (out / "openapi.json").write_bytes(document)
    (out / "config.yaml").write_text(CONFIG)
    run = subprocess.run(
        [str(GENERATOR), "generate", "--path", "openapi.json", "--output-path", f"src/{PACKAGE}", "--meta", "none",
         "--config", "config.yaml", "--fail-on-warning"],
        cwd=out, capture_output=True, text=True, timeout=300)
    output = run.stdout + run.stderr
    assert run.returncode == 0, f"the generator refused the document:\n{output}"
    # --fail-on-warning exits non-zero on a warning; say so plainly should a version print one and exit 0.
    assert "Warning" not in output and "Unable to" not in output, f"the generator warned about the document:\n{output}"
    cache[digest] = out / "src"
    return cache[digest], output


def test_the_generator_is_the_pinned_one(generated: dict[str, Path]) -> None:
    run = subprocess.run([str(GENERATOR), "--version"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert _generator_version() in run.stdout, run.stdout


def test_a_part_of_the_document_the_generator_cannot_render_fails_the_check(generated: dict[str, Path],
                                                                           tmp_path: Path) -> None:
    """The guard itself: a response whose schema the generator cannot resolve is a warning, and the check fails."""
    from ledger.api.main import create_app
    from ledger.config import Settings

    document = create_app(Settings(data_dir=tmp_path / "data")).openapi()
    document["paths"]["/health"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/NoSuchSchema"}}}
    with pytest.raises(AssertionError, match="GET /health"):
        generate({}, json.dumps(document).encode(), tmp_path / "client")


def test_a_households_whole_life_through_the_generated_client(api: Api, generated: dict[str, Path],
                                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    document = httpx.get(f"{api.url}/v1/openapi.json", timeout=30)
    assert document.status_code == 200
    src, _ = generate(generated, document.content, tmp_path_factory.mktemp("client"))
    assert (src / PACKAGE / "api" / "households" / "refer.py").exists()

    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(src), "LEDGER_URL": api.url,
           "LEDGER_BSN": fresh_bsn(), "PYTHONDONTWRITEBYTECODE": "1",
           "LEDGER_TOKENS": json.dumps({who: api.tokens[who] for who in ("director", "ggz", "privacy", "evaluator")})}
    run = subprocess.run([str(TOOL_PYTHON), str(JOURNEY)], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"the journey stopped:\n{run.stderr}\n{run.stdout}"
    summary: dict[str, Any] = json.loads(run.stdout)
    steps = {s["step"]: s for s in summary["steps"]}

    # Every write answered as the document says, in order, each on the version the previous answer's ETag named.
    assert list(steps) == ["refer", "record_intake", "decide_coordination", "set_case_director", "grant_consent",
                           "record_zrm_measurement", "set_plan_goal", "add_plan_action", "complete_plan_action",
                           "start_involvement", "end_involvement", "hold_evaluation", "hand_over", "close_case",
                           "reopen_case"]
    assert {s["status"] for n, s in steps.items() if n != "set_case_director"} == {201}
    assert steps["set_case_director"]["status"] == 200
    versions = [s["version"] for s in summary["steps"]]
    assert versions == list(range(1, len(versions) + 1)), versions
    assert all(s["etag"] == f'"{s["version"]}"' for s in summary["steps"])
    positions = [s["ledger_position"] for s in summary["steps"]]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert all(s["ledger_position"] == s["position"] for s in summary["steps"])  # the header says what the body says
    assert all(s["replay"] is None for s in summary["steps"])
    hid = summary["household_id"]
    assert {s["location"] for s in summary["steps"]} == {f"/v1/households/{hid}"}
    for made in ("set_plan_goal", "add_plan_action", "start_involvement"):
        assert steps[made]["item_id"], made

    # The retry with the same Idempotency-Key: the first answer again, marked as a replay, nothing recorded twice.
    retry = summary["retry"]
    assert (retry["status"], retry["replay"]) == (201, "true")  # the first answer, status included
    assert (retry["household_id"], retry["version"], retry["etag"]) == (hid, 1, '"1"')

    # A write the service asked to wait for (503 or 409 with Retry-After) was sent again with its key.
    assert all(r["status"] in (409, 503) and r["retry_after"] for r in summary["retried"])

    # A household write retried with its key and If-Match: the first answer again, the version not moved on.
    intake = steps["record_intake"]
    assert summary["intake_retry"] == {"status": 201, "replay": "true", "version": intake["version"],
                                       "etag": intake["etag"], "ledger_position": intake["ledger_position"]}

    # Each read with minPosition from the write's Ledger-Position saw that write.
    reads = {r["after"]: r for r in summary["reads"]}
    assert set(reads) == {"record_intake", "add_plan_action", "hold_evaluation", "reopen_case"}
    for after, read in reads.items():
        assert read["status"] == 200 and read["min_position"] == steps[after]["ledger_position"]
        assert read["version"] == steps[after]["version"], (after, read)
    assert [reads[a]["phase"] for a in ("record_intake", "add_plan_action")] == ["intake", "plan"]
    assert summary["planned"]["goals"] == 1
    assert summary["members"] and {m["role"] for m in summary["members"]} == {"adult", "child"}

    # The privacy officer sees who did what on the household; the evaluator gets the report as JSON and as CSV.
    records = summary["access_log"]["records"]
    assert summary["access_log"]["status"] == 200 and records
    assert {(r["user_id"], r["action"]) for r in records} >= {
        ("u-director", "refer_household"), ("u-director", "grant_consent"), ("u-director", "read_household"),
        ("u-director", "hand_over"), ("u-ggz", "close_case"), ("u-ggz", "reopen_case"), ("u-ggz", "read_plan")}
    assert {r["outcome"] for r in records} == {"allowed"}
    assert summary["report"]["status"] == 200 and summary["report"]["type"] == "EvaluationReportOut"
    assert summary["report"]["content_type"].startswith("application/json")
    assert {"referrals", "coordination", "phases", "zrm"} <= set(summary["report"]["keys"])
    assert summary["report"]["referrals"]["households"] == 5  # this household and four neighbours, last month
    assert summary["csv"]["status"] == 200 and summary["csv"]["content_type"].startswith("text/csv")
    assert summary["csv"]["lines"] > 1
