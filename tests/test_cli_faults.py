"""Faults at the command line's edges: a wrong Neo4j address, an output path that cannot
be written, and values that would reach the terminal raw in a message. Each is one line
on stderr and a pinned exit code, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SALLY
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.config import StoreConfig
from tacgraph.errors import InvalidArgument, shorten

runner = CliRunner()


@pytest.mark.parametrize("uri", ["http://localhost:7474", "localhost:7687", "ftp://x"])
def test_a_neo4j_address_of_another_scheme_is_one_line_and_exit_3(uri: str) -> None:
    result = runner.invoke(app, ["db", "stats", "--store", "neo4j"], env={"NEO4J_URI": uri})
    assert result.exit_code == exits.INVALID_INPUT
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: NEO4J_URI") and "bolt://" in line


@pytest.mark.parametrize(
    "uri", ["bolt://h:7687", "bolt+s://h", "bolt+ssc://h", "neo4j://h", "neo4j+s://h"]
)
def test_every_scheme_the_driver_takes_is_accepted(uri: str) -> None:
    assert StoreConfig.from_env(kind="neo4j", environ={"NEO4J_URI": uri}).uri == uri


def test_the_embedded_store_ignores_a_neo4j_address_it_does_not_use() -> None:
    config = StoreConfig.from_env(kind="embedded", environ={"NEO4J_URI": "http://x"})
    assert config.kind == "embedded"
    with pytest.raises(InvalidArgument):
        StoreConfig.from_env(kind="neo4j", environ={"NEO4J_URI": "http://x"})


def test_an_output_path_in_a_missing_folder_is_one_line_and_exit_3(tmp_path: Path) -> None:
    db = tmp_path / "db"
    assert runner.invoke(app, ["import", str(SALLY), "--db", str(db)]).exit_code == 0
    out = tmp_path / "no-such-folder" / "x.json"
    argv = ["export", "--db", str(db), "--out", str(out), "--full", "--as", "PR-HOY"]
    result = runner.invoke(app, argv)
    assert result.exit_code == exits.INVALID_INPUT
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert f"cannot write {out}: the folder {out.parent} does not exist" in line
    assert not out.parent.exists()


def test_a_message_shows_control_characters_escaped_and_long_values_shortened() -> None:
    assert shorten("Sally\x1b[2J\x07") == "Sally\\x1b[2J\\x07"
    long = shorten("x" * 5000)
    assert len(long) == 80 and long.endswith("…")
    assert shorten("Zoë O'Brien") == "Zoë O'Brien"


def test_terminal_escape_codes_in_a_name_never_reach_the_terminal(tmp_path: Path) -> None:
    data = json.loads(SALLY.read_text(encoding="utf-8"))
    for child in data["children"]:
        if child["id"] == "CH-SALLY":
            child["given_name"] = "Sal\x1b[2Jly\x07"
    source = tmp_path / "sally.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    db = ["--db", str(tmp_path / "db")]
    assert runner.invoke(app, ["import", str(source), *db]).exit_code == 0
    for argv in (
        ["who-else", "CH-SALLY", "--as", "PR-HOY", *db],
        ["timeline", "CH-SALLY", "--as", "PR-HOY", *db],
        ["who-else", "CH-SALLY", "--as", "PR-HOY", "--explain", *db],
    ):
        result = runner.invoke(app, argv)
        assert result.exit_code == 0, (argv, result.stderr)
        shown = result.stdout + result.stderr
        assert "\x1b" not in shown and "\x07" not in shown, argv
        assert "Sal\\x1b[2Jly\\x07" in shown, argv
