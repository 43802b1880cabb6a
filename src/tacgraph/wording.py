"""Codes and counts in words, one rule for every reader: the command line's output, the
access review, the web directory's pages (Jinja filters registered from :func:`words`,
:func:`plain`, :func:`first_upper` and :func:`counted`) and the TAC map."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

# The initialisms the guidance writes in capitals, as it writes them.
INITIALISMS: Final = {
    "caf": "CAF",
    "camhs": "CAMHS",
    "gp": "GP",
    "mast": "MAST",
    "senco": "SENCO",
    "tac": "TAC",
    "tacin": "TACiN",
}


def words(code: object) -> str:
    """A stored code as words for the reader: ``child_in_need`` as "child in need",
    with the guidance's initialisms in capitals: ``caf_coordinator`` as "CAF
    coordinator", ``gp_practice`` as "GP practice" (None as "")."""
    return " ".join(INITIALISMS.get(part, part) for part in str(code or "").split("_"))


_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def plain(sentence: str) -> str:
    """A sentence with the stored codes in it as words: "review of CAF-SALLY: step_up"
    as "review of CAF-SALLY: step up". Ids (upper case, hyphens) are left alone."""
    return _CODE.sub(lambda m: words(m.group(0)), sentence)


def first_upper(text: object) -> str:
    """The first letter in capitals, the rest as written (names keep theirs):
    ``first_upper("no entry for CH-X")`` is "No entry for CH-X" (None as "")."""
    value = str(text or "")
    return value[:1].upper() + value[1:]


def counted(number: int, noun: str, plural: str = "") -> str:
    """The number and its noun, singular for exactly one: ``counted(1, "item")`` is
    "1 item", ``counted(3, "item")`` "3 items", ``counted(1200, "entry", "entries")``
    "1,200 entries" (``plural`` for a noun that does not just take an s)."""
    return f"{number:,} {_noun(number, noun, plural)}"


def _noun(number: int, noun: str, plural: str = "") -> str:
    """``noun`` for exactly one, else ``plural`` (``noun`` and an s unless given)."""
    return noun if number == 1 else plural or noun + "s"


def not_known(noun: str, names: Sequence[str]) -> str:
    """The names a reader gave that are not known, as a sentence: ``not_known("role",
    ["king"])`` is "role 'king' is not known", two or more "roles 'a', 'b' are not
    known"."""
    quoted = ", ".join(repr(n) for n in names)
    verb = "is" if len(names) == 1 else "are"
    return f"{_noun(len(names), noun)} {quoted} {verb} not known"
