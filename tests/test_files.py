"""A file a command writes (synth's records, an export): a destination no file can be
written at is refused by its own name before anything is read or logged, and a write that
fails leaves nothing behind, not half an export of children's records."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import SALLY, load
from tacgraph import audit, export
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.errors import InvalidArgument
from tacgraph.store.embedded import EmbeddedStore

REFUSED = exits.code_for(InvalidArgument("x"))


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, " ".join(result.stderr.split())


@pytest.fixture
def db(tmp_path: Path) -> str:
    with EmbeddedStore(tmp_path / "db") as store:
        store.init_schema()
        load(store, SALLY)
    return str(tmp_path / "db")


def _logged(db: str) -> int:
    with EmbeddedStore(Path(db)) as store:
        return len(list(audit.entries(store)))


def test_synth_refuses_a_folder_and_a_missing_folder_by_the_name_given(tmp_path: Path) -> None:
    folder = tmp_path / "la.jsonl"  # a folder, though its name looks like a file's
    folder.mkdir()
    code, err = run("synth", "--children", "3", "--out", str(folder))
    assert code == REFUSED
    assert f"Error: {folder} is a folder, not a file" in err
    assert f"such as {folder / 'la.jsonl'}" in err
    missing = tmp_path / "nowhere" / "la.jsonl"
    code, err = run("synth", "--children", "3", "--out", str(missing))
    assert code == REFUSED
    assert f"cannot write {missing}: the folder {missing.parent} does not exist" in err
    assert ".tmp" not in err
    assert sorted(tmp_path.iterdir()) == [folder] and not list(folder.iterdir())


@pytest.mark.parametrize("where", ["folder", "missing"])
def test_export_refuses_a_bad_destination_before_it_logs_or_reads(
    tmp_path: Path, db: str, where: str
) -> None:
    out = tmp_path if where == "folder" else tmp_path / "nowhere" / "export.json"
    before = _logged(db)
    code, err = run("export", "--out", str(out), "--as", "PR-HOY", "--db", db)
    assert code == REFUSED
    assert str(out) in err and ".partial" not in err and ".tmp" not in err
    assert _logged(db) == before  # nothing was exported, so nothing is logged as exported


def test_an_export_that_fails_part_of_the_way_leaves_no_file(
    tmp_path: Path, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = export.write_canonical

    def fails_after_some(store: Any, handle: Any, *args: Any, **kwargs: Any) -> int:
        handle.write('{"children": [')
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "write_canonical", fails_after_some)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "export.json"
    with EmbeddedStore(Path(db)) as store, pytest.raises(InvalidArgument) as failed:
        export.export_file(store, out, requester_id="PR-HOY")
    assert str(failed.value) == f"cannot write {out}: No space left on device"
    assert list(folder.iterdir()) == []
    # The command says so in one line naming the file asked for, not the temporary one.
    code, err = run("export", "--out", str(out), "--as", "PR-HOY", "--db", db)
    assert code == REFUSED and ".tmp" not in err
    assert err.startswith(f"Error: cannot write {out}: No space left on device; nothing was")
    assert list(folder.iterdir()) == []
    monkeypatch.setattr(export, "write_canonical", written)
    with EmbeddedStore(Path(db)) as store:
        assert export.export_file(store, folder / "export.json", requester_id="PR-HOY") == 82
    assert [p.name for p in folder.iterdir()] == ["export.json"]


def test_the_map_refuses_a_bad_destination_before_the_lookup(tmp_path: Path, db: str) -> None:
    before = _logged(db)
    for out in (tmp_path, tmp_path / "nowhere" / "map.html"):
        code, err = run("map", "CH-SALLY", "--as", "PR-HOY", "--out", str(out), "--db", db)
        assert code == REFUSED and str(out) in err
    assert _logged(db) == before
    code, _ = run(
        "map", "CH-SALLY", "--as", "PR-HOY", "--out", str(tmp_path / "m.html"), "--db", db
    )
    assert code == exits.OK and _logged(db) == before + 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db", "db.audit", "m.html"]


@pytest.mark.parametrize("option", ["--html", "--pdf"])
def test_the_access_review_refuses_a_bad_destination_before_it_reports(
    tmp_path: Path, db: str, option: str
) -> None:
    before = _logged(db)
    for out in (tmp_path, tmp_path / "nowhere" / "review.html"):
        code, err = run("audit", "access", "--as=PR-IG-OFFICER", option, str(out), "--db", db)
        assert code == REFUSED and str(out) in err
    assert _logged(db) == before


def test_every_file_a_command_writes_fails_alike_and_leaves_nothing(
    tmp_path: Path, db: str
) -> None:
    """A write that fails after the check (here: a folder stands where the temporary
    file would go) is the same one line, naming the file asked for, and the same exit
    code for the map, the access review and synth, and leaves no file."""
    for args, out in (
        (["map", "CH-SALLY", "--as", "PR-HOY", "--db", db, "--out"], tmp_path / "m.html"),
        (["audit", "access", "--as=PR-IG-OFFICER", "--db", db, "--html"], tmp_path / "r.html"),
        (["synth", "--children", "3", "--out"], tmp_path / "la.jsonl"),
    ):
        (tmp_path / f".{out.name}.{os.getpid()}.tmp").mkdir()
        code, err = run(*args, str(out))
        assert code == REFUSED, (args, err)
        assert err.startswith(f"Error: cannot write {out}: Is a directory; nothing was"), err
        assert not out.exists()


def test_the_access_review_is_written_whole(tmp_path: Path, db: str) -> None:
    out = tmp_path / "review.html"
    code, _ = run("audit", "access", "--as=PR-IG-OFFICER", "--html", str(out), "--db", db)
    assert code == exits.OK and "Access review" in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db", "db.audit", "review.html"]


def test_consents_expiring_within_a_negative_number_of_days_is_refused(db: str) -> None:
    code, err = run("audit", "access", "--as=PR-IG-OFFICER", "--expiring-within", "-5", "--db", db)
    assert code == 2 and "--expiring-within" in err
