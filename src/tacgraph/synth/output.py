"""Writing records to a file: JSON Lines (one ``{"type", "record"}`` object a line) or one
JSON document of record lists, as the file's name says; the file written whole or not at
all."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from tacgraph.errors import InvalidArgument
from tacgraph.files import check_destination, whole_or_nothing
from tacgraph.model import (
    RECORD_TYPES,
    Record,
    dump_record,
)


def _counted(
    records: Iterable[Record], counts: dict[str, int], progress: Callable[[int], None] | None
) -> Iterator[Record]:
    """``records``, each counted in ``counts`` by its label once the caller has written
    it, with ``progress`` called every 10,000 records (the caller reports the end)."""
    for written, record in enumerate(records, 1):
        yield record
        counts[type(record).label()] += 1
        if progress is not None and written % 10_000 == 0:
            progress(written)


def _compact(value: object) -> str:
    """JSON as both forms of the file hold it: keys sorted, no spaces, text as it is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_line(record: Record) -> str:
    """One JSON Lines line (without the newline) for ``record``."""
    return _compact({"type": type(record).label(), "record": dump_record(record)})


def _write(
    records: Iterable[Record],
    out: Path,
    progress: Callable[[int], None] | None,
    body: Callable[[Iterator[Record], Path], None],
) -> dict[str, int]:
    """Write ``records`` to ``out`` whole or not at all, ``body`` writing the counted
    records to the temporary path; calls ``progress`` as the public writers promise and
    returns the count per label."""
    counts = {t.label(): 0 for t in RECORD_TYPES}
    check_destination(out, "la.jsonl")
    with whole_or_nothing(out) as tmp:
        body(_counted(records, counts, progress), tmp)
    if progress is not None:
        progress(sum(counts.values()))
    return counts


def _jsonl_body(records: Iterator[Record], tmp: Path) -> None:
    """The JSON Lines form: ``record_line`` per record, written 10,000 lines at a time."""
    with tmp.open("w", encoding="utf-8", newline="\n") as handle:
        batch: list[str] = []
        for record in records:
            batch.append(record_line(record))
            if len(batch) >= 10_000:
                batch.append("")
                handle.write("\n".join(batch))
                batch = []
        if batch:
            batch.append("")
            handle.write("\n".join(batch))


def _json_body(records: Iterator[Record], tmp: Path) -> None:
    """The one-document form: each collection spooled to its own temporary file while the
    records stream, then the spools joined in ``RECORD_TYPES`` order."""
    with (
        tempfile.TemporaryDirectory(dir=tmp.parent, prefix=f"{tmp.name}.") as spool,
        ExitStack() as files,
    ):
        handles: dict[str, IO[str]] = {}
        for record in records:
            label = type(record).label()
            handle = handles.get(label)
            first = handle is None
            if handle is None:
                handle = handles[label] = files.enter_context(
                    Path(spool, label).open("w+", encoding="utf-8", newline="\n")
                )
            line = _compact(dump_record(record))
            handle.write(("\n" if first else ",\n") + line)
        with tmp.open("w", encoding="utf-8", newline="\n") as doc:
            doc.write('{"format":"tacgraph","version":1')
            for model in RECORD_TYPES:
                doc.write(f',\n"{model.collection}":[')
                spooled = handles.get(model.label())
                if spooled is not None:
                    spooled.seek(0)
                    while chunk := spooled.read(1 << 20):
                        doc.write(chunk)
                    doc.write("\n")
                doc.write("]")
            doc.write("}\n")


def write_jsonl(
    records: Iterable[Record], out: Path, *, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Write ``records`` to ``out`` as UTF-8 JSON Lines, one
    ``{"type": label, "record": ...}`` object per line, and return the count per label.

    The file appears only once complete (written beside it, then renamed).
    ``progress`` is called with the number of records written so far, every 10,000
    records and at the end. Raises InvalidArgument if the file cannot be written.
    """
    return _write(records, out, progress, _jsonl_body)


def write_json(
    records: Iterable[Record], out: Path, *, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Write ``records`` to ``out`` as one UTF-8 JSON document of record lists (the form
    ``tacgraph export`` writes and ``tacgraph import`` reads: ``{"format": "tacgraph",
    "version": 1, "<collection>": [...], ...}``, one record a line), and return the count
    per label.

    Each collection is spooled to a temporary file while the records stream, so memory
    stays small; the file appears only once complete. ``progress`` is called as for
    :func:`write_jsonl`. Raises InvalidArgument if the file cannot be written.
    """
    return _write(records, out, progress, _json_body)


def write_records(
    records: Iterable[Record], out: Path, *, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Write ``records`` in the form ``out``'s name says: JSON Lines for ``.jsonl`` (or
    ``.ndjson``), one JSON document for ``.json``. Returns the count per label.

    Raises InvalidArgument for any other name, before anything is written, and if the
    file cannot be written.
    """
    suffix = out.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return write_jsonl(records, out, progress=progress)
    if suffix == ".json":
        return write_json(records, out, progress=progress)
    raise InvalidArgument(
        f"{out}: cannot write records as {out.suffix or 'a file with no suffix'!r}",
        "name the file with .jsonl or .json, such as la.jsonl",
    )
