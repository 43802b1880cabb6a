"""All terminal output: tables and JSON to stdout, progress and errors to stderr.
The only module that imports ``rich``."""

from __future__ import annotations

import functools
import json
import os
import re
import textwrap
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from tacgraph.errors import visible
from tacgraph.spreadsheet import csv_cell as csv_cell
from tacgraph.spreadsheet import csv_text as csv_text
from tacgraph.wording import plain as plain
from tacgraph.wording import words as words

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)


def print_json(data: Any) -> None:
    if isinstance(data, BaseModel):
        text = data.model_dump_json(indent=2)
    else:
        text = json.dumps(data, indent=2, sort_keys=True, default=str)
    print_data(text)


# How many machine-readable documents this process has written to stdout: a command
# that prints its result and then fails (audit verify of a broken log) has said its
# JSON already, and the error boundary adds no second document.
_documents = [0]


def print_data(text: str) -> None:
    """Machine-readable output (JSON, CSV) written as it is: rich lays text out line by
    line, which took 50 s and 3 GB for the 97 MB JSON of an access report of 300,000
    entries."""
    stdout.file.write(text + "\n")
    _documents[0] += 1


def documents() -> int:
    """How many machine-readable documents have been written to stdout so far."""
    return _documents[0]


def width() -> int:
    """The width output is laid out for: ``COLUMNS`` when set (read on each call, so a
    test or a script may set it late), else the terminal's, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return stdout.width


def wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
    """``text`` as lines no wider than the screen, broken only at spaces (a word wider
    than the screen stays whole on a line of its own); each line of ``text`` is a
    paragraph. ``first`` is the first line's indent (default ``indent``)."""
    lines: list[str] = []
    start = indent if first is None else first
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(
            paragraph,
            width=max(width(), len(start) + 10, len(indent) + 10),
            initial_indent=start,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [start.rstrip()]
        start = indent
    return lines


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    whole: Collection[str] = (),
    lines: bool = False,
) -> None:
    """A table that never cuts a value and never splits a word: each column is at least
    as wide as its longest word (the ``whole`` columns, such as contact details, ids and
    dates, as wide as their longest line) and text wraps at spaces. When the columns
    cannot all have that on the screen, each row is printed as a block of "column:
    value" lines instead, one block per record. A cell may hold several lines. Cells are
    shown as written, never read as rich markup: a purpose of "[urgent] visit" lost its
    first word that way, and one holding "[/]" stopped the access report. ``lines``
    rules a line between rows (for rows of several lines each). No rows: one line
    saying so."""
    if not rows:
        print_line(f"{title}: none.")
        return
    cells = [[visible(text(v)) for v in row] for row in rows]
    widths = _widths(columns, cells, whole)
    if widths is None:
        _print_blocks(title, columns, cells)
        return
    table = Table(title=None, box=box.HEAVY_HEAD, show_lines=lines)
    for column, size in zip(columns, widths, strict=True):
        table.add_column(Text(column), width=size, overflow="fold", no_wrap=column in whole)
    for row in cells:
        table.add_row(*(Text(v) for v in row))
    print_line(title)
    # A console for this width: ``stdout`` keeps the COLUMNS it was made under as its
    # width, and rich lays nothing out wider than its console.
    Console(file=stdout.file, width=width(), soft_wrap=True).print(table)


def _widths(
    columns: Sequence[str], cells: list[list[str]], whole: Collection[str]
) -> list[int] | None:
    """Each column's width: at least its longest word (its longest line if ``whole``),
    the room left given where it saves the most wrapped lines; None if the minimums do
    not fit the screen (every column takes 3 more for its border and padding)."""
    room = width() - 3 * len(columns) - 1
    least: list[int] = []
    most: list[int] = []
    for i, column in enumerate(columns):
        lines = [line for row in cells for line in row[i].split("\n")]
        tokens = [word for line in [column, *lines] for word in line.split()]
        longest_line = max([cell_len(line) for line in [column, *lines]])
        longest_word = max([cell_len(word) for word in tokens] or [1])
        least.append(longest_line if column in whole else longest_word)
        most.append(longest_line)
    if sum(least) > room:
        return None
    sizes = list(least)
    spare = room - sum(sizes)
    # word lengths of each line of each cell, column by column, for counting lines
    lengths = [
        [[[cell_len(w) for w in line.split()] for line in row[i].split("\n")] for row in cells]
        for i in range(len(columns))
    ]

    @functools.cache
    def heights(i: int, size: int) -> tuple[int, ...]:
        return tuple(sum(_lines(line, size) for line in cell) for cell in lengths[i])

    def cost(i: int, size: int) -> tuple[int, int]:
        """Rows' lines and cells' lines with column ``i`` at ``size``."""
        columns_now = [heights(j, size if j == i else sizes[j]) for j in range(len(sizes))]
        return sum(map(max, zip(*columns_now, strict=True))), sum(map(sum, columns_now))

    # the room left goes, a step at a time, where it saves the most lines (rows first,
    # then cells) for the characters it costs
    while spare > 0:
        rows_now, cells_now = cost(0, sizes[0])
        best: tuple[float, int, int] | None = None
        for i in range(len(sizes)):
            for step in range(1, min(spare, most[i] - sizes[i]) + 1):
                if heights(i, sizes[i] + step) == heights(i, sizes[i] + step - 1):
                    continue  # no line saved at this width: not a step worth weighing
                rows_then, cells_then = cost(i, sizes[i] + step)
                saved = (rows_now - rows_then) * 1000 + cells_now - cells_then
                if saved > 0 and (best is None or saved / step > best[0]):
                    best = (saved / step, i, step)
        if best is None:
            break
        _, i, step = best
        sizes[i] += step
        spare -= step
    return sizes


def _lines(words: list[int], size: int) -> int:
    """How many lines words of these lengths take wrapped at spaces to ``size``."""
    if not words:
        return 1
    lines, used = 1, words[0]
    for n in words[1:]:
        if used + 1 + n > size:
            lines, used = lines + 1, n
        else:
            used += 1 + n
    return lines


def _print_blocks(title: str, columns: Sequence[str], cells: list[list[str]]) -> None:
    """Each row as a block of lines, one column to a line ("agency: Northfield High
    School"), the value wrapped at spaces under itself; a blank line between blocks."""
    print_line(title)
    label = max(cell_len(c) for c in columns) + 2
    for row in cells:
        print_line("")
        for column, value in zip(columns, row, strict=True):
            if not value:
                continue
            head = f"{column}:".ljust(label)
            for line in wrap(value, indent=" " * label, first=head):
                _write(line)


def text(value: Any) -> str:
    """A value as the reader sees it: nothing for None, "yes"/"no", dates as
    YYYY-MM-DD, a time to the minute with its zone, lists joined by commas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M} {value.tzname() or ''}".rstrip()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value)
    return str(value)


def cell_lines(*parts: object) -> str:
    """The parts that have a value, one to a line: one table cell."""
    return "\n".join(str(p) for p in parts if p)


def named(name: str | None, record_id: str | None) -> str:
    """A record as a reader knows it, its name beside its id: "Sally Carter
    (CH-SALLY)"; the id alone when the name is not known."""
    if not record_id:
        return name or ""
    return f"{name} ({record_id})" if name else record_id


RECORD_ID = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b")
"""A record's id as it stands in a sentence ("CH-SALLY", "AG-0002", "CAF-0000024")."""


def ids_in(texts: Iterable[str]) -> set[str]:
    """Every record id the ``texts`` name."""
    return {found for text in texts for found in RECORD_ID.findall(text)}


def with_names(text: str, known: dict[str, str]) -> str:
    """``text`` with each record id in it named as the reader knows it ("St Anne's
    Primary School (AG-0002)"); an id whose name is not known stays as it is."""
    return RECORD_ID.sub(lambda m: named(known.get(m.group(0)), m.group(0)), text)


def print_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Print a CSV document to stdout as UTF-8 (see ``csv_text``)."""
    print_data(csv_text(columns, rows).rstrip("\n"))


def print_records(records: Sequence[BaseModel], columns: Sequence[str]) -> None:
    """Print pydantic records as CSV, one row each, the ``columns`` their fields."""
    print_csv(columns, ([getattr(r, c) for c in columns] for r in records))


def print_line(line: str, indent: str = "", first: str | None = None) -> None:
    """Text for the reader, wrapped at spaces to the screen's width (see ``wrap``),
    never read as markup."""
    for part in wrap(line, indent=indent, first=first):
        _write(part)


def _write(line: str) -> None:
    stdout.file.write(visible(line) + "\n")


def note(text: str, whole: bool = False) -> None:
    """A line for the reader on stderr, wrapped at spaces to the screen's width (its
    following lines indented two more than its first), never read as markup: it often
    quotes input (a rejected record's id). A ``whole`` line is written unwrapped, as
    error lines are: one problem a line, for grep."""
    lead = text[: len(text) - len(text.lstrip(" "))]
    parts = [text] if whole else wrap(text.strip(" "), indent=lead + "  ", first=lead)
    for part in parts or [""]:
        stderr.file.write(visible(part) + "\n")


def error(message: str, hint: str = "") -> None:
    text = f"Error: {message}" + (f"; {hint}" if hint else "")
    stderr.print(visible(text), style="red", highlight=False, markup=False)


# What a phase counts, where it is not records.
_UNITS = {"relationships": "relationships", "check": "references"}


@contextmanager
def progress(description: str, enabled: bool = True) -> Iterator[Any]:
    """A progress display on stderr; yields ``update(phase, done, total=None)``. Given
    a total, a phase's bar shows done of total, the rate and the time left; without
    one, the count and the rate (the library says a total where it knows one)."""
    if not enabled or not stderr.is_terminal:
        yield lambda phase, done, total=None: None
        return
    bar = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TextColumn("{task.fields[count]}", markup=False),
        TextColumn("{task.fields[rate]}", markup=False),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
    )
    tasks: dict[str, Any] = {}
    with bar:

        def update(phase: str, done: int, total: int | None = None) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(
                    f"{description}: {phase}", total=total, count="", rate=""
                )
            task = tasks[phase]
            count = f"{done:,} of {total:,}" if total is not None else f"{done:,}"
            unit = _UNITS.get(phase, "records")
            bar.update(task, completed=done, total=total, count=f"{count} {unit}")
            speed = bar.tasks[task].speed
            bar.update(task, rate=f"{speed:,.0f}/s" if speed else "")

        yield update
