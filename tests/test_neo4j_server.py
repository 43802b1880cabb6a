"""Start a real Neo4j Community server (jars from Maven Central, Java 17+)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from neo4j.exceptions import AuthError

from tacgraph.store import neo4j_server
from tacgraph.store.neo4j_server import ServerInfo


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "neo4j"
    yield home
    # Never leave a server behind, whatever the test did.
    neo4j_server.stop(home, timeout=30.0)


@pytest.mark.neo4j
def test_start_query_status_stop(home: Path) -> None:
    info = neo4j_server.start(home)
    assert info.home == home.resolve()
    assert info.uri == f"bolt://127.0.0.1:{info.bolt_port}"
    assert (home / "conf" / "neo4j.conf").is_file()
    assert (home / "run" / "tacgraph-server.json").is_file()

    with neo4j.GraphDatabase.driver(info.uri, auth=None) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one")
    assert [record["one"] for record in records] == [1]

    assert neo4j_server.status(home) == info
    with pytest.raises(neo4j_server.Neo4jServerError, match="already running"):
        neo4j_server.start(home)

    assert neo4j_server.stop(home) is True
    assert neo4j_server.status(home) is None
    assert not (home / "run" / "tacgraph-server.json").exists()
    assert neo4j_server.stop(home) is False


@pytest.mark.neo4j
def test_password_is_enforced(home: Path) -> None:
    password = 'Secret "pw" \\ #1'
    info: ServerInfo = neo4j_server.start(home, password=password)

    for bad_auth in (("neo4j", "wrong-password"), None):
        with (
            neo4j.GraphDatabase.driver(info.uri, auth=bad_auth) as driver,
            pytest.raises(AuthError),
        ):
            driver.verify_connectivity()

    with neo4j.GraphDatabase.driver(info.uri, auth=("neo4j", password)) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one")
    assert [record["one"] for record in records] == [1]

    assert neo4j_server.stop(home) is True
    assert neo4j_server.status(home) is None
