"""Counts in words: one rule for the command line and the web directory's pages."""

from __future__ import annotations

from tacgraph.web import pages
from tacgraph.wording import counted


def test_one_plural_rule_serves_the_pages_and_the_command_line() -> None:
    assert pages.templates.env.filters["counted"] is counted
    assert [counted(n, "item") for n in (0, 1, 2, 1200)] == [
        "0 items",
        "1 item",
        "2 items",
        "1,200 items",
    ]
    assert (
        counted(1, "entry", "entries") == "1 entry"
        and counted(2, "entry", "entries") == "2 entries"
    )
    drawn = pages.templates.env.from_string("{{ n|counted('item') }}")
    assert [drawn.render(n=n) for n in (1, 3)] == ["1 item", "3 items"]
