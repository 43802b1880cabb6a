"""A first load into an empty embedded store goes through LadybugDB's own bulk path
(``COPY`` from Arrow files on disk), all or nothing, and gives the graph a load record by
record gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import SALLY
from tacgraph.errors import InvalidInput, StoreError
from tacgraph.export import canonical_hash
from tacgraph.importer import bulkcsv, import_files
from tacgraph.store import arrowfiles
from tacgraph.store.embedded import EmbeddedStore
from tacgraph.synth import Synthesiser, write_jsonl


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bulk") / "la.jsonl"
    write_jsonl(Synthesiser(300, 11).records(), path)
    return path


def _open(path: Path) -> EmbeddedStore:
    store = EmbeddedStore(path)
    store.init_schema()
    return store


def test_a_first_load_is_bulk_loaded_and_a_later_one_is_not(source: Path, tmp_path: Path) -> None:
    loaded: list[int] = []
    with _open(tmp_path / "bulk") as store:
        original = store.bulk_load

        def spy(files: Any, progress: Any = None) -> None:
            loaded.append(1)
            original(files, progress)

        store.bulk_load = spy  # type: ignore[method-assign]
        first = import_files(store, [source])
        assert loaded == [1]
        assert first.edges_created == sum(store.stats().relationships.values())
        assert sum(first.created.values()) == sum(store.stats().nodes.values())
        import_files(store, [SALLY])  # not empty now: compared and written in batches
        assert loaded == [1]


def test_a_file_larger_than_a_copy_goes_in_part_by_part_and_gives_the_same_bytes(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With batches of 40 rows and at most 100 rows a COPY, every file of more than 100
    rows is copied in parts (each committed on its own), and the graph is the one a
    load in one COPY a file gives."""
    with _open(tmp_path / "whole") as whole:
        import_files(whole, [source])
        expected = canonical_hash(whole)
    monkeypatch.setattr(arrowfiles, "ROWS_PER_BATCH", 40)
    monkeypatch.setattr(arrowfiles, "ROWS_PER_COPY", 100)
    with _open(tmp_path / "parts") as parts:
        copies: list[int] = []
        original = parts.run

        def counting(text: str, params: Any = None) -> Any:
            if text.startswith("COPY"):
                copies.append(params["rows"].num_rows)
            return original(text, params)

        parts.run = counting  # type: ignore[method-assign]
        files: list[Any] = []
        bulk_files = parts.bulk_files
        parts.bulk_files = lambda folder: files.append(bulk_files(folder)) or files[-1]  # type: ignore[method-assign]
        import_files(parts, [source])
        assert max(copies) <= 100
        sinks = [*files[0].nodes.values(), *files[0].edges.values()]
        assert len(copies) > len(sinks) and sum(copies) == sum(s.rows for s in sinks)
        assert canonical_hash(parts) == expected


def test_bulk_and_row_loads_give_the_same_bytes(source: Path, tmp_path: Path) -> None:
    with _open(tmp_path / "bulk") as bulk, _open(tmp_path / "rows") as rows:
        import_files(bulk, [source])
        rows.bulk_files = lambda folder: None  # type: ignore[method-assign]
        import_files(rows, [source])
        assert canonical_hash(bulk) == canonical_hash(rows)
        assert bulk.stats() == rows.stats()
        again = import_files(bulk, [source])
        assert again.created == {} and again.updated == {} and again.edges_created == 0
        assert again.unchanged == again.records_read


def test_a_first_load_that_fails_midway_leaves_the_store_empty(
    source: Path, tmp_path: Path
) -> None:
    """A COPY refused by the engine part of the way through (a failure produced by
    refusing the tenth statement: a real one cannot be caused on demand)."""
    with _open(tmp_path / "bulk") as store:
        run = store.run
        calls: list[str] = []

        def failing(text: str, params: Any = None) -> Any:
            if text.startswith("COPY"):
                calls.append(text)
                if len(calls) == 10:
                    raise StoreError("embedded store: refused for the test")
            return run(text, params)

        store.run = failing  # type: ignore[method-assign]
        with pytest.raises(StoreError):
            import_files(store, [source])
        store.run = run  # type: ignore[method-assign]
        assert len(calls) == 10
        assert store.is_empty()
        import_files(store, [source])
        assert not store.is_empty()


def test_neo4j_admin_cells_made_a_column_at_a_time_are_each_value_s_cell() -> None:
    """The CSV cells of a column, made by the property's type, are the cells each value
    on its own makes (bulkcsv._quoted of bulkcsv._cell), quotes and all."""
    columns: dict[str, list[Any]] = {
        "STRING": ["plain", 'say "hi"', "", None, "a,b\nc"],
        "BOOLEAN": [True, False, None, True, False],
        "INT64": [0, -3, None, 2**40, 7],
        "DATE": [date(2024, 2, 29), None, date(1999, 1, 1), None, date(2000, 12, 31)],
        "STRING[]": [["a", 'b"c'], [], None, ["x"], ["y", "z"]],
    }
    ids = [f"C-{n}" for n in range(5)]
    for kind, values in columns.items():
        expected = [
            bulkcsv._quoted(bulkcsv._cell(v, f"Child {rid}"))
            for rid, v in zip(ids, values, strict=True)
        ]
        assert bulkcsv._cells(kind, values, ids, "Child") == expected, kind
    with pytest.raises(InvalidInput, match="Child C-1"):
        bulkcsv._cells("STRING[]", [["a"], ["b;c"]], ids[:2], "Child")
