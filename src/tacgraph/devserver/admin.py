"""Running ``neo4j-admin`` for a server's home, and setting its initial password."""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from tacgraph.devserver.tools import run_tool, tail_text
from tacgraph.errors import Neo4jServerError

_ADMIN_TOOL: Final = "org.neo4j.cli.AdminTool"


def _argfile_token(value: str) -> str:
    """Quote ``value`` as one argument of a picocli @-file."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def set_initial_password(java: Path, lib: Path, home: Path, password: str) -> None:
    """Run ``neo4j-admin dbms set-initial-password`` (writes data/dbms/auth.ini).

    The password goes through a private @-file so it never shows in a process
    listing. It only takes effect if the DBMS has never been started.
    """
    if "\n" in password or "\r" in password:
        raise ValueError("the Neo4j password must not contain line breaks")
    argfile = home / "run" / f".initial-password-{secrets.token_hex(8)}"
    fd = os.open(argfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(_argfile_token(password) + "\n")
        result = run_admin(
            java, lib, home, ["dbms", "set-initial-password", f"@{argfile}"], timeout=300
        )
    finally:
        argfile.unlink(missing_ok=True)
    if result.returncode != 0:
        raise Neo4jServerError(
            "neo4j-admin dbms set-initial-password failed "
            f"(exit code {result.returncode}; passwords need at least 8 characters):\n"
            + tail_text(result.stdout)
        )


def run_admin(
    java: Path,
    lib: Path,
    home: Path,
    args: Sequence[str],
    *,
    timeout: float,
    heap: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``neo4j-admin ARGS`` for ``home`` (its conf/neo4j.conf); output in stdout.

    Raises Neo4jServerError when the tool cannot be run or outlives ``timeout``."""
    env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    memory = [f"-Xms{heap}", f"-Xmx{heap}"] if heap else []
    command = [
        str(java),
        *memory,
        "-Dfile.encoding=UTF-8",
        "-Dlog4j2.disable.jmx=true",
        "-cp",
        f"{lib}/*",
        _ADMIN_TOOL,
        *args,
    ]
    what = f"run neo4j-admin {args[0]} {args[1]}"
    return run_tool(command, what, timeout=timeout, env=env, cwd=home)
