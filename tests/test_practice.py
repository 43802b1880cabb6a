"""Practice audits: each rule found on both engines, and not found where practice was
followed; every injected fault of the synthetic authority found, a clean one clean."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import SALLY, add_records, same_answer
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.dates import add_months, add_working_days, current_on, ended_by, open_on, working_days
from tacgraph.importer import import_files
from tacgraph.model import Involvement, PlanAction, ServiceLevel
from tacgraph.practice import AuditSettings, PracticeReport, audit_practice
from tacgraph.store import Store
from tacgraph.synth import Synthesiser

AS_OF = date(2026, 11, 23)
Doc = dict[str, Any]


def _sally() -> Doc:
    doc: Doc = json.loads(SALLY.read_text())
    return doc


def _record(doc: Doc, collection: str, record_id: str) -> Doc:
    found: Doc = next(r for r in doc[collection] if r["id"] == record_id)
    return found


def _audit(
    stores: dict[str, Store],
    tmp_path: Path,
    change: Callable[[Doc], None] | None = None,
    check: str | None = None,
    as_of: date = AS_OF,
) -> set[tuple[str, str, str]]:
    """Load Sally (changed) into both engines; the findings both agree on, as
    (check, subject, since)."""
    doc = _sally()
    if change is not None:
        change(doc)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc))
    for s in stores.values():
        import_files(s, [path])
    checks = None if check is None else [check]
    report = same_answer(stores, lambda s: audit_practice(s, as_of=as_of, checks=checks))
    return {(f.check, f.subject_id, f.since.isoformat()) for f in report.findings}


def test_dates() -> None:
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert working_days(date(2026, 8, 25), date(2026, 9, 2)) == 6
    assert working_days(date(2026, 8, 21), date(2026, 8, 25), [date(2026, 8, 31)]) == 2
    assert working_days(date(2026, 8, 28), date(2026, 9, 1), [date(2026, 8, 31)]) == 1
    # the day past ten working days from Friday 21 August, the bank holiday skipped
    assert add_working_days(date(2026, 8, 21), 11, [date(2026, 8, 31)]) == date(2026, 9, 8)


def test_the_two_kinds_of_end_date() -> None:
    start, end = date(2026, 3, 1), date(2026, 3, 10)
    # a period's last day: still open on it
    assert open_on(start, end, end) and not open_on(start, end, date(2026, 3, 11))
    # the first day something no longer holds: not current on it
    assert current_on(start, end, date(2026, 3, 9)) and not current_on(start, end, end)
    assert ended_by(end, end) and not ended_by(end, date(2026, 3, 9)) and not ended_by(None, end)
    assert not open_on(None, None, end) and not current_on(None, None, end)
    assert not open_on(start, None, date(2026, 2, 28)) and current_on(start, None, start)


# --------------------------------------------------------------------------- Sally


@pytest.mark.neo4j
def test_sally_step_down_without_summary_of_work_is_flagged(
    both: dict[str, Store], tmp_path: Path
) -> None:
    found = _audit(both, tmp_path)
    assert found == {
        ("disengagement", "IN-PICCADILLY", "2026-11-09"),
        ("disengagement", "PA-1", "2026-11-09"),
    }


@pytest.mark.neo4j
def test_sally_with_a_summary_of_work_to_the_lead_is_clean(
    both: dict[str, Store], tmp_path: Path
) -> None:
    def handover(doc: Doc) -> None:
        doc["handovers"].append(
            {
                "id": "HO-PICCADILLY",
                "child_id": "CH-SALLY",
                "involvement_id": "IN-PICCADILLY",
                "from_practitioner_id": "PR-PICCADILLY",
                "to_practitioner_id": "PR-HOY",
                "kind": "summary_of_work",
                "shared_on": "2026-11-09",
                "work_done": "Eight key-work sessions",
                "outcomes": "Abstinent since September",
                "unmet_needs": "None identified",
            }
        )

    assert _audit(both, tmp_path, handover) == set()


@pytest.mark.neo4j
def test_handover_too_late_is_flagged(both: dict[str, Store], tmp_path: Path) -> None:
    def late(doc: Doc) -> None:
        doc["handovers"].append(
            {
                "id": "HO-LATE",
                "child_id": "CH-SALLY",
                "involvement_id": "IN-PICCADILLY",
                "from_practitioner_id": "PR-PICCADILLY",
                "to_caf_id": "CAF-SALLY",
                "kind": "summary_of_work",
                "shared_on": "2026-11-22",
            }
        )

    found = _audit(both, tmp_path, late, "disengagement")
    assert ("disengagement", "IN-PICCADILLY", "2026-11-09") in found
    report_days = AuditSettings(handover_days=20).handover_days
    assert report_days == 20


@pytest.mark.neo4j
def test_nothing_is_flagged_while_the_handover_days_run(
    both: dict[str, Store], tmp_path: Path
) -> None:
    # Piccadilly left on 2026-11-09 and has ten days to share its summary of work; its
    # plan action PA-1 is not left behind until then either
    assert _audit(both, tmp_path, check="disengagement", as_of=date(2026, 11, 19)) == set()
    assert _audit(both, tmp_path, check="disengagement", as_of=date(2026, 11, 20)) == {
        ("disengagement", "IN-PICCADILLY", "2026-11-09"),
        ("disengagement", "PA-1", "2026-11-09"),
    }


@pytest.mark.neo4j
def test_lead_gap(both: dict[str, Store], tmp_path: Path) -> None:
    assert _audit(both, tmp_path, check="lead_gap") == set()

    def no_lead(doc: Doc) -> None:
        _record(doc, "team_memberships", "TM-HOY")["ended_on"] = "2026-11-15"

    assert _audit(both, tmp_path, no_lead, "lead_gap") == {("lead_gap", "CAF-SALLY", "2026-11-16")}


@pytest.mark.neo4j
def test_lead_no_longer_involved(both: dict[str, Store], tmp_path: Path) -> None:
    def ended(doc: Doc) -> None:
        _record(doc, "involvements", "IN-HOY")["ended_on"] = "2026-11-15"

    found = _audit(both, tmp_path, ended, "lead_gap")
    assert found == {("lead_gap", "CAF-SALLY", "2026-11-16")}


@pytest.mark.neo4j
def test_lead_who_left_their_agency(both: dict[str, Store], tmp_path: Path) -> None:
    def left(doc: Doc) -> None:
        _record(doc, "practitioners", "PR-HOY")["left_agency_on"] = "2026-11-20"

    assert _audit(both, tmp_path, left, "lead_gap") == {("lead_gap", "CAF-SALLY", "2026-11-21")}
    # not yet on the day they leave
    assert _audit(both, tmp_path, left, "lead_gap", as_of=date(2026, 11, 20)) == set()


@pytest.mark.neo4j
def test_statutory_lead(both: dict[str, Store], tmp_path: Path) -> None:
    assert _audit(both, tmp_path, check="statutory_lead") == set()

    def offender(doc: Doc) -> None:
        _record(doc, "children", "CH-SALLY")["young_offender"] = True

    assert _audit(both, tmp_path, offender, "statutory_lead") == {
        ("statutory_lead", "CH-SALLY", "2026-07-13")
    }


@pytest.mark.neo4j
def test_cp_key_worker_must_be_a_qualified_social_worker(
    both: dict[str, Store], tmp_path: Path
) -> None:
    def cp(doc: Doc) -> None:
        plan = _record(doc, "plans", "PL-SALLY-CIN")
        plan["kind"] = "child_protection"
        del plan["ended_on"]
        del _record(doc, "team_memberships", "TM-CIN-SW")["ended_on"]
        del _record(doc, "involvements", "IN-SOCIAL-WORKER")["ended_on"]
        _record(doc, "practitioners", "PR-SOCIAL-WORKER")["qualified_social_worker"] = False
        doc["level_changes"] = [c for c in doc["level_changes"] if c["id"] == "LC-STEP-UP"]
        doc["notifications"] = []

    found = _audit(both, tmp_path, cp, "statutory_lead")
    assert found == {("statutory_lead", "PL-SALLY-CIN", "2026-09-03")}


@pytest.mark.neo4j
def test_reviews_and_timescales(both: dict[str, Store], tmp_path: Path) -> None:
    assert _audit(both, tmp_path, check="reviews") == set()

    def late(doc: Doc) -> None:
        _record(doc, "assessments", "AS-INITIAL")["completed_on"] = "2026-09-25"
        _record(doc, "meetings", "MT-TAC-1")["written_outcome_sent_on"] = "2026-07-25"

    assert _audit(both, tmp_path, late, "reviews") == {
        ("reviews", "AS-INITIAL", "2026-09-09"),
        ("reviews", "MT-TAC-1", "2026-07-19"),
    }
    # six months after the last CAF review (2026-08-24)
    later = _audit(both, tmp_path, check="reviews", as_of=date(2027, 3, 1))
    assert later == {("reviews", "CAF-SALLY", "2027-02-25")}


@pytest.mark.neo4j
def test_cin_plan_review(both: dict[str, Store], tmp_path: Path) -> None:
    def open_cin(doc: Doc) -> None:
        del _record(doc, "plans", "PL-SALLY-CIN")["ended_on"]
        del _record(doc, "team_memberships", "TM-CIN-SW")["ended_on"]
        del _record(doc, "involvements", "IN-SOCIAL-WORKER")["ended_on"]
        doc["reviews"] = [r for r in doc["reviews"] if r["id"] != "RV-CIN-1"]

    found = _audit(both, tmp_path, open_cin, "reviews", as_of=date(2027, 3, 10))
    assert ("reviews", "PL-SALLY-CIN", "2027-03-04") in found


@pytest.mark.neo4j
def test_closures(both: dict[str, Store], tmp_path: Path) -> None:
    assert _audit(both, tmp_path, check="closures") == set()

    def careless(doc: Doc) -> None:
        _record(doc, "level_changes", "LC-STEP-DOWN")["decided_by_id"] = "PR-SOCIAL-WORKER"
        doc["notifications"] = [n for n in doc["notifications"] if n["id"] != "NT-PICCADILLY"]

    found = _audit(both, tmp_path, careless, "closures")
    assert found == {("closures", "LC-STEP-DOWN", "2026-11-09")}
    assert len(found) == 1


@pytest.mark.neo4j
def test_closure_rules_named_separately(both: dict[str, Store], tmp_path: Path) -> None:
    def careless(doc: Doc) -> None:
        _record(doc, "level_changes", "LC-STEP-DOWN")["decided_by_id"] = "PR-SOCIAL-WORKER"
        doc["notifications"] = [n for n in doc["notifications"] if n["id"] != "NT-SALLY"]

    doc = _sally()
    careless(doc)
    path = tmp_path / "careless.json"
    path.write_text(json.dumps(doc))
    for s in both.values():
        import_files(s, [path])
    report = same_answer(both, lambda s: audit_practice(s, as_of=AS_OF, checks=["closures"]))
    rules = {f.rule for f in report.findings}
    assert rules == {"closed without authority", "a required party was not formally notified"}
    notified = next(f for f in report.findings if "notified" in f.rule)
    assert "child" in notified.detail
    young = AuditSettings(child_notified_from_age=17)
    report = same_answer(
        both, lambda s: audit_practice(s, as_of=AS_OF, checks=["closures"], settings=young)
    )
    assert {f.rule for f in report.findings} == {"closed without authority"}


@pytest.mark.neo4j
def test_left_with_no_one(both: dict[str, Store], tmp_path: Path) -> None:
    assert _audit(both, tmp_path, check="left_with_no_one") == set()

    def everyone_leaves(doc: Doc) -> None:
        for inv in doc["involvements"]:
            if inv["child_id"] == "CH-SALLY":
                inv["ended_on"] = "2026-11-09"

    found = _audit(both, tmp_path, everyone_leaves, "left_with_no_one")
    assert found == {("left_with_no_one", "LC-STEP-DOWN", "2026-11-09")}


@pytest.mark.neo4j
def test_cumulative_need(both: dict[str, Store], tmp_path: Path) -> None:
    assert _audit(both, tmp_path, check="cumulative_need") == set()

    def no_caf(doc: Doc) -> None:
        caf = _record(doc, "cafs", "CAF-SALLY")
        caf["state"], caf["closed_on"] = "closed", "2026-11-20"
        _record(doc, "plans", "PL-SALLY-CAF")["ended_on"] = "2026-11-20"
        for tm in doc["team_memberships"]:
            tm.setdefault("ended_on", "2026-11-20")

    found = _audit(both, tmp_path, no_caf, "cumulative_need")
    # school (head of year), children's centre and Hope, all targeted
    assert found == {("cumulative_need", "CH-SALLY", "2026-07-13")}
    fewer = AuditSettings(cumulative_agencies=4)
    report = same_answer(
        both,
        lambda s: audit_practice(s, as_of=AS_OF, checks=["cumulative_need"], settings=fewer),
    )
    assert report.findings == []


@pytest.mark.neo4j
def test_cumulative_need_counted_from_universal_services(
    both: dict[str, Store], tmp_path: Path
) -> None:
    # the baby, with no CAF and no plan, known to the midwife (universal) and the
    # children's centre (targeted)
    def centre(doc: Doc) -> None:
        doc["involvements"].append(
            {
                "id": "IN-CC-BABY",
                "practitioner_id": "PR-CC-WORKER",
                "child_id": "CH-SALLY-BABY",
                "agency_id": "AG-CHILDRENS-CENTRE",
                "level": "targeted",
                "started_on": "2026-07-13",
            }
        )

    doc = _sally()
    centre(doc)
    path = tmp_path / "baby.json"
    path.write_text(json.dumps(doc))
    for s in both.values():
        import_files(s, [path])

    def found(settings: AuditSettings) -> set[tuple[str, str]]:
        report = same_answer(
            both,
            lambda s: audit_practice(s, as_of=AS_OF, checks=["cumulative_need"], settings=settings),
        )
        return {(f.subject_id, f.since.isoformat()) for f in report.findings}

    assert found(AuditSettings(cumulative_agencies=2)) == set()
    universal = AuditSettings(cumulative_agencies=2, cumulative_min_level=ServiceLevel.UNIVERSAL)
    assert found(universal) == {("CH-SALLY-BABY", "2026-07-13")}


@pytest.mark.neo4j
def test_parallel_plans(both: dict[str, Store], tmp_path: Path) -> None:
    assert _audit(both, tmp_path, check="parallel_plans") == set()

    def second(doc: Doc) -> None:
        doc["plans"].append(
            {
                "id": "PL-SALLY-CP",
                "child_id": "CH-SALLY",
                "kind": "child_protection",
                "started_on": "2026-10-01",
                "ended_on": "2026-11-09",
            }
        )

    found = _audit(both, tmp_path, second, "parallel_plans", as_of=date(2026, 10, 15))
    assert found == {("parallel_plans", "CH-SALLY", "2026-10-01")}


# --------------------------------------------------------------------------- synthetic

# Seed 2 injects every kind of fault the synthesiser knows at this size, including a
# disengagement still inside the handover days and a late assessment still open.
SYNTH_CHILDREN, SYNTH_SEED = 2000, 2
Finding3 = tuple[str, str, str]  # (check, child, subject)


def _population(stores: dict[str, Store], faults: bool) -> tuple[Synthesiser, dict[str, Any]]:
    """The synthetic authority in both engines, and its records by id."""
    synth = Synthesiser(SYNTH_CHILDREN, SYNTH_SEED, faults=faults)
    records = list(synth.records())
    add_records(stores, *records)
    return synth, {r.id: r for r in records}


def _found(report: PracticeReport) -> set[Finding3]:
    return {(f.check, f.child_id, f.subject_id) for f in report.findings}


def _injected(
    synth: Synthesiser, by_id: dict[str, Any], settings: AuditSettings
) -> tuple[set[Finding3], set[Finding3]]:
    """What the audit must find for each fault in the truth, by check, child and
    subject; and the disengagements whose handover days have not yet run out."""
    truth = synth.truth
    due: set[Finding3] = set()
    pending: set[Finding3] = set()
    allowed = timedelta(days=settings.handover_days)
    for inv_id in truth.disengagements_without_handover:
        inv = by_id[inv_id]
        assert isinstance(inv, Involvement) and inv.ended_on is not None
        ran_out = inv.ended_on + allowed < synth.as_of
        (due if ran_out else pending).add(("disengagement", inv.child_id, inv.id))
    for caf_id in truth.overdue_reviews:
        due.add(("reviews", by_id[caf_id].child_id, caf_id))
    for assessment_id in truth.late_assessments + truth.overdue_assessments:
        due.add(("reviews", by_id[assessment_id].child_id, assessment_id))
    for child_id in truth.several_agencies_without_caf:
        due.add(("cumulative_need", child_id, child_id))
    return due, pending


def _left_behind(finding: Finding3, disengaged: set[Finding3], by_id: dict[str, Any]) -> bool:
    """Whether a finding is an open plan action still assigned to the agency or
    practitioner of an injected disengagement of the same child."""
    check, child, subject = finding
    action = by_id.get(subject)
    if check != "disengagement" or not isinstance(action, PlanAction):
        return False
    gone = set()
    for _, other_child, inv_id in disengaged:
        inv = by_id[inv_id]
        if other_child == child:
            gone |= {inv.agency_id, inv.practitioner_id}
    assigned = action.agency_id or action.practitioner_id
    return by_id[action.plan_id].child_id == child and assigned in gone


@pytest.mark.neo4j
def test_synthetic_population_every_injected_fault_is_found(both: dict[str, Store]) -> None:
    synth, by_id = _population(both, faults=True)
    truth = synth.truth
    settings = AuditSettings()
    due, pending = _injected(synth, by_id, settings)
    # every kind of fault is present, so no assertion below holds vacuously
    assert truth.overdue_reviews and truth.late_assessments and truth.overdue_assessments
    assert truth.several_agencies_without_caf and pending
    assert {c for c, _, _ in due} == {"disengagement", "reviews", "cumulative_need"}

    report = same_answer(both, lambda s: audit_practice(s, as_of=synth.as_of))
    found = _found(report)
    assert due - found == set(), "injected faults not found"
    assert pending & found == set(), "flagged before the handover days ran out"
    disengaged = {f for f in due if f[0] == "disengagement"}
    unexplained = {f for f in found - due if not _left_behind(f, disengaged, by_id)}
    assert unexplained == set(), "findings with no injected fault behind them"
    assert found - due, "the orphaned plan actions of a disengagement are found too"

    later = synth.as_of + timedelta(days=settings.handover_days + 1)
    report = same_answer(both, lambda s: audit_practice(s, as_of=later, checks=["disengagement"]))
    assert pending <= _found(report)


@pytest.mark.neo4j
def test_synthetic_population_without_faults_is_clean(both: dict[str, Store]) -> None:
    synth, _ = _population(both, faults=False)
    assert synth.truth.twin_pairs  # a real population, twins and all
    report = same_answer(both, lambda s: audit_practice(s, as_of=synth.as_of))
    assert report.findings == []


# --------------------------------------------------------------------------- CLI


def test_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "db")
    assert runner.invoke(app, ["import", str(SALLY), "--db", db]).exit_code == exits.OK
    base = ["audit", "practice", "--as", "PR-HOY", "--db", db, "--as-of", "2026-11-23"]
    result = runner.invoke(app, [*base, "--json"])
    assert result.exit_code == exits.OK
    doc = json.loads(result.stdout)
    # Sally refused to share her sensitive services with the team: the finding about the
    # drugs project names only that a sensitive service is involved, and its broker.
    assert {f["subject_id"] for f in doc["findings"]} == {"CH-SALLY", "PA-1"}
    assert "PICCADILLY" not in result.stdout.upper()
    result = runner.invoke(app, [*base, "--check", "disengagement", "--fail-on-findings"])
    assert result.exit_code == exits.FINDINGS
    result = runner.invoke(app, [*base, "--check", "reviews", "--fail-on-findings", "--csv"])
    assert result.exit_code == exits.OK
    assert result.stdout.startswith("check,rule,child_id")
    result = runner.invoke(app, [*base, "--check", "nonsense"])
    assert result.exit_code == exits.INVALID_INPUT
