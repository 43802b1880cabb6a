"""docs/ig-walkthrough.md, run as written through the CLI in a scratch folder (as
tests/test_readme.py runs the README's), so that the IG officer's quarterly review cannot
drift from what tacgraph does."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import walkthrough
from tacgraph.cli import exits

DOC = Path(__file__).parents[1] / "docs" / "ig-walkthrough.md"
MARKER = "From the root of a checkout, with `.venv/bin` on your `PATH`:"


def test_the_ig_walkthrough_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = walkthrough.run(DOC, MARKER, tmp_path, monkeypatch, width=80)

    def out(*words: str) -> str:
        return next(text for line, text in said.items() if all(w in line for w in words))

    review = " ".join(out("audit access", "--as-of").split())
    for named in ("Claire Dawson", "Robin Hale", "requester not involved with the child"):
        assert named in review
    assert "SB-ROBIN-NO-REASON" in review and "Gary Hale (PR-LEFT)" in review
    page = (tmp_path / "access-review.html").read_text(encoding="utf-8")
    assert "Entries that need a look" in page and "Claire Dawson" in page
    rows = list(csv.DictReader(io.StringIO(out("--agency"))))
    assert [r["requester_name"] for r in rows] == ["Claire Dawson"]
    assert rows[0]["requester_not_involved"] == "true"
    assert out("audit verify").endswith("intact\n")
    practice = " ".join(out("audit practice").split())
    # The sensitive service Sally keeps private is named only by its broker.
    assert "Piccadilly" not in practice and "Young People's Services broker" in practice
    assert "Northfield Children's Centre (AG-CHILDRENS-CENTRE)" in practice
    assert "0 probable duplicate pairs" in " ".join(out("audit duplicates").split())
    doc = DOC.read_text(encoding="utf-8")
    assert f"| {exits.NOT_KNOWN} | `who-else`: a child is not known" in doc
