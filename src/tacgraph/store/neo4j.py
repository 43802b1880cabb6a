"""The Neo4j store, through the official driver: ``bolt://`` for one server,
``neo4j://`` routing for a cluster, ``+s`` schemes for TLS.

With ``tacgraph.store.neo4j_server`` the only modules that import ``neo4j``. Driver
errors become tacgraph's own; no message ever carries the password.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import neo4j
from neo4j.exceptions import DriverError, Neo4jError
from neo4j.time import Date, DateTime

from tacgraph import queries
from tacgraph.config import StoreConfig
from tacgraph.errors import StoreError, StoreUnavailable
from tacgraph.schema import graph_schema
from tacgraph.store.base import ChangeSet, Row, Store

WRITE_BATCH = 5_000


def _native(value: Any) -> Any:
    if isinstance(value, Date | DateTime):
        return value.to_native()
    if isinstance(value, list):
        return [_native(v) for v in value]
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    return value


def _safe(exc: BaseException, config: StoreConfig) -> str:
    text = str(exc)
    if config.password:
        text = text.replace(config.password, "***")
    return text


class Neo4jStore(Store):
    engine = "neo4j"

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        auth = (config.username or "neo4j", config.password) if config.password else None
        try:
            self._driver = neo4j.GraphDatabase.driver(
                config.uri, auth=auth, notifications_min_severity="OFF"
            )
            self._driver.verify_connectivity()
        except (DriverError, Neo4jError, ValueError, OSError) as exc:
            raise StoreUnavailable(
                f"cannot reach {config.describe()}: {_safe(exc, config)}",
                "check NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD, or start a local "
                "server with 'tacgraph db neo4j start'",
            ) from None

    def run(self, text: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        try:
            records, _, keys = self._driver.execute_query(
                text, dict(params or {}), database_=self.config.database
            )
        except (DriverError, Neo4jError, UnicodeEncodeError) as exc:
            raise StoreError(f"Neo4j: {_safe(exc, self.config)}") from None
        return [{k: _native(record[k]) for k in keys} for record in records]

    def _session(self) -> neo4j.Session:
        """A session that shares causal bookmarks with ``run`` (``execute_query``): on a
        cluster, a read after a write (a consent withdrawn, then a lookup) sees it."""
        return self._driver.session(
            database=self.config.database,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
        )

    def query_many(self, calls: Sequence[tuple[str, Mapping[str, Any]]]) -> list[list[Row]]:
        texts = [(queries.named(name, self.engine), dict(params)) for name, params in calls]

        def work(tx: neo4j.ManagedTransaction) -> list[list[Row]]:
            answers: list[list[Row]] = []
            for text, params in texts:
                result = tx.run(text, params)
                keys = result.keys()
                answers.append([{k: _native(record[k]) for k in keys} for record in result])
            return answers

        try:
            with self._session() as session:
                return session.execute_read(work)
        except (DriverError, Neo4jError, UnicodeEncodeError) as exc:
            raise StoreError(f"Neo4j: {_safe(exc, self.config)}") from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # Each write() batch commits on its own; an interrupted import is completed by
        # running it again (imports are idempotent).
        yield

    def init_schema(self) -> None:
        schema = graph_schema()
        for node in schema.nodes:
            self.run(queries.index_query("init_constraint", self.engine, node.label))
        for label, prop in schema.indexes:
            self.run(queries.index_query("init_index", self.engine, label, prop))
        self.run("CALL db.awaitIndexes(300)")
        self.query("init_audit")
        self.query("init_audit_head")

    def write(self, changes: ChangeSet) -> None:
        statements: list[tuple[str, dict[str, Any]]] = []
        for part in (changes.new_nodes, changes.changed_nodes):
            for label, rows in part.items():
                text = queries.node_query("nodes_upsert", self.engine, label)
                statements += [(text, {"rows": chunk}) for chunk in _chunks(rows)]
        for edge, pairs in changes.deleted_edges.items():
            text = queries.edge_query("edges_delete", self.engine, edge)
            rows = [{"source": s, "target": t} for s, t in pairs]
            statements += [(text, {"rows": chunk}) for chunk in _chunks(rows)]
        for edge, edge_rows in changes.new_edges.items():
            text = queries.edge_query("edges_merge", self.engine, edge)
            rows = [{"source": s, "target": t, "props": p} for s, t, p in edge_rows]
            statements += [(text, {"rows": chunk}) for chunk in _chunks(rows)]
        if not statements:
            return

        def work(tx: neo4j.ManagedTransaction) -> None:
            for text, params in statements:
                tx.run(text, params).consume()

        try:
            with self._session() as session:
                session.execute_write(work)
        except (DriverError, Neo4jError, UnicodeEncodeError) as exc:
            raise StoreError(f"Neo4j write failed: {_safe(exc, self.config)}") from None

    def close(self) -> None:
        self._driver.close()


def _chunks(rows: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(rows), WRITE_BATCH):
        yield rows[start : start + WRITE_BATCH]
