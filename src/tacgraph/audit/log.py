"""The access log: every read of child data, allowed or not, appends one entry. Entries
are never updated or deleted. Each carries an HMAC-SHA256 of its fields and of the MAC
of the one before, keyed with a key kept outside the store (``tacgraph.audit.keys``), and
signed checkpoints of the newest entry are written outside the store too
(``tacgraph.audit.witness``), so that ``tacgraph.audit.verify`` finds an entry modified,
deleted, inserted or reordered, a log cut short, and a chain rewritten without the key."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from weakref import WeakKeyDictionary

from pydantic import BaseModel, ConfigDict

from tacgraph.audit import keys as keyring
from tacgraph.audit import witness
from tacgraph.errors import StoreError
from tacgraph.rows.audit import (
    AUDIT_APPEND,
    AUDIT_APPEND_ONE,
    AUDIT_HEAD,
    AUDIT_HEAD_INIT,
    AUDIT_LAST,
    AUDIT_PAGE,
    AuditPageRow,
    AuditSeqRow,
)
from tacgraph.store.base import Store

GENESIS = "0" * 64
Clock = Callable[[], datetime]

# The outcome of the entry that starts a new key's segment; its detail names the key.
KEY_ROTATED = "key_rotated"


def utc_now() -> datetime:
    return datetime.now(UTC)


class AuditEntry(BaseModel):
    model_config = ConfigDict(frozen=True)
    seq: int
    at: str
    requester_id: str
    child_id: str
    purpose: str
    as_of: str
    outcome: str  # disclosed | denied | unknown_child | error | key_rotated
    disclosed: list[str]
    bases: list[str]
    detail: str
    # Governance flags decided when the read happened (not_involved, same_surname, ...).
    flags: list[str] = []
    path: str = "who_else"  # the registered read path
    channel: str = "cli"  # cli | web | api | library
    key_id: str = ""  # the MAC key that chains this entry
    prev_hash: str
    hash: str  # the entry's MAC


# The fields a MAC covers, in the order they are stored. The sequence number is left out:
# order is checked through the chain, so renumbering shows as such.
MAC_FIELDS = (
    "at",
    "requester_id",
    "child_id",
    "purpose",
    "as_of",
    "outcome",
    "disclosed",
    "bases",
    "detail",
    "flags",
    "path",
    "channel",
    "key_id",
)
LIST_FIELDS = frozenset({"disclosed", "bases", "flags"})
FIELDS = ("seq", *MAC_FIELDS, "prev_hash", "hash")


def entry_mac(key: bytes, fields: Mapping[str, Any], prev_hash: str) -> str:
    """HMAC-SHA256 of an entry's fields chained to the MAC of the one before."""
    body = {k: fields[k] for k in MAC_FIELDS}
    text = prev_hash + "\n" + json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def entry_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """An unkeyed SHA-256 of the same fields: what anyone without the key can compute
    (and what the log was chained with before it had a key). Never valid as a MAC."""
    body = {k: v for k, v in fields.items() if k not in ("hash", "prev_hash", "seq")}
    text = prev_hash + json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Pending:
    """An entry still to be written: what was asked and what was disclosed."""

    requester_id: str
    child_id: str
    purpose: str
    as_of: date
    outcome: str  # disclosed | denied | unknown_child | error
    disclosed: list[str]
    bases: list[str]
    detail: str = ""
    # Governance flags (not_involved, same_surname, left_agency, past_date, ...) decided
    # when the read happened, so the evidence of an old read never changes afterwards.
    flags: tuple[str, ...] = ()
    # The registered read path (who_else, timeline, caf_check, map, export, ...) and the
    # channel the requester came through (cli, web, api, library).
    path: str = "who_else"
    channel: str = "cli"


def append(
    store: Store,
    *,
    requester_id: str,
    child_id: str,
    purpose: str,
    as_of: date,
    outcome: str,
    disclosed: list[str],
    bases: list[str],
    detail: str = "",
    flags: tuple[str, ...] = (),
    path: str = "who_else",
    channel: str = "cli",
    clock: Clock = utc_now,
) -> AuditEntry:
    """Append one entry after the newest; see :func:`append_many`."""
    item = Pending(
        requester_id, child_id, purpose, as_of, outcome, disclosed, bases, detail,
        tuple(flags), path, channel,
    )  # fmt: skip
    return append_many(store, [item], clock=clock)[0]


# The newest (seq, MAC) this process wrote or read, per store: an append then needs one
# round trip. Another writer moving the head makes the conditional append write nothing,
# and the head is read again.
_heads: WeakKeyDictionary[Store, tuple[int, str]] = WeakKeyDictionary()


@dataclass
class _Log:
    """One store's log as this process writes it: its keys, its witness, and the newest
    entry written since the last checkpoint."""

    home: keyring.Home
    keys: keyring.Keys
    unsigned: int = 0  # entries written since the last checkpoint
    newest: tuple[int, str, str] | None = None  # seq, MAC, key id

    def written(self, seq: int, mac: str, key: str, count: int) -> None:
        self.newest = (seq, mac, key)
        self.unsigned += count
        if self.unsigned >= self.home.every:
            self.checkpoint()

    def checkpoint(self, *, sync: bool = False) -> None:
        if self.newest is not None and self.unsigned:
            witness.write(self.home.witness, self.keys, *self.newest, sync=sync)
            self.unsigned = 0

    def closing(self) -> None:
        """The checkpoint as the store closes. A failure here must not stop the close;
        the entries stay chained and the next checkpoint covers them."""
        with contextlib.suppress(StoreError):
            self.checkpoint(sync=True)


_logs: WeakKeyDictionary[Store, _Log] = WeakKeyDictionary()


def _log_for(store: Store, head_seq: int) -> _Log:
    """This store's keys and witness, loaded once. Keys are created with the store (``db
    init``), or here for a log that has no entry and no checkpoint yet; a log that has
    either and no key fails closed (StoreError)."""
    found = _logs.get(store)
    if found is not None:
        return found
    where = keyring.home(store)
    if keyring.exists(where) and where.signing_key.exists():
        keys = keyring.load(where)
    elif head_seq == 0 and not witness.has_any(where.witness):
        keys = keyring.create(where)
    else:
        keys = keyring.load(where)  # raises: names what is missing
    log = _Log(where, keys)
    _logs[store] = log
    store.on_close(log.closing)
    return log


def ensure_keys(store: Store) -> keyring.Home:
    """Create the log's keys where missing (``tacgraph db init``); return where they
    are. Raises StoreError."""
    where = keyring.home(store)
    if not (keyring.exists(where) and where.signing_key.exists()):
        keyring.create(where)
    return where


def checkpoint(store: Store) -> witness.Checkpoint | None:
    """Sign the log's newest entry into the witness now (``tacgraph audit checkpoint``);
    the checkpoint, or None for an empty log. A signing key pair moved aside (retired) is
    replaced by a new one. Raises StoreError."""
    seq, mac = _read_head(store)
    if seq == 0:
        return None
    where = keyring.home(store)
    if keyring.exists(where) and not where.signing_key.exists():
        keyring.create(where)  # a new signing pair, after the old one was retired
    log = _log_for(store, seq)
    last = store.read(AUDIT_LAST)
    key = str(last[0]["key_id"] or "") if last else ""
    log.newest, log.unsigned = (seq, mac, key), 1
    log.checkpoint(sync=True)
    return witness.Checkpoint(seq, mac, key, "")


def append_many(
    store: Store, items: list[Pending], *, clock: Clock = utc_now, attempts: int = 40
) -> list[AuditEntry]:
    """Append entries after the newest, in order, in one write: all of them or none.
    Returns once they are durable. Entries that other threads of this process append at
    the same moment are written with them, in the same write (group commit): each caller
    is answered only after that write. Retries when another writer moved the log's head;
    raises StoreError when it cannot write (the caller then discloses nothing)."""
    if not items:
        return []
    return _group_for(store).append(store, items, clock, attempts)


@dataclass
class _Ticket:
    """One caller's entries waiting in a group, and what became of them."""

    items: list[Pending]
    at: str  # when the caller asked: the entries' time, in the order they were queued
    done: bool = False
    written: list[AuditEntry] | None = None
    error: StoreError | None = None


class _Group:
    """Group commit for one store in this process. The first caller to find no write
    under way writes what is queued, its own entries and any that arrived while the
    previous write ran, in one write; the others wait for theirs to be done."""

    def __init__(self) -> None:
        self.ready = threading.Condition()
        self.queue: list[_Ticket] = []
        self.writing = False

    def append(
        self, store: Store, items: list[Pending], clock: Clock, attempts: int
    ) -> list[AuditEntry]:
        with self.ready:
            ticket = _Ticket(items, clock().isoformat(timespec="microseconds"))
            self.queue.append(ticket)
            while self.writing and not ticket.done:
                self.ready.wait()
            if not ticket.done:
                self.writing = True
                batch, self.queue = self.queue, []
        if not ticket.done:
            try:
                self._write(store, batch, attempts)
            finally:
                with self.ready:
                    self.writing = False
                    for waiting in batch:
                        if not waiting.done:  # an error other than StoreError
                            waiting.done = True
                            waiting.error = StoreError("the access log write was interrupted")
                    self.ready.notify_all()
        if ticket.error is not None:
            raise ticket.error
        assert ticket.written is not None
        return ticket.written

    @contextlib.contextmanager
    def alone(self) -> Iterator[None]:
        """Hold the log's write for one writer outside the group (a key rotation)."""
        with self.ready:
            while self.writing:
                self.ready.wait()
            self.writing = True
        try:
            yield
        finally:
            with self.ready:
                self.writing = False
                self.ready.notify_all()

    @staticmethod
    def _write(store: Store, batch: list[_Ticket], attempts: int) -> None:
        """Write the batch in one append; should that fail, each caller's entries alone,
        so that one caller's failure is not another's."""
        try:
            written = _append(store, [t for t in batch for _ in t.items], batch, attempts)
        except StoreError as exc:
            if len(batch) == 1:
                batch[0].error, batch[0].done = exc, True
                return
            for ticket in batch:
                _Group._write(store, [ticket], attempts)
            return
        at = 0
        for ticket in batch:
            ticket.written = written[at : at + len(ticket.items)]
            ticket.done = True
            at += len(ticket.items)


_groups: WeakKeyDictionary[Store, _Group] = WeakKeyDictionary()
_groups_made = threading.Lock()


def _group_for(store: Store) -> _Group:
    with _groups_made:
        group = _groups.get(store)
        if group is None:
            group = _groups[store] = _Group()
        return group


def _append(
    store: Store,
    tickets: list[_Ticket],
    batch: list[_Ticket],
    attempts: int,
    key: str | None = None,
) -> list[AuditEntry]:
    """Write every ticket's entries (``tickets`` names each entry's ticket, in order; the
    batch is their distinct list), chained after the head, in one write."""
    items = [item for ticket in batch for item in ticket.items]
    for attempt in range(attempts):
        seq, prev = _heads.get(store) or _read_head(store)
        log = _log_for(store, seq)
        key_name = key or log.keys.active
        secret = log.keys.macs[key_name]
        start = seq
        written: list[AuditEntry] = []
        for item, ticket in zip(items, tickets, strict=True):
            seq += 1
            fields: dict[str, Any] = {
                "seq": seq,
                "at": ticket.at,
                "requester_id": item.requester_id,
                "child_id": item.child_id,
                "purpose": item.purpose,
                "as_of": item.as_of.isoformat(),
                "outcome": item.outcome,
                "disclosed": sorted(item.disclosed),
                "bases": sorted(set(item.bases)),
                "detail": item.detail,
                "flags": sorted(set(item.flags)),
                "path": item.path,
                "channel": item.channel,
                "key_id": key_name,
            }
            fields["prev_hash"] = prev
            fields["hash"] = prev = entry_mac(secret, fields, prev)
            written.append(AuditEntry(**fields))
        try:
            rows = _write(store, start, written)
        except StoreError:
            _heads.pop(store, None)
            if attempt == attempts - 1:
                raise
            continue
        if len(rows) == len(written):  # one row per entry written, none if the head moved
            _heads[store] = (seq, prev)
            log.written(seq, prev, key_name, len(written))
            return written
        _heads.pop(store, None)  # another writer moved the head: read it again
        # Several processes (the web server's workers on Neo4j) racing for the head
        # would otherwise retry in step and lose together: wait a random moment first.
        time.sleep(random.uniform(0, 0.001 * 2 ** min(attempt, 5)))
    raise StoreError("could not append to the access log: other writers kept moving it")


def rotate_key(store: Store, *, requester_id: str, clock: Clock = utc_now) -> AuditEntry:
    """Start a new segment of the log under a new MAC key: the key is added to the key
    file (or, when keys come from TACGRAPH_LOG_KEY, is the newest one there), and an entry
    naming it is appended under the old key; later entries use the new one, and a
    checkpoint records the change. Returns that entry. Raises StoreError."""
    seq, _ = _read_head(store)
    log = _log_for(store, seq)
    last = store.read(AUDIT_LAST)
    old = str(last[0]["key_id"] or "") if last else ""
    if not log.home.key_env:
        keyring.add_key(log.home)
    log.keys = keyring.load(log.home)
    new = log.keys.active
    if not old or old == new or old not in log.keys.macs:
        raise StoreError(
            "there is no new key to rotate to"
            if old == new
            else "the newest entry's key is not among the log's keys",
            "add a new key to TACGRAPH_LOG_KEY (the newest last) and keep the old ones",
        )
    item = Pending(
        requester_id, "", "key rotation", clock().date(), KEY_ROTATED, [], [], new,
        path="access_log", channel="cli",
    )  # fmt: skip
    ticket = _Ticket([item], clock().isoformat(timespec="microseconds"))
    with _group_for(store).alone():
        entry = _append(store, [ticket], [ticket], 5, key=old)[0]
    log.unsigned = max(log.unsigned, 1)
    log.checkpoint(sync=True)
    return entry


def _write(store: Store, prev_seq: int, written: list[AuditEntry]) -> list[AuditSeqRow]:
    """Write the entries and move the head from ``prev_seq``: one entry (a single lookup)
    as scalar parameters, several (a case list) as one list per field."""
    if len(written) == 1:
        return store.read_once(AUDIT_APPEND_ONE, {"prev_seq": prev_seq, **written[0].model_dump()})
    newest = written[-1]
    params: dict[str, Any] = {"prev_seq": prev_seq, "seq": newest.seq, "hash": newest.hash}
    for field in FIELDS:
        params[_column(field)] = [getattr(entry, field) for entry in written]
    return store.read_once(AUDIT_APPEND, params)


def _column(field: str) -> str:
    """audit_append's parameter for a field: the list of every entry's value."""
    if field in LIST_FIELDS:
        return field
    return f"{field}es" if field.endswith("hash") else f"{field}s"


def answers(store: Store) -> None:
    """Read the access log's head, writing nothing: what a health check asks of the
    store. Raises StoreError where the store does not answer or holds no access log."""
    store.read(AUDIT_HEAD)


def _read_head(store: Store) -> tuple[int, str]:
    try:
        rows = store.read(AUDIT_HEAD)
        if not rows:  # a new store: its first append creates the head
            last = store.read(AUDIT_LAST)
            if last:  # entries with no head: the head was deleted
                raise StoreError(
                    "the access log's head is missing though the log has entries",
                    "run 'tacgraph audit verify' and report the log to information governance",
                )
            rows = store.read(AUDIT_HEAD_INIT, {"seq": 0, "hash": GENESIS})
    except StoreError as exc:
        if "head is missing" in str(exc):
            raise
        # The engine's own advice (a full disk) stands; otherwise the log's schema is
        # what is most likely missing.
        own = exc.hint if exc.hint != StoreError.hint else ""
        raise StoreError(
            f"cannot read the access log: {exc}",
            own or "run 'tacgraph db init' to bring the store's schema up to date",
        ) from exc
    return int(rows[0]["seq"]), str(rows[0]["hash"])


def _clean(row: Mapping[str, Any]) -> AuditEntry:
    """An entry as read, a missing field (NULL) read as empty: the access report shows
    what is there; verify reports the missing field as tampering."""
    values: dict[str, Any] = {}
    for name in FIELDS:
        value = row.get(name)
        if name == "seq":
            values[name] = value if isinstance(value, int) else 0
        elif name in LIST_FIELDS:
            values[name] = [str(v) for v in value if v is not None] if value else []
        else:
            values[name] = "" if value is None else str(value)
    return AuditEntry(**values)


def rows(store: Store, page: int = 5_000, **wanted: str) -> Iterator[AuditPageRow]:
    """The log's rows in order, as stored, a page at a time."""
    after = 0
    filters = {"requester_id": "", "child_id": "", "since": "", **wanted}
    while True:
        found = store.read(AUDIT_PAGE, {"after": after, "limit": page, **filters})
        yield from found
        if len(found) < page:
            return
        after = found[-1]["seq"]


def entries(
    store: Store,
    page: int = 5_000,
    *,
    requester_id: str = "",
    child_id: str = "",
    since: str = "",
) -> Iterator[AuditEntry]:
    """The log's entries in order, read a page at a time; only ``requester_id``'s, only
    about ``child_id``, only those written at or after ``since`` (an ISO date or time),
    where given. A field found missing reads as empty (``verify`` reports it)."""
    for row in rows(store, page, requester_id=requester_id, child_id=child_id, since=since):
        yield _clean(row)
