"""Validating records a batch at a time.

Each record is dumped once, with its keys sorted: that text is both what its content
hash is taken of and what is validated. The records of one type in a batch are validated
together, as one JSON array, by a pydantic ``TypeAdapter`` over a list of the type's
model: one call into pydantic-core for the batch instead of one a record. A batch with
any invalid record is validated again record by record with :func:`parse`, so every
problem is reported exactly as a record-by-record validation reports it (file, record,
field, reason); a record the batch path cannot take as it is (an unknown type, no text,
an escaped surrogate) goes that way from the start.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

import orjson
from pydantic import TypeAdapter, ValidationError

from tacgraph.model import BY_LABEL, Dataset, Record
from tacgraph.sources import RawRecord, is_unreadable

# Records of one type validated in one call: large enough that the call's fixed cost
# vanishes, small enough that a batch revalidated for one bad record costs little.
CHUNK = 2_000


@dataclass(frozen=True)
class Problem:
    location: str
    record_id: str | None
    field: str
    reason: str

    def __str__(self) -> str:
        who = f" {self.record_id}" if self.record_id else ""
        return f"{self.location}{who}: {self.field}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "record_id": self.record_id,
            "field": self.field,
            "reason": self.reason,
        }


class Parsed(NamedTuple):
    """One raw record after validation: the record, or the problems that refuse it;
    ``text`` is its data dumped with sorted keys and ``mark`` its fingerprint (each None
    where the record has no type, no id or cannot be dumped). A named tuple, as one is
    made for every record (a frozen dataclass took four times as long to make)."""

    raw: RawRecord
    record: Record | None
    problems: list[Problem]
    text: str | None
    mark: bytes | None


def record_id(data: Any) -> str | None:
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return str(data["id"]) if _is_text(data["id"]) else None
    return None


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _not_text_at(data: Any, where: str = "") -> str | None:
    """The field holding a string no engine can store (a lone surrogate, which JSON's
    ``\\ud800`` escapes can make), or None."""
    if isinstance(data, str):
        return None if _is_text(data) else where or "(record)"
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return None
    for key, value in items:
        path = f"{where}.{key}" if where else str(key)
        if isinstance(key, str) and not _is_text(key):
            return where or "(record)"
        found = _not_text_at(value, path)
        if found is not None:
            return found
    return None


def parse(raw: RawRecord) -> tuple[Record | None, list[Problem]]:
    """Validate one raw record against its model; problems name each bad field."""
    rid = record_id(raw.data)
    reason = is_unreadable(raw.data)
    if reason is not None:
        return None, [Problem(raw.location, None, "(record)", reason)]
    try:
        text = json.dumps(raw.data, ensure_ascii=False)
    except RecursionError:
        return None, [Problem(raw.location, rid, "(record)", "values nested too deeply")]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        bad = _not_text_at(raw.data) or "(record)"
        return None, [Problem(raw.location, rid, bad, "not valid Unicode text (a lone surrogate)")]
    model = BY_LABEL.get(raw.label or "")
    if model is None:
        return None, [Problem(raw.location, rid, "type", f"unknown record type {raw.label!r}")]
    try:
        return model.model_validate_json(text), []
    except ValidationError as exc:
        return None, [
            Problem(raw.location, rid, where, err["msg"])
            for err in exc.errors(include_url=False)
            for where in _fields(err["loc"], err["msg"], model)
        ]


def _fields(loc: tuple[int | str, ...], message: str, model: type[Record]) -> list[str]:
    """The fields a validation error is about: its location, or for a rule over the
    whole record, each of the model's fields its message names (the rules name the
    fields they compare: "ended_on is before started_on"), so a problem names the
    field to mend; "(record)" where it names none."""
    where = ".".join(str(part) for part in loc)
    if where:
        return [where]
    named = [name for name in model.model_fields if re.search(rf"\b{name}\b", message)]
    return named or ["(record)"]


def sorted_text(data: Any) -> str | None:
    """``data`` as compact JSON with its keys sorted (what a fingerprint is taken of), or
    None when it cannot be dumped. orjson dumps it, in a tenth of the standard library's
    time; what orjson refuses (a lone surrogate, an integer past 64 bits, nesting past
    its limit) the standard library dumps with every non-ASCII character escaped, so a
    lone surrogate survives as its escape (and is named by :func:`parse`)."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONEncodeError:
        pass
    try:
        return json.dumps(data, sort_keys=True, separators=(",", ":"))
    except (RecursionError, TypeError, ValueError):
        return None


def hashed(label: str, text: str) -> bytes:
    return hashlib.blake2b(_hash_prefix(label) + text.encode(), digest_size=12).digest()


@cache
def _hash_prefix(label: str) -> bytes:
    return f"{model_version()}{label}\n".encode()


@cache
def model_version() -> str:
    """A short hash of the record model: a new model validates every record again."""
    text = json.dumps(Dataset.model_json_schema(), sort_keys=True)
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def fingerprint(raw: RawRecord) -> bytes | None:
    """A record's fingerprint as read: a hash of its type and its data with keys sorted
    (None for a record with no type or no id, or unreadable)."""
    if raw.label is None or record_id(raw.data) is None or is_unreadable(raw.data):
        return None
    text = sorted_text(raw.data)
    return None if text is None else hashed(raw.label, text)


@cache
def _adapter(label: str) -> TypeAdapter[list[Record]]:
    return TypeAdapter(list[BY_LABEL[label]])  # type: ignore[valid-type]


def prepare(raw: RawRecord) -> tuple[str | None, bytes | None]:
    """The sorted text of a record and its fingerprint (see :func:`fingerprint`)."""
    if raw.label is None or is_unreadable(raw.data) is not None:
        return None, None
    text = sorted_text(raw.data)
    if text is None or record_id(raw.data) is None:
        return text, None
    return text, hashed(raw.label, text)


def validate_batch(items: Sequence[tuple[RawRecord, str | None, bytes | None]]) -> list[Parsed]:
    """Validate ``items`` (each raw record with its sorted text and fingerprint, from
    :func:`prepare`), the records of each type together; returns them in their order."""
    out: list[Parsed | None] = [None] * len(items)
    groups: dict[str, list[int]] = defaultdict(list)
    for index, (raw, text, _) in enumerate(items):
        # An escaped surrogate (``\ud83d``: an emoji, or a lone one no engine can store)
        # is left to the record-by-record path, which names a lone one's field.
        if raw.label in BY_LABEL and text is not None and "\\ud" not in text:
            groups[str(raw.label)].append(index)
        else:
            out[index] = _one(items[index])
    for label, indexes in groups.items():
        for start in range(0, len(indexes), CHUNK):
            chunk = indexes[start : start + CHUNK]
            body = "[" + ",".join(str(items[i][1]) for i in chunk) + "]"
            try:
                records = _adapter(label).validate_json(body)
            except ValidationError:
                for i in chunk:
                    out[i] = _one(items[i])
                continue
            for i, record in zip(chunk, records, strict=True):
                raw, text, mark = items[i]
                out[i] = Parsed(raw, record, [], text, mark)
    return [parsed for parsed in out if parsed is not None]


def _one(item: tuple[RawRecord, str | None, bytes | None]) -> Parsed:
    raw, text, mark = item
    record, problems = parse(raw)
    return Parsed(raw, record, problems, text, mark)
