"""What ``audit verify`` checks, for the command line and the API alike.

1. The hash chain against the stored log (nothing is chained first; an unchained tail
   is a failure), and against a signed digest: the one given, else the latest kept in
   the digest directory, signed by a pinned key.
2. The directory tables (``ledger_users``, ``ledger_organisations``) against the
   directory's events in the chained log.
3. Every snapshot against a replay of its household's events.
4. Every view against a replay of the ledger up to that view's stored position.
5. The key store against the households: a live household without its key is an alarm (a
   deleted key row is tampering, not an erasure); an erasure left unfinished is finished.

:class:`Audit` is the use case every interface calls (``POST /v1/audit/verification``,
``GET /v1/audit/digest``, ``ledger audit verify|digest``): it decides and records the read
(``read_access_log``, the acting user) before it checks or signs anything, so the access
log holds it the same way whoever asked. Fail closed: a read that cannot be recorded is
not answered, with one exception. Behind an unchained tail every write is refused until
the local operator has checked and chained it (``ledger audit verify``, then ``chain-tail``);
the operator's checks then run unrecorded, and say so in a log line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import structlog

from ledger.aggregates import Actor
from ledger.aggregates.actions import Action
from ledger.application import CaseLedger
from ledger.privacy.chain import Chain, ChainTailError, Digest
from ledger.privacy.digests import DigestArchive, TrustedKeys
from ledger.privacy.policy import Role
from ledger.privacy.users import UserDirectory
from ledger.projections import Runner
from ledger.projections.verification import verify_views

__all__ = ["Audit", "AuditReport", "Audited", "verify"]

log = structlog.get_logger("ledger.audit")


class Audited(Protocol):
    """What the checks read: the application, the chain, the directory and the kept digests."""

    @property
    def app(self) -> CaseLedger: ...

    @property
    def chain(self) -> Chain: ...

    @property
    def users(self) -> UserDirectory: ...

    @property
    def digests(self) -> DigestArchive: ...


@dataclass
class AuditReport:
    checked: int
    head_position: int
    first_bad_position: int | None
    digest: Digest | None  # the digest the chain was checked against
    problems: list[str] = field(default_factory=list)
    bad_snapshots: int = 0
    missing_keys: int = 0
    finished_erasures: int = 0
    key_rotation_due: bool = False
    notes: list[str] = field(default_factory=list)  # no failure, but the operator should know

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Audit:
    """The audit use cases, recorded the same way from every interface (wired by ``ledger.bootstrap``)."""

    app: CaseLedger
    chain: Chain
    users: UserDirectory
    digests: DigestArchive  # signed digests, kept outside the database
    trusted: TrustedKeys  # the public keys a digest may be signed with

    def digest(self, actor: Actor) -> Digest:
        """Record the read, check the chain since the latest kept digest, then sign a digest of its head and keep it.

        Raises :class:`ledger.privacy.chain.ChainBrokenError` (nothing signed) when the chain does not verify.
        """
        self._record(actor)
        return self.take_digest()

    def verify(self, actor: Actor, views: Runner | None, digest: Digest | None = None,
               progress: Callable[[int], Any] | None = None) -> AuditReport:
        """Record the read, then run every check (:func:`verify`)."""
        self._record(actor)
        return verify(self, views, digest, progress=progress)

    def take_digest(self) -> Digest:
        """The service's own daily digest (no user asked, nothing to record); see :meth:`digest`."""
        return self.digests.take(self.chain, self.trusted)

    def _record(self, actor: Actor) -> None:
        try:
            self.app.record_read(actor, Action.READ_ACCESS_LOG)
        except ChainTailError:
            if actor.role != Role.OPERATOR:
                raise  # fail closed: answered only once recorded
            log.warning("audit_read_not_recorded", reason="unchained_tail", user_id=actor.user_id)


def verify(ledger: Audited, views: Runner | None, digest: Digest | None = None,
           progress: Callable[[int], Any] | None = None) -> AuditReport:
    """Run every check, unrecorded (the use case is :meth:`Audit.verify`).

    ``digest`` defaults to the latest kept one, ``views`` None skips the views.
    """
    digest = digest if digest is not None else ledger.digests.latest()
    result = ledger.chain.verify(digest, progress=progress)
    report = AuditReport(result.checked, result.head_position, result.first_bad_position, digest)
    if not result.ok:
        report.problems.append(result.problem or "The chain does not verify.")
    report.problems.extend(ledger.users.differences())
    bad = ledger.app.verify_snapshots()
    if bad:
        hid, version = bad[0]
        report.bad_snapshots = len(bad)
        report.problems.append(f"the snapshot of household {hid} at version {version} differs from its events "
                               f"({len(bad)} bad snapshots; they are a cache and can be deleted)")
    if views is not None:
        report.problems.extend(str(d) for d in verify_views(ledger.app, views))
    keys = ledger.app.verify_keys()
    report.missing_keys, report.finished_erasures = len(keys.missing), len(keys.erasures.finished)
    report.key_rotation_due = keys.status.rotation_due
    if keys.missing:
        report.problems.append(
            f"{len(keys.missing)} live households have no data key (first: {keys.missing[0]}); a deleted key row is "
            "tampering, not an erasure: restore the key store from a backup")
    if keys.erasures.failed:
        report.problems.append(f"{len(keys.erasures.failed)} erasures could not be finished (the key store is busy); "
                               "run `ledger audit verify` again")
    if keys.erasures.finished:
        report.notes.append(f"finished {len(keys.erasures.finished)} erasures left unfinished "
                            "(their keys are shredded now)")
    if keys.status.rotation_due:
        report.notes.append(f"{keys.status.erasures_under_current} erasures since the last master-key rotation: WAL, "
                            "standbys and backups can still undo them until you run `ledger keys rotate` and "
                            "destroy the old master key")
    return report
