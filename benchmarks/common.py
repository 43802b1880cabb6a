"""Shared helpers for the benchmark scripts: machine description, stores, timing."""

from __future__ import annotations

import multiprocessing
import os
import platform
import resource
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tacgraph import devserver
from tacgraph.config import StoreConfig
from tacgraph.importer import import_files
from tacgraph.model import Record
from tacgraph.store import Store
from tacgraph.store.embedded import EmbeddedStore
from tacgraph.store.neo4j import Neo4jStore
from tacgraph.synth import record_line


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem_gb:.0f} GiB, Python {platform.python_version()}"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed() -> Iterator[list[float]]:
    box: list[float] = []
    start = time.perf_counter()
    yield box
    box.append(time.perf_counter() - start)


@contextmanager
def fresh_store(engine: str, heap: str = "4g", page_cache: str = "4g") -> Iterator[Store]:
    """An empty store: embedded in a temporary directory, or a Neo4j server started
    for the run (or NEO4J_URI's, which must be empty)."""
    if engine == "embedded":
        folder = Path(tempfile.mkdtemp(prefix="tacgraph-bench-"))
        store: Store = EmbeddedStore(folder / "db")
        try:
            store.init_schema()
            yield store
        finally:
            store.close()
            shutil.rmtree(folder, ignore_errors=True)
        return
    uri = os.environ.get("NEO4J_URI")
    home = None
    if not uri:
        home = Path(tempfile.mkdtemp(prefix="tacgraph-bench-neo4j-"))
        uri = devserver.start(home, heap=heap, page_cache=page_cache).uri
    store = Neo4jStore(
        StoreConfig.from_env(kind="neo4j") if home is None else StoreConfig(kind="neo4j", uri=uri)
    )
    try:
        if not store.is_empty():
            raise SystemExit(f"{uri} already holds data; benchmarks need an empty database")
        store.init_schema()
        yield store
    finally:
        store.close()
        if home is not None:
            devserver.stop(home)
            shutil.rmtree(home, ignore_errors=True)


def write_parts(records: Iterable[Record], folder: Path, per_part: int) -> list[Path]:
    """JSON Lines files of at most ``per_part`` records each. The synthesiser yields
    every record after those it refers to, so each part refers only to itself and the
    parts before it, and can be imported after them."""
    paths: list[Path] = []
    handle = None
    count = 0
    for record in records:
        if handle is None or count >= per_part:
            if handle is not None:
                handle.close()
            paths.append(folder / f"part-{len(paths):03d}.jsonl")
            handle = paths[-1].open("w", encoding="utf-8")
            count = 0
        handle.write(record_line(record) + "\n")
        count += 1
    if handle is not None:
        handle.close()
    return paths


def _import_part(target: Path | StoreConfig, part: Path, first: bool) -> None:
    """Import one part in its own process, into an embedded store's folder or the
    Neo4j server of ``target``: one long-lived process importing every part held on to
    memory from each import (about 3.5 GB a part of 200,000 records) until the machine
    ran out."""
    store: Store = EmbeddedStore(target) if isinstance(target, Path) else Neo4jStore(target)
    try:
        if first:
            store.init_schema()
        import_files(store, [part])
    finally:
        store.close()


def import_parts(target: Path | StoreConfig, parts: list[Path], init: bool) -> float:
    """Import every part, each in a new process (the first making the schema when
    ``init``); returns the seconds taken."""
    spawn = multiprocessing.get_context("spawn")
    with timed() as took:
        for number, part in enumerate(parts):
            first = init and number == 0
            worker = spawn.Process(target=_import_part, args=(target, part, first))
            worker.start()
            worker.join()
            if worker.exitcode != 0:
                raise SystemExit(f"importing {part.name} failed")
    return took[0]


@contextmanager
def loaded_store(engine: str, parts: list[Path], work: Path) -> Iterator[tuple[Store, float]]:
    """A store of ``engine`` holding ``parts`` (imported part by part, each in its own
    process), open, with the seconds the import took."""
    if engine == "embedded":
        seconds = import_parts(work / "db-embedded", parts, init=True)
        store: Store = EmbeddedStore(work / "db-embedded")
        try:
            yield store, seconds
        finally:
            store.close()
        return
    with fresh_store(engine) as server:
        assert isinstance(server, Neo4jStore)
        yield server, import_parts(server.config, parts, init=False)


@dataclass
class QueryLog:
    """The statements a store ran while watched, with their parameters, to replay them
    later on their own (the engine's share of some work)."""

    calls: list[tuple[str, Any]] = field(default_factory=list)  # ("run"|"many", args)

    def watch(self, store: Store) -> None:
        run, query_many = store.run, store.query_many
        inside_many = False

        def logged_run(text: str, params: Mapping[str, Any] | None = None) -> list[Any]:
            if not inside_many:
                self.calls.append(("run", (text, params)))
            return run(text, params)

        def logged_many(
            calls: Sequence[tuple[str, Mapping[str, Any]]], *, short: bool = False
        ) -> list[list[Any]]:
            nonlocal inside_many
            self.calls.append(("many", (list(calls), short)))
            inside_many = True
            try:
                return query_many(calls, short=short)
            finally:
                inside_many = False

        store.run = logged_run  # type: ignore[method-assign]
        store.query_many = logged_many  # type: ignore[method-assign]

    @staticmethod
    def unwatch(store: Store) -> None:
        vars(store).pop("run", None)
        vars(store).pop("query_many", None)

    def replay(self, store: Store) -> None:
        for kind, args in self.calls:
            if kind == "run":
                store.run(*args)
            else:
                many, short = args
                store.query_many(many, short=short)
