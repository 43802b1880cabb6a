"""Validated records of one label as columns: each property's values, and each edge's
sources, targets and properties, the same values :func:`tacgraph.mapping.to_graph`
gives a record at a time (its row and edge list a record cost twice as much as reading
each attribute down a column, on a first load of 20,000 children)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from tacgraph.mapping import _plain as plain
from tacgraph.model import Record
from tacgraph.schema import EdgeSpec, graph_schema

# Each property's values, by property name.
Columns = dict[str, list[Any]]
# An edge's sources, targets and property columns.
EdgeColumns = tuple[list[str], list[str], Columns]

_PLAIN = frozenset({str, int, bool, type(None), date})


def _plain_column(values: list[Any]) -> list[Any]:
    """``values`` as :func:`plain` makes each (an Enum's value, a list's items): as they
    are when every value is of a plain type, as most columns are."""
    if _PLAIN.issuperset(map(type, values)):
        return values
    return [plain(value) for value in values]


def to_columns(
    label: str, records: Sequence[Record]
) -> tuple[Columns, dict[EdgeSpec, EdgeColumns]]:
    """The node columns (every property of ``label``) and the edge columns of
    ``records``, all of ``label``, in their order."""
    schema = graph_schema()
    columns = {
        name: _plain_column([getattr(record, name) for record in records])
        for name in schema.node(label).prop_names
    }
    ids = columns["id"]
    edges: dict[EdgeSpec, EdgeColumns] = {}
    for edge in schema.edges_from(label):
        values = [getattr(record, edge.field) for record in records]
        sources: list[str] = []
        targets: list[Any] = []
        props: Columns = {}
        if edge.key is not None:
            items: list[Any] = []
            for rid, value in zip(ids, values, strict=True):
                sources += [rid] * len(value)
                items += value
            targets = [getattr(item, edge.key) for item in items]
            props = {
                p.name: _plain_column([getattr(item, p.name) for item in items]) for p in edge.props
            }
        elif edge.many:
            for rid, value in zip(ids, values, strict=True):
                sources += [rid] * len(value)
                targets += value
        else:
            for rid, value in zip(ids, values, strict=True):
                if value is not None:
                    sources.append(rid)
                    targets.append(value)
        edges[edge] = (sources, targets, props)
    return columns, edges
