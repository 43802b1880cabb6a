"""Validated nodes and edges as CSV files in ``neo4j-admin database import``'s format,
one per label and per reference field, for a first load into a new Neo4j database.

Each file starts with its own header: ``id:ID(Label)`` and ``name:type`` for a node's
properties (and its content hash), ``:START_ID(Source)``, ``:END_ID(Target)`` and the
edge's properties for a relationship. Every string is quoted, so an empty string stays
one while an absent value (an empty, unquoted cell) is no property at all; lists are
joined with ``;`` (no id or scope can hold one: a free-text list item that does is
refused, as the loader would split it). A quoted cell may hold a line break; each file
says whether one of its cells does (:meth:`CsvFiles.multiline_files`), since reading every
file as one that may cost neo4j-admin about a third more time (30.2 against 19.0 s at
100,000 children).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from tacgraph.errors import InvalidInput
from tacgraph.schema import EdgeSpec, graph_schema

ARRAY_DELIMITER = ";"
# The property each node keeps its record's content hash in (store/arrowfiles.HASH).
HASH = "content_hash"
_TYPES = {
    "STRING": "string",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "INT64": "long",
    "STRING[]": "string[]",
}


def _cell(value: Any, where: str) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        items = [str(item) for item in value]
        if any(ARRAY_DELIMITER in item for item in items):
            raise InvalidInput(
                f"{where}: a list item holds {ARRAY_DELIMITER!r}, which neo4j-admin would "
                "split; import without --bulk",
                [],
            )
        # An empty list is written as no property (neo4j-admin reads an empty quoted
        # array cell as one empty string); a record reads it back as its default.
        return ARRAY_DELIMITER.join(items) if items else None
    return str(value)


def _quoted(value: Any) -> str:
    """A CSV cell: a string quoted (quotes doubled), a number bare, nothing empty."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace('"', '""') + '"'


def _text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _cells(kind: str, values: list[Any], ids: list[str], source: str) -> list[str]:
    """Each value's cell, as :func:`_quoted` of :func:`_cell` makes it (``ids`` and
    ``source`` name a row whose list cannot be written), a column at a time: a call or
    two a value cost most of a first load's CSV writing."""
    if kind == "STRING":
        return ["" if v is None else '"' + v.replace('"', '""') + '"' for v in values]
    if kind == "BOOLEAN":
        return ["" if v is None else '"true"' if v else '"false"' for v in values]
    if kind == "INT64":
        return ["" if v is None else str(v) for v in values]
    if kind == "DATE":
        return ["" if v is None else '"' + v.isoformat() + '"' for v in values]
    return [_quoted(_cell(v, f"{source} {rid}")) for rid, v in zip(ids, values, strict=True)]


class _Sink:
    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self.rows = 0
        self.multiline = False  # whether a cell holds a line break
        self._handle: TextIO = path.open("w", encoding="utf-8", newline="")
        self._handle.write(",".join(header) + "\n")

    def add(self, columns: list[list[str]]) -> None:
        """Rows given as columns of cells (see :func:`_cells`), of equal length."""
        rows = [",".join(row) for row in zip(*columns, strict=True)]
        if rows:
            text = "\n".join(rows) + "\n"
            if not self.multiline:
                self.multiline = text.count("\n") != len(rows) or "\r" in text
            self._handle.write(text)
        self.rows += len(rows)

    def close(self) -> None:
        self._handle.close()


@dataclass
class CsvFiles:
    """neo4j-admin CSV files of new nodes (per label) and edges (per edge of the schema)."""

    folder: Path
    nodes: dict[str, _Sink] = field(default_factory=dict)
    edges: dict[EdgeSpec, _Sink] = field(default_factory=dict)

    def add_nodes(self, label: str, columns: dict[str, list[Any]], hashes: list[str]) -> None:
        sink = self.nodes.get(label)
        props = graph_schema().node(label).props
        if sink is None:
            header = [
                f"id:ID({label})" if p.name == "id" else f"{p.name}:{_TYPES[p.type]}" for p in props
            ]
            header.append(f"{HASH}:string")
            sink = self.nodes[label] = _Sink(self.folder / f"{label}.csv", header)
        ids = columns["id"]
        cells = [_cells(p.type, columns[p.name], ids, label) for p in props]
        sink.add([*cells, [_text(mark) for mark in hashes]])

    def add_edges(
        self,
        edge: EdgeSpec,
        sources: list[str],
        targets: list[str],
        props: dict[str, list[Any]],
    ) -> None:
        sink = self.edges.get(edge)
        if sink is None:
            header = [f":START_ID({edge.source})", f":END_ID({edge.target})"]
            header += [f"{p.name}:{_TYPES[str(p.type)]}" for p in edge.props]
            name = f"{edge.source}-{edge.field}.csv"
            sink = self.edges[edge] = _Sink(self.folder / name, header)
        cells = [_cells(str(p.type), props[p.name], sources, edge.source) for p in edge.props]
        sink.add([[_text(v) for v in sources], [_text(v) for v in targets], *cells])

    def close(self) -> None:
        for sink in (*self.nodes.values(), *self.edges.values()):
            sink.close()

    def multiline_files(self) -> list[Path]:
        """The files with a cell that holds a line break (neo4j-admin reads only these
        as files whose quoted cells may span lines)."""
        sinks = (*self.nodes.values(), *self.edges.values())
        return [sink.path for sink in sinks if sink.multiline]

    def node_files(self) -> dict[str, list[Path]]:
        return {label: [sink.path] for label, sink in self.nodes.items()}

    def relationship_files(self) -> dict[str, list[Path]]:
        """The files of each relationship type (several edges may share one type)."""
        grouped: dict[str, list[Path]] = {}
        for edge, sink in self.edges.items():
            grouped.setdefault(edge.rel_type, []).append(sink.path)
        return grouped
