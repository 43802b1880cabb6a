"""A record whose date of birth is after the day of the import is valid, and written, but
the report counts and names it, and the command warns: a date of birth in the future is
most likely a slip in the source system (the lookup shows the child as unborn till then)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SALLY, load
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.importer import gather_files, import_files
from tacgraph.importer.bulkcsv import CsvFiles
from tacgraph.store.base import Store
from tacgraph.summary import summarise

TODAY = date(2026, 12, 7)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _children(tmp_path: Path, births: dict[str, str], name: str = "births") -> Path:
    """A file of children, one for each id of ``births`` born on its date."""
    children = [
        {
            "id": rid,
            "given_name": "Sam",
            "family_name": "Example",
            "date_of_birth": born,
            "gender": "female",
        }
        for rid, born in births.items()
    ]
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"format": "tacgraph", "version": 1, "children": children}))
    return path


BIRTHS = {"CH-BORN": "2020-03-01", "CH-TODAY": "2026-12-07", "CH-LATER": "2026-12-08"}


def test_a_first_load_counts_and_names_a_birth_after_the_day(store: Store, tmp_path: Path) -> None:
    """Into an empty store: LadybugDB's bulk path (the records as columns) and Neo4j's
    record by record give the same report; the record is written all the same."""
    report = import_files(store, [_children(tmp_path, BIRTHS)], today=TODAY)
    assert (report.born_later, report.born_later_ids) == (1, ["CH-LATER"])
    assert report.to_json()["born_later_ids"] == ["CH-LATER"]
    assert sum(report.created.values()) == 3


def test_a_later_load_counts_only_the_records_it_reads_anew(store: Store, tmp_path: Path) -> None:
    load(store, SALLY)
    path = _children(tmp_path, BIRTHS)
    first = import_files(store, [path], today=TODAY)
    assert (first.born_later, first.born_later_ids) == (1, ["CH-LATER"])
    again = import_files(store, [path], today=TODAY)
    assert again.unchanged == 3 and again.born_later == 0  # written before, not read anew
    assert import_files(store, [path], today=date(2027, 1, 1)).born_later == 0


def test_the_report_names_the_first_twenty_and_counts_the_rest(
    store: Store, tmp_path: Path
) -> None:
    later = {f"CH-L{n:02}": "2030-01-01" for n in range(25)}
    report = import_files(store, [_children(tmp_path, later)], today=TODAY)
    assert report.born_later == 25
    assert report.born_later_ids == [f"CH-L{n:02}" for n in range(20)]


def test_the_files_for_neo4j_admin_count_them_too(tmp_path: Path) -> None:
    (tmp_path / "csv").mkdir()
    files = CsvFiles(tmp_path / "csv")
    report = gather_files([_children(tmp_path, BIRTHS)], files, today=TODAY)
    assert (report.born_later, report.born_later_ids) == (1, ["CH-LATER"])


@pytest.mark.parametrize("as_json", [False, True])
def test_the_import_command_warns_and_writes(tmp_path: Path, as_json: bool) -> None:
    later = {"CH-2999": "2999-01-01", "CH-BORN": "2020-03-01"}
    db = ["--db", str(tmp_path / "db")]
    code, out, err = run("import", str(_children(tmp_path, later)), *db, *(["--json"] * as_json))
    assert code == exits.OK
    if as_json:
        said = json.loads(out)
        assert (said["born_later"], said["born_later_ids"]) == (1, ["CH-2999"])
    else:
        assert "2 created" in out
        warning = " ".join(err.split())
        assert "warning: 1 record read with a date of birth after today (CH-2999)" in warning
        assert "check the date in the source system" in warning
    code, out, _ = run("import", str(_children(tmp_path, later)), *db)
    assert code == exits.OK and "2 unchanged" in out


def test_the_summary_counts_a_child_unborn_till_the_date_of_birth(
    store: Store, tmp_path: Path
) -> None:
    """As search and who-else show it: unborn by an expected date (Sally's baby sister,
    whose record still holds one after the day it gave), or by a date of birth after
    the day; born from that date on."""
    import_files(store, [_children(tmp_path, BIRTHS)], today=TODAY)
    load(store, SALLY)
    on_the_day = summarise(store, TODAY, today=TODAY)
    assert (on_the_day.children, on_the_day.unborn) == (5, 2)  # CH-LATER, CH-SALLY-BABY
    a_day_later = summarise(store, TODAY, today=date(2026, 12, 8))
    assert a_day_later.unborn == 1  # CH-LATER is born that day
