"""The Idempotency-Key store on a real database: of concurrent first requests, exactly one runs."""

from __future__ import annotations

import threading

from conftest import Store
from ledger.api.deps import IdempotencyStore
from ledger.api.problems import ApiProblem


def test_concurrent_requests_with_one_key_reserve_it_once(store: Store) -> None:
    """Eight threads race to reserve one key: one gets to run, the others are told 409 (in progress)."""
    idem = IdempotencyStore(store.make_ledger().engine)
    outcomes: list[object] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            result: object = idem.begin("u-1", "key-1", "fingerprint")
        except ApiProblem as exc:
            result = exc.status
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=str) == [409] * 7 + [None]
    idem.release("u-1", "key-1")  # the first request failed before any change: a retry may run it
    assert idem.begin("u-1", "key-1", "fingerprint") is None
