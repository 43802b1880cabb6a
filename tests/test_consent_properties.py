"""Property-based tests of who may see what, over generated graphs and viewers, on both
engines: nothing is disclosed without a permitting consent or a recorded statutory
basis; withdrawn and expired consent never grant; a shielded child's locating details
never appear; both engines give identical answers.

Each hypothesis example is one generated graph holding CHILDREN independent children,
each with its own involvements, team, consents and statutory bases, read by its own
generated viewer about its own generated date, on a real date (the clock) up to 60 days
later, through every per-child read path (who-else with its explanation and history,
the timeline, the CAF check, the map): so TACGRAPH_PROPERTY_EXAMPLES (default 100, as in
CI) examples make 10 times as many generated cases (1,000 in CI) per path, each on both
engines, each read leaving its access-log entry. The bulk paths (export, practice
audit) are covered by tests/test_gate.py and tests/test_gate_paths.py."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import same_answer
from tacgraph import audit, caf
from tacgraph.importer import import_records
from tacgraph.lookup import who_else
from tacgraph.model import (
    Agency,
    Caf,
    Child,
    Consent,
    FamilyMember,
    FamilyRelation,
    Involvement,
    Practitioner,
    Record,
    StatutoryBasis,
    TeamMembership,
)
from tacgraph.render.tacmap import map_for
from tacgraph.store import Store
from tacgraph.store.embedded import EmbeddedStore
from tacgraph.timeline import timeline

pytestmark = pytest.mark.neo4j
EXAMPLES = int(os.environ.get("TACGRAPH_PROPERTY_EXAMPLES", "100"))
CHILDREN = 10
START = date(2026, 1, 1)


def mk(model: Any, **fields: Any) -> Any:
    """A record from plain values (enum names as strings), validated."""
    return model.model_validate(fields, strict=False)


AGENCIES = [
    mk(Agency, id="AG-S", name="Larkrise School", kind="school", level="universal"),
    mk(Agency, id="AG-G", name="Beech GP Practice", kind="gp_practice", level="universal"),
    mk(
        Agency,
        id="AG-D",
        name="Safe Project",
        kind="domestic_abuse",
        level="targeted",
        sensitive=True,
        broker_contact="broker 01632 960999",
    ),
    mk(
        Agency,
        id="AG-C",
        name="Social Care",
        kind="social_care",
        level="child_in_need",
        statutory=True,
    ),
]
STAFF = [("PR-1", "AG-S"), ("PR-2", "AG-S"), ("PR-3", "AG-G"), ("PR-4", "AG-D"), ("PR-5", "AG-C")]
SCOPES = ["contact_details", "involvement", "sensitive_services", "caf_content"]
LOCATING = ["Larkrise", "Beech GP", "7 Hidden Lane", "WV9 9ZZ", "2016-04-04"]


def day(n: int) -> date:
    return START + timedelta(days=n)


@st.composite
def child_graph(draw: st.DrawFn, n: int) -> list[Record]:
    shielded = draw(st.booleans())
    named = draw(st.lists(st.sampled_from([p for p, _ in STAFF]), unique=True, max_size=2))
    records: list[Record] = []
    records.append(
        mk(
            Child,
            id=f"CH-X{n}",
            given_name="Alex",
            family_name="Moor",
            date_of_birth=date(2016, 4, 4),
            address_line="7 Hidden Lane",
            postcode="WV9 9ZZ",
            school_id="AG-S",
            gp_practice_id="AG-G",
            shielded=shielded,
            shield_named=named if shielded else [],
        )
    )
    records.append(
        mk(
            FamilyMember,
            id=f"FM-PR{n}",
            given_name="M",
            family_name="Moor",
            relations=[
                mk(
                    FamilyRelation,
                    child_id=f"CH-X{n}",
                    relationship="mother",
                    parental_responsibility=True,
                )
            ],
        )
    )
    records.append(
        mk(
            FamilyMember,
            id=f"FM-NOPR{n}",
            given_name="N",
            family_name="Moor",
            relations=[mk(FamilyRelation, child_id=f"CH-X{n}", relationship="aunt_uncle")],
        )
    )
    records.append(
        mk(Caf, id=f"CAF-X{n}", child_id=f"CH-X{n}", started_by_id="PR-1", started_on=day(0))
    )
    involved = draw(st.lists(st.sampled_from(STAFF), unique=True, min_size=1, max_size=5))
    for p, a in involved:
        end = draw(st.one_of(st.none(), st.integers(10, 300)))
        records.append(
            mk(
                Involvement,
                id=f"IN-{p}-{n}",
                practitioner_id=p,
                child_id=f"CH-X{n}",
                agency_id=a,
                level="targeted",
                started_on=day(0),
                ended_on=day(end) if end else None,
            )
        )
    members = draw(st.lists(st.sampled_from([p for p, _ in STAFF]), unique=True, max_size=4))
    for i, p in enumerate(members):
        records.append(
            mk(
                TeamMembership,
                id=f"TM-{p}-{n}",
                practitioner_id=p,
                caf_id=f"CAF-X{n}",
                role="lead" if i == 0 else "member",
                started_on=day(0),
            )
        )
    for i in range(draw(st.integers(0, 5))):
        giver = draw(
            st.sampled_from([f"FM-PR{n}", f"FM-NOPR{n}", "child-competent", "child-unsure"])
        )
        to = draw(st.sampled_from(["practitioner", "agency", "caf"]))
        given = draw(st.integers(0, 200))
        records.append(
            mk(
                Consent,
                id=f"CO-{i}-{n}",
                child_id=f"CH-X{n}",
                kind="explicit",
                decision=draw(st.sampled_from(["given", "given", "refused"])),
                given_by_family_member_id=giver if giver.startswith("FM") else None,
                given_by_child=giver.startswith("child"),
                child_competent=(giver == "child-competent") if giver.startswith("child") else None,
                to_practitioner_id=draw(st.sampled_from([p for p, _ in STAFF]))
                if to == "practitioner"
                else None,
                to_agency_id=draw(st.sampled_from([a.id for a in AGENCIES]))
                if to == "agency"
                else None,
                to_caf_id=f"CAF-X{n}" if to == "caf" else None,
                scopes=draw(st.lists(st.sampled_from(SCOPES), unique=True, min_size=1)),
                given_on=day(given),
                expires_on=draw(st.one_of(st.none(), st.integers(given, 330).map(day))),
                withdrawn_on=draw(st.one_of(st.none(), st.integers(given, 330).map(day))),
            )
        )
    for i in range(draw(st.integers(0, 2))):
        complete = draw(st.booleans())
        records.append(
            mk(
                StatutoryBasis,
                id=f"SB-{i}-{n}",
                child_id=f"CH-X{n}",
                ground="significant_harm",
                recorded_by_id="PR-5",
                recorded_on=day(draw(st.integers(0, 200))),
                reason="harm disclosed" if complete else None,
                to_practitioner_id=draw(st.sampled_from([p for p, _ in STAFF])),
                scopes=draw(st.lists(st.sampled_from(SCOPES), unique=True, min_size=1)),
            )
        )
    return records


STAFF_RECORDS: list[Record] = [
    mk(
        Practitioner,
        id=p,
        given_name="P",
        family_name=p,
        agency_id=a,
        role="other",
        lookup_authorised=True,
        email=f"{p.lower()}@example.org",
    )
    for p, a in STAFF
]


@st.composite
def graphs(draw: st.DrawFn) -> list[list[Record]]:
    return [draw(child_graph(n)) for n in range(CHILDREN)]


def _permits(
    record: Record, viewer: str, agency: str, teams: set[str], scope: str, on: date
) -> bool:
    """An independent reading of the rules: does this one edge permit ``scope``?"""
    if isinstance(record, StatutoryBasis):
        return bool(
            record.reason
            and record.recorded_by_id
            and record.recorded_on
            and record.recorded_on <= on
            and scope in record.scopes
            and viewer == record.to_practitioner_id
        )
    if not isinstance(record, Consent) or record.decision.value != "given":
        return False
    giver_ok = (record.given_by_family_member_id or "").startswith("FM-PR") or (
        record.given_by_child and record.child_competent is True
    )
    in_force = record.given_on <= on and all(
        d is None or d > on for d in (record.expires_on, record.withdrawn_on)
    )
    covers = (
        record.to_practitioner_id == viewer
        or record.to_agency_id == agency
        or (record.to_caf_id is not None and record.to_caf_id in teams)
    )
    return giver_ok and in_force and covers and scope in [s.value for s in record.scopes]


@pytest.fixture(scope="module")
def stores(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from conftest import _open, wipe

    tmp = tmp_path_factory.mktemp("properties")
    neo4j = _open("neo4j", tmp, request)
    yield {"neo4j": neo4j, "tmp": tmp}
    wipe(neo4j)
    neo4j.close()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    children=graphs(),
    viewers=st.lists(st.sampled_from(STAFF), min_size=CHILDREN, max_size=CHILDREN),
    dates=st.lists(st.integers(0, 330), min_size=CHILDREN, max_size=CHILDREN),
    later=st.lists(st.integers(0, 60), min_size=CHILDREN, max_size=CHILDREN),
)
def test_nothing_is_disclosed_without_a_permitting_edge(
    stores: dict[str, Any],
    children: list[list[Record]],
    viewers: list[tuple[str, str]],
    dates: list[int],
    later: list[int],
) -> None:
    graph = [*AGENCIES, *STAFF_RECORDS, *(r for child in children for r in child)]
    # A new embedded store each time: clearing one over and over fills its buffer pool.
    embedded = EmbeddedStore(Path(tempfile.mkdtemp(prefix="embedded-", dir=stores["tmp"])))
    embedded.init_schema()
    pair = {"embedded": embedded, "neo4j": stores["neo4j"]}
    try:
        pair["neo4j"].clear()
        for s in pair.values():
            import_records(s, graph)
        before = {k: len(list(audit.entries(s))) for k, s in pair.items()}
        for n, (viewer, when) in enumerate(zip(viewers, dates, strict=True)):
            # asked about a date on or before the real one (the clock)
            today = day(when + later[n])
            check_one(pair, children[n], f"CH-X{n}", viewer, day(when), today)
        # every read through the gate wrote its entry: 4 read paths per child
        after = {k: len(list(audit.entries(s))) for k, s in pair.items()}
        assert all(after[k] - before[k] == 4 * CHILDREN for k in pair)
    finally:
        embedded.close()
        shutil.rmtree(embedded.path, ignore_errors=True)


def check_one(
    stores: dict[str, Store],
    graph: list[Record],
    child_id: str,
    viewer: tuple[str, str],
    on: date,
    today: date,
) -> None:
    """Every registered read path of one child for one viewer: who-else (with its
    explanation and history), the timeline, the CAF check and the map. Nothing shown
    without an edge permitting it both on the date asked about and today; nothing
    locating a shielded child outside the shield; both engines alike."""
    clock = lambda: datetime(today.year, today.month, today.day, 12, tzinfo=UTC)  # noqa: E731
    result = same_answer(
        stores,
        lambda s: who_else(
            s,
            child_id,
            viewer[0],
            as_of=on,
            explain=True,
            history=True,
            purpose="property",
            clock=clock,
        ).model_dump(),
    )
    by_id = {r.id: r for r in graph}
    teams = {
        r.caf_id
        for r in graph
        if isinstance(r, TeamMembership) and r.practitioner_id == viewer[0] and r.caf_id
    }
    child = by_id[child_id]
    assert isinstance(child, Child)

    def permitted(edge: Record, scope: str) -> bool:
        return all(_permits(edge, viewer[0], viewer[1], teams, scope, d) for d in (on, today))

    for item in result["explanation"]:
        if not item["shown"] or item["rule"] in ("enquiry_without_consent", "own_involvement"):
            continue
        assert item["rule"] in ("consent", "statutory_basis"), item
        edge = by_id[item["basis_id"]]
        scopes = ["involvement", "sensitive_services", "contact_details", "caf_content"]
        assert any(permitted(edge, s) for s in scopes), item
        if isinstance(edge, Consent):  # withdrawn and expired consent never grant
            assert edge.withdrawn_on is None or edge.withdrawn_on > today
            assert edge.expires_on is None or edge.expires_on > today
    grants = [r for r in graph if permitted(r, "involvement")]
    for inv in [*result["involved"], *result["ended"]]:
        if inv["practitioner_id"] == viewer[0]:
            continue
        assert grants, f"{inv['practitioner_id']} shown with no permitting consent or basis"
    hidden = child.shielded and viewer[0] not in child.shield_named
    if hidden:
        text = str(result)
        for word in LOCATING:
            assert word not in text
        assert result["involved"] == [] and result["ended"] == []
        assert result["family"] == [] and result["consents"] == [] and result["team"] == []
    # the same child through the other read paths
    story = same_answer(
        stores,
        lambda s: timeline(
            s, child_id, viewer[0], as_of=on, purpose="property", clock=clock
        ).model_dump(),
    )
    others = [
        e
        for e in story["events"]
        if e["kind"].startswith("involvement") and f"IN-{viewer[0]}-" not in e["subject_id"]
    ]
    assert not others or grants, "an involvement in the timeline with no permitting edge"
    if hidden:
        assert others == [] and story["working_on_date"] == []
    checked = same_answer(
        stores,
        lambda s: caf.check(s, child_id, viewer[0], on, clock=clock).model_dump(),
    )
    drawn = same_answer(
        stores,
        lambda s: map_for(
            s, child_id, viewer[0], as_of=on, purpose="property", clock=clock
        ).model_dump(),
    )
    if hidden:
        for word in LOCATING:
            assert word not in str(story) and word not in str(checked) and word not in str(drawn)
        assert all(c["contact"]["phone"] is None for c in checked["open_cafs"])
