"""The embedded store: LadybugDB (the maintained fork of Kuzu), in one local directory.

The only module that imports ``ladybug``. New nodes and edges are bulk-loaded with
``COPY`` from Arrow tables; an import runs in one transaction, or a large one a statement
a commit with a copy of the store to undo it by (:meth:`EmbeddedStore.load`), so it lands
whole or not at all.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ladybug

from tacgraph import queries
from tacgraph.errors import StoreError, StoreUnavailable
from tacgraph.schema import EdgeSpec, Prop, graph_schema
from tacgraph.store import snapshot
from tacgraph.store.arrowfiles import HASH, ArrowFiles
from tacgraph.store.base import ChangeSet, Row, Store

if TYPE_CHECKING:
    import pyarrow as pa

DB_FILE = "graph.lbug"
# Present while a first load's COPYs run, each committed on its own: a store opened
# with it present holds part of a load that never finished, which opening removes.
FIRST_LOAD_MARK = "first-load.incomplete"


def arrow_type(kind: str) -> pa.DataType:
    """The Arrow type LadybugDB copies a property of the graph schema's ``kind`` from."""
    # pyarrow is imported only to write: loading it took about 0.15 s of the 0.75 s a
    # lookup from the command line took (benchmarks/cli.py).
    import pyarrow as pa

    types = {
        "STRING": pa.string(),
        "BOOLEAN": pa.bool_(),
        "DATE": pa.date32(),
        "INT64": pa.int64(),
        "STRING[]": pa.list_(pa.string()),
    }
    return types[kind]


def _arrow_table(columns: Sequence[tuple[str, str]], rows: list[list[Any]]) -> pa.Table:
    import pyarrow as pa

    arrays = [
        pa.array([row[i] for row in rows], type=arrow_type(kind))
        for i, (_, kind) in enumerate(columns)
    ]
    return pa.Table.from_arrays(arrays, names=[name for name, _ in columns])


def _setting(name: str, default: int) -> int:
    """A whole number of at least 0 from the environment variable ``name``."""
    text = os.environ.get(name) or str(default)
    if not text.strip().isdigit():
        raise StoreUnavailable(
            f"{name} must be a whole number, 0 or more, not {text!r}",
            f"set {name} to a number, or unset it for the default ({default})",
        )
    return int(text)


def _buffer_pool() -> int:
    """LadybugDB's buffer pool in bytes from TACGRAPH_BUFFER_POOL_MB; 0 (the default)
    lets the engine choose (most of the machine's memory). Capping it did not lower an
    import's peak memory at 1,000,000 children (docs/benchmarks.md)."""
    return _setting("TACGRAPH_BUFFER_POOL_MB", 0) * 2**20


def _copy_rows() -> int:
    """The fewest new rows of one label or edge that go in by ``COPY``, from
    TACGRAPH_COPY_ROWS (default 200); fewer are created row by row from the same Arrow
    table. A ``COPY`` has a fixed cost many times a few rows' ``CREATE`` (about 170 ms
    against 65 ms for three rows), and a day's feed or a web change writes a few rows of
    many labels."""
    return _setting("TACGRAPH_COPY_ROWS", 200)


def _transaction_rows() -> int:
    """The most records a load writes in one transaction, and the rows (nodes, edges,
    hashes) a larger load writes between its commits, from TACGRAPH_TRANSACTION_ROWS
    (default 100,000; see :meth:`EmbeddedStore.load`). LadybugDB holds a transaction's
    writes in memory until its commit: 200,000 new records in one took the import
    process to 2.1 GB (and to 20 GB, failing with "the buffer pool is full", while its
    new edges were matched by a cross product of two labels)."""
    return _setting("TACGRAPH_TRANSACTION_ROWS", 100_000)


# The write-ahead log's size at which LadybugDB checkpoints while a large load runs: each
# of its commits writes several MiB of log, and a checkpoint after each cost more than it.
LOAD_CHECKPOINT_BYTES = 256 * 2**20

DEFAULT_CHECKPOINT_KB = 1024


def _checkpoint_threshold() -> int:
    """The write-ahead log's size in bytes at which LadybugDB checkpoints, from
    TACGRAPH_CHECKPOINT_KB (default 1 MiB, about a thousand lookups' access-log entries;
    0 leaves it to the engine).

    Every lookup moves the access log's head, one row updated again and again. Until a
    checkpoint, LadybugDB keeps each of those updates and walks them all on the next, so
    an append took 1.7 ms after a fresh checkpoint and 7.5 ms twelve thousand appends
    later under the engine's own threshold. A checkpoint of 1 MiB of log costs the
    lookup that triggers it about 45 to 165 ms at 100,000 children (docs/benchmarks.md)."""
    kb = _setting("TACGRAPH_CHECKPOINT_KB", DEFAULT_CHECKPOINT_KB)
    return kb * 2**10 if kb else -1


def _min_free() -> int:
    """The free space in bytes below which the store refuses a write, from
    TACGRAPH_MIN_FREE_MB (default 4). LadybugDB waits for ever for its write-ahead log to
    be made durable when the disk fills under a commit (a who-else lookup hung with
    nothing shown rather than failing), so a write is refused before the disk is full."""
    return _setting("TACGRAPH_MIN_FREE_MB", 4) * 2**20


_WRITES = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|COPY|ALTER|DROP)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _writes(text: str) -> bool:
    return _WRITES.search(text) is not None


# Statements the Python driver rewrites before preparing them (a scan of a Python
# object, a JSON parameter): always sent as text, which it rewrites.
_REWRITTEN = re.compile(r"\bLOAD\s+FROM\b|\bto_json\s*\(", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _preparable(text: str) -> bool:
    return _REWRITTEN.search(text) is None and ";" not in text


def _shape(value: object) -> object:
    """A parameter's type as LadybugDB binds it when a statement is prepared: the same
    text prepared with a string and with null, or with an empty list and a list of
    strings, is two statements."""
    if isinstance(value, list | tuple):
        return ("list", frozenset(map(_shape, value)))
    if isinstance(value, dict):
        return ("map", tuple((k, _shape(v)) for k, v in value.items()))
    return type(value)


def _all_text(values: Iterable[object]) -> bool:
    """Whether every string among ``values`` (and in their lists and maps) can be stored
    as UTF-8: a lone surrogate, as Python decodes bytes that are not UTF-8, cannot."""
    for value in values:
        nested = list(value.values()) if isinstance(value, dict) else value
        if isinstance(nested, list | tuple):
            if not _all_text(nested):
                return False
        elif isinstance(nested, str) and not nested.isascii():
            try:
                nested.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def _is_arrow(value: object) -> bool:
    """Whether ``value`` is an Arrow table or batch (pyarrow is not imported to ask)."""
    return type(value).__module__.startswith("pyarrow")


# Stores left open after their disk filled (see EmbeddedStore.close): the process must
# end without closing them, as after a crash.
_ABANDONED: list[object] = []


def abandoned() -> bool:
    """Whether a store of this process was left open after its disk filled: the process
    must then end without running the engine's close (``os._exit``), which on a full disk
    aborts the whole process from LadybugDB's C++ layer (an uncaught IOException while
    writing its write-ahead log), instead of exiting with tacgraph's own error."""
    return bool(_ABANDONED)


class EmbeddedStore(Store):
    engine = "embedded"

    def __init__(self, path: Path, *, read_only: bool = False, create: bool = True) -> None:
        """Open the store in ``path``; with ``create`` False, only one that exists (a
        command that reads given a mistyped --db would otherwise leave an empty store
        there and fail on a missing table)."""
        self.path = Path(path)
        self._settings = _buffer_pool(), _checkpoint_threshold()  # before any file
        self._created = not self.path.exists()  # the folder, and so the store, is new
        if snapshot.held(self.path):
            self._undo_load(read_only)
        if not create and not (self.path / DB_FILE).is_file():
            raise StoreUnavailable(
                f"no tacgraph store at {self.path}",
                "check --db or TACGRAPH_DB; 'tacgraph import FILE' or 'tacgraph db init' "
                "creates one",
            )
        self._open(read_only)
        self._in_transaction = False
        self._commit_every = self._uncommitted = 0  # a large load's commits (see load)
        self._disk_full = False
        self._min_free = _min_free()
        # One connection, shared by a server's request threads: each statement, and a
        # transaction from BEGIN to COMMIT, holds it alone.
        self._lock = threading.RLock()
        if (self.path / FIRST_LOAD_MARK).exists():
            self._undo_first_load(read_only)

    def _open(self, read_only: bool) -> None:
        buffer_pool, checkpoint = self._settings
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            if not read_only:
                snapshot.tidy(self.path)
            self._db = ladybug.Database(
                str(self.path / DB_FILE),
                read_only=read_only,
                buffer_pool_size=buffer_pool,
                checkpoint_threshold=checkpoint,
            )
            self._conn = ladybug.Connection(self._db)
        except (RuntimeError, OSError) as exc:
            raise StoreUnavailable(
                f"cannot open the embedded store at {self.path}: {exc}",
                "check the path, and that no other tacgraph process has it open",
            ) from exc

    def _undo_load(self, read_only: bool) -> None:
        """Put back the copy a large load kept (see :meth:`load`): the load did not finish."""
        if read_only:
            raise StoreUnavailable(
                f"the store at {self.path} holds part of a load that did not finish",
                "open it for writing once (run the import again): that undoes the part",
            )
        try:
            snapshot.restore(self.path, DB_FILE)
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot undo the unfinished load in the embedded store at {self.path}: {exc}",
                f"check the folder's permissions and free space; the copy in "
                f"{snapshot.BEFORE} is kept until it is put back",
            ) from exc

    def _undo_first_load(self, read_only: bool) -> None:
        """Remove what a first load stopped part of the way left (the store held no
        data before it: the load is undone by deleting every tacgraph node)."""
        if read_only:
            self.close()
            raise StoreUnavailable(
                f"the store at {self.path} holds part of a first load that did not finish",
                "open it for writing once (run the import again): that removes the part",
            )
        self.clear()
        (self.path / FIRST_LOAD_MARK).unlink(missing_ok=True)

    def run(self, text: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run one statement. One that reads an Arrow table (``COPY``, ``LOAD FROM``)
        runs through a prepared statement of its own, released once it has run: given
        an Arrow table, the driver's ``execute`` keeps the statement it prepares in the
        connection's cache under that table's identity, which no later call can share,
        until the connection closes. Each held about 12 MB, so a process that imported
        again and again grew without bound (the disclosure property test reached 14 GB
        by its 150th small import, with the buffer pool capped at 4 GB)."""
        values = dict(params or {})
        if _writes(text):
            self._room_to_write()
        try:
            with self._lock:
                if any(map(_is_arrow, values.values())):
                    with warnings.catch_warnings():
                        # ``prepare`` is deprecated in favour of ``execute``, whose
                        # cache is what ``run`` avoids here.
                        warnings.simplefilter("ignore", DeprecationWarning)
                        statement = self._conn.prepare(text, values)
                    try:
                        return self._rows(self._conn.execute(statement, values))
                    finally:
                        statement.close()
                if values and _preparable(text):
                    return self._rows(self._conn.execute(self._prepare(text, values), values))
                return self._rows(self._conn.execute(text, values))
        except RuntimeError as exc:
            raise self._failed(exc) from exc

    @functools.cached_property
    def _prepared(self) -> dict[tuple[str, object], ladybug.PreparedStatement]:
        """Statements prepared by this store, by text and parameter types; dropped as
        the store closes."""
        found: dict[tuple[str, object], ladybug.PreparedStatement] = {}
        self.on_close(found.clear)
        return found

    def _prepare(self, text: str, values: dict[str, Any]) -> ladybug.PreparedStatement:
        """The statement prepared once for these parameter types. Given text, the
        driver looks for JSON parameters with a regular expression per parameter on
        every call before finding the statement in its own cache: 0.25 ms of the access
        log's append of 17 parameters (0.74 against 0.99 ms of CPU) and about 0.01 ms
        of each read. The driver's cache holds the same statements, so this holds no
        more than it does."""
        key = (text, tuple((k, _shape(v)) for k, v in values.items()))
        statement = self._prepared.get(key)
        if statement is None:
            if not _all_text(values.values()):
                # Refused here: the driver's half-made statement, given a lone
                # surrogate, raised again as it was collected, far from this call.
                raise RuntimeError("a parameter is not valid UTF-8 text")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                statement = self._conn.prepare(text, values)
            if not statement.is_success():
                raise RuntimeError(statement.get_error_message())
            self._prepared[key] = statement
        return statement

    @staticmethod
    def _rows(results: ladybug.QueryResult | list[ladybug.QueryResult]) -> list[Row]:
        every = results if isinstance(results, list) else [results]
        try:
            result = every[-1]  # several statements: keep the last result
            names: list[str] = result.get_column_names()
            rows: list[Row] = []
            while result.has_next():
                rows.append(dict(zip(names, result.get_next(), strict=True)))
            return rows
        finally:
            # Closed here, under the caller's lock: left to the garbage collector, a
            # result closed on one thread while another ran a statement.
            for each in every:
                each.close()

    def _failed(self, exc: RuntimeError) -> StoreError:
        """The engine's error as tacgraph's. A full disk is named as such: LadybugDB
        then says a commit was "durable and will be recovered on restart" when its
        checkpoint failed, yet a store reopened after it held nothing of the write, so
        that claim is never passed on."""
        text = str(exc)
        if "No space left on device" in text or "Errno 28" in text:
            return self._full()
        return StoreError(f"embedded store: {text}")

    def _room_to_write(self) -> None:
        """Refuse a write while less than TACGRAPH_MIN_FREE_MB is free on the store's
        disk (see ``_min_free``)."""
        try:
            disk = os.statvfs(self.path)
        except OSError:
            return  # the write itself will say what is wrong
        if disk.f_bavail * disk.f_frsize < self._min_free:
            raise self._full()

    def _full(self) -> StoreError:
        self._disk_full = True
        return StoreError(
            f"embedded store at {self.path}: the disk is full (no space left on the "
            "device); the write did not complete and none of it can be counted on",
            "free space on that disk or move the store, then run the command again "
            "(an import can be re-run safely; 'tacgraph db stats' shows what is held)",
        )

    def query_many(
        self, calls: Sequence[tuple[str, Mapping[str, Any]]], *, short: bool = False
    ) -> list[list[Row]]:
        """Short reads run on one execution thread, then the connection goes back to the
        database's limit: handing each of a lookup's index-anchored statements to
        LadybugDB's worker threads cost more than it saved (0.3 ms at the median and
        1.2 ms at the p99 of a lookup at 100,000 children), and a case list's reads,
        which start from ids too, took 26 to 28 ms on one thread against 35 to 39 on two
        at 1,000,000. Reads of a whole population (imports, audits) keep the database's
        limit (docs/benchmarks.md)."""
        if not short:
            return super().query_many(calls)
        with self._lock:
            self._conn.set_max_threads_for_exec(1)
            try:
                return super().query_many(calls)
            finally:
                self._conn.set_max_threads_for_exec(0)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            yield from self._transaction()

    def _transaction(self) -> Iterator[None]:
        if self._in_transaction:
            yield
            return
        self.run("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._in_transaction = False
            # A failed statement has already rolled the transaction back.
            with suppress(StoreError):
                self.run("ROLLBACK")
            raise
        self._in_transaction = False
        self.run("COMMIT")

    @contextmanager
    def load(self, records: int) -> Iterator[None]:
        """An import's writes of ``records`` records: one transaction up to
        TACGRAPH_TRANSACTION_ROWS (see ``_transaction_rows``). A larger load is committed
        each time that many rows (nodes, edges, hashes) have been written, and is still
        all or nothing: a copy of the store's files is taken first (after a checkpoint,
        so the files hold every commit), and put back if the load fails, or on the next
        open for writing if the process was killed. The store's lock is held throughout,
        as a transaction's is."""
        limit = _transaction_rows()
        if self._in_transaction or records <= limit:
            with self.transaction():
                yield
            return
        with self._lock:
            self.run("CHECKPOINT")
            snapshot.take(self.path, DB_FILE, self._min_free)
            try:
                (setting,) = self.run("CALL current_setting('checkpoint_threshold') RETURN *")
                self.run(f"CALL checkpoint_threshold={LOAD_CHECKPOINT_BYTES}")
                with self.transaction():
                    self._commit_every, self._uncommitted = limit, 0
                    yield
                self.run(f"CALL checkpoint_threshold={int(*setting.values())}")
            except BaseException:
                self._undo_failed_load()
                raise
            finally:
                self._commit_every = 0
            snapshot.drop(self.path)

    def _wrote(self, rows: int) -> None:
        """Count the rows a large load has written, committing each time they reach its
        limit (see :meth:`load`)."""
        if not self._commit_every:
            return
        self._uncommitted += rows
        if self._uncommitted >= self._commit_every:
            self.run("COMMIT")
            self.run("BEGIN TRANSACTION")
            self._uncommitted = 0

    def _undo_failed_load(self) -> None:
        """Put back the copy taken before a load that failed, and open the store again.
        After the disk filled the store is left as it is (closing it would abort the
        process, see :meth:`close`): the next open puts the copy back."""
        if self._disk_full:
            return
        prepared = self.__dict__.pop("_prepared", None)  # belong to the connection closed here
        if prepared is not None:
            prepared.clear()
        with suppress(RuntimeError):
            self._conn.close()
            self._db.close()
        self._undo_load(read_only=False)
        self._open(read_only=False)

    def init_schema(self) -> None:
        schema = graph_schema()
        for node in schema.nodes:
            self.run(queries.node_query("init_node_table", self.engine, node.label))
            self.run(queries.node_query("init_node_hash", self.engine, node.label))
        for rel in schema.rels:
            self.run(queries.rel_table_query(rel))
        self.query("init_audit")
        self.query("init_audit_head")

    def write(self, changes: ChangeSet) -> None:
        """New nodes and edges by ``COPY`` (a few of a kind created row by row, see
        ``_copy_rows``), changed nodes by ``LOAD FROM``; each from a typed Arrow table."""
        schema = graph_schema()
        copy_rows = _copy_rows()
        for part, changed in ((changes.new_nodes, False), (changes.changed_nodes, True)):
            for label, rows in part.items():
                if not rows:
                    continue
                name = "nodes_update" if changed else "nodes_copy"
                if not changed and len(rows) < copy_rows:
                    name = "nodes_create"
                # the content hash last: it is set once the record's edges are written
                columns = [(p.name, p.type) for p in schema.node(label).props]
                columns.append((HASH, "STRING"))
                table = _arrow_table(columns, [[row.get(n) for n, _ in columns] for row in rows])
                self.run(queries.node_query(name, self.engine, label), {"rows": table})
        for edge, pairs in changes.deleted_edges.items():
            if pairs:
                rows = [{"source": s, "target": t} for s, t in pairs]
                self.run(queries.edge_query("edges_delete", self.engine, edge), {"rows": rows})
        for edge, edge_rows in changes.new_edges.items():
            if edge_rows:
                self._copy_edges(edge, edge_rows, small=len(edge_rows) < copy_rows)
        self._wrote(changes.rows())

    def set_node_hashes(self, label: str, hashes: Sequence[tuple[str, str]]) -> None:
        super().set_node_hashes(label, hashes)
        self._wrote(len(hashes))

    def bulk_files(self, folder: Path) -> ArrowFiles:
        return ArrowFiles(folder, arrow_type)

    def bulk_load(
        self, files: ArrowFiles, progress: Callable[[str, int, int | None], None] | None = None
    ) -> None:
        """One ``COPY`` per label, then one per edge, each from a file mapped from disk
        (LadybugDB's own bulk path). Outside a transaction each ``COPY`` commits on its
        own: in one transaction every ``COPY`` kept about 8 MB until the commit, whatever
        its rows (0.5 of the 1.0 GB peak at 20,000 children, docs/benchmarks.md). All or
        nothing all the same: a mark in the store's folder says a first load is under
        way until its last ``COPY``; a load that fails is undone here, and one killed is
        undone when the store is next opened. Raises StoreError."""
        files.close()
        if self._in_transaction or not self.is_empty():  # nothing to undo it to: one transaction
            with self.transaction():
                self._copy_files(files, progress)
            return
        mark = self.path / FIRST_LOAD_MARK
        with mark.open("wb") as handle:
            os.fsync(handle.fileno())
        try:
            self._copy_files(files, progress)
        except BaseException:
            with suppress(StoreError):
                self._undo_first_load(read_only=False)
            raise
        mark.unlink()

    def _copy_files(
        self, files: ArrowFiles, progress: Callable[[str, int, int | None], None] | None
    ) -> None:
        done = {"records": 0, "relationships": 0}
        total = {
            "records": sum(sink.rows for sink in files.nodes.values()),
            "relationships": sum(sink.rows for sink in files.edges.values()),
        }
        for key, table in files.tables():
            if isinstance(key, str):
                text, phase = queries.node_query("nodes_copy", self.engine, key), "records"
            else:
                text, phase = queries.edge_query("edges_copy", self.engine, key), "relationships"
            self.run(text, {"rows": table})
            done[phase] += table.num_rows
            if progress:
                progress(phase, done[phase], total[phase])

    def _copy_edges(
        self, edge: EdgeSpec, rows: list[tuple[str, str, dict[str, Any]]], small: bool = False
    ) -> None:
        """New edges of one triple by ``COPY``, or, when ``small``, created row by row."""
        props: tuple[Prop, ...] = edge.props
        ends = ("from_id", "to_id") if small else ("from", "to")
        columns = [(end, "STRING") for end in ends] + [(p.name, p.type) for p in props]
        values = [[s, t, *(extra[p.name] for p in props)] for s, t, extra in rows]
        table = _arrow_table(columns, values)
        name = "edges_create" if small else "edges_copy"
        self.run(queries.edge_query(name, self.engine, edge), {"rows": table})

    def close(self) -> None:
        self._closing()
        if self._disk_full:
            # Closing checkpoints; on a full disk LadybugDB then aborts the process. Left
            # open, what was committed is in the write-ahead log, replayed when the
            # store is next opened, as after a crash (docs/data-format.md).
            _ABANDONED.append((self._conn, self._db))
            return
        try:
            self._conn.close()
            self._db.close()
        except RuntimeError:  # already closed
            pass

    def discard(self) -> None:
        """Close; remove the folder if this store created it (a failed import into a
        new folder used to leave an empty store behind). A folder that was there before
        is never touched."""
        self.close()
        if self._created:
            shutil.rmtree(self.path, ignore_errors=True)
