"""The information governance report over the access log, on both engines: each
disclosure's flags as of the date it was made for, and the log's filters."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import SALLY, same_answer
from tacgraph import audit
from tacgraph.access import AccessDenied
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.ig import access_report, access_review
from tacgraph.importer import import_files
from tacgraph.lookup import who_else
from tacgraph.store import Store

NOW = date(2026, 11, 23)

# A GP in Sally's TAC with no involvement of their own, and a practitioner who shares
# her surname (written in capitals: surnames are compared regardless of case).
EXTRA = {
    "practitioners": [
        {
            "id": "PR-CARTER",
            "given_name": "Jo",
            "family_name": "CARTER",
            "agency_id": "AG-GP-NORTH",
            "role": "gp",
            "email": "jo.carter@example.org",
            "phone": "01632 960112",
            "lookup_authorised": True,
        }
    ],
    "team_memberships": [
        {
            "id": "TM-GP",
            "practitioner_id": "PR-GP",
            "role": "member",
            "started_on": "2026-07-20",
            "caf_id": "CAF-SALLY",
        }
    ],
}

# (requester, child, the date the lookup is for, the day it was made)
LOOKUPS = [
    ("PR-HOY", "CH-SALLY", date(2026, 7, 10), 1),  # involved since 6 July
    ("PR-HOY", "CH-SALLY", date(2026, 7, 1), 2),  # not yet
    ("PR-GP", "CH-SALLY", date(2026, 11, 23), 3),  # in her TAC since 20 July
    ("PR-GP", "CH-SALLY", date(2026, 7, 15), 4),  # not yet
    ("PR-CARTER", "CH-SALLY", date(2026, 11, 23), 5),  # never; same surname
    ("PR-UNINVOLVED", "CH-ROBIN", date(2026, 11, 23), 6),  # never
    ("PR-UNTRAINED", "CH-SALLY", date(2026, 11, 23), 7),  # refused: no flags
]


@pytest.fixture
def logged(casebook: dict[str, Store], tmp_path: Path) -> dict[str, Store]:
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps(EXTRA))
    for store in casebook.values():
        import_files(store, [extra])
        for requester, child, on, day in LOOKUPS:

            def clock(day: int = day) -> datetime:
                return datetime(2026, 11, day, 9, 0, tzinfo=UTC)

            with contextlib.suppress(AccessDenied):
                who_else(store, child, requester, as_of=on, purpose="review", clock=clock)
    return casebook


def flags(report: Any) -> list[tuple[str, str, str, bool, bool]]:
    return [
        (e.requester_id, e.child_id, e.outcome, e.requester_not_involved, e.same_surname)
        for e in report.entries
    ]


def test_each_disclosure_is_flagged_as_of_its_date(logged: dict[str, Store]) -> None:
    # The flags are the gate's, decided on the day each lookup was made (and stored in
    # its entry): asking about a date before one's involvement began, while involved,
    # is a look at the past, not a lookup by someone not involved.
    report = same_answer(logged, lambda s: access_report(s, as_of=NOW))
    assert flags(report) == [
        ("PR-HOY", "CH-SALLY", "disclosed", False, False),
        ("PR-HOY", "CH-SALLY", "disclosed", False, False),
        ("PR-GP", "CH-SALLY", "disclosed", False, False),
        ("PR-GP", "CH-SALLY", "disclosed", False, False),
        ("PR-CARTER", "CH-SALLY", "disclosed", True, True),
        ("PR-UNINVOLVED", "CH-ROBIN", "disclosed", True, False),
        ("PR-UNTRAINED", "CH-SALLY", "denied", False, False),
    ]
    past = [e.seq for e in report.entries if "past_date" in e.recorded_flags]
    assert [report.entries[i].seq for i in (0, 1, 3)] == past


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"practitioner": "PR-GP"}, [3, 4]),
        ({"child": "CH-ROBIN"}, [6]),
        ({"since": date(2026, 11, 5)}, [5, 6, 7]),
        ({"practitioner": "PR-HOY", "since": date(2026, 11, 2)}, [2]),
        ({"practitioner": "PR-NOBODY"}, []),
    ],
)
def test_the_log_is_filtered(
    logged: dict[str, Store], given: dict[str, Any], expected: list[int]
) -> None:
    report = same_answer(logged, lambda s: access_report(s, as_of=NOW, **given))
    assert [e.seq for e in report.entries] == expected


def test_the_table_shows_the_newest_entries_and_says_how_many_more(tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(tmp_path / "db")]
    assert runner.invoke(app, ["import", str(SALLY), *db]).exit_code == exits.OK
    for viewer in ("PR-HOY", "PR-MIDWIFE", "PR-UNINVOLVED"):
        why = ["--purpose", "enquiry"] if viewer == "PR-UNINVOLVED" else []
        looked = runner.invoke(app, ["who-else", "CH-SALLY", "--as", viewer, *why, *db, "--json"])
        assert looked.exit_code == exits.OK, looked.stderr
    review = ["audit", "access", "--as=PR-IG-OFFICER", "--limit", "2", *db]
    shown = runner.invoke(app, review, env={"COLUMNS": "200"})
    assert shown.exit_code == exits.OK, shown.stderr
    assert "PR-MIDWIFE" in shown.stdout and "PR-UNINVOLVED" in shown.stdout
    assert "PR-HOY" not in shown.stdout.split("Statutory bases")[0]
    assert "The newest 2 of 3 entries" in shown.stdout
    assert "by a requester not involved with the child: 1;" in shown.stdout
    every = runner.invoke(app, [*review, "--csv"])
    # the three lookups and the review before (an entry of its own), and the header
    assert every.exit_code == exits.OK and len(every.stdout.splitlines()) == 5


def test_the_table_shows_each_purpose_as_written_and_every_id_whole(tmp_path: Path) -> None:
    """A purpose is free text from the requester: rich markup in it ("[urgent]" dropped,
    "[/]" stopped the report) is shown as written, and at 80 columns no id is cut."""
    runner = CliRunner()
    db = ["--db", str(tmp_path / "db")]
    assert runner.invoke(app, ["import", str(SALLY), *db]).exit_code == exits.OK
    purposes = ["[urgent] visit", "see [/] here", "[bold]x[/bold]"]
    for viewer, purpose in zip(("PR-SCHOOL-NURSE", "PR-HOY", "PR-MIDWIFE"), purposes, strict=True):
        looked = runner.invoke(
            app, ["who-else", "CH-SALLY", "--as", viewer, "--purpose", purpose, *db, "--json"]
        )
        assert looked.exit_code == exits.OK, looked.stderr
    review = ["audit", "access", "--as=PR-IG-OFFICER", *db]
    shown = runner.invoke(app, review, env={"COLUMNS": "80"})
    assert shown.exit_code == exits.OK, shown.stderr
    assert (
        max(len(line) for line in shown.stdout.splitlines() if line.startswith(tuple("┏┃┡│└")))
        <= 80
    )
    assert "…" not in shown.stdout
    for text in (*purposes, "PR-SCHOOL-NURSE", "CH-SALLY"):
        assert text in shown.stdout, text
    assert "Statutory bases: none." in shown.stdout


def test_the_access_review_is_for_an_information_governance_officer_only(
    logged: dict[str, Store],
) -> None:
    """It names children, requesters and purposes: a read through the gate, refused
    (and logged) to anyone without the role, one entry naming what it showed when run."""
    clock = lambda: datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # noqa: E731
    for s in logged.values():
        for refused in ("PR-HOY", "PR-CAF-COORD", "PR-NOBODY"):
            with pytest.raises(AccessDenied):
                access_review(s, requester_id=refused, clock=clock)
    report = same_answer(
        logged,
        lambda s: access_review(s, requester_id="PR-IG-OFFICER", child="CH-ROBIN", clock=clock),
    )
    assert [e.seq for e in report.entries] == [6]
    for s in logged.values():
        *denied, run = [e for e in audit.entries(s) if e.path == "audit_access"]
        assert [(e.requester_id, e.outcome) for e in denied] == [
            ("PR-HOY", "denied"),
            ("PR-CAF-COORD", "denied"),
            ("PR-NOBODY", "denied"),
        ]
        assert "not an information governance officer" in denied[1].detail
        assert (run.requester_id, run.child_id, run.outcome) == (
            "PR-IG-OFFICER",
            "CH-ROBIN",
            "disclosed",
        )
        assert run.disclosed == ["child:CH-ROBIN"] and "bulk" in run.flags


@pytest.mark.parametrize("output", ["--csv", "--json", "--html"])
def test_every_form_of_the_review_goes_through_the_gate(tmp_path: Path, output: str) -> None:
    runner = CliRunner()
    db = ["--db", str(tmp_path / "db")]
    assert runner.invoke(app, ["import", str(SALLY), *db]).exit_code == exits.OK
    page = tmp_path / "review.html"
    form = [output, str(page)] if output == "--html" else [output]
    refused = runner.invoke(app, ["audit", "access", "--as", "PR-HOY", *form, *db])
    assert refused.exit_code == exits.ACCESS_DENIED
    # No report: nothing on stdout, or with --json the refusal alone.
    said = json.loads(refused.stdout)["error"] if output == "--json" else refused.stdout
    assert said == "" or (said["kind"], said["problems"]) == ("AccessDenied", [])
    assert "not an information governance officer" in refused.stderr
    assert not page.exists()
    missing = runner.invoke(app, ["audit", "access", *form, *db])
    assert missing.exit_code == exits.USAGE
    allowed = runner.invoke(app, ["audit", "access", "--as", "PR-IG-OFFICER", *form, *db])
    assert allowed.exit_code == exits.OK, allowed.stderr
    shown = runner.invoke(app, ["audit", "access", "--as", "PR-IG-OFFICER", "--json", *db])
    paths = [(e["requester_id"], e["outcome"]) for e in json.loads(shown.stdout)["entries"]]
    assert paths == [("PR-HOY", "denied"), ("PR-IG-OFFICER", "disclosed")]


def test_the_review_does_not_locate_a_shielded_child_through_the_requester_s_agency(
    logged: dict[str, Store],
) -> None:
    """Robin is shielded and his shield does not name the officer: that a teacher at
    Elm Road Primary looked him up would say where he may be. Sally is not shielded."""
    clock = lambda: datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # noqa: E731
    report = same_answer(
        logged, lambda s: access_review(s, requester_id="PR-IG-OFFICER", clock=clock)
    )
    agencies = {(e.requester_id, e.child_id): e.requester_agency for e in report.entries}
    assert agencies[("PR-UNINVOLVED", "CH-ROBIN")] is None
    assert agencies[("PR-CARTER", "CH-SALLY")] == "Northfield Medical Practice"
    assert "Elm Road" not in report.model_dump_json()
