"""The access log: every lookup, allowed or not, appends one entry. Entries are never
updated or deleted, and each carries the hash of the one before, so that
:func:`verify` finds any entry modified, deleted, inserted or reordered."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from weakref import WeakKeyDictionary

from pydantic import BaseModel, ConfigDict

from tacgraph.errors import StoreError
from tacgraph.store.base import Row, Store

GENESIS = "0" * 64
Clock = Callable[[], datetime]


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
    outcome: str  # disclosed | denied | unknown_child | error
    disclosed: list[str]
    bases: list[str]
    detail: str
    prev_hash: str
    hash: str


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """The hash of an entry's contents chained to the one before. The sequence number is
    left out: order is checked through the chain, so renumbering shows as such."""
    body = {k: v for k, v in fields.items() if k not in ("hash", "prev_hash", "seq")}
    text = prev_hash + json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


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
    clock: Clock = utc_now,
) -> AuditEntry:
    """Append one entry after the newest; see :func:`append_many`."""
    item = Pending(requester_id, child_id, purpose, as_of, outcome, disclosed, bases, detail)
    return append_many(store, [item], clock=clock)[0]


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


# The newest (seq, hash) this process wrote or read, per store: an append then needs one
# round trip. Another writer moving the head makes the conditional append write nothing,
# and the head is read again.
_heads: WeakKeyDictionary[Store, tuple[int, str]] = WeakKeyDictionary()


def append_many(
    store: Store, items: list[Pending], *, clock: Clock = utc_now, attempts: int = 5
) -> list[AuditEntry]:
    """Append entries after the newest, in order, in one write: all of them or none.
    Retries when another writer moved the log's head; raises StoreError when it cannot
    write (the caller then discloses nothing)."""
    if not items:
        return []
    for attempt in range(attempts):
        seq, prev = _heads.get(store) or _read_head(store)
        start = seq
        written: list[AuditEntry] = []
        at = clock().isoformat(timespec="microseconds")
        for item in items:
            seq += 1
            fields: dict[str, Any] = {
                "seq": seq,
                "at": at,
                "requester_id": item.requester_id,
                "child_id": item.child_id,
                "purpose": item.purpose,
                "as_of": item.as_of.isoformat(),
                "outcome": item.outcome,
                "disclosed": sorted(item.disclosed),
                "bases": sorted(set(item.bases)),
                "detail": item.detail,
            }
            fields["prev_hash"] = prev
            fields["hash"] = prev = entry_hash(fields, prev)
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
            return written
        _heads.pop(store, None)  # another writer moved the head: read it again
    raise StoreError("could not append to the access log: other writers kept moving it")


# audit_append's parameter for each field of an entry: the list of every entry's value.
_COLUMNS = {
    "seq": "seqs",
    "at": "ats",
    "requester_id": "requester_ids",
    "child_id": "child_ids",
    "purpose": "purposes",
    "as_of": "as_ofs",
    "outcome": "outcomes",
    "disclosed": "disclosed",
    "bases": "bases",
    "detail": "details",
    "prev_hash": "prev_hashes",
    "hash": "hashes",
}


def _write(store: Store, prev_seq: int, written: list[AuditEntry]) -> list[Row]:
    """Write the entries and move the head from ``prev_seq``: one entry (a single lookup)
    as scalar parameters, several (a case list) as one list per field."""
    if len(written) == 1:
        return store.query_once(
            "audit_append_one", {"prev_seq": prev_seq, **written[0].model_dump()}
        )
    newest = written[-1]
    params: dict[str, Any] = {"prev_seq": prev_seq, "seq": newest.seq, "hash": newest.hash}
    for field, column in _COLUMNS.items():
        params[column] = [getattr(entry, field) for entry in written]
    return store.query_once("audit_append", params)


def _read_head(store: Store) -> tuple[int, str]:
    try:
        rows = store.query("audit_head")
        if not rows:  # a new store, or a log written before the head existed
            last = store.query("audit_last")
            seq, hash_ = (int(last[0]["seq"]), str(last[0]["hash"])) if last else (0, GENESIS)
            rows = store.query("audit_head_init", {"seq": seq, "hash": hash_})
    except StoreError as exc:
        raise StoreError(
            f"cannot read the access log: {exc}",
            "run 'tacgraph db init' to bring the store's schema up to date",
        ) from exc
    return int(rows[0]["seq"]), str(rows[0]["hash"])


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
    where given."""
    after = 0
    wanted = {"requester_id": requester_id, "child_id": child_id, "since": since}
    while True:
        rows = store.query("audit_page", {"after": after, "limit": page, **wanted})
        for row in rows:
            yield AuditEntry(
                **{**row, "disclosed": row["disclosed"] or [], "bases": row["bases"] or []}
            )
        if len(rows) < page:
            return
        after = int(rows[-1]["seq"])


class Tampering(BaseModel):
    seq: int
    kind: str  # modified | deleted | inserted | reordered
    detail: str


class VerifyReport(BaseModel):
    entries: int
    ok: bool
    problems: list[Tampering]


def verify(store: Store) -> VerifyReport:
    """Check the whole chain; name each entry that was modified, deleted, inserted or
    reordered. Raises StoreError when the log cannot be read.

    The log is read a page at a time, keeping only the two entries before the one being
    checked, so a log of any length fits in memory; where the chain breaks, a second
    read finds where the entry it names as its predecessor stands.

    The log's head (the newest entry's number and hash, moved by every append) also shows
    entries removed from the end. Limits: an intruder who rewrites every later entry's
    hash and the head too is not detectable from the store alone; anchor the newest hash
    elsewhere (e.g. print it daily with ``audit verify``) to close that gap."""
    found: list[Tampering | _Break] = []
    count = 0
    before: list[AuditEntry] = []  # the last two entries read, the newest last
    for i, entry in enumerate(entries(store)):
        count += 1
        if entry_hash(entry.model_dump(), entry.prev_hash) != entry.hash:
            found.append(
                Tampering(
                    seq=entry.seq, kind="modified", detail="its contents do not match its hash"
                )
            )
        expected_seq = before[-1].seq + 1 if before else 1
        expected_prev = before[-1].hash if before else GENESIS
        if entry.seq > expected_seq:
            missing = ", ".join(str(s) for s in range(expected_seq, entry.seq))
            found.append(
                Tampering(
                    seq=entry.seq, kind="deleted", detail=f"entries {missing} before it are missing"
                )
            )
        elif entry.prev_hash != expected_prev:
            found.append(_Break(i, entry, tuple(e.seq for e in before)))
        before = [*before[-1:], entry]
    wanted = {b.entry.prev_hash for b in found if isinstance(b, _Break)}
    places = _places(store, wanted) if wanted else {}
    problems: list[Tampering] = []
    for item in found:
        problem = item if isinstance(item, Tampering) else item.problem(places)
        if problem is not None:
            problems.append(problem)
    problems.extend(_head_problems(store, before[-1] if before else None))
    return VerifyReport(entries=count, ok=not problems, problems=problems)


@dataclass(frozen=True)
class _Break:
    """An entry whose predecessor is not the entry before it: what it is depends on
    where that predecessor stands (``problem``)."""

    index: int
    entry: AuditEntry
    before: tuple[int, ...]  # the sequence numbers of the (up to) two entries before it

    def problem(self, places: dict[str, tuple[int, int]]) -> Tampering | None:
        """The tampering this break shows, given each wanted hash's (last) place in the
        log and sequence number."""
        entry, i = self.entry, self.index
        follows, follows_seq = places.get(entry.prev_hash, (None, 0))
        if i >= 2 and follows == i - 2:
            return Tampering(
                seq=self.before[-1],
                kind="inserted",
                detail=f"entry {entry.seq} follows entry {self.before[-2]}",
            )
        if follows is not None and follows > i:
            return Tampering(
                seq=entry.seq,
                kind="reordered",
                detail=f"it follows entry {follows_seq}, which comes later",
            )
        if follows is None and entry.prev_hash != GENESIS:
            return Tampering(
                seq=entry.seq, kind="deleted", detail="the entry it follows is missing"
            )
        if follows is not None and follows < i - 2:
            return Tampering(
                seq=entry.seq,
                kind="reordered",
                detail=f"it follows entry {follows_seq}, not the one before it",
            )
        if follows is None:  # it names no entry before it, as only the first may
            return Tampering(
                seq=entry.seq, kind="modified", detail="it claims to be the first entry"
            )
        return None


def _places(store: Store, hashes: set[str]) -> dict[str, tuple[int, int]]:
    """Where each of ``hashes`` stands in the log (the last place, if more than one) and
    that entry's sequence number."""
    places: dict[str, tuple[int, int]] = {}
    for i, entry in enumerate(entries(store)):
        if entry.hash in hashes:
            places[entry.hash] = (i, entry.seq)
    return places


def _head_problems(store: Store, last: AuditEntry | None) -> list[Tampering]:
    """The head names the newest entry written: entries removed from the end of the log,
    or added after it without the library, show as a mismatch."""
    head = store.query("audit_head")
    if not head:
        return []  # a log written before the head existed, or none at all
    seq, hash_ = int(head[0]["seq"]), str(head[0]["hash"])
    last_seq, last_hash = (last.seq, last.hash) if last else (0, GENESIS)
    if seq > last_seq:
        missing = (
            f"entry {seq} is" if seq == last_seq + 1 else f"entries {last_seq + 1} to {seq} are"
        )
        return [
            Tampering(
                seq=seq,
                kind="deleted",
                detail=f"the log's head records entry {seq}: {missing} missing from the end",
            )
        ]
    if seq < last_seq:
        return [
            Tampering(
                seq=last_seq,
                kind="inserted",
                detail=f"entries after {seq}, the newest the log's head records, were added "
                "outside tacgraph",
            )
        ]
    if hash_ != last_hash:
        return [
            Tampering(
                seq=seq, kind="modified", detail="its hash differs from the one the head records"
            )
        ]
    return []
