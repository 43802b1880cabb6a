"""The Neo4j store, through the official driver: ``bolt://`` for one server,
``neo4j://`` routing for a cluster, ``+s`` schemes for TLS with verified certificates
(the system's CAs, or those of ``NEO4J_TRUSTED_CERTIFICATES``), ``+ssc`` for TLS with
a self-signed certificate accepted unverified.

The only module that imports ``neo4j``. Driver
errors become tacgraph's own; no message ever carries the password.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import neo4j
from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable
from neo4j.time import Date, DateTime

from tacgraph import queries
from tacgraph.config import StoreConfig
from tacgraph.errors import StoreConflict, StoreError, StoreUnavailable
from tacgraph.schema import graph_schema
from tacgraph.store.base import ChangeSet, Row, Store

WRITE_BATCH = 5_000
_RULE_EXISTS = frozenset(
    {
        "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
        "Neo.ClientError.Schema.ConstraintAlreadyExists",
        "Neo.ClientError.Schema.IndexAlreadyExists",
    }
)

# The verified TLS schemes and the plain scheme that carries a custom CA instead: the
# driver refuses ``trusted_certificates`` with the ``+s`` and ``+ssc`` schemes.
_VERIFIED_SCHEMES = {"bolt+s": "bolt", "neo4j+s": "neo4j"}
_PLAIN_SCHEMES = ("bolt", "neo4j")
_CONNECT_HINT = (
    "check NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD, or start a local "
    "server with 'tacgraph db neo4j start'"
)
_CA_HINT = (
    "set NEO4J_TRUSTED_CERTIFICATES to the PEM file of the CA that signed the server's "
    "certificate (for a self-signed one, the certificate itself), or use bolt+ssc:// "
    "or neo4j+ssc:// to encrypt without verifying it"
)


# The driver gives plain Python values, lists and dicts (as packstream unpacks them), and
# its own types for temporal values. A case list's rows hold about ten thousand values,
# so each is told by its exact type first: checking each against the temporal types with
# isinstance first took 5.5 against 2.9 ms for 100 children (docs/benchmarks.md).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _native(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {k: _native(v) for k, v in value.items()}
    if kind is list:
        return [_native(v) for v in value]
    if isinstance(value, Date | DateTime):
        return value.to_native()
    return value


def _safe(exc: BaseException | str, config: StoreConfig) -> str:
    """The message without the password, on one line (the password goes first: a
    password with runs of spaces would no longer match once they were collapsed)."""
    text = str(exc)
    if config.password:
        text = text.replace(config.password, "***")
    return " ".join(text.split())


def _unavailable(message: str, hint: str, config: StoreConfig) -> StoreUnavailable:
    return StoreUnavailable(_safe(message, config), hint)


def _driver_target(config: StoreConfig) -> tuple[str, dict[str, Any]]:
    """The URI and TLS options to give the driver.

    Without ``trusted_certificates`` that is the URI as configured. With it, a
    ``bolt+s``/``neo4j+s`` URI becomes the plain scheme with encryption on and only
    that CA file trusted: the same checks (certificate chain and host name) against
    another trust store. Raises StoreUnavailable for another scheme or an unreadable
    CA file.
    """
    ca = config.trusted_certificates
    if ca is None:
        return config.uri, {}
    scheme, sep, rest = config.uri.partition("://")
    plain = _VERIFIED_SCHEMES.get(scheme.lower()) if sep else None
    if plain is None:
        raise _unavailable(
            f"NEO4J_TRUSTED_CERTIFICATES is set but {config.uri} is not a URI that "
            "verifies the server's certificate",
            "use a bolt+s:// or neo4j+s:// URI with it, or unset NEO4J_TRUSTED_CERTIFICATES",
            config,
        )
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=ca)
    except ssl.SSLError:
        raise _unavailable(
            f"the CA file {ca} (NEO4J_TRUSTED_CERTIFICATES) holds no PEM certificate",
            _CA_HINT,
            config,
        ) from None
    except OSError as exc:
        raise _unavailable(
            f"cannot read the CA file {ca} (NEO4J_TRUSTED_CERTIFICATES): {exc.strerror or exc}",
            _CA_HINT,
            config,
        ) from None
    options = {"encrypted": True, "trusted_certificates": neo4j.TrustCustomCAs(str(ca))}
    return f"{plain}://{rest}", options


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and the exceptions it was raised from or during."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _unreachable(exc: BaseException, config: StoreConfig) -> StoreUnavailable:
    """The error for a driver that could not connect, on one line, saying what to try:
    trust the server's certificate, or match the server's use of TLS."""
    where = f"cannot reach {config.describe()}"
    causes = list(_causes(exc))
    refused = next((e for e in causes if isinstance(e, ssl.SSLCertVerificationError)), None)
    if refused is not None:
        trust = (
            f"the CA file {config.trusted_certificates}"
            if config.trusted_certificates is not None
            else "the system's CA certificates"
        )
        reason = refused.verify_message or refused.reason or "verification failed"
        return _unavailable(
            f"{where}: the server's TLS certificate is not trusted by {trust} ({reason})",
            _CA_HINT,
            config,
        )
    failed = next((e for e in causes if isinstance(e, ssl.SSLError)), None)
    if failed is not None:
        return _unavailable(
            f"{where}: the TLS handshake failed ({failed.reason or failed})",
            "check that the server accepts TLS on that port (Neo4j's bolt SSL policy), "
            "or use bolt:// or neo4j:// for a server without TLS",
            config,
        )
    hint = _CONNECT_HINT
    scheme = config.uri.partition("://")[0].lower()
    closed = isinstance(exc, ServiceUnavailable) and not any(isinstance(e, OSError) for e in causes)
    if scheme in _PLAIN_SCHEMES and closed:
        # Connected, then closed before the Bolt handshake ended: what a server that
        # accepts only TLS does to an unencrypted client.
        hint = (
            "if the server accepts only TLS, use bolt+s:// or neo4j+s:// "
            "(bolt+ssc:// for a self-signed certificate); otherwise " + hint
        )
    return _unavailable(f"{where}: {' '.join(_safe(exc, config).split())}", hint, config)


class Neo4jStore(Store):
    engine = "neo4j"

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        auth = (config.username or "neo4j", config.password) if config.password else None
        uri, tls = _driver_target(config)
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri, auth=auth, notifications_min_severity="OFF", **tls
            )
        except (DriverError, Neo4jError, ValueError, OSError) as exc:
            raise _unreachable(exc, config) from None
        try:
            self._driver.verify_connectivity()
        except (DriverError, Neo4jError, ValueError, OSError) as exc:
            self._driver.close()
            raise _unreachable(exc, config) from None
        self._local = threading.local()

    def run(self, text: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        held = self._held()
        if held is not None:
            return held.run(text, dict(params or {}), self)
        try:
            records, _, keys = self._driver.execute_query(
                text, dict(params or {}), database_=self.config.database
            )
        except (DriverError, Neo4jError, UnicodeEncodeError) as exc:
            raise self._failed(exc) from None
        return [{k: _native(record[k]) for k in keys} for record in records]

    def query_once(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        # An auto-commit transaction: RUN and PULL in one round trip, committed by the
        # server, where execute_query's managed transaction needs a second for COMMIT.
        text = queries.named(name, self.engine)
        try:
            with self._session() as session:
                return _rows(session.run(text, dict(params or {})))
        except (DriverError, Neo4jError, UnicodeEncodeError) as exc:
            raise self._failed(exc) from None

    def _session(self, mode: str = neo4j.WRITE_ACCESS) -> neo4j.Session:
        """A session that shares causal bookmarks with ``run`` (``execute_query``): on a
        cluster, a read after a write (a consent withdrawn, then a lookup) sees it."""
        return self._driver.session(
            database=self.config.database,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
            default_access_mode=mode,
        )

    def query_many(
        self, calls: Sequence[tuple[str, Mapping[str, Any]]], *, short: bool = False
    ) -> list[list[Row]]:
        texts = [(queries.named(name, self.engine), dict(params)) for name, params in calls]
        held = self._held()
        if held is not None:
            return [held.run(text, params, self) for text, params in texts]
        if short and len(texts) == 1:
            # One short read: an auto-commit transaction in a read session, one round
            # trip (RUN and PULL), routed to a secondary as execute_read is; where
            # execute_read sends BEGIN and COMMIT as round trips of their own. Not
            # retried: a transient failure is raised, and a lookup fails closed.
            try:
                with self._session(neo4j.READ_ACCESS) as session:
                    return [_rows(session.run(*texts[0]))]
            except (DriverError, Neo4jError, UnicodeEncodeError) as exc:
                raise self._failed(exc) from None

        def work(tx: neo4j.ManagedTransaction) -> list[list[Row]]:
            answers: list[list[Row]] = []
            for text, params in texts:
                answers.append(_rows(tx.run(text, params)))
            return answers

        try:
            with self._session() as session:
                return session.execute_read(work)
        except (DriverError, Neo4jError, UnicodeEncodeError) as exc:
            raise self._failed(exc) from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # An import's reads and writes on this thread share one explicit transaction,
        # committed at the end and, for a large import, each time WRITE_BATCH rows have
        # been written since the last commit: a small import (one child's records, a
        # recorded involvement) lands whole or not at all in one commit, where a managed
        # transaction per statement cost a commit and a second round trip each (about 50
        # for one child's records), and a large one keeps the server's transaction state
        # bounded; running an interrupted import again completes it (imports are
        # idempotent). The open transaction is not retried here: a transient failure (a
        # deadlock with another writer) is raised as StoreConflict, and the importer runs
        # the whole import again.
        if self._held() is not None:  # within an outer unit, which commits
            yield
            return
        held = _Held(self._session())
        self._local.held = held
        try:
            yield
            held.commit(self)
        except BaseException:
            held.rollback()
            raise
        finally:
            self._local.held = None
            held.session.close()

    def _held(self) -> _Held | None:
        """The transaction :meth:`transaction` holds open on this thread, if any."""
        held: _Held | None = getattr(self._local, "held", None)
        return held

    def init_schema(self) -> None:
        schema = graph_schema()
        texts = [queries.index_query("init_constraint", self.engine, n.label) for n in schema.nodes]
        texts += [
            queries.index_query("init_index", self.engine, label, prop)
            for label, prop in schema.indexes
        ]
        texts += [queries.named(name, self.engine) for name in ("init_audit", "init_audit_head")]
        for text in texts:
            self._create_rule(text)
        self.run("CALL db.awaitIndexes(300)")

    def _create_rule(self, text: str) -> None:
        """Run one ``CREATE ... IF NOT EXISTS``. Another process creating the same rule
        at the same moment (two first imports at once) makes Neo4j report it as
        existing, which is the outcome wanted."""
        try:
            self._driver.execute_query(text, database_=self.config.database)
        except (DriverError, Neo4jError, UnicodeEncodeError) as exc:
            if not (isinstance(exc, Neo4jError) and exc.code in _RULE_EXISTS):
                raise self._failed(exc) from None

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
        held = self._held()
        if held is not None:
            for text, params in statements:
                held.run(text, params, self, what="Neo4j write failed")
            held.written += sum(len(params["rows"]) for _, params in statements)
            if held.written >= WRITE_BATCH:
                held.commit(self)
            return

        def work(tx: neo4j.ManagedTransaction) -> None:
            for text, params in statements:
                tx.run(text, params).consume()

        try:
            with self._session() as session:
                session.execute_write(work)
        except (DriverError, Neo4jError, UnicodeEncodeError) as exc:
            raise self._failed(exc, "Neo4j write failed") from None

    def _failed(self, exc: BaseException, what: str = "Neo4j") -> StoreError:
        return StoreError(f"{what}: {_safe(exc, self.config)}")

    def _failed_held(self, exc: BaseException, what: str) -> StoreError:
        """The error of a statement or commit in the transaction :meth:`transaction`
        holds, which the driver does not retry: a transient one (a deadlock with another
        writer) is a StoreConflict, for the caller to run the whole unit again."""
        if isinstance(exc, Neo4jError) and exc.is_retryable():
            return StoreConflict(f"{what}: {_safe(exc, self.config)}")
        return self._failed(exc, what)

    def close(self) -> None:
        self._closing()
        self._driver.close()


class _Held:
    """An explicit transaction held open by :meth:`Neo4jStore.transaction`, begun at its
    first statement, and the rows written in it since it began."""

    def __init__(self, session: neo4j.Session) -> None:
        self.session = session
        self.tx: neo4j.Transaction | None = None
        self.written = 0

    def run(
        self, text: str, params: dict[str, Any], store: Neo4jStore, what: str = "Neo4j"
    ) -> list[Row]:
        try:
            if self.tx is None:
                self.tx = self.session.begin_transaction()
            return _rows(self.tx.run(text, params))
        except (DriverError, Neo4jError, UnicodeEncodeError) as exc:
            raise store._failed_held(exc, what) from None

    def commit(self, store: Neo4jStore) -> None:
        tx, self.tx, self.written = self.tx, None, 0
        if tx is not None:
            try:
                tx.commit()
            except (DriverError, Neo4jError) as exc:
                raise store._failed_held(exc, "Neo4j write failed") from None

    def rollback(self) -> None:
        tx, self.tx = self.tx, None
        if tx is not None and not tx.closed():
            # The error being raised says what failed; the server ends the transaction anyway.
            with suppress(DriverError, Neo4jError, OSError):
                tx.rollback()


def _rows(result: neo4j.Result) -> list[Row]:
    """A result's records as rows of plain Python values."""
    keys = result.keys()
    return [{k: _native(record[k]) for k in keys} for record in result]


def _chunks(rows: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(rows), WRITE_BATCH):
        yield rows[start : start + WRITE_BATCH]
