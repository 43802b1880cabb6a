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
    body = {k: v for k, v in fields.items() if k not in ("hash", "prev_hash")}
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
    reordered. Raises StoreError when the log cannot be read."""
    problems: list[Tampering] = []
    expected_seq = 1
    prev_hash = GENESIS
    count = 0
    for entry in entries(store):
        count += 1
        fields = entry.model_dump()
        if entry_hash(fields, entry.prev_hash) != entry.hash:
            problems.append(
                Tampering(
                    seq=entry.seq, kind="modified", detail="its contents do not match its hash"
                )
            )
        if entry.seq != expected_seq:
            if entry.seq > expected_seq:
                missing = ", ".join(str(s) for s in range(expected_seq, entry.seq))
                problems.append(
                    Tampering(
                        seq=entry.seq,
                        kind="deleted",
                        detail=f"entries {missing} are missing before it",
                    )
                )
            else:
                problems.append(
                    Tampering(
                        seq=entry.seq,
                        kind="inserted_or_reordered",
                        detail=f"sequence number {entry.seq} out of order",
                    )
                )
        elif entry.prev_hash != prev_hash:
            problems.append(
                Tampering(
                    seq=entry.seq,
                    kind="inserted_or_reordered",
                    detail="it does not follow the entry before it",
                )
            )
        expected_seq = entry.seq + 1
        prev_hash = entry.hash
    return VerifyReport(entries=count, ok=not problems, problems=problems)
