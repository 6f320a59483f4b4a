"""Issue 13 item 3: one audit use case (digest, verify) for the API and the CLI, recorded the same way.

``Ledger.audit`` decides and records the read (``read_access_log``, the acting user) before it
checks or signs anything; the routes and the CLI commands only call it. Real SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conftest import OPERATOR, PRIVACY_OFFICER, Store
from ledger.aggregates import Actor
from ledger.application import NewMember
from ledger.privacy.chain import ChainTailError, chain_table
from ledger.privacy.access import AccessDeniedError

CONSULTANT = Actor("u-director", "gemeente-testdorp", "consultant")


def audit_reads(ledger) -> list[tuple[str, str, str]]:
    """The audit log's own entries: who asked for the access log (a digest, a verification), and the outcome."""
    return [(r.user_id, r.action, r.outcome) for r in ledger.app.access_log(OPERATOR) if r.action == "read_access_log"
            and r.user_id != OPERATOR.user_id]


def test_digest_and_verify_record_the_read_before_answering(store: Store) -> None:
    """The privacy officer's digest and verification each leave one allowed read_access_log record."""
    ledger = store.make_ledger()
    ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", "Ria Audit")])
    digest = ledger.audit.digest(PRIVACY_OFFICER)
    assert audit_reads(ledger) == [("u-fg", "read_access_log", "allowed")]
    report = ledger.audit.verify(PRIVACY_OFFICER, ledger.views)
    assert report.ok and report.digest == digest  # checked against the digest just kept
    assert audit_reads(ledger) == [("u-fg", "read_access_log", "allowed")] * 2


def test_a_reader_the_policy_refuses_gets_nothing_signed_and_the_refusal_is_recorded(store: Store) -> None:
    """A consultant asking for a digest or a verification is refused, on record; no digest is kept."""
    ledger = store.make_ledger()
    with pytest.raises(AccessDeniedError):
        ledger.audit.digest(CONSULTANT)
    with pytest.raises(AccessDeniedError):
        ledger.audit.verify(CONSULTANT, None)
    assert ledger.digests.latest() is None
    assert audit_reads(ledger) == [("u-director", "read_access_log", "denied")] * 2


def test_behind_an_unchained_tail_only_the_local_operator_checks_unrecorded(store: Store) -> None:
    """Every write is refused behind an unchained tail: the officer gets no answer, the operator's check runs."""
    ledger = store.make_ledger()
    last = ledger.app.recorder.max_notification_id()
    with ledger.engine.begin() as conn:
        conn.execute(sa.delete(chain_table).where(chain_table.c.position > last - 2))
    with pytest.raises(ChainTailError):
        ledger.audit.verify(PRIVACY_OFFICER, None)
    report = ledger.audit.verify(OPERATOR, None)
    assert not report.ok and f"positions {last - 1}..{last}" in report.problems[0]
    assert ledger.app.recorder.max_notification_id() == last  # nothing recorded, nothing chained
