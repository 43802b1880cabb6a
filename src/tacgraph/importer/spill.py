"""The import's working copy: every record of the input as the first pass read it, in a
temporary folder, so the later passes never read (or validate) the input again."""

from __future__ import annotations

import errno
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tacgraph.errors import StoreError
from tacgraph.importer.workers import invalid_line, valid_line
from tacgraph.mapping import EdgeTargets, to_graph
from tacgraph.model import BY_LABEL
from tacgraph.schema import EdgeSpec, graph_schema
from tacgraph.sources import RawRecord, unreadable
from tacgraph.store.base import Row


@dataclass(frozen=True)
class Kept:
    """A record as the working copy holds it: validated and mapped to its node row and
    edges, or (``row`` None) as read, when it failed validation."""

    location: str
    label: str | None
    redacted: bool
    row: Row | None = None
    edges: EdgeTargets | None = None
    data: Any = None  # the raw data of a record that failed validation


class Spill:
    """Every record of the input as pass 1 read it, one JSON line each, in a temporary
    folder (``TMPDIR``): a valid record as its node row and edges (so the later passes
    neither validate nor map it again), an invalid one as read. The later passes read
    this, never the input again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "records.jsonl"
        self._out = self._open("w")
        schema = graph_schema()
        self._dates = {n.label: [p.name for p in n.props if p.type == "DATE"] for n in schema.nodes}
        self._edges = {n.label: schema.edges_from(n.label) for n in schema.nodes}

    def _open(self, mode: str) -> Any:
        try:
            return self.path.open(mode, encoding="utf-8")
        except OSError as exc:
            raise self._failed(exc) from None

    def _failed(self, exc: OSError) -> StoreError:
        hint = "set TMPDIR to a folder with room for a copy of the input"
        if exc.errno == errno.ENOSPC:
            hint = "free some space there, or " + hint
        return StoreError(
            f"cannot write the import's working copy in {self.folder}: "
            f"{exc.strerror or exc}; nothing was written to the store",
            hint,
        )

    def _write(self, line: str) -> None:
        try:
            self._out.write(line + "\n")
        except OSError as exc:
            raise self._failed(exc) from None

    def add_valid(
        self, location: str, label: str, row: Row, edges: EdgeTargets, redacted: bool
    ) -> None:
        """Keep a valid record: its node row and its edges in the schema's order."""
        self._write(valid_line(location, label, row, edges, redacted))

    def add_lines(self, lines: list[str]) -> None:
        """Keep lines made by :mod:`tacgraph.importer.workers`, in one write."""
        if lines:
            self._write("\n".join(lines))

    def add_invalid(self, raw: RawRecord) -> RawRecord:
        """Keep a record that failed validation, for the rejects file; returns it as the
        later passes will read it (one nested too deeply to copy becomes unreadable)."""
        line, raw = invalid_line(raw)
        self._write(line)
        return raw

    def close(self) -> None:
        try:
            self._out.close()
        except OSError as exc:
            raise self._failed(exc) from None

    def __iter__(self) -> Iterator[Kept]:
        with self._open("r") as handle:
            for line in handle:
                kind, (location, label, redacted), body = json.loads(line)
                if kind == "i":
                    data, reason = body
                    yield Kept(
                        location, label, redacted, data=unreadable(reason) if reason else data
                    )
                    continue
                if kind == "t":
                    record = BY_LABEL[label].model_validate_json(json.dumps(body))
                    yield Kept(location, label, redacted, *to_graph(record))
                    continue
                row, targets = body
                for name in self._dates[label]:
                    if row[name] is not None:
                        row[name] = date.fromisoformat(row[name])
                edges: EdgeTargets = {}
                for edge, pairs in zip(self._edges[label], targets, strict=True):
                    edges[edge] = [
                        (target, self._edge_props(edge, props)) for target, props in pairs
                    ]
                yield Kept(location, label, redacted, row, edges)

    @staticmethod
    def _edge_props(edge: EdgeSpec, props: dict[str, Any]) -> dict[str, Any]:
        for prop in edge.props:
            if prop.type == "DATE" and props.get(prop.name) is not None:
                props[prop.name] = date.fromisoformat(props[prop.name])
        return props


__all__ = ["Kept", "Spill"]
