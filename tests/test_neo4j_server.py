"""Start a real Neo4j Community server (jars from Maven Central, Java 17+)."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from neo4j.exceptions import AuthError

from tacgraph import devserver
from tacgraph.devserver import ServerInfo


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "neo4j"
    yield home
    # Never leave a server behind, whatever the test did.
    devserver.stop(home, timeout=30.0)


@pytest.mark.neo4j
def test_start_query_status_stop(home: Path) -> None:
    info = devserver.start(home)
    assert info.home == home.resolve()
    assert info.uri == f"bolt://127.0.0.1:{info.bolt_port}"
    assert not info.tls and info.certificate is None
    assert "dbms.ssl" not in (home / "conf" / "neo4j.conf").read_text(encoding="utf-8")
    assert not (home / "certificates").exists()
    assert (home / "run" / "tacgraph-server.json").is_file()

    with neo4j.GraphDatabase.driver(info.uri, auth=None) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one")
    assert [record["one"] for record in records] == [1]

    assert devserver.status(home) == info
    with pytest.raises(devserver.Neo4jServerError, match="already running"):
        devserver.start(home)

    assert devserver.stop(home) is True
    assert devserver.status(home) is None
    assert not (home / "run" / "tacgraph-server.json").exists()
    assert devserver.stop(home) is False


@pytest.mark.neo4j
def test_bulk_import_loads_csv_files_then_the_server_serves_them(
    home: Path, tmp_path: Path
) -> None:
    children = tmp_path / "children.csv"
    children.write_text("id:ID(Child),given_name:string,tags:string[]\nC1,Ann,a;b\nC2,Bo,\n")
    family = tmp_path / "family.csv"
    family.write_text("id:ID(FamilyMember),given_name:string\nF1,Cy\n")
    family_of = tmp_path / "family_of.csv"
    family_of.write_text(":START_ID(FamilyMember),:END_ID(Child),carer:boolean\nF1,C1,true\n")
    sibling = tmp_path / "family_of_2.csv"
    sibling.write_text(":START_ID(FamilyMember),:END_ID(Child),carer:boolean\nF1,C2,false\n")

    report = devserver.bulk_import(
        home,
        nodes={"Child": [children], "FamilyMember": [family]},
        relationships={"FAMILY_OF": [family_of, sibling]},
    )
    assert "IMPORT DONE" in report
    with pytest.raises(devserver.Neo4jServerError, match="already holds a Neo4j database"):
        devserver.bulk_import(home, nodes={"Child": [children]}, relationships={})

    info = devserver.start(home)
    with neo4j.GraphDatabase.driver(info.uri, auth=None) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (f:FamilyMember)-[r:FAMILY_OF]->(c:Child) "
            "RETURN f.id AS f, c.id AS c, c.tags AS tags, r.carer AS carer ORDER BY c"
        )
    assert [(r["f"], r["c"], r["tags"], r["carer"]) for r in records] == [
        ("F1", "C1", ["a", "b"], True),
        ("F1", "C2", None, False),
    ]


@pytest.mark.neo4j
def test_bulk_import_names_bad_input(home: Path, tmp_path: Path) -> None:
    dangling = tmp_path / "dangling.csv"
    dangling.write_text(":START_ID(Child),:END_ID(Child)\nC1,C9\n")
    children = tmp_path / "children.csv"
    children.write_text("id:ID(Child)\nC1\n")
    with pytest.raises(devserver.Neo4jServerError, match="import failed"):
        devserver.bulk_import(
            home, nodes={"Child": [children]}, relationships={"KNOWS": [dangling]}
        )


@pytest.mark.neo4j
def test_password_is_enforced(home: Path) -> None:
    password = 'Secret "pw" \\ #1'
    info: ServerInfo = devserver.start(home, password=password)

    for bad_auth in (("neo4j", "wrong-password"), None):
        with (
            neo4j.GraphDatabase.driver(info.uri, auth=bad_auth) as driver,
            pytest.raises(AuthError),
        ):
            driver.verify_connectivity()

    with neo4j.GraphDatabase.driver(info.uri, auth=("neo4j", password)) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one")
    assert [record["one"] for record in records] == [1]

    assert devserver.stop(home) is True
    assert devserver.status(home) is None


def _handshake(certificate: Path, key: Path, server_name: str) -> None:
    """A TLS handshake between a server holding ``key`` and a client that trusts only
    ``certificate`` and asks for ``server_name``; raises what the client raises."""
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(certificate, key)
    client_context = ssl.create_default_context(cafile=str(certificate))
    server_end, client_end = socket.socketpair()

    def serve() -> None:
        try:
            with server_context.wrap_socket(server_end, server_side=True) as tls:
                tls.recv(1)
        except OSError:  # the client gave up: it raises the error that matters
            pass

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with client_context.wrap_socket(client_end, server_hostname=server_name) as tls:
            tls.sendall(b"x")
    finally:
        client_end.close()
        thread.join(10)
        server_end.close()


def test_the_certificate_names_the_loopback_address_and_is_kept(tmp_path: Path) -> None:
    directory = tmp_path / "bolt"
    certificate = devserver.make_certificate(directory)
    key = directory / "private.key"
    assert certificate == directory / "public.crt"
    assert key.stat().st_mode & 0o077 == 0
    assert (directory / "trusted").is_dir() and (directory / "revoked").is_dir()
    assert sorted(p.name for p in directory.iterdir()) == [
        "private.key",
        "public.crt",
        "revoked",
        "trusted",
    ]
    for name in ("127.0.0.1", "localhost"):
        _handshake(certificate, key, name)
    with pytest.raises(ssl.SSLCertVerificationError, match="mismatch"):
        _handshake(certificate, key, "example.org")

    made = certificate.read_bytes()
    assert devserver.make_certificate(directory).read_bytes() == made
    key.unlink()
    assert devserver.make_certificate(directory).read_bytes() != made
