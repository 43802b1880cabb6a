"""Reading records from files: a JSON document, JSON Lines, or one CSV file per record
type. Each raw record carries where it came from, so errors can name it."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tacgraph.errors import UnreadableFile
from tacgraph.model import BY_COLLECTION, BY_LABEL, Record
from tacgraph.schema import graph_schema

FORMATS = ("json", "jsonl", "csv")
TRUE = {"true", "yes", "y", "1"}
FALSE = {"false", "no", "n", "0"}


@dataclass(frozen=True)
class RawRecord:
    location: str  # "file:line 12" or "file: children[3]"
    label: str | None  # None when the record does not say what it is
    data: Any  # JSON-compatible value


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
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _read_json(path: Path) -> Iterator[RawRecord]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"{path}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(doc, dict):
        raise UnreadableFile(f"{path}: a tacgraph JSON document is an object of record lists")
    for key, value in doc.items():
        if key in ("format", "version"):
            continue
        model = BY_COLLECTION.get(key)
        if model is None:
            raise UnreadableFile(f"{path}: unknown collection {key!r}")
        if not isinstance(value, list):
            raise UnreadableFile(f"{path}: {key} must be a list of records")
        for i, item in enumerate(value):
            yield RawRecord(f"{path}: {key}[{i}]", model.label(), item)


def _read_jsonl(path: Path) -> Iterator[RawRecord]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:line {number}"
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RawRecord(where, None, _Unreadable(f"not valid JSON: {exc.msg}"))
                continue
            if not isinstance(item, dict) or set(item) != {"type", "record"}:
                yield RawRecord(where, None, _Unreadable('expected {"type": ..., "record": {...}}'))
                continue
            yield RawRecord(where, str(item["type"]), item["record"])


class _Unreadable(str):
    """A raw record that could not even be parsed; its text is the reason."""


def is_unreadable(data: Any) -> str | None:
    return str(data) if isinstance(data, _Unreadable) else None


def _read_csv(path: Path) -> Iterator[RawRecord]:
    model = record_type(path.stem)
    if model is None:
        raise UnreadableFile(
            f"{path}: the file name must name a record type (e.g. children.csv, Child.csv)"
        )
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames:
            raise UnreadableFile(f"{path}: no header row")
        for row in reader:
            where = f"{path}:line {reader.line_num}"
            yield RawRecord(where, model.label(), _csv_record(model, row))


def _csv_record(model: type[Record], row: dict[str | Any, str | Any]) -> Any:
    spec = graph_schema().node(model.label())
    kinds = {p.name: p.type for p in spec.props}
    nested = {e.field for e in graph_schema().edges_from(model.label()) if e.key is not None}
    many = {e.field for e in graph_schema().edges_from(model.label()) if e.many}
    out: dict[str, Any] = {}
    for key, raw in row.items():
        if key is None:
            return _Unreadable("more cells than header columns")
        value = (raw or "").strip()
        if value == "":
            continue
        if key in nested:
            try:
                out[key] = json.loads(value)
            except json.JSONDecodeError:
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
