"""Export: the whole graph as canonical JSON that imports back to the same graph.

Canonical means byte-for-byte stable for the same graph on either engine: collections
in a fixed order, records in id order, keys sorted, None fields left out, one record a
line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from tacgraph.mapping import EdgeTargets, from_graph
from tacgraph.model import RECORD_TYPES, Record, dump_record
from tacgraph.schema import graph_schema
from tacgraph.store.base import Store

PAGE = 10_000


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
    store: Store, handle: IO[str], progress: Callable[[int], None] | None = None
) -> int:
    """Write the canonical document to ``handle``; returns the number of records."""
    count = 0
    handle.write('{"format":"tacgraph","version":1')
    for model in RECORD_TYPES:
        handle.write(f',\n"{model.collection}":[')
        first = True
        for record in iter_records(store, model.label()):
            handle.write(("\n" if first else ",\n") + _line(record))
            first = False
            count += 1
            if progress and count % 10_000 == 0:
                progress(count)
        handle.write("]" if first else "\n]")
    handle.write("}\n")
    return count


def export_file(store: Store, out: Path, progress: Callable[[int], None] | None = None) -> int:
    """Write the canonical export to ``out`` (atomically: a temporary file, then a
    rename). Returns the number of records."""
    tmp = out.with_name(out.name + ".partial")
    with tmp.open("w", encoding="utf-8") as handle:
        count = write_canonical(store, handle, progress)
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
    write_canonical(store, hasher)  # type: ignore[arg-type]
    return hasher.digest.hexdigest()
