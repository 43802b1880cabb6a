"""All terminal output: tables and JSON to stdout, progress and errors to stderr.
The only module that imports ``rich``."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel
from rich.cells import cell_len
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)


def print_json(data: Any) -> None:
    if isinstance(data, BaseModel):
        text = data.model_dump_json(indent=2)
    else:
        text = json.dumps(data, indent=2, sort_keys=True, default=str)
    print_data(text)


def print_data(text: str) -> None:
    """Machine-readable output (JSON, CSV) written as it is: rich lays text out line by
    line, which took 50 s and 3 GB for the 97 MB JSON of an access report of 300,000
    entries."""
    stdout.file.write(text + "\n")


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    whole: Collection[str] = (),
) -> None:
    """A table that never cuts a value: a word wider than its column folds onto the next
    line rather than ending in an ellipsis, so what is shown at 80 columns is complete.
    The ``whole`` columns (contact details, ids, dates) keep their width while the others
    wrap, where that leaves each other column 10 characters; on a narrower screen every
    column wraps alike. A cell may hold several lines. Cells are shown as written, never
    read as rich markup: a purpose of "[urgent] visit" lost its first word that way, and
    one holding "[/]" stopped the access report. No rows: one line saying so."""
    if not rows:
        print_line(f"{title}: none.")
        return
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    kept = _kept_whole(columns, cells, whole)
    table = Table(title=Text(title), title_justify="left")
    for column in columns:
        table.add_column(Text(column), overflow="fold", no_wrap=column in kept)
    for row in cells:
        table.add_row(*(Text(v) for v in row))
    stdout.print(table)


def _kept_whole(columns: Sequence[str], cells: list[list[str]], whole: Collection[str]) -> set[str]:
    """The ``whole`` columns, if their widest lines leave each other column 10 characters
    on the screen (every column takes 3 more for its border and padding); otherwise
    none."""
    width = 1
    for i, column in enumerate(columns):
        if column in whole:
            lines = [column, *(line for row in cells for line in row[i].split("\n"))]
            width += max(cell_len(line) for line in lines) + 3
        else:
            width += 10 + 3
    return set(whole) if width <= stdout.width else set()


def cell_lines(*parts: object) -> str:
    """The parts that have a value, one to a line: one table cell."""
    return "\n".join(str(p) for p in parts if p)


def words(code: str | None) -> str:
    """A stored code as words for the reader: ``head_of_year`` as "head of year"."""
    return (code or "").replace("_", " ")


def print_line(text: str) -> None:
    stdout.print(text, highlight=False, markup=False)


def note(text: str) -> None:
    """A line for the reader on stderr, as written: it often quotes input (a rejected
    record's id), which rich must not read as markup."""
    stderr.print(text, highlight=False, markup=False)


def error(message: str, hint: str = "") -> None:
    text = f"Error: {message}" + (f"; {hint}" if hint else "")
    stderr.print(text, style="red", highlight=False, markup=False)


@contextmanager
def progress(description: str, enabled: bool = True) -> Iterator[Any]:
    """A progress display on stderr; yields ``update(phase, done)``."""
    if not enabled or not stderr.is_terminal:
        yield lambda phase, done: None
        return
    bar = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
    )
    tasks: dict[str, Any] = {}
    with bar:

        def update(phase: str, done: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(f"{description}: {phase}", total=None)
            bar.update(tasks[phase], completed=done)

        yield update
