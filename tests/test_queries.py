"""Every file in cypher/: well formed, used from Python, and run on both engines."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from conftest import same_answer
from tacgraph import queries, rows
from tacgraph.errors import QueryError
from tacgraph.store import Store
from test_rows import header_columns, row_problems

SRC = Path(__file__).parents[1] / "src" / "tacgraph"
ROWS = SRC / "rows"
BENCHMARKS = Path(__file__).parents[1] / "benchmarks"
FILES = queries.all_query_files()
# The access log's queries write or need a log: tests/test_lookup.py runs them on both
# engines. init_audit is DDL, run by every store's init_schema.
COVERED_ELSEWHERE = {
    "audit_append",
    "audit_append_one",
    "audit_head",
    "audit_head_init",
    "audit_last",
    "audit_page",
    "init_audit",
    "init_audit_head",
}
# Accounts, search and casework write or need their own records: tests/test_accounts.py,
# tests/test_search.py and tests/test_casework.py run each on both engines.
COVERED_ELSEWHERE |= {
    qf.name for qf in FILES if qf.name.startswith(("account_", "search_", "casework_"))
}
# Neo4j's own forms with no LadybugDB sibling, each with the test that checks it gives
# the same answer as the shared queries it stands for.
NEO4J_ONLY = {
    "case_read": "tests/test_cases.py: the same cases as case_* and child_* on both engines",
    "lookup_read": "tests/test_lookup_read.py: what lookup_requester, the shields and cases give",
}
# Queries that leave row order to the engine (their caller groups the rows).
UNORDERED = {qf.name for qf in FILES if qf.name.startswith(("case_", "child_"))} | {
    "ig_involvement_links",
    "ig_membership_links",
    "gate_shielded_households",
    "dup_family_ids",
}
# Queries whose lists are gathered by collect(), in no order either engine promises: the
# code reads each as a set (dup_family_ids: a child's family members, for the linkage).
SET_LISTS = {"dup_family_ids"}
PLAIN = sorted({qf.name for qf in FILES if not qf.template} - COVERED_ELSEWHERE - set(NEO4J_ONLY))

# Example values for every parameter a plain query takes.
EXAMPLES: dict[str, Any] = {
    "as_of": date(2026, 11, 23),
    "today": date(2026, 11, 23),
    "requester_id": "PR-HOY",
    "requester_ids": ["PR-HOY", "PR-MIDWIFE", "PR-UNINVOLVED"],
    "child_id": "CH-SALLY",
    "until": date(2026, 12, 31),
    "child_ids": ["CH-SALLY", "CH-SALLY-BABY"],
    "caf_ids": ["CAF-SALLY"],
    "consent_ids": ["CO-SALLY-TAC", "CO-MOTHER-TAC", "CO-ROBIN-UNCLE"],
    "basis_ids": ["SB-ROBIN-HARM", "SB-ROBIN-NO-REASON"],
    "practitioner_id": "PR-HOY",
    "dates": [date(2010, 5, 14), date(2026, 11, 28)],
    "kinds": ["school", "gp_practice"],
    "family_names": ["Carter"],
    "names": ["Sally"],
}
# Queries whose natural answer on the fixtures is about another child.
CHILD_FOR = {
    "lookup_shield": "CH-ROBIN",
    "lookup_bases": "CH-ROBIN",
    "child_shield": "CH-ROBIN",
    "child_bases": "CH-ROBIN",
    "child_basis_recorders": "CH-ROBIN",
    "child_basis_recipients": "CH-ROBIN",
}
# Queries about households a shielded child lives in: Robin's.
CHILD_IDS_FOR = {
    "gate_shielded_households": ["CH-SALLY", "CH-ROBIN"],
}


@cache
def _python_source() -> str:
    """The library and the benchmarks (which run the ungated baseline queries), but not
    tacgraph.rows, which names every query."""
    files = [*SRC.rglob("*.py"), *BENCHMARKS.glob("*.py")]
    return "\n".join(p.read_text() for p in files if ROWS not in p.parents)


@pytest.mark.parametrize("qf", FILES, ids=lambda qf: f"{qf.name}.{qf.engine or 'shared'}")
def test_header_matches_body(qf: queries.QueryFile) -> None:
    assert qf.text.startswith(f"// {qf.name}"), "the first line names the query"
    assert re.search(r"^// params:", qf.text, re.M), "a params: header line"
    assert re.search(r"^// returns:", qf.text, re.M), "a returns: header line"
    # What it returns is checked against the rows on both engines in
    # test_plain_query_runs_on_both_engines_with_the_same_answer.
    assert queries.parameters_used(qf.body) == set(qf.params)
    placeholders = set(re.findall(r"\{\{(\w+)\}\}", qf.body))
    assert placeholders == set(qf.template)


@pytest.mark.parametrize("name", sorted({qf.name for qf in FILES}))
def test_every_query_is_used_from_python(name: str) -> None:
    used = f'"{name}"' in _python_source() or re.search(rf"\b{name.upper()}\b", _python_source())
    assert used, f"cypher/{name}.cypher is used nowhere"


def test_engine_siblings_take_the_same_parameters() -> None:
    by_name: dict[str, set[tuple[str, ...]]] = {}
    for qf in FILES:
        by_name.setdefault(qf.name, set()).add(qf.params)
    different = {name: p for name, p in by_name.items() if len(p) > 1}
    assert not different


@pytest.mark.neo4j
@pytest.mark.parametrize("name", PLAIN)
def test_plain_query_runs_on_both_engines_with_the_same_answer(
    name: str, casebook: dict[str, Store]
) -> None:
    qf = queries.query_file(name, "embedded")
    missing = set(qf.params) - set(EXAMPLES)
    assert not missing, f"add example values for {missing}"
    params = {p: EXAMPLES[p] for p in qf.params}
    if name in CHILD_FOR:
        params["child_id"] = CHILD_FOR[name]
    if name in CHILD_IDS_FOR:
        params["child_ids"] = CHILD_IDS_FOR[name]

    query = rows.all_queries()[name]

    def read(store: Store) -> list[dict[str, Any]]:
        found = store.query(name, params)
        # The engine's own file says what it returns: every row has those columns, and
        # the query's row type has those columns and the types of their values.
        header = queries.query_file(name, store.engine).returns
        columns = header_columns(queries.query_file(name, store.engine))
        for row in found:
            assert tuple(row) == columns, f"{name} on {store.engine}: header says {header}"
            assert row_problems(query, row) == [], f"{name} on {store.engine}"
        if name in SET_LISTS:
            found = [
                {k: sorted(v) if isinstance(v, list) else v for k, v in r.items()} for r in found
            ]
        return sorted(found, key=repr) if name in UNORDERED else found

    answer = same_answer(casebook, read)
    assert answer, f"{name} returned no rows on the Sally and Robin fixtures"


def test_neo4j_only_queries_have_no_embedded_form() -> None:
    for name in NEO4J_ONLY:
        assert {qf.engine for qf in FILES if qf.name == name} == {"neo4j"}, name


def test_templates_refuse_names_outside_the_schema() -> None:
    with pytest.raises(QueryError):
        queries.node_query("nodes_by_id", "neo4j", "Child) DETACH DELETE (n")
    with pytest.raises(QueryError):
        queries.named("nodes_by_id", "neo4j")
    with pytest.raises(QueryError):
        queries.named("no_such_query", "embedded")
