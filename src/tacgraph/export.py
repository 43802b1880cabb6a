"""Export: the whole graph as canonical JSON that imports back to the same graph.

Canonical means byte-for-byte stable for the same graph on either engine: collections
in a fixed order, records in id order, keys sorted, None fields left out, one record a
line.

By default an export leaves out whatever could locate a shielded child: their address,
school and GP practice, the households they live in and those their family members live
in, the addresses and household links of everyone in those households, their
involvements with and team places held by a school or GP practice, who started their
CAF, and its register events (who changed it, and how). The importer treats a field a
redacted record leaves out as unknown, so importing such an export back into the store
it came from changes nothing. Its header says so
(``"redacted": true``). ``full=True`` writes everything, for a complete backup held
under the same protection as the store.

An export is a bulk read of child data: it goes through the gate (:mod:`tacgraph.gate`)
with a requester, and writes one access-log entry naming its scope before anything is
written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tacgraph import audit, gate
from tacgraph.files import check_destination, whole_or_nothing
from tacgraph.mapping import EdgeTargets, from_graph
from tacgraph.model import (
    RECORD_TYPES,
    Caf,
    CafEvent,
    Child,
    FamilyMember,
    Handover,
    Household,
    Involvement,
    Record,
    TeamMembership,
    dump_record,
)
from tacgraph.rows.export import (
    EXPORT_SHIELDED,
    EXPORT_SHIELDED_INVOLVEMENTS,
    EXPORT_SHIELDED_MEMBERSHIPS,
)
from tacgraph.schema import graph_schema
from tacgraph.store.base import Store

PAGE = 10_000


@dataclass(frozen=True)
class Shield:
    """What a redacted export leaves out."""

    households: frozenset[str]
    family_members: frozenset[str]
    involvements: frozenset[str] = frozenset()
    memberships: frozenset[str] = frozenset()
    shielded: frozenset[str] = frozenset()
    # the CAFs of shielded children, gathered as the CAFs are redacted (before events)
    cafs: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, store: Store) -> Shield:
        rows = store.read(EXPORT_SHIELDED)
        households = {r["household_id"] for r in rows if r["household_id"]}
        households |= {r["family_household_id"] for r in rows if r["family_household_id"]}
        members = {r["family_member_id"] for r in rows if r["family_member_id"]}
        kinds = {"kinds": sorted(gate.LOCATING_KINDS)}
        involvements = {
            r["involvement_id"] for r in store.read(EXPORT_SHIELDED_INVOLVEMENTS, kinds)
        }
        memberships = {r["membership_id"] for r in store.read(EXPORT_SHIELDED_MEMBERSHIPS, kinds)}
        return cls(
            frozenset(households),
            frozenset(members),
            frozenset(involvements),
            frozenset(memberships),
            frozenset(r["child_id"] for r in rows),
        )

    @property
    def empty(self) -> bool:
        """Whether there is nothing to leave out (no shielded child in the store)."""
        return not (self.households or self.family_members or self.involvements or self.shielded)

    def redact(self, record: Record) -> Record | None:
        if isinstance(record, Household):
            return None if record.id in self.households else record
        if isinstance(record, Involvement):
            return None if record.id in self.involvements else record
        if isinstance(record, TeamMembership):
            return None if record.id in self.memberships else record
        if isinstance(record, Caf) and record.child_id in self.shielded:
            self.cafs.add(record.id)
            return record.model_copy(update={"started_by_id": None})
        if isinstance(record, CafEvent):
            return None if record.caf_id in self.cafs else record
        if isinstance(record, Handover) and record.involvement_id in self.involvements:
            return record.model_copy(update={"involvement_id": None})
        if isinstance(record, Child) and (
            record.shielded or record.household_id in self.households
        ):
            return record.model_copy(
                update={
                    "address_line": None,
                    "postcode": None,
                    "household_id": None,
                    **({"school_id": None, "gp_practice_id": None} if record.shielded else {}),
                }
            )
        if isinstance(record, FamilyMember) and (
            record.id in self.family_members or record.household_id in self.households
        ):
            return record.model_copy(update={"household_id": None})
        return record


def iter_records(store: Store, label: str) -> Iterator[Record]:
    """Every record of one label, rebuilt from its node and edges, in id order."""
    edges = graph_schema().edges_from(label)
    page: list[dict[str, object]] = []

    def rebuild() -> Iterator[Record]:
        ids = [str(row["id"]) for row in page]
        found: dict[str, EdgeTargets] = {i: {} for i in ids}
        for edge in edges:
            for source, target, props in store.edges_from(edge, ids):
                found[source].setdefault(edge, []).append((target, props))
        for row in page:
            yield from_graph(label, row, found[str(row["id"])])

    for row in store.iter_nodes(label, page=PAGE):
        page.append(row)
        if len(page) >= PAGE:
            yield from rebuild()
            page.clear()
    if page:
        yield from rebuild()


def _line(record: Record) -> str:
    return json.dumps(
        dump_record(record), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def write_canonical(
    store: Store,
    handle: IO[str],
    progress: Callable[[int], None] | None = None,
    *,
    full: bool = False,
) -> int:
    """Write the canonical document to ``handle`` (redacted for shielded children unless
    ``full``); returns the number of records."""
    shield = None if full else Shield.of(store)
    count = 0
    # The header says when something was left out: such a file is not a backup.
    redacted = shield is not None and not shield.empty
    handle.write('{"format":"tacgraph","version":1' + (',"redacted":true' if redacted else ""))
    for model in RECORD_TYPES:
        handle.write(f',\n"{model.collection}":[')
        first = True
        for stored in iter_records(store, model.label()):
            record = stored if shield is None else shield.redact(stored)
            if record is None:
                continue
            handle.write(("\n" if first else ",\n") + _line(record))
            first = False
            count += 1
            if progress and count % 10_000 == 0:
                progress(count)
        handle.write("]" if first else "\n]")
    handle.write("}\n")
    return count


def export_file(
    store: Store,
    out: Path,
    progress: Callable[[int], None] | None = None,
    *,
    requester_id: str,
    full: bool = False,
    purpose: str = "",
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> int:
    """Write the canonical export to ``out`` (atomically: a temporary file, then a
    rename; removed if the export fails), redacted for shielded children unless
    ``full``, for ``requester_id``, who must be authorised today. One access-log entry
    names the export's scope and is written before the file. Returns the number of
    records. Raises InvalidArgument for an ``out`` no file can be written at (before
    anything is read or logged) or a write that fails (nothing left behind),
    AccessDenied (audited), StoreError."""
    scope = "every child, complete (full backup)" if full else "every child, redacted"
    check_destination(out, "export.json")  # before the gate: nothing logged for it
    with gate.opened(
        "export", requester_id, on=None, clock=clock, channel=channel, purpose=purpose
    ) as reading:
        gate.bulk_requester(store, reading, requester_id, clock=clock)
        gate.log_bulk(
            store,
            reading,
            None,
            ["export:full" if full else "export:redacted"],
            f"export of {scope} to {out.name}",
            clock=clock,
            extra=("full_export",) if full else (),
        )
        with whole_or_nothing(out) as tmp, tmp.open("w", encoding="utf-8") as handle:
            return write_canonical(store, handle, progress, full=full)


def canonical_hash(store: Store) -> str:
    """SHA-256 of the canonical export: equal hashes, equal graphs."""

    class _Hasher:
        def __init__(self) -> None:
            self.digest = hashlib.sha256()

        def write(self, text: str) -> int:
            self.digest.update(text.encode())
            return len(text)

    hasher = _Hasher()
    write_canonical(store, hasher, full=True)  # type: ignore[arg-type]
    return hasher.digest.hexdigest()
