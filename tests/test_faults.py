"""Faults lose nothing: an import killed with SIGKILL (the embedded importer, or the
Neo4j server under the importer) and re-run gives the graph of an uninterrupted import,
and two imports at once leave a consistent graph.

The scenarios are in ``benchmarks/faults.py``, which runs them at full size; here they
run small. Each kills a real process (never a mock) and notices a kill that came too
late to interrupt anything (``NotInterrupted`` fails the test rather than pass it).
The Neo4j tests use a server of their own, not the session's: they kill it.

The order of the tests matters for time only: the importer under the killed Neo4j keeps
retrying for 30 to 60 s, so the test of how it ended comes last and the others run
while it retries.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))

import faults  # noqa: E402

from tacgraph.cli import exits  # noqa: E402

# 3,387 records. The kill is sent at the first edge batch: the embedded import still has
# about half a second of edges to write then, the Neo4j import several seconds. Most of
# the time goes on Neo4j: cold query plans after each start, and the killed importer's
# driver retrying for 30 to 60 s before it gives up.
CHILDREN = 500
SEED = 3

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> faults.Source:
    return faults.make_source(CHILDREN, SEED, tmp_path_factory.mktemp("faults-data"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[faults.Neo4jServer]:
    home = tmp_path_factory.mktemp("neo4j-crash")
    with faults.Neo4jServer(home, heap="512m", page_cache="128m") as running:
        yield running


@pytest.fixture(scope="module")
def neo4j_killed(
    source: faults.Source, server: faults.Neo4jServer
) -> Iterator[tuple[faults.Outcome, faults.CliImport]]:
    """The Neo4j kill scenario, run once, and its killed importer, still retrying the
    dead server for 30 to 60 s: the last test of this file checks how it ended, so the
    tests in between run meanwhile."""
    outcome, importer = faults.neo4j_kill(source, server)
    try:
        yield outcome, importer
    finally:
        importer.stop()


def test_overlapping_parts_cover_the_whole_file(source: faults.Source) -> None:
    lines = {p: set(p.read_text().splitlines()) for p in (source.full, source.first, source.last)}
    assert lines[source.first] | lines[source.last] == lines[source.full]
    assert lines[source.first] & lines[source.last]
    assert lines[source.first] != lines[source.full] != lines[source.last]


@pytest.mark.neo4j
def test_neo4j_killed_mid_import_keeps_committed_batches_and_a_rerun_completes(
    neo4j_killed: tuple[faults.Outcome, faults.CliImport],
) -> None:
    outcome, _ = neo4j_killed
    # Neo4j commits batch by batch: the batches before the kill survive the restart.
    assert outcome.after_kill == faults.PART, outcome
    assert outcome.hash_equal, outcome
    assert outcome.counts_equal, outcome
    assert outcome.duplicates == (0, 0)


@pytest.mark.neo4j
@pytest.mark.parametrize("overlapping", [False, True], ids=["same-file", "overlapping-files"])
def test_two_neo4j_imports_at_once_make_one_graph(
    source: faults.Source, server: faults.Neo4jServer, overlapping: bool
) -> None:
    outcome = faults.neo4j_concurrent(source, server, overlapping=overlapping)
    # Both wrote some of the same nodes and edges: they did run at once.
    assert outcome.raced, outcome
    assert outcome.duplicates == (0, 0), outcome
    assert outcome.counts_equal, outcome
    assert outcome.hash_equal, outcome


def test_embedded_importer_killed_mid_write_leaves_nothing_and_a_rerun_completes(
    source: faults.Source, tmp_path: Path
) -> None:
    outcome = faults.embedded_kill(source, tmp_path)
    # The reopened store holds the import that committed before, and nothing of the
    # one in flight: it was one transaction.
    assert outcome.after_kill == faults.NOTHING, outcome
    assert outcome.hash_equal, outcome
    assert outcome.counts_equal, outcome


def test_a_second_embedded_importer_is_refused_while_one_imports(
    source: faults.Source, tmp_path: Path
) -> None:
    outcome = faults.embedded_concurrent(source, tmp_path)
    (refused,) = outcome.failed
    assert refused.returncode == exits.STORE_UNAVAILABLE, refused
    assert refused.stderr.startswith("Error: cannot open the embedded store"), refused.stderr
    assert "Traceback" not in refused.stderr
    assert outcome.hash_equal, outcome
    assert outcome.counts_equal, outcome
    assert outcome.rerun_changes == 0


@pytest.mark.neo4j
def test_the_importer_under_a_killed_neo4j_fails_with_one_clear_error(
    source: faults.Source, neo4j_killed: tuple[faults.Outcome, faults.CliImport]
) -> None:
    run = faults.killed_importer_ended(*neo4j_killed, timeout=source.wait_s())
    assert run.returncode == exits.ERROR, run
    # The import was asked for --json: stdout holds the error alone, no partial report.
    said = json.loads(run.stdout)["error"]
    assert (said["kind"], said["exit_code"]) == ("StoreError", exits.ERROR), said
    assert "Traceback" not in run.stderr
    # One error line (the driver's retry warnings stay out of it unless --debug),
    # naming what failed and what to try.
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    (error,) = lines
    assert error.startswith("Error: Neo4j"), run.stderr
    assert "connect" in error.lower(), error
    assert error.endswith("try again"), error
