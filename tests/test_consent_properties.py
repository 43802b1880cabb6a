"""Property-based tests of who may see what, over generated graphs, viewers and dates, on
both engines, through every registered read path: nothing is disclosed without a
permitting consent or a recorded statutory basis; withdrawn and expired consent never
grant; a shielded child's locating details never appear; both engines give identical
answers; and every read writes its access-log entry.

Each hypothesis example is one generated child (its involvements, team, consents and
statutory bases) read by a generated viewer about a generated date, on a real date (the
clock, pinned) up to 60 days later, through who-else (with its explanation and history),
the timeline, the CAF check, the map, search, a CAF start and a CAF change (refused or
allowed), and the access review (refused to the viewer, allowed to an information
governance officer).

The bulk paths (export, practice audit, duplicate audit) read every child in the store,
so the examples run in generations of ``GENERATION`` (25), and each generation has a
pair of stores of its own: a new embedded store and the Neo4j database emptied, each
with access-log keys of its own, holding the agencies and staff every example shares and
the children of the generation's examples, each under ids of its own (``E<n>``). The
stores never grow past 25 children and 25 examples' access-log entries (one pair held
every child before, and every entry, so the bulk paths read more at each run). Every
bulk path runs at every example, with its viewer and real date, over the generation's
children so far, and is checked for every shielded child among them.

TACGRAPH_PROPERTY_EXAMPLES sets the count (default 1,000, as CI), and the run fails at
its end if hypothesis ran fewer. An import on Neo4j is one transaction
(``Neo4jStore.transaction``), where each of its 50 or so statements was a transaction of
its own. On a 2-core machine shared with other work (timings noisy): 1,000 examples with
the duplicate audit once a generation took 10 minutes at a load of 4 to 10; with every
bulk path at every example, as now, 26 minutes beside a whole test suite run (load 3 to
4), the pytest process peaking at 1.2 GB RSS; the duplicate audit on 25 children takes
about 0.25 s a run (0.43 s before the linker stopped re-checking its settings). On a
slower AMD EPYC, 100 examples took 270 s, and 330 s before that change.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ENGINES, same_answer
from tacgraph import audit, caf, search
from tacgraph.duplicates_report import duplicates_report
from tacgraph.errors import TacgraphError
from tacgraph.export import export_file
from tacgraph.ig import access_review
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
from tacgraph.practice_report import practice_report
from tacgraph.render.tacmap import map_for
from tacgraph.store import Store
from tacgraph.store.embedded import EmbeddedStore
from tacgraph.timeline import timeline

pytestmark = pytest.mark.neo4j
EXAMPLES = int(os.environ.get("TACGRAPH_PROPERTY_EXAMPLES", "1000"))
GENERATION = 25  # examples a pair of stores holds before the next pair replaces it
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
LOCATING = ["Larkrise", "Beech GP", "7 Hidden Lane", "WV9 9ZZ", "WV9 "]
IG = "PR-IG"  # an information governance officer: the access review's requester


def day(n: int) -> date:
    return START + timedelta(days=n)


def letters(n: int) -> str:
    """``n`` written in letters (a name may not hold digits): 0 a, 25 z, 26 ba, ..."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = "abcdefghijklmnopqrstuvwxyz"[r] + out
        if not n:
            return out


@st.composite
def child_graph(draw: st.DrawFn, n: str, number: int) -> list[Record]:
    """One child's records, every id ending ``n``: a family name and a date of birth of
    its own, so no example's child is a probable duplicate of another's."""
    shielded = draw(st.booleans())
    has_caf = draw(st.booleans())
    named = draw(st.lists(st.sampled_from([p for p, _ in STAFF]), unique=True, max_size=2))
    records: list[Record] = []
    records.append(
        mk(
            Child,
            id=f"CH-X{n}",
            given_name="Alex",
            family_name=f"Moor{letters(number)}",
            date_of_birth=date(2010, 1, 1) + timedelta(days=number % 3000),
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
    if has_caf:
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
    members = members if has_caf else []
    for i, p in enumerate(members):
        left = draw(st.one_of(st.none(), st.integers(1, 390)))  # some leave the team
        records.append(
            mk(
                TeamMembership,
                id=f"TM-{p}-{n}",
                practitioner_id=p,
                caf_id=f"CAF-X{n}",
                role="lead" if i == 0 else "member",
                started_on=day(0),
                ended_on=day(left) if left else None,
            )
        )
    for i in range(draw(st.integers(0, 5))):
        giver = draw(
            st.sampled_from([f"FM-PR{n}", f"FM-NOPR{n}", "child-competent", "child-unsure"])
        )
        to = draw(st.sampled_from(["practitioner", "agency", "caf"] if has_caf else ["agency"]))
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
] + [
    mk(
        Practitioner,
        id=IG,
        given_name="I",
        family_name="Governance",
        agency_id="AG-C",
        role="information_governance_officer",
        lookup_authorised=True,
    )
]


def _permits(
    record: Record, viewer: str, agency: str, teams: set[str], scope: str, on: date
) -> bool:
    """An independent reading of the rules: does this one edge permit ``scope`` on
    ``on``, for a viewer in the CAF teams ``teams`` on that day?"""
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


class Book:
    """The two stores of the current generation, the children generated in it, and every
    access-log entry written (as the gate built it), per engine."""

    def __init__(self, renew: Callable[[], dict[str, Store]]) -> None:
        self._renew = renew
        self.stores: dict[str, Store] = {}
        self.children: dict[str, Child] = {}
        self.written: dict[str, list[audit.Pending]] = {k: [] for k in ENGINES}
        self.count = 0
        self.last: tuple[tuple[str, str], date] = (STAFF[0], START)  # viewer, real date
        self.renew()

    def renew(self) -> None:
        """Close this generation's stores and open the next's, empty but for the agencies
        and staff every example shares."""
        for s in self.stores.values():
            s.close()
            if isinstance(s, EmbeddedStore):
                shutil.rmtree(s.path, ignore_errors=True)
        self.stores = self._renew()
        for s in self.stores.values():
            import_records(s, [*AGENCIES, *STAFF_RECORDS])
        self.children = {}

    def engine_of(self, store: Store) -> str | None:
        return next((k for k, s in self.stores.items() if s is store), None)

    def entries_since(self, marks: dict[str, int]) -> dict[str, list[audit.Pending]]:
        return {k: self.written[k][marks[k] :] for k in self.stores}

    def marks(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.written.items()}


@pytest.fixture(scope="module")
def book(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Book]:
    from conftest import _open, wipe

    def generation() -> dict[str, Store]:
        tmp = tmp_path_factory.mktemp("generation")  # its own store and access-log keys
        return {engine: _open(engine, tmp, request) for engine in ENGINES}

    made = Book(generation)
    original = audit.append_many

    def capture(store: Store, items: list[audit.Pending], **kw: Any) -> Any:
        engine = made.engine_of(store)
        if engine is not None:
            made.written[engine].extend(items)
        return original(store, items, **kw)

    audit.append_many = capture
    try:
        yield made
        if not request.session.testsfailed:  # hypothesis ran every example asked for
            assert made.count >= EXAMPLES, f"{made.count} examples ran, {EXAMPLES} asked for"
    finally:
        audit.append_many = original
        wipe(made.stores["neo4j"])
        for s in made.stores.values():
            s.close()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    data=st.data(),
    viewer=st.sampled_from(STAFF),
    when=st.integers(0, 330),
    later=st.integers(0, 60),
)
def test_nothing_is_disclosed_without_a_permitting_edge(
    book: Book,
    data: st.DataObject,
    viewer: tuple[str, str],
    when: int,
    later: int,
) -> None:
    number = book.count
    book.count += 1
    if len(book.children) == GENERATION:
        book.renew()
    n = f"E{number}"
    graph = data.draw(child_graph(n, number))
    for s in book.stores.values():
        import_records(s, graph)
    child = graph[0]
    assert isinstance(child, Child)
    book.children[child.id] = child
    check_one(book, graph, child.id, viewer, day(when), day(when + later))
    book.last = (viewer, day(when + later))
    check_bulk(book, *book.last)


def logged(book: Book, marks: dict[str, int], path: str, child_id: str) -> None:
    """The read wrote its entry, on each engine, naming its path (and child or ``*``)."""
    for engine, items in book.entries_since(marks).items():
        assert [(e.path, e.child_id) for e in items] == [(path, child_id)], (engine, items)


def outcome(run: Any) -> Any:
    """What a path answered, or the refusal it raised (type and words)."""
    try:
        return run().model_dump()
    except TacgraphError as exc:
        return {"refused": type(exc).__name__, "said": str(exc)}


def check_one(
    book: Book,
    graph: list[Record],
    child_id: str,
    viewer: tuple[str, str],
    on: date,
    today: date,
) -> None:
    """Every per-child read path of one child for one viewer: who-else (with its
    explanation and history), the timeline, the CAF check, the map, search, a CAF start
    and a CAF change, and the access review. Nothing shown without an edge permitting
    it both on the date asked about and today; nothing locating a shielded child outside
    the shield; both engines alike; one entry for each read."""
    stores = book.stores
    clock = lambda: datetime(today.year, today.month, today.day, 12, tzinfo=UTC)  # noqa: E731

    def through(path: str, ask: Any, child: str | None = None) -> Any:
        marks = book.marks()
        answer = same_answer(stores, ask)
        logged(book, marks, path, child_id if child is None else child)
        return answer

    result = through(
        "who_else",
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
    child = by_id[child_id]
    assert isinstance(child, Child)

    def teams(d: date) -> set[str]:
        """The CAF teams the viewer is in on ``d`` (a member until the day left)."""
        return {
            r.caf_id
            for r in graph
            if isinstance(r, TeamMembership)
            and r.practitioner_id == viewer[0]
            and r.caf_id
            and r.started_on <= d
            and (r.ended_on is None or r.ended_on > d)
        }

    def permitted(edge: Record, scope: str) -> bool:
        return all(_permits(edge, viewer[0], viewer[1], teams(d), scope, d) for d in (on, today))

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
        assert_not_locating(result)
        assert result["involved"] == [] and result["ended"] == []
        assert result["family"] == [] and result["consents"] == [] and result["team"] == []
    story = through(
        "timeline",
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
    checked = through(
        "caf_check", lambda s: caf.check(s, child_id, viewer[0], on, clock=clock).model_dump()
    )
    drawn = through(
        "map",
        lambda s: map_for(
            s, child_id, viewer[0], as_of=on, purpose="property", clock=clock
        ).model_dump(),
    )
    found = through(
        "search",
        lambda s: search.find(
            s, viewer[0], search.Criteria(name=f"Alex {child.family_name}"), clock=clock
        ).model_dump(),
        child="",  # a search names no one child: its entry lists whom it showed
    )
    assert child_id in [m["child_id"] for m in found["matches"]]
    for match in found["matches"]:  # a search may also find children of other examples
        other = book.children[match["child_id"]]
        if other.shielded and viewer[0] not in other.shield_named:
            assert_not_locating(match)
    started = through(
        "caf_start",
        lambda s: outcome(lambda: caf.start(s, child_id, viewer[0], today, clock=clock)),
    )
    if hidden:
        for answer in (story, checked, drawn, started):
            assert_not_locating(answer)
        assert all(c["contact"]["phone"] is None for c in checked["open_cafs"])
    review = through(
        "audit_access",
        lambda s: outcome(lambda: access_review(s, requester_id=viewer[0], clock=clock)),
        child="*",
    )
    assert review["refused"] == "AccessDenied"  # no generated viewer is an IG officer
    reviewed = through(
        "audit_access",
        lambda s: access_review(s, requester_id=IG, child=child_id, clock=clock).model_dump(),
    )
    assert {e["child_id"] for e in reviewed["entries"]} == {child_id}
    if child.shielded:
        assert_not_locating(reviewed)
    caf_id = f"CAF-X{child_id[len('CH-X') :]}"
    if caf_id in by_id:  # last: a change to the CAF, refused or allowed
        changed = through(
            "caf_change",
            lambda s: outcome(
                lambda: caf.add_member(s, caf_id, "PR-5", viewer[0], today, clock=clock)
            ),
        )
        if hidden:
            assert_not_locating(changed)


def assert_not_locating(answer: object) -> None:
    text = str(answer)
    for word in LOCATING:
        assert word not in text, word


def check_bulk(book: Book, viewer: tuple[str, str], today: date) -> None:
    """The bulk read paths over every child of the generation so far: a redacted export,
    the practice audit and the duplicate audit, each one entry naming its scope (``*``)."""
    stores = book.stores
    clock = lambda: datetime(today.year, today.month, today.day, 12, tzinfo=UTC)  # noqa: E731
    shielded = {c.id for c in book.children.values() if c.shielded}
    marks = book.marks()
    with tempfile.TemporaryDirectory() as folder:
        texts = []
        for engine, s in stores.items():
            out = Path(folder) / f"{engine}.json"
            export_file(s, out, requester_id=viewer[0], clock=clock)
            texts.append(out.read_text(encoding="utf-8"))
    assert texts[0] == texts[1]
    logged(book, marks, "export", "*")
    doc = json.loads(texts[0])
    for record in doc["children"]:
        if record["id"] in shielded:
            assert not {
                "address_line",
                "postcode",
                "household_id",
                "school_id",
                "gp_practice_id",
            } & set(record)
    locating = {"AG-S", "AG-G"} | {p for p, a in STAFF if a in ("AG-S", "AG-G")}
    for record in doc["involvements"]:
        assert not (record["child_id"] in shielded and record["agency_id"] in locating)
    for record in doc["cafs"]:
        assert record["child_id"] not in shielded or "started_by_id" not in record
    reports: list[tuple[str, Any]] = [
        (
            "practice_audit",
            lambda s: practice_report(s, requester_id=viewer[0], as_of=today, clock=clock),
        ),
        (
            "duplicates_audit",
            lambda s: duplicates_report(s, requester_id=viewer[0], as_of=today, clock=clock),
        ),
    ]
    for path, ask in reports:
        marks = book.marks()
        report = same_answer(stores, lambda s, ask=ask: ask(s).model_dump())  # type: ignore[misc]
        logged(book, marks, path, "*")
        for word in LOCATING[2:]:  # the shielded children's address and postcode
            assert word not in str(report)
