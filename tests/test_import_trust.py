"""Input that a careless or hostile source sends: strict CSV, deep JSON, a file replaced
while it is imported, a redacted export imported back, a full disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from conftest import ROBIN, SALLY
from tacgraph.cli import exits
from tacgraph.errors import InvalidInput, StoreError
from tacgraph.export import canonical_hash, export_file
from tacgraph.importer import import_files
from tacgraph.store import Store
from tacgraph.store.embedded import EmbeddedStore

CHILDREN_HEADER = "id,given_name,family_name,date_of_birth\n"


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tacgraph", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def _one_line_error(run: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("Error: "), run.stderr
    return lines[0]


def test_csv_with_an_unclosed_quote_is_refused_naming_file_and_line(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "children.csv"
    path.write_text(
        CHILDREN_HEADER
        + "CH-1,Amir,Khan,2012-02-29\n"
        + 'CH-2,"Bea,Lowe,2013-03-01\n'
        + "CH-3,Cal,Moss,2014-04-01\n"
        + "CH-4,Dee,Nash,2015-05-01\n"
    )
    with pytest.raises(InvalidInput) as info:
        import_files(store, [path])
    assert str(info.value).startswith(f"{path}: line 3: not valid CSV")
    assert store.is_empty()


def test_csv_rows_with_too_few_cells_are_named_not_filled_in(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "children.csv"
    path.write_text(CHILDREN_HEADER + "CH-1,Amir,Khan,2012-02-29\nCH-2,Bea\n")
    with pytest.raises(InvalidInput) as info:
        import_files(store, [path])
    (problem,) = info.value.problems
    assert str(problem) == f"{path}:line 3: (record): 2 cells where the header has 4 columns"
    assert store.is_empty()


def test_csv_with_a_byte_order_mark_imports(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "children.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + (CHILDREN_HEADER + "CH-1,Amir,Khan,2012-02-29\n").encode("utf-8")
    )
    report = import_files(store, [path])
    assert report.created == {"Child": 1}
    assert store.nodes_by_id("Child", ["CH-1"])["CH-1"]["given_name"] == "Amir"


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_json_nested_a_thousand_deep_is_one_line_naming_the_file(
    tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"deep{suffix}"
    deep = "[" * 1000 + "]" * 1000
    if suffix == ".json":
        path.write_text('{"format": "tacgraph", "version": 1, "children": ' + deep + "}")
    else:
        path.write_text('{"type": "Child", "record": ' + deep + "}\n")
    run = _cli("import", str(path), "--db", str(tmp_path / "db"))
    assert run.returncode == exits.INVALID_INPUT, run
    if suffix == ".json":  # the whole document is unreadable
        error = _one_line_error(run)
        assert error.startswith(f"Error: {path}: "), error
    else:  # one record of a file of records is: it is named, with the others' problems
        assert "Traceback" not in run.stderr, run.stderr
        error = run.stderr.splitlines()[0].strip()
        assert error == f"{path}:line 1: (record): values nested too deeply", run.stderr
    assert "nested too deeply" in error, error
    assert "RecursionError" not in run.stderr
    assert not (tmp_path / "db").exists()


def test_a_file_replaced_while_it_is_imported_is_written_as_it_was_validated(
    tmp_path: Path,
) -> None:
    """The input is read once: what is written is what was validated, even when the file
    is swapped for another between the two (the swap comes at the last record)."""
    from tacgraph.store.embedded import EmbeddedStore

    count = 10_000  # the importer reports progress every 10,000 records
    path = tmp_path / "children.jsonl"

    def child(i: int, name: str) -> str:
        record = {"id": f"CH-{i}", "family_name": name, "date_of_birth": "2015-01-01"}
        return json.dumps({"type": "Child", "record": record}) + "\n"

    path.write_text("".join(child(i, "Validated") for i in range(count)))
    swapped = tmp_path / "swapped.jsonl"
    swapped.write_text("".join(child(i, "Swapped") for i in range(count)))

    def progress(phase: str, done: int, total: int | None) -> None:
        if phase == "validate" and done == count and swapped.exists():
            swapped.replace(path)

    with EmbeddedStore(tmp_path / "db") as store:
        store.init_schema()
        import_files(store, [path], progress=progress)
        names = {row["family_name"] for row in store.iter_nodes("Child")}
    assert path.read_text().count("Swapped") == count  # the swap did happen
    assert names == {"Validated"}


def _redacted(path: Path) -> None:
    """Mark a default export as redacted in its header, where the exporter does not yet."""
    text = path.read_text()
    head = '{"format":"tacgraph","version":1'
    assert text.startswith(head)
    if not text.startswith(head + ',"redacted":true'):
        path.write_text(head + ',"redacted":true' + text[len(head) :])


def _redacted_export(store: Store, tmp_path: Path) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """The store exported as the head of year may see it (Robin's whereabouts redacted),
    marked redacted: the file, what it holds and Robin's record in that."""
    out = tmp_path / "redacted.json"
    export_file(store, out, requester_id="PR-HOY")
    _redacted(out)
    doc = json.loads(out.read_text())
    return out, doc, next(c for c in doc["children"] if c["id"] == "CH-ROBIN")


@pytest.fixture
def shielded(store: Store) -> Iterator[Store]:
    import_files(store, [SALLY, ROBIN])
    yield store


@pytest.mark.neo4j
def test_reimporting_a_redacted_export_removes_and_blanks_nothing(
    shielded: Store, tmp_path: Path
) -> None:
    out, doc, robin = _redacted_export(shielded, tmp_path)
    assert "address_line" not in robin and "household_id" not in robin  # it was redacted
    before = (shielded.stats(), canonical_hash(shielded))
    report = import_files(shielded, [out])
    assert (report.updated, report.edges_deleted, report.edges_created) == ({}, 0, 0)
    assert (shielded.stats(), canonical_hash(shielded)) == before


@pytest.mark.neo4j
def test_a_redacted_record_still_adds_and_changes_what_it_gives(
    shielded: Store, tmp_path: Path
) -> None:
    out, doc, robin = _redacted_export(shielded, tmp_path)
    robin["given_name"] = "Robyn"
    out.write_text(json.dumps(doc))
    stored = shielded.nodes_by_id("Child", ["CH-ROBIN"])["CH-ROBIN"]
    report = import_files(shielded, [out])
    assert report.updated == {"Child": 1} and report.edges_deleted == 0
    now = shielded.nodes_by_id("Child", ["CH-ROBIN"])["CH-ROBIN"]
    assert now == {**stored, "given_name": "Robyn"}
    assert stored["address_line"] and stored["postcode"]


def test_a_full_disk_under_the_working_copy_is_a_clear_error(
    store: Store, small_disk: Path
) -> None:
    path = small_disk.parent / "big.jsonl"
    record = {"id": "CH-1", "family_name": "X" * 2000, "date_of_birth": "2015-01-01"}
    path.write_text((json.dumps({"type": "Child", "record": record}) + "\n") * 5000)
    os.environ["TMPDIR"] = str(small_disk)
    try:
        import tempfile

        tempfile.tempdir = None
        with pytest.raises(StoreError) as info:
            import_files(store, [path])
    finally:
        del os.environ["TMPDIR"]
        tempfile.tempdir = None
    assert "No space left on device" in str(info.value)
    assert "nothing was written to the store" in str(info.value)
    assert store.is_empty()


@contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A real tmpfs of ``size`` at ``where`` (a full disk produced for real, not
    mocked); needs the right to mount, which root in a container has."""
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with _tmpfs(tmp_path / "small", "8m") as where:
        yield where


def _fill(disk: Path) -> Path:
    """Fill ``disk`` to the last byte; the file that fills it."""
    filler = disk / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 2**20)
                out.flush()
        except OSError:
            pass
    return filler


def test_a_lookup_on_a_full_disk_withholds_within_seconds_and_says_why(tmp_path: Path) -> None:
    """The lookup's access-log entry cannot be written: nothing is shown, the error says
    the disk is full (LadybugDB waited for ever under a commit on a full disk, and the
    process then aborted on close), and once there is room the log is intact."""
    with _tmpfs(tmp_path / "disk", "32m") as disk:
        db = str(disk / "sally")
        assert _cli("import", str(SALLY), str(ROBIN), "--db", db).returncode == 0
        lookup = ("who-else", "CH-SALLY", "--as", "PR-HOY", "--db", db)
        assert _cli(*lookup).returncode == exits.OK  # the log's head exists
        filler = _fill(disk)
        run = _cli(*lookup)  # times out (and fails) if it hangs
        assert run.returncode == exits.ERROR, run
        error = _one_line_error(run)
        assert "disk is full" in error and "db init" not in error, error
        assert run.stdout == ""
        filler.unlink()
        verify = _cli("audit", "verify", "--db", db)
        assert verify.returncode == exits.OK and "intact" in verify.stdout, verify
        again = _cli(*lookup)
        assert again.returncode == exits.OK and "Larch Close" in again.stdout


def test_an_embedded_import_onto_a_full_disk_fails_within_seconds_and_never_says_durable(
    small_disk: Path, tmp_path: Path
) -> None:
    from tacgraph.synth import Synthesiser, write_jsonl

    source = tmp_path / "la.jsonl"
    write_jsonl(Synthesiser(3000, 3).records(), source)
    db = small_disk / "db"
    assert _cli("db", "init", "--db", str(db)).returncode == 0
    run = _cli("import", str(source), "--db", str(db))
    assert run.returncode == exits.ERROR, run
    error = _one_line_error(run)
    assert "disk is full" in error, error
    assert "durable" not in error and "committed" not in error, error
    assert run.stdout == ""


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"date_of_birth": None}, ["date_of_birth", "expected_date"]),
        (
            {"expected_date": "2027-01-01", "date_of_birth": None, "looked_after": True},
            ["looked_after", "expected_date"],
        ),
    ],
)
def test_a_rule_over_several_fields_names_each_of_them(
    tmp_path: Path, change: dict[str, Any], named: list[str]
) -> None:
    """A rule over the whole record (not one field's) names the fields it compares, so
    the problem says which field to mend rather than "(record)"."""
    child = {**json.loads(SALLY.read_text(encoding="utf-8"))["children"][0], **change}
    path = tmp_path / "child.jsonl"
    path.write_text(json.dumps({"type": "Child", "record": child}) + "\n", encoding="utf-8")
    with EmbeddedStore(tmp_path / "db") as store:
        store.init_schema()
        with pytest.raises(InvalidInput) as refused:
            import_files(store, [path])
    assert sorted(p.field for p in refused.value.problems) == sorted(named)
