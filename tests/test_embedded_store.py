"""The embedded store's own settings, which only LadybugDB has."""

from __future__ import annotations

import gc
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import ROBIN, SALLY, load
from tacgraph import audit
from tacgraph.errors import StoreError, StoreUnavailable
from tacgraph.export import canonical_hash
from tacgraph.importer import import_records
from tacgraph.model import Agency, AgencyKind, ServiceLevel
from tacgraph.store.embedded import DB_FILE, EmbeddedStore


def _largest_log(path: Path, appends: int) -> int:
    """The largest the write-ahead log grew to over ``appends`` access-log entries."""
    store = EmbeddedStore(path)
    store.init_schema()
    wal = path / f"{DB_FILE}.wal"
    largest = 0
    try:
        for _ in range(appends):
            audit.append(
                store,
                requester_id="PR-1",
                child_id="CH-1",
                purpose="checkpoint test",
                as_of=date(2026, 12, 1),
                outcome="disclosed",
                disclosed=["child:identity", "child:caf_open"],
                bases=[],
            )
            largest = max(largest, wal.stat().st_size if wal.exists() else 0)
        assert audit.verify(store).ok
    finally:
        store.close()
    return largest


def test_the_log_is_checkpointed_at_the_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every lookup updates the access log's head, and LadybugDB walks each update made
    since the last checkpoint: the store checkpoints at TACGRAPH_CHECKPOINT_KB."""
    monkeypatch.setenv("TACGRAPH_CHECKPOINT_KB", "64")
    assert _largest_log(tmp_path / "small", 300) < 80 * 2**10
    monkeypatch.setenv("TACGRAPH_CHECKPOINT_KB", "0")  # the engine's own, far larger
    assert _largest_log(tmp_path / "engine", 300) > 160 * 2**10


@pytest.mark.parametrize("name", ["TACGRAPH_CHECKPOINT_KB", "TACGRAPH_BUFFER_POOL_MB"])
@pytest.mark.parametrize("value", ["1MB", "-5", "1.5"])
def test_a_setting_that_is_not_a_number_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(StoreUnavailable, match=f"{name} must be a whole number") as refused:
        EmbeddedStore(tmp_path / "db")
    assert repr(value) in str(refused.value)
    assert not (tmp_path / "db").exists()  # nothing is created on a bad setting


def _resident() -> int:
    """This process's resident memory in bytes (Linux, where CI runs)."""
    pages = Path("/proc/self/statm").read_text(encoding="ascii").split()[1]
    return int(pages) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads /proc (Linux)")
def test_repeated_imports_into_one_open_store_do_not_grow_its_memory(tmp_path: Path) -> None:
    """Each import bulk-loads its new records from Arrow tables. The driver kept every
    statement given an Arrow table, about 12 MB each, until the connection closed, so a
    long-running process (a server, the property test) grew with every import."""
    store = EmbeddedStore(tmp_path / "db")
    store.init_schema()
    try:

        def one(n: int) -> None:
            agency = Agency(
                id=f"AG-{n}",
                name=f"School {n}",
                kind=AgencyKind.SCHOOL,
                level=ServiceLevel.UNIVERSAL,
            )
            import_records(store, [agency])

        for n in range(5):  # the engine's own caches settle first
            one(n)
        before = _resident()
        for n in range(5, 45):
            one(n)
        grown = _resident() - before
        assert store.stats().nodes["Agency"] == 45
    finally:
        store.close()
    assert grown < 120 * 2**20, f"{grown / 2**20:.0f} MB more after 40 imports"


def test_a_few_rows_created_one_by_one_make_the_graph_copy_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into a store that holds records already, fewer than TACGRAPH_COPY_ROWS new rows
    of a label or edge are created row by row rather than by COPY: the same graph, node
    for node, property for property (content hashes too), and edge for edge."""
    graphs = {}
    for copy_rows in ("0", "100000"):  # every write by COPY; every write row by row
        monkeypatch.setenv("TACGRAPH_COPY_ROWS", copy_rows)
        store = EmbeddedStore(tmp_path / copy_rows)
        store.init_schema()
        try:
            load(store, SALLY)  # a first load: the bulk path
            ran: list[str] = []
            original = store.run

            def run(
                text: str, params: Any = None, ran: list[str] = ran, original: Any = original
            ) -> Any:
                ran.append(text)
                return original(text, params)

            monkeypatch.setattr(store, "run", run)
            load(store, ROBIN)  # a later load: the write path
            copies = [text for text in ran if text.lstrip().startswith("COPY")]
            assert bool(copies) == (copy_rows == "0"), copies[:1]
            labels = sorted(store.stats().nodes)
            hashes = {
                label: store.node_hashes(label, [str(n["id"]) for n in store.iter_nodes(label)])
                for label in labels
            }
            graphs[copy_rows] = (canonical_hash(store), store.stats(), hashes)
        finally:
            store.close()
    assert graphs["0"] == graphs["100000"]
    assert graphs["0"][1].nodes["Child"] == 3


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(
    "value", ["CH-\ud800", ["CH-1", "CH-\udcff"], {"id": "\ud83d"}], ids=["text", "list", "map"]
)
def test_text_the_engine_cannot_store_is_refused_before_the_driver(
    tmp_path: Path, value: object
) -> None:
    """A lone surrogate (as Python decodes bytes that are not UTF-8) is refused as the
    statement is prepared, as a StoreError; the driver's half-made statement raised
    again as it was collected, a warning in whichever test ran next."""
    with EmbeddedStore(tmp_path / "db") as store:
        store.init_schema()
        with pytest.raises(StoreError, match="not valid UTF-8 text"):
            store.run("MATCH (c:Child) WHERE c.id = $v RETURN c.id AS id", {"v": value})
        gc.collect()
        assert store.run("MATCH (c:Child) RETURN count(c) AS n", {}) == [{"n": 0}]
