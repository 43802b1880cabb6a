"""The embedded store's import statements that start from the ids they are given never
pair every node of one label with every node of another (those reading Arrow tables find
each row's nodes by primary key): ``edges_create`` once matched both ends in one MATCH,
which LadybugDB planned as a cross product of the two labels, so 17 new edges into a
store of 200,000 records took 20 GB and failed with "the buffer pool is full";
``edges_delete`` was planned the same way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tacgraph import queries
from tacgraph.schema import EdgeSpec, graph_schema
from tacgraph.store.arrowfiles import HASH
from tacgraph.store.embedded import EmbeddedStore, _arrow_table

# The statements an import runs with ids it is given, by how their rows are passed.
EDGE_TABLES = ("edges_create",)  # LOAD FROM an Arrow table of (from_id, to_id, props)
EDGE_LISTS = ("edges_delete", "edges_from")
NODE_TABLES = ("nodes_update",)
NODE_LISTS = ("nodes_by_id", "node_hashes", "node_hashes_set")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    with EmbeddedStore(tmp_path_factory.mktemp("plans") / "db") as store:
        store.init_schema()
        yield store


def _plan(store: EmbeddedStore, text: str, params: dict[str, Any]) -> str:
    return "\n".join(
        str(value) for row in store.run("EXPLAIN " + text, params) for value in row.values()
    )


def _edge_rows(edge: EdgeSpec) -> Any:
    columns = [("from_id", "STRING"), ("to_id", "STRING")] + [(p.name, p.type) for p in edge.props]
    return _arrow_table(columns, [["a", "b", *(None for _ in edge.props)]])


def _node_rows(label: str) -> Any:
    columns = [(p.name, p.type) for p in graph_schema().node(label).props] + [(HASH, "STRING")]
    return _arrow_table(columns, [[None for _ in columns]])


def _cases() -> Iterator[tuple[str, str, str]]:
    for edge in graph_schema().edges:
        for name in EDGE_TABLES + EDGE_LISTS:
            yield name, f"{edge.source}-{edge.rel_type}-{edge.target}", "edge"
    for node in graph_schema().nodes:
        for name in NODE_TABLES + NODE_LISTS:
            yield name, node.label, "node"


@pytest.mark.parametrize(("name", "what", "kind"), list(_cases()))
def test_an_import_statement_finds_its_nodes_by_key(
    store: EmbeddedStore, name: str, what: str, kind: str
) -> None:
    if kind == "edge":
        edge = next(
            e for e in graph_schema().edges if f"{e.source}-{e.rel_type}-{e.target}" == what
        )
        text = queries.edge_query(name, store.engine, edge)
        params: dict[str, Any] = (
            {"rows": _edge_rows(edge)}
            if name in EDGE_TABLES
            else {"rows": [{"source": "a", "target": "b"}], "ids": ["a"]}
        )
    else:
        text = queries.node_query(name, store.engine, what)
        params = (
            {"rows": _node_rows(what)}
            if name in NODE_TABLES
            else {"rows": [{"id": "a", "hash": "h"}], "ids": ["a"]}
        )
    used = {key: value for key, value in params.items() if key in queries.parameters_used(text)}
    plan = _plan(store, text, used)
    assert "CROSS_PRODUCT" not in plan, plan
    if name in EDGE_TABLES + NODE_TABLES:  # the rows' ids looked up one by one
        assert "QUERY_PRIMARY_KEY_LOOKUP" in plan, plan
