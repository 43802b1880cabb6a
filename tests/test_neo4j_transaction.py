"""An import on Neo4j holds one explicit transaction: another connection sees none of it
until it ends, a failure part of the way leaves nothing of it, and a large import still
commits each time WRITE_BATCH rows have been written."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import SALLY, _open, wipe
from tacgraph import importer
from tacgraph.config import StoreConfig
from tacgraph.errors import StoreConflict
from tacgraph.export import canonical_hash
from tacgraph.importer import import_files, import_records
from tacgraph.store import neo4j as neo4j_store
from tacgraph.store.base import ChangeSet
from tacgraph.store.embedded import EmbeddedStore
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


def test_a_deadlock_between_two_held_imports_is_a_conflict_to_run_again(
    pair: tuple[Neo4jStore, Neo4jStore],
) -> None:
    """Two held transactions that each lock what the other then wants: Neo4j undoes one,
    and the store says so as a StoreConflict (run it again), not a bare failure."""
    first, _ = pair
    second = Neo4jStore(StoreConfig(kind="neo4j", uri=first.config.uri))
    both = threading.Barrier(2, timeout=30)
    lock = "MERGE (n:ConflictProbe {id: $id}) SET n.by = $by"
    errors: dict[str, BaseException] = {}

    def hold(store: Neo4jStore, by: str, ids: tuple[str, str]) -> None:
        try:
            with store.transaction():
                store.run(lock, {"id": ids[0], "by": by})
                both.wait()
                store.run(lock, {"id": ids[1], "by": by})
        except BaseException as exc:  # noqa: BLE001 - the test reads it
            errors[by] = exc

    first.run("CREATE (:ConflictProbe {id: 'A'}), (:ConflictProbe {id: 'B'})")
    threads = [
        threading.Thread(target=hold, args=(first, "first", ("A", "B"))),
        threading.Thread(target=hold, args=(second, "second", ("B", "A"))),
    ]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        second.close()
    assert len(errors) == 1, errors  # one undone, the other committed
    (error,) = errors.values()
    assert isinstance(error, StoreConflict), repr(error)
    assert "run it again" in error.hint


def test_an_import_undone_for_another_writer_runs_again(
    pair: tuple[Neo4jStore, Neo4jStore], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An import the engine undoes (StoreConflict) is run again, whole, and lands; one
    undone every time gives up after CONFLICT_ATTEMPTS runs with the conflict."""
    store, _ = pair
    original = store.transaction
    undone: list[int] = []

    @contextmanager
    def conflicting(times: int) -> Iterator[None]:
        with original():
            yield
            if len(undone) < times:
                undone.append(1)
                raise StoreConflict("Neo4j write failed: deadlock detected")

    monkeypatch.setattr(importer, "time", type("T", (), {"sleep": staticmethod(lambda s: None)}))
    monkeypatch.setattr(store, "transaction", lambda: conflicting(2))
    report = import_files(store, [SALLY])
    assert len(undone) == 2 and report.runs == 3 and report.records_read > 0
    with EmbeddedStore(tmp_path / "clean") as clean:
        clean.init_schema()
        import_files(clean, [SALLY])
        assert canonical_hash(store) == canonical_hash(clean)
    undone.clear()
    monkeypatch.setattr(store, "transaction", lambda: conflicting(importer.CONFLICT_ATTEMPTS))
    with pytest.raises(StoreConflict):
        import_records(store, [])
    assert len(undone) == importer.CONFLICT_ATTEMPTS
