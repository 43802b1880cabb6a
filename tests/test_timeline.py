"""The timeline: a child's history, gated by consent for each viewer, and logged."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SALLY, same_answer
from tacgraph import audit, casework
from tacgraph.access import AccessDenied
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.errors import PurposeRequired
from tacgraph.importer import import_records
from tacgraph.model import (
    Consent,
    ConsentKind,
    FamilyMember,
    FamilyRelation,
    Relationship,
    Scope,
)
from tacgraph.store import Store
from tacgraph.timeline import Event, Timeline, timeline

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
        entries = [e for e in audit.entries(s) if e.path == "timeline"]
        assert entries and entries[-1].outcome == "disclosed"


@pytest.mark.neo4j
def test_a_practitioner_not_involved_says_why_as_for_who_else(sally: dict[str, Store]) -> None:
    """The history asked no reason of anyone (its entry said "timeline" for them): a
    practitioner not working with the child is refused without one, and the refusal is
    logged; an information governance officer looks at the past only with a reason."""
    for s in sally.values():
        with pytest.raises(PurposeRequired):
            timeline(s, "CH-SALLY", "PR-UNINVOLVED", as_of=AS_OF, clock=at(AS_OF))
        refused = list(audit.entries(s))[-1]
        assert (refused.outcome, refused.path, refused.purpose) == ("denied", "timeline", "")
        with pytest.raises(AccessDenied, match="without a reason"):
            timeline(s, "CH-SALLY", "PR-IG-OFFICER", as_of=date(2026, 10, 1), clock=at(AS_OF))


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


@pytest.mark.neo4j
def test_a_handover_says_what_it_says_only_to_those_it_was_shared_with(
    sally: dict[str, Store],
) -> None:
    """The social worker's summary went to Helen Okafor (PR-HOY): she reads it; a
    teacher on the same team sees that it was shared, not what it says; the social
    worker who wrote it reads it too."""
    said = {
        "work_done": "Child in need assessment and plan; weekly visits",
        "outcomes": "Home situation stabilised; Sally engaging with antenatal care",
        "unmet_needs": "Parenting preparation; support after the birth",
    }

    def handover(result: Timeline) -> Event:
        (found,) = [e for e in result.events if e.subject_id == "HO-SOCIAL-WORKER"]
        return found

    lead = handover(_ask(sally, "PR-HOY"))
    assert lead.summary is not None and lead.summary.model_dump() == said
    assert lead.detail == "summary_of_work from Owen Price (Children's Social Care North)"
    assert handover(_ask(sally, "PR-TEACHER")).summary is None
    sender = handover(_ask(sally, "PR-SOCIAL-WORKER", purpose="after the step-down"))
    assert sender.summary is not None
    for s in sally.values():
        disclosed = {e.requester_id: e.disclosed for e in audit.entries(s)}
        assert "handover:HO-SOCIAL-WORKER" in disclosed["PR-HOY"]
        assert "handover:HO-SOCIAL-WORKER" not in disclosed["PR-TEACHER"]


@pytest.mark.neo4j
def test_a_summary_kept_on_the_record_is_read_by_whoever_works_with_the_child_next(
    sally: dict[str, Store],
) -> None:
    """The midwife, the last one working with Sally's baby, ends her work; the GP who
    starts working with the baby (with Sally's consent, as the baby's mother, to see
    involvements) reads her summary; before starting, the GP saw only that it exists."""
    day = at(AS_OF)
    mother = FamilyMember(
        id="FM-SALLY",
        given_name="Sally",
        family_name="Carter",
        household_id="HH-CARTER",
        relations=[
            FamilyRelation(
                child_id="CH-SALLY-BABY",
                relationship=Relationship.MOTHER,
                parental_responsibility=True,
                carer=True,
            )
        ],
    )
    consent = Consent(
        id="CO-BABY-GP",
        child_id="CH-SALLY-BABY",
        given_by_family_member_id="FM-SALLY",
        kind=ConsentKind.EXPLICIT,
        to_agency_id="AG-GP-NORTH",
        scopes=[Scope.INVOLVEMENT],
        given_on=date(2026, 11, 1),
    )

    def read(s: Store, requester: str, purpose: str = "") -> Timeline:
        return timeline(s, "CH-SALLY-BABY", requester, as_of=AS_OF, purpose=purpose, clock=day)

    for s in sally.values():
        import_records(s, [mother, consent])
        ended = casework.end_involvement(
            s,
            "PR-MIDWIFE",
            "IN-MIDWIFE-BABY",
            work_done="Antenatal care",
            outcomes="Healthy pregnancy",
            unmet_needs="Housing",
            no_one_left=True,
            clock=day,
        )
        before = [
            e for e in read(s, "PR-GP", "registering the baby").events if e.kind == "handover"
        ]
        assert [e.summary for e in before] == [None]  # seen, but not working with the baby
        casework.record_involvement(s, "PR-GP", "CH-SALLY-BABY", "universal", clock=day)
        (kept,) = [e for e in read(s, "PR-GP").events if e.kind == "handover"]
        assert kept.subject_id == ended.handover_ids[0]
        assert kept.detail == (
            "summary_of_work from Grace Mensah (Community Midwifery Team North), "
            "kept on the child's record"
        )
        assert kept.summary is not None and kept.summary.unmet_needs == "Housing"


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
    # What the social worker's handover to this lead says, under its record and date.
    shared = result.stdout.split("Handovers shared with you\n", 1)[1]
    assert shared.startswith("HO-SOCIAL-WORKER, 2026-11-09: summary of work from Owen Price")
    assert (
        " ".join(shared.split())
        .split(" Working with")[0]
        .endswith("Needs that remain: Parenting preparation; support after the birth")
    )
    result = runner.invoke(app, ["timeline", "CH-NOBODY", "--as", "PR-HOY", "--db", db])
    assert result.exit_code == exits.NOT_FOUND
