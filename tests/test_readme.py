"""The README's walk-through, run as written through the CLI in a scratch folder, so that
it cannot drift from what tacgraph does (it once looked up a child it never imported)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import walkthrough
from tacgraph.cli import exits
from tacgraph.cli.app import app

README = Path(__file__).parents[1] / "README.md"
WALKTHROUGH = "After `scripts/demo`, with `.venv/bin` on your `PATH`:"


def test_the_readme_walkthrough_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # first, what scripts/demo builds in ./tacgraph-data, smaller
    demo = ["demo", "--children", "200"]
    said = walkthrough.run(README, WALKTHROUGH, tmp_path, monkeypatch, first=[demo])
    case_list = next(out for line, out in said.items() if "CH-ROBIN" in line)
    assert case_list.startswith("Sally Carter") and "\nRobin Hale" in case_list
    assert "No longer involved" in case_list and "not known" not in case_list
    assert next(out for line, out in said.items() if "audit verify" in line).endswith("intact\n")
    governance = next(out for line, out in said.items() if "audit access" in line)
    assert "PR-HOY" in governance and "SB-ROBIN-HARM" in governance


def test_the_readme_shows_what_the_demo_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worked example's output, as 'scripts/demo' prints it on a wide terminal (seed
    # 7, 2,000 children): it drifted by a record when the synthesiser changed.
    shown = README.read_text(encoding="utf-8").split("$ scripts/demo\n", 1)[1]
    shown = shown.split("```", 1)[0]
    monkeypatch.delenv("TACGRAPH_DB", raising=False)
    monkeypatch.delenv("TACGRAPH_STORE", raising=False)
    monkeypatch.chdir(tmp_path)
    # scripts/demo's own store, as it names it
    result = CliRunner().invoke(app, ["demo", "--db", "tacgraph-data"], env={"COLUMNS": "160"})
    assert result.exit_code == exits.OK, result.stderr
    assert result.stdout == shown
