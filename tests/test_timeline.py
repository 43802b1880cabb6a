"""The timeline: a child's history, gated by consent for each viewer, and logged."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SALLY, same_answer
from tacgraph import audit
from tacgraph.access import AccessDenied
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.store import Store
from tacgraph.timeline import Timeline, timeline

AS_OF = date(2026, 11, 23)


def at(day: date) -> audit.Clock:
    return lambda: datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _ask(stores: dict[str, Store], requester: str, on: date = AS_OF, purpose: str = "") -> Timeline:
    def ask(s: Store) -> Timeline:
        return timeline(s, "CH-SALLY", requester, as_of=on, purpose=purpose, clock=at(on))

    return same_answer(stores, ask)


@pytest.mark.neo4j
def test_lead_sees_history_but_not_refused_sensitive_services(
    sally: dict[str, Store],
) -> None:
    result = _ask(sally, "PR-HOY")
    kinds = {(e.kind, e.subject_id) for e in result.events}
    assert ("step_up", "LC-STEP-UP") in kinds and ("step_down", "LC-STEP-DOWN") in kinds
    assert ("involvement_ended", "IN-SOCIAL-WORKER") in kinds
    assert ("handover", "HO-SOCIAL-WORKER") in kinds
    assert ("review", "RV-CAF-1") in kinds and ("lead", "TM-HOY") in kinds
    seen = {e.subject_id for e in result.events}
    assert "IN-PICCADILLY" not in seen and "IN-HOPE" not in seen  # sensitive, refused
    assert result.withheld == 2
    assert {w.involvement_id for w in result.working_on_date} >= {"IN-HOY", "IN-CC"}
    before = _ask(sally, "PR-HOY", date(2026, 10, 1))
    assert "IN-SOCIAL-WORKER" in {w.involvement_id for w in before.working_on_date}
    for s in sally.values():
        entries = [e for e in audit.entries(s) if e.purpose == "timeline"]
        assert entries and entries[-1].outcome == "disclosed"


@pytest.mark.neo4j
def test_without_consent_other_involvements_are_withheld(sally: dict[str, Store]) -> None:
    result = _ask(sally, "PR-UNINVOLVED", purpose="test")
    assert result.working_on_date == []
    # An enquiry without consent: no history, and not even how much is withheld.
    assert result.events == [] and result.withheld == 0


@pytest.mark.neo4j
def test_unauthorised_requester_is_refused_and_logged(sally: dict[str, Store]) -> None:
    for s in sally.values():
        with pytest.raises(AccessDenied):
            timeline(s, "CH-SALLY", "PR-UNTRAINED", as_of=AS_OF, clock=at(AS_OF))
        assert [e.outcome for e in audit.entries(s)][-1] == "denied"


def test_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "db")
    assert runner.invoke(app, ["import", str(SALLY), "--db", db]).exit_code == exits.OK
    args = ["timeline", "CH-SALLY", "--as", "PR-HOY", "--as-of", "2026-11-23", "--db", db]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == exits.OK
    assert json.loads(result.stdout)["withheld"] == 2
    result = runner.invoke(app, args)
    assert "2 involvements withheld: no consent for this viewer" in result.stderr
    result = runner.invoke(app, ["timeline", "CH-NOBODY", "--as", "PR-HOY", "--db", db])
    assert result.exit_code == exits.NOT_FOUND
