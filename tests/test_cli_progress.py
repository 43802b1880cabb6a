"""Progress bars say done of total, the rate and the time left when the work's total is
known (``update(phase, done, total)``), and the count alone when it is not."""

from __future__ import annotations

import io
import re
import time

import pytest

from tacgraph.cli import output


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
