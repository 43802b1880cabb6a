"""An import killed with SIGKILL part of the way through, then run again, gives the graph
a clean import gives, on both engines: the embedded store keeps none of the killed
import (a daily feed is one transaction; a first load's COPYs, each committed on its own,
are undone when the store is next opened), and on Neo4j (which commits a large import
every WRITE_BATCH rows) the re-run completes the batches it committed.

The kill is real: the import runs in its own process, which sends itself SIGKILL at the
chosen write (the one way to stop it at the same point every run)."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import synthetic_file
from tacgraph.errors import StoreUnavailable
from tacgraph.export import canonical_hash
from tacgraph.importer import import_files
from tacgraph.store import Store
from tacgraph.store.embedded import EmbeddedStore
from tacgraph.store.neo4j import Neo4jStore

# Runs one import, and kills its own process at the chosen call of the chosen store method.
_KILLED_IMPORT = """
import os, signal, sys
from pathlib import Path
from tacgraph.config import StoreConfig
from tacgraph.importer import import_files
from tacgraph.store.embedded import EmbeddedStore
from tacgraph.store.neo4j import Neo4jStore

target, source, method, at = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
prefix = sys.argv[5]
if target.startswith("bolt://"):
    import tacgraph.store.neo4j
    tacgraph.store.neo4j.WRITE_BATCH = 100  # commit every 100 rows, so a kill leaves some
    store = Neo4jStore(StoreConfig(kind="neo4j", uri=target))
else:
    store = EmbeddedStore(Path(target))
original = getattr(store, method)
calls = []

def killing(*args, **kwargs):
    if not isinstance(args[0], str) or args[0].startswith(prefix):
        calls.append(1)
    if len(calls) == at:
        os.kill(os.getpid(), signal.SIGKILL)
    return original(*args, **kwargs)

setattr(store, method, killing)
import_files(store, [source])
"""


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_file(tmp_path_factory.mktemp("kill"), 120, 17)


@pytest.fixture(scope="module")
def clean(source: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The canonical hash of a clean import of ``source``."""
    with EmbeddedStore(tmp_path_factory.mktemp("clean") / "db") as store:
        store.init_schema()
        import_files(store, [source])
        return canonical_hash(store)


def _killed(target: str, source: Path, method: str, at: int, prefix: str = "") -> None:
    """Import ``source`` in a process that kills itself at the ``at``-th call of the
    store's ``method`` (of a statement starting with ``prefix``, for ``run``)."""
    run = subprocess.run(
        [sys.executable, "-c", _KILLED_IMPORT, target, str(source), method, str(at), prefix],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == -signal.SIGKILL, run.stderr[-2000:]


def _target(store: Store) -> str:
    if isinstance(store, Neo4jStore):
        return str(store.config.uri)
    assert isinstance(store, EmbeddedStore)
    return str(store.path)


@contextmanager
def _reopened(store: Store) -> Iterator[Store]:
    """The store as the killed process left it: the embedded one opened again (and closed
    afterwards), the Neo4j one as it is."""
    if not isinstance(store, EmbeddedStore):
        yield store
        return
    with EmbeddedStore(store.path) as again:
        yield again


def _rerun_gives_the_clean_graph(store: Store, source: Path, clean: str) -> None:
    import_files(store, [source])
    assert canonical_hash(store) == clean
    again = import_files(store, [source])  # and every hash was kept: nothing to write
    assert again.unchanged == again.records_read
    assert again.created == {} and again.updated == {} and again.edges_created == 0


@pytest.mark.parametrize("at", [1, 3, 30])
def test_a_first_load_killed_mid_write_then_run_again_gives_the_clean_graph(
    store: Store, source: Path, clean: str, at: int
) -> None:
    """Killed at the first, third or thirtieth COPY of the embedded store's bulk load (the
    ones before it committed, nodes and then edges), or on Neo4j at the second, fourth or
    thirty-first write (of nodes or of edges), the import committing each time 100 rows
    have been written."""
    if isinstance(store, EmbeddedStore):
        store.close()
        _killed(_target(store), source, "run", at, prefix="COPY")
    else:
        _killed(_target(store), source, "write", at + 1)  # after a committed batch
    with _reopened(store) as again:
        if isinstance(again, EmbeddedStore):
            if not again.is_empty():  # undone as it opened: nothing of a killed load is kept
                pytest.fail("the embedded store kept part of a killed import")
        else:
            assert not again.is_empty(), "the kill came too late to test a partial import"
        _rerun_gives_the_clean_graph(again, source, clean)


def test_a_daily_feed_killed_before_its_hashes_are_kept_is_completed_by_a_rerun(
    store: Store, source: Path, clean: str, tmp_path: Path
) -> None:
    """The second import of a changed file, killed as it keeps its content hashes (every
    node and edge written, no hash kept): the re-run of the original file restores it."""
    changed = tmp_path / "changed.jsonl"
    changed.write_text(
        source.read_text(encoding="utf-8").replace('"family_name":"', '"family_name":"X'),
        encoding="utf-8",
    )
    import_files(store, [source])
    if isinstance(store, EmbeddedStore):
        store.close()
    _killed(_target(store), changed, "set_node_hashes", 1)
    with _reopened(store) as again:
        _rerun_gives_the_clean_graph(again, source, clean)


def test_a_store_holding_part_of_a_first_load_is_refused_read_only_and_undone_read_write(
    source: Path, tmp_path: Path
) -> None:
    """Killed at the tenth COPY: opened read-only the store says it holds part of a load
    rather than answering from it; opened for writing it is empty again."""
    path = tmp_path / "db"
    with EmbeddedStore(path) as store:
        store.init_schema()
    _killed(str(path), source, "run", 10, prefix="COPY")
    with pytest.raises(StoreUnavailable, match="part of a first load"):
        EmbeddedStore(path, read_only=True)
    with EmbeddedStore(path) as store:
        assert store.is_empty()
    with EmbeddedStore(path, read_only=True) as store:  # the mark went with the part
        assert store.is_empty()
