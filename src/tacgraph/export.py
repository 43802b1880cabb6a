"""Export: the whole graph as canonical JSON that imports back to the same graph.

Canonical means byte-for-byte stable for the same graph on either engine: collections
in a fixed order, records in id order, keys sorted, None fields left out, one record a
line.

By default an export leaves out whatever could locate a shielded child: their address,
school and GP practice, the households they live in, and the addresses and household
links of everyone in those households and of their family members. ``full=True`` writes
everything, for a complete backup held under the same protection as the store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tacgraph.mapping import EdgeTargets, from_graph
from tacgraph.model import RECORD_TYPES, Child, FamilyMember, Household, Record, dump_record
from tacgraph.schema import graph_schema
from tacgraph.store.base import Store

PAGE = 10_000


@dataclass(frozen=True)
class Shield:
    """What a redacted export leaves out."""

    households: frozenset[str]
    family_members: frozenset[str]

    @classmethod
    def of(cls, store: Store) -> Shield:
        rows = store.query("export_shielded")
        households = {r["household_id"] for r in rows if r["household_id"]}
        members = {r["family_member_id"] for r in rows if r["family_member_id"]}
        return cls(frozenset(households), frozenset(members))

    def redact(self, record: Record) -> Record | None:
        if isinstance(record, Household):
            return None if record.id in self.households else record
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
    handle.write('{"format":"tacgraph","version":1')
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
    full: bool = False,
) -> int:
    """Write the canonical export to ``out`` (atomically: a temporary file, then a
    rename), redacted for shielded children unless ``full``. Returns the number of
    records."""
    tmp = out.with_name(out.name + ".partial")
    with tmp.open("w", encoding="utf-8") as handle:
        count = write_canonical(store, handle, progress, full=full)
    tmp.replace(out)
    return count


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
