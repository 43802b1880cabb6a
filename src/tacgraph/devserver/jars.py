"""The Neo4j server's jars: fetched once from Maven Central with ``scripts/neo4j/pom.xml``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Final

from tacgraph.devserver.tools import file_lock, tail_text
from tacgraph.errors import Neo4jServerError

NEO4J_VERSION: Final = "5.26.30"
"""Neo4j version the jars are pinned to (must match ``scripts/neo4j/pom.xml``)."""

_MARKER: Final = ".tacgraph-jars-complete"


def _default_cache() -> Path:
    env = os.environ.get("TACGRAPH_NEO4J_CACHE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "tacgraph" / f"neo4j-{NEO4J_VERSION}"


def _find_pom() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "scripts" / "neo4j" / "pom.xml"
        if candidate.is_file():
            return candidate
    raise Neo4jServerError(
        "cannot find scripts/neo4j/pom.xml in any parent directory of "
        f"{here}; pass pom= explicitly to jar_dir()"
    )


def _jars_complete(root: Path) -> bool:
    marker = root / _MARKER
    try:
        return (
            marker.read_text(encoding="utf-8").strip() == NEO4J_VERSION
            and (root / "lib" / f"neo4j-{NEO4J_VERSION}.jar").is_file()
        )
    except OSError:
        return False


def jar_dir(cache: Path | None = None, *, pom: Path | None = None) -> Path:
    """Return the directory holding the Neo4j server jars, fetching them if needed.

    ``cache`` defaults to ``$TACGRAPH_NEO4J_CACHE`` or
    ``~/.cache/tacgraph/neo4j-<NEO4J_VERSION>``; the jars live in ``<cache>/lib``.
    When they are not there yet, Maven copies them from Maven Central using
    ``pom`` (default: ``scripts/neo4j/pom.xml`` found by walking up from this
    file). A marker is written only after a complete download, so an
    interrupted one is redone from scratch next time.
    """
    root = (cache if cache is not None else _default_cache()).expanduser().resolve()
    lib = root / "lib"
    if _jars_complete(root):
        return lib
    pom_path = (pom if pom is not None else _find_pom()).expanduser().resolve()
    if not pom_path.is_file():
        raise Neo4jServerError(f"Maven pom not found: {pom_path}")
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jServerError(
            f"the Neo4j {NEO4J_VERSION} jars are not in {lib} and Maven ('mvn') is "
            "not on PATH: install Maven (e.g. 'apt-get install maven') or run "
            f"'mvn -B -f {pom_path} dependency:copy-dependencies "
            f"-DoutputDirectory={lib}' and create {root / _MARKER} "
            f"containing '{NEO4J_VERSION}'"
        )
    root.mkdir(parents=True, exist_ok=True)
    with file_lock(root / ".lock"):
        if _jars_complete(root):  # another process finished it meanwhile
            return lib
        (root / _MARKER).unlink(missing_ok=True)
        if lib.exists():
            shutil.rmtree(lib)
        command = [
            mvn,
            "-B",
            "-q",
            "-f",
            str(pom_path),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={lib}",
        ]
        try:
            result = subprocess.run(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                check=False,
            )
        except OSError as exc:
            raise Neo4jServerError(f"could not run Maven ({mvn}): {exc}") from exc
        if result.returncode != 0:
            raise Neo4jServerError(
                f"Maven failed (exit code {result.returncode}) fetching the Neo4j "
                f"{NEO4J_VERSION} jars: {' '.join(command)}\n"
                "Check that Maven Central is reachable (or that ~/.m2 holds the "
                "artifacts). Last lines of Maven's output:\n" + tail_text(result.stdout)
            )
        if not (lib / f"neo4j-{NEO4J_VERSION}.jar").is_file():
            raise Neo4jServerError(
                f"Maven succeeded but {lib} has no neo4j-{NEO4J_VERSION}.jar: "
                f"does {pom_path} pin org.neo4j:neo4j:{NEO4J_VERSION} with "
                "packaging 'jar'?"
            )
        (root / _MARKER).write_text(NEO4J_VERSION + "\n", encoding="utf-8")
    return lib
