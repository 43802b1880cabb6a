"""The README's walk-through, run as written through the CLI in a scratch folder, so that
it cannot drift from what tacgraph does (it once looked up a child it never imported)."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DATA
from tacgraph.cli import exits
from tacgraph.cli.app import app

README = Path(__file__).parents[1] / "README.md"
WALKTHROUGH = "After `scripts/demo`, with `.venv/bin` on your `PATH`:"


def walkthrough() -> list[list[str]]:
    """Each command of the README's walk-through, without its comment."""
    block = README.read_text(encoding="utf-8").split(WALKTHROUGH, 1)[1]
    block = block.split("```sh\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]


def test_the_readme_walkthrough_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(DATA, tmp_path / "tests" / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TACGRAPH_DB", raising=False)
    monkeypatch.delenv("TACGRAPH_STORE", raising=False)
    runner = CliRunner()
    # what scripts/demo builds in ./tacgraph-data, smaller
    assert runner.invoke(app, ["demo", "--children", "200"]).exit_code == exits.OK
    commands = walkthrough()
    assert len(commands) >= 8 and all(argv[0] == "tacgraph" for argv in commands)
    said: dict[str, str] = {}
    for argv in commands:
        result = runner.invoke(app, argv[1:])
        assert result.exit_code == exits.OK, (argv, result.stderr)
        said[shlex.join(argv)] = result.stdout
    case_list = next(out for line, out in said.items() if "CH-ROBIN" in line)
    assert case_list.startswith("Sally Carter") and "\nRobin Hale" in case_list
    assert "No longer involved" in case_list and "not known" not in case_list
    assert next(out for line, out in said.items() if "audit verify" in line).endswith("intact\n")
    governance = next(out for line, out in said.items() if "audit access" in line)
    assert "PR-HOY" in governance and "SB-ROBIN-HARM" in governance
