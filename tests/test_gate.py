"""The gate, tried as a hostile or careless user would: each finding of the trust review
on the Sally and Robin case studies, on both engines, with the access-log entry (its
governance flags, read path and channel) each read writes before it answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import BROKER, add_records, same_answer
from tacgraph import audit, caf, cases, gate
from tacgraph.access import AccessDenied
from tacgraph.export import export_file
from tacgraph.lookup import front_door, who_else
from tacgraph.model import (
    Child,
    Consent,
    ConsentKind,
    FamilyMember,
    FamilyRelation,
    Practitioner,
    Relationship,
    Role,
    Scope,
)
from tacgraph.practice_report import practice_report
from tacgraph.render.tacmap import map_for
from tacgraph.rows.lookup import GATE_SHIELDED_HOUSEHOLDS
from tacgraph.store import Store
from tacgraph.timeline import timeline

pytestmark = pytest.mark.neo4j
TODAY = date(2026, 11, 23)
REFUGE = ("Quarry", "WV4 5HR", "HH-REFUGE")


def at(day: date) -> audit.Clock:
    return lambda: datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


NOW = at(TODAY)


@pytest.fixture
def logged(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[audit.Pending]]:
    """Every access-log entry written, as the gate built it (flags, path, channel)."""
    written: list[audit.Pending] = []
    original = audit.append_many

    def capture(store: Store, items: list[audit.Pending], **kw: Any) -> list[audit.AuditEntry]:
        written.extend(items)
        return original(store, items, **kw)

    monkeypatch.setattr(audit, "append_many", capture)
    yield written


def ask(stores: dict[str, Store], child: str, viewer: str, **kw: Any) -> Any:
    kw.setdefault("clock", NOW)
    kw.setdefault("purpose", "test")
    return same_answer(stores, lambda s: who_else(s, child, viewer, **kw))


# --------------------------------------------------------------------------- time


def test_a_past_date_does_not_let_a_leaver_back_in(
    casebook: dict[str, Store], logged: list[audit.Pending]
) -> None:
    for s in casebook.values():
        with pytest.raises(AccessDenied, match="left"):
            who_else(s, "CH-SALLY", "PR-LEFT", as_of=date(2026, 9, 20), purpose="test", clock=NOW)
    assert [e.outcome for e in logged] == ["denied", "denied"]
    assert all({"left_agency", "past_date"} <= set(e.flags) for e in logged)


def test_a_past_date_does_not_revive_an_expired_consent(
    casebook: dict[str, Store], logged: list[audit.Pending]
) -> None:
    # CO-SALLY-SOCIAL-CARE let the social care team see Sally until 2026-11-09.
    then = ask(
        casebook,
        "CH-SALLY",
        "PR-TEAM-MANAGER",
        as_of=date(2026, 11, 1),
        clock=at(date(2026, 11, 1)),
    )
    assert then.address_line is not None and then.involved  # as it was on that day
    later = ask(casebook, "CH-SALLY", "PR-TEAM-MANAGER", as_of=date(2026, 11, 1), explain=True)
    assert later.address_line is None and later.postcode is None
    assert later.family == [] and later.involved == []
    assert any("not allowed today" in e.detail for e in later.explanation if not e.shown)
    assert "past_date" in logged[-1].flags and logged[-1].path == "who_else"


def authorised(id: str, name: str, agency_id: str, role: Role) -> Practitioner:
    """A practitioner of ``agency_id`` authorised to look children up."""
    given_name, family_name = name.split()
    return Practitioner(
        id=id,
        given_name=given_name,
        family_name=family_name,
        agency_id=agency_id,
        role=role,
        lookup_authorised=True,
    )


def sally_consent(id: str, given_on: date, scopes: list[Scope], **to: Any) -> Consent:
    """Sally's own explicit consent (she is competent to give it), with no end, to the
    recipient and services ``to`` names (``to_agency_id=...``, ``services=...``)."""
    return Consent(
        id=id,
        child_id="CH-SALLY",
        given_by_child=True,
        child_competent=True,
        kind=ConsentKind.EXPLICIT,
        scopes=scopes,
        given_on=given_on,
        **to,
    )


def social_care_consent(id: str, given_on: date) -> Consent:
    """Sally's consent for the social care team, with no end."""
    scopes = [Scope.CONTACT_DETAILS, Scope.INVOLVEMENT]
    return sally_consent(id, given_on, scopes, to_agency_id="AG-SOCIAL-CARE")


def test_a_past_date_cites_the_consent_in_force_on_both_dates(
    casebook: dict[str, Store],
) -> None:
    # Given the same day as CO-SALLY-SOCIAL-CARE (which ended 2026-11-09), with no end:
    # the lookup of 2026-11-01 made today cites it, not the one that has lapsed.
    add_records(casebook, social_care_consent("CO-SALLY-SOCIAL-CARE-OPEN", date(2026, 8, 24)))
    r = ask(casebook, "CH-SALLY", "PR-TEAM-MANAGER", as_of=date(2026, 11, 1), explain=True)
    shown = [e for e in r.explanation if e.shown and e.rule == "consent"]
    assert r.involved and shown
    assert {e.basis_id for e in shown} == {"CO-SALLY-SOCIAL-CARE-OPEN"}


def test_a_past_date_needs_one_consent_in_force_on_both_dates(
    casebook: dict[str, Store],
) -> None:
    # Renewed after the date asked about: each date has a consent, no one consent spans
    # both, and nothing that needed one is shown.
    add_records(casebook, social_care_consent("CO-SALLY-SOCIAL-CARE-RENEWED", date(2026, 11, 10)))
    r = ask(casebook, "CH-SALLY", "PR-TEAM-MANAGER", as_of=date(2026, 11, 1), explain=True)
    assert r.address_line is None and r.involved == []
    lapsed = [e for e in r.explanation if e.rule == "no_lasting_basis"]
    assert lapsed and not any(e.shown for e in lapsed)
    assert all("CO-SALLY-SOCIAL-CARE" in e.detail for e in lapsed)
    today = ask(casebook, "CH-SALLY", "PR-TEAM-MANAGER", explain=True)
    assert today.involved  # today the renewed consent allows it


def test_a_past_date_needs_the_consent_cited_to_cover_the_viewer_today(
    casebook: dict[str, Store],
) -> None:
    # The drugs project's worker was in Sally's CAF team (and so covered by the team's
    # consents) until 2026-11-09; a consent to them alone came on 2026-11-10. Each date
    # has a consent covering them, no one consent covers them on both.
    scopes = [Scope.CONTACT_DETAILS, Scope.INVOLVEMENT]
    later = date(2026, 11, 10)
    add_records(
        casebook,
        sally_consent("CO-SALLY-PICCADILLY", later, scopes, to_practitioner_id="PR-PICCADILLY"),
    )
    r = ask(casebook, "CH-SALLY", "PR-PICCADILLY", as_of=date(2026, 11, 1), explain=True)
    assert not [e for e in r.explanation if e.shown and e.rule == "consent"]
    assert [e for e in r.explanation if e.rule == "no_lasting_basis"]
    assert {i.practitioner_id for i in r.involved} <= {"PR-PICCADILLY"}


def test_an_information_governance_officer_sees_the_past_as_it_was(
    casebook: dict[str, Store], logged: list[audit.Pending]
) -> None:
    add_records(
        casebook,
        authorised("PR-IG", "Iris Grant", "AG-SOCIAL-CARE", Role.INFORMATION_GOVERNANCE_OFFICER),
    )
    past = date(2026, 11, 1)
    for s in casebook.values():
        with pytest.raises(AccessDenied, match="without a reason"):
            who_else(s, "CH-SALLY", "PR-IG", as_of=past, clock=NOW)
    assert logged[-1].outcome == "denied"
    seen = ask(casebook, "CH-SALLY", "PR-IG", as_of=past, purpose="complaint 2026/114")
    assert seen.address_line is not None  # the consent to social care was in force then
    entry = logged[-1]
    assert entry.purpose == "complaint 2026/114" and "past_date" in entry.flags
    assert "as it was" in entry.detail
    # the same officer today sees what today's consents allow
    assert ask(casebook, "CH-SALLY", "PR-IG").address_line is None


# --------------------------------------------------------------------------- shielding


@pytest.fixture
def sibling(casebook: dict[str, Store]) -> dict[str, Store]:
    """Robin's sister, not shielded herself, living with him and their mother in the
    refuge; the children's centre may see her contact details."""
    add_records(
        casebook,
        Child(
            id="CH-ROBIN-SIS",
            given_name="Rose",
            family_name="Hale",
            date_of_birth=date(2017, 6, 1),
            address_line="Flat 2, 9 Quarry Road, Southfield",
            postcode="WV4 5HR",
            household_id="HH-REFUGE",
        ),
        FamilyMember(
            id="FM-HALE-MOTHER",
            given_name="Dawn",
            family_name="Hale",
            household_id="HH-REFUGE",
            phone="07700 900201",
            relations=[
                FamilyRelation(
                    child_id=c,
                    relationship=Relationship.MOTHER,
                    parental_responsibility=True,
                    carer=True,
                )
                for c in ("CH-ROBIN", "CH-ROBIN-SIS")
            ],
        ),
        Consent(
            id="CO-SIS-CC",
            child_id="CH-ROBIN-SIS",
            given_by_family_member_id="FM-HALE-MOTHER",
            kind=ConsentKind.EXPLICIT,
            to_agency_id="AG-CHILDRENS-CENTRE",
            scopes=[Scope.INVOLVEMENT, Scope.CONTACT_DETAILS],
            given_on=date(2026, 10, 1),
        ),
    )
    return casebook


def test_a_shielded_child_s_household_is_shielded_for_a_sibling(
    sibling: dict[str, Store], tmp_path: Path
) -> None:
    r = ask(sibling, "CH-ROBIN-SIS", "PR-CC-WORKER")
    assert r.date_of_birth == date(2017, 6, 1)  # the consent still counts
    assert r.address_line is None and r.postcode is None
    assert [f.family_member_id for f in r.family] == ["FM-HALE-MOTHER"]
    assert r.family[0].phone == "07700 900201" and r.family[0].address_line is None
    text = r.model_dump_json()
    assert not any(word in text for word in REFUGE)
    for s in sibling.values():
        drawn = map_for(s, "CH-ROBIN-SIS", "PR-CC-WORKER", purpose="test", clock=NOW)
        assert not any(word in drawn.model_dump_json() for word in REFUGE)


@pytest.mark.parametrize(
    "child_ids",
    [
        ["CH-ROBIN-SIS"],
        ["CH-ROBIN"],
        ["CH-SALLY"],
        ["CH-NOBODY"],
        ["CH-SALLY", "CH-ROBIN-SIS", "CH-NOBODY", "CH-ROBIN", "CH-ROBIN-SIS"],
    ],
    ids=["sibling", "shielded", "unrelated", "unknown", "a case list"],
)
def test_the_household_shield_is_read_from_chains_with_the_same_rows(
    sibling: dict[str, Store], monkeypatch: pytest.MonkeyPatch, child_ids: list[str]
) -> None:
    """The lookup and the case list read the household shield with the cases. On
    LadybugDB it comes from chains from each child (gate_shielded_households joins
    against every child there); the rows are those that query gives, on both engines,
    a child named twice answered once."""
    ran: list[str] = []
    embedded = sibling["embedded"]
    query = embedded.query

    def counted(name: str, params: Any = None) -> Any:
        ran.append(name)
        return query(name, params)

    for engine, s in sibling.items():
        expected = s.read(GATE_SHIELDED_HOUSEHOLDS, {"child_ids": child_ids})
        if engine == "embedded":
            monkeypatch.setattr(s, "query", counted)
        read = cases.read_with(s, [], child_ids, TODAY, shields=True)
        monkeypatch.undo()
        assert sorted(read.shields, key=repr) == sorted(expected, key=repr), engine
        if "CH-ROBIN-SIS" in child_ids:
            assert read.shields, "the refuge is shielded"
    assert ran and "gate_shielded_households" not in ran


def test_caf_check_gives_the_front_door_for_a_shielded_child(casebook: dict[str, Store]) -> None:
    check = same_answer(
        casebook, lambda s: caf.check(s, "CH-ROBIN", "PR-UNINVOLVED", TODAY, clock=NOW)
    )
    contact = check.open_cafs[0].contact
    assert contact.broker == front_door() and contact.phone is None and contact.name is None
    assert "Kowalski" not in check.model_dump_json() and "960301" not in check.model_dump_json()


def test_the_default_export_leaves_out_what_locates_a_shielded_child(
    casebook: dict[str, Store], tmp_path: Path, logged: list[audit.Pending]
) -> None:
    outs = {}
    for engine, s in casebook.items():
        outs[engine] = tmp_path / f"{engine}.json"
        export_file(s, outs[engine], requester_id="PR-HOY", purpose="backup", clock=NOW)
    assert outs["embedded"].read_bytes() == outs["neo4j"].read_bytes()
    text = outs["embedded"].read_text()
    assert text.startswith('{"format":"tacgraph","version":1,"redacted":true,')
    doc = json.loads(text)
    involvements = {i["id"] for i in doc["involvements"]}
    assert "IN-ROBIN-TEACHER" not in involvements and "IN-ROBIN-SW" in involvements
    assert "TM-ROBIN-TEACHER" not in {m["id"] for m in doc["team_memberships"]}
    for word in (*REFUGE, 'AG-REFUGE-SCHOOL","c'):
        assert word not in text
    # the uncle's own household would locate the family too (none recorded here)
    uncle = next(f for f in doc["family_members"] if f["id"] == "FM-HALE-UNCLE")
    assert "household_id" not in uncle
    # one entry per export, naming its scope
    entries = [e for e in logged if e.path == "export"]
    assert len(entries) == 2 and all(e.child_id == "*" and "bulk" in e.flags for e in entries)
    assert all("every child, redacted" in e.detail for e in entries)


def test_an_export_needs_an_authorised_requester(
    casebook: dict[str, Store], tmp_path: Path, logged: list[audit.Pending]
) -> None:
    for s in casebook.values():
        with pytest.raises(AccessDenied):
            export_file(s, tmp_path / "x.json", requester_id="PR-UNTRAINED", clock=NOW)
    assert not (tmp_path / "x.json").exists()
    assert [e.outcome for e in logged] == ["denied", "denied"]


# --------------------------------------------------------------------------- enquiry


def test_an_enquiry_without_consent_learns_only_whom_to_contact(
    casebook: dict[str, Store], logged: list[audit.Pending]
) -> None:
    r = ask(casebook, "CH-SALLY", "PR-UNINVOLVED", explain=True)
    assert r.known and r.contact.name == "Helen Okafor"
    assert r.sensitive_services == [] and r.withheld == 0
    assert BROKER not in r.model_dump_json()
    assert not any(e.item.startswith("withheld item") for e in r.explanation)
    assert {"not_involved", "enquiry_only"} <= set(logged[-1].flags)
    t = same_answer(
        casebook,
        lambda s: timeline(s, "CH-SALLY", "PR-UNINVOLVED", as_of=TODAY, purpose="x", clock=NOW),
    )
    assert t.withheld == 0 and t.events == [] and t.working_on_date == []


def test_a_lookup_without_involvement_needs_a_purpose(
    casebook: dict[str, Store], logged: list[audit.Pending]
) -> None:
    for s in casebook.values():
        with pytest.raises(gate.PurposeRequired):
            who_else(s, "CH-SALLY", "PR-UNINVOLVED", clock=NOW)
        who_else(s, "CH-SALLY", "PR-HOY", clock=NOW)  # her own case: no purpose needed
    assert [e.outcome for e in logged] == ["denied", "disclosed"] * 2


def test_same_surname_is_flagged_when_the_lookup_happens(
    casebook: dict[str, Store], logged: list[audit.Pending]
) -> None:
    # Gary Hale left the children's centre; Robin Hale's father? The flag says look.
    add_records(casebook, authorised("PR-HALE", "Mark Hale", "AG-GP-NORTH", Role.GP))
    ask(casebook, "CH-ROBIN", "PR-HALE")
    assert {"same_surname", "not_involved"} <= set(logged[-1].flags)
    assert logged[-1].channel == "library"


# --------------------------------------------------------------------------- consent


def test_a_consent_can_name_the_service_it_covers(casebook: dict[str, Store]) -> None:
    # Sally now lets the team know about the Hope Project, and still not the drugs
    # project (her refusal of 2026-07-13 stands for it).
    add_records(
        casebook,
        sally_consent(
            "CO-SALLY-HOPE-TAC",
            date(2026, 11, 20),
            [Scope.INVOLVEMENT, Scope.SENSITIVE_SERVICES],
            to_caf_id="CAF-SALLY",
            services=["AG-HOPE"],
        ),
    )
    r = ask(casebook, "CH-SALLY", "PR-HOY", history=True)
    assert "PR-HOPE" in {i.practitioner_id for i in r.involved}
    assert "PR-PICCADILLY" not in {i.practitioner_id for i in r.ended}
    assert r.withheld == 0 and r.sensitive_services == []
    # practice audit: the drugs project's finding still names no service
    for s in casebook.values():
        report = practice_report(s, requester_id="PR-HOY", as_of=TODAY, clock=NOW)
        assert "PICCADILLY" not in report.model_dump_json().upper()


# --------------------------------------------------------------------------- paths


def test_a_refused_caf_start_is_audited_and_says_no_more_than_an_enquiry(
    casebook: dict[str, Store], logged: list[audit.Pending]
) -> None:
    for s in casebook.values():
        with pytest.raises(caf.CafRefused) as info:
            caf.start(s, "CH-ROBIN", "PR-UNINVOLVED", TODAY, clock=NOW)
        assert "CO-ROBIN" not in str(info.value)
    refused = [e for e in logged if e.path == "caf_start"]
    assert [e.outcome for e in refused] == ["refused", "refused"]


def test_caf_changes_are_audited_and_name_no_one_of_a_shielded_child_s_team(
    casebook: dict[str, Store], logged: list[audit.Pending]
) -> None:
    for s in casebook.values():
        change = caf.close(s, "CAF-ROBIN", "PR-CAF-COORD", TODAY, clock=NOW)
        assert change.written == [] and "PR-" not in change.detail
        assert "Kowalski" not in change.model_dump_json()
    entries = [e for e in logged if e.path == "caf_change"]
    assert [(e.child_id, e.outcome) for e in entries] == [("CH-ROBIN", "changed")] * 2


def test_the_practice_audit_writes_one_entry_naming_its_scope(
    sally: dict[str, Store], logged: list[audit.Pending]
) -> None:
    report = same_answer(
        sally, lambda s: practice_report(s, requester_id="PR-HOY", as_of=TODAY, clock=NOW)
    )
    assert "PICCADILLY" not in report.model_dump_json().upper()
    assert [(e.path, e.child_id) for e in logged] == [("practice_audit", "*")] * 2
    assert all("bulk" in e.flags and "every child" in e.detail for e in logged)
    assert all(e.detail.endswith("; 2 sensitive service findings redacted") for e in logged)
