"""Import: validate every record first, then write in batches; idempotent.

Each input file is read once. Pass 1 validates each record and its references (to
records in the files or already in the store) and names every problem by file, record,
field and reason; as it reads, it keeps each record's validated text in a spill file in
a temporary folder, and every later pass reads that, never the input again: a file
replaced while the import runs cannot be written unvalidated. Nothing is written unless
every record is good, or ``skip_invalid`` is set, when the good records are written and
the rejects saved to a file. The write pass writes what differs from the store: new
nodes, changed properties, added and removed edges. Each node keeps the content hash of
the record it was written from; a record whose hash is its stored node's is counted
unchanged as it is read, neither validated nor written again (docs/data-format.md).

A record from a redacted export (its header says ``"redacted": true``) leaves out what
could locate a shielded child; a field it does not give is unknown there, not empty, so
such a record only adds to what is stored: its absent properties keep their stored
values and no edge of it is removed.
"""

from __future__ import annotations

import csv
import gc
import json
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from tacgraph.errors import InvalidInput, StoreConflict, UnreadableFile
from tacgraph.importer import workers
from tacgraph.importer.batch import (
    Parsed,
    Problem,
    hashed,
    parse,
    prepare,
    record_id,
    sorted_text,
    validate_batch,
)
from tacgraph.importer.columns import Columns
from tacgraph.importer.ids import IdFile
from tacgraph.importer.pending import Pending
from tacgraph.importer.spill import Spill
from tacgraph.importer.workers import (
    Worked,
    chunks,
    worked,
    worker_count,
)
from tacgraph.mapping import EdgeTargets, from_graph, to_graph
from tacgraph.model import BY_LABEL, Record, dump_record
from tacgraph.schema import EdgeSpec, graph_schema
from tacgraph.sources import RawRecord, file_format, is_unreadable, read_records
from tacgraph.store.base import ChangeSet, EdgeRow, Row, Store

BATCH = 20_000
BORN_LATER_NAMED = 20  # the records a report names whose date of birth is after the day
CONFLICT_ATTEMPTS = 6  # runs of an import the engine undoes for another writer's sake
# (phase, done in this phase, and the phase's total where it is known)
Progress = Callable[[str, int, int | None], None]
# Edges waiting for every node to be written: per edge, (source id, [(target, props)],
# additive: from a redacted record, so no stored edge of the source is removed).
Source = tuple[str, list[tuple[str, dict[str, Any]]], bool]
Sources = list[Source]
Edges = Pending[EdgeSpec, Source]
# Content hashes to keep once every edge is written: per label, (id, hash).
Marks = Pending[str, tuple[str, str]]
# A node to write: label, row, edges, additive, and the content hash to keep with it.
_Node = tuple[str, Row, EdgeTargets, bool, str]


@dataclass
class ImportReport:
    files: list[str]
    records_read: int = 0
    rejected: int = 0
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    relationships: int = 0  # held by the records written: the relationships bar's count
    edges_created: int = 0
    edges_deleted: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejects_file: str | None = None
    # 1, or more when the engine undid a run for another writer's sake and it ran again
    # (the counts are then the last run's: what an earlier run committed is unchanged)
    runs: int = 1
    # Written, yet with a date of birth after the day of the import (likely a slip in the
    # source system: shown as unborn until then): how many, and the first ids.
    born_later: int = 0
    born_later_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "records_read": self.records_read,
            "rejected": self.rejected,
            "created": dict(sorted(self.created.items())),
            "updated": dict(sorted(self.updated.items())),
            "unchanged": self.unchanged,
            "relationships": self.relationships,
            "edges_created": self.edges_created,
            "edges_deleted": self.edges_deleted,
            "problems": [p.to_json() for p in self.problems],
            "rejects_file": self.rejects_file,
            "runs": self.runs,
            "born_later": self.born_later,
            "born_later_ids": self.born_later_ids,
        }


def content_hash(fingerprint: bytes, redacted: bool) -> str:
    """The hash kept with a node: its record's fingerprint, marked when the record came
    from a redacted export (written as an addition to what was stored, so the node it
    leaves is not the one the same record unredacted would leave)."""
    return fingerprint.hex() + ("r" if redacted else "")


@dataclass
class _Validation:
    # Every id read, with its fingerprint, to write or unchanged (its content hash is the
    # stored node's: neither validated nor written again, but present for references and
    # duplicates), and the ids references need: on disk, not in memory.
    ids: IdFile
    today: date  # the day of the import: a date of birth after it is counted (born_later)
    rejected_at: set[str] = field(default_factory=set)  # locations
    rejected_ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    problems: list[Problem] = field(default_factory=list)
    read: int = 0
    # On a first load: what went into the bulk loader's files as it was validated, and
    # whether a record gathered there was rejected afterwards (its reference dangles).
    gathered: dict[str, int] = field(default_factory=dict)
    gathered_nodes: int = 0
    gathered_edges: int = 0
    dropped: bool = False
    born_later: int = 0
    born_later_ids: list[str] = field(default_factory=list)

    def known(self, label: str, rid: str) -> bytes | None:
        return self.ids.known(label, rid)

    def note_births(self, ids: Sequence[str], births: Sequence[date | None]) -> None:
        """Count the records of ``ids`` whose date of birth (``births``, in their order)
        is after the day of the import."""
        today = self.today
        for rid, born in zip(ids, births, strict=True):
            if born is not None and born > today:
                self.born_later += 1
                if len(self.born_later_ids) < BORN_LATER_NAMED:
                    self.born_later_ids.append(rid)

    def tell(self, report: ImportReport) -> None:
        """Put what validation found into ``report``."""
        report.records_read = self.read
        report.problems = self.problems
        report.rejected = len(self.rejected_at)
        report.born_later, report.born_later_ids = self.born_later, self.born_later_ids


def count_records(path: Path) -> int:
    """How many records ``path`` holds, by a cheap first pass (the validate phase's
    total): JSON Lines and CSV count their non-blank lines and rows without parsing a
    record; a JSON document is parsed whole (it is read whole to import anyway). A file
    that cannot be read counts 0: reading it again names the problem."""
    try:
        fmt = file_format(path)
        if fmt == "jsonl":
            with path.open("rb") as handle:
                return sum(1 for line in handle if line.strip(b" \t\r\n\xef\xbb\xbf"))
        if fmt == "csv":
            with path.open(encoding="utf-8-sig", newline="") as handle:
                return max(sum(1 for cells in csv.reader(handle) if cells) - 1, 0)
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, csv.Error, UnreadableFile, RecursionError):
        return 0
    if not isinstance(doc, dict):
        return 0
    return sum(len(v) for k, v in doc.items() if isinstance(v, list) and k != "format")


class Gatherer(Protocol):
    """Files for an engine's bulk loader, filled a batch of records at a time, a column
    at a time (ArrowFiles for LadybugDB's COPY, CsvFiles for neo4j-admin)."""

    def add_nodes(self, label: str, columns: Columns, hashes: list[str]) -> None:
        """Rows of ``label``: each property's values (every property of the label), and
        the content hash of each row."""
        ...

    def add_edges(
        self, edge: EdgeSpec, sources: list[str], targets: list[str], props: Columns
    ) -> None:
        """Edges of ``edge``: the source and target of each, and each property's values."""
        ...

    def close(self) -> None: ...


def _validate(
    paths: Sequence[Path],
    spill: Spill,
    store: Store | None,
    progress: Progress | None,
    files: Gatherer | None = None,
    today: date | None = None,
) -> _Validation:
    """Validate every record, a batch at a time; a record whose content hash is its
    stored node's is counted unchanged instead (its stored form was validated). With
    ``files`` (a first load into an empty store) each valid record goes into them as it
    is validated, once per id."""
    state = _Validation(IdFile(spill.folder), today or datetime.now(UTC).date())
    compare = files is None and store is not None and not store.is_empty()
    # The count is a first pass over the input, so it is only taken for a bar to show.
    total = sum(count_records(path) for path in paths) if progress else 0
    if files is not None:  # a first load: nothing stored to compare with
        for result in worked(chunks(paths, workers.CHUNK), worker_count()):
            _gather(result, spill, state, files)
            state.ids.flush()
            if progress:
                progress("validate", state.read, max(total, state.read))
                progress("prepare", state.gathered_nodes, max(total, state.read))
            _collect()  # once the chunk's records are dropped
        if progress:
            progress("validate", state.read, state.read)  # the count read, as the summary
            progress("prepare", state.gathered_nodes, state.gathered_nodes)
        spill.close()
        return state
    batch: list[RawRecord] = []

    def flush() -> None:
        items = [(raw, *prepare(raw)) for raw in batch]
        rids = [record_id(raw.data) for raw in batch]  # once a record: each call encodes it
        by_label: dict[str, list[str]] = defaultdict(list)
        for raw, rid in zip(batch, rids, strict=True):
            if rid is not None and raw.label is not None:
                by_label[raw.label].append(rid)
        for label, ids in by_label.items():
            state.ids.prefetch(label, ids)
        stored: dict[str, dict[str, str | None]] = {}
        if compare:
            wanted: dict[str, list[str]] = defaultdict(list)
            for (raw, _, mark), rid in zip(items, rids, strict=True):
                if mark is not None:  # a fingerprint: a type and an id
                    wanted[str(raw.label)].append(str(rid))
            stored = {
                label: store.node_hashes(label, ids)  # type: ignore[union-attr]
                for label, ids in wanted.items()
                if label in BY_LABEL
            }

        def as_stored(raw: RawRecord, mark: bytes | None, rid: str | None) -> bool:
            return (
                mark is not None
                and rid is not None
                and stored.get(str(raw.label), {}).get(rid) == content_hash(mark, raw.redacted)
            )

        kept = [
            compare and as_stored(raw, mark, rid)
            for (raw, _, mark), rid in zip(items, rids, strict=True)
        ]
        parsed = iter(validate_batch([item for item, k in zip(items, kept, strict=True) if not k]))
        for (raw, text, mark), rid, known in zip(items, rids, kept, strict=True):
            if not known:
                _accept(next(parsed), spill, state)
            elif _still_unchanged(state, str(raw.label), str(rid), mark):
                state.read += 1
                state.ids.keep(str(raw.label), str(rid), mark or b"", unchanged=True)
            else:  # as stored, but a different record with its id came first
                _accept(validate_batch([(raw, text, mark)])[0], spill, state)
            if progress and state.read % 10_000 == 0:
                progress("validate", state.read, max(total, state.read))
        state.ids.flush()
        batch.clear()

    for path in paths:
        for raw in read_records(path):
            batch.append(raw)
            if len(batch) >= BATCH:
                flush()
                _collect()  # once the batch's records and models are dropped
    flush()
    if progress:
        progress("validate", state.read, state.read)  # the count read, which the summary says
    spill.close()
    return state


def _still_unchanged(state: _Validation, label: str, rid: str, mark: bytes | None) -> bool:
    """Whether a record as stored is still unchanged: no record with its id is to be
    written, and any earlier one as stored had its fingerprint."""
    seen = state.ids.state(label, rid)
    return seen is None or (not seen[1] and seen[0] == mark)


def _reject(parsed: Parsed, spill: Spill, state: _Validation) -> None:
    """Count a record that failed validation: kept in the working copy as invalid, its
    problems and place noted, and its id (where it has one) rejected, so a record that
    points at it is rejected too."""
    raw = spill.add_invalid(parsed.raw)
    state.problems += parsed.problems
    state.rejected_at.add(raw.location)
    rid = record_id(raw.data)
    if rid and raw.label:
        state.rejected_ids[raw.label].add(rid)


def _accept(parsed: Parsed, spill: Spill, state: _Validation) -> None:
    """Count one validated record of a later load: a problem, a repeat of its id, or a
    record to write (kept in the working copy as its node row and edges)."""
    raw, record = parsed.raw, parsed.record
    state.read += 1
    if record is None:
        _reject(parsed, spill, state)
        return
    label = record.label()
    row, edges = to_graph(record)
    spill.add_valid(raw.location, label, row, edges, raw.redacted)
    mark = parsed.mark or b""  # a valid record has a type and an id, so a fingerprint
    known = state.known(label, record.id)
    if known is not None and known != mark:
        state.problems.append(
            Problem(raw.location, record.id, "id", f"a different {label} has this id")
        )
        state.rejected_at.add(raw.location)
        return
    state.ids.keep(label, record.id, mark)
    state.note_births([record.id], [getattr(record, "date_of_birth", None)])
    for edge, targets in edges.items():
        if targets:
            state.ids.need(edge.target, [target for target, _ in targets])


def _gather(result: Worked, spill: Spill, state: _Validation, files: Gatherer) -> None:
    """Count a chunk's records as :func:`_accept` counts one, on a first load: the
    bookkeeping record by record, in the input's order (a problem, a repeat of its id, a
    record to write), then the records to write of each label into ``files`` and their
    references into the id file, a column at a time, from the columns the chunk gave."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for item in result.items:
        if item.rid is not None and item.label is not None:
            by_label[item.label].append(item.rid)
    for label, ids in by_label.items():
        state.ids.prefetch(label, ids)
    chosen: dict[str, tuple[list[int], list[str]]] = {}  # per label: places and hashes
    places: dict[str, int] = defaultdict(int)  # per label: the next valid record's place
    lines: list[str] = []
    for item in result.items:
        state.read += 1
        lines.append(item.line)  # the working copy keeps the input's order
        if item.valid is None:
            state.problems += item.problems
            state.rejected_at.add(item.location)
            if item.rid and item.label:
                state.rejected_ids[item.label].add(item.rid)
            continue
        label = str(item.label)
        place = places[label]
        places[label] += 1
        mark = item.mark or b""  # a valid record has a type and an id, so a fingerprint
        known = state.ids.claim(label, item.valid, mark)
        if known is not None and known != mark:
            state.problems.append(
                Problem(item.location, item.valid, "id", f"a different {label} has this id")
            )
            state.rejected_at.add(item.location)
            continue
        if known is None:  # a repeat (the same record again) was gathered the first time
            kept, hashes = chosen.setdefault(label, ([], []))
            kept.append(place)
            hashes.append(content_hash(mark, item.redacted))
    spill.add_lines(lines)
    for label, (kept, hashes) in chosen.items():
        columns, edges = result.columns[label]
        every = len(kept) == places[label]
        if not every:
            columns = {name: [values[i] for i in kept] for name, values in columns.items()}
        files.add_nodes(label, columns, hashes)
        if "date_of_birth" in columns:
            state.note_births(columns["id"], columns["date_of_birth"])
        state.gathered_nodes += len(kept)
        state.gathered[label] = state.gathered.get(label, 0) + len(kept)
        for edge, (sources, targets, props, counts) in zip(
            graph_schema().edges_from(label), edges, strict=True
        ):
            if not every:
                sources, targets, props = _rows_of(kept, counts, sources, targets, props)
            if targets:
                state.ids.need(edge.target, targets)
                files.add_edges(edge, sources, targets, props)
                state.gathered_edges += len(targets)


def _rows_of(
    kept: list[int], counts: list[int], sources: list[str], targets: list[str], props: Columns
) -> tuple[list[str], list[str], Columns]:
    """The edge rows of the records at the places ``kept``, where each record gave
    ``counts`` rows in turn."""
    starts = [0]
    for count in counts:
        starts.append(starts[-1] + count)
    rows = [row for i in kept for row in range(starts[i], starts[i + 1])]
    return (
        [sources[row] for row in rows],
        [targets[row] for row in rows],
        {name: [values[row] for row in rows] for name, values in props.items()},
    )


def _missing_targets(
    store: Store | None, state: _Validation, progress: Progress | None = None
) -> dict[str, set[str]]:
    """Referenced ids neither in the input nor in the store, by label; the ones not in
    the input are looked up in the store (the "check" phase, counted in references)."""
    total = state.ids.outside_count()
    done = 0
    missing: dict[str, set[str]] = {}
    for label, part in state.ids.outside():
        absent = set(part)
        if store is not None:  # None: a new database, which holds nothing yet
            absent -= store.nodes_by_id(label, part).keys()
        if absent:
            missing.setdefault(label, set()).update(absent)
        done += len(part)
        if progress:
            progress("check", done, total)
    return missing


def _reject_dangling(
    spill: Spill,
    store: Store | None,
    state: _Validation,
    cascade: bool,
    progress: Progress | None = None,
) -> None:
    """Reject records pointing at ids that exist nowhere. A reference to a record that
    was itself rejected is the same problem seen twice: it is reported only when
    ``cascade`` (skipping invalid records) has to leave the referring record out too,
    and then repeatedly, since each rejection can leave others dangling."""
    missing = _missing_targets(store, state, progress)
    while missing:
        newly: list[tuple[str, str]] = []
        for kept in spill:
            if kept.row is None or kept.edges is None or kept.location in state.rejected_at:
                continue
            rid = str(kept.row["id"])
            for edge, target in (
                (edge, target) for edge, pairs in kept.edges.items() for target, _ in pairs
            ):
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
                state.problems.append(Problem(kept.location, rid, edge.field, reason))
                state.rejected_at.add(kept.location)
                newly.append((edge.source, rid))
                break
        state.dropped = state.dropped or bool(newly)
        for label, rid in newly:
            state.ids.take(label, rid)
            state.rejected_ids[label].add(rid)
        missing = _missing_targets(store, state) if newly else {}


def _to_write(spill: Spill, state: _Validation) -> Iterator[_Node]:
    """Each valid record to write, once per id: the first time an id comes, its
    fingerprint is dropped (a repeat of the same record finds none), freeing memory as
    it goes."""
    for kept in spill:
        if kept.row is None or kept.edges is None or kept.location in state.rejected_at:
            continue
        label = str(kept.label)
        mark = state.ids.take(label, str(kept.row["id"]))
        if mark is not None:
            yield label, kept.row, kept.edges, kept.redacted, content_hash(mark, kept.redacted)


def _write(
    spill: Spill,
    store: Store,
    state: _Validation,
    report: ImportReport,
    progress: Progress | None,
    fresh: bool = False,
) -> None:
    # queued on disk beside the working copy: memory bounded by a batch, not the input
    pending_edges: Edges = Pending(spill.folder / "edges", BATCH)
    marks: Marks = Pending(spill.folder / "hashes", BATCH)
    batch: list[_Node] = []
    done = 0
    total = state.ids.to_write()

    def flush() -> None:
        nonlocal done
        _write_nodes(store, batch, report, pending_edges, marks, fresh)
        done += len(batch)
        batch.clear()
        if progress:
            progress("records", done, total)

    for node in _to_write(spill, state):
        batch.append(node)
        if len(batch) >= BATCH:
            flush()
            _collect()
    flush()
    _write_all_edges(store, pending_edges, report, progress, fresh)
    _keep_hashes(store, marks)


def _write_all_edges(
    store: Store,
    pending: Edges,
    report: ImportReport,
    progress: Progress | None = None,
    fresh: bool = False,
) -> None:
    """Edges go in after every node, one edge type at a time, in large batches (each
    bulk load has a fixed cost, so fewer and larger is faster)."""
    # Counted in relationships, as the summary counts them (records were counted before).
    total = pending.weight
    report.relationships += total
    done = 0
    for edge in pending:
        for part in pending.batches(edge, BATCH):
            _write_edges(store, edge, part, report, fresh)
            done += sum(len(targets) for _, targets, _ in part)
            if progress:
                progress("relationships", done, total)


def _write_nodes(
    store: Store,
    nodes: list[_Node],
    report: ImportReport,
    pending_edges: Edges,
    marks: Marks,
    fresh: bool = False,
) -> None:
    """Write a batch of nodes, each with whether it is additive (from a redacted export:
    its absent properties keep their stored values). A node whose stored content hash is
    its record's was written from this very record and is left alone, edges and all;
    the others are compared property by property, their edges queued, and their hashes
    added to ``marks``, to be kept once their edges are written too."""
    by_label: dict[str, list[_Node]] = defaultdict(list)
    for node in nodes:
        by_label[node[0]].append(node)
    changes = ChangeSet()
    for label, group in by_label.items():
        if not fresh:
            kept = store.node_hashes(label, [str(row["id"]) for _, row, _, _, _ in group])
            changed = [node for node in group if kept.get(str(node[1]["id"])) != node[4]]
            report.unchanged += len(group) - len(changed)
            group = changed
        existing = {} if fresh else store.nodes_by_id(label, [row["id"] for _, row, *_ in group])
        for _, row, edges, additive, mark in group:
            rid = str(row["id"])
            marks.add(label, (rid, mark))
            for edge, targets in edges.items():
                pending_edges.add(edge, (rid, targets, additive), len(targets))
            before = existing.get(rid)
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


def _keep_hashes(store: Store, marks: Marks) -> None:
    """Keep each written record's content hash with its node: last, so that an import
    stopped part of the way (Neo4j commits batch by batch) leaves no node whose hash
    says it is up to date while its edges are not; the re-run compares those again."""
    for label in marks:
        for part in marks.batches(label, BATCH):
            store.set_node_hashes(label, part)


def _write_edges(
    store: Store,
    edge: EdgeSpec,
    sources: Sources,
    report: ImportReport,
    fresh: bool = False,
) -> None:
    wanted = {source: (targets, additive) for source, targets, additive in sources}
    current: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for source, target, props in [] if fresh else store.edges_from(edge, list(wanted)):
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


def _save_rejects(spill: Spill, state: _Validation, out: Path) -> None:
    by_location: dict[str, list[Problem]] = defaultdict(list)
    for problem in state.problems:
        by_location[problem.location].append(problem)
    with out.open("w", encoding="utf-8") as handle:
        for kept in spill:
            if kept.location in state.rejected_at:
                data: Any
                if kept.row is not None and kept.edges is not None:
                    data = dump_record(from_graph(str(kept.label), kept.row, kept.edges))
                else:
                    data = kept.data if is_unreadable(kept.data) is None else None
                line = {
                    "location": kept.location,
                    "type": kept.label,
                    "record": data,
                    "problems": [p.to_json() for p in by_location[kept.location]],
                }
                handle.write(json.dumps(line, sort_keys=True, default=str) + "\n")


def import_files(
    store: Store,
    paths: Iterable[Path],
    *,
    skip_invalid: bool = False,
    rejects: Path | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """Validate then write the records in ``paths``.

    Returns the report, which counts the valid records read with a date of birth after
    ``today`` (default: today's date in UTC), a likely slip of the source system that
    is written all the same (the record is valid; the lookup shows such a child as
    unborn until then). Raises InvalidInput, naming every problem and writing nothing,
    when any record is bad and ``skip_invalid`` is False; raises StoreError when the
    engine fails (the embedded store then keeps none of this import).
    """
    files = list(paths)

    def run() -> ImportReport:
        with tempfile.TemporaryDirectory(prefix="tacgraph-import-") as folder:
            spill = Spill(Path(folder))
            return _import(store, files, spill, skip_invalid, rejects, progress, today)

    return _again_on_conflict(run)


@contextmanager
def _collected_by_batch() -> Iterator[None]:
    """Python's cycle collector off while an import runs, and run on what each batch
    left (:func:`_collect`) instead: left to itself it scans every live object over and
    over as a batch's records and models pile up, a sixth of a first load's CPU time at
    20,000 children (validating a family member took 29 µs with it, 6 µs without)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:  # the collector then takes what is left as it runs
            gc.enable()


def _collect() -> None:
    """Collect the cycles a batch left: the objects made since the last call that are
    still alive (few, once the batch is dropped); older ones wait for the collector's
    own runs once the import is over."""
    if not gc.isenabled():
        gc.collect(1)


def _again_on_conflict(run: Callable[[], ImportReport]) -> ImportReport:
    """Run an import, and run it again (up to ``CONFLICT_ATTEMPTS`` times in all, after
    a random pause that grows with each) when the engine undid it for another writer's
    sake (StoreConflict, a deadlock on Neo4j): imports are idempotent, so running one
    again completes it, keeping what it had committed."""
    with _collected_by_batch():
        return _runs(run)


def _runs(run: Callable[[], ImportReport]) -> ImportReport:
    for attempt in range(1, CONFLICT_ATTEMPTS):
        try:
            report = run()
        except StoreConflict:
            time.sleep(random.uniform(0.05, 0.25) * attempt)
        else:
            report.runs = attempt
            return report
    report = run()
    report.runs = CONFLICT_ATTEMPTS
    return report


def _import(
    store: Store,
    files: list[Path],
    spill: Spill,
    skip_invalid: bool,
    rejects: Path | None,
    progress: Progress | None,
    today: date | None,
) -> ImportReport:
    report = ImportReport([str(p) for p in files])
    # A first load into an empty store has nothing to compare with: its records go into
    # the engine's bulk loader's files as they are validated (where the engine has one).
    empty = store.is_empty()
    bulk = store.bulk_files(spill.folder) if empty else None
    state = _validate(files, spill, store, progress, bulk, today)
    _reject_dangling(spill, store, state, cascade=skip_invalid, progress=progress)
    state.ids.forget_needed()  # checked: the ids references need are not needed again
    state.tell(report)
    report.unchanged = state.ids.unchanged()
    if state.problems and not skip_invalid:
        raise InvalidInput(
            f"{report.rejected} of {report.records_read} records are invalid; nothing was written",
            list(state.problems),
        )
    if state.problems:
        out = rejects or files[0].with_name(files[0].name + ".rejects.jsonl")
        _save_rejects(spill, state, out)
        report.rejects_file = str(out)
    if bulk is not None and not state.dropped:
        report.created = dict(state.gathered)
        report.edges_created = report.relationships = state.gathered_edges
        store.bulk_load(bulk, progress)  # all or nothing by its own means
        return report
    if bulk is not None:  # a gathered record was rejected since: written row by row
        bulk.close()
    with store.load(state.ids.to_write()):
        _write(spill, store, state, report, progress, fresh=empty)
    return report


def gather_files(
    paths: Iterable[Path],
    files: Gatherer,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """Validate the records in ``paths`` into ``files``, for the bulk loader of a new,
    empty database (``tacgraph import --bulk`` on Neo4j): every reference must point at
    a record in the input. All or nothing: raises InvalidInput naming every problem
    (``files`` are then not to be loaded); returns the report of what the files hold.
    ``today`` as :func:`import_files` takes it.
    """
    names = list(paths)
    report = ImportReport([str(p) for p in names])
    with _collected_by_batch(), tempfile.TemporaryDirectory(prefix="tacgraph-import-") as folder:
        spill = Spill(Path(folder))
        state = _validate(names, spill, None, progress, files, today)
        _reject_dangling(spill, None, state, cascade=False, progress=progress)
    files.close()
    state.tell(report)
    if state.problems:
        raise InvalidInput(
            f"{report.rejected} of {report.records_read} records are invalid; nothing was written",
            list(state.problems),
        )
    report.created = dict(state.gathered)
    report.edges_created = report.relationships = state.gathered_edges
    return report


def import_records(store: Store, records: Iterable[Record]) -> ImportReport:
    """Write already-validated records (tests, the demo, library users), idempotently.

    References are not checked here; the store refuses none, so pass complete data.
    """
    items = list(records)

    def run() -> ImportReport:
        report = ImportReport(["(records)"])
        report.records_read = len(items)
        pending: Edges = Pending()
        marks: Marks = Pending()
        with store.transaction():
            for start in range(0, len(items), BATCH):
                batch: list[_Node] = []
                for record in items[start : start + BATCH]:
                    label = record.label()
                    row, edges = to_graph(record)
                    mark = hashed(label, str(sorted_text(dump_record(record))))
                    batch.append((label, row, edges, False, content_hash(mark, False)))
                _write_nodes(store, batch, report, pending, marks)
            _write_all_edges(store, pending, report)
            _keep_hashes(store, marks)
        return report

    return _again_on_conflict(run)


__all__ = [
    "Gatherer",
    "ImportReport",
    "Problem",
    "gather_files",
    "graph_schema",
    "import_files",
    "import_records",
    "parse",
]
