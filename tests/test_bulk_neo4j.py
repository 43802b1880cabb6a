"""``tacgraph import --bulk``: a new Neo4j database loaded by neo4j-admin from the records
the importer validated, on a real server started on it afterwards: the same graph as an
embedded import, every record unchanged on a later import, all or nothing, and a home
that already holds a database refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROBIN, SALLY, require_neo4j
from tacgraph import devserver
from tacgraph.cli import exits
from tacgraph.config import StoreConfig
from tacgraph.devserver.bulk import multiline_args
from tacgraph.errors import InvalidInput, Neo4jServerError
from tacgraph.export import canonical_hash
from tacgraph.importer import gather_files, import_files
from tacgraph.importer.bulkcsv import CsvFiles
from tacgraph.store.embedded import EmbeddedStore
from tacgraph.store.neo4j import Neo4jStore
from tacgraph.synth import Synthesiser, write_jsonl


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_neo4j()
    path = tmp_path_factory.mktemp("bulk-neo4j") / "la.jsonl"
    write_jsonl(Synthesiser(150, 23).records(), path)
    return path


@pytest.fixture(scope="module")
def loaded(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A new home loaded with ``tacgraph import --bulk`` (its --json report beside it)."""
    home = tmp_path_factory.mktemp("bulk-home") / "neo4j"
    run = subprocess.run(
        [sys.executable, "-m", "tacgraph", "import", str(source), str(SALLY), str(ROBIN)]
        + ["--bulk", "--home", str(home), "--json"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env=dict(os.environ, COLUMNS="200"),
    )
    assert run.returncode == exits.OK, run.stderr[-3000:]
    (home.parent / "report.json").write_text(run.stdout, encoding="utf-8")
    yield home


def test_a_bulk_load_gives_the_embedded_import_s_graph_and_keeps_every_hash(
    source: Path, loaded: Path, tmp_path: Path
) -> None:
    report = json.loads((loaded.parent / "report.json").read_text(encoding="utf-8"))
    with EmbeddedStore(tmp_path / "db") as embedded:
        embedded.init_schema()
        expected = import_files(embedded, [source, SALLY, ROBIN])
        want = canonical_hash(embedded)
    assert report["created"] == expected.created
    assert report["edges_created"] == expected.edges_created == report["relationships"]
    info = devserver.start(loaded, heap="512m", page_cache="128m")
    try:
        with Neo4jStore(StoreConfig(kind="neo4j", uri=info.uri)) as store:
            store.init_schema()
            assert sum(store.stats().nodes.values()) == sum(expected.created.values())
            assert canonical_hash(store) == want
            again = import_files(store, [source, SALLY, ROBIN])
            assert again.unchanged == again.records_read == expected.records_read
            assert again.created == {} and again.updated == {} and again.edges_created == 0
    finally:
        devserver.stop(loaded)


def test_a_home_that_holds_a_database_is_refused_before_anything_is_read(
    loaded: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "not-read.jsonl"  # never opened: the refusal comes first
    with pytest.raises(Neo4jServerError, match="already holds a Neo4j database"):
        devserver.bulk_import_records(loaded, [missing])
    run = subprocess.run(
        [sys.executable, "-m", "tacgraph", "import", str(SALLY), "--bulk", "--home", str(loaded)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == exits.ERROR
    assert "already holds a Neo4j database" in run.stderr


def test_a_bad_record_leaves_no_database(source: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines()
    item = json.loads(lines[-1])
    item["record"]["id"] = "not an id!"
    bad.write_text("\n".join([*lines[:-1], json.dumps(item)]) + "\n", encoding="utf-8")
    home = tmp_path / "neo4j"
    with pytest.raises(InvalidInput) as refused:
        devserver.bulk_import_records(home, [bad])
    assert any(p.field == "id" for p in refused.value.problems)  # type: ignore[attr-defined]
    assert not (home / "data" / "databases").exists()


def test_a_reference_to_nothing_in_the_input_is_refused(tmp_path: Path) -> None:
    """A new database holds nothing, so every reference must be in the input (Robin's
    records point at Sally's agencies)."""
    home = tmp_path / "neo4j"
    with pytest.raises(InvalidInput) as refused:
        devserver.bulk_import_records(home, [ROBIN])
    assert any("neither in the input nor in the store" in p.reason for p in refused.value.problems)  # type: ignore[attr-defined]
    assert not (home / "data" / "databases").exists()


def _with_lines_in_a_summary(folder: Path) -> Path:
    """Sally's case with a handover summary whose cells span lines (a line feed in one,
    a carriage return and line feed in another), as a case system's free text may."""
    data = json.loads(SALLY.read_text(encoding="utf-8"))
    handover = data["handovers"][0]
    handover["work_done"] = "Child in need assessment and plan\nweekly visits, then fortnightly"
    handover["unmet_needs"] = "Parenting preparation\r\nsupport after the birth"
    path = folder / "sally-lines.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_only_a_file_with_a_cell_that_spans_lines_is_read_as_one(tmp_path: Path) -> None:
    """neo4j-admin reads a file whose quoted cells may span lines about a third more
    slowly, so it is told of those files alone; a path holding the comma that separates
    them makes it read every file so."""
    files = CsvFiles(tmp_path / "csv")
    files.folder.mkdir()
    gather_files([_with_lines_in_a_summary(tmp_path)], files)
    assert files.multiline_files() == [files.folder / "Handover.csv"]
    plain = CsvFiles(tmp_path / "plain")
    plain.folder.mkdir()
    gather_files([SALLY], plain)
    assert plain.multiline_files() == []
    assert multiline_args([]) == []
    assert multiline_args([Path("/a/Handover.csv"), Path("/a/Consent.csv")]) == [
        "--multiline-fields-format=v2",
        "--multiline-fields=/a/Handover.csv,/a/Consent.csv",
    ]
    assert multiline_args([Path("/a,b/Handover.csv")]) == ["--multiline-fields=true"]


def test_a_cell_that_spans_lines_is_loaded_whole(tmp_path: Path) -> None:
    require_neo4j()
    source = _with_lines_in_a_summary(tmp_path)
    with EmbeddedStore(tmp_path / "db") as embedded:
        embedded.init_schema()
        import_files(embedded, [source])
        want = canonical_hash(embedded)
    home = tmp_path / "neo4j"
    devserver.bulk_import_records(home, [source])
    info = devserver.start(home, heap="512m", page_cache="128m")
    try:
        with Neo4jStore(StoreConfig(kind="neo4j", uri=info.uri)) as store:
            (row,) = store.run(
                "MATCH (h:Handover {id: 'HO-SOCIAL-WORKER'}) "
                "RETURN h.work_done AS work_done, h.unmet_needs AS unmet_needs"
            )
            assert row == {
                "work_done": "Child in need assessment and plan\nweekly visits, then fortnightly",
                "unmet_needs": "Parenting preparation\r\nsupport after the birth",
            }
            assert canonical_hash(store) == want
    finally:
        devserver.stop(home)
