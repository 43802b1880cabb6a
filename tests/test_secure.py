"""Neo4j with authentication, configured from the environment: the right password
connects, a wrong one exits STORE_UNAVAILABLE, and no password shows in output, errors,
--debug tracebacks or the driver's logging. (TLS is not covered here.)"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import require_neo4j
from tacgraph import devserver
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.config import StoreConfig

pytestmark = pytest.mark.neo4j
PASSWORD = "Tac-Secret-9f3b71"
WRONG = "Wrong-Secret-4c2e88"
runner = CliRunner()


@pytest.fixture(scope="module")
def secured_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second, small Neo4j with authentication on, for this module only."""
    require_neo4j()
    home: Path = tmp_path_factory.mktemp("neo4j-auth")
    info = devserver.start(home, password=PASSWORD, heap="256m", page_cache="32m")
    try:
        yield info.uri
    finally:
        devserver.stop(home)


def _env(uri: str, password: str, debug: bool = False) -> dict[str, str]:
    return {
        "NEO4J_URI": uri,
        "NEO4J_USERNAME": "neo4j",
        "NEO4J_PASSWORD": password,
        "TACGRAPH_STORE": "neo4j",
        "TACGRAPH_DEBUG": "1" if debug else "",
    }


def test_the_right_password_from_the_environment_connects(secured_uri: str) -> None:
    env = _env(secured_uri, PASSWORD)
    result = runner.invoke(app, ["db", "init"], env=env)
    assert result.exit_code == exits.OK, result.stderr
    result = runner.invoke(app, ["db", "stats", "--json"], env=env)
    assert result.exit_code == exits.OK, result.stderr
    assert '"total_nodes": 0' in result.stdout
    assert PASSWORD not in result.stdout + result.stderr


def test_no_password_connects_nowhere(secured_uri: str) -> None:
    env = {**_env(secured_uri, ""), "NEO4J_PASSWORD": ""}
    result = runner.invoke(app, ["db", "stats"], env=env)
    assert result.exit_code == exits.STORE_UNAVAILABLE
    assert result.stderr.startswith("Error: cannot reach Neo4j at ")


def test_a_wrong_password_is_refused_and_never_shown(
    secured_uri: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="neo4j")
    result = runner.invoke(app, ["db", "stats"], env=_env(secured_uri, WRONG))
    assert result.exit_code == exits.STORE_UNAVAILABLE
    assert result.stderr.startswith("Error: cannot reach Neo4j at ")
    assert "Traceback" not in result.stderr
    assert caplog.records, "the driver logged nothing: the capture is not wired in"

    debug = runner.invoke(app, ["--debug", "db", "stats"], env=_env(secured_uri, WRONG, True))
    assert debug.exit_code != exits.OK
    assert debug.exception is not None and not isinstance(debug.exception, SystemExit)
    shown = "".join(traceback.format_exception(debug.exception))
    assert "StoreUnavailable" in shown

    for text in (result.stdout, result.stderr, debug.stdout, debug.stderr, shown, caplog.text):
        assert WRONG not in text
        assert PASSWORD not in text


def test_the_config_never_shows_the_password(secured_uri: str) -> None:
    config = StoreConfig.from_env(environ=_env(secured_uri, PASSWORD))
    assert config.password == PASSWORD
    assert PASSWORD not in repr(config)
    assert PASSWORD not in config.describe()
