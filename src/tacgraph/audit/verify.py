"""``verify``: check the access log's chain of MACs against its newest signed checkpoint,
and name each entry modified, deleted, inserted or reordered.

The log is read a page at a time, keeping only the two entries before the one being
checked, so a log of any length, with any sequence numbers, is checked in bounded memory;
where the chain breaks, a second read finds where the entry it names as its predecessor
stands. Messages describe a run of entries by its bounds, and at most ``MAX_PROBLEMS``
problems are listed (``more`` counts the rest)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel

from tacgraph.audit import keys as keyring
from tacgraph.audit import witness
from tacgraph.audit.log import (
    FIELDS,
    GENESIS,
    KEY_ROTATED,
    AuditEntry,
    _clean,
    entry_mac,
    rows,
)
from tacgraph.rows.audit import AUDIT_COUNT, AUDIT_HEAD, AUDIT_LAST
from tacgraph.store.base import Store

MAX_PROBLEMS = 100


class Tampering(BaseModel):
    seq: int  # the entry named; 0 for the witness or for entries with no number
    kind: str  # modified | deleted | inserted | reordered | witness
    detail: str


class VerifyReport(BaseModel):
    entries: int
    ok: bool
    problems: list[Tampering]
    more: int = 0  # problems found beyond those listed
    checkpoint: int | None = None  # the newest checkpoint's sequence number, if any


def _count(n: int) -> str:
    return "1 entry has" if n == 1 else f"{n} entries have"


def _span(first: int, last: int) -> str:
    return f"entry {first} is" if first == last else f"entries {first} to {last} are"


class _Found:
    """The problems found so far, at most MAX_PROBLEMS of them kept."""

    def __init__(self) -> None:
        self.items: list[Tampering | _Break] = []
        self.more = 0
        self.run: list[int] | None = None  # an open run of entries failing their MACs

    def add(self, item: Tampering | _Break) -> None:
        self.close_run()
        self._keep(item)

    def _keep(self, item: Tampering | _Break) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(item)
        else:
            self.more += 1

    def mac_failed(self, seq: int) -> None:
        if self.run is not None and self.run[1] == seq - 1:
            self.run[1] = seq
            return
        self.close_run()
        self.run = [seq, seq]

    def close_run(self) -> None:
        if self.run is None:
            return
        first, last = self.run
        self.run = None
        detail = (
            "its fields do not match its MAC"
            if first == last
            else f"entries {first} to {last}: their fields do not match their MACs "
            "(rewritten without the key)"
        )
        self._keep(Tampering(seq=first, kind="modified", detail=detail))


def verify(
    store: Store,
    *,
    witness_file: Path | None = None,
    public_key: Path | None = None,
) -> VerifyReport:
    """Check the whole log against its keys and its newest checkpoint (in the log's
    witness, or ``witness_file`` checked with ``public_key``: a copy shipped elsewhere).
    Raises StoreError when the log or its keys cannot be read."""
    where = keyring.home(store)
    has_entries = bool(store.read(AUDIT_LAST))
    witness_path = witness_file or where.witness
    if not keyring.exists(where):
        if not has_entries and not witness.has_any(witness_path) and not _head(store):
            return VerifyReport(entries=0, ok=True, problems=[])
        keyring.load(where, need_private=False, public=None)  # raises: names what is missing
    shipped = keyring.load_public(public_key) if public_key else None
    keys = keyring.load(where, need_private=False, public=shipped)
    public: Ed25519PublicKey = keys.public
    found = _Found()
    newest, bad = witness.newest(witness_path, public)
    for line in bad:
        found.add(Tampering(seq=0, kind="witness", detail=f"line {line.line}: {line.why}"))
    count, last, seen = _walk(store, keys, newest, found)
    found.close_run()
    _ends(store, last, newest, seen, found)
    total = int(store.read(AUDIT_COUNT)[0]["count"])
    if total != count:
        found.add(
            Tampering(
                seq=0,
                kind="inserted" if total > count else "deleted",
                detail=f"{_count(abs(total - count))} no sequence number that orders them",
            )
        )
    found.close_run()
    problems = _resolve(store, found.items)
    return VerifyReport(
        entries=total,
        ok=not problems and not found.more,
        problems=problems,
        more=found.more,
        checkpoint=newest.seq if newest else None,
    )


def _walk(
    store: Store, keys: keyring.Keys, newest: witness.Checkpoint | None, found: _Found
) -> tuple[int, AuditEntry | None, int | None]:
    """Check each entry in order; the number read, the last one, and the number of the
    entry the newest checkpoint records (None if it is not in the log)."""
    count = 0
    before: list[AuditEntry] = []  # the last two entries read, the newest last
    mac_failed = False  # whether the entry before failed its MAC
    segment = ""  # the key in use: the first entry's, then the one each rotation names
    seen: int | None = None  # where the entry the newest checkpoint records stands
    for i, row in enumerate(rows(store)):
        count += 1
        entry = _clean(row)
        seq = entry.seq
        missing = [name for name in FIELDS if row.get(name) is None]
        if not isinstance(row.get("seq"), int):
            found.add(
                Tampering(seq=0, kind="modified", detail="an entry's number is not a whole number")
            )
            continue
        failed = False
        if missing:
            found.add(
                Tampering(
                    seq=seq,
                    kind="modified",
                    detail=f"its {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
                    "missing",
                )
            )
            failed = True
        else:
            segment = segment or entry.key_id
            key = keys.macs.get(entry.key_id)
            if key is None or entry.key_id != segment:
                found.add(
                    Tampering(
                        seq=seq,
                        kind="modified",
                        detail="it is chained with a key the log does not hold"
                        if key is None
                        else "it is chained with a key no rotation entry started",
                    )
                )
                failed = True
            elif entry_mac(key, entry.model_dump(), entry.prev_hash) != entry.hash:
                found.mac_failed(seq)
                failed = True
            elif entry.outcome == KEY_ROTATED:
                segment = entry.detail
        expected_seq = before[-1].seq + 1 if before else 1
        expected_prev = before[-1].hash if before else GENESIS
        if seq > expected_seq:
            found.add(
                Tampering(
                    seq=expected_seq,
                    kind="deleted",
                    detail=f"{_span(expected_seq, seq - 1)} missing before entry {seq}",
                )
            )
        elif entry.prev_hash != expected_prev:
            found.add(_Break(i, entry, tuple(e.seq for e in before), mac_failed))
        if newest is not None and entry.hash == newest.mac:
            seen = seq
        mac_failed = failed
        before = [*before[-1:], entry]
    return count, (before[-1] if before else None), seen


def _head(store: Store) -> tuple[int, str] | None:
    head = store.read(AUDIT_HEAD)
    if not head:
        return None
    seq, hash_ = head[0]["seq"], head[0]["hash"]
    if not isinstance(seq, int) or not isinstance(hash_, str):
        return (-1, "")
    return seq, hash_


def _ends(
    store: Store,
    last: AuditEntry | None,
    newest: witness.Checkpoint | None,
    seen: int | None,
    found: _Found,
) -> None:
    """The head and the newest checkpoint both name an entry by its MAC: entries removed
    from the end, a head deleted or moved back, entries added after it without the
    library, a chain rewritten since the checkpoint, all show as a mismatch. (An entry
    they name that stands at another number was renumbered: the chain names that.)"""
    last_seq, last_hash = (last.seq, last.hash) if last else (0, GENESIS)
    head = _head(store)
    cut = newest is not None and seen is None and newest.seq > last_seq
    if newest is not None and seen is None:
        if cut:
            found.add(
                Tampering(
                    seq=last_seq + 1,
                    kind="deleted",
                    detail=f"{_span(last_seq + 1, newest.seq)} missing from the end: the "
                    f"checkpoint of {newest.at[:40]} records entry {newest.seq}",
                )
            )
            if head is not None and 0 <= head[0] < newest.seq:
                found.add(
                    Tampering(
                        seq=newest.seq,
                        kind="deleted",
                        detail=f"the log's head was moved back from entry {newest.seq} to "
                        f"entry {head[0]}",
                    )
                )
        else:
            found.add(
                Tampering(
                    seq=newest.seq,
                    kind="modified",
                    detail=f"it is not the entry the checkpoint of {newest.at[:40]} records",
                )
            )
    if head is None:
        if last is not None or newest is not None:
            found.add(
                Tampering(
                    seq=max(last_seq, newest.seq if newest else 0),
                    kind="deleted",
                    detail="the log's head is missing",
                )
            )
        return
    seq, hash_ = head
    if seq < 0:
        found.add(Tampering(seq=0, kind="modified", detail="the log's head is not readable"))
    elif hash_ == last_hash:
        return
    elif seq > last_seq:
        if not cut:
            found.add(
                Tampering(
                    seq=last_seq + 1,
                    kind="deleted",
                    detail=f"the log's head records entry {seq}: "
                    f"{_span(last_seq + 1, seq)} missing from the end",
                )
            )
    elif seq < last_seq:
        found.add(
            Tampering(
                seq=last_seq,
                kind="inserted",
                detail=f"entries after {seq}, the newest the log's head records, were added "
                "outside tacgraph",
            )
        )
    else:
        found.add(
            Tampering(
                seq=seq, kind="modified", detail="its MAC differs from the one the head records"
            )
        )


@dataclass(frozen=True)
class _Break:
    """An entry whose predecessor is not the entry before it: what it is depends on
    where that predecessor stands (``problem``)."""

    index: int
    entry: AuditEntry
    before: tuple[int, ...]  # the sequence numbers of the (up to) two entries before it
    # Whether the entry before it fails its MAC (it was rewritten or added without the
    # key, and is named already).
    after_rewritten: bool = False

    def problem(self, places: dict[str, tuple[int, int]]) -> Tampering | None:
        """The tampering this break shows, given each wanted MAC's (last) place in the
        log and sequence number."""
        entry, i = self.entry, self.index
        follows, follows_seq = places.get(entry.prev_hash, (None, 0))
        if i >= 2 and follows == i - 2:
            # The entry between is out of place: added without the key if it fails its
            # MAC, else a true entry moved, which the break where it belongs names.
            if not self.after_rewritten:
                return None
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
        if follows is None and self.after_rewritten:
            return None
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


def _resolve(store: Store, found: list[Tampering | _Break]) -> list[Tampering]:
    """Each break as the tampering it shows; an entry named as inserted is not also
    named for its MAC (an inserted entry was never chained with the key)."""
    wanted = {b.entry.prev_hash for b in found if isinstance(b, _Break)}
    places = _places(store, wanted) if wanted else {}
    problems = [p for item in found if (p := _as_problem(item, places)) is not None]
    inserted = {p.seq for p in problems if p.kind == "inserted"}
    return [
        p
        for p in problems
        if not (p.seq in inserted and p.detail == "its fields do not match its MAC")
    ]


def _as_problem(item: Tampering | _Break, places: dict[str, tuple[int, int]]) -> Tampering | None:
    return item if isinstance(item, Tampering) else item.problem(places)


def _places(store: Store, macs: set[str]) -> dict[str, tuple[int, int]]:
    """Where each of ``macs`` stands in the log (the last place, if more than one) and
    that entry's sequence number."""
    places: dict[str, tuple[int, int]] = {}
    for i, row in enumerate(rows(store)):
        if row.get("hash") in macs and isinstance(row.get("seq"), int):
            places[str(row["hash"])] = (i, int(row["seq"]))
    return places
