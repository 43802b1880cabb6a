"""The command line: exit codes are pinned, --json output parses, every command has
help with an example."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from conftest import SALLY
from tacgraph.cli import exits
from tacgraph.cli.app import app

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def _commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            found += _commands(command, f"{prefix}{name} ")
        else:
            found.append((f"{prefix}{name}", command))
    return found


def test_every_command_has_help_with_an_example() -> None:
    commands = _commands(typer.main.get_command(app))
    assert len(commands) >= 12
    for name, command in commands:
        assert command.help, f"{name} has no help"
        assert "Example: tacgraph " in command.help, f"{name} help has no example"


def test_every_paragraph_of_help_reads_on_one_line_when_the_terminal_is_wide() -> None:
    # typer's rich help kept a docstring's line breaks, so paragraphs broke mid-line.
    for name, command in _commands(typer.main.get_command(app)):
        code, out, _ = run(*name.split(), "--help", env={"COLUMNS": "400"})
        assert code == exits.OK, name
        lines = [line.strip() for line in out.splitlines()]
        for paragraph in inspect.cleandoc(command.help).split("\n\n"):
            assert " ".join(paragraph.split()) in lines, f"{name}: {paragraph!r}"


def test_a_lookup_loads_none_of_the_libraries_only_other_commands_need(tmp_path: Path) -> None:
    # pandas and Splink (duplicate checks), the Neo4j driver and pyarrow (writes) took
    # 0.9 s of the 1.5 s a who-else lookup took from the command line: every command
    # imported them.
    db = str(tmp_path / "db")
    assert run("import", str(SALLY), "--db", db)[0] == exits.OK
    lookup = ["tacgraph", "who-else", "CH-SALLY", "--as", "PR-HOY", "--db", db, "--json"]
    code = (
        "import sys\n"
        "from tacgraph.cli.app import main\n"
        f"sys.argv = {lookup!r}\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    loaded = {m.split('.')[0] for m in sys.modules}\n"
        "    print(sorted(loaded & {'pandas', 'splink', 'duckdb', 'neo4j', 'pyarrow'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == exits.OK, done.stderr
    answer, loaded = done.stdout.strip().rsplit("\n", 1)
    assert json.loads(answer)["contact"]["name"] == "Helen Okafor"
    assert loaded == "[]"


def test_import_stats_export_round_trip_on_embedded(tmp_path: Path) -> None:
    db = str(tmp_path / "db")
    code, out, _ = run("import", str(SALLY), "--db", db, "--json")
    assert code == exits.OK
    assert json.loads(out)["created"]["Child"] == 2
    code, out, _ = run("db", "stats", "--db", db, "--json")
    assert code == exits.OK and json.loads(out)["nodes"]["Involvement"] == 9
    code, out, _ = run("import", str(SALLY), "--db", db, "--json")
    assert json.loads(out)["unchanged"] == 82
    exported = tmp_path / "out.json"
    code, out, _ = run("export", "--out", str(exported), "--as", "PR-HOY", "--db", db, "--json")
    assert code == exits.OK and json.loads(out)["records"] == 82
    code, out, _ = run("summary", "--db", db, "--as-of", "2026-11-23", "--json")
    assert json.loads(out)["children"] == 2


def test_bad_input_exits_3_and_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "Child", "record": {"id": "CH-1", "family_name": "X"}}\n')
    code, out, err = run("import", str(bad), "--db", str(tmp_path / "db"))
    assert code == exits.INVALID_INPUT
    for field in ("date_of_birth", "expected_date"):  # the rule's fields, each named
        assert f"{bad}:line 1 CH-1: {field}: Value error, exactly one of" in err
    assert err.strip().splitlines()[-1].startswith("Error: 1 of 1 records are invalid")
    assert "Traceback" not in err


def test_with_json_a_failure_is_json_on_stdout_too(tmp_path: Path) -> None:
    # A nightly feed's script reads stdout: the problems, each with its line, record and
    # field, as well as the lines a reader sees on stderr.
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"type": "Child", "record": {"id": "CH-1", "family_name": "X"}}\n'
        '{"type": "Kid", "record": {}}\n'
    )
    code, out, err = run("import", str(bad), "--db", str(tmp_path / "db"), "--json")
    assert code == exits.INVALID_INPUT and "Error: 2 of 2 records are invalid" in err
    said = json.loads(out)["error"]
    assert (said["kind"], said["exit_code"], said["problem_count"]) == ("InvalidInput", 3, 3)
    assert said["message"] == "2 of 2 records are invalid; nothing was written"
    assert said["problems"][0]["location"] == f"{bad}:line 1"
    assert (said["problems"][0]["record_id"], said["problems"][0]["field"]) == (
        "CH-1",
        "date_of_birth",
    )
    assert said["problems"][2] == {
        "location": f"{bad}:line 2",
        "record_id": None,
        "field": "type",
        "reason": "unknown record type 'Kid'",
    }
    # A refusal too, with its exit code; without --json, stdout stays empty.
    db = str(tmp_path / "sally")
    assert run("import", str(SALLY), "--db", db)[0] == exits.OK
    argv = ("who-else", "CH-SALLY", "--as", "PR-NOBODY", "--db", db)
    code, out, _ = run(*argv, "--json")
    said = json.loads(out)["error"]
    assert code == exits.ACCESS_DENIED == said["exit_code"] and said["kind"] == "AccessDenied"
    assert said["problems"] == [] and "PR-NOBODY" in said["message"]
    assert run(*argv)[1] == ""


def test_every_json_option_reaches_the_error_boundary_as_json() -> None:
    # The boundary (common.guarded) finds --json and --csv by their parameters' names.
    for name, command in _commands(typer.main.get_command(app)):
        flags = {opt for param in command.params for opt in param.opts}
        names = {param.name for param in command.params}
        if "--json" in flags:
            assert "json" in names, name
        if "--csv" in flags:
            assert "csv_out" in names, name


def test_a_failed_import_into_a_new_folder_leaves_no_store(tmp_path: Path) -> None:
    unreadable = tmp_path / "la.txt"
    unreadable.write_text("{}")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "Child", "record": {"id": "CH-1", "family_name": "X"}}\n')
    for source in (unreadable, bad):
        new = tmp_path / f"new-{source.stem}"
        code, _, err = run("import", str(source), "--db", str(new))
        assert code == exits.INVALID_INPUT and "Error: " in err
        assert not new.exists()
    kept = tmp_path / "kept"  # a store that was there before is left as it was
    assert run("import", str(SALLY), "--db", str(kept))[0] == exits.OK
    before = run("db", "stats", "--db", str(kept), "--json")
    assert run("import", str(bad), "--db", str(kept))[0] == exits.INVALID_INPUT
    assert run("db", "stats", "--db", str(kept), "--json") == before


def test_unknown_store_is_an_error(tmp_path: Path) -> None:
    code, _, err = run("db", "stats", "--store", "cassandra")
    assert code == exits.ERROR
    assert err.startswith("Error: unknown store 'cassandra'; use --store embedded")


def test_unreachable_neo4j_exits_4_without_the_password() -> None:
    env = {
        "NEO4J_URI": "bolt://127.0.0.1:1",
        "NEO4J_PASSWORD": "s3cret-pw",
        "NEO4J_USERNAME": "neo4j",
    }
    code, out, err = run("db", "stats", "--store", "neo4j", env=env)
    assert code == exits.STORE_UNAVAILABLE
    assert "s3cret-pw" not in out + err
    assert "Error: cannot reach Neo4j at bolt://127.0.0.1:1 as neo4j" in err


def test_bad_date_is_invalid_input(tmp_path: Path) -> None:
    code, _, err = run("summary", "--db", str(tmp_path / "db"), "--as-of", "23/11/2026")
    assert code == exits.INVALID_INPUT
    assert err.strip() == (
        "Error: --as-of '23/11/2026' is not a date; give it as YYYY-MM-DD, such as 2026-11-23"
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--port", "99999"], "'--port': Input should be less than or equal to 65535"),
        (["--port", "0"], "'--port': Input should be greater than or equal to 1"),
        (["--workers", "0"], "--workers must be at least 1"),
        (["--workers", "2"], "the embedded store is owned by one process"),
    ],
)
def test_serve_refuses_a_bad_port_or_worker_count_before_it_starts(
    tmp_path: Path, args: list[str], said: str
) -> None:
    code, out, err = run("serve", "--db", str(tmp_path / "db"), *args)
    assert code in (exits.USAGE, exits.INVALID_INPUT), (code, out, err)
    assert said in " ".join((out + err).split()), out + err
    assert "Serving" not in out + err


@pytest.mark.parametrize(
    "argv",
    [
        ["who-else", "CH-SALLY", "--as", "PR-HOY"],
        ["audit", "verify"],
        ["audit", "access", "--as=PR-IG-OFFICER", "--purpose=review"],
        ["db", "stats"],
        ["summary"],
    ],
)
def test_a_command_that_reads_refuses_a_store_that_does_not_exist(
    tmp_path: Path, argv: list[str]
) -> None:
    """A mistyped --db is named, and no empty store is left at it (it used to be
    created, and the command failed on a missing table)."""
    missing = tmp_path / "mistyped"
    code, out, err = run(*argv, "--db", str(missing))
    assert code == exits.STORE_UNAVAILABLE and out == ""
    assert err.startswith(f"Error: no tacgraph store at {missing}; check --db or TACGRAPH_DB")
    assert not missing.exists()


def test_clear_needs_yes(tmp_path: Path) -> None:
    code, _, err = run("db", "clear", "--db", str(tmp_path / "db"))
    assert code == exits.ERROR and "add --yes" in err


def test_schema_files_check_passes() -> None:
    code, _, err = run("schema", "write", "--check")
    assert code == exits.OK, err


@pytest.mark.neo4j
def test_neo4j_store_from_environment(_neo4j_checked: str, tmp_path: Path) -> None:
    env = {"NEO4J_URI": _neo4j_checked, "TACGRAPH_STORE": "neo4j"}
    try:
        code, out, err = run("import", str(SALLY), "--json", env=env)
        assert code == exits.OK, err
        code, out, _ = run("db", "stats", "--json", env=env)
        neo4j_stats = json.loads(out)
        run("import", str(SALLY), "--db", str(tmp_path / "db"))
        code, out, _ = run("db", "stats", "--db", str(tmp_path / "db"), "--json")
        assert json.loads(out) == neo4j_stats
    finally:
        run("db", "clear", "--yes", env=env)
