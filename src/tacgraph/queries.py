"""Named Cypher queries, loaded from ``cypher/``: one query per file.

``NAME.cypher`` runs on both engines; ``NAME.embedded.cypher`` or ``NAME.neo4j.cypher``
is an engine's own version where the dialects differ. A few generic queries are
templates over the graph schema (``{{label}}`` and the like): they are filled only from
:mod:`tacgraph.schema`, never from input, and every value is still a ``$parameter``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, Literal, TypedDict, TypeVar, cast

from tacgraph.errors import QueryError
from tacgraph.resources import resource_dir
from tacgraph.schema import HASH, EdgeSpec, NodeSpec, RelSpec, graph_schema

Engine = Literal["embedded", "neo4j"]
ENGINES: tuple[Engine, ...] = ("embedded", "neo4j")

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_PARAM = re.compile(r"\$(\w+)")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

RowT = TypeVar("RowT", bound=Mapping[str, object])


class NoRow(TypedDict):
    """The row of a query that returns nothing (DDL, writes)."""


@dataclass(frozen=True)
class Query(Generic[RowT]):
    """A named query and the type of its rows: a TypedDict whose keys are the columns of
    the file's ``returns:`` header, in order (``tacgraph.rows`` declares one per query;
    ``tests/test_rows.py`` checks them against what each engine returns)."""

    name: str
    row: type[RowT]
    columns: tuple[str, ...] = field(init=False)
    _keys: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.row.__annotations__))
        object.__setattr__(self, "_keys", frozenset(self.columns))

    def call(self, params: Mapping[str, Any] | None = None) -> Call[RowT]:
        """This query with its parameters, for :meth:`Store.read_many`."""
        return Call(self, params or {})

    def rows(self, found: list[dict[str, Any]]) -> list[RowT]:
        """``found``, the rows this query returned, as its row type: the one unchecked
        conversion from an engine's rows to typed rows, checked here by the first row's
        columns. Raises QueryError where they are not the row type's. A query that returns
        nothing (:class:`NoRow`) is not checked: an engine may answer DDL with a status."""
        if found and self._keys and found[0].keys() != self._keys:
            raise QueryError(
                f"{self.name} returned the columns {sorted(found[0])}, "
                f"not {sorted(self.columns)}; declare its row in tacgraph.rows as it returns"
            )
        return cast("list[RowT]", found)


@dataclass(frozen=True)
class Call(Generic[RowT]):
    """A named query with the parameters to run it with."""

    query: Query[RowT]
    params: Mapping[str, Any]


@dataclass(frozen=True)
class QueryFile:
    name: str
    engine: Engine | None  # None: shared by both engines
    text: str
    params: tuple[str, ...]
    returns: str
    template: tuple[str, ...]

    @property
    def body(self) -> str:
        return "\n".join(
            line for line in self.text.splitlines() if not line.lstrip().startswith("//")
        ).strip()


def _header(text: str, key: str) -> str:
    for line in text.splitlines():
        match = re.match(rf"^//\s*{key}:\s*(.*)$", line.strip())
        if match:
            return match.group(1).strip()
    return ""


def _names(header: str) -> tuple[str, ...]:
    if header in ("", "none"):
        return ()
    return tuple(part.split("(")[0].strip() for part in re.split(r",(?![^(]*\))", header))


@cache
def all_query_files() -> tuple[QueryFile, ...]:
    """Every file in ``cypher/``, parsed."""
    files: list[QueryFile] = []
    for path in sorted(resource_dir("cypher").glob("*.cypher")):
        parts = path.name.split(".")
        name = parts[0]
        engine: Engine | None = None
        if len(parts) == 3:
            if parts[1] not in ENGINES:
                raise QueryError(f"{path.name}: unknown engine {parts[1]!r}")
            engine = parts[1]
        text = path.read_text(encoding="utf-8")
        files.append(
            QueryFile(
                name=name,
                engine=engine,
                text=text,
                params=_names(_header(text, "params")),
                returns=_header(text, "returns"),
                template=_names(_header(text, "template")),
            )
        )
    return tuple(files)


@cache
def query_file(name: str, engine: Engine) -> QueryFile:
    """The file for ``name`` on ``engine``: the engine's own, else the shared one."""
    shared = None
    for qf in all_query_files():
        if qf.name == name and qf.engine == engine:
            return qf
        if qf.name == name and qf.engine is None:
            shared = qf
    if shared is None:
        raise QueryError(f"no Cypher query named {name!r} for the {engine} engine")
    return shared


@cache
def named(name: str, engine: Engine) -> str:
    """The text of a plain (non-template) named query."""
    qf = query_file(name, engine)
    if qf.template:
        raise QueryError(f"{name} is a template; use the schema helpers")
    return qf.body


def _fill(qf: QueryFile, values: dict[str, str]) -> str:
    missing = set(qf.template) - set(values)
    if missing:
        raise QueryError(f"{qf.name}: template values missing: {sorted(missing)}")

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise QueryError(f"{qf.name}: unknown placeholder {key}")
        return values[key]

    return _PLACEHOLDER.sub(replace, qf.body)


def _ident(value: str) -> str:
    if not _IDENT.match(value):
        raise QueryError(f"{value!r} is not a schema identifier")
    return value


def _known_label(label: str) -> NodeSpec:
    try:
        return graph_schema().node(label)
    except KeyError:
        raise QueryError(f"{label!r} is not a label of the graph schema") from None


def _column_type(prop_type: str) -> str:
    return prop_type


@cache
def node_query(name: str, engine: Engine, label: str) -> str:
    """A node template filled for one label of the schema."""
    spec = _known_label(label)
    props = [_ident(p) for p in spec.prop_names]
    values = {
        "label": _ident(spec.label),
        "returns": ", ".join(f"n.{p} AS {p}" for p in props),
        "assignments": ", ".join(f"n.{p} = {p}" for p in props if p != "id"),
        "properties": ", ".join(f"{p}: {p}" for p in [*props, HASH]),
        "columns": ", ".join(f"{_ident(p.name)} {_column_type(p.type)}" for p in spec.props),
    }
    return _fill(query_file(name, engine), values)


@cache
def edge_query(name: str, engine: Engine, edge: EdgeSpec) -> str:
    """An edge template filled for one (source, type, target) triple of the schema."""
    if edge not in graph_schema().edges:
        raise QueryError(f"{edge.name} is not an edge of the graph schema")
    values = {
        "source": _ident(edge.source),
        "rel_type": _ident(edge.rel_type),
        "target": _ident(edge.target),
        "rel_returns": "".join(f", r.{_ident(p.name)} AS {p.name}" for p in edge.props),
        "rel_properties": (
            " {" + ", ".join(f"{_ident(p.name)}: {p.name}" for p in edge.props) + "}"
            if edge.props
            else ""
        ),
    }
    return _fill(query_file(name, engine), values)


@cache
def rel_count_query(engine: Engine, rel: RelSpec, pair: tuple[str, str]) -> str:
    if rel not in graph_schema().rels or pair not in rel.pairs:
        raise QueryError(f"{rel.rel_type} {pair} is not in the graph schema")
    values = {
        "source": _ident(pair[0]),
        "rel_type": _ident(rel.rel_type),
        "target": _ident(pair[1]),
    }
    return _fill(query_file("count_rels", engine), values)


@cache
def rel_table_query(rel: RelSpec) -> str:
    """The embedded engine's DDL for one relationship type."""
    if rel not in graph_schema().rels:
        raise QueryError(f"{rel.rel_type} is not in the graph schema")
    values = {
        "rel_type": _ident(rel.rel_type),
        "pairs": ", ".join(f"FROM {_ident(a)} TO {_ident(b)}" for a, b in rel.pairs),
        "columns": "".join(f", {_ident(p.name)} {_column_type(p.type)}" for p in rel.props),
    }
    return _fill(query_file("init_rel_table", "embedded"), values)


@cache
def index_query(name: str, engine: Engine, label: str, prop: str | None = None) -> str:
    """Constraint and index DDL for one label (and property)."""
    spec = _known_label(label)
    values = {"label": _ident(spec.label), "name": f"{spec.label.lower()}_id"}
    if prop is not None:
        if prop not in spec.prop_names:
            raise QueryError(f"{label}.{prop} is not in the graph schema")
        values["prop"] = _ident(prop)
        values["name"] = f"{spec.label.lower()}_{prop}"
    return _fill(query_file(name, engine), values)


def parameters_used(text: str) -> set[str]:
    return set(_PARAM.findall(text))
