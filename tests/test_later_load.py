"""A later load larger than TACGRAPH_TRANSACTION_ROWS into the embedded store commits
each time that many rows have been written (one transaction of 200,000 records grew to
2 GB, and to 20 GB before its edges were found by key), and is still
all or nothing: a copy of the store taken first is put back when the load fails, and
when the store is next opened after the process was killed."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import synthetic_file
from tacgraph.errors import StoreError, StoreUnavailable
from tacgraph.export import canonical_hash
from tacgraph.importer import import_files
from tacgraph.store import snapshot
from tacgraph.store.base import ChangeSet
from tacgraph.store.embedded import EmbeddedStore, _writes

ROWS = 50  # a load of more records than this is written in many transactions

_KILLED_LOAD = """
import os, signal, sys
from pathlib import Path
from typing import Any
from tacgraph.importer import import_files
from tacgraph.store.embedded import EmbeddedStore, _writes

store = EmbeddedStore(Path(sys.argv[1]))
at, calls, original = int(sys.argv[3]), [], store.write

def killing(changes):
    calls.append(1)
    if len(calls) == at:
        os.kill(os.getpid(), signal.SIGKILL)
    return original(changes)

store.write = killing
import_files(store, [Path(sys.argv[2])])
"""


@pytest.fixture(autouse=True)
def _small_transactions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TACGRAPH_TRANSACTION_ROWS", str(ROWS))


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One authority's records in two files, the second referring to the first."""
    folder = tmp_path_factory.mktemp("parts")
    whole = synthetic_file(folder, 120, 17)
    lines = whole.read_text(encoding="utf-8").splitlines(keepends=True)
    half = len(lines) // 2
    first, second = folder / "first.jsonl", folder / "second.jsonl"
    first.write_text("".join(lines[:half]), encoding="utf-8")
    second.write_text("".join(lines[half:]), encoding="utf-8")
    return first, second


@pytest.fixture(scope="module")
def hashes(parts: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The canonical hashes of a store holding the first part, then both, loaded whole."""
    found = []
    with EmbeddedStore(tmp_path_factory.mktemp("clean") / "db") as store:
        store.init_schema()
        for part in parts:
            import_files(store, [part])
            found.append(canonical_hash(store))
    return found


@pytest.fixture
def path(parts: tuple[Path, Path], tmp_path: Path) -> Path:
    """A store holding the first part."""
    with EmbeddedStore(tmp_path / "db") as store:
        store.init_schema()
        import_files(store, [parts[0]])
    return store.path


def test_a_large_later_load_gives_the_graph_of_one_transaction(
    parts: tuple[Path, Path], hashes: list[str], path: Path
) -> None:
    with EmbeddedStore(path) as store:
        original, ran, held = store.run, [], []

        def run(text: str, params: Any = None) -> Any:
            ran.append(text)
            held.append(snapshot.held(path))
            return original(text, params)

        store.run = run  # type: ignore[method-assign]
        report = import_files(store, [parts[1]])
        store.run = original  # type: ignore[method-assign]
        assert sum(report.created.values()) > ROWS
        assert ran.count("COMMIT") > 3  # committed each time ROWS rows were written
        writes = [kept for text, kept in zip(ran, held, strict=True) if _writes(text)]
        assert len(writes) > 10 and all(writes)  # with the copy kept throughout
        assert canonical_hash(store) == hashes[1]
        assert not snapshot.held(path)
        assert sorted(p.name for p in path.iterdir() if "before-load" in p.name) == []


def test_a_large_later_load_that_fails_is_undone_at_once(
    parts: tuple[Path, Path], hashes: list[str], path: Path
) -> None:
    with EmbeddedStore(path) as store:
        original, calls = store.write, []

        def failing(changes: ChangeSet) -> None:
            calls.append(1)
            if len(calls) == 4:  # after three committed writes
                raise StoreError("the disk went away")
            original(changes)

        store.write = failing  # type: ignore[method-assign]
        with pytest.raises(StoreError, match="the disk went away"):
            import_files(store, [parts[1]])
        assert len(calls) == 4
        assert canonical_hash(store) == hashes[0]  # and the store still answers
        assert not snapshot.held(path)
        store.write = original  # type: ignore[method-assign]
        import_files(store, [parts[1]])
        assert canonical_hash(store) == hashes[1]


@pytest.mark.parametrize("at", [1, 5])
def test_a_large_later_load_killed_is_undone_on_the_next_open(
    parts: tuple[Path, Path], hashes: list[str], path: Path, at: int
) -> None:
    run = subprocess.run(
        [sys.executable, "-c", _KILLED_LOAD, str(path), str(parts[1]), str(at)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == -signal.SIGKILL, run.stderr[-2000:]
    assert snapshot.held(path)
    with pytest.raises(StoreUnavailable, match="part of a load that did not finish"):
        EmbeddedStore(path, read_only=True)
    with EmbeddedStore(path) as store:
        assert canonical_hash(store) == hashes[0]
        import_files(store, [parts[1]])
        assert canonical_hash(store) == hashes[1]
    assert not snapshot.held(path)


def test_a_large_later_load_without_room_for_the_copy_writes_nothing(
    parts: tuple[Path, Path], hashes: list[str], path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TACGRAPH_MIN_FREE_MB", str(10**9))  # more than any disk has free
    with EmbeddedStore(path) as store:
        with pytest.raises(StoreError, match="keeps a copy of the store"):
            import_files(store, [parts[1]])
        assert canonical_hash(store) == hashes[0]
    assert not snapshot.held(path)


def test_a_small_later_load_is_one_transaction_with_no_copy(
    parts: tuple[Path, Path], path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TACGRAPH_TRANSACTION_ROWS", "1000000")
    taken: list[Path] = []
    monkeypatch.setattr(snapshot, "take", lambda folder, *_: taken.append(folder))
    with EmbeddedStore(path) as store:
        import_files(store, [parts[1]])
    assert taken == []
