"""The rows each named query returns, typed: for every query in ``cypher/``, a TypedDict
whose keys are the columns of the file's ``returns:`` header, in order, and a
:class:`~tacgraph.queries.Query` constant that names the file and its row type, in the
module of the capability that runs it (``tacgraph.rows.timeline.TIMELINE_LEADS``).

Run a query through the store's typed runner and mypy checks every column read::

    for row in store.read(LOOKUP_INVOLVEMENTS, {"child_id": c, "as_of": on}):
        row["ended_on"]  # date | None

A value is ``X | None`` where the property is optional in ``tacgraph.model`` or the
column comes from an ``OPTIONAL MATCH``; enumerations are ``str``, as stored. A query
that returns nothing has :class:`~tacgraph.queries.NoRow`. Queries with the same columns
share one row type; a row type that begins with another's columns extends it (within a
module, or from ``tacgraph.rows.common`` across modules). ``tests/test_rows.py`` checks
every row type against its file's header and against what both engines return (columns,
order, Python types); a query file with no row type here fails it.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from tacgraph.queries import Query
from tacgraph.rows import (
    accounts,
    audit,
    caf,
    casework,
    duplicates,
    export,
    ig,
    lookup,
    practice,
    search,
    store,
    summary,
    timeline,
)

# Templates whose columns are the properties of a label or an edge type, filled from
# tacgraph.schema: the store reads them as plain rows (Store.nodes_by_id and the like).
SCHEMA_COLUMNS = frozenset({"edges_from", "nodes_by_id", "nodes_page"})

MODULES: tuple[ModuleType, ...] = (accounts, audit, caf, casework, duplicates, export, ig)
MODULES += (lookup, practice, search, store, summary, timeline)


def all_queries() -> dict[str, Query[Any]]:
    """Every named query's :class:`Query`, by name."""
    return {
        value.name: value
        for module in MODULES
        for value in vars(module).values()
        if isinstance(value, Query)
    }
