"""Progress bars say done of total, the rate and the time left when the work's total is
known (``update(phase, done, total)``), and the count alone when it is not. Every phase
of an import knows its total, and its bars count what its summary says."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tacgraph.cli import exits, output
from tacgraph.cli.app import app
from tacgraph.synth import Synthesiser, write_jsonl


def test_a_bar_with_a_total_says_done_of_total_and_the_rate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a console of rich's own class (only output.py imports rich), drawing to a string
    screen = type(output.stderr)(file=io.StringIO(), force_terminal=True, width=120)
    monkeypatch.setattr(output, "stderr", screen)
    with output.progress("import") as update:
        for done in range(0, 1001, 250):
            update("write", done, 1000)
            time.sleep(0.02)
        update("link", 7)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.file.getvalue())  # type: ignore[attr-defined]
    assert "import: write" in shown and "1,000 of 1,000 records" in shown
    assert re.search(r"[\d,]+/s", shown)
    assert "import: link" in shown and "7 records" in shown


def test_no_bar_when_stderr_is_not_a_terminal() -> None:
    with output.progress("import") as update:
        update("write", 1, 2)  # accepted, and nothing drawn


_BAR = re.compile(
    r"import: (\w+)\W[^\n\r]*? ([\d,]+)(?: of ([\d,]+))? (records|relationships|references)"
)


def _import_bars(
    monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> tuple[dict[str, list[tuple[int, int | None]]], str]:
    """Each phase's bar as drawn by ``tacgraph import ARGS`` on a terminal (done, total
    per frame, in order), and the summary line it printed."""
    screen = type(output.stderr)(file=io.StringIO(), force_terminal=True, width=200)
    monkeypatch.setattr(output, "stderr", screen)
    result = CliRunner().invoke(app, ["import", *args])
    assert result.exit_code == exits.OK, result.output
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.file.getvalue())  # type: ignore[attr-defined]
    bars: dict[str, list[tuple[int, int | None]]] = {}
    for phase, done, total, _ in _BAR.findall(shown):
        bars.setdefault(phase, []).append(
            (int(done.replace(",", "")), int(total.replace(",", "")) if total else None)
        )
    return bars, result.stdout


def _summary_relationships(summary: str) -> int:
    found = re.search(r"([\d,]+)\s+relationships:\s", summary)
    assert found, summary
    return int(found.group(1).replace(",", ""))


def test_every_phase_of_an_import_has_a_total_and_the_counts_match_the_summary(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = tmp_path / "la.jsonl"
    write_jsonl(Synthesiser(60, 5).records(), source)
    lines = source.read_text(encoding="utf-8").splitlines()
    # the first load without the plan actions; then a feed of the plan actions alone,
    # pointing at plans and practitioners only the store holds
    first, feed = tmp_path / "first.jsonl", tmp_path / "feed.jsonl"
    first.write_text(
        "\n".join(line for line in lines if '"PlanAction"' not in line) + "\n", encoding="utf-8"
    )
    feed.write_text(
        "\n".join(line for line in lines if '"PlanAction"' in line) + "\n", encoding="utf-8"
    )
    db = str(tmp_path / "db")
    for args, phases in (
        ([str(first), "--db", db], {"validate", "prepare", "records", "relationships"}),
        ([str(feed), "--db", db], {"validate", "check", "records", "relationships"}),
        # the first file again: every record is as stored, so no relationship is compared
        ([str(source), "--db", db], {"validate", "records"}),
    ):
        bars, summary = _import_bars(monkeypatch, args)
        assert set(bars) == phases
        for phase, frames in bars.items():
            assert all(total is not None for _, total in frames), (phase, frames)
            assert frames[-1][0] == frames[-1][1], (phase, frames)  # ends full
        read = int(re.search(r"read ([\d,]+)\s+records", summary).group(1).replace(",", ""))  # type: ignore[union-attr]
        assert bars["validate"][-1] == (read, read)
        shown = bars["relationships"][-1][1] if "relationships" in bars else 0
        assert shown == _summary_relationships(summary)
        assert shown > 0 or "relationships" not in phases
