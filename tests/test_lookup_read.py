"""A lookup's one read (tacgraph.cases.read_lookup): on Neo4j the one statement
lookup_read, on LadybugDB the child_* chains with the requester beside them; both give
the requester, the household shields and the cases on each date that the queries they
stand for give."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conftest import ROBIN, SALLY
from tacgraph import cases, lookup
from tacgraph.importer import import_files, import_records
from tacgraph.rows.lookup import GATE_SHIELDED_HOUSEHOLDS, LOOKUP_REQUESTER
from tacgraph.store import Store
from tacgraph.synth import Synthesiser

pytestmark = pytest.mark.neo4j

DATES = (date(2020, 1, 1), date(2025, 6, 1), date(2026, 11, 23), date(2031, 1, 1))


@pytest.fixture
def population(both: dict[str, Store]) -> dict[str, Store]:
    """Sally and Robin (Robin is shielded), and a synthetic authority whose children
    have every kind of section, shielded children among them."""
    for store in both.values():
        import_files(store, [SALLY, ROBIN])
        import_records(store, Synthesiser(80, 5).records())
    return both


def _in_order(rows: list[Any]) -> list[Any]:
    return sorted(rows, key=lambda row: repr(sorted(row.items()) if isinstance(row, dict) else row))


def _canonical(found: dict[str, Any]) -> dict[str, Any]:
    return {
        child_id: {
            key: _in_order(value) if key in cases.SECTIONS else value for key, value in case.items()
        }
        for child_id, case in sorted(found.items())
    }


def _expected(
    store: Store, requester_id: str, child_ids: list[str], on: date, today: date | None
) -> tuple[Any, ...]:
    """What the queries lookup_read stands for give, each on its own."""
    requester = LOOKUP_REQUESTER.rows(
        store.query("lookup_requester", {"requester_id": requester_id})
    )
    shields = GATE_SHIELDED_HOUSEHOLDS.rows(
        store.query("gate_shielded_households", {"child_ids": child_ids})
    )
    then = cases.read_cases(store, child_ids, on, history=True)
    now = cases.read_cases(store, child_ids, today) if today not in (None, on) else then
    return requester, _in_order(shields), _canonical(then), _canonical(now)


def _read(
    store: Store, requester_id: str, child_ids: list[str], on: date, today: date | None
) -> tuple[Any, ...]:
    requester, reading = cases.read_lookup(
        store, requester_id, child_ids, on, history=True, today=today
    )
    return (
        requester,
        _in_order(reading.shields),
        _canonical(reading.cases),
        _canonical(reading.today),
    )


def test_the_one_read_gives_what_its_queries_give(population: dict[str, Store]) -> None:
    child_ids = sorted(r["id"] for r in population["embedded"].iter_nodes("Child"))
    shielded = [c["id"] for c in population["embedded"].iter_nodes("Child") if c["shielded"]]
    assert shielded, "the data should hold a shielded child"
    asked_lists = [
        child_ids,  # a case list, with every section and the shields
        ["CH-SALLY"],
        ["CH-ROBIN"],
        [shielded[0]],
        ["CH-NOBODY"],  # unknown: no case, no shield row
        [],
    ]
    for store in population.values():
        for requester_id in ("PR-HOY", "PR-NOBODY"):
            for asked in asked_lists:
                for on, today in zip(DATES, (*DATES[1:], DATES[0]), strict=True):
                    for second in (None, on, today):
                        got = _read(store, requester_id, asked, on, second)
                        expected = _expected(store, requester_id, asked, on, second)
                        assert got == expected, f"{store.engine} {asked[:3]} {on} {second}"
    one = population["neo4j"]
    requester, reading = cases.read_lookup(one, "PR-HOY", ["CH-ROBIN"], DATES[0], today=DATES[2])
    assert requester and reading.cases and reading.today
    assert reading.cases != reading.today, "two dates, two cases"


def test_a_lookup_on_neo4j_is_two_statements(
    population: dict[str, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A past date's lookup on Neo4j sends one statement to read (requester, shields and
    the cases on both dates) and one to append its entry, each its own round trip (an
    auto-commit transaction), the read in a read session."""
    store = population["neo4j"]
    lookup.who_else(store, "CH-SALLY", "PR-HOY")  # the first append reads the log's head
    sent: list[str] = []
    for method in ("run", "query_once", "query_many"):
        original = getattr(store, method)

        def counted(*args: Any, _original: Any = original, _name: str = method, **kw: Any) -> Any:
            first = args[0]
            sent.extend([c[0] for c in first] if _name == "query_many" else [str(first)[:40]])
            return _original(*args, **kw)

        monkeypatch.setattr(store, method, counted)
    modes: list[str] = []
    session = store._session

    def opened(mode: str = "WRITE") -> Any:
        modes.append(mode)
        return session(mode)

    monkeypatch.setattr(store, "_session", opened)
    answer = lookup.who_else(store, "CH-SALLY", "PR-HOY", as_of=date(2026, 11, 23))
    assert answer.known
    assert sent == ["lookup_read", "audit_append_one"]
    # The read in a read session, which a cluster routes to a secondary.
    assert modes == ["READ", "WRITE"]
