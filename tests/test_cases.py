"""The three ways of reading a case (tacgraph.cases) give the same cases: the child_*
chains and the case_* sections on both engines, and Neo4j's one-statement case_read,
on the same data and on dates either side of its changes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conftest import ROBIN, SALLY
from tacgraph import cases, queries
from tacgraph.access import requester_call
from tacgraph.errors import QueryError
from tacgraph.importer import import_files, import_records
from tacgraph.rows.lookup import LOOKUP_CHILD
from tacgraph.schema import graph_schema
from tacgraph.store import Store
from tacgraph.synth import Synthesiser

pytestmark = pytest.mark.neo4j

DATES = (date(2020, 1, 1), date(2025, 6, 1), date(2026, 11, 23), date(2031, 1, 1))


@pytest.fixture
def population(both: dict[str, Store]) -> dict[str, Store]:
    """Sally and Robin, and a synthetic authority whose children have every kind of
    section: consents to practitioners, agencies and teams, statutory bases, handovers
    that close an involvement and ones that do not, CAFs open and closed."""
    for store in both.values():
        import_files(store, [SALLY, ROBIN])
        import_records(store, Synthesiser(80, 5).records())
    return both


def _dates(store: Store) -> list[date]:
    """Fixed dates, and some of the days things changed in the data: a CAF or team
    membership has ended on its end date, an involvement has begun on its start date, a
    handover counts from the day it was shared."""
    changes = [
        ("Caf", "closed_on"),
        ("TeamMembership", "ended_on"),
        ("Involvement", "started_on"),
        ("Handover", "shared_on"),
    ]
    days = list(DATES)
    for label, field in changes:
        found = sorted({r[field] for r in store.iter_nodes(label)} - {None})
        days += found[:: max(1, len(found) // 2)][:2]
    return days


def _child_ids(store: Store) -> list[str]:
    return sorted(r["id"] for r in store.iter_nodes("Child"))


def _canonical(read: dict[str, Any]) -> dict[str, Any]:
    """Cases with each section's rows in one order (the engines return their own)."""
    return {
        child_id: {
            key: _in_order(value) if key in cases.SECTIONS else value for key, value in case.items()
        }
        for child_id, case in sorted(read.items())
    }


def _in_order(rows: list[Any]) -> list[Any]:
    return sorted(rows, key=lambda row: repr(sorted(row.items()) if isinstance(row, dict) else row))


def _one_by_one(store: Store, child_ids: list[str], on: date) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for child_id in child_ids:
        found.update(cases.read_cases(store, [child_id], on, history=True))
    return found


def _read(
    store: Store, how: str, child_ids: list[str], on: date, history: bool = True
) -> dict[str, Any]:
    readers = {
        "chains": lambda: {
            k: v
            for child_id in child_ids
            for k, v in cases._read_chains(store, [], child_id, on, history)[1].items()
        },
        "sections": lambda: cases._read_sections(store, [], child_ids, on, history)[1],
        "whole": lambda: cases._read_whole(store, [], child_ids, on, history)[1],
    }
    read = readers[how]()
    for case in read.values():
        cases._finish(case)
    return _canonical(read)


def test_every_way_of_reading_gives_the_same_cases(population: dict[str, Store]) -> None:
    child_ids = _child_ids(population["embedded"])
    assert child_ids == _child_ids(population["neo4j"])
    asked = [*child_ids, "CH-NOBODY"]  # an unknown child is left out by every reader
    seen_sections: set[str] = set()
    for on in _dates(population["embedded"]):
        reference = _read(population["embedded"], "sections", asked, on)
        assert len(reference) == len(child_ids)
        for engine, store in population.items():
            ways = ("chains", "sections", "whole") if engine == "neo4j" else ("chains", "sections")
            for how in ways:
                assert _read(store, how, asked, on) == reference, f"{engine} {how} on {on}"
        seen_sections |= {s for case in reference.values() for s in cases.SECTIONS if case[s]}
    assert seen_sections == set(cases.SECTIONS), "the data should fill every section"


def test_without_history_no_reader_reads_handovers(population: dict[str, Store]) -> None:
    child_ids = _child_ids(population["embedded"])
    on = date(2026, 11, 23)
    full = _read(population["embedded"], "sections", child_ids, on)
    assert any(case["handovers"] for case in full.values())
    expected = {child_id: {**case, "handovers": []} for child_id, case in full.items()}
    for engine, store in population.items():
        ways = ("chains", "sections", "whole") if engine == "neo4j" else ("chains", "sections")
        for how in ways:
            assert _read(store, how, child_ids, on, history=False) == expected, f"{engine} {how}"


def test_read_cases_picks_the_reader_each_engine_answers_fastest(
    population: dict[str, Store],
) -> None:
    """One child or a case list, through read_cases itself, on each engine: the same
    cases as the reference reader."""
    child_ids = _child_ids(population["embedded"])[:12]
    on = date(2026, 11, 23)
    reference = _read(population["embedded"], "sections", child_ids, on)
    for store in population.values():
        assert _canonical(_one_by_one(store, child_ids, on)) == reference
        assert _canonical(cases.read_cases(store, child_ids, on, history=True)) == reference
    assert cases.read_cases(population["embedded"], [], on) == {}


def test_extra_reads_come_back_beside_the_cases(population: dict[str, Store]) -> None:
    """read_with reads other named queries in the same unit as the cases (the lookup's
    requester): each reader gives their rows, in order, and the same cases as without."""
    child_ids = _child_ids(population["embedded"])[:5]
    on = date(2026, 11, 23)
    extra = [
        requester_call("PR-HOY"),
        requester_call("PR-NOBODY"),
        LOOKUP_CHILD.call({"child_id": child_ids[0]}),
    ]
    for store in population.values():
        expected = [store.query(call.query.name, call.params) for call in extra]
        for asked in ([], child_ids[:1], child_ids, ["CH-NOBODY"]):
            reading = cases.read_with(store, extra, asked, on, history=True)
            assert reading.extra == expected, f"{store.engine} {asked}"
            assert _canonical(reading.cases) == _canonical(
                cases.read_cases(store, asked, on, history=True)
            )
    assert expected[0] and not expected[1], "a known and an unknown requester"


def test_the_unlabelled_hops_reach_one_label_only() -> None:
    """case_cafs, case_consents and case_bases leave the far node of their hop unlabelled
    (LadybugDB then follows it from the child): right only while the schema gives each
    of those relationship types one source label."""
    sources: dict[str, set[str]] = {}
    for edge in graph_schema().edges:
        sources.setdefault(edge.rel_type, set()).add(edge.source)
    assert sources["ASSESSES"] == {"Caf"}
    assert sources["CONSENT_ABOUT"] == {"Consent"}
    assert sources["BASIS_ABOUT"] == {"StatutoryBasis"}
    hops = {"case_cafs": "ASSESSES", "case_consents": "CONSENT_ABOUT", "case_bases": "BASIS_ABOUT"}
    for name, rel in hops.items():
        assert f"(c)<-[:{rel}]-(" in queries.named(name, "embedded"), name


@pytest.mark.parametrize("how", ["chains", "sections", "whole"])
def test_each_reader_checks_the_rows_against_their_row_types(
    both: dict[str, Store], how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every read of the cases goes through the typed runner: a query that returns a
    column its row type does not name fails as it is read, on either engine, rather
    than as a case with a field missing."""
    engine = "neo4j" if how == "whole" else "embedded"
    store = both[engine]
    import_files(store, [SALLY, ROBIN])
    wanted = {"chains": "lookup_child", "sections": "case_children", "whole": "case_read"}[how]
    named = queries.named

    def renamed(name: str, on: queries.Engine) -> str:
        text = named(name, on)
        return text.replace("AS postcode", "AS post_code") if name == wanted else text

    monkeypatch.setattr(queries, "named", renamed)
    with pytest.raises(QueryError, match=f"{wanted} returned the columns"):
        _read(store, how, ["CH-SALLY", "CH-ROBIN"], date(2026, 11, 23))
