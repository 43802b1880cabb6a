"""Validated nodes and edges as Arrow files on disk, one per label and per edge, for a
first load into an empty embedded store through LadybugDB's ``COPY``.

Rows are gathered a batch at a time and written as record batches of an uncompressed
Arrow IPC file, so the importer holds one batch per file, not the input; the store then
maps each file into memory (no copy on the heap) and copies it in with one ``COPY`` per
label and per edge, which is the engine's own bulk path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tacgraph.schema import HASH as HASH
from tacgraph.schema import EdgeSpec, graph_schema

if TYPE_CHECKING:
    import pyarrow as pa

# Rows of one file copied by one ``COPY`` at most: a larger file goes in part by part,
# so the rows a ``COPY`` holds are bounded whatever the size of the input.
ROWS_PER_COPY = 1_000_000
ROWS_PER_BATCH = 20_000  # rows a file holds in memory before writing them: bounds the gathering


class _Sink:
    def __init__(
        self, path: Path, columns: Sequence[tuple[str, str]], kind: Callable[[str], Any]
    ) -> None:
        import pyarrow as pa

        self.path = path
        self.schema = pa.schema([(name, kind(type_)) for name, type_ in columns])
        self.names = [name for name, _ in columns]
        self._writer = pa.ipc.new_file(str(path), self.schema)
        # Each value appended to its column as it comes: holding rows and turning them
        # into columns at the flush (zip) cost more CPU and memory (20,000 children).
        self._columns: list[list[Any]] = [[] for _ in columns]
        self.rows = 0

    def add(self, columns: Sequence[list[Any]]) -> None:
        """Rows given as columns, one per name, of equal length."""
        for held, values in zip(self._columns, columns, strict=True):
            held += values
        self.rows += len(columns[0])
        if len(self._columns[0]) >= ROWS_PER_BATCH:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if not self._columns[0]:
            return
        arrays = [
            pa.array(column, type=f.type)
            for column, f in zip(self._columns, self.schema, strict=True)
        ]
        held = pa.record_batch(arrays, schema=self.schema)
        # Columns come a batch of records at a time, so more rows than a batch may be
        # held: written in slices of ROWS_PER_BATCH, which a COPY's part never splits.
        for start in range(0, held.num_rows, ROWS_PER_BATCH):
            self._writer.write_batch(held.slice(start, ROWS_PER_BATCH))
        for column in self._columns:
            column.clear()

    def close(self) -> None:
        self.flush()
        self._writer.close()


@dataclass
class ArrowFiles:
    """Arrow IPC files of new nodes (per label) and edges (per edge of the schema)."""

    folder: Path
    kind: Callable[[str], Any]  # the Arrow type of a property kind
    nodes: dict[str, _Sink] = field(default_factory=dict)
    edges: dict[EdgeSpec, _Sink] = field(default_factory=dict)

    def add_nodes(self, label: str, columns: dict[str, list[Any]], hashes: list[str]) -> None:
        sink = self.nodes.get(label)
        if sink is None:
            names = [(p.name, p.type) for p in graph_schema().node(label).props]
            names.append((HASH, "STRING"))
            sink = self.nodes[label] = _Sink(self.folder / f"{label}.arrow", names, self.kind)
        sink.add([*(columns[name] for name in sink.names[:-1]), hashes])

    def add_edges(
        self,
        edge: EdgeSpec,
        sources: list[str],
        targets: list[str],
        props: dict[str, list[Any]],
    ) -> None:
        sink = self.edges.get(edge)
        if sink is None:
            names = [("from", "STRING"), ("to", "STRING")]
            names += [(p.name, str(p.type)) for p in edge.props]
            name = f"{edge.source}-{edge.field}.arrow"
            sink = self.edges[edge] = _Sink(self.folder / name, names, self.kind)
        sink.add([sources, targets, *(props[p.name] for p in edge.props)])

    def close(self) -> None:
        for sink in (*self.nodes.values(), *self.edges.values()):
            sink.close()

    def tables(self) -> Iterator[tuple[str | EdgeSpec, pa.Table]]:
        """Each file as tables mapped from disk, of whole batches and at most
        ROWS_PER_COPY rows each (a batch holds fewer): nodes first, then edges."""
        import pyarrow as pa

        parts: list[tuple[str | EdgeSpec, _Sink]] = [*self.nodes.items(), *self.edges.items()]
        for key, sink in parts:
            with pa.memory_map(str(sink.path)) as source:
                reader = pa.ipc.open_file(source)
                held: list[pa.RecordBatch] = []
                rows = 0
                for index in range(reader.num_record_batches):
                    batch = reader.get_batch(index)
                    if held and rows + batch.num_rows > ROWS_PER_COPY:
                        yield key, pa.Table.from_batches(held, schema=sink.schema)
                        held, rows = [], 0
                    held.append(batch)
                    rows += batch.num_rows
                if held or not sink.rows:
                    yield key, pa.Table.from_batches(held, schema=sink.schema)
