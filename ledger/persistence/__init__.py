"""The persistence side: event stores, the fast repository, the record writer, bulk queries.

* :mod:`.recorders`: eventsourcing's SQLite and PostgreSQL recorders with the hash chain in the
  save's transaction and a polling subscription for SQLite. Their factories are named by topic in
  stored settings (``ledger.persistence:PollingSQLiteFactory``), so they are exported here, where
  those topics point.
* :mod:`.repository`: the repository that loads a household in one key scope, projecting without
  the library's per-event protocol check.
* :mod:`.group_commit`: the writer thread that saves the access records of reads in batches.
* :mod:`.queries`: set queries the library lacks (which households a store holds already; one household's
  events with their positions).
"""

from ledger.persistence.group_commit import GroupCommit
from ledger.persistence.queries import existing_households, household_notifications
from ledger.persistence.recorders import (
    FACTORY_TOPIC,
    PG_FACTORY_TOPIC,
    POLL_SECONDS,
    ChainingPostgresApplicationRecorder,
    ChainingPostgresFactory,
    ChainsInTransaction,
    PollingSQLiteApplicationRecorder,
    PollingSQLiteFactory,
    PollingSubscription,
)
from ledger.persistence.repository import FastRepository, project

__all__ = ["FACTORY_TOPIC", "PG_FACTORY_TOPIC", "POLL_SECONDS", "ChainingPostgresApplicationRecorder",
           "ChainingPostgresFactory", "ChainsInTransaction", "FastRepository", "GroupCommit", "household_notifications",
           "PollingSQLiteApplicationRecorder", "PollingSQLiteFactory", "PollingSubscription",
           "existing_households", "project"]
