"""Finding a Java runtime new enough for the Neo4j server."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Final

from tacgraph.devserver.jars import NEO4J_VERSION
from tacgraph.devserver.tools import run_tool, tail_text
from tacgraph.errors import Neo4jServerError

MIN_JAVA_VERSION: Final = 17


def _find_java() -> Path:
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home).expanduser() / "bin" / "java"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
        raise Neo4jServerError(
            f"JAVA_HOME is {java_home!r} but {candidate} is not an executable: "
            f"point JAVA_HOME at a Java {MIN_JAVA_VERSION}+ installation or unset it"
        )
    found = shutil.which("java")
    if found is None:
        raise Neo4jServerError(
            f"Java {MIN_JAVA_VERSION}+ is required to run Neo4j {NEO4J_VERSION} but "
            "no 'java' is on PATH and JAVA_HOME is not set "
            "(e.g. 'apt-get install openjdk-17-jre-headless')"
        )
    return Path(found)


def _java_major_version(java: Path) -> int:
    result = run_tool([str(java), "-version"], f"run '{java} -version'", timeout=60)
    match = re.search(r'version "([^"]+)"', result.stdout)
    if result.returncode != 0 or match is None:
        raise Neo4jServerError(
            f"could not determine the version of {java}:\n{tail_text(result.stdout)}"
        )
    parts = re.split(r"[.\-+_]", match.group(1))
    try:
        major = int(parts[1] if parts[0] == "1" and len(parts) > 1 else parts[0])
    except ValueError as exc:
        raise Neo4jServerError(f"unrecognised Java version {match.group(1)!r} from {java}") from exc
    return major


def checked_java() -> Path:
    java = _find_java()
    major = _java_major_version(java)
    if major < MIN_JAVA_VERSION:
        raise Neo4jServerError(
            f"Neo4j {NEO4J_VERSION} needs Java {MIN_JAVA_VERSION} or later but "
            f"{java} is Java {major}: install Java {MIN_JAVA_VERSION}+ and put it "
            "on PATH or set JAVA_HOME"
        )
    return java
