"""The graph schema, derived from the domain model.

Every record type is a node label; every field marked with :class:`~tacgraph.model.Ref`
is an edge. This module is the fixed list of labels, relationship types and property
names that Cypher templates may be filled from: nothing else ever is.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cache, cached_property
from typing import Any, Literal

from pydantic import BaseModel

from tacgraph.model import RECORD_TYPES, Dataset, Record, Ref

PropType = Literal["STRING", "BOOLEAN", "DATE", "INT64", "STRING[]"]

HASH = "content_hash"
"""The property each node keeps the content hash of the record it was written from in
(not a field of any record, so not in a label's ``props``)."""


@dataclass(frozen=True)
class Prop:
    name: str
    type: PropType


@dataclass(frozen=True, eq=True)
class NodeSpec:
    label: str
    collection: str
    props: tuple[Prop, ...]  # always starts with id

    @cached_property
    def prop_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.props)


@dataclass(frozen=True)
class EdgeSpec:
    """One reference field: ``(source)-[rel_type]->(target)``."""

    source: str
    field: str
    rel_type: str
    target: str
    many: bool
    key: str | None = None  # id field inside nested models
    props: tuple[Prop, ...] = ()

    def __hash__(self) -> int:
        # Edges key the importer's dicts millions of times; hash the name once.
        return hash((self.source, self.field))

    @property
    def name(self) -> str:
        return f"{self.source}.{self.field}"


@dataclass(frozen=True)
class RelSpec:
    """A relationship type with every (source, target) pair it joins."""

    rel_type: str
    pairs: tuple[tuple[str, str], ...]
    props: tuple[Prop, ...] = field(default=())


@dataclass(frozen=True)
class GraphSchema:
    nodes: tuple[NodeSpec, ...]
    edges: tuple[EdgeSpec, ...]
    rels: tuple[RelSpec, ...]
    indexes: tuple[tuple[str, str], ...]

    def node(self, label: str) -> NodeSpec:
        for spec in self.nodes:
            if spec.label == label:
                return spec
        raise KeyError(label)

    def edges_from(self, label: str) -> tuple[EdgeSpec, ...]:
        return self._edges_by_source.get(label, ())

    @cached_property
    def _edges_by_source(self) -> dict[str, tuple[EdgeSpec, ...]]:
        by_source: dict[str, list[EdgeSpec]] = {}
        for edge in self.edges:
            by_source.setdefault(edge.source, []).append(edge)
        return {label: tuple(edges) for label, edges in by_source.items()}

    def rel(self, rel_type: str) -> RelSpec:
        for spec in self.rels:
            if spec.rel_type == rel_type:
                return spec
        raise KeyError(rel_type)

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(n.label for n in self.nodes)

    @property
    def rel_types(self) -> frozenset[str]:
        return frozenset(r.rel_type for r in self.rels)


# Properties the lookups and audits search by, beyond the id every label has.
SECONDARY_INDEXES: tuple[tuple[str, str], ...] = (
    ("Child", "family_name"),
    ("Child", "date_of_birth"),
    ("Child", "postcode"),
    ("Child", "nhs_number"),
    ("Practitioner", "family_name"),
    ("Caf", "state"),
    ("Involvement", "ended_on"),
)


# Words either engine's Cypher reserves: no label, property or field may be one, so that
# every generated query stays plain (no quoting) on both engines.
RESERVED = frozenset(
    [
        "all",
        "and",
        "as",
        "asc",
        "ascending",
        "begin",
        "by",
        "call",
        "case",
        "commit",
        "contains",
        "copy",
        "count",
        "create",
        "delete",
        "desc",
        "descending",
        "detach",
        "distinct",
        "drop",
        "else",
        "end",
        "ends",
        "exists",
        "explain",
        "false",
        "from",
        "group",
        "in",
        "install",
        "is",
        "key",
        "limit",
        "load",
        "macro",
        "match",
        "merge",
        "node",
        "not",
        "null",
        "on",
        "optional",
        "or",
        "order",
        "primary",
        "profile",
        "rel",
        "remove",
        "return",
        "rollback",
        "set",
        "skip",
        "starts",
        "table",
        "then",
        "to",
        "transaction",
        "true",
        "union",
        "unwind",
        "when",
        "where",
        "with",
        "xor",
        "yield",
    ]
)


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _prop_type(annotation: Any, where: str) -> PropType:
    annotation = _unwrap_optional(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    if origin is list:
        (item,) = typing.get_args(annotation)
        item = _unwrap_optional(item)
        if typing.get_origin(item) is typing.Annotated:
            item = typing.get_args(item)[0]
        if item is str or (isinstance(item, type) and issubclass(item, Enum)):
            return "STRING[]"
        raise TypeError(f"{where}: unsupported list item type {item!r}")
    if annotation is bool:
        return "BOOLEAN"
    if annotation is int:
        return "INT64"
    if annotation is date:
        return "DATE"
    if annotation is str or (isinstance(annotation, type) and issubclass(annotation, Enum)):
        return "STRING"
    raise TypeError(f"{where}: unsupported field type {annotation!r}")


def _ref_of(model: type[BaseModel], name: str) -> Ref | None:
    for meta in model.model_fields[name].metadata:
        if isinstance(meta, Ref):
            return meta
    return None


def _nested_model(annotation: Any) -> type[BaseModel]:
    (item,) = typing.get_args(_unwrap_optional(annotation))
    assert isinstance(item, type) and issubclass(item, BaseModel)
    return item


def _build_node(model: type[Record]) -> tuple[NodeSpec, list[EdgeSpec]]:
    props: list[Prop] = []
    edges: list[EdgeSpec] = []
    for name, info in model.model_fields.items():
        ref = _ref_of(model, name)
        where = f"{model.label()}.{name}"
        if name.lower() in RESERVED:
            raise TypeError(f"{where}: {name!r} is a reserved word in Cypher; rename the field")
        if ref is None:
            props.append(Prop(name, _prop_type(info.annotation, where)))
            continue
        many = typing.get_origin(_unwrap_optional(info.annotation)) is list
        edge_props: tuple[Prop, ...] = ()
        if ref.key is not None:
            nested = _nested_model(info.annotation)
            edge_props = tuple(
                Prop(n, _prop_type(i.annotation, f"{where}.{n}"))
                for n, i in nested.model_fields.items()
                if n != ref.key
            )
        edges.append(
            EdgeSpec(model.label(), name, ref.rel_type, ref.target, many, ref.key, edge_props)
        )
    return NodeSpec(model.label(), model.collection, tuple(props)), edges


@cache
def graph_schema() -> GraphSchema:
    """The graph schema for every record type (cached: it never changes at run time)."""
    nodes: list[NodeSpec] = []
    edges: list[EdgeSpec] = []
    for model in RECORD_TYPES:
        node, node_edges = _build_node(model)
        nodes.append(node)
        edges.extend(node_edges)
    rels: dict[str, RelSpec] = {}
    for edge in edges:
        pair = (edge.source, edge.target)
        known = rels.get(edge.rel_type)
        if known is None:
            rels[edge.rel_type] = RelSpec(edge.rel_type, (pair,), edge.props)
        else:
            if known.props != edge.props:
                raise TypeError(f"{edge.rel_type}: every use must carry the same properties")
            if pair not in known.pairs:
                rels[edge.rel_type] = RelSpec(edge.rel_type, (*known.pairs, pair), known.props)
    labels = {n.label for n in nodes}
    triples = [(e.source, e.rel_type, e.target) for e in edges]
    if len(triples) != len(set(triples)):
        raise TypeError("two fields of one label map to the same (rel type, target)")
    for edge in edges:
        if edge.target not in labels:
            raise TypeError(f"{edge.name}: unknown target label {edge.target}")
    return GraphSchema(tuple(nodes), tuple(edges), tuple(rels.values()), SECONDARY_INDEXES)


def graph_schema_document() -> dict[str, Any]:
    """The graph schema as a JSON-ready document (written to ``schemas/graph.json``)."""
    schema = graph_schema()
    return {
        "title": "tacgraph graph schema",
        "nodes": [
            {
                "label": n.label,
                "key": "id",
                "properties": {p.name: p.type for p in n.props},
                "indexes": [prop for label, prop in schema.indexes if label == n.label],
            }
            for n in schema.nodes
        ],
        "relationships": [
            {
                "type": r.rel_type,
                "pairs": [{"from": a, "to": b} for a, b in r.pairs],
                "properties": {p.name: p.type for p in r.props},
            }
            for r in schema.rels
        ],
        "edges": [
            {
                "field": e.name,
                "type": e.rel_type,
                "to": e.target,
                "many": e.many,
            }
            for e in schema.edges
        ],
    }


def json_schema_document() -> dict[str, Any]:
    """JSON Schema of the import/export document (written to ``schemas/``)."""
    doc = Dataset.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["$id"] = "https://tacgraph.invalid/schemas/tacgraph.schema.json"
    return doc


SCHEMA_FILES = {
    "tacgraph.schema.json": json_schema_document,
    "graph.json": graph_schema_document,
}


def render_schema_file(name: str) -> str:
    return json.dumps(SCHEMA_FILES[name](), indent=2, sort_keys=True) + "\n"
