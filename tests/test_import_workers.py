"""A first load's records are parsed and validated in worker processes when there is
more than one core (``TACGRAPH_IMPORT_WORKERS``): the bulk files, the problems and the
reject report are the same bytes as with all of it in the importer's own process, and a
worker killed part of the way fails the import with nothing written."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from conftest import synthetic_file
from tacgraph.errors import InvalidArgument, InvalidInput, StoreError
from tacgraph.export import canonical_hash
from tacgraph.importer import Gatherer, gather_files, import_files, workers
from tacgraph.importer.bulkcsv import CsvFiles
from tacgraph.store.arrowfiles import ArrowFiles
from tacgraph.store.embedded import EmbeddedStore, arrow_type

pytestmark = pytest.mark.skipif(workers.cores() < 2, reason="needs two cores for two workers")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_file(tmp_path_factory.mktemp("workers"), 200, 5)


@pytest.fixture(scope="module")
def faulty(clean: Path) -> Path:
    """The clean file with bad lines among its records: not JSON, an unknown type, a
    bad date, a repeat of a record, another record with a taken id, a reference to an
    id that exists nowhere."""
    lines = clean.read_text(encoding="utf-8").splitlines()
    child = next(json.loads(line) for line in lines if json.loads(line)["type"] == "Child")
    other = dict(child["record"], family_name="Someone-Else")
    bad_date = dict(child["record"], id="C-bad-date", date_of_birth="2019-02-30")
    dangling = dict(child["record"], id="C-dangling", family_ids=["F-nowhere"])
    lines[100:100] = ["{not json", json.dumps({"type": "Spaceship", "record": {"id": "S1"}})]
    lines[400:400] = [json.dumps({"type": "Child", "record": bad_date}), lines[300]]
    lines[700:700] = [json.dumps({"type": "Child", "record": other})]
    lines.append(json.dumps({"type": "Child", "record": dangling}))
    path = clean.with_name("faulty.jsonl")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "CHUNK", 97)  # many chunks, some split mid-family


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _worker_pids() -> list[int]:
    """The worker processes this process started."""
    pids = []
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        with open(f"/proc/{os.getpid()}/task/{task}/children") as handle:
            pids += [int(pid) for pid in handle.read().split()]
    found = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if b"tacgraph.importer.workers import serve" in handle.read():
                    found.append(pid)
        except OSError:
            continue
    return found


@pytest.mark.parametrize("kind", ["arrow", "csv"])
def test_bulk_files_are_the_same_bytes_with_one_worker_and_with_two(
    clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: None, kind: str
) -> None:
    seen: dict[str, list[int]] = {}
    for count in ("1", "2"):
        monkeypatch.setenv(workers.WORKERS_SETTING, count)
        folder = tmp_path / count
        folder.mkdir()
        files: Gatherer = CsvFiles(folder) if kind == "csv" else ArrowFiles(folder, arrow_type)

        def progress(phase: str, done: int, total: int | None, count: str = count) -> None:
            if phase == "validate" and done < 1000:
                seen[count] = _worker_pids()

        report = gather_files([clean], files, progress)
        assert report.rejected == 0
    assert seen["1"] == []
    assert len(seen["2"]) == 2  # the chunks went to two worker processes
    one, two = _files(tmp_path / "1"), _files(tmp_path / "2")
    assert one and one == two


def test_problems_and_the_reject_report_are_the_same_with_one_worker_and_with_two(
    faulty: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: None
) -> None:
    reports: dict[str, Any] = {}
    for count in ("1", "2"):
        monkeypatch.setenv(workers.WORKERS_SETTING, count)
        with pytest.raises(InvalidInput) as refused:
            gather_files([faulty], CsvFiles(tmp_path))
        rejects = tmp_path / f"rejects-{count}.jsonl"
        with EmbeddedStore(tmp_path / f"db-{count}") as store:
            store.init_schema()
            report = import_files(store, [faulty], skip_invalid=True, rejects=rejects)
            graph = canonical_hash(store)
        summary = report.to_json()
        assert summary.pop("rejects_file") == str(rejects)
        reports[count] = (refused.value.problems, summary, rejects.read_bytes(), graph)
    problems, summary, saved, _ = reports["1"]
    # Every kind of fault is there, each named where it is, in the input's order.
    reasons = "\n".join(str(problem) for problem in problems)
    for said in ("line 101", "Spaceship", "C-bad-date", "a different Child has this id"):
        assert said in reasons
    assert summary["rejected"] == 5 and saved.count(b"\n") == 5
    assert reports["1"] == reports["2"]


def test_a_worker_killed_mid_load_fails_the_import_and_writes_nothing(
    clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: None
) -> None:
    monkeypatch.setenv(workers.WORKERS_SETTING, "2")
    killed: list[int] = []

    def kill(phase: str, done: int, total: int | None) -> None:
        if phase == "validate" and not killed:
            killed.append(_worker_pids()[0])
            os.kill(killed[0], signal.SIGKILL)

    with EmbeddedStore(tmp_path / "db") as store:
        store.init_schema()
        with pytest.raises(StoreError, match="worker process .* stopped .*signal 9"):
            import_files(store, [clean], progress=kill)
        assert store.is_empty()
        assert _worker_pids() == []  # the other worker was stopped too
        import_files(store, [clean])  # run again: the whole file
        again = canonical_hash(store)
    monkeypatch.setenv(workers.WORKERS_SETTING, "1")
    with EmbeddedStore(tmp_path / "one") as store:
        store.init_schema()
        import_files(store, [clean])
        assert canonical_hash(store) == again


def test_a_worker_count_that_is_not_a_whole_number_is_refused(
    clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(workers.WORKERS_SETTING, "two")
    with pytest.raises(InvalidArgument, match="TACGRAPH_IMPORT_WORKERS is 'two'"):
        gather_files([clean], CsvFiles(tmp_path))
