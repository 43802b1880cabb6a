"""Running the helper programs (the JDK, Maven, neo4j-admin) and reading their output."""

from __future__ import annotations

import contextlib
import fcntl
import re
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Final

from tacgraph.errors import Neo4jServerError

TAIL_LINES: Final = 40
_ANSI_RE: Final = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def tail_text(text: str, lines: int = TAIL_LINES) -> str:
    """The last ``lines`` lines of ``text``, without terminal colour codes."""
    return "\n".join(_ANSI_RE.sub("", text).splitlines()[-lines:])


def run_tool(
    command: Sequence[str],
    what: str,
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a helper program to its end, its output (stderr too) in stdout.

    Raises Neo4jServerError, saying it could not ``what``, when it cannot be started
    or outlives ``timeout``."""
    try:
        return subprocess.run(
            list(command),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=None if env is None else dict(env),
            cwd=cwd,
            check=False,
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Neo4jServerError(f"could not {what}: {exc}") from exc
