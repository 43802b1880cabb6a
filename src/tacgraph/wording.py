"""Counts in words, one rule for every reader: the command line's output and the web
directory's pages (a Jinja filter registered from :func:`counted`)."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str = "") -> str:
    """The number and its noun, singular for exactly one: ``counted(1, "item")`` is
    "1 item", ``counted(3, "item")`` "3 items", ``counted(1200, "entry", "entries")``
    "1,200 entries" (``plural`` for a noun that does not just take an s)."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"
