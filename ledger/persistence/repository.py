"""The household repository: eventsourcing's, with a cheaper projector and one key scope per load."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.application import Repository

from ledger.privacy import KeyStore

__all__ = ["FastRepository", "project"]


def project(aggregate: Any, events: Iterable[Any]) -> Any:
    """Apply ``events`` to ``aggregate`` (``None`` before the first), without the library's protocol check.

    ``project_aggregate`` asserts ``isinstance(event, CanMutateProtocol)`` for every event; the
    protocol is ``runtime_checkable``, so each check inspects the class's members, and it was the
    largest single cost of loading a household. Our events are the household's own classes and
    always mutate.
    """
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class FastRepository(Repository[UUID]):
    """:class:`Repository` whose default projector is :func:`project`; a load is one key scope."""

    def __init__(self, keys: KeyStore, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.keys = keys

    def get(self, aggregate_id: UUID, *, projector_func: Any = project, **kwargs: Any) -> Any:
        with self.keys.scope():  # the household's key is read once per load, never kept after it
            return super().get(aggregate_id, projector_func=projector_func, **kwargs)
