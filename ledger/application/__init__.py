"""The command side: one ``eventsourcing`` Application, one method per use case, in rooms by trade.

:class:`CaseLedger` is the one application. Its use cases live in modules by trade:

=====================  ==========================================================================
``core``               the eventsourcing wiring: repository, sealing mapper, save and snapshot,
                       after-save hooks, the write position, the business date, load and save
``guard``              the access guard: decide by the policy, throttle, record, refuse
``commands``           the case's course (referral to reopening) and the command machinery
``plan``               the plan's commands (ZRM, goals, actions, involvement, evaluation, ...)
``privacy_commands``   consent and legal basis, retention holds, erasure
``history``            a household now or as recorded at a moment, its history, the caseload list
``subject_access``     the AVG export, the access-log scan, access requests, emergency reviews
``review``             a record under review shown with its stated reason and the relations then
``audit``              snapshot and key checks, erasures finished, directory and chain-tail records
=====================  ==========================================================================

Why mixins for the rooms and composition for the guard: the rooms are one application's use
cases, and every one needs the same store, repository, mapper, keys and clock, which
eventsourcing gives an ``Application`` subclass. So each room is a class on
:class:`~ledger.application.core.LedgerCore` with its own methods only (none overrides
another's, so their order does not matter). The guard is a collaborator with its own state (the
throttle, the writer thread of the group commit) and a second implementation,
:class:`~ledger.application.guard.PassThroughGuard` (bulk import's in-memory staging ledger), so
it is an object the application is given: ``CaseLedger(..., guard=PassThroughGuard)``.
"""

from __future__ import annotations

from ledger.application.audit import Audit
from ledger.application.commands import NewMember
from ledger.application.core import parse_household_id
from ledger.application.guard import AccessGuard, PassThroughGuard
from ledger.application.history import HouseholdSummary, Reads
from ledger.application.plan import PlanCommands
from ledger.application.privacy_commands import PrivacyCommands
from ledger.application.review import Review
from ledger.application.subject_access import SubjectAccess

__all__ = ["AccessGuard", "CaseLedger", "HouseholdSummary", "NewMember", "PassThroughGuard", "parse_household_id"]


class CaseLedger(PlanCommands, PrivacyCommands, Reads, SubjectAccess, Audit, Review):
    """The household ledger's use cases."""

    # Pinned here too: eventsourcing names every subclass after itself unless it says otherwise,
    # and the name decides the PostgreSQL tables (ledger_events, ...) and the environment prefix.
    name = "Ledger"
