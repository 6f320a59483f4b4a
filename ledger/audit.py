"""What ``audit verify`` checks, for the command line and the API alike.

1. The hash chain against the stored log (nothing is chained first; an unchained tail
   is a failure), and against a signed digest: the one given, else the latest kept in
   the digest directory, signed by a pinned key.
2. The directory tables (``ledger_users``, ``ledger_organisations``) against the
   directory's events in the chained log.
3. Every snapshot against a replay of its household's events.
4. Every view against a replay of the ledger up to that view's stored position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ledger.bootstrap import Ledger
from ledger.privacy.chain import Digest
from ledger.projections import Runner
from ledger.projections.verification import verify_views

__all__ = ["AuditReport", "verify"]


@dataclass
class AuditReport:
    checked: int
    head_position: int
    first_bad_position: int | None
    digest: Digest | None  # the digest the chain was checked against
    problems: list[str] = field(default_factory=list)
    bad_snapshots: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(ledger: Ledger, views: Runner | None, digest: Digest | None = None,
           progress: Callable[[int], Any] | None = None) -> AuditReport:
    """Run every check; ``digest`` defaults to the latest kept one, ``views`` None skips the views."""
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
    return report
