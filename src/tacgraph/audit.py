"""The access log: every lookup, allowed or not, appends one entry. Entries are never
updated or deleted, and each carries the hash of the one before, so that
:func:`verify` finds any entry modified, deleted, inserted or reordered."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from tacgraph.errors import StoreError
from tacgraph.store.base import Store

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
    attempts: int = 5,
) -> AuditEntry:
    """Append one entry after the newest. Retries when another writer took the same
    sequence number; raises StoreError when it cannot write (the caller then discloses
    nothing)."""
    for attempt in range(attempts):
        last = store.query("audit_last")
        seq = int(last[0]["seq"]) + 1 if last else 1
        prev = str(last[0]["hash"]) if last else GENESIS
        fields: dict[str, Any] = {
            "seq": seq,
            "at": clock().isoformat(timespec="microseconds"),
            "requester_id": requester_id,
            "child_id": child_id,
            "purpose": purpose,
            "as_of": as_of.isoformat(),
            "outcome": outcome,
            "disclosed": sorted(disclosed),
            "bases": sorted(set(bases)),
            "detail": detail,
        }
        fields["prev_hash"] = prev
        fields["hash"] = entry_hash(fields, prev)
        try:
            store.query("audit_append", fields)
        except StoreError:
            if attempt == attempts - 1:
                raise
            continue
        return AuditEntry(**fields)
    raise StoreError("could not append to the access log")  # pragma: no cover


def entries(store: Store, page: int = 5_000) -> Iterator[AuditEntry]:
    after = 0
    while True:
        rows = store.query("audit_page", {"after": after, "limit": page})
        for row in rows:
            yield AuditEntry(
                **{**row, "disclosed": row["disclosed"] or [], "bases": row["bases"] or []}
            )
        if len(rows) < page:
            return
        after = int(rows[-1]["seq"])


class Tampering(BaseModel):
    seq: int
    kind: str  # modified | deleted | inserted_or_reordered
    detail: str


class VerifyReport(BaseModel):
    entries: int
    ok: bool
    problems: list[Tampering]


def verify(store: Store) -> VerifyReport:
    """Check the whole chain; name each entry that was modified, deleted, inserted or
    reordered. Raises StoreError when the log cannot be read.

    Limits: an intruder who can rewrite every later entry's hash, or who removes the
    newest entries, is not detectable from the log alone; anchor the newest hash
    elsewhere (e.g. print it daily) to close that gap."""
    log = list(entries(store))
    position = {entry.hash: i for i, entry in enumerate(log)}
    problems: list[Tampering] = []
    for i, entry in enumerate(log):
        if entry_hash(entry.model_dump(), entry.prev_hash) != entry.hash:
            problems.append(
                Tampering(
                    seq=entry.seq, kind="modified", detail="its contents do not match its hash"
                )
            )
        expected_seq = log[i - 1].seq + 1 if i else 1
        expected_prev = log[i - 1].hash if i else GENESIS
        if entry.seq > expected_seq:
            missing = ", ".join(str(s) for s in range(expected_seq, entry.seq))
            problems.append(
                Tampering(
                    seq=entry.seq, kind="deleted", detail=f"entries {missing} before it are missing"
                )
            )
            continue
        if entry.prev_hash == expected_prev:
            continue
        follows = position.get(entry.prev_hash)
        if i >= 2 and follows == i - 2:
            problems.append(
                Tampering(
                    seq=log[i - 1].seq,
                    kind="inserted",
                    detail=f"entry {entry.seq} follows entry {log[i - 2].seq}",
                )
            )
        elif follows is not None and follows > i:
            problems.append(
                Tampering(
                    seq=entry.seq,
                    kind="reordered",
                    detail=f"it follows entry {log[follows].seq}, which comes later",
                )
            )
        elif follows is None and entry.prev_hash != GENESIS:
            problems.append(
                Tampering(seq=entry.seq, kind="deleted", detail="the entry it follows is missing")
            )
        elif follows is not None and follows < i - 2:
            problems.append(
                Tampering(
                    seq=entry.seq,
                    kind="reordered",
                    detail=f"it follows entry {log[follows].seq}, not the one before it",
                )
            )
    return VerifyReport(entries=len(log), ok=not problems, problems=problems)
