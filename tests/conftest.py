"""Fixtures: a fresh embedded store per test, and one real Neo4j server per session.

The Neo4j server is started from Maven Central jars (``tacgraph.devserver``)
and waited on with ``verify_connectivity()``. If it cannot start, the Neo4j tests fail;
they are only skipped when TACGRAPH_SKIP_NEO4J=1 is set, which CI never does.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import settings

from tacgraph import devserver, search
from tacgraph.config import StoreConfig
from tacgraph.importer import import_files, import_records
from tacgraph.model import Record
from tacgraph.rows.search import SEARCH_CHILDREN
from tacgraph.store import Store
from tacgraph.store.embedded import EmbeddedStore
from tacgraph.store.neo4j import Neo4jStore
from tacgraph.synth import Synthesiser, write_jsonl

DATA = Path(__file__).parent / "data"
SALLY = DATA / "sally.json"
ROBIN = DATA / "robin.json"  # a shielded child, statutory bases; needs SALLY's agencies
# The broker contact SALLY's sensitive agencies give: all a lookup may say of them.
BROKER = "Young People's Services broker, 01632 960199"
ENGINES = ("embedded", "neo4j")
T = TypeVar("T")

# Hypothesis's 200 ms deadline per example measures the machine, not the code: on a
# shared or slow CI machine a correct example can take longer. Tests that want a
# bound on time belong in benchmarks/.
settings.register_profile("tacgraph", deadline=None)

# LadybugDB's buffer pool defaults to most of the machine's memory. Tests cap it at 4 GB,
# so that a store that grows is a test's clear error, not the machine's out-of-memory
# killer (command-line runs the tests start inherit the cap).
os.environ.setdefault("TACGRAPH_BUFFER_POOL_MB", "4096")
settings.load_profile("tacgraph")


# The longest file by far (a thousand generated casebooks on both engines): collected
# first, so that under scripts/test's two workers it starts at once on one of them.
FIRST = "test_consent_properties.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name != FIRST)  # a stable sort: the rest keep order


def require_neo4j() -> None:
    """Skip a Neo4j fixture when TACGRAPH_SKIP_NEO4J=1 on a developer's machine; fail
    it in CI, where Neo4j tests never skip."""
    if os.environ.get("TACGRAPH_SKIP_NEO4J") == "1":
        if os.environ.get("CI"):
            pytest.fail("TACGRAPH_SKIP_NEO4J is not allowed in CI")
        pytest.skip("TACGRAPH_SKIP_NEO4J=1")


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_neo4j()
    external = os.environ.get("TACGRAPH_TEST_NEO4J_URI")
    if external:
        yield external
        return
    home = tmp_path_factory.mktemp("neo4j-home")
    info = devserver.start(home, heap="768m", page_cache="256m")

    # The server runs in its own session: stop it even when the run is ended by SIGTERM
    # (a timeout), then let the signal end the run as it would have.
    def stop_then_die(signum: int, frame: object) -> None:
        devserver.stop(home, timeout=20.0)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    previous = signal.signal(signal.SIGTERM, stop_then_die)
    try:
        yield info.uri
    finally:
        signal.signal(signal.SIGTERM, previous)
        devserver.stop(home)


@pytest.fixture(scope="session")
def _neo4j_checked(neo4j_uri: str) -> str:
    """Refuse to run against a database that already holds data."""
    store = Neo4jStore(StoreConfig(kind="neo4j", uri=neo4j_uri))
    try:
        rows = store.run("MATCH (n) RETURN count(n) AS count")
        if rows[0]["count"]:
            pytest.fail(f"the Neo4j at {neo4j_uri} already holds data; tests need an empty one")
    finally:
        store.close()
    return neo4j_uri


def wipe(store: Store) -> None:
    """Empty the shared test Neo4j between tests, the access log included (the library
    itself never deletes log entries)."""
    store.run("MATCH (n) DETACH DELETE n")


def _open(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    if engine == "embedded":
        store: Store = EmbeddedStore(Path(tempfile.mkdtemp(prefix="embedded-", dir=tmp_path)))
    else:
        uri = request.getfixturevalue("_neo4j_checked")
        # The access log's keys and witness: the test's own, as the log is wiped between tests.
        store = Neo4jStore(StoreConfig(kind="neo4j", uri=uri, log_dir=tmp_path / "neo4j-log"))
        wipe(store)
    store.init_schema()
    return store


@pytest.fixture(params=ENGINES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store of each engine in turn."""
    opened = _open(request.param, tmp_path, request)
    try:
        yield opened
    finally:
        if opened.engine == "neo4j":
            wipe(opened)
        opened.close()


@pytest.fixture
def both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Store]]:
    """An empty embedded store and an empty Neo4j store side by side."""
    stores = {engine: _open(engine, tmp_path, request) for engine in ENGINES}
    try:
        yield stores
    finally:
        for opened in stores.values():
            if opened.engine == "neo4j":
                wipe(opened)
            opened.close()


def matched_by_candidates(stores: dict[str, Store], name: str, today: date) -> list[Any]:
    """The search's first step for ``name`` on each store reads fewer children than
    the store holds, yet every child the whole population would match: asserted on
    each engine. Returns the children it matched (of the last store)."""
    criteria = search.parse_criteria(name=name)
    matched: list[Any] = []
    for s in stores.values():
        every = s.read(SEARCH_CHILDREN)
        check = search._Check(criteria, today)
        read = search.candidates(s, criteria)
        assert len(read) < len(every), name
        matched = [r for r in every if check.score(r)]
        assert [r for r in read if check.score(r)] == matched, name
    return matched


def same_answer(stores: dict[str, Store], ask: Callable[[Store], T]) -> T:
    """Ask both engines; assert they agree; return the answer."""
    answers = {engine: ask(s) for engine, s in stores.items()}
    first = answers["embedded"]
    assert answers["neo4j"] == first, f"engines disagree:\n{answers}"
    return first


@pytest.fixture
def sally(both: dict[str, Store]) -> dict[str, Store]:
    """The Sally case study loaded into both engines."""
    for s in both.values():
        import_files(s, [SALLY])
    return both


@pytest.fixture
def casebook(both: dict[str, Store]) -> dict[str, Store]:
    """Sally and Robin (shielded, with statutory bases) in both engines."""
    for s in both.values():
        import_files(s, [SALLY, ROBIN])
    return both


def load(store: Store, *paths: Path) -> Any:
    return import_files(store, list(paths))


def add_records(stores: dict[str, Store], *records: Record) -> None:
    """Import ``records`` into each of ``stores`` (both engines, as the ``both`` fixture
    gives them)."""
    for s in stores.values():
        import_records(s, list(records))


FORGE = """CREATE (e:AuditEntry {seq: $seq, at: $at, requester_id: $requester_id,
  child_id: $child_id, purpose: $purpose, as_of: $as_of, outcome: $outcome,
  disclosed: $disclosed, bases: $bases, detail: $detail, flags: $flags, path: $path,
  channel: $channel, key_id: $key_id, prev_hash: $prev_hash, hash: $hash})"""


def rewrite_log(store: Store, entries: list[dict[str, Any]]) -> None:
    """Replace the whole access log, as someone with write access to the database could
    (the embedded engine cannot update a primary key, so: delete, then insert)."""
    store.run("MATCH (e:AuditEntry) DELETE e")
    for entry in entries:
        store.run(FORGE, entry)


def synthetic_file(folder: Path, children: int, seed: int) -> Path:
    """A synthetic authority's records as JSON Lines, ``folder/la.jsonl``."""
    path = folder / "la.jsonl"
    write_jsonl(Synthesiser(children, seed).records(), path)
    return path
