"""``tacgraph search``: a child found by a misspelt name or a nickname from the command
line, through the same search and gate as the web directory, with its access-log entry;
a shielded child shows no area."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROBIN, SALLY
from tacgraph import audit
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.store.embedded import EmbeddedStore

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> list[str]:
    where = ["--db", str(tmp_path / "db")]
    assert runner.invoke(app, ["import", str(SALLY), str(ROBIN), *where]).exit_code == 0
    return where


def test_a_misspelt_name_finds_the_child_and_the_search_is_logged(db: list[str]) -> None:
    result = runner.invoke(app, ["search", "Saly Cartor", "--as", "PR-HOY", "--json", *db])
    assert result.exit_code == exits.OK, result.stderr
    found = json.loads(result.stdout)
    assert [m["child_id"] for m in found["matches"]][:1] == ["CH-SALLY"]
    assert set(found["matches"][0]) == {
        "child_id", "name", "age", "unborn", "gender", "locality", "score"
    }  # fmt: skip
    store = EmbeddedStore(Path(db[1]))
    try:
        entries = list(audit.entries(store))
    finally:
        store.close()
    last = entries[-1]
    assert (last.requester_id, last.path, last.channel) == ("PR-HOY", "search", "cli")
    assert "CH-SALLY" in last.disclosed


def test_a_shielded_child_shows_no_area_in_any_format(db: list[str]) -> None:
    argv = ["search", "Robin Hale", "--as", "PR-HOY", *db]
    found = json.loads(runner.invoke(app, [*argv, "--json"]).stdout)["matches"]
    assert found[0]["child_id"] == "CH-ROBIN" and found[0]["locality"] is None
    for fmt in ([], ["--csv"]):
        shown = runner.invoke(app, [*argv, *fmt], env={"COLUMNS": "80"}).stdout
        assert "CH-ROBIN" in shown
        assert "WV" not in shown  # no postcode district of the refuge


def test_refusals_have_their_exit_codes(db: list[str]) -> None:
    nothing = runner.invoke(app, ["search", "--as", "PR-HOY", *db])
    assert nothing.exit_code == exits.INVALID_INPUT
    assert nothing.stderr.startswith("Error: enter at least one thing to search by")
    untrained = runner.invoke(app, ["search", "Sally", "--as", "PR-UNTRAINED", *db])
    assert untrained.exit_code == exits.ACCESS_DENIED
    bad_date = runner.invoke(app, ["search", "--dob", "14/03/2010", "--as", "PR-HOY", *db])
    assert bad_date.exit_code == exits.INVALID_INPUT


def test_who_else_given_a_name_points_to_search(db: list[str]) -> None:
    result = runner.invoke(app, ["who-else", "Sally Carter", "--as", "PR-HOY", *db])
    assert result.exit_code == exits.NOT_KNOWN
    assert 'tacgraph search "Sally Carter"' in result.stderr
