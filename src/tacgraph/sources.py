"""Reading records from files: a JSON document, JSON Lines, or one CSV file per record
type. Each raw record carries where it came from, so errors can name it."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from tacgraph.errors import UnreadableFile
from tacgraph.model import BY_COLLECTION, BY_LABEL, Record
from tacgraph.schema import graph_schema

FORMATS = ("json", "jsonl", "csv")
TRUE = {"true", "yes", "y", "1"}
FALSE = {"false", "no", "n", "0"}


class RawRecord(NamedTuple):
    """One record as read. A named tuple: made once a record, and a frozen dataclass
    took four times as long to make."""

    location: str  # "file:line 12" or "file: children[3]"
    label: str | None  # None when the record does not say what it is
    data: Any  # JSON-compatible value
    # From a redacted export: a field it leaves out is unknown, not empty, so importing
    # the record may add to the stored one but never remove or blank anything.
    redacted: bool = False


def record_type(name: str) -> type[Record] | None:
    """The record type a collection name, label or file stem names (case-insensitive)."""
    lowered = name.lower()
    for key, model in (*BY_COLLECTION.items(), *BY_LABEL.items()):
        if key.lower() == lowered:
            return model
    return None


def file_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "ndjson":
        suffix = "jsonl"
    if suffix not in FORMATS:
        raise UnreadableFile(
            f"{path}: unknown file type {path.suffix!r} (use .json, .jsonl or .csv)"
        )
    return suffix


def read_records(path: Path) -> Iterator[RawRecord]:
    """Every raw record in one file. Raises UnreadableFile when the file as a whole cannot
    be read (missing, not UTF-8, not JSON, no header, unknown record type)."""
    fmt = file_format(path)
    try:
        if fmt == "json":
            yield from _read_json(path)
        elif fmt == "jsonl":
            yield from _read_jsonl(path)
        else:
            yield from _read_csv(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise _unreadable_file(path, exc) from None
    except RecursionError:
        raise UnreadableFile(f"{path}: {_TOO_DEEP}") from None


def _unreadable_file(path: Path, exc: OSError | UnicodeDecodeError) -> UnreadableFile:
    if isinstance(exc, UnicodeDecodeError):
        return UnreadableFile(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    return UnreadableFile(f"{path}: cannot read: {exc.strerror or exc}")


_TOO_DEEP = "not a tacgraph file: values nested too deeply"


def _read_json(path: Path) -> Iterator[RawRecord]:
    try:
        doc = _loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"{path}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(doc, dict):
        raise UnreadableFile(f"{path}: a tacgraph JSON document is an object of record lists")
    redacted = doc.get("redacted", False)
    if not isinstance(redacted, bool):
        raise UnreadableFile(f"{path}: redacted must be true or false, not {redacted!r}")
    for key, value in doc.items():
        if key in ("format", "version", "redacted"):
            continue
        model = BY_COLLECTION.get(key)
        if model is None:
            raise UnreadableFile(f"{path}: unknown collection {key!r}")
        if not isinstance(value, list):
            raise UnreadableFile(f"{path}: {key} must be a list of records")
        for i, item in enumerate(value):
            yield RawRecord(f"{path}: {key}[{i}]", model.label(), item, redacted)


def _read_jsonl(path: Path) -> Iterator[RawRecord]:
    prefix = f"{path}:line "
    for number, line in jsonl_lines(path):
        yield jsonl_record(prefix, number, line)


def jsonl_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The non-blank lines of a JSON Lines file, each with its number, decoded but not
    parsed (an import parses them in its worker processes: :func:`jsonl_record`).
    Raises UnreadableFile as :func:`read_records` does."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, line
    except (OSError, UnicodeDecodeError) as exc:
        raise _unreadable_file(path, exc) from None


def jsonl_record(prefix: str, number: int, line: str) -> RawRecord:
    """The raw record on line ``number`` of a JSON Lines file (``prefix`` is the file's
    name and ``:line ``); a line that is not a record is one that cannot be read."""
    where = prefix + str(number)
    try:
        item = _loads(line)
    except json.JSONDecodeError as exc:
        return RawRecord(where, None, _Unreadable(f"not valid JSON: {exc.msg}"))
    except RecursionError:
        return RawRecord(where, None, _Unreadable("values nested too deeply"))
    if type(item) is not dict or len(item) != 2 or "type" not in item or "record" not in item:
        return RawRecord(where, None, _Unreadable('expected {"type": ..., "record": {...}}'))
    return RawRecord(where, str(item["type"]), item["record"])


class _Number(float):
    """A JSON number with a fraction or an exponent, or NaN or Infinity, as read: a float
    orjson will not dump (it writes NaN as null, which would pass for an absent value),
    so a record holding one is dumped for its fingerprint and validation by the standard
    library, as it always was (importer.batch.sorted_text)."""


_DECODER = json.JSONDecoder(parse_float=_Number, parse_constant=_Number)


def _loads(text: str) -> Any:
    """``json.loads(text)``, with every number that is not an integer a :class:`_Number`."""
    if text.startswith("\ufeff"):
        return json.loads(text)  # which refuses a byte-order mark, naming it
    return _DECODER.decode(text)


class _Unreadable(str):
    """A raw record that could not even be parsed; its text is the reason."""


def unreadable(reason: str) -> Any:
    """A raw record's data that could not be read, for ``reason``."""
    return _Unreadable(reason)


def is_unreadable(data: Any) -> str | None:
    return str(data) if isinstance(data, _Unreadable) else None


def _read_csv(path: Path) -> Iterator[RawRecord]:
    model = record_type(path.stem)
    if model is None:
        raise UnreadableFile(
            f"{path}: the file name must name a record type (e.g. children.csv, Child.csv)"
        )
    # utf-8-sig: a byte-order mark (as spreadsheets write) is not part of the first
    # column's name. strict: a quote left open is an error, not a cell that swallows
    # every row after it.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        start = 1
        try:
            header = next(reader, None)
            if not header or not any(name.strip() for name in header):
                raise UnreadableFile(f"{path}: no header row")
            names = [name.strip() for name in header]
            start = reader.line_num + 1
            for cells in reader:
                lines = (
                    f"line {start}"
                    if reader.line_num == start
                    else (f"lines {start}-{reader.line_num}")
                )
                start = reader.line_num + 1
                if not cells:
                    continue
                where = f"{path}:{lines}"
                if len(cells) != len(names):
                    reason = f"{len(cells)} cells where the header has {len(names)} columns"
                    yield RawRecord(where, model.label(), _Unreadable(reason))
                    continue
                yield RawRecord(
                    where, model.label(), _csv_record(model, zip(names, cells, strict=True))
                )
        except csv.Error as exc:
            raise UnreadableFile(
                f"{path}: line {start}: not valid CSV ({exc}); a quote opened on or after "
                "this line is not closed",
            ) from None


def _csv_record(model: type[Record], row: Iterable[tuple[str, str]]) -> Any:
    spec = graph_schema().node(model.label())
    kinds = {p.name: p.type for p in spec.props}
    nested = {e.field for e in graph_schema().edges_from(model.label()) if e.key is not None}
    many = {e.field for e in graph_schema().edges_from(model.label()) if e.many}
    out: dict[str, Any] = {}
    for key, raw in row:
        value = raw.strip()
        if value == "":
            continue
        if key in nested:
            try:
                out[key] = _loads(value)
            except (json.JSONDecodeError, RecursionError):
                return _Unreadable(f"{key}: cell must hold a JSON list")
        elif key in many or kinds.get(key) == "STRING[]":
            out[key] = [part.strip() for part in value.split(";") if part.strip()]
        elif kinds.get(key) == "BOOLEAN" and value.lower() in TRUE | FALSE:
            out[key] = value.lower() in TRUE
        elif kinds.get(key) == "INT64" and value.lstrip("-").isdigit():
            out[key] = int(value)
        else:
            out[key] = value
    return out
