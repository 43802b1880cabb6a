"""Faults lose nothing: an import killed with SIGKILL (the embedded importer, or the
Neo4j server under an importer), then re-run, gives the graph of an uninterrupted
import; two imports at once give a consistent graph.

    python benchmarks/faults.py --children 100000

Prints a table: scenario, size, seconds from the start of the import to the kill, what
the store held after the kill, how the importer that had to fail ended (exit code: the
killed Neo4j server's importer, the embedded store's refused second importer),
seconds from the kill to the
whole graph again (reopen or restart, then re-import), and whether the canonical
export hash equals that of an uninterrupted import into an empty embedded store (both
engines give byte-identical canonical exports).

The scenarios live here, not in the test: ``tests/test_faults.py`` imports this module
(as every benchmark imports ``common``) and runs them at a small size, asserting on the
``Outcome`` each returns; this script runs them at full size and prints the outcomes.
So the benchmark needs neither pytest nor the tests, and the test reads as the list of
things that must hold.

A kill that lands after the import has finished proves nothing: every scenario notices
(the importer said it committed, or the store holds the whole graph) and raises
``NotInterrupted`` rather than report success.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import machine  # noqa: E402

import tacgraph
from tacgraph import devserver
from tacgraph.config import StoreConfig
from tacgraph.export import canonical_hash
from tacgraph.importer import import_files
from tacgraph.mapping import referenced_ids
from tacgraph.store import Stats, Store
from tacgraph.store.embedded import EmbeddedStore
from tacgraph.store.neo4j import Neo4jStore
from tacgraph.synth import Synthesiser, record_line

# What the store held of the killed import once reopened or restarted.
NOTHING = "nothing of it"
PART = "part of it"
WHOLE = "all of it"

WAIT_BASE_S = 300.0  # generous bounds, so that a hang fails instead of blocking CI
WAIT_PER_CHILD_S = 0.03
POLL_S = 0.05
RETRIED = "will be retried"  # the driver's warning for a transaction it retries
WIPE_BATCH = 20_000

_SPAWN = multiprocessing.get_context("spawn")


class NotInterrupted(AssertionError):
    """The kill came too late (the import had finished): the scenario proved nothing."""


class ScenarioError(AssertionError):
    """A step of a scenario went wrong (a process failed or hung)."""


# --------------------------------------------------------------------------------------
# The data: one synthetic authority, two overlapping parts, and reference hashes
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """An uninterrupted import of one file into an empty embedded store."""

    hash: str
    stats: Stats
    seconds: float

    def totals(self) -> tuple[int, int]:
        """Nodes, relationships."""
        return sum(self.stats.nodes.values()), sum(self.stats.relationships.values())

    def size(self) -> int:
        return sum(self.totals())


@dataclass(frozen=True)
class Source:
    """A synthetic file and two overlapping parts of it that each import on their own:
    ``first`` holds the first three fifths of the records, ``last`` the last three
    fifths and every record those refer to."""

    children: int
    records: int
    full: Path
    first: Path
    last: Path
    reference: dict[str, Reference]  # by file name: "full" and "first"

    def wait_s(self) -> float:
        return WAIT_BASE_S + WAIT_PER_CHILD_S * self.children


Key = tuple[str, str]  # label, id


def _closure(keep: set[int], refs: list[list[Key]], where: dict[Key, list[int]]) -> set[int]:
    """The records at the indices ``keep`` and every record they refer to, transitively."""
    todo = list(keep)
    while todo:
        for key in refs[todo.pop()]:
            for other in where.get(key, ()):
                if other not in keep:
                    keep.add(other)
                    todo.append(other)
    return keep


def _write_lines(path: Path, lines: Sequence[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for line in lines:
            handle.write(line + "\n")
    return path


def make_source(children: int, seed: int, work: Path) -> Source:
    """Synthesise ``children`` children into ``work`` (the full file and two parts that
    overlap) and import the full file and the first part, each uninterrupted into an
    empty embedded store in a process of its own, for their reference hashes."""
    work.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    refs: list[list[Key]] = []
    where: dict[Key, list[int]] = defaultdict(list)
    for record in Synthesiser(children, seed).records():
        where[(record.label(), record.id)].append(len(lines))
        refs.append([(edge.target, target) for edge, target in referenced_ids(record)])
        lines.append(record_line(record))
    count = len(lines)
    first = _closure(set(range(count * 3 // 5)), refs, where)
    last = _closure(set(range(count * 2 // 5, count)), refs, where)
    paths = {
        "full": _write_lines(work / "full.jsonl", lines),
        "first": _write_lines(work / "first.jsonl", [lines[i] for i in sorted(first)]),
        "last": _write_lines(work / "last.jsonl", [lines[i] for i in sorted(last)]),
    }
    references = {name: uninterrupted(paths[name], work) for name in ("full", "first")}
    return Source(children, count, paths["full"], paths["first"], paths["last"], references)


def uninterrupted(path: Path, work: Path) -> Reference:
    """Import ``path`` uninterrupted into an empty embedded store; its hash and counts."""
    db = Path(tempfile.mkdtemp(prefix="reference-", dir=work))
    try:
        init_embedded(db)
        child = EmbeddedImport(db, [path])
        started = time.perf_counter()
        child.finish(WAIT_BASE_S + path.stat().st_size / 2**20 * 10)
        seconds = time.perf_counter() - started
        with EmbeddedStore(db) as store:
            return Reference(canonical_hash(store), store.stats(), seconds)
    finally:
        shutil.rmtree(db, ignore_errors=True)


# --------------------------------------------------------------------------------------
# Processes: the embedded importer (spawned, reporting progress) and the CLI
# --------------------------------------------------------------------------------------


def init_embedded(db: Path) -> None:
    """Create the embedded store's tables, so that what an import leaves is its own."""
    with EmbeddedStore(db) as store:
        store.init_schema()


def _embedded_worker(db: Path, files: list[Path], events: Connection, hold: Event | None) -> None:
    """Import each of ``files`` in turn (each its own transaction), sending
    ``(number, phase, done)`` for every progress step and ``(number, "committed", 0)``
    once an import has returned. With ``hold`` (an Event), wait for it at the first
    edge batch of the last import: the store stays open and mid-transaction."""
    store = EmbeddedStore(db)
    try:
        for number, path in enumerate(files):
            last = number == len(files) - 1

            def progress(
                phase: str,
                done: int,
                total: int | None = None,
                number: int = number,
                last: bool = last,
            ) -> None:
                events.send((number, phase, done))
                if hold is not None and last and phase == "relationships" and not hold.is_set():
                    hold.wait()

            import_files(store, [path], progress=progress)
            events.send((number, "committed", 0))
    finally:
        store.close()


class EmbeddedImport:
    """An import into an embedded store in a spawned process that reports its progress;
    it can be SIGKILLed, or held mid-transaction until released."""

    def __init__(self, db: Path, files: Sequence[Path], *, hold: bool = False) -> None:
        self.events, child_end = _SPAWN.Pipe(duplex=False)
        self.hold = _SPAWN.Event() if hold else None
        self.seen: list[tuple[int, str, int]] = []
        self.process = _SPAWN.Process(
            target=_embedded_worker, args=(db, list(files), child_end, self.hold), daemon=True
        )
        self.process.start()
        child_end.close()  # so that reading sees the end when the child dies

    def _drain(self, timeout: float) -> bool:
        """Read one event (waiting up to ``timeout``); False once the child is gone."""
        if not self.events.poll(timeout):
            return True
        try:
            self.seen.append(self.events.recv())
        except EOFError:
            return False
        return True

    def saw(self, number: int, phase: str) -> bool:
        return any(n == number and p == phase for n, p, _ in self.seen)

    def wait_for(self, number: int, phase: str, timeout: float) -> None:
        """Wait until import ``number`` reports ``phase``. Raises ScenarioError if the
        child ends or the time runs out first."""
        deadline = time.monotonic() + timeout
        while not self.saw(number, phase):
            left = deadline - time.monotonic()
            if left <= 0 or not self._drain(min(left, 1.0)):
                self.kill()
                raise ScenarioError(
                    f"the embedded importer never reported {phase!r} of import {number} "
                    f"(exit code {self.process.exitcode}, events {self.seen[-5:]})"
                )

    def release(self) -> None:
        if self.hold is not None:
            self.hold.set()

    def kill(self) -> None:
        """SIGKILL the importer and reap it; then read what it managed to say."""
        if self.process.is_alive() and self.process.pid is not None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.join(30)
        while self._drain(0.0) and self.events.poll(0):
            pass

    def finish(self, timeout: float) -> None:
        """Wait for the importer to end. Raises ScenarioError unless it ended well."""
        self.process.join(timeout)
        if self.process.is_alive():
            self.kill()
            raise ScenarioError(f"the embedded importer did not finish within {timeout:.0f} s")
        while self._drain(0.0) and self.events.poll(0):
            pass
        if self.process.exitcode != 0:
            raise ScenarioError(f"the embedded importer failed: exit code {self.process.exitcode}")


@dataclass(frozen=True)
class CliRun:
    """How one ``tacgraph import`` process ended."""

    files: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def _cli_env(uri: str | None) -> dict[str, str]:
    """This environment without tacgraph's or Neo4j's settings (and without
    TACGRAPH_DEBUG, which would print tracebacks), able to import this tacgraph."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TACGRAPH_", "NEO4J_"))}
    src = str(Path(tacgraph.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    if uri is not None:
        env["NEO4J_URI"] = uri
    return env


class CliImport:
    """``python -m tacgraph import FILES --json`` against the embedded store at ``db``
    or the Neo4j server at ``uri``."""

    def __init__(self, files: Sequence[Path], *, db: Path | None = None, uri: str | None = None):
        target = ["--db", str(db)] if db is not None else ["--store", "neo4j"]
        self.files = [str(f) for f in files]
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tacgraph", "import", *self.files, *target, "--json"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_cli_env(uri),
        )
        self.ended: float | None = None
        threading.Thread(target=self._reap, daemon=True).start()

    def _reap(self) -> None:
        """Note when the process ends, even if it is collected much later (its output
        is small enough to wait in the pipes meanwhile)."""
        self.process.wait()
        self.ended = time.perf_counter()

    def running(self) -> bool:
        return self.process.poll() is None

    def wait(self, timeout: float) -> CliRun:
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
            raise ScenarioError(
                f"tacgraph import did not end within {timeout:.0f} s:\n{err}"
            ) from None
        seconds = (self.ended or time.perf_counter()) - self.started
        return CliRun(self.files, self.process.returncode, out, err, seconds)

    def succeed(self, timeout: float) -> CliRun:
        run = self.wait(timeout)
        if run.returncode != 0:
            raise ScenarioError(f"tacgraph import failed ({run.returncode}):\n{run.stderr}")
        return run

    def stop(self) -> None:
        if self.running():
            self.process.kill()
            self.process.communicate()


def changes(run: CliRun) -> int:
    """How many nodes and relationships the import (``--json`` report) wrote."""
    report = json.loads(run.stdout)
    return int(
        sum(report["created"].values())
        + sum(report["updated"].values())
        + report["edges_created"]
        + report["edges_deleted"]
    )


# --------------------------------------------------------------------------------------
# A Neo4j server of its own, which the scenarios may SIGKILL
# --------------------------------------------------------------------------------------


class Neo4jServer:
    """A Neo4j server in its own home (never a shared one: it gets killed). Restarting
    picks a new port, so that a client of the killed server cannot reach the new one."""

    def __init__(self, home: Path, *, heap: str = "512m", page_cache: str = "128m") -> None:
        self.home = home
        self.heap = heap
        self.page_cache = page_cache
        self.info: devserver.ServerInfo | None = None

    @property
    def uri(self) -> str:
        if self.info is None:
            raise ScenarioError("the Neo4j server is not running")
        return self.info.uri

    def start(self) -> float:
        """Start (recovering after a kill); returns the seconds until it answered."""
        started = time.perf_counter()
        self.info = devserver.start(self.home, heap=self.heap, page_cache=self.page_cache)
        return time.perf_counter() - started

    def kill(self) -> None:
        devserver.kill(self.home)
        self.info = None

    @contextmanager
    def store(self) -> Iterator[Neo4jStore]:
        store = Neo4jStore(StoreConfig(kind="neo4j", uri=self.uri))
        try:
            yield store
        finally:
            store.close()

    def empty(self) -> None:
        """Make sure the schema exists (two imports at once into a fresh database race
        to create it, and one fails), then delete every node and relationship in
        batches (a big graph would not fit one transaction)."""
        with self.store() as store:
            store.init_schema()
            while store.run(
                "MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted",
                {"batch": WIPE_BATCH},
            )[0]["deleted"]:
                pass

    def __enter__(self) -> Neo4jServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        # The home is thrown away: a graceful stop would only spend seconds checkpointing.
        self.kill()


def totals(store: Store) -> tuple[int, int]:
    """Nodes, relationships: two queries (``Store.stats`` makes one per label and type,
    each planned afresh by a Neo4j just restarted)."""
    return int(store.run("MATCH (n) RETURN count(n) AS n")[0]["n"]), relationship_count(store)


def relationship_count(store: Store) -> int:
    return int(store.run("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"])


def duplicates(store: Store) -> tuple[int, int]:
    """(nodes sharing a label and id, relationships sharing a type and both ends)."""
    nodes = store.run(
        "MATCH (n) WITH labels(n) AS labels, n.id AS id, count(*) AS copies "
        "WHERE copies > 1 RETURN count(*) AS n"
    )[0]["n"]
    rels = store.run(
        "MATCH (a)-[r]->(b) WITH a, type(r) AS type, b, count(r) AS copies "
        "WHERE copies > 1 RETURN count(*) AS n"
    )[0]["n"]
    return int(nodes), int(rels)


# --------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one scenario saw; the test asserts on it, the benchmark prints it."""

    scenario: str
    children: int
    records: int
    hash_equal: bool = False  # the final canonical hash is the uninterrupted import's
    counts_equal: bool = False  # and so are the numbers of nodes and of relationships
    kill_s: float | None = None  # from the start of the killed import to the kill
    after_kill: str = ""  # NOTHING, PART or WHOLE of the killed import
    recover_s: float | None = None  # from the kill to the whole graph again
    failed: list[CliRun] = field(default_factory=list)  # importers that had to fail
    duplicates: tuple[int, int] | None = None  # Neo4j: (nodes, relationships)
    rerun_changes: int | None = None  # what importing again afterwards wrote
    raced: bool | None = None  # two imports wrote the same things at the same time
    notes: list[str] = field(default_factory=list)


def _held(after: str, before: str, whole: str) -> str:
    return NOTHING if after == before else WHOLE if after == whole else PART


def embedded_kill(source: Source, work: Path) -> Outcome:
    """SIGKILL an embedded importer mid-write: after ``first`` has committed, while the
    full file's import (one transaction) is writing its edges. The reopened store
    (LadybugDB replays its WAL, if there is one) must hold exactly ``first``, and
    re-running the full import must give the uninterrupted graph."""
    outcome = Outcome("embedded: importer SIGKILLed", source.children, source.records)
    db = work / "embedded-kill"
    init_embedded(db)
    child = EmbeddedImport(db, [source.first, source.full])
    try:
        child.wait_for(0, "committed", source.wait_s())
        started = time.perf_counter()
        child.wait_for(1, "relationships", source.wait_s())
        child.kill()
        killed = time.perf_counter()
    finally:
        child.kill()
    outcome.kill_s = killed - started
    at = child.seen.index(next(e for e in child.seen if e[:2] == (1, "relationships")))
    _, phase, done = child.seen[-1]
    outcome.notes.append(
        f"killed at the first edge batch; {len(child.seen) - 1 - at} more steps reported "
        f"before it died (last: {phase} {done:,})"
    )
    if child.saw(1, "committed"):
        raise NotInterrupted("the embedded import committed before the kill; use more children")
    files = ", ".join(f"{f.name} {f.stat().st_size:,} B" for f in sorted(db.iterdir()))
    outcome.notes.append(f"store files at the kill: {files}")

    with EmbeddedStore(db) as store:
        reopened = time.perf_counter() - killed
        after = canonical_hash(store)
    outcome.after_kill = _held(after, source.reference["first"].hash, source.reference["full"].hash)
    if outcome.after_kill == WHOLE:
        raise NotInterrupted("the killed embedded import had committed; use more children")

    again = EmbeddedImport(db, [source.full])
    started = time.perf_counter()
    again.finish(source.wait_s())
    outcome.recover_s = reopened + time.perf_counter() - started
    with EmbeddedStore(db) as store:
        outcome.hash_equal = canonical_hash(store) == source.reference["full"].hash
        outcome.counts_equal = totals(store) == source.reference["full"].totals()
    return outcome


def neo4j_kill(source: Source, server: Neo4jServer) -> tuple[Outcome, CliImport]:
    """SIGKILL the Neo4j server while ``tacgraph import`` writes the full file's edges
    into it; restart the server on the same home and re-run the import: the graph must
    be the uninterrupted one.

    The server restarts on a new port, so the killed importer cannot reach it; its
    driver retries for 30 to 60 s before it gives up. It is returned still running:
    ``killed_importer_ended`` waits for it and records how it ended."""
    outcome = Outcome("Neo4j: server SIGKILLed", source.children, source.records)
    server.empty()
    importer = CliImport([source.full], uri=server.uri)
    try:
        with server.store() as watcher:
            while relationship_count(watcher) == 0 and importer.running():
                if time.perf_counter() - importer.started > source.wait_s():
                    raise ScenarioError("the importer wrote no relationship in time")
                time.sleep(POLL_S)
            seen = relationship_count(watcher)
        if not importer.running():
            run = importer.wait(0)
            raise NotInterrupted(
                f"the import ended (exit code {run.returncode}) before the kill; use more "
                f"children\n{run.stderr}"
            )
        server.kill()
        killed = time.perf_counter()
        outcome.kill_s = killed - importer.started
        outcome.notes.append(f"{seen:,} relationships seen before the kill")
        restart_s = server.start()
        outcome.notes.append(f"restart (with recovery) {restart_s:.1f} s")
        with server.store() as store:
            nodes, rels = totals(store)
        outcome.after_kill = (
            NOTHING
            if nodes == 0
            else WHOLE
            if (nodes, rels) == source.reference["full"].totals()
            else PART
        )
        outcome.notes.append(f"after the restart {nodes:,} nodes, {rels:,} relationships")
        if outcome.after_kill == WHOLE:
            raise NotInterrupted("the Neo4j import was whole before the kill; use more children")
        rerun = CliImport([source.full], uri=server.uri).succeed(source.wait_s())
        outcome.recover_s = time.perf_counter() - killed
        outcome.notes.append(f"re-run {rerun.seconds:.1f} s")
        with server.store() as store:
            outcome.hash_equal = canonical_hash(store) == source.reference["full"].hash
            outcome.counts_equal = totals(store) == source.reference["full"].totals()
            outcome.duplicates = duplicates(store)
    except BaseException:
        importer.stop()
        raise
    return outcome, importer


def killed_importer_ended(outcome: Outcome, importer: CliImport, timeout: float) -> CliRun:
    """Wait for the importer of ``neo4j_kill`` to give up; record and return how it
    ended. Raises ScenarioError if it is still running after ``timeout``."""
    run = importer.wait(timeout)
    outcome.failed.append(run)
    if outcome.kill_s is not None:
        outcome.notes.append(
            f"the killed importer gave up {run.seconds - outcome.kill_s:.1f} s after"
        )
    return run


def neo4j_concurrent(source: Source, server: Neo4jServer, *, overlapping: bool) -> Outcome:
    """Two ``tacgraph import`` processes at once into an empty Neo4j graph: of the same
    full file, or of the two overlapping parts. Both must succeed, and the graph must
    be the uninterrupted import of the full file, with no duplicate node or edge."""
    parts = [[source.first], [source.last]] if overlapping else [[source.full], [source.full]]
    name = "overlapping files" if overlapping else "the same file"
    outcome = Outcome(f"Neo4j: two imports of {name} at once", source.children, source.records)
    server.empty()
    importers = [CliImport(files, uri=server.uri) for files in parts]
    try:
        runs = [i.succeed(source.wait_s()) for i in importers]
    finally:
        for importer in importers:
            importer.stop()
    outcome.notes.append(
        "imports took "
        + ", ".join(f"{r.seconds:.1f} s ({r.stderr.count(RETRIED)} retried)" for r in runs)
    )
    # Imports one after the other write, between them, what one import writes; more
    # means both wrote the same nodes or edges: they raced. So does an import the
    # engine undid for the other's sake and ran again (its report counts only its last
    # run, in which what it had committed before is unchanged).
    written = sum(changes(run) for run in runs)
    again = [int(json.loads(run.stdout).get("runs", 1)) for run in runs]
    outcome.raced = written > source.reference["full"].size() or max(again) > 1
    outcome.notes.append(
        f"the two reports count {written:,} writes; one import makes "
        f"{source.reference['full'].size():,}; runs of each import: {again}"
    )
    with server.store() as store:
        outcome.hash_equal = canonical_hash(store) == source.reference["full"].hash
        outcome.counts_equal = totals(store) == source.reference["full"].totals()
        outcome.duplicates = duplicates(store)
    return outcome


def embedded_concurrent(source: Source, work: Path) -> Outcome:
    """While one process imports into an embedded store (held mid-transaction), a
    second ``tacgraph import`` of the same file into the same store must be refused
    with a clear error; the first then completes, and importing again changes nothing."""
    outcome = Outcome("embedded: second importer meanwhile", source.children, source.records)
    db = work / "embedded-concurrent"
    init_embedded(db)
    first = EmbeddedImport(db, [source.full], hold=True)
    try:
        first.wait_for(0, "relationships", source.wait_s())
        second = CliImport([source.full], db=db)
        outcome.failed.append(second.wait(source.wait_s()))
        first.release()
        first.finish(source.wait_s())
    finally:
        first.release()
        first.kill()
    with EmbeddedStore(db) as store:
        outcome.hash_equal = canonical_hash(store) == source.reference["full"].hash
    rerun = CliImport([source.full], db=db).succeed(source.wait_s())
    outcome.rerun_changes = changes(rerun)
    with EmbeddedStore(db) as store:
        outcome.hash_equal &= canonical_hash(store) == source.reference["full"].hash
        outcome.counts_equal = totals(store) == source.reference["full"].totals()
    return outcome


# --------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _ended(outcome: Outcome) -> str:
    return ", ".join(f"exit {run.returncode}" for run in outcome.failed) or "-"


def print_table(outcomes: Sequence[Outcome]) -> None:
    header = (
        f"{'scenario':<48} {'children':>9} {'records':>9} {'kill at s':>9} "
        f"{'after kill':<14} {'importer':<9} {'recover s':>9} {'hash equal':>10}"
    )
    print(header)
    print("-" * len(header))
    for o in outcomes:
        print(
            f"{o.scenario:<48} {o.children:>9,} {o.records:>9,} {_seconds(o.kill_s):>9} "
            f"{o.after_kill or '-':<14} {_ended(o):<9} {_seconds(o.recover_s):>9} "
            f"{'yes' if o.hash_equal else 'NO':>10}"
        )
    print()
    for o in outcomes:
        extra = list(o.notes)
        if o.duplicates is not None:
            extra.append(f"duplicates (nodes, relationships) {o.duplicates}")
        if o.raced is not None:
            extra.append("they raced" if o.raced else "THEY DID NOT OVERLAP")
        if o.rerun_changes is not None:
            extra.append(f"a re-run wrote {o.rerun_changes}")
        if not o.counts_equal:
            extra.append("COUNTS DIFFER from the uninterrupted import")
        print(f"{o.scenario}: " + "; ".join(extra))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default="embedded,neo4j")
    parser.add_argument("--heap", default="4g", help="Neo4j heap")
    parser.add_argument("--page-cache", default="4g", help="Neo4j page cache")
    args = parser.parse_args()
    engines = set(args.engines.split(","))

    work = Path(tempfile.mkdtemp(prefix="tacgraph-faults-"))
    try:
        print(f"machine: {machine()}")
        source = make_source(args.children, args.seed, work / "data")
        full = source.reference["full"]
        print(
            f"{args.children:,} children (seed {args.seed}): {source.records:,} records; "
            f"uninterrupted embedded import {full.seconds:.1f} s"
        )
        print()
        outcomes: list[Outcome] = []
        if "embedded" in engines:
            outcomes.append(embedded_kill(source, work))
            outcomes.append(embedded_concurrent(source, work))
        if "neo4j" in engines:
            home = work / "neo4j"
            with Neo4jServer(home, heap=args.heap, page_cache=args.page_cache) as server:
                killed, importer = neo4j_kill(source, server)
                outcomes.append(killed)
                outcomes.append(neo4j_concurrent(source, server, overlapping=False))
                outcomes.append(neo4j_concurrent(source, server, overlapping=True))
                killed_importer_ended(killed, importer, source.wait_s())
        print_table(outcomes)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
