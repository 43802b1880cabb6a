"""tacgraph's own exceptions. The CLI maps each to one exit code (``cli/exits.py``)."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shorten(value: str, limit: int = 80) -> str:
    """A value as it may appear in a message: control characters (terminal escape
    codes among them) shown as ``\\xNN``, and at most ``limit`` characters."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TacgraphError(Exception):
    """Base of every error tacgraph raises on purpose. ``hint`` says what to try."""

    hint: str = ""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint or self.hint


class StoreError(TacgraphError):
    """The graph engine failed or refused an operation."""

    hint = "check the store settings (--store, --db, NEO4J_URI) and try again"


class StoreUnavailable(StoreError):
    """The graph engine could not be reached or opened."""


class SchemaMissing(StoreError):
    """The store has no tacgraph schema yet."""

    hint = "run 'tacgraph db init' first"


class InvalidInput(TacgraphError):
    """Input records failed validation; ``problems`` names each (file, record, field)."""

    hint = "fix the records named above, or re-run with --skip-invalid"

    def __init__(self, message: str, problems: list[object] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class InvalidArgument(InvalidInput):
    """An argument or option given on the command line is not valid."""

    hint = "see the command's --help"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint or self.hint


class UnreadableFile(InvalidInput):
    """An input file cannot be read as records at all (its type, encoding or shape)."""

    hint = "check the file against docs/data-format.md"


class NotFound(TacgraphError):
    """A record that was asked for does not exist."""
