"""The organisation register: ids are codes, registered by an administrator, recorded in the ledger."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from conftest import Api, Store
from ledger.aggregates import Actor
from ledger.privacy.access import AccessDeniedError, AccessRecorded
from ledger.privacy.users import Organisation, OrganisationKind, OrganisationRegistered, UserError

ADMIN = Actor("u-admin", "gemeente-testdorp", "admin")
PRIVACY = Actor("u-fg", "gemeente-testdorp", "privacy_officer")


def test_the_deployments_own_municipality_is_registered_at_first_start(store: Store) -> None:
    """build() registers LEDGER_ORGANISATION as a municipality once; a restart does not register it again."""
    ledger = store.make_ledger(with_staff=False, organisation="gemeente-testdorp")
    assert ledger.users.organisation("gemeente-testdorp") == Organisation(
        "gemeente-testdorp", "gemeente-testdorp", OrganisationKind.MUNICIPALITY)
    again = store.make_ledger(with_staff=False, organisation="gemeente-testdorp")
    assert [o.org_id for o in again.users.organisations()] == ["gemeente-testdorp"]


def test_a_registered_organisation_is_an_event_in_the_ledger_with_its_access_record(store: Store) -> None:
    """Registering stores an OrganisationRegistered event and an access record naming the organisation."""
    ledger = store.make_ledger(with_staff=False)
    org = ledger.users.add_organisation("ggz-noord", "GGZ Noord", "partner", by=ADMIN)
    assert org == Organisation("ggz-noord", "GGZ Noord", OrganisationKind.PARTNER)
    assert store.make_ledger(with_staff=False).users.is_organisation("ggz-noord")  # another process sees it
    notes = ledger.app.recorder.select_notifications(start=1, limit=100)
    kinds = [ledger.app.mapper.to_domain_event(n) for n in notes]
    registered = [e for e in kinds if isinstance(e, OrganisationRegistered) and e.org_id == "ggz-noord"]
    records = [e for e in kinds if isinstance(e, AccessRecorded) and e.subject_organisation == "ggz-noord"]
    assert len(registered) == 1 and [(r.user_id, r.action, r.outcome) for r in records] == [
        ("u-admin", "add_organisation", "allowed")]


@pytest.mark.parametrize("org_id", ["GGZ Noord", "ggz_noord", "-ggz", "ggz-", "a" * 41, ""])
def test_an_organisation_id_must_be_a_code(store: Store, org_id: str) -> None:
    """Ids are lower-case letters, digits and hyphens (no names, no leading or trailing hyphen, at most 40)."""
    ledger = store.make_ledger(with_staff=False)
    with pytest.raises(UserError, match="code"):
        ledger.users.add_organisation(org_id, "GGZ Noord", "partner", by=ADMIN)
    assert not ledger.users.is_organisation(org_id)


def test_an_organisation_is_registered_once_and_needs_a_known_kind(store: Store) -> None:
    """A second registration of the same id and an unknown kind are refused; the first stays as it was."""
    ledger = store.make_ledger(with_staff=False)
    ledger.users.add_organisation("ggz-noord", "GGZ Noord", "partner", by=ADMIN)
    with pytest.raises(UserError, match="registered already"):
        ledger.users.add_organisation("ggz-noord", "Other", "municipality", by=ADMIN)
    with pytest.raises(UserError, match="kind"):
        ledger.users.add_organisation("ggd", "GGD", "hospital", by=ADMIN)
    assert ledger.users.organisation("ggz-noord").name == "GGZ Noord"
    assert ledger.users.organisation("ggd") is None


def test_only_administrators_register_organisations_and_refusals_are_recorded(store: Store) -> None:
    """A consultant's registration is refused, recorded, and registers nothing."""
    ledger = store.make_ledger(with_staff=False)
    with pytest.raises(AccessDeniedError):
        ledger.users.add_organisation("ggz-noord", "GGZ Noord", "partner",
                                      by=Actor("u-c", "gemeente-testdorp", "consultant"))
    assert not ledger.users.is_organisation("ggz-noord")
    log = ledger.app.access_log(PRIVACY)
    assert [(r.user_id, r.action, r.outcome, r.subject_organisation) for r in log
            if r.action == "add_organisation" and r.user_id == "u-c"] == [
        ("u-c", "add_organisation", "denied", "ggz-noord")]


def test_organisations_add_and_list_on_the_command_line(tmp_path: Path) -> None:
    """`ledger organisations add` registers; `list` shows it next to the deployment's own municipality."""
    env = {**os.environ, "LEDGER_DATA_DIR": str(tmp_path), "LEDGER_ORGANISATION": "gemeente-testdorp"}
    env.pop("LEDGER_DATABASE_URL", None)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ledger.cli", *args], capture_output=True, text=True,
                              env=env, timeout=120)

    done = cli("organisations", "add", "ggz-noord", "--name", "GGZ Noord", "--kind", "partner")
    assert done.returncode == 0, done.stderr
    bad = cli("organisations", "add", "GGZ Noord", "--name", "GGZ Noord")
    assert bad.returncode != 0 and "code" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    listed = cli("organisations", "list")
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()[2:-1]] == ["gemeente-testdorp", "ggz-noord"]


def test_the_register_over_http_admin_adds_everyone_lists(api: Api) -> None:
    """POST /v1/organisations is for administrators (problem+json otherwise); any signed-in user lists."""
    def client(name: str) -> httpx.Client:
        return httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens[name]}"}, timeout=30)

    body = {"id": "ggz-noord", "name": "GGZ Noord", "kind": "partner"}
    refused = client("director").post("/v1/organisations", json=body)
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
    added = client("admin").post("/v1/organisations", json=body)
    assert added.status_code == 201 and added.json() == {"id": "ggz-noord", "name": "GGZ Noord", "kind": "partner"}
    again = client("admin").post("/v1/organisations", json=body)
    assert again.status_code == 409
    invalid = client("admin").post("/v1/organisations", json={**body, "id": "GGZ Noord"})
    assert invalid.status_code == 400 and "GGZ Noord" not in invalid.text
    listed = client("ggz").get("/v1/organisations")
    assert listed.status_code == 200 and {"id": "ggz-noord", "name": "GGZ Noord", "kind": "partner"} in listed.json()["items"]
    # keyset pages of 3 by id: every organisation once, in order, the last page's next null
    seen, cursor = [], None
    while True:
        page = client("ggz").get("/v1/organisations", params={"limit": 3, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200 and len(page.json()["items"]) <= 3
        seen += [o["id"] for o in page.json()["items"]]
        cursor = page.json()["next"]
        if cursor is None:
            break
    assert seen == sorted(seen) == [o["id"] for o in listed.json()["items"]] and len(seen) > 3
    assert client("ggz").get("/v1/organisations", params={"cursor": "bm90LW91cnM"}).status_code == 400
    assert httpx.get(f"{api.url}/v1/organisations").status_code == 401
