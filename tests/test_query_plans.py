"""Every read query that starts from ids it is given finds them through an index on
Neo4j: its plan has an index seek and no scan of all nodes or of a whole label. The
queries that read a whole population on purpose are listed, each with its reason."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import neo4j
import pytest

from conftest import ROBIN, SALLY, wipe
from tacgraph import accounts, queries
from tacgraph.config import StoreConfig
from tacgraph.importer import import_files, import_records
from tacgraph.schema import graph_schema
from tacgraph.store.neo4j import Neo4jStore
from tacgraph.synth import Synthesiser

pytestmark = pytest.mark.neo4j

# Population-wide by design: they read every node of a label.
POPULATION: dict[str, str] = {
    "practice_": "population audits of practice read every child's records",
    "summary_": "headline figures count a whole label",
    "dup_": "duplicate detection compares every child record",
    "ig_bases": "the governance report lists every statutory basis",
    "ig_consents_expiring": "the governance report scans every consent for its expiry",
    "ig_left_but_in_team": "the governance report scans every leaver still in a team",
    "export_shielded": "a default export reads every shielded child",
    "audit_page": "verification reads the whole access log in pages",
    "audit_last": "the newest entry is found by ordering the whole log",
    "count_": "counts a whole label or relationship type",
    "nodes_page": "pages through a whole label",
    "clear_label": "deletes a whole label",
    "export_shielded_": "a default export reads every shielded child's locating links",
    "audit_count": "counts the whole access log",
    "account_list": "administrators list every account",
    "account_candidates": "demo accounts rank every authorised practitioner by open cases",
    "account_officers": "demo accounts find the governance officers among all practitioners",
    "casework_agencies": "a statutory basis is shared with agencies chosen from all of them",
    "search_children": "a search scores every child record (no name index yet: a known gap)",
    "search_family_names": "a search by name compares every distinct family name first",
    "search_names": "a one-word search by name compares every distinct name first",
    "search_children_named": "reads the children with the names a search may match, by "
    "their names (no name index yet: a known gap)",
    "account_by_subject": "single sign-on finds its account by subject (no index yet: a known "
    "gap, few accounts)",
}
WRITES = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|CALL|COPY)\b", re.IGNORECASE)
SEEKS = re.compile(r"Index(Seek|ContainsScan|EndsWithScan)|ByElementIdSeek|ByIdSeek")
SCANS = {"AllNodesScan", "NodeByLabelScan"}


def _population_reason(name: str) -> str | None:
    for prefix, reason in POPULATION.items():
        if name == prefix or (prefix.endswith("_") and name.startswith(prefix)):
            return reason
    return None


def seeded_queries() -> list[tuple[str, str]]:
    """(name, Neo4j text) of every read query that starts from given ids:
    the named files, and the read templates filled for every label and edge."""
    found: list[tuple[str, str]] = []
    names = sorted({qf.name for qf in queries.all_query_files() if qf.engine in (None, "neo4j")})
    schema = graph_schema()
    for name in names:
        qf = queries.query_file(name, "neo4j")
        if _population_reason(name) or WRITES.search(qf.body):
            continue
        if not qf.template:
            found.append((name, qf.body))
        elif name in ("nodes_by_id", "node_hashes"):
            found += [
                (f"{name}[{n.label}]", queries.node_query(name, "neo4j", n.label))
                for n in schema.nodes
            ]
        elif name == "edges_from":
            found += [
                (f"{name}[{e.name}]", queries.edge_query(name, "neo4j", e)) for e in schema.edges
            ]
        else:
            raise AssertionError(f"{name}: a read template this test does not know how to fill")
    return found


def _operators(plan: dict[str, Any]) -> Iterator[str]:
    yield str(plan["operatorType"]).split("@")[0]
    for child in plan.get("children", []):
        yield from _operators(child)


@pytest.fixture(scope="module")
def driver(_neo4j_checked: str) -> Iterator[neo4j.Driver]:
    store = Neo4jStore(StoreConfig(kind="neo4j", uri=_neo4j_checked))
    wipe(store)
    store.init_schema()
    accounts.init(store)  # the web directory's accounts: their id constraint
    # A population of realistic proportions: on a handful of nodes the planner rightly
    # prefers scanning a tiny label to seeking, which says nothing about real data.
    import_records(store, Synthesiser(400, 3).records())
    import_files(store, [SALLY, ROBIN])
    store.run("CALL db.prepareForReplanning(60)")  # fresh statistics for the plans
    try:
        with neo4j.GraphDatabase.driver(_neo4j_checked, auth=None) as opened:
            yield opened
    finally:
        wipe(store)
        store.close()


def test_the_population_list_names_real_queries() -> None:
    names = {qf.name for qf in queries.all_query_files()}
    for prefix in POPULATION:
        assert any(n == prefix or n.startswith(prefix) for n in names), prefix
    assert len(seeded_queries()) > 40


@pytest.mark.parametrize(("name", "text"), [pytest.param(n, t, id=n) for n, t in seeded_queries()])
def test_seeded_query_uses_an_index(driver: neo4j.Driver, name: str, text: str) -> None:
    values = {p: None for p in queries.parameters_used(text)}
    result = driver.execute_query(f"EXPLAIN {text}", values)
    plan = result.summary.plan
    assert plan is not None, f"{name}: no plan"
    operators = list(_operators(plan))
    scans = sorted(SCANS.intersection(operators))
    assert not scans, f"{name} scans {scans}: {operators}"
    assert any(SEEKS.search(op) for op in operators), f"{name} has no index seek: {operators}"
