"""Shared by the tests that run a document's walk-through as written: the commands of its
shell block, run through the CLI in a scratch folder holding a copy of tests/data."""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DATA
from tacgraph.cli import exits
from tacgraph.cli.app import app


def commands(doc: Path, marker: str) -> list[list[str]]:
    """Each command of the first ``sh`` block after ``marker`` in ``doc``, split as a
    shell would, without its comment."""
    block = doc.read_text(encoding="utf-8").split(marker, 1)[1]
    block = block.split("```sh\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]


def run(
    doc: Path,
    marker: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    first: Sequence[Sequence[str]] = (),
    width: int | None = None,
) -> dict[str, str]:
    """Run the walk-through after ``marker`` in ``doc`` through the CLI in ``tmp_path``
    (with no store named by the environment), after the ``first`` commands; returns what
    each of its commands printed, by its command line.

    Asserts that it has at least eight commands, all ``tacgraph``, and that each exits 0;
    with ``width``, that each one's output (but CSV) fits in that many columns."""
    shutil.copytree(DATA, tmp_path / "tests" / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TACGRAPH_DB", raising=False)
    monkeypatch.delenv("TACGRAPH_STORE", raising=False)
    runner = CliRunner()
    for argv in first:
        assert runner.invoke(app, list(argv)).exit_code == exits.OK, argv
    argvs = commands(doc, marker)
    assert len(argvs) >= 8 and all(argv[0] == "tacgraph" for argv in argvs)
    env = None if width is None else {"COLUMNS": str(width)}
    said: dict[str, str] = {}
    for argv in argvs:
        result = runner.invoke(app, argv[1:], env=env)
        assert result.exit_code == exits.OK, (argv, result.stderr)
        if width is not None and "--csv" not in argv:
            assert all(len(line) <= width for line in result.stdout.splitlines()), argv
        said[shlex.join(argv)] = result.stdout
    return said
