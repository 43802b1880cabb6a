"""Seeding a new server home with Neo4j's own bulk loader (``neo4j-admin database import``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from tacgraph.devserver.admin import run_admin
from tacgraph.devserver.config import HOME_DIRS, server_settings, write_conf
from tacgraph.devserver.jars import jar_dir
from tacgraph.devserver.java import checked_java
from tacgraph.devserver.process import free_port
from tacgraph.devserver.tools import tail_text
from tacgraph.errors import Neo4jServerError


def bulk_import(
    home: Path,
    *,
    nodes: Mapping[str, Sequence[Path]],
    relationships: Mapping[str, Sequence[Path]],
    heap: str = "2g",
    cache: Path | None = None,
    timeout: float = 7200.0,
) -> str:
    """Load CSV files into database ``neo4j`` of a new ``home`` with Neo4j's own bulk
    loader, ``neo4j-admin database import full`` (the way to seed a large database;
    the benchmarks measure the importer against it). ``nodes`` maps a label to its
    files, ``relationships`` a type to its; each file starts with its own header in
    neo4j-admin's format; arrays split on ``;``. The home must never have been
    started; start() it afterwards.

    Returns the tool's report. Raises Neo4jServerError on any failure.
    """
    home = home.expanduser().resolve()
    if (home / "data" / "databases").exists():
        raise Neo4jServerError(f"{home} already holds databases; bulk import needs a new home")
    java = checked_java()
    lib = jar_dir(cache)
    for name in HOME_DIRS:
        (home / name).mkdir(parents=True, exist_ok=True)
    write_conf(home, server_settings(home, lib, free_port(), "512m", "256m", auth=False))
    # The database first: each --nodes/--relationships takes every word after it.
    args = ["database", "import", "full", "neo4j", "--array-delimiter=;"]
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
