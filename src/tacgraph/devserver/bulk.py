"""Seeding a new server home with Neo4j's own bulk loader (``neo4j-admin database import``):
from CSV files (:func:`bulk_import`), or from tacgraph's import files, validated first
(:func:`bulk_import_records`, ``tacgraph import --bulk``)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from tacgraph.devserver.admin import run_admin
from tacgraph.devserver.config import HOME_DIRS, server_settings, write_conf
from tacgraph.devserver.jars import jar_dir
from tacgraph.devserver.java import checked_java
from tacgraph.devserver.process import free_port
from tacgraph.devserver.tools import tail_text
from tacgraph.errors import Neo4jServerError
from tacgraph.importer import ImportReport, Progress, gather_files
from tacgraph.importer.bulkcsv import ARRAY_DELIMITER, CsvFiles


def _refuse_used(home: Path) -> None:
    if (home / "data" / "databases").exists():
        raise Neo4jServerError(
            f"{home} already holds a Neo4j database; a bulk import only makes a new one",
            "give a new --home (its server is started afterwards with 'tacgraph db neo4j "
            "start --home'), or import without --bulk into the running server",
        )


def bulk_import(
    home: Path,
    *,
    nodes: Mapping[str, Sequence[Path]],
    relationships: Mapping[str, Sequence[Path]],
    heap: str = "2g",
    cache: Path | None = None,
    timeout: float = 7200.0,
    multiline: Sequence[Path] = (),
) -> str:
    """Load CSV files into database ``neo4j`` of a new ``home`` with Neo4j's own bulk
    loader, ``neo4j-admin database import full`` (the way to seed a large database;
    the benchmarks measure the importer against it). ``nodes`` maps a label to its
    files, ``relationships`` a type to its; each file starts with its own header in
    neo4j-admin's format; arrays split on ``;``. The home must never have been
    started; start() it afterwards. ``multiline``: the files in which a quoted cell
    holds a line break (each read more slowly, so only these are named).

    Returns the tool's report. Raises Neo4jServerError on any failure.
    """
    home = home.expanduser().resolve()
    _refuse_used(home)
    java = checked_java()
    lib = jar_dir(cache)
    for name in HOME_DIRS:
        (home / name).mkdir(parents=True, exist_ok=True)
    write_conf(home, server_settings(home, lib, free_port(), "512m", "256m", auth=False))
    # The database first: each --nodes/--relationships takes every word after it.
    args = ["database", "import", "full", "neo4j", f"--array-delimiter={ARRAY_DELIMITER}"]
    args += multiline_args(multiline)
    # One option per file: in a group of several files only the first has a header.
    args += [f"--nodes={label}={file}" for label, files in nodes.items() for file in files]
    args += [
        f"--relationships={rel_type}={file}"
        for rel_type, files in relationships.items()
        for file in files
    ]
    result = run_admin(java, lib, home, args, timeout=timeout, heap=heap)
    if result.returncode != 0:
        raise Neo4jServerError(
            f"neo4j-admin database import failed (exit code {result.returncode}):\n"
            + tail_text(result.stdout)
        )
    return result.stdout


def multiline_args(files: Sequence[Path]) -> list[str]:
    """neo4j-admin's options for ``files``, the files whose quoted cells may span lines:
    those files alone (its format v2), or, where a path holds the comma that separates
    them, every file (v1)."""
    if not files:
        return []
    if any("," in str(path) for path in files):
        return ["--multiline-fields=true"]
    return ["--multiline-fields-format=v2", "--multiline-fields=" + ",".join(map(str, files))]


def bulk_import_records(
    home: Path,
    paths: Iterable[Path],
    *,
    progress: Progress | None = None,
    heap: str = "2g",
    cache: Path | None = None,
) -> ImportReport:
    """Validate the records in ``paths`` and load them into database ``neo4j`` of a new
    server ``home`` with ``neo4j-admin database import full``: all or nothing (a bad
    record, or the tool's failure, leaves no database behind). Every reference must
    point at a record in the input. Each node keeps its record's content hash, so a later
    ``tacgraph import`` of the same file finds every record unchanged.

    Returns the import's report. Raises Neo4jServerError for a home that already holds a
    database (checked before anything is read) or when the tool fails, InvalidInput
    (naming every problem) when a record is bad.
    """
    home = home.expanduser().resolve()
    _refuse_used(home)
    with tempfile.TemporaryDirectory(prefix="tacgraph-bulk-") as folder:
        files = CsvFiles(Path(folder))
        report = gather_files(paths, files, progress)
        if progress:
            progress("bulk load", 0, None)
        try:
            bulk_import(
                home,
                nodes=files.node_files(),
                relationships=files.relationship_files(),
                heap=heap,
                cache=cache,
                multiline=files.multiline_files(),
            )
        except Neo4jServerError:
            _remove_database(home)
            raise
    return report


def _remove_database(home: Path) -> None:
    """What a failed bulk import left: no database, so that the home can be used again."""
    for name in ("databases", "transactions"):
        shutil.rmtree(home / "data" / name, ignore_errors=True)
