"""Issue 12, item 9: tamper evidence without blind spots (users, views, digest keys, the chain's tail)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from datetime import date

import pytest
import sqlalchemy as sa

from conftest import OPERATOR, Api, FixedClock, Store, register_organisations
from conftest import raw_sql as sql
from ledger import audit
from ledger.aggregates import Actor
from ledger.application import NewMember
from ledger.privacy.chain import ChainTailError, Digest, SigningKey, chain_table
from ledger.projections import open_views

STRANGER = Actor("u-stranger", "gemeente-testdorp", "consultant")




@pytest.fixture
def ledger(store: Store, clock: FixedClock):
    ledger = store.make_ledger(clock=clock)
    clock.set(date(2026, 3, 2))
    register_organisations(ledger, "gemeente-testdorp")
    for i in range(2):
        hid, v = ledger.app.refer_household(OPERATOR, sources=["police"], members=[NewMember("adult", f"Lid Staart{i}")])
        ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"])
    return ledger


def test_a_role_edited_in_the_users_table_is_not_honoured_and_verify_reports_it(store: Store, ledger) -> None:
    """A consultant made admin by SQL in ledger_users cannot sign in, and `audit verify` names the row."""
    _, token = ledger.users.add(display_name="Test Consultant", organisation="gemeente-testdorp",
                                role="consultant", user_id="u-cons")
    assert ledger.users.authenticate(token).role.value == "consultant"
    sql(store, "UPDATE ledger_users SET role='admin' WHERE user_id='u-cons'")
    fresh = store.make_ledger()  # another process: nothing cached
    assert fresh.users.authenticate(token) is None
    assert "u-cons" not in [u.user_id for u in fresh.users.list() if u.role.value == "admin"]
    report = audit.verify(fresh, None)
    assert not report.ok and any("u-cons" in p and "ledger_users" in p for p in report.problems)


def test_a_user_inserted_behind_the_ledgers_back_cannot_sign_in(store: Store, ledger) -> None:
    """A row added to ledger_users by SQL, with a token hash of the intruder's choosing, is refused and reported."""
    import hashlib

    token = "ldg_" + "x" * 43
    sql(store, "INSERT INTO ledger_users (user_id, display_name, organisation, role, token_sha256, created_at) "
               "VALUES ('u-evil', 'Evil', 'gemeente-testdorp', 'admin', ?, '2026-03-02 10:00:00')",
        (hashlib.sha256(token.encode()).hexdigest(),))
    assert ledger.users.authenticate(token) is None
    assert any("u-evil" in p for p in ledger.users.differences())


def test_user_changes_are_events_in_the_chained_log(ledger) -> None:
    """Adding and disabling a user appends chained notifications (no display name in them)."""
    before = ledger.app.recorder.max_notification_id()
    ledger.users.add(display_name="Zichtbare Naam", organisation="gemeente-testdorp", role="consultant",
                     user_id="u-log")
    ledger.users.disable("u-log")
    notes = ledger.app.recorder.select_notifications(start=before + 1, limit=100)
    topics = [n.topic.rsplit(":", 1)[-1] for n in notes]
    assert topics.count("UserAdded") == 1 and topics.count("UserDisabled") == 1
    assert topics.count("AccessRecorded") == 2  # each change with its own access record
    assert all(b"Zichtbare" not in bytes(n.state) for n in notes)
    assert ledger.chain.head()[0] == ledger.app.recorder.max_notification_id()


def test_a_digest_signed_by_a_fresh_key_is_refused_unless_that_key_is_pinned(store: Store, ledger) -> None:
    """A validly signed digest from a key the deployment does not trust fails; listed as retired, it passes."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    fresh = SigningKey(Ed25519PrivateKey.generate())
    position, head = ledger.chain.head()
    unsigned = Digest(position, head.hex(), "2026-03-02T10:00:00+00:00", fresh.public_b64, "")
    forged = Digest(**{**unsigned.__dict__, "signature": fresh.sign(unsigned.message())})
    assert forged.signature_valid()  # the signature itself is fine ...
    result = ledger.chain.verify(forged)
    assert not result.ok and forged.key_id in result.problem and "not trust" in result.problem  # ... the key is not
    assert ledger.chain.verify(ledger.chain.digest()).ok  # the deployment's own key is trusted
    assert ledger.chain.digest().key_id == ledger.chain.signing_key.key_id
    (store.data_dir / "trusted-keys").write_text(f"# retired 2026-01\n{fresh.public_b64}\n")
    assert store.make_ledger().chain.verify(forged).ok
    assert store.make_ledger(trusted_digest_keys=fresh.public_b64).chain.verify(forged).ok
    del serialization


def test_tail_tampering_is_caught_by_the_latest_kept_digest(store: Store, ledger) -> None:
    """Deleting the last events and their chain rows passes the chain alone, but not the digest kept outside."""
    kept = ledger.take_digest()
    assert list(ledger.digests.directory.glob("digest-*.json"))
    last = kept.position
    sql(store, "DELETE FROM EVENTS WHERE NID > ?", (last - 3,))
    sql(store, "DELETE FROM ledger_chain WHERE position > ?", (last - 3,))
    again = store.make_ledger()  # a restart, as `ledger audit verify` does
    assert again.chain.verify().ok  # the chain on its own cannot tell ...
    report = audit.verify(again, None)  # ... the latest kept digest can
    assert not report.ok and f"digest's position {last}" in report.problems[0]


def test_an_unchained_tail_is_reported_and_neither_start_nor_verify_chains_it(store: Store, ledger) -> None:
    """Chain rows deleted at the end: verify fails naming the positions, a restart or a save chains nothing."""
    last = ledger.app.recorder.max_notification_id()
    sql(store, "DELETE FROM ledger_chain WHERE position > ?", (last - 2,))
    again = store.make_ledger()
    for _ in range(2):  # verifying twice: the first run did not chain the tail either
        result = again.chain.verify()
        assert not result.ok and result.problem == f"2 notifications at the end are not chained (positions {last - 1}..{last})."
    assert again.chain.head()[0] == last - 2
    with pytest.raises(ChainTailError):  # a write behind it is refused, not chained onto unchecked rows
        again.app.refer_household(OPERATOR, sources=["police"], members=[NewMember("adult", "Lid Geweigerd")])
    assert again.app.recorder.max_notification_id() == last
    other = store.make_ledger(organisation="gemeente-nieuwdorp")  # a start that would register: it still starts
    assert not other.users.is_organisation("gemeente-nieuwdorp")
    assert other.app.recorder.max_notification_id() == last


def test_chain_tail_chains_a_legitimate_tail_on_record(store: Store, ledger) -> None:
    """`ledger audit chain-tail --yes` chains the tail after checking the rest, and says so in the log."""
    last = ledger.app.recorder.max_notification_id()
    sql(store, "DELETE FROM ledger_chain WHERE position > ?", (last - 2,))
    env = {**os.environ, "LEDGER_DATA_DIR": str(store.data_dir), "LEDGER_OPERATOR": "op-tail"}
    env.pop("LEDGER_DATABASE_URL", None)
    if store.database_url:
        env["LEDGER_DATABASE_URL"] = store.database_url
    cli = [sys.executable, "-m", "ledger.cli", "audit"]
    failed = subprocess.run([*cli, "verify"], capture_output=True, text=True, env=env, timeout=120)
    assert failed.returncode == 1 and f"positions {last - 1}..{last}" in failed.stderr
    done = subprocess.run([*cli, "chain-tail", "--yes"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    fresh = store.make_ledger()
    assert fresh.chain.verify().ok
    notes = fresh.app.recorder.select_notifications(start=last + 1, limit=10)
    assert [n.topic.rsplit(":", 1)[-1] for n in notes] == ["ChainTailChained", "AccessRecorded"]
    ok = subprocess.run([*cli, "verify"], capture_output=True, text=True, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr


def test_a_deleted_access_log_row_is_reported_naming_the_view(store: Store, ledger) -> None:
    """An emergency access deleted from the access-log view fails verify, naming access_log."""
    hid = ledger.app.list_households(OPERATOR)[0].household_id
    ledger.app.get_household(STRANGER, hid, emergency_reason="Acute zorgen om de kinderen thuis")
    views = open_views(ledger)
    views.catch_up()
    assert audit.verify(ledger, views).ok
    with views.engine.begin() as conn:
        table = sa.Table("view_access_records", sa.MetaData(), autoload_with=conn)
        assert conn.execute(table.delete().where(table.c.emergency.is_(True))).rowcount == 1
    report = audit.verify(ledger, views)
    assert not report.ok and any("access_log" in p for p in report.problems)


def test_the_service_keeps_a_digest_file_from_start_up(api: Api) -> None:
    """Started with no digest, the service signs one into the digest directory (0600), which verifies."""
    directory = api.store.data_dir / "digests"
    deadline = time.monotonic() + 20
    while not list(directory.glob("digest-*.json")) and time.monotonic() < deadline:
        time.sleep(0.1)
    (path,) = directory.glob("digest-*.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    digest = Digest.from_json(path.read_text())
    assert digest.key_id and digest.signature_valid()
    ledger = api.store.make_ledger()
    assert ledger.chain.verify(digest).ok
    with ledger.engine.connect() as conn:
        assert conn.execute(sa.select(chain_table.c.position)).first() is not None


def test_a_digest_is_due_once_the_last_kept_one_is_a_day_old(store: Store, ledger) -> None:
    """No digest, or one older than a day, is due; a fresh one is not; kept files are 0600 JSON."""
    from datetime import UTC, datetime, timedelta

    assert ledger.digests.due()
    kept = ledger.take_digest()
    signed = datetime.fromisoformat(kept.signed_at)
    assert not ledger.digests.due(now=signed + timedelta(hours=23))
    assert ledger.digests.due(now=signed + timedelta(days=1, minutes=1))
    assert ledger.digests.latest() == kept
    assert datetime.now(tz=UTC) - signed < timedelta(minutes=5)


def test_verification_over_http_reports_an_edited_role_and_the_digest_checked(api: Api) -> None:
    """POST /v1/audit/verification checks against the kept digest and names a users row edited by SQL."""
    import httpx

    officer = httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens['privacy']}"},
                           timeout=60)
    digest = officer.get("/v1/audit/digest")
    assert digest.status_code == 200 and len(digest.json()["key_id"]) == 16
    clean = officer.post("/v1/audit/verification").json()
    assert clean["ok"] and clean["problems"] == [] and clean["digest_position"] is not None
    sql(api.store, "UPDATE ledger_users SET role='admin' WHERE user_id='u-director'")
    director = httpx.get(f"{api.url}/v1/users/me", headers={"Authorization": f"Bearer {api.tokens['director']}"})
    assert director.status_code == 401
    broken = officer.post("/v1/audit/verification").json()
    assert not broken["ok"] and any("u-director" in p for p in broken["problems"])


def test_a_write_behind_an_unchained_tail_is_refused_over_http(api: Api) -> None:
    """With the chain's last rows deleted, a write answers 503 problem+json and records nothing."""
    import httpx

    last = sql(api.store, "SELECT max(position) FROM ledger_chain")[0][0]
    sql(api.store, "DELETE FROM ledger_chain WHERE position > ?", (last - 1,))
    admin = httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens['admin']}"}, timeout=30)
    refused = admin.post("/v1/organisations", json={"id": "ggz-noord", "name": "GGZ Noord", "kind": "partner"})
    assert refused.status_code == 503 and refused.json()["type"].endswith("/chain-tail-unchained")
    assert "ggz-noord" not in [o["id"] for o in admin.get("/v1/organisations").json()["items"]]
