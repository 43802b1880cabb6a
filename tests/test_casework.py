"""A practitioner's own casework on both engines: recording an involvement, ending it
only with a handover to the lead and the team (DOMAIN rule 3), and recording a
statutory basis that shares at once (rule 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from conftest import ROBIN, SALLY, load
from tacgraph import audit, casework, lookup
from tacgraph.access import AccessDenied
from tacgraph.errors import InvalidArgument, NoOneLeft, NotFound
from tacgraph.store import Store

SUMMARY = {"work_done": "Weekly sessions", "outcomes": "Attending", "unmet_needs": "none"}


def clock() -> datetime:
    return datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def books(store: Store) -> Store:
    load(store, SALLY, ROBIN)
    return store


WHY = "referral about significant harm"


def test_record_then_end_with_a_handover_to_the_team(books: Store) -> None:
    inv = casework.record_involvement(
        books, "PR-GP", "CH-SALLY", "universal", channel="web", clock=clock
    )
    mine = [i for i in casework.my_involvements(books, "PR-GP") if i.involvement_id == inv]
    assert mine and mine[0].ended_on is None and mine[0].started_on == date(2026, 11, 23)
    seen = lookup.who_else(books, "CH-SALLY", "PR-GP", clock=clock)
    assert inv in [v.involvement_id for v in seen.involved]  # own work is always shown
    with pytest.raises(InvalidArgument, match="already involved"):
        casework.record_involvement(books, "PR-GP", "CH-SALLY", "universal", clock=clock)

    ended = casework.end_involvement(books, "PR-GP", inv, channel="web", clock=clock, **SUMMARY)
    assert ended.shared_with_teams == 1 and len(ended.handover_ids) == 1
    # No longer involved: a lookup now needs a purpose.
    after = lookup.who_else(
        books, "CH-SALLY", "PR-GP", history=True, purpose="handover check", clock=clock
    )
    gone = [v for v in after.ended if v.involvement_id == inv]
    assert gone and gone[0].handover
    outcomes = [(e.outcome, e.child_id) for e in audit.entries(books)]
    assert outcomes.count(("recorded", "CH-SALLY")) == 2
    # The entry says to whom the handover went, in words a reviewer reads aloud.
    recorded = [e.detail for e in audit.entries(books) if e.outcome == "recorded"]
    assert recorded[-1] == "involvement ended; handover to 1 team, 0 colleagues"


def test_no_disengagement_without_a_summary(books: Store) -> None:
    inv = casework.record_involvement(books, "PR-GP", "CH-SALLY", "universal", clock=clock)
    with pytest.raises(InvalidArgument, match="unmet needs"):
        casework.end_involvement(
            books, "PR-GP", inv, work_done="x", outcomes="y", unmet_needs=" ", clock=clock
        )
    still = [i for i in casework.my_involvements(books, "PR-GP") if i.involvement_id == inv]
    assert still[0].ended_on is None  # nothing half-written


def test_only_your_own_involvement_can_be_ended(books: Store) -> None:
    inv = casework.record_involvement(books, "PR-GP", "CH-SALLY", "universal", clock=clock)
    with pytest.raises(NotFound):
        casework.end_involvement(books, "PR-HOY", inv, clock=clock, **SUMMARY)


def test_without_an_open_caf_the_handover_goes_to_each_colleague(books: Store) -> None:
    # Sally's unborn baby has no CAF; the midwife is working with the baby.
    inv = casework.record_involvement(books, "PR-GP", "CH-SALLY-BABY", "universal", clock=clock)
    ended = casework.end_involvement(books, "PR-GP", inv, clock=clock, **SUMMARY)
    assert (ended.shared_with_teams, ended.shared_with_practitioners) == (0, 1)
    assert not ended.kept_on_record
    sent = [
        (r["to_practitioner_id"], r["to_caf_id"])
        for r in books.query("practice_handovers", {"as_of": date(2026, 11, 23)})
        if r["handover_id"] in ended.handover_ids
    ]
    assert sent == [("PR-MIDWIFE", None)]


def test_the_last_one_working_with_a_child_is_asked_before_leaving_it_with_no_one(
    books: Store,
) -> None:
    """The midwife is the only practitioner working with Sally's unborn baby: ending her
    work is held back until she confirms it, and her summary is then kept on the
    child's record, not thrown away for want of anyone to send it to."""
    seen = len(list(audit.entries(books)))
    with pytest.raises(NoOneLeft, match="leaves the child with no one") as refused:
        casework.end_involvement(books, "PR-MIDWIFE", "IN-MIDWIFE-BABY", clock=clock, **SUMMARY)
    assert "front door" in refused.value.hint
    mine = {i.involvement_id: i for i in casework.my_involvements(books, "PR-MIDWIFE")}
    assert mine["IN-MIDWIFE-BABY"].ended_on is None  # nothing written
    held = [(e.outcome, e.child_id, e.detail) for e in list(audit.entries(books))[seen:]]
    assert held == [
        ("disclosed", "CH-SALLY-BABY", "end of involvement held back: no one else is "
         "working with the child")
    ]  # fmt: skip

    ended = casework.end_involvement(
        books, "PR-MIDWIFE", "IN-MIDWIFE-BABY", no_one_left=True, clock=clock, **SUMMARY
    )
    assert ended.kept_on_record and len(ended.handover_ids) == 1
    assert (ended.shared_with_teams, ended.shared_with_practitioners) == (0, 0)
    kept = [
        r
        for r in books.query("practice_handovers", {"as_of": date(2026, 11, 23)})
        if r["handover_id"] == ended.handover_ids[0]
    ]
    assert [(r["child_id"], r["to_practitioner_id"], r["to_caf_id"]) for r in kept] == [
        ("CH-SALLY-BABY", None, None)
    ]
    node = books.nodes_by_id("Handover", ended.handover_ids)[ended.handover_ids[0]]
    assert (node["work_done"], node["unmet_needs"]) == ("Weekly sessions", "none")
    after = lookup.who_else(
        books, "CH-SALLY-BABY", "PR-MIDWIFE", history=True, purpose="handover check", clock=clock
    )
    gone = [v for v in after.ended if v.involvement_id == "IN-MIDWIFE-BABY"]
    assert gone and gone[0].handover
    recorded = [e.detail for e in audit.entries(books) if e.outcome == "recorded"]
    assert recorded[-1] == (
        "involvement ended; no one else working with the child: handover kept on its record"
    )


def test_a_statutory_basis_shares_at_once(books: Store) -> None:
    before = lookup.who_else(books, "CH-SALLY", "PR-UNINVOLVED", purpose=WHY, clock=clock)
    basis = casework.record_basis(
        books,
        "PR-SOCIAL-WORKER",
        "CH-SALLY",
        "significant_harm",
        "Disclosure at school today",
        "AG-ELM-PRIMARY",
        ["involvement", "contact_details"],
        channel="web",
        clock=clock,
    )
    after = lookup.who_else(books, "CH-SALLY", "PR-UNINVOLVED", purpose=WHY, clock=clock)
    assert len(after.involved) > len(before.involved)
    assert any(
        e.basis_id == basis
        for e in lookup.who_else(
            books, "CH-SALLY", "PR-UNINVOLVED", explain=True, purpose=WHY, clock=clock
        ).explanation
    )
    assert any(e.outcome == "recorded" and basis in e.bases for e in audit.entries(books))


@pytest.mark.parametrize(
    ("requester", "reason", "agency", "error", "says"),
    [
        ("PR-SOCIAL-WORKER", " ", "AG-NHS-SCHOOL", InvalidArgument, "reason"),
        ("PR-SOCIAL-WORKER", "x", "AG-NOWHERE", NotFound, "AG-NOWHERE"),
        ("PR-UNTRAINED", "x", "AG-NHS-SCHOOL", AccessDenied, "PR-UNTRAINED"),
    ],
)
def test_a_basis_needs_its_reason_and_a_known_agency(
    books: Store, requester: str, reason: str, agency: str, error: type[Exception], says: str
) -> None:
    with pytest.raises(error, match=says):
        casework.record_basis(
            books, requester, "CH-SALLY", "significant_harm", reason, agency, ["involvement"],
            clock=clock,
        )  # fmt: skip
