"""The interface both graph engines implement, and the engine-neutral data it moves."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

from tacgraph import queries
from tacgraph.queries import Call, Engine, Query, RowT
from tacgraph.rows.store import NODE_HASHES
from tacgraph.schema import EdgeSpec, graph_schema

if TYPE_CHECKING:
    from tacgraph.store.arrowfiles import ArrowFiles

Row = dict[str, Any]
R1 = TypeVar("R1", bound=Mapping[str, object])
R2 = TypeVar("R2", bound=Mapping[str, object])
EdgeRow = tuple[str, str, dict[str, Any]]  # source id, target id, edge properties


@dataclass
class ChangeSet:
    """Writes for one batch: node rows hold every property of their label."""

    new_nodes: dict[str, list[Row]] = field(default_factory=dict)
    changed_nodes: dict[str, list[Row]] = field(default_factory=dict)
    new_edges: dict[EdgeSpec, list[EdgeRow]] = field(default_factory=dict)
    deleted_edges: dict[EdgeSpec, list[tuple[str, str]]] = field(default_factory=dict)

    def rows(self) -> int:
        """How many nodes and edges the changes write or remove."""
        return sum(
            len(rows)
            for part in (self.new_nodes, self.changed_nodes, self.new_edges, self.deleted_edges)
            for rows in part.values()
        )

    def is_empty(self) -> bool:
        return self.rows() == 0


@dataclass(frozen=True)
class Stats:
    nodes: dict[str, int]
    relationships: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "nodes": dict(sorted(self.nodes.items())),
            "relationships": dict(sorted(self.relationships.items())),
            "total_nodes": sum(self.nodes.values()),
            "total_relationships": sum(self.relationships.values()),
        }


class Store(ABC):
    """A graph store. Only the modules in ``tacgraph.store`` touch a database driver;
    everything else speaks to a store through this interface and named queries."""

    engine: Engine

    # --- the two primitives each engine implements -------------------------------
    @abstractmethod
    def run(self, text: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run one Cypher statement (read or write) and return its rows as dicts whose
        values are plain Python (``datetime.date``, lists, None).

        Raises StoreError on any engine error.
        """

    @abstractmethod
    def write(self, changes: ChangeSet) -> None:
        """Apply one batch of node and edge writes. Raises StoreError."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """A unit of work for an import: all of it lands or none of it does where the
        engine allows (embedded); batch by batch on Neo4j, where re-running completes it."""

    def load(self, records: int) -> AbstractContextManager[None]:
        """The unit an import's writes of ``records`` records run in: a
        :meth:`transaction` here; the embedded store writes a large load in many
        (:meth:`tacgraph.store.embedded.EmbeddedStore.load`)."""
        return self.transaction()

    def bulk_files(self, folder: Path) -> ArrowFiles | None:
        """Files in ``folder`` to gather a first load into this empty store for the
        engine's own bulk loader (:meth:`bulk_load`), or None where the store has no such
        path (the importer then writes as it does for any load)."""
        return None

    def bulk_load(
        self, files: ArrowFiles, progress: Callable[[str, int, int | None], None] | None = None
    ) -> None:
        """Load the files :meth:`bulk_files` gave, all or nothing, calling
        ``progress("records", nodes, total)`` and ``progress("relationships", edges,
        total)`` as it goes. Raises StoreError."""
        raise NotImplementedError(f"{self.engine} has no bulk load")

    @abstractmethod
    def init_schema(self) -> None:
        """Create labels, relationship types, constraints and indexes; idempotent."""

    @abstractmethod
    def close(self) -> None: ...

    def on_close(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` once, as the store closes (the access log's last checkpoint)."""
        self.__dict__.setdefault("_close_hooks", []).append(hook)

    def _closing(self) -> None:
        for hook in self.__dict__.pop("_close_hooks", []):
            hook()

    def discard(self) -> None:
        """Close the store after a command that failed, and remove it if opening it
        created it (an embedded store; a Neo4j database is the server's)."""
        self.close()

    # --- shared behaviour built on named queries ---------------------------------
    def query(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run the named query ``cypher/<name>.cypher`` with parameters."""
        return self.run(queries.named(name, self.engine), params)

    def query_once(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run the named query as a transaction of its own with no retry, in as few
        round trips as the engine allows (one on Neo4j, against two for :meth:`query`):
        for a short write whose caller retries it itself, such as the access log's
        append."""
        return self.query(name, params)

    def query_many(
        self, calls: Sequence[tuple[str, Mapping[str, Any]]], *, short: bool = False
    ) -> list[list[Row]]:
        """Run several named read queries, as one unit where the engine allows (one
        transaction and connection on Neo4j); the rows of each, in order. ``short``: each
        starts from ids it is given and reads little (one child's chains, one requester,
        a case list's sections), which LadybugDB answers sooner on one thread; Neo4j
        ignores it."""
        return [self.query(name, params) for name, params in calls]

    # --- the typed runner: named queries with the row types of tacgraph.rows ---------
    def read(
        self, query: Query[RowT], params: Mapping[str, Any] | None = None, *, short: bool = False
    ) -> list[RowT]:
        """Run a named query (as :meth:`query`; ``short`` as :meth:`query_many` takes it)
        and return its rows as the query's row type. Raises StoreError, or QueryError
        where the rows' columns are not the row type's."""
        if short:
            return query.rows(self.query_many([(query.name, params or {})], short=True)[0])
        return query.rows(self.query(query.name, params))

    def read_once(self, query: Query[RowT], params: Mapping[str, Any]) -> list[RowT]:
        """:meth:`query_once` with the query's row type, as :meth:`read`."""
        return query.rows(self.query_once(query.name, params))

    @overload
    def read_many(self, first: Call[R1], /, *, short: bool = False) -> tuple[list[R1]]: ...

    @overload
    def read_many(
        self, first: Call[R1], second: Call[R2], /, *, short: bool = False
    ) -> tuple[list[R1], list[R2]]: ...

    def read_many(self, *calls: Call[Any], short: bool = False) -> tuple[list[Any], ...]:
        """:meth:`query_many` with each query's row type, as :meth:`read`: the rows of
        each call, in order."""
        found = self.query_many([(c.query.name, c.params) for c in calls], short=short)
        return tuple(c.query.rows(rows) for c, rows in zip(calls, found, strict=True))

    def nodes_by_id(self, label: str, ids: Sequence[str]) -> dict[str, Row]:
        if not ids:
            return {}
        rows = self.run(queries.node_query("nodes_by_id", self.engine, label), {"ids": list(ids)})
        return {row["id"]: row for row in rows}

    def node_hashes(self, label: str, ids: Sequence[str]) -> dict[str, str | None]:
        """The content hash kept with each stored node of ``label`` among ``ids`` (None
        where none is kept); ids not stored are left out."""
        if not ids:
            return {}
        text = queries.node_query("node_hashes", self.engine, label)
        rows = NODE_HASHES.rows(self.run(text, {"ids": list(ids)}))
        return {str(rid): mark for row in rows for rid, mark in row["pairs"]}

    def set_node_hashes(self, label: str, hashes: Sequence[tuple[str, str]]) -> None:
        """Keep each (id, content hash) with its stored node of ``label``."""
        if hashes:
            text = queries.node_query("node_hashes_set", self.engine, label)
            self.run(text, {"rows": [{"id": rid, "hash": mark} for rid, mark in hashes]})

    def edges_from(self, edge: EdgeSpec, ids: Sequence[str]) -> list[EdgeRow]:
        if not ids:
            return []
        text = queries.edge_query("edges_from", self.engine, edge)
        rows = self.run(text, {"ids": list(ids)})
        names = [p.name for p in edge.props]
        return [(r["source"], r["target"], {n: r[n] for n in names}) for r in rows]

    def iter_nodes(self, label: str, page: int = 20_000) -> Iterator[Row]:
        """Every node of a label in id order, a page at a time."""
        text = queries.node_query("nodes_page", self.engine, label)
        after = ""
        while True:
            rows = self.run(text, {"after": after, "limit": page})
            yield from rows
            if len(rows) < page:
                return
            after = rows[-1]["id"]

    def stats(self) -> Stats:
        schema = graph_schema()
        nodes = {
            n.label: int(
                self.run(queries.node_query("count_nodes", self.engine, n.label))[0]["count"]
            )
            for n in schema.nodes
        }
        rels: dict[str, int] = {}
        for rel in schema.rels:
            rels[rel.rel_type] = sum(
                int(self.run(queries.rel_count_query(self.engine, rel, pair))[0]["count"])
                for pair in rel.pairs
            )
        return Stats(nodes, rels)

    def is_empty(self) -> bool:
        return sum(self.stats().nodes.values()) == 0

    def clear(self) -> None:
        """Delete every tacgraph node and relationship (keeps the schema)."""
        for node in graph_schema().nodes:
            self.run(queries.node_query("clear_label", self.engine, node.label))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
