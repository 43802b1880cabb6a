"""Neo4j over TLS with authentication, configured from the environment: a second server
that accepts only TLS, with a self-signed certificate made when it starts. Its
certificate is trusted through NEO4J_TRUSTED_CERTIFICATES (bolt+s://, neo4j+s://) or
accepted unverified (bolt+ssc://); an unencrypted client, a wrong CA and a missing one
are refused with a clear error, and the password shows in no output, error, --debug
traceback or driver log. Never skipped: if the server cannot start, these tests fail."""

from __future__ import annotations

import json
import logging
import ssl
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from conftest import ROBIN, SALLY
from tacgraph import devserver
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.config import StoreConfig
from tacgraph.devserver import ServerInfo
from tacgraph.errors import StoreUnavailable
from tacgraph.store.neo4j import Neo4jStore
from test_secure import PASSWORD, WRONG, _env

pytestmark = pytest.mark.neo4j
runner = CliRunner()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerInfo]:
    """A second, small Neo4j that accepts only TLS and needs a password."""
    home: Path = tmp_path_factory.mktemp("neo4j-tls")
    info = devserver.start(home, password=PASSWORD, tls=True, heap="256m", page_cache="32m")
    try:
        yield info
    finally:
        devserver.stop(home)


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A certificate for the same names that did not sign the server's."""
    return devserver.make_certificate(tmp_path_factory.mktemp("other-ca"))


def _address(server: ServerInfo) -> str:
    return f"127.0.0.1:{server.bolt_port}"


def _tls_env(
    uri: str, *, ca: Path | None = None, password: str = PASSWORD, debug: bool = False
) -> dict[str, str]:
    return {**_env(uri, password, debug), "NEO4J_TRUSTED_CERTIFICATES": str(ca or "")}


def _invoke(*args: str, env: dict[str, str]) -> Result:
    return runner.invoke(app, list(args), env=env)


def _refused(result: Result, uri: str) -> str:
    """The one-line error of a connection the store refused, after checking it."""
    assert result.exit_code == exits.STORE_UNAVAILABLE, result.stderr
    assert result.stderr.startswith(f"Error: cannot reach Neo4j at {uri} as neo4j: ")
    assert len(result.stderr.strip().splitlines()) == 1
    return result.stderr


def test_the_server_presents_the_certificate_it_made(server: ServerInfo) -> None:
    assert server.tls and server.certificate is not None
    assert server.uri == f"bolt+s://{_address(server)}"
    assert devserver.status(server.home) == server
    key = server.certificate.with_name("private.key")
    assert key.stat().st_mode & 0o077 == 0
    presented = ssl.get_server_certificate(("127.0.0.1", server.bolt_port))
    assert ssl.PEM_cert_to_DER_cert(presented) == ssl.PEM_cert_to_DER_cert(
        server.certificate.read_text(encoding="ascii")
    )
    conf = (server.home / "conf" / "neo4j.conf").read_text(encoding="utf-8")
    assert "server.bolt.tls_level=REQUIRED" in conf
    assert "dbms.ssl.policy.bolt.enabled=true" in conf


def test_bolt_ssc_accepts_the_self_signed_certificate(server: ServerInfo) -> None:
    env = _tls_env(f"bolt+ssc://{_address(server)}")
    result = _invoke("db", "init", env=env)
    assert result.exit_code == exits.OK, result.stderr
    result = _invoke("db", "stats", "--json", env=env)
    assert result.exit_code == exits.OK, result.stderr
    assert "nodes" in json.loads(result.stdout)


@pytest.mark.parametrize("scheme", ["bolt+s", "neo4j+s"])
def test_verified_schemes_trust_the_ca_from_the_environment(
    server: ServerInfo, scheme: str
) -> None:
    env = _tls_env(f"{scheme}://{_address(server)}", ca=server.certificate)
    result = _invoke("import", str(SALLY), str(ROBIN), "--json", env=env)
    assert result.exit_code == exits.OK, result.stderr
    result = _invoke(
        "who-else", "CH-SALLY", "--as", "PR-MIDWIFE", "--as-of", "2026-11-23", "--json", env=env
    )
    assert result.exit_code == exits.OK, result.stderr
    involved = [i["practitioner_id"] for i in json.loads(result.stdout)["involved"]]
    assert involved[0] == "PR-CC-WORKER"
    assert PASSWORD not in result.stdout + result.stderr


def test_localhost_is_a_name_of_the_certificate_too(server: ServerInfo) -> None:
    uri = f"bolt+s://localhost:{server.bolt_port}"
    env = _tls_env(uri, ca=server.certificate)
    result = _invoke("import", str(SALLY), "--json", env=env)
    assert result.exit_code == exits.OK, result.stderr
    store = Neo4jStore(StoreConfig.from_env(environ=env))
    try:
        rows = store.query("lookup_child", {"child_id": "CH-SALLY"})
    finally:
        store.close()
    assert [row["id"] for row in rows] == ["CH-SALLY"]


def test_an_unencrypted_connection_is_refused(server: ServerInfo) -> None:
    uri = f"bolt://{_address(server)}"
    error = _refused(_invoke("db", "stats", env=_tls_env(uri)), uri)
    assert "if the server accepts only TLS, use bolt+s:// or neo4j+s://" in error


def test_the_system_cas_do_not_trust_a_self_signed_certificate(server: ServerInfo) -> None:
    uri = f"bolt+s://{_address(server)}"
    error = _refused(_invoke("db", "stats", env=_tls_env(uri)), uri)
    assert "the server's TLS certificate is not trusted by the system's CA certificates" in error
    assert "set NEO4J_TRUSTED_CERTIFICATES" in error


def test_tls_to_a_server_without_it_is_refused(neo4j_uri: str) -> None:
    # The session's shared server speaks Bolt without TLS.
    uri = "bolt+ssc://" + neo4j_uri.partition("://")[2]
    error = _refused(_invoke("db", "stats", env=_tls_env(uri)), uri)
    assert ": the TLS handshake failed (" in error
    assert "use bolt:// or neo4j:// for a server without TLS" in error


def test_a_wrong_ca_is_refused(server: ServerInfo, other_ca: Path) -> None:
    uri = f"bolt+s://{_address(server)}"
    error = _refused(_invoke("db", "stats", env=_tls_env(uri, ca=other_ca)), uri)
    assert f"the server's TLS certificate is not trusted by the CA file {other_ca}" in error


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the CA file {ca} (NEO4J_TRUSTED_CERTIFICATES): No such file"),
        ("not a certificate\n", "the CA file {ca} (NEO4J_TRUSTED_CERTIFICATES) holds no PEM"),
    ],
)
def test_a_missing_or_unreadable_ca_is_refused_before_connecting(
    server: ServerInfo, tmp_path: Path, content: str | None, message: str
) -> None:
    ca = tmp_path / "ca.pem"
    if content is not None:
        ca.write_text(content, encoding="utf-8")
    result = _invoke("db", "stats", env=_tls_env(f"bolt+s://{_address(server)}", ca=ca))
    assert result.exit_code == exits.STORE_UNAVAILABLE, result.stderr
    assert result.stderr.startswith("Error: " + message.format(ca=ca))
    assert "NEO4J_TRUSTED_CERTIFICATES to the PEM file of the CA" in result.stderr


def test_a_ca_with_a_scheme_that_does_not_verify_is_refused(server: ServerInfo) -> None:
    for uri in (f"bolt+ssc://{_address(server)}", f"bolt://{_address(server)}"):
        with pytest.raises(StoreUnavailable, match="is not a URI that verifies"):
            Neo4jStore(
                StoreConfig.from_env(environ=_tls_env(uri, ca=server.certificate), kind="neo4j")
            )


def test_no_password_in_any_error_debug_output_or_driver_log(
    server: ServerInfo, other_ca: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="neo4j")
    address = _address(server)
    failing = [
        _tls_env(f"bolt://{address}"),
        _tls_env(f"bolt+s://{address}", ca=other_ca),
        _tls_env(f"bolt+s://{address}"),
        _tls_env(f"bolt+s://{address}", ca=server.certificate, password=WRONG),
        _tls_env(f"bolt+ssc://{address}", password=WRONG),
    ]
    # The right password first: wrong ones make Neo4j refuse every login for a while.
    working = _tls_env(f"bolt+s://{address}", ca=server.certificate, debug=True)
    result = _invoke("--debug", "db", "stats", "--json", env=working)
    assert result.exit_code == exits.OK, result.stderr
    shown = [result.stdout, result.stderr]
    for env in failing:
        result = _invoke("db", "stats", env=env)
        assert result.exit_code == exits.STORE_UNAVAILABLE, result.stderr
        debug = _invoke("--debug", "db", "stats", env={**env, "TACGRAPH_DEBUG": "1"})
        assert debug.exit_code != exits.OK
        assert isinstance(debug.exception, StoreUnavailable)
        shown += [result.stdout, result.stderr, debug.stdout, debug.stderr]
        shown.append("".join(traceback.format_exception(debug.exception)))
    assert caplog.records, "the driver logged nothing: the capture is not wired in"
    shown.append(caplog.text)
    for text in shown:
        assert PASSWORD not in text
        assert WRONG not in text


def test_the_cli_starts_a_tls_server_and_says_what_to_trust(tmp_path: Path) -> None:
    home = tmp_path / "neo4j"
    started = _invoke(
        "db",
        "neo4j",
        "start",
        "--tls",
        "--home",
        str(home),
        "--heap",
        "256m",
        "--page-cache",
        "32m",
        "--json",
        env={},
    )
    try:
        assert started.exit_code == 0, started.stderr
        info = json.loads(started.stdout)
        assert info["uri"].startswith("bolt+s://127.0.0.1:")
        env = {"NEO4J_URI": info["uri"], "NEO4J_TRUSTED_CERTIFICATES": info["trusted_certificates"]}
        result = _invoke("db", "stats", "--store", "neo4j", "--json", env=env)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["total_nodes"] == 0
    finally:
        stopped = _invoke("db", "neo4j", "stop", "--home", str(home), env={})
    assert stopped.exit_code == 0, stopped.stderr
