"""Codes and counts in words: one rule for the command line, the web directory's pages
and the TAC map."""

from __future__ import annotations

from tacgraph.web import pages
from tacgraph.wording import counted, first_upper, not_known, words


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


def test_words_writes_a_code_as_words_with_the_guidance_s_initialisms() -> None:
    assert words("child_in_need") == "child in need"
    assert words("caf_coordinator") == "CAF coordinator"
    assert words("gp_practice") == "GP practice"
    assert words("tacin") == "TACiN" and words("senco") == "SENCO"
    assert words("updated_caf") == "updated CAF"
    assert words("cafe_worker") == "cafe worker"  # a word that starts like one is left
    assert words(None) == ""
    assert pages.templates.env.filters["words"] is words


def test_first_upper_capitalises_the_first_letter_alone_for_the_pages_and_the_review() -> None:
    assert first_upper("no entry names CH-SALY") == "No entry names CH-SALY"
    assert first_upper("mcDonald") == "McDonald"  # the rest as written
    assert first_upper("") == "" and first_upper(None) == ""
    assert pages.templates.env.filters["first_upper"] is first_upper


def test_names_not_known_are_quoted_with_one_rule_for_one_and_for_many() -> None:
    assert not_known("role", ["king"]) == "role 'king' is not known"
    assert not_known("scope", ["a", "b"]) == "scopes 'a', 'b' are not known"
