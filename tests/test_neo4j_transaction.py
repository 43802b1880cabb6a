"""An import on Neo4j holds one explicit transaction: another connection sees none of it
until it ends, a failure part of the way leaves nothing of it, and a large import still
commits each time WRITE_BATCH rows have been written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SALLY, _open, wipe
from tacgraph.config import StoreConfig
from tacgraph.export import canonical_hash
from tacgraph.importer import import_files
from tacgraph.store import neo4j as neo4j_store
from tacgraph.store.base import ChangeSet
from tacgraph.store.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j
COUNT = """CALL { MATCH (n) WHERE NOT n:AuditHead RETURN count(n) AS nodes }
CALL { MATCH ()-[r]->() RETURN count(r) AS edges }
RETURN nodes + edges AS count"""  # nodes and relationships


@pytest.fixture
def pair(
    request: pytest.FixtureRequest, tmp_path: Path, _neo4j_checked: str
) -> Iterator[tuple[Neo4jStore, Neo4jStore]]:
    """The store an import writes to, and a second connection that watches it."""
    store = _open("neo4j", tmp_path, request)
    assert isinstance(store, Neo4jStore)
    watcher = Neo4jStore(StoreConfig(kind="neo4j", uri=_neo4j_checked))
    try:
        yield store, watcher
    finally:
        watcher.close()
        wipe(store)
        store.close()


def watched(store: Neo4jStore, watcher: Neo4jStore, fail_at: int = 0) -> list[int]:
    """Wrap the store's ``write`` so that each call's end records how many nodes and
    relationships the watcher sees; the ``fail_at``-th call (from 1) raises after it has
    written."""
    seen: list[int] = []
    original = store.write

    def write(changes: ChangeSet) -> None:
        original(changes)
        seen.append(watcher.run(COUNT)[0]["count"])
        if len(seen) == fail_at:
            raise KeyboardInterrupt  # the process stopped part of the way

    store.write = write  # type: ignore[method-assign]
    return seen


def test_an_import_is_seen_only_once_it_ends(pair: tuple[Neo4jStore, Neo4jStore]) -> None:
    store, watcher = pair
    seen = watched(store, watcher)
    report = import_files(store, [SALLY])
    assert len(seen) > 3 and set(seen) == {0}
    written = sum(report.created.values()) + report.relationships
    assert watcher.run(COUNT)[0]["count"] == written


def test_an_import_stopped_part_of_the_way_leaves_nothing(
    pair: tuple[Neo4jStore, Neo4jStore],
) -> None:
    store, watcher = pair
    seen = watched(store, watcher, fail_at=3)
    with pytest.raises(KeyboardInterrupt):
        import_files(store, [SALLY])
    assert seen == [0, 0, 0]
    assert watcher.run(COUNT)[0]["count"] == 0
    del store.write  # the class's own again
    import_files(store, [SALLY])
    assert store.is_empty() is False


def test_a_large_import_commits_batch_by_batch(
    pair: tuple[Neo4jStore, Neo4jStore],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    store, watcher = pair
    monkeypatch.setattr(neo4j_store, "WRITE_BATCH", 3)
    seen = watched(store, watcher)
    import_files(store, [SALLY])
    assert 0 < seen[0] < seen[-1]  # the first nodes committed before the import ended
    whole = _open("embedded", tmp_path, request)  # the same records in one transaction
    try:
        import_files(whole, [SALLY])
        assert canonical_hash(store) == canonical_hash(whole)
    finally:
        whole.close()
