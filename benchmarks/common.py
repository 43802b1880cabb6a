"""Shared helpers for the benchmark scripts: machine description, stores, timing."""

from __future__ import annotations

import os
import platform
import resource
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tacgraph.config import StoreConfig
from tacgraph.store import Store, neo4j_server
from tacgraph.store.embedded import EmbeddedStore
from tacgraph.store.neo4j import Neo4jStore


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
        uri = neo4j_server.start(home, heap=heap, page_cache=page_cache).uri
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
            neo4j_server.stop(home)
            shutil.rmtree(home, ignore_errors=True)
