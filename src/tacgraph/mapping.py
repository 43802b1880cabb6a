"""Between domain records and graph rows: a record's properties and its edges."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from tacgraph.model import BY_LABEL, Record
from tacgraph.schema import EdgeSpec, graph_schema
from tacgraph.store.base import Row

EdgeTargets = dict[EdgeSpec, list[tuple[str, dict[str, Any]]]]


_SCALARS = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _SCALARS:  # most values: an exact type, so never an Enum
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_graph(record: Record) -> tuple[Row, EdgeTargets]:
    """The node row (every property of the label) and the edges of one record."""
    schema = graph_schema()
    label = record.label()
    row = {name: _plain(getattr(record, name)) for name in schema.node(label).prop_names}
    edges: EdgeTargets = {}
    for edge in schema.edges_from(label):
        value = getattr(record, edge.field)
        targets: list[tuple[str, dict[str, Any]]] = []
        if edge.key is not None:
            for item in value:
                props = {p.name: _plain(getattr(item, p.name)) for p in edge.props}
                targets.append((getattr(item, edge.key), props))
        elif edge.many:
            targets = [(target, {}) for target in value]
        elif value is not None:
            targets = [(value, {})]
        edges[edge] = targets
    return row, edges


def referenced_ids(record: Record) -> list[tuple[EdgeSpec, str]]:
    """Every (edge, target id) the record points at."""
    _, edges = to_graph(record)
    return [(edge, target) for edge, targets in edges.items() for target, _ in targets]


def from_graph(label: str, row: Mapping[str, Any], edges: EdgeTargets) -> Record:
    """Rebuild a record from its node row and edges (the inverse of :func:`to_graph`).

    Raises pydantic.ValidationError when the stored data does not make a valid record.
    """
    model = BY_LABEL[label]
    data: dict[str, Any] = {k: v for k, v in row.items() if v is not None}
    for edge in graph_schema().edges_from(label):
        targets = sorted(edges.get(edge, []), key=lambda t: t[0])
        if edge.key is not None:
            data[edge.field] = [{edge.key: target, **props} for target, props in targets]
        elif edge.many:
            data[edge.field] = [target for target, _ in targets]
        elif targets:
            if len(targets) > 1:
                raise ValueError(f"{label} {row.get('id')}: several {edge.rel_type} edges")
            data[edge.field] = targets[0][0]
    return model.model_validate(data, strict=False)
