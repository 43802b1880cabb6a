"""Many lookups at once, as the web server's request threads make them, on both engines:
each is answered only after its own access-log entry is written, the entries of
lookups that finish together go in one write (group commit), and the chain stays whole."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from conftest import ROBIN, SALLY, load
from tacgraph import audit, lookup
from tacgraph.store import Store

THREADS = 16


def _counting_writes(store: Store) -> list[int]:
    """Count the access log's writes (each its own durable statement); the first one is
    held back a moment so that the other lookups arrive while it runs."""
    writes: list[int] = []
    real = store.query_once

    def query_once(name: str, params: Any = None) -> Any:
        if name.startswith("audit_append"):
            writes.append(len(params.get("seqs", [0])))
            if len(writes) == 1:
                time.sleep(0.3)
        return real(name, params)

    store.query_once = query_once  # type: ignore[method-assign]
    return writes


def test_lookups_at_once_share_writes_and_keep_one_chain(store: Store) -> None:
    load(store, SALLY, ROBIN)
    before = len(list(audit.entries(store)))
    writes = _counting_writes(store)
    start = threading.Barrier(THREADS)

    def ask(_: int) -> tuple[int, list[str]]:
        start.wait()
        result = lookup.who_else(
            store, "CH-SALLY", "PR-SOCIAL-WORKER", purpose="case review", channel="web"
        )
        # Answered only once its entry is in the log: it is there as soon as we return.
        mine = [e for e in audit.entries(store) if e.seq > before]
        return len(mine), [v.practitioner_id for v in result.involved]

    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(ask, range(THREADS)))

    assert all(count >= 1 for count, _ in answers)
    assert len({tuple(sorted(ids)) for _, ids in answers}) == 1  # the same answer for all
    entries = list(audit.entries(store))[before:]
    assert len(entries) == THREADS
    assert {(e.requester_id, e.child_id, e.channel) for e in entries} == {
        ("PR-SOCIAL-WORKER", "CH-SALLY", "web")
    }
    assert sum(writes) == THREADS
    assert len(writes) < THREADS  # entries that arrived together shared a write
    assert [e.seq for e in entries] == list(range(before + 1, before + THREADS + 1))
    assert audit.verify(store).ok
