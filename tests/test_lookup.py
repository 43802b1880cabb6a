"""The who-else lookup on the Sally and Robin case studies, on both engines, with the
expected answers spelled out; the access log and its tamper evidence."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import BROKER, ROBIN, SALLY, rewrite_log, same_answer
from tacgraph import audit
from tacgraph.access import AccessDenied
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.errors import StoreError
from tacgraph.ig import access_report
from tacgraph.importer import import_files
from tacgraph.lookup import front_door, who_else, who_else_many
from tacgraph.store import Store

pytestmark = pytest.mark.neo4j
NOW = date(2026, 11, 23)


def at(day: date) -> audit.Clock:
    return lambda: datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def ask(stores: dict[str, Store], child: str, viewer: str, on: date = NOW, **kw: Any) -> Any:
    kw.setdefault("clock", at(on))
    return same_answer(stores, lambda s: who_else(s, child, viewer, as_of=on, purpose="test", **kw))


def seen(result: Any) -> list[tuple[str, bool]]:
    """(practitioner, contact details shown) for each visible involvement."""
    return [(i.practitioner_id, i.email is not None) for i in result.involved]


def test_sally_as_seen_by_her_lead_professional(casebook: dict[str, Store]) -> None:
    r = ask(casebook, "CH-SALLY", "PR-HOY")
    assert (r.known, r.name, r.age, r.gender) == (True, "Sally Carter", 16, "female")
    assert r.caf_open and r.cafs[0].state == "stepped_down"
    assert r.lead is not None and r.lead.name == "Helen Okafor" and r.lead.phone == "01632 960101"
    assert r.date_of_birth == date(2010, 5, 14) and r.postcode == "WV10 6QT"
    assert seen(r) == [
        ("PR-CC-WORKER", True),
        ("PR-HOY", True),
        ("PR-MIDWIFE", True),
        ("PR-SCHOOL-NURSE", True),
        ("PR-TEACHER", True),
    ]
    # Sally refused to let the TAC know which projects support her: the Hope Project
    # shows only as a sensitive service behind its broker.
    assert r.sensitive_services == [BROKER] and r.withheld == 1


def test_asked_as_of_a_day_before_the_birth_the_child_is_unborn(
    casebook: dict[str, Store],
) -> None:
    """Sally was born on 2010-05-14: as of a day before, she has no age (once -1) and
    is shown as unborn; on her birthday she is 0."""
    r = ask(casebook, "CH-SALLY", "PR-HOY", on=date(2010, 1, 4), clock=at(NOW))
    assert (r.known, r.age, r.unborn) == (True, None, True)
    assert ask(casebook, "CH-SALLY", "PR-HOY", on=date(2010, 5, 14), clock=at(NOW)).age == 0


def test_sally_as_seen_by_the_midwife(casebook: dict[str, Store]) -> None:
    r = ask(casebook, "CH-SALLY", "PR-MIDWIFE", explain=True)
    assert [i.practitioner_id for i in r.involved] == [
        "PR-CC-WORKER",
        "PR-HOY",
        "PR-MIDWIFE",
        "PR-SCHOOL-NURSE",
        "PR-TEACHER",
    ]
    assert r.sensitive_services == [BROKER]
    refused = [e for e in r.explanation if not e.shown]
    assert [(e.item, e.rule, e.basis_id) for e in refused] == [
        ("withheld item 1", "consent_refused", "CO-SALLY-SENSITIVE-REFUSED")
    ]
    own = next(e for e in r.explanation if "Grace Mensah" in e.item)
    assert own.rule == "own_involvement"
    # Earlier, while the drugs project and social worker were still involved.
    r = ask(casebook, "CH-SALLY", "PR-MIDWIFE", on=date(2026, 10, 1))
    assert "PR-SOCIAL-WORKER" in [i.practitioner_id for i in r.involved]
    assert r.sensitive_services == [BROKER] and r.withheld == 2
    assert "Piccadilly" not in r.model_dump_json() and "Hope Project" not in r.model_dump_json()


def test_sally_as_seen_by_the_domestic_abuse_project_worker(casebook: dict[str, Store]) -> None:
    r = ask(casebook, "CH-SALLY", "PR-HOPE", on=date(2026, 10, 1), explain=True)
    ids = [i.practitioner_id for i in r.involved]
    assert ids == [
        "PR-CC-WORKER",
        "PR-HOPE",
        "PR-HOY",
        "PR-MIDWIFE",
        "PR-PICCADILLY",
        "PR-SCHOOL-NURSE",
        "PR-SOCIAL-WORKER",
        "PR-TEACHER",
    ]
    assert r.sensitive_services == [] and r.withheld == 0
    picc = next(e for e in r.explanation if "Marcus Bell" in e.item)
    assert (picc.rule, picc.basis_id) == ("consent", "CO-SALLY-HOPE")


def test_sally_as_seen_by_a_practitioner_with_no_involvement(casebook: dict[str, Store]) -> None:
    r = ask(casebook, "CH-SALLY", "PR-UNINVOLVED", explain=True)
    assert r.known and r.caf_open
    assert r.contact.name == "Helen Okafor" and r.contact.phone == "01632 960101"
    # Enquiry without consent: known, and whom to contact; no broker line, no count.
    assert r.involved == [] and r.withheld == 0 and r.sensitive_services == []
    assert r.date_of_birth is None and r.address_line is None
    assert r.cafs[0].state is None
    assert [e.rule for e in r.explanation if not e.shown] == ["enquiry_only"]
    assert r.enquiry_only  # the reader is told why no one is shown
    involved = ask(casebook, "CH-SALLY", "PR-MIDWIFE")
    assert not involved.enquiry_only and involved.involved


def test_an_untrained_user_is_refused_and_audited(casebook: dict[str, Store]) -> None:
    for store in casebook.values():
        with pytest.raises(AccessDenied, match="not trained and authorised"):
            who_else(store, "CH-SALLY", "PR-UNTRAINED", as_of=NOW)
        with pytest.raises(AccessDenied, match="unknown requester"):
            who_else(store, "CH-SALLY", "PR-NOBODY", as_of=NOW)
        with pytest.raises(AccessDenied, match="left"):
            who_else(store, "CH-SALLY", "PR-LEFT", as_of=NOW)
    log = same_answer(
        casebook, lambda s: [(e.requester_id, e.outcome, e.disclosed) for e in audit.entries(s)]
    )
    assert log == [
        ("PR-UNTRAINED", "denied", []),
        ("PR-NOBODY", "denied", []),
        ("PR-LEFT", "denied", []),
    ]


def test_an_unknown_child_is_an_answer_not_an_error(casebook: dict[str, Store]) -> None:
    r = ask(casebook, "CH-NOBODY", "PR-HOY")
    assert not r.known and r.contact.name == front_door()


LOCATING = [
    "Quarry",
    "WV4 5HR",
    "St Anne",
    "AG-REFUGE-SCHOOL",
    "HH-REFUGE",
    "Kowalski",
    "Northfield Medical",
    "2015-03-02",
]


def test_a_shielded_child_shows_nothing_that_locates_them(casebook: dict[str, Store]) -> None:
    r = ask(casebook, "CH-ROBIN", "PR-HOPE", explain=True)
    assert r.shielded_from_viewer and (r.name, r.age, r.gender) == ("Robin Hale", 11, "male")
    assert r.involved == []  # not even their own work: its agency could locate the child
    assert r.lead is None and r.contact.name == front_door()
    text = r.model_dump_json()
    for word in LOCATING:
        assert word not in text
    for store in casebook.values():
        entries = json.dumps([e.model_dump() for e in audit.entries(store)])
        for word in LOCATING:
            assert word not in entries


def test_the_shield_lets_its_named_practitioners_see(casebook: dict[str, Store]) -> None:
    r = ask(casebook, "CH-ROBIN", "PR-REFUGE-TEACHER")
    assert not r.shielded_from_viewer and r.postcode == "WV4 5HR"


def test_a_recorded_statutory_basis_permits_without_consent(casebook: dict[str, Store]) -> None:
    r = ask(casebook, "CH-ROBIN", "PR-GP", explain=True)
    assert [i.practitioner_id for i in r.involved] == ["PR-SOCIAL-WORKER", "PR-REFUGE-TEACHER"]
    assert r.sensitive_services == [BROKER]  # the basis does not cover sensitive services
    shown = {e.basis_id for e in r.explanation if e.shown and e.rule == "statutory_basis"}
    assert shown == {"SB-ROBIN-HARM"}


def test_a_statutory_basis_without_a_reason_permits_nothing(casebook: dict[str, Store]) -> None:
    r = ask(casebook, "CH-ROBIN", "PR-SCHOOL-NURSE", explain=True)
    assert r.involved == []
    rules = {(e.rule, e.basis_id) for e in r.explanation if not e.shown}
    assert ("statutory_basis_incomplete", "SB-ROBIN-NO-REASON") in rules


def test_consent_from_someone_without_parental_responsibility_grants_nothing(
    casebook: dict[str, Store],
) -> None:
    r = ask(casebook, "CH-ROBIN", "PR-MIDWIFE", explain=True)
    assert r.involved == []
    assert ("consent_invalid", "CO-ROBIN-UNCLE") in {(e.rule, e.basis_id) for e in r.explanation}


def test_expired_consent_stops_granting(casebook: dict[str, Store]) -> None:
    before = ask(casebook, "CH-SALLY", "PR-SOCIAL-WORKER", on=date(2026, 11, 8))
    assert "PR-TEACHER" in [i.practitioner_id for i in before.involved]
    after = ask(casebook, "CH-SALLY", "PR-SOCIAL-WORKER", on=date(2026, 11, 9), explain=True)
    assert after.involved == []


def test_a_withdrawal_takes_effect_for_the_next_lookup(
    casebook: dict[str, Store], tmp_path: Path
) -> None:
    def clock_at(day: int) -> audit.Clock:
        return lambda: datetime(2026, 11, day, 9, 0, tzinfo=UTC)

    def visible(store: Store, day: int) -> list[str]:
        r = who_else(store, "CH-SALLY", "PR-MIDWIFE", clock=clock_at(day))
        return [i.practitioner_id for i in r.involved]

    doc = json.loads(SALLY.read_text())
    withdrawn = [
        dict(c, withdrawn_on="2026-11-20")
        for c in doc["consents"]
        if c["id"] in ("CO-SALLY-TAC", "CO-MOTHER-TAC")
    ]
    update = tmp_path / "withdrawal.json"
    update.write_text(json.dumps({"consents": withdrawn}))
    for store in casebook.values():
        assert "PR-TEACHER" in visible(store, 19)
        import_files(store, [update])
        assert "PR-TEACHER" in visible(store, 19)
        assert visible(store, 20) == ["PR-MIDWIFE"]


def _log(store: Store) -> list[dict[str, Any]]:
    return [e.model_dump() for e in audit.entries(store)]


def _modify(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    log[1]["purpose"] = "nothing to see"
    return log


def _delete(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return log[:1] + log[2:]


def _reorder(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    log[1]["seq"], log[2]["seq"] = 3, 2
    return [log[0], log[2], log[1], log[3]]


def _insert(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    forged = dict(log[2], requester_id="PR-FORGER", prev_hash=log[1]["hash"])
    forged["hash"] = audit.entry_hash(forged, log[1]["hash"])
    for entry in log[2:]:
        entry["seq"] += 1
    return [*log[:2], forged, *log[2:]]


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (_modify, [(2, "modified")]),
        (_delete, [(2, "deleted")]),  # the entry removed, not the one after it
        (_reorder, [(2, "reordered")]),
        (_insert, [(3, "inserted")]),
    ],
    ids=["modified", "deleted", "reordered", "inserted"],
)
def test_audit_verify_names_the_tampered_entry(
    casebook: dict[str, Store], tamper: Any, expected: list[tuple[int, str]]
) -> None:
    for store in casebook.values():
        for viewer in ("PR-HOY", "PR-MIDWIFE", "PR-HOPE", "PR-UNINVOLVED"):
            who_else(store, "CH-SALLY", viewer, as_of=NOW, purpose="test")
        assert audit.verify(store).ok
        rewrite_log(store, _log(store))  # rewriting it unchanged keeps it intact
        assert audit.verify(store).ok
        rewrite_log(store, tamper(_log(store)))
        report = audit.verify(store)
        assert [(p.seq, p.kind) for p in report.problems][: len(expected)] == expected


def test_information_governance_report(casebook: dict[str, Store]) -> None:
    for store in casebook.values():
        who_else(store, "CH-SALLY", "PR-UNINVOLVED", as_of=NOW, purpose="curious")
        who_else(store, "CH-ROBIN", "PR-HOY", as_of=NOW, purpose="check")
        who_else(store, "CH-SALLY", "PR-HOY", as_of=NOW, purpose="TAC meeting")
    report = same_answer(
        casebook,
        lambda s: access_report(s, as_of=NOW).model_dump(exclude={"entries": {"__all__": {"at"}}}),
    )
    flags = [
        (e["requester_id"], e["child_id"], e["requester_not_involved"]) for e in report["entries"]
    ]
    assert flags == [
        ("PR-UNINVOLVED", "CH-SALLY", True),
        ("PR-HOY", "CH-ROBIN", True),
        ("PR-HOY", "CH-SALLY", False),
    ]
    assert [r["practitioner_id"] for r in report["left_but_in_team"]] == ["PR-LEFT"]
    assert [r["consent_id"] for r in report["consents_expiring"]] == [
        "CO-ROBIN-MOTHER-TAC"
    ] or report["consents_expiring"] == []
    assert {b["basis_id"]: b["has_reason"] for b in report["statutory_bases"]} == {
        "SB-ROBIN-HARM": True,
        "SB-ROBIN-NO-REASON": False,
    }


def test_the_answer_as_text_at_80_columns_cuts_no_contact_detail(tmp_path: Path) -> None:
    """Every name, email and phone the JSON answer gives is in the text at 80 columns,
    whole (the involvement table used to end emails in an ellipsis), the team is named,
    and each consent that decided an item is named in full."""
    runner = CliRunner()
    db = ["--db", str(tmp_path / "db")]
    assert runner.invoke(app, ["import", str(SALLY), *db]).exit_code == exits.OK
    ask = ["who-else", "CH-SALLY", "--as", "PR-MIDWIFE", "--as-of", "2026-11-23", *db]
    answer = json.loads(runner.invoke(app, [*ask, "--explain", "--json"]).stdout)
    text = runner.invoke(app, [*ask, "--explain"], env={"COLUMNS": "80"})
    assert text.exit_code == exits.OK, text.stderr
    assert (
        max(len(line) for line in text.stdout.splitlines() if line.startswith(tuple("┏┃┡│└"))) <= 80
    )
    assert "…" not in text.stdout
    involved = answer["involved"]
    assert len(involved) == 5 and all(i["email"] and i["phone"] for i in involved)
    for person in involved:
        for value in (person["practitioner"], person["email"], person["phone"]):
            assert value in text.stdout, value
    team = text.stdout.split("Team Around the Child")[1].split("Family")[0]
    assert len(answer["team"]) == 5
    for member in answer["team"]:
        assert member["practitioner"] in team and member["practitioner_id"] not in team
    for why in answer["explanation"]:
        assert why["basis_id"] is None or why["basis_id"] in text.stdout


def test_who_else_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "db")
    assert runner.invoke(app, ["import", str(SALLY), str(ROBIN), "--db", db]).exit_code == 0
    result = runner.invoke(
        app,
        [
            "who-else",
            "CH-SALLY",
            "--as",
            "PR-MIDWIFE",
            "--as-of",
            "2026-11-23",
            "--db",
            db,
            "--json",
        ],
    )
    assert result.exit_code == exits.OK, result.stderr
    assert [i["practitioner_id"] for i in json.loads(result.stdout)["involved"]][
        0
    ] == "PR-CC-WORKER"
    result = runner.invoke(app, ["who-else", "CH-SALLY", "--as", "PR-UNTRAINED", "--db", db])
    assert result.exit_code == exits.ACCESS_DENIED
    assert result.stderr.startswith("Error: PR-UNTRAINED is not trained and authorised")
    case_list = [
        "who-else",
        "CH-SALLY",
        "CH-ROBIN",
        "--as",
        "PR-HOY",
        "--history",
        "--purpose",
        "case list",
        "--db",
        db,
    ]
    result = runner.invoke(app, [*case_list, "--as-of", "2026-11-23", "--json"])
    assert result.exit_code == exits.OK, result.stderr
    answers = json.loads(result.stdout)
    assert [a["child_id"] for a in answers] == ["CH-SALLY", "CH-ROBIN"]
    assert [e["practitioner_id"] for e in answers[0]["ended"]] == ["PR-SOCIAL-WORKER"]
    result = runner.invoke(app, [*case_list, "--as-of", "2026-11-23"])
    assert result.exit_code == exits.OK and "No longer involved" in result.stdout
    result = runner.invoke(app, ["audit", "verify", "--db", db, "--json"])
    assert result.exit_code == exits.OK and json.loads(result.stdout)["entries"] == 6
    review = ["audit", "access", "--as", "PR-IG-OFFICER", "--purpose", "review", "--db", db]
    result = runner.invoke(app, [*review, "--csv", "--as-of", "2026-11-23"])
    assert result.exit_code == exits.OK and result.stdout.startswith("seq,at,requester_id")


def test_export_leaves_out_a_shielded_childs_whereabouts(
    casebook: dict[str, Store], tmp_path: Path
) -> None:
    from tacgraph.export import export_file

    for engine, store in casebook.items():
        redacted, full = tmp_path / f"{engine}-redacted.json", tmp_path / f"{engine}-full.json"
        export_file(store, redacted, requester_id="PR-HOY", purpose="test")
        export_file(store, full, full=True, requester_id="PR-HOY", purpose="test")
        text = redacted.read_text()
        assert text.startswith('{"format":"tacgraph","version":1,"redacted":true,')
        assert full.read_text().startswith('{"format":"tacgraph","version":1,\n')
        for word in ("Quarry", "WV4 5HR", "HH-REFUGE"):
            assert word not in text and word in full.read_text()
        robin = next(c for c in json.loads(text)["children"] if c["id"] == "CH-ROBIN")
        assert "school_id" not in robin and "gp_practice_id" not in robin


def test_family_team_consents_and_history_as_seen_by_each_viewer(
    casebook: dict[str, Store],
) -> None:
    lead = ask(casebook, "CH-SALLY", "PR-HOY", history=True)
    assert [(f.family_member_id, f.relationship, f.phone) for f in lead.family] == [
        ("FM-FATHER", "father", "07700 900102"),
        ("FM-MOTHER", "mother", "07700 900101"),
    ]
    assert [(t.practitioner_id, t.team_role) for t in lead.team] == [
        ("PR-CC-WORKER", "member"),
        ("PR-HOY", "lead"),
        ("PR-MIDWIFE", "member"),
        ("PR-SCHOOL-NURSE", "member"),
        ("PR-TEACHER", "member"),
    ]
    assert [(c.consent_id, c.to_kind, c.to_id) for c in lead.consents] == [
        ("CO-MOTHER-TAC", "caf", "CAF-SALLY"),
        ("CO-SALLY-TAC", "caf", "CAF-SALLY"),
    ]
    # The social worker stepped away with a summary of work; the drugs project's
    # departure is hidden from the TAC, as Sally refused to share sensitive services.
    assert [(e.practitioner_id, e.ended_on, e.handover) for e in lead.ended] == [
        ("PR-SOCIAL-WORKER", date(2026, 11, 9), True)
    ]
    hope = ask(casebook, "CH-SALLY", "PR-HOPE", history=True)
    assert [(e.practitioner_id, e.handover) for e in hope.ended] == [
        ("PR-PICCADILLY", False),
        ("PR-SOCIAL-WORKER", True),
    ]
    assert "PR-HOPE" in [t.practitioner_id for t in hope.team]
    assert "PR-HOPE" not in [t.practitioner_id for t in lead.team]
    # Without history, nothing ended is shown.
    assert ask(casebook, "CH-SALLY", "PR-HOY").ended == []
    stranger = ask(casebook, "CH-SALLY", "PR-UNINVOLVED", history=True)
    assert (stranger.family, stranger.consents, stranger.ended) == ([], [], [])
    assert [(t.practitioner_id, t.team_role) for t in stranger.team] == [("PR-HOY", "lead")]
    shielded = ask(casebook, "CH-ROBIN", "PR-HOY", history=True)
    assert (shielded.family, shielded.team, shielded.consents, shielded.ended) == ([], [], [], [])


def test_a_case_list_is_answered_in_one_go_and_audited_per_child(
    casebook: dict[str, Store],
) -> None:
    children = ["CH-SALLY", "CH-NOBODY", "CH-ROBIN", "CH-SALLY"]
    for store in casebook.values():
        batch = who_else_many(store, children, "PR-HOY", as_of=NOW, purpose="case list")
        single = [
            who_else(store, c, "PR-HOY", as_of=NOW, purpose="case list")
            for c in ("CH-SALLY", "CH-NOBODY", "CH-ROBIN")
        ]
        assert batch == single
        log = list(audit.entries(store))
        assert [(e.child_id, e.outcome) for e in log] == 2 * [
            ("CH-SALLY", "disclosed"),
            ("CH-NOBODY", "unknown_child"),
            ("CH-ROBIN", "disclosed"),
        ]
        assert audit.verify(store).ok
        with pytest.raises(AccessDenied):
            who_else_many(store, ["CH-SALLY", "CH-ROBIN"], "PR-UNTRAINED", as_of=NOW)
        denied = list(audit.entries(store))[-2:]
        assert [(e.child_id, e.outcome) for e in denied] == [
            ("CH-SALLY", "denied"),
            ("CH-ROBIN", "denied"),
        ]


def test_the_access_log_survives_a_writer_with_a_stale_head(casebook: dict[str, Store]) -> None:
    """Another process appending moves the head; the next append reads it again."""
    for store in casebook.values():
        who_else(store, "CH-SALLY", "PR-HOY", as_of=NOW)
        who_else(store, "CH-SALLY", "PR-MIDWIFE", as_of=NOW)
        audit._heads[store] = (1, list(audit.entries(store))[0].hash)  # as if written elsewhere
        who_else(store, "CH-SALLY", "PR-HOPE", as_of=NOW)
        assert [e.seq for e in audit.entries(store)] == [1, 2, 3]
        assert audit.verify(store).ok


def test_audit_verify_finds_entries_removed_from_the_end(casebook: dict[str, Store]) -> None:
    for store in casebook.values():
        for viewer in ("PR-HOY", "PR-MIDWIFE", "PR-HOPE"):
            who_else(store, "CH-SALLY", viewer, as_of=NOW)
        store.run("MATCH (e:AuditEntry) WHERE e.seq = 3 DELETE e")
        report = audit.verify(store)
        assert [(p.seq, p.kind) for p in report.problems] == [(3, "deleted")]
        assert "entry 3 is missing from the end" in report.problems[0].detail


def test_text_no_engine_can_store_fails_closed(casebook: dict[str, Store]) -> None:
    """A lone surrogate (undecodable bytes) as a child id: an error, nothing disclosed."""
    for store in casebook.values():
        with pytest.raises(StoreError) as info:
            who_else(store, "CH-\ud800", "PR-HOY", as_of=NOW)
        assert "Sally" not in str(info.value)
        # Nothing was disclosed: no entry of the access log says so (today none is
        # written), and the log still verifies.
        entries = list(audit.entries(store))
        assert [e for e in entries if e.outcome == "disclosed" or e.disclosed] == []
        assert audit.verify(store).ok


def test_a_past_dates_lookup_reads_the_child_once_for_both_dates(
    casebook: dict[str, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gate decides as of the date asked for and as of today; the cases for both
    come from one read: on LadybugDB each of the child's chains runs once (they take no
    date), on Neo4j both case reads run in the one read transaction with the
    requester's. The answer is the one the gate gives on both engines."""
    ran: dict[str, list[str]] = {engine: [] for engine in casebook}
    units: dict[str, int] = dict.fromkeys(casebook, 0)
    for engine, store in casebook.items():
        query, query_many = store.query, store.query_many

        def counted(name: str, params: Any = None, engine: str = engine, run: Any = query) -> Any:
            ran[engine].append(name)
            return run(name, params)

        def unit(calls: Any, *, short: bool = False, engine: str = engine, run: Any = query_many):
            units[engine] += 1
            return run(calls, short=short)

        monkeypatch.setattr(store, "query", counted)
        monkeypatch.setattr(store, "query_many", unit)
    r = ask(casebook, "CH-SALLY", "PR-MIDWIFE", on=date(2026, 10, 1), clock=at(NOW))
    assert "PR-SOCIAL-WORKER" in [i.practitioner_id for i in r.involved]
    chains = [n for n in ran["embedded"] if n.startswith(("child_", "lookup_child"))]
    assert chains and len(chains) == len(set(chains)), chains
    assert units["neo4j"] == 1
