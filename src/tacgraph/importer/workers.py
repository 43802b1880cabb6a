"""A first load's per-record work in worker processes.

A first load (into an empty store, or files for ``tacgraph import --bulk``) reads its
input in chunks: the lines of a JSON Lines file as text with their line numbers, or the
raw records of a JSON document or a CSV file. Each chunk is worked on its own
(:func:`work`): its lines parsed, each record dumped with its keys sorted, hashed and
validated a batch at a time, its working-copy line made, and the valid records of each
type turned into columns. That is most of a first load's CPU time, and no chunk depends
on another, so with more than one core the chunks go to worker processes; the importer
keeps what must be global and in the input's order (ids and their repeats, references,
the working copy, the bulk loader's files, problems, progress), taking the chunks'
results in the order they were read. One worker, or one chunk, runs in the importer's
own process. The output is the same whichever: the chunks are the same and taken in the
same order.

``TACGRAPH_IMPORT_WORKERS`` sets how many worker processes (1: none, all in the
importer's process); by default one fewer than the cores the process may use.
"""

from __future__ import annotations

import itertools
import json
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, NamedTuple

import orjson

from tacgraph.errors import InvalidArgument, StoreError
from tacgraph.importer.batch import Problem, prepare, record_id, validate_batch
from tacgraph.importer.columns import Columns, to_columns
from tacgraph.mapping import EdgeTargets, to_graph
from tacgraph.schema import graph_schema
from tacgraph.sources import (
    RawRecord,
    file_format,
    is_unreadable,
    jsonl_lines,
    jsonl_record,
    read_records,
    unreadable,
)

# Records in a chunk: small enough that the workers start soon and a few chunks in
# flight hold little, large enough that each chunk's fixed costs (a round trip to a
# worker, a query and a write of the id file, a call per label into the bulk files) vanish.
CHUNK = 10_000
# Chunks in flight per worker: one being worked on, one waiting.
AHEAD = 2
WORKERS_SETTING = "TACGRAPH_IMPORT_WORKERS"

# A chunk to work on: ("lines", the file's location prefix, [(line number, line)]) or
# ("records", "", [raw record]).
Chunk = tuple[str, str, list[Any]]
# An edge's columns from a chunk: sources, targets, property columns, and how many of
# the edge's rows each record (of the label, in order) gave.
EdgeChunk = tuple[list[str], list[str], Columns, list[int]]


class Item(NamedTuple):
    """One record of a chunk as the importer needs it: where it was, its type, whether
    it came from a redacted export, its id as read (``rid``, None for none), its
    fingerprint, its line in the working copy, and either its validated id (``valid``)
    or the problems that refuse it."""

    location: str
    label: str | None
    redacted: bool
    rid: str | None
    mark: bytes | None
    line: str
    valid: str | None
    problems: list[Problem]


@dataclass
class Worked:
    """What a chunk gave: its records in order, and the columns of the valid records of
    each type (in order), each edge's by its place in the schema's edges of the type."""

    items: list[Item]
    columns: dict[str, tuple[Columns, list[EdgeChunk]]]


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot keep {type(value).__name__} in the working copy")


def valid_line(location: str, label: str, row: Any, edges: EdgeTargets, redacted: bool) -> str:
    """The working copy's line for a valid record kept as its node row and its edges in
    the schema's order."""
    targets = [edges[edge] for edge in graph_schema().edges_from(label)]
    body = json.dumps([row, targets], default=_json_value)
    head = json.dumps([location, label, redacted])
    return f'["v",{head},{body}]'


def text_line(location: str, label: str, redacted: bool, text: str) -> str:
    """The working copy's line for a valid record kept as its validated text."""
    # Built by hand: json.dumps of a whole list for each record cost a tenth of a first
    # load's time; the location is the one part that needs escaping.
    flag = "true" if redacted else "false"
    try:
        where = orjson.dumps(location).decode()
    except orjson.JSONEncodeError:  # a file name that is not UTF-8 text
        where = json.dumps(location)
    return f'["t",[{where},"{label}",{flag}],{text}]'


def invalid_line(raw: RawRecord) -> tuple[str, RawRecord]:
    """The working copy's line for a record that failed validation, and the record as
    the later passes will read it (one nested too deeply to copy becomes unreadable)."""
    reason = is_unreadable(raw.data)
    head = json.dumps([raw.location, raw.label, raw.redacted])
    try:
        # ensure_ascii: a lone surrogate (the reason it failed) survives the copy.
        data = json.dumps([None if reason else raw.data, reason])
    except RecursionError:
        reason = "values nested too deeply"
        raw = RawRecord(raw.location, raw.label, unreadable(reason), raw.redacted)
        data = json.dumps([None, reason])
    return f'["i",{head},{data}]', raw


def work(chunk: Chunk) -> Worked:
    """Parse, fingerprint and validate a chunk's records, and make their working-copy
    lines and columns (run in a worker process, or in the importer's)."""
    kind, prefix, body = chunk
    raws: list[RawRecord] = (
        [jsonl_record(prefix, number, line) for number, line in body] if kind == "lines" else body
    )
    parsed = validate_batch([(raw, *prepare(raw)) for raw in raws])
    items: list[Item] = []
    valid: dict[str, list[Any]] = {}
    for item in parsed:
        raw, record = item.raw, item.record
        rid = record_id(raw.data)
        if record is None:
            line, raw = invalid_line(raw)
            rid = record_id(raw.data)
            items.append(
                Item(raw.location, raw.label, raw.redacted, rid, None, line, None, item.problems)
            )
            continue
        label = str(raw.label)  # a valid record's type names its model
        if item.text is not None:
            line = text_line(raw.location, label, raw.redacted, item.text)
        else:
            line = valid_line(raw.location, label, *to_graph(record), raw.redacted)
        items.append(Item(raw.location, label, raw.redacted, rid, item.mark, line, record.id, []))
        valid.setdefault(label, []).append(record)
    columns: dict[str, tuple[Columns, list[EdgeChunk]]] = {}
    for label, records in valid.items():
        nodes, edges = to_columns(label, records)
        out: list[EdgeChunk] = []
        for edge in graph_schema().edges_from(label):
            sources, targets, props = edges[edge]
            if edge.key is not None or edge.many:
                counts = [len(getattr(record, edge.field)) for record in records]
            else:
                counts = [getattr(record, edge.field) is not None for record in records]
            out.append((sources, targets, props, counts))
        columns[label] = (nodes, out)
    return Worked(items, columns)


def chunks(paths: Iterable[Path], size: int) -> Iterator[Chunk]:
    """The input read in chunks of ``size`` records, file by file, in order; a file that
    cannot be read raises UnreadableFile where :func:`read_records` would."""
    for path in paths:
        if file_format(path) == "jsonl":
            prefix = f"{path}:line "
            lines: list[tuple[int, str]] = []
            for pair in jsonl_lines(path):
                lines.append(pair)
                if len(lines) >= size:
                    yield "lines", prefix, lines
                    lines = []
            if lines:
                yield "lines", prefix, lines
            continue
        raws: list[RawRecord] = []
        for raw in read_records(path):
            raws.append(raw)
            if len(raws) >= size:
                yield "records", "", raws
                raws = []
        if raws:
            yield "records", "", raws


def cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worker_count() -> int:
    """How many worker processes a first load uses (1: none): ``TACGRAPH_IMPORT_WORKERS``,
    or one fewer than the cores (the importer keeps about two fifths of the work, and
    needs a core of its own): none on two cores, where two workers beside the importer
    took more time than none (each chunk is pickled there and back). Never more than
    the cores."""
    setting = os.environ.get(WORKERS_SETTING, "").strip()
    if not setting:
        return max(cores() - 1, 1)
    if not setting.isdigit() or int(setting) < 1:
        raise InvalidArgument(
            f"{WORKERS_SETTING} is {setting!r}, not a whole number of worker processes",
            f"set it to 1 (no worker processes) up to {cores()}, or unset it",
        )
    return min(int(setting), cores())


def worked(source: Iterable[Chunk], workers: int) -> Iterator[Worked]:
    """Each chunk of ``source`` worked, in order: in this process with one worker or
    only one chunk, else by ``workers`` processes with a few chunks in flight each."""
    pending = iter(source)
    first = next(pending, None)
    if first is None:
        return
    second = next(pending, None) if workers > 1 else None
    if second is None:
        yield work(first)
        for chunk in pending:
            yield work(chunk)
        return
    pool = [_Worker() for _ in range(workers)]
    try:
        # In the input's order: (the worker it went to, or None to work it here, the chunk)
        flight: deque[tuple[_Worker | None, Chunk]] = deque()
        for turn, chunk in enumerate(itertools.chain((first, second), pending)):
            while len(flight) >= workers * AHEAD:
                yield _taken(*flight.popleft())
            worker = pool[turn % workers]
            flight.append((worker if worker.send(chunk) else None, chunk))
        while flight:
            yield _taken(*flight.popleft())
    except BaseException:
        for worker in pool:
            worker.kill()
        raise
    finally:
        for worker in pool:
            worker.close()


def _taken(worker: _Worker | None, chunk: Chunk) -> Worked:
    result = None if worker is None else worker.receive()
    # None: a record nested too deeply to pass to a worker or back; this chunk is
    # worked here instead, as it would be with one worker.
    return work(chunk) if result is None else result


class _Worker:
    """A worker process (running :func:`serve`), sent chunks through
    its standard input and answering on its standard output, one pickled frame each,
    in the order sent. A thread writes the chunks, so a worker blocked writing an
    answer never blocks the importer writing it the next chunk."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            # -P: the working folder is not searched for modules
            [sys.executable, "-P", "-c", _SERVE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._frames: queue.Queue[bytes | None] = queue.Queue()
        self._writer = threading.Thread(target=self._write, daemon=True)
        self._writer.start()

    def _write(self) -> None:
        assert self._process.stdin is not None
        try:
            while (frame := self._frames.get()) is not None:
                _put(self._process.stdin, frame)
            self._process.stdin.close()
        except OSError:  # the worker stopped: its answer's absence says so
            pass

    def send(self, chunk: Chunk) -> bool:
        """Send ``chunk``; False when it cannot be pickled (nested too deeply)."""
        try:
            frame = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
        except (RecursionError, pickle.PicklingError):
            return False
        self._frames.put(frame)
        return True

    def receive(self) -> Worked | None:
        """The answer to the oldest chunk sent and not yet answered (None: work it here)."""
        assert self._process.stdout is not None
        frame = _get(self._process.stdout)
        if frame is None:
            raise _stopped(self._process.wait())
        answer = pickle.loads(frame)
        if isinstance(answer, BaseException):
            raise answer
        return answer if isinstance(answer, Worked) else None

    def kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()

    def close(self) -> None:
        self._frames.put(None)
        self._writer.join()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._process.wait()


def _put(out: IO[bytes], frame: bytes) -> None:
    out.write(len(frame).to_bytes(8, "little"))
    out.write(frame)
    out.flush()


def _get(source: IO[bytes]) -> bytes | None:
    """A frame, or None at the end of the stream (a frame cut short counts as the end)."""
    head = source.read(8)
    if len(head) < 8:
        return None
    size = int.from_bytes(head, "little")
    frame = source.read(size)
    return frame if len(frame) == size else None


def _stopped(code: int) -> StoreError:
    how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
    return StoreError(
        f"a worker process validating the import stopped before it finished ({how}; "
        "killed, or out of memory); nothing was written",
        f"run the import again; if it stops again, set {WORKERS_SETTING}=1 to validate "
        "in the importer's own process",
    )


def serve(source: IO[bytes], out: IO[bytes]) -> None:
    """A worker process's loop: work each chunk read from ``source``, answering each in
    turn on ``out`` (its result, an error it raised, or None when the result is nested
    too deeply to pickle), until ``source`` ends. Ctrl-C is the importer's to handle
    (it stops its workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while (frame := _get(source)) is not None:
        answer: Any
        try:
            answer = work(pickle.loads(frame))
        except Exception as exc:  # raised in the importer, where it is reported
            answer = exc
        try:
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except (RecursionError, pickle.PicklingError):
            data = pickle.dumps(None)
        _put(out, data)


_SERVE = (
    "import sys; from tacgraph.importer.workers import serve; "
    "serve(sys.stdin.buffer, sys.stdout.buffer)"
)
