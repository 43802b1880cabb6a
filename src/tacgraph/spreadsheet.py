"""CSV in spreadsheet conventions, for every CSV tacgraph writes (the command line's
``--csv`` and the web directory's downloads): a cell that a spreadsheet would run as a
formula is written as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """One CSV cell in spreadsheet conventions: ``true``/``false``, ISO dates and
    times, lists joined by "; ", nothing for None, and a text cell that a spreadsheet
    would read as a formula (starting with = + - @, a tab or a carriage return)
    prefixed with an apostrophe so that it is shown as text. Numbers are written as
    they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = "; ".join(csv_cell(v) for v in value)
    cell = str(value)
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV document (a header row, then one row each; "\\n" line ends) with every cell
    through ``csv_cell``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in columns])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()
