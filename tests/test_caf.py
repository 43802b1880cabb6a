"""The CAF register on both engines: the check says only what an enquiry may, each
lifecycle step records who and when, and every refusal names the CAF and changes
nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import BROKER, SALLY
from tacgraph import audit, caf
from tacgraph.access import AccessDenied
from tacgraph.caf.reading import serving, team_of
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.errors import NotFound, StoreError
from tacgraph.export import canonical_hash
from tacgraph.importer import import_files, import_records
from tacgraph.lookup import front_door, who_else
from tacgraph.model import (
    Caf,
    CafAction,
    CafState,
    Child,
    Consent,
    ConsentDecision,
    ConsentKind,
    FamilyMember,
    FamilyRelation,
    Gender,
    Practitioner,
    Record,
    Relationship,
    ReviewOutcome,
    Role,
    Scope,
    ServiceLevel,
    TeamMembership,
    TeamRole,
)
from tacgraph.schema import EdgeSpec, graph_schema
from tacgraph.store import Store

pytestmark = pytest.mark.neo4j
ON = date(2026, 11, 23)


def _consent(cid: str, **kw: Any) -> Consent:
    base: dict[str, Any] = {
        "id": cid,
        "child_id": "CH-ALEX",
        "given_by_family_member_id": "FM-ALEX-MOTHER",
        "kind": ConsentKind.EXPLICIT,
        "to_agency_id": "AG-NHS-SCHOOL",
        "scopes": [Scope.CAF_CONTENT, Scope.CONTACT_DETAILS],
        "given_on": date(2026, 11, 2),
    }
    base.update(kw)
    return Consent(**base)


def _alex(*consents: Consent) -> list[Record]:
    """A child with no CAF, a mother with parental responsibility and a father without,
    and the consents given."""
    return [
        Child(
            id="CH-ALEX",
            given_name="Alex",
            family_name="Morgan",
            date_of_birth=date(2015, 3, 7),
            gender=Gender.MALE,
            school_id="AG-NHS-SCHOOL",
        ),
        FamilyMember(
            id="FM-ALEX-MOTHER",
            given_name="Dana",
            family_name="Morgan",
            relations=[
                FamilyRelation(
                    child_id="CH-ALEX",
                    relationship=Relationship.MOTHER,
                    parental_responsibility=True,
                    carer=True,
                )
            ],
        ),
        FamilyMember(
            id="FM-ALEX-FATHER",
            given_name="Lee",
            family_name="Morgan",
            relations=[FamilyRelation(child_id="CH-ALEX", relationship=Relationship.FATHER)],
        ),
        *consents,
    ]


@pytest.fixture
def sally(store: Store) -> Store:
    """The Sally case study in one engine (each test runs on each engine)."""
    import_files(store, [SALLY])
    return store


def refused(store: Store, change: Callable[[], object], *words: str) -> str:
    """Run a change that must be refused; assert nothing changed; return the message."""
    before = canonical_hash(store)
    with pytest.raises(caf.CafRefused) as info:
        change()
    assert canonical_hash(store) == before, "a refused change wrote something"
    message = str(info.value)
    for word in words:
        assert word in message, message
    return message


def events(store: Store, caf_id: str) -> list[tuple[str, str, date]]:
    rows = store.nodes_by_id("CafEvent", [f"{caf_id}-EV-{ON:%Y%m%d}-{a.value}" for a in CafAction])
    return sorted((r["action"], r["id"], r["changed_on"]) for r in rows.values())


# --------------------------------------------------------------------------- check


def test_check_names_the_lead_and_how_to_join(sally: Store) -> None:
    result = caf.check(sally, "CH-SALLY", "PR-UNINVOLVED", ON)
    assert not result.may_start and [c.caf_id for c in result.open_cafs] == ["CAF-SALLY"]
    found = result.open_cafs[0]
    assert (found.state, found.started_on, found.record_id) == (
        CafState.STEPPED_DOWN,
        date(2026, 7, 6),
        "CH-SALLY",
    )
    assert found.duplicate_probability is None
    assert found.contact.model_dump() == {
        "role": "Lead Professional",
        "name": "Helen Okafor",
        "agency": "Northfield High School",
        "email": "helen.okafor@example.org",
        "phone": "01632 960101",
        "broker": None,
        "withheld": [],
    }
    assert "Helen Okafor" in found.how_to_join and "CAF-SALLY" in found.how_to_join
    # enquiry-level facts only: nothing about the child herself
    text = result.model_dump_json()
    for detail in ("Larch Close", "WV10", "2010-05-14", "9434765919", "Carter"):
        assert detail not in text


def test_check_with_no_caf_says_you_may_start_one(sally: Store) -> None:
    result = caf.check(sally, "CH-SALLY-BABY", "PR-MIDWIFE", ON)
    assert result.may_start and result.open_cafs == [] and "may start one" in result.advice


def test_check_needs_an_authorised_requester(sally: Store) -> None:
    with pytest.raises(AccessDenied, match="not trained and authorised"):
        caf.check(sally, "CH-SALLY", "PR-UNTRAINED", ON)
    with pytest.raises(AccessDenied, match="unknown requester"):
        caf.check(sally, "CH-SALLY", "PR-NOBODY", ON)
    with pytest.raises(NotFound):
        caf.check(sally, "CH-NOBODY", "PR-HOY", ON)


def test_every_check_is_written_to_the_access_log(sally: Store) -> None:
    before = len(list(audit.entries(sally)))
    caf.check(sally, "CH-SALLY", "PR-UNINVOLVED", ON)
    with pytest.raises(AccessDenied):
        caf.check(sally, "CH-SALLY", "PR-UNTRAINED", ON)
    with pytest.raises(AccessDenied):
        caf.check(sally, "CH-SALLY", "PR-NOBODY", ON)
    with pytest.raises(NotFound):
        caf.check(sally, "CH-NOBODY", "PR-HOY", ON)
    log = list(audit.entries(sally))[before:]
    assert [(e.requester_id, e.child_id, e.purpose, e.as_of, e.outcome) for e in log] == [
        ("PR-UNINVOLVED", "CH-SALLY", "caf check", "2026-11-23", "disclosed"),
        ("PR-UNTRAINED", "CH-SALLY", "caf check", "2026-11-23", "denied"),
        ("PR-NOBODY", "CH-SALLY", "caf check", "2026-11-23", "denied"),
        ("PR-HOY", "CH-NOBODY", "caf check", "2026-11-23", "unknown_child"),
    ]
    assert log[0].disclosed == ["caf:CAF-SALLY", "child:caf_open", "contact:PR-HOY"]
    assert [e.disclosed for e in log[1:]] == [[], [], []]
    assert [e.bases for e in log] == [[], [], [], []]  # an enquiry needs no consent
    assert "not trained and authorised" in log[1].detail
    assert audit.verify(sally).ok


def test_a_check_that_cannot_be_logged_returns_nothing(
    sally: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A write to the log failing cannot be made to happen on a healthy engine.
    def broken(*args: object, **kwargs: object) -> None:
        raise StoreError("the access log cannot be written")

    monkeypatch.setattr(audit, "append_many", broken)
    with pytest.raises(StoreError, match="access log"):
        caf.check(sally, "CH-SALLY", "PR-UNINVOLVED", ON)
    with pytest.raises(StoreError, match="access log"):
        caf.check(sally, "CH-SALLY", "PR-UNTRAINED", ON)


def test_a_sensitive_lead_is_reached_through_the_broker(sally: Store) -> None:
    caf.set_lead(sally, "CAF-SALLY", "PR-HOPE", "PR-HOY", ON)
    contact = caf.check(sally, "CH-SALLY", "PR-UNINVOLVED", ON).open_cafs[0].contact
    assert contact.broker == BROKER
    assert (contact.name, contact.agency, contact.email, contact.phone) == (None,) * 4
    assert "Hope" not in contact.model_dump_json() and "Rahman" not in contact.model_dump_json()
    # the log names the broker's agency as shown, not the practitioner
    (*_, last) = audit.entries(sally)
    assert last.disclosed == ["broker:AG-HOPE", "caf:CAF-SALLY", "child:caf_open"]


def test_a_shielded_child_s_school_lead_is_not_located(sally: Store) -> None:
    import_records(
        sally,
        [
            Child(
                id="CH-ROBYN",
                given_name="Robyn",
                family_name="Hale",
                date_of_birth=date(2013, 2, 3),
                shielded=True,
                shield_named=["PR-HOY"],
            ),
            *caf_records("CAF-ROBYN", "CH-ROBYN", "PR-HOY"),
        ],
    )
    hidden = caf.check(sally, "CH-ROBYN", "PR-UNINVOLVED", ON).open_cafs[0].contact
    # as who-else: the front door, never the lead's direct line
    assert (hidden.name, hidden.phone, hidden.agency, hidden.email) == (None, None, None, None)
    assert hidden.broker == front_door()
    assert hidden.withheld == ["name", "agency", "email", "phone"]
    named = caf.check(sally, "CH-ROBYN", "PR-HOY", ON).open_cafs[0].contact
    assert named.agency == "Northfield High School"


def caf_records(caf_id: str, child_id: str, lead: str) -> list[Record]:
    return [
        Caf(id=caf_id, child_id=child_id, started_by_id=lead, started_on=date(2026, 10, 1)),
        TeamMembership(
            id=f"{caf_id}-TM",
            practitioner_id=lead,
            caf_id=caf_id,
            role=TeamRole.LEAD,
            started_on=date(2026, 10, 1),
        ),
    ]


# --------------------------------------------------------------------------- start


def test_start_needs_a_valid_consent(sally: Store) -> None:
    import_records(
        sally,
        _alex(
            _consent("CO-FATHER", given_by_family_member_id="FM-ALEX-FATHER"),
            _consent(
                "CO-CHILD",
                given_by_family_member_id=None,
                given_by_child=True,
                child_competent=False,
            ),
            _consent("CO-EXPIRED", expires_on=date(2026, 11, 20)),
            _consent("CO-WITHDRAWN", withdrawn_on=ON),
            _consent("CO-FUTURE", given_on=date(2026, 12, 1)),
            _consent("CO-NO-CAF", scopes=[Scope.CONTACT_DETAILS]),
            _consent("CO-ELSEWHERE", to_agency_id="AG-GP-NORTH"),
            _consent("CO-REFUSAL", decision=ConsentDecision.REFUSED),
        ),
    )
    message = refused(sally, lambda: caf.start(sally, "CH-ALEX", "PR-HOY", ON), "CH-ALEX")
    for reason in (
        "CO-FATHER is not valid: the giver has no parental responsibility for this child",
        "CO-CHILD is not valid: the child's competence is not recorded",
        "CO-EXPIRED is not in force: expired on 2026-11-20",
        "CO-WITHDRAWN is not in force: withdrawn on 2026-11-23",
        "CO-FUTURE is not in force: not given until 2026-12-01",
        "CO-NO-CAF does not cover caf_content",
        "CO-REFUSAL is a refusal from the family member FM-ALEX-MOTHER",
    ):
        assert reason in message
    # a consent to someone else is no business of the starter's
    assert "CO-ELSEWHERE" not in message
    refused(
        sally,
        lambda: caf.start(sally, "CH-ALEX", "PR-HOY", ON, consent_id="CO-REFUSAL"),
        "CO-REFUSAL is a refusal",
    )


def test_a_later_refusal_overrides_a_consent(sally: Store) -> None:
    import_records(
        sally,
        _alex(
            _consent("CO-YES"),
            _consent(
                "CO-NO",
                decision=ConsentDecision.REFUSED,
                to_agency_id=None,
                to_practitioner_id="PR-HOY",
                given_on=date(2026, 11, 10),
            ),
        ),
    )
    refused(
        sally,
        lambda: caf.start(sally, "CH-ALEX", "PR-HOY", ON),
        "CO-YES is overridden by CO-NO: a parent or carer refused consent on 2026-11-10",
    )
    refused(
        sally,
        lambda: caf.start(sally, "CH-ALEX", "PR-HOY", ON, consent_id="CO-YES"),
        "CO-YES is overridden by CO-NO",
    )


# What the lookup decides about CAF content for a practitioner, and whether the CAF
# lifecycle accepts the consents: each case, and whether it grants.
CONSENT_CASES: dict[str, tuple[list[Consent], bool]] = {
    "the mother's consent": ([_consent("CO-YES")], True),
    "withdrawn": ([_consent("CO-WITHDRAWN", withdrawn_on=date(2026, 11, 20))], False),
    "expired": ([_consent("CO-EXPIRED", expires_on=date(2026, 11, 20))], False),
    "from a father without parental responsibility": (
        [_consent("CO-FATHER", given_by_family_member_id="FM-ALEX-FATHER")],
        False,
    ),
    "from the child, not competent": (
        [
            _consent(
                "CO-CHILD",
                given_by_family_member_id=None,
                given_by_child=True,
                child_competent=False,
            )
        ],
        False,
    ),
    "a refusal after the consent": (
        [
            _consent("CO-YES"),
            _consent("CO-NO", decision=ConsentDecision.REFUSED, given_on=date(2026, 11, 10)),
        ],
        False,
    ),
    "the competent child refuses what the mother gave": (
        [
            _consent("CO-YES"),
            _consent(
                "CO-CHILD-NO",
                decision=ConsentDecision.REFUSED,
                given_by_family_member_id=None,
                given_by_child=True,
                child_competent=True,
            ),
        ],
        False,
    ),
    "a later refusal to another agency": (
        [
            _consent("CO-YES"),
            _consent(
                "CO-NO-GP",
                decision=ConsentDecision.REFUSED,
                to_agency_id="AG-GP-NORTH",
                given_on=date(2026, 11, 10),
            ),
        ],
        True,
    ),
    "a consent after an earlier refusal": (
        [
            _consent("CO-NO", decision=ConsentDecision.REFUSED, given_on=date(2026, 10, 20)),
            _consent("CO-YES"),
        ],
        True,
    ),
}


@pytest.mark.parametrize("case", list(CONSENT_CASES))
def test_the_lifecycle_and_the_lookup_agree_on_consent(sally: Store, case: str) -> None:
    consents, grants = CONSENT_CASES[case]
    import_records(sally, [*_alex(*consents), *caf_records("CAF-ALEX", "CH-ALEX", "PR-GP")])
    # the lookup shows the teacher (at the school the consents name) the CAF's content
    seen = who_else(sally, "CH-ALEX", "PR-TEACHER", as_of=ON, purpose="test").cafs
    assert [c.caf_id for c in seen] == ["CAF-ALEX"]
    assert (seen[0].state is not None) is grants
    # adding the teacher to its team
    if grants:
        caf.add_member(sally, "CAF-ALEX", "PR-TEACHER", "PR-GP", ON)
    else:
        refused(
            sally,
            lambda: caf.add_member(sally, "CAF-ALEX", "PR-TEACHER", "PR-GP", ON),
            "CAF-ALEX: cannot add member",
        )
    # and, once that CAF is closed, the teacher starting the next one
    caf.close(sally, "CAF-ALEX", "PR-GP", ON)
    if grants:
        assert caf.start(sally, "CH-ALEX", "PR-TEACHER", ON).action is CafAction.START
    else:
        refused(
            sally,
            lambda: caf.start(sally, "CH-ALEX", "PR-TEACHER", ON),
            "CH-ALEX: cannot start a CAF",
        )


def test_start_records_the_caf_its_lead_and_who_started_it(sally: Store) -> None:
    import_records(sally, _alex(_consent("CO-OK")))
    change = caf.start(sally, "CH-ALEX", "PR-HOY", ON)
    caf_id = f"CAF-CH-ALEX-{ON:%Y%m%d}"
    assert (change.caf_id, change.action, change.state, change.by_id) == (
        caf_id,
        CafAction.START,
        CafState.OPEN,
        "PR-HOY",
    )
    assert "CO-OK" in change.detail
    stored = sally.nodes_by_id("Caf", [caf_id])[caf_id]
    assert (stored["started_on"], stored["state"], stored["level"]) == (ON, "open", "targeted")
    assert events(sally, caf_id) == [("start", f"{caf_id}-EV-{ON:%Y%m%d}-start", ON)]
    found = caf.check(sally, "CH-ALEX", "PR-UNINVOLVED", ON)
    assert [(c.caf_id, c.contact.name) for c in found.open_cafs] == [(caf_id, "Helen Okafor")]
    # one CAF per child at a time
    refused(
        sally,
        lambda: caf.start(sally, "CH-ALEX", "PR-TEACHER", ON),
        f"{caf_id} is open for this child",
    )


def test_start_is_refused_while_a_caf_is_open(sally: Store) -> None:
    import_records(
        sally,
        [_consent("CO-SALLY-SCHOOL", child_id="CH-SALLY", given_by_family_member_id="FM-MOTHER")],
    )
    refused(
        sally,
        lambda: caf.start(sally, "CH-SALLY", "PR-HOY", ON),
        "CH-SALLY: cannot start a CAF: CAF-SALLY is open for this child",
    )
    with pytest.raises(AccessDenied):
        caf.start(sally, "CH-SALLY", "PR-UNTRAINED", ON)
    with pytest.raises(NotFound):
        caf.start(sally, "CH-NOBODY", "PR-HOY", ON)


# --------------------------------------------------------------------------- team


def test_add_member_needs_consent_covering_them(sally: Store) -> None:
    import_records(sally, _alex(_consent("CO-SCHOOL")))
    caf_id = caf.start(sally, "CH-ALEX", "PR-HOY", ON).caf_id
    # the consent is to the school: a teacher there may join, the GP may not
    change = caf.add_member(sally, caf_id, "PR-TEACHER", "PR-HOY", ON)
    assert change.action is CafAction.ADD_MEMBER and "CO-SCHOOL" in change.detail
    refused(
        sally,
        lambda: caf.add_member(sally, caf_id, "PR-GP", "PR-HOY", ON),
        caf_id,
        "cannot add member",
        "no consent to share CAF content about CH-ALEX with PR-GP",
    )
    refused(
        sally,
        lambda: caf.add_member(sally, caf_id, "PR-TEACHER", "PR-HOY", ON),
        "PR-TEACHER is already a member",
    )
    refused(
        sally,
        lambda: caf.add_member(sally, caf_id, "PR-TEACHER", "PR-UNINVOLVED", ON),
        "PR-UNINVOLVED is not a current member",
    )
    # a consent to the CAF's team covers anyone it adds
    import_records(sally, [_consent("CO-TEAM", to_agency_id=None, to_caf_id=caf_id)])
    caf.add_member(sally, caf_id, "PR-GP", "PR-TEACHER", ON)
    members = team_of(sally, [caf_id])[caf_id]
    assert sorted((m["practitioner_id"], m["team_role"]) for m in members) == [
        ("PR-GP", "member"),
        ("PR-HOY", "lead"),
        ("PR-TEACHER", "member"),
    ]


def test_a_practitioner_who_has_left_cannot_join(sally: Store) -> None:
    import_records(
        sally,
        [
            Practitioner(
                id="PR-LEFT",
                given_name="Jo",
                family_name="Hart",
                agency_id="AG-NHS-SCHOOL",
                role=Role.TEACHER,
                left_agency_on=date(2026, 10, 31),
            )
        ],
    )
    refused(
        sally,
        lambda: caf.add_member(sally, "CAF-SALLY", "PR-LEFT", "PR-HOY", ON),
        "PR-LEFT left their agency on 2026-10-31",
    )


def test_set_lead_hands_over_to_a_current_member(sally: Store) -> None:
    change = caf.set_lead(sally, "CAF-SALLY", "PR-TEACHER", "PR-HOY", ON)
    assert change.detail == "PR-TEACHER is Lead Professional in place of PR-HOY"
    current = [m for m in team_of(sally, ["CAF-SALLY"])["CAF-SALLY"] if serving(m, ON)]
    roles = sorted((m["practitioner_id"], m["team_role"]) for m in current)
    assert ("PR-TEACHER", "lead") in roles and ("PR-HOY", "member") in roles
    assert [m for m in current if m["team_role"] == "lead"][0]["practitioner_id"] == "PR-TEACHER"
    old = sally.nodes_by_id("TeamMembership", ["TM-HOY"])["TM-HOY"]
    assert old["ended_on"] == ON
    lead = caf.check(sally, "CH-SALLY", "PR-UNINVOLVED", ON).open_cafs[0].contact
    assert lead.name == "Tom Reeves"
    refused(
        sally,
        lambda: caf.set_lead(sally, "CAF-SALLY", "PR-GP", "PR-TEACHER", ON),
        "CAF-SALLY: cannot set lead: PR-GP is not a current member",
    )
    refused(
        sally,
        lambda: caf.set_lead(sally, "CAF-SALLY", "PR-TEACHER", "PR-TEACHER", ON),
        "PR-TEACHER is already its Lead Professional",
    )
    # the Piccadilly worker's membership ended on 2026-11-09
    refused(
        sally,
        lambda: caf.set_lead(sally, "CAF-SALLY", "PR-PICCADILLY", "PR-TEACHER", ON),
        "PR-PICCADILLY is not a current member",
    )


# --------------------------------------------------------------------------- reviews


def test_review_continue_needs_the_next_review_date(sally: Store) -> None:
    refused(
        sally,
        lambda: caf.review(sally, "CAF-SALLY", "PR-HOY", ON, ReviewOutcome.CONTINUE),
        "CAF-SALLY: cannot review: a review that continues the CAF needs a next review date",
    )
    refused(
        sally,
        lambda: caf.review(
            sally, "CAF-SALLY", "PR-HOY", ON, ReviewOutcome.CONTINUE, next_review_on=ON
        ),
        "is not after this one",
    )
    change = caf.review(
        sally,
        "CAF-SALLY",
        "PR-HOY",
        ON,
        ReviewOutcome.CONTINUE,
        next_review_on=date(2027, 5, 1),
    )
    assert change.state is CafState.REVIEWED
    review_id = f"CAF-SALLY-RV-{ON:%Y%m%d}"
    stored = sally.nodes_by_id("Review", [review_id])[review_id]
    assert (stored["held_on"], stored["outcome"], stored["next_review_on"]) == (
        ON,
        "continue",
        date(2027, 5, 1),
    )
    assert [e[0] for e in events(sally, "CAF-SALLY")] == ["review"]
    # a change dated before the last one is refused
    refused(
        sally,
        lambda: caf.step_up(sally, "CAF-SALLY", "PR-HOY", date(2026, 11, 20)),
        "2026-11-20 is before its last change (2026-11-23)",
    )


def test_a_review_carries_out_its_outcome(sally: Store) -> None:
    change = caf.review(sally, "CAF-SALLY", "PR-HOY", ON, ReviewOutcome.STEP_UP)
    assert (change.state, change.level) == (CafState.STEPPED_UP, ServiceLevel.CHILD_IN_NEED)
    lc_id = f"CAF-SALLY-LC-{ON:%Y%m%d}-step_up"
    lc = sally.nodes_by_id("LevelChange", [lc_id])[lc_id]
    assert (lc["from_level"], lc["to_level"], lc["changed_on"]) == (
        "targeted",
        "child_in_need",
        ON,
    )
    later = date(2026, 12, 1)
    closing = caf.review(sally, "CAF-SALLY", "PR-HOY", later, ReviewOutcome.CLOSE)
    assert closing.state is CafState.CLOSED
    refused(
        sally,
        lambda: caf.review(
            sally, "CAF-SALLY", "PR-HOY", later, ReviewOutcome.CONTINUE, next_review_on=ON
        ),
        "CAF-SALLY: cannot review: it was closed on 2026-12-01",
    )


# --------------------------------------------------------------------------- levels


def test_step_up_and_step_down_record_a_level_change(sally: Store) -> None:
    refused(
        sally,
        lambda: caf.step_up(sally, "CAF-SALLY", "PR-HOY", ON, to_level=ServiceLevel.UNIVERSAL),
        "CAF-SALLY: cannot step up: universal is not higher than its level (targeted)",
    )
    up = caf.step_up(sally, "CAF-SALLY", "PR-TEACHER", ON, to_level=ServiceLevel.STATUTORY)
    assert (up.state, up.level) == (CafState.STEPPED_UP, ServiceLevel.STATUTORY)
    refused(
        sally,
        lambda: caf.step_up(sally, "CAF-SALLY", "PR-HOY", ON),
        "it is already at the highest level (statutory)",
    )
    down = caf.step_down(sally, "CAF-SALLY", "PR-HOY", ON)
    assert (down.state, down.level) == (CafState.STEPPED_DOWN, ServiceLevel.CHILD_IN_NEED)
    stored = sally.nodes_by_id("LevelChange", [f"CAF-SALLY-LC-{ON:%Y%m%d}-step_down"])
    (row,) = stored.values()
    assert (row["from_level"], row["to_level"], row["direction"]) == (
        "statutory",
        "child_in_need",
        "step_down",
    )
    assert [e[0] for e in events(sally, "CAF-SALLY")] == ["step_down", "step_up"]
    refused(
        sally,
        lambda: caf.step_down(sally, "CAF-SALLY", "PR-UNINVOLVED", ON),
        "PR-UNINVOLVED is not a current member",
    )


def test_close_once_and_only_once(sally: Store) -> None:
    change = caf.close(sally, "CAF-SALLY", "PR-HOY", ON)
    assert change.state is CafState.CLOSED
    stored = sally.nodes_by_id("Caf", ["CAF-SALLY"])["CAF-SALLY"]
    assert (stored["state"], stored["closed_on"], stored["state_changed_on"]) == ("closed", ON, ON)
    assert all(not serving(m, ON) for m in team_of(sally, ["CAF-SALLY"])["CAF-SALLY"])
    event = sally.nodes_by_id("CafEvent", [f"CAF-SALLY-EV-{ON:%Y%m%d}-close"])
    (row,) = event.values()
    assert (row["action"], row["changed_on"]) == ("close", ON)
    assert sally.edges_from(_edge("CafEvent", "by_id"), [row["id"]])[0][1] == "PR-HOY"
    refused(
        sally,
        lambda: caf.close(sally, "CAF-SALLY", "PR-HOY", ON),
        "CAF-SALLY: cannot close: it was closed on 2026-11-23",
    )
    refused(
        sally,
        lambda: caf.add_member(sally, "CAF-SALLY", "PR-GP", "PR-HOY", ON),
        "it was closed",
    )
    # the register no longer holds an open CAF: the next practitioner may start one
    assert caf.check(sally, "CH-SALLY", "PR-GP", ON).may_start
    with pytest.raises(NotFound):
        caf.close(sally, "CAF-NOBODY", "PR-HOY", ON)


def _edge(label: str, field: str) -> EdgeSpec:
    return next(e for e in graph_schema().edges_from(label) if e.field == field)


def test_every_change_names_who_and_when(sally: Store) -> None:
    caf.add_member(sally, "CAF-SALLY", "PR-GP", "PR-HOY", ON)
    caf.set_lead(sally, "CAF-SALLY", "PR-GP", "PR-HOY", ON)
    caf.step_up(sally, "CAF-SALLY", "PR-GP", ON)
    caf.close(sally, "CAF-SALLY", "PR-CAF-COORD", ON)  # a co-ordinator need not be a member
    rows = _all(sally, "CafEvent")
    by = {r["action"]: sally.edges_from(_edge("CafEvent", "by_id"), [r["id"]])[0][1] for r in rows}
    assert by == {
        "add_member": "PR-HOY",
        "set_lead": "PR-HOY",
        "step_up": "PR-GP",
        "close": "PR-CAF-COORD",
    }
    assert {r["changed_on"] for r in rows} == {ON}
    assert len(_all(sally, "LevelChange")) == 2 + 2  # Sally's own two, a step-up, a closure
    assert len(_all(sally, "Review")) == 2


def _all(store: Store, label: str) -> list[dict[str, Any]]:
    return list(store.iter_nodes(label))


# --------------------------------------------------------------------------- CLI


def test_cli_check_and_a_refusal(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "db")
    assert runner.invoke(app, ["import", str(SALLY), "--db", db]).exit_code == exits.OK
    result = runner.invoke(
        app,
        [
            "caf",
            "check",
            "CH-SALLY",
            "--as",
            "PR-GP",
            "--as-of",
            "2026-11-23",
            "--db",
            db,
            "--json",
        ],
    )
    assert result.exit_code == exits.OK, result.stderr
    answer = json.loads(result.stdout)
    assert answer["open_cafs"][0]["caf_id"] == "CAF-SALLY" and answer["may_start"] is False
    result = runner.invoke(
        app,
        ["caf", "close", "CAF-SALLY", "--as", "PR-UNINVOLVED", "--on", "2026-11-23", "--db", db],
    )
    assert result.exit_code == exits.ERROR
    assert result.stderr.startswith("Error: CAF-SALLY: cannot close: PR-UNINVOLVED is not")
    result = runner.invoke(app, ["caf", "check", "CH-SALLY", "--as", "PR-UNTRAINED", "--db", db])
    assert result.exit_code == exits.ACCESS_DENIED and "not trained and authorised" in result.stderr
    result = runner.invoke(
        app,
        [
            "caf",
            "review",
            "CAF-SALLY",
            "--as",
            "PR-HOY",
            "--outcome",
            "continue",
            "--next-review",
            "2027-01-10",
            "--on",
            "2026-11-23",
            "--db",
            db,
            "--json",
        ],
    )
    assert result.exit_code == exits.OK, result.stderr
    assert json.loads(result.stdout)["state"] == "reviewed"


def test_cli_lifecycle_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "db")
    assert runner.invoke(app, ["import", str(SALLY), "--db", db]).exit_code == exits.OK
    when = ["--as", "PR-HOY", "--on", "2026-11-23", "--db", db]

    def change(*args: str) -> dict[str, Any]:
        result = runner.invoke(app, ["caf", *args, *when, "--json"])
        assert result.exit_code == exits.OK, result.stderr
        answer: dict[str, Any] = json.loads(result.stdout)
        return answer

    assert change("add-member", "CAF-SALLY", "PR-GP")["action"] == "add_member"
    assert change("set-lead", "CAF-SALLY", "PR-GP")["detail"] == (
        "PR-GP is Lead Professional in place of PR-HOY"
    )
    assert change("step-up", "CAF-SALLY", "--to-level", "statutory")["level"] == "statutory"
    assert change("step-down", "CAF-SALLY")["level"] == "child_in_need"
    result = runner.invoke(app, ["caf", "start", "CH-SALLY", *when])
    assert result.exit_code == exits.ERROR
    assert result.stderr.startswith("Error: CH-SALLY: cannot start a CAF: CAF-SALLY is open")
    result = runner.invoke(app, ["caf", "close", "CAF-SALLY", *when])
    assert result.exit_code == exits.OK, result.stderr
    assert result.stdout.startswith("CAF-SALLY: closed at level child in need (on 2026-11-23")
    result = runner.invoke(app, ["caf", "close", "CAF-SALLY", *when])
    assert result.exit_code == exits.ERROR and "it was closed on 2026-11-23" in result.stderr
    bad = runner.invoke(app, ["caf", "close", "CAF-SALLY", "--as", "PR-HOY", "--on", "23/11"])
    assert bad.exit_code == exits.INVALID_INPUT
