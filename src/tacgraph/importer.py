"""Import: validate every record first, then write in batches; idempotent.

Each input file is read once. Pass 1 validates each record and its references (to
records in the files or already in the store) and names every problem by file, record,
field and reason; as it reads, it keeps each record's validated text in a spill file in
a temporary folder, and every later pass reads that, never the input again: a file
replaced while the import runs cannot be written unvalidated. Nothing is written unless
every record is good, or ``skip_invalid`` is set, when the good records are written and
the rejects saved to a file. The write pass writes what differs from the store: new
nodes, changed properties, added and removed edges.

A record from a redacted export (its header says ``"redacted": true``) leaves out what
could locate a shielded child; a field it does not give is unknown there, not empty, so
such a record only adds to what is stored: its absent properties keep their stored
values and no edge of it is removed.
"""

from __future__ import annotations

import errno
import hashlib
import json
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tacgraph.errors import InvalidInput, StoreError
from tacgraph.mapping import referenced_ids, to_graph
from tacgraph.model import BY_LABEL, Record
from tacgraph.schema import EdgeSpec, graph_schema
from tacgraph.sources import RawRecord, is_unreadable, read_records, unreadable
from tacgraph.store.base import ChangeSet, EdgeRow, Row, Store

BATCH = 20_000
Progress = Callable[[str, int], None]  # (phase, records done in this phase)
# Edges waiting for every node to be written: per edge, (source id, [(target, props)],
# additive: from a redacted record, so no stored edge of the source is removed).
Sources = list[tuple[str, list[tuple[str, dict[str, Any]]], bool]]
Pending = dict[EdgeSpec, Sources]


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


@dataclass
class ImportReport:
    files: list[str]
    records_read: int = 0
    rejected: int = 0
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    edges_created: int = 0
    edges_deleted: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejects_file: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "records_read": self.records_read,
            "rejected": self.rejected,
            "created": dict(sorted(self.created.items())),
            "updated": dict(sorted(self.updated.items())),
            "unchanged": self.unchanged,
            "edges_created": self.edges_created,
            "edges_deleted": self.edges_deleted,
            "problems": [p.to_json() for p in self.problems],
            "rejects_file": self.rejects_file,
        }


def _record_id(data: Any) -> str | None:
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
        items: Iterable[tuple[Any, Any]] = data.items()
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
    rid = _record_id(raw.data)
    reason = is_unreadable(raw.data)
    if reason is not None:
        return None, [Problem(raw.location, None, "(record)", reason)]
    text = json.dumps(raw.data, ensure_ascii=False)
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
        problems = []
        for err in exc.errors(include_url=False):
            where = ".".join(str(part) for part in err["loc"]) or "(record)"
            problems.append(Problem(raw.location, rid, where, err["msg"]))
        return None, problems


def _fingerprint(record: Record) -> bytes:
    """Tells two records with one id apart: the record's JSON (fields in model order)."""
    text = record.model_dump_json(exclude_none=True)
    return hashlib.blake2b(text.encode(), digest_size=12).digest()


class _Spill:
    """Every raw record of the input as pass 1 read it, one JSON line each, in a
    temporary folder (``TMPDIR``): the later passes read this, never the input again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "records.jsonl"
        self._out = self._open("w")

    def _open(self, mode: str) -> Any:
        try:
            return self.path.open(mode, encoding="utf-8")
        except OSError as exc:
            raise self._failed(exc) from None

    def _failed(self, exc: OSError) -> StoreError:
        hint = "set TMPDIR to a folder with room for a copy of the input"
        if exc.errno == errno.ENOSPC:
            hint = "free some space there, or " + hint
        return StoreError(
            f"cannot write the import's working copy in {self.folder}: "
            f"{exc.strerror or exc}; nothing was written to the store",
            hint,
        )

    def add(self, raw: RawRecord) -> RawRecord:
        """Keep ``raw``; returns the record as later passes will read it (a record
        nested too deeply to copy becomes unreadable here and there alike)."""
        reason = is_unreadable(raw.data)
        try:
            # ensure_ascii: a lone surrogate (a problem reported later) survives the copy.
            line = json.dumps(
                [raw.location, raw.label, None if reason else raw.data, reason, raw.redacted]
            )
        except RecursionError:
            reason = "values nested too deeply"
            raw = RawRecord(raw.location, raw.label, unreadable(reason), raw.redacted)
            line = json.dumps([raw.location, raw.label, None, reason, raw.redacted])
        try:
            self._out.write(line + "\n")
        except OSError as exc:
            raise self._failed(exc) from None
        return raw

    def close(self) -> None:
        try:
            self._out.close()
        except OSError as exc:
            raise self._failed(exc) from None

    def __iter__(self) -> Iterator[RawRecord]:
        with self._open("r") as handle:
            for line in handle:
                location, label, data, reason, redacted = json.loads(line)
                yield RawRecord(location, label, unreadable(reason) if reason else data, redacted)


@dataclass
class _Validation:
    fingerprints: dict[str, dict[str, bytes]] = field(default_factory=lambda: defaultdict(dict))
    rejected_at: set[str] = field(default_factory=set)  # locations
    rejected_ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    problems: list[Problem] = field(default_factory=list)
    needed: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    read: int = 0


def _validate(paths: Sequence[Path], spill: _Spill, progress: Progress | None) -> _Validation:
    state = _Validation()
    for path in paths:
        for raw in read_records(path):
            _validate_one(spill.add(raw), state)
            if progress and state.read % 10_000 == 0:
                progress("validate", state.read)
    spill.close()
    return state


def _validate_one(raw: RawRecord, state: _Validation) -> None:
    state.read += 1
    record, problems = parse(raw)
    if record is None:
        state.problems += problems
        state.rejected_at.add(raw.location)
        rid = _record_id(raw.data)
        if rid and raw.label:
            state.rejected_ids[raw.label].add(rid)
    else:
        label = record.label()
        known = state.fingerprints[label].get(record.id)
        mark = _fingerprint(record)
        if known is not None and known != mark:
            state.problems.append(
                Problem(raw.location, record.id, "id", f"a different {label} has this id")
            )
            state.rejected_at.add(raw.location)
        else:
            state.fingerprints[label][record.id] = mark
            for edge, target in referenced_ids(record):
                state.needed[edge.target].add(target)


def _missing_targets(store: Store, state: _Validation) -> dict[str, set[str]]:
    missing: dict[str, set[str]] = {}
    for label, ids in state.needed.items():
        absent = ids - state.fingerprints[label].keys()
        if absent:
            absent = absent - _existing_ids(store, label, sorted(absent))
        if absent:
            missing[label] = absent
    return missing


def _existing_ids(store: Store, label: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), BATCH):
        found |= store.nodes_by_id(label, ids[start : start + BATCH]).keys()
    return found


def _reject_dangling(spill: _Spill, store: Store, state: _Validation, cascade: bool) -> None:
    """Reject records pointing at ids that exist nowhere. A reference to a record that
    was itself rejected is the same problem seen twice: it is reported only when
    ``cascade`` (skipping invalid records) has to leave the referring record out too,
    and then repeatedly, since each rejection can leave others dangling."""
    missing = _missing_targets(store, state)
    while missing:
        newly: list[tuple[str, str]] = []
        for raw in spill:
            if raw.location in state.rejected_at:
                continue
            record, _ = parse(raw)
            if record is None:
                continue
            for edge, target in referenced_ids(record):
                if target not in missing.get(edge.target, ()):
                    continue
                if target in state.rejected_ids[edge.target]:
                    if not cascade:
                        continue
                    reason = f"refers to {edge.target} {target!r}, which was rejected"
                else:
                    reason = (
                        f"refers to {edge.target} {target!r}, which is neither in the "
                        "input nor in the store"
                    )
                state.problems.append(Problem(raw.location, record.id, edge.field, reason))
                state.rejected_at.add(raw.location)
                newly.append((record.label(), record.id))
                break
        for label, rid in newly:
            state.fingerprints[label].pop(rid, None)
            state.rejected_ids[label].add(rid)
        missing = _missing_targets(store, state) if newly else {}


def _write(
    spill: _Spill,
    store: Store,
    state: _Validation,
    report: ImportReport,
    progress: Progress | None,
) -> None:
    written: dict[str, set[str]] = defaultdict(set)
    pending_edges: Pending = defaultdict(list)
    batch: list[tuple[Record, bool]] = []
    done = 0

    def flush() -> None:
        nonlocal done
        _write_nodes(store, batch, report, pending_edges)
        done += len(batch)
        batch.clear()
        if progress:
            progress("write", done)

    for raw in spill:
        if raw.location in state.rejected_at:
            continue
        record, _ = parse(raw)
        if record is None or record.id in written[record.label()]:
            continue
        written[record.label()].add(record.id)
        batch.append((record, raw.redacted))
        if len(batch) >= BATCH:
            flush()
    flush()
    _write_all_edges(store, pending_edges, report, progress)


def _write_all_edges(
    store: Store, pending: Pending, report: ImportReport, progress: Progress | None = None
) -> None:
    """Edges go in after every node, one edge type at a time, in large batches (each
    bulk load has a fixed cost, so fewer and larger is faster)."""
    done = 0
    for edge, sources in pending.items():
        for start in range(0, len(sources), BATCH):
            _write_edges(store, edge, sources[start : start + BATCH], report)
            done += len(sources[start : start + BATCH])
            if progress:
                progress("link", done)


def _write_nodes(
    store: Store,
    records: list[tuple[Record, bool]],
    report: ImportReport,
    pending_edges: Pending,
) -> None:
    """Write a batch of nodes; ``records`` pairs each with whether it is additive (from a
    redacted export: its absent properties keep their stored values)."""
    by_label: dict[str, list[tuple[Row, bool]]] = defaultdict(list)
    for record, additive in records:
        row, edges = to_graph(record)
        by_label[record.label()].append((row, additive))
        for edge, targets in edges.items():
            pending_edges[edge].append((record.id, targets, additive))
    changes = ChangeSet()
    for label, pairs in by_label.items():
        existing = store.nodes_by_id(label, [r["id"] for r, _ in pairs])
        for row, additive in pairs:
            before = existing.get(row["id"])
            if before is not None and additive:
                row = {k: before.get(k) if v is None else v for k, v in row.items()}
            if before is None:
                changes.new_nodes.setdefault(label, []).append(row)
                report.created[label] = report.created.get(label, 0) + 1
            elif before != row:
                changes.changed_nodes.setdefault(label, []).append(row)
                report.updated[label] = report.updated.get(label, 0) + 1
            else:
                report.unchanged += 1
    store.write(changes)


def _write_edges(
    store: Store,
    edge: EdgeSpec,
    sources: Sources,
    report: ImportReport,
) -> None:
    wanted = {source: (targets, additive) for source, targets, additive in sources}
    current: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for source, target, props in store.edges_from(edge, list(wanted)):
        current[source][target] = props
    new: list[EdgeRow] = []
    gone: list[tuple[str, str]] = []
    for source, (targets, additive) in wanted.items():
        have = current.get(source, {})
        want = dict(targets)
        if additive and not want:
            continue  # left out of a redacted record: unknown, so kept as stored
        for target, props in want.items():
            if target not in have:
                new.append((source, target, props))
            elif have[target] != props:
                gone.append((source, target))
                new.append((source, target, props))
        if not additive or not edge.many:
            # A single-valued edge given a new target replaces the old one.
            gone += [(source, target) for target in have if target not in want]
    changes = ChangeSet()
    if new:
        changes.new_edges[edge] = new
    if gone:
        changes.deleted_edges[edge] = gone
    report.edges_created += len(new)
    report.edges_deleted += len(gone)
    store.write(changes)


def _save_rejects(spill: _Spill, state: _Validation, out: Path) -> None:
    by_location: dict[str, list[Problem]] = defaultdict(list)
    for problem in state.problems:
        by_location[problem.location].append(problem)
    with out.open("w", encoding="utf-8") as handle:
        for raw in spill:
            if raw.location in state.rejected_at:
                data = raw.data if is_unreadable(raw.data) is None else None
                line = {
                    "location": raw.location,
                    "type": raw.label,
                    "record": data,
                    "problems": [p.to_json() for p in by_location[raw.location]],
                }
                handle.write(json.dumps(line, sort_keys=True, default=str) + "\n")


def import_files(
    store: Store,
    paths: Iterable[Path],
    *,
    skip_invalid: bool = False,
    rejects: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate then write the records in ``paths``.

    Returns the report. Raises InvalidInput, naming every problem and writing nothing,
    when any record is bad and ``skip_invalid`` is False; raises StoreError when the
    engine fails (the embedded store then keeps none of this import).
    """
    files = list(paths)
    with tempfile.TemporaryDirectory(prefix="tacgraph-import-") as folder:
        spill = _Spill(Path(folder))
        return _import(store, files, spill, skip_invalid, rejects, progress)


def _import(
    store: Store,
    files: list[Path],
    spill: _Spill,
    skip_invalid: bool,
    rejects: Path | None,
    progress: Progress | None,
) -> ImportReport:
    report = ImportReport([str(p) for p in files])
    state = _validate(files, spill, progress)
    _reject_dangling(spill, store, state, cascade=skip_invalid)
    report.records_read = state.read
    report.problems = state.problems
    report.rejected = len(state.rejected_at)
    if state.problems and not skip_invalid:
        raise InvalidInput(
            f"{report.rejected} of {report.records_read} records are invalid; nothing was written",
            list(state.problems),
        )
    if state.problems:
        out = rejects or files[0].with_name(files[0].name + ".rejects.jsonl")
        _save_rejects(spill, state, out)
        report.rejects_file = str(out)
    with store.transaction():
        _write(spill, store, state, report, progress)
    return report


def import_records(store: Store, records: Iterable[Record]) -> ImportReport:
    """Write already-validated records (tests, the demo, library users), idempotently.

    References are not checked here; the store refuses none, so pass complete data.
    """
    report = ImportReport(["(records)"])
    pending: Pending = defaultdict(list)
    items = list(records)
    report.records_read = len(items)
    with store.transaction():
        for start in range(0, len(items), BATCH):
            batch = [(record, False) for record in items[start : start + BATCH]]
            _write_nodes(store, batch, report, pending)
        _write_all_edges(store, pending, report)
    return report


__all__ = ["ImportReport", "Problem", "graph_schema", "import_files", "import_records", "parse"]
