"""Starting, watching and stopping the server process, and the run file that records it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from tacgraph.config import StoreConfig
from tacgraph.devserver.admin import set_initial_password
from tacgraph.devserver.config import (
    HOME_DIRS,
    JVM_OPTIONS,
    memory_size,
    server_settings,
    write_conf,
)
from tacgraph.devserver.jars import NEO4J_VERSION, jar_dir
from tacgraph.devserver.java import checked_java
from tacgraph.devserver.tls import TLS_DIR, make_certificate
from tacgraph.devserver.tools import TAIL_LINES
from tacgraph.errors import Neo4jServerError, StoreUnavailable

_ENTRY_POINT: Final = "org.neo4j.server.CommunityEntryPoint"
_RUN_FILE: Final = "tacgraph-server.json"
# How a store's StoreUnavailable tells a refused password or an untrusted certificate
# (which waiting longer will not mend) from a server that is not listening yet.
_UNAUTHORISED: Final = ("Security.Unauthorized", "authentication failure")
_NOT_TRUSTED: Final = "TLS certificate is not trusted"


# Popen objects of the servers this process started, so that they are reaped
# (a dead but unreaped child would still look alive to ``os.kill(pid, 0)``).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class ServerInfo:
    """A running server: its home directory, process (group) id and Bolt port, and,
    when it serves Bolt over TLS, its self-signed certificate (a PEM file that clients
    trust as the CA, e.g. through ``NEO4J_TRUSTED_CERTIFICATES``)."""

    home: Path
    pid: int
    bolt_port: int
    certificate: Path | None = None

    @property
    def tls(self) -> bool:
        return self.certificate is not None

    @property
    def uri(self) -> str:
        """``bolt://127.0.0.1:PORT``, or ``bolt+s://127.0.0.1:PORT`` with TLS."""
        scheme = "bolt+s" if self.tls else "bolt"
        return f"{scheme}://127.0.0.1:{self.bolt_port}"


def _run_file(home: Path) -> Path:
    return home / "run" / _RUN_FILE


def _read_run_file(home: Path) -> ServerInfo | None:
    path = _run_file(home)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        certificate = data.get("certificate")
        return ServerInfo(
            home=home,
            pid=int(data["pid"]),
            bolt_port=int(data["bolt_port"]),
            certificate=Path(certificate) if certificate else None,
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        # Unreadable or half-written: treat as stale.
        path.unlink(missing_ok=True)
        return None


def _write_run_file(info: ServerInfo) -> None:
    path = _run_file(info.home)
    tmp = path.with_name(path.name + ".tmp")
    payload = {
        "pid": info.pid,
        "bolt_port": info.bolt_port,
        "home": str(info.home),
        "neo4j_version": NEO4J_VERSION,
        "started_at": time.time(),
    }
    if info.certificate is not None:
        payload["certificate"] = str(info.certificate)
    tmp.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def _is_our_server(pid: int, home: Path) -> bool:
    """Whether ``pid`` is a live (not zombie) Neo4j server process for ``home``."""
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is not None:
            del _CHILDREN[pid]
            return False
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # someone else's process: the pid was reused
    proc = Path("/proc") / str(pid)
    if not proc.is_dir():
        return True  # no procfs: cannot check further
    try:
        stat = (proc / "stat").read_text(encoding="utf-8", errors="replace")
        if stat[stat.rindex(")") + 2 :].startswith(("Z", "X")):
            return False
        args = (proc / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
    except (OSError, ValueError):
        return False
    return _ENTRY_POINT in args and str(home) in args


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            os.kill(pid, sig)


def _wait_gone(pid: int, home: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _is_our_server(pid, home):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def _terminate(pid: int, home: Path, timeout: float) -> None:
    _signal_group(pid, signal.SIGTERM)
    if not _wait_gone(pid, home, timeout):
        _signal_group(pid, signal.SIGKILL)
        _wait_gone(pid, home, 30.0)


def status(home: Path) -> ServerInfo | None:
    """The server recorded for ``home`` if its process is alive, else ``None``.

    A stale run file (process gone) is removed.
    """
    home = home.expanduser().resolve()
    info = _read_run_file(home)
    if info is None:
        return None
    if _is_our_server(info.pid, home):
        return info
    _run_file(home).unlink(missing_ok=True)
    return None


def stop(home: Path, timeout: float = 60.0) -> bool:
    """Stop the server of ``home`` gracefully (SIGTERM, then SIGKILL after ``timeout``).

    Returns whether a server was running. The run file is removed either way.
    """
    home = home.expanduser().resolve()
    info = _read_run_file(home)
    if info is None:
        return False
    running = _is_our_server(info.pid, home)
    if running:
        _terminate(info.pid, home, timeout)
    _run_file(home).unlink(missing_ok=True)
    return running


def kill(home: Path) -> None:
    """SIGKILL the server of ``home`` at once (no checkpoint: simulates a crash)."""
    home = home.expanduser().resolve()
    info = _read_run_file(home)
    if info is None:
        return
    if _is_our_server(info.pid, home):
        _signal_group(info.pid, signal.SIGKILL)
        if not _wait_gone(info.pid, home, 30.0):
            raise Neo4jServerError(f"Neo4j process {info.pid} survived SIGKILL")
    _run_file(home).unlink(missing_ok=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            raise Neo4jServerError(
                f"port 127.0.0.1:{port} is not free ({exc}); pass another port "
                "or port=None to pick a free one"
            ) from exc


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _tail_file(path: Path, offset: int, lines: int = TAIL_LINES) -> str:
    try:
        with path.open("rb") as handle:
            if offset > _file_size(path):
                offset = 0  # file was replaced
            handle.seek(offset)
            kept: deque[bytes] = deque(handle, maxlen=lines)
    except OSError:
        return "(missing)"
    text = b"".join(kept).decode("utf-8", "replace").rstrip("\n")
    return text if text else "(empty)"


def _launch_failure(message: str, home: Path, offsets: dict[str, int]) -> Neo4jServerError:
    parts = [message]
    for name in ("console.log", "debug.log"):
        path = home / "logs" / name
        parts.append(f"--- last lines of {path} ---\n{_tail_file(path, offsets.get(name, 0))}")
    return Neo4jServerError("\n".join(parts))


def _wait_for_bolt(
    proc: subprocess.Popen[bytes],
    uri: str,
    password: str | None,
    timeout: float,
    home: Path,
    offsets: dict[str, int],
    certificate: Path | None = None,
) -> None:
    """Wait until the server answers a store: a ``Neo4jStore`` opens (the driver's
    ``verify_connectivity``) with the settings a client would use. With TLS it trusts only
    the new certificate, so the wait also checks that the server presents it. The store
    is imported here, not with the module: the driver takes a tenth of a second, which
    every command of the CLI paid."""
    from tacgraph.store.neo4j import Neo4jStore

    config = StoreConfig(
        kind="neo4j",
        uri=uri,
        username="neo4j" if password is not None else None,
        password=password,
        trusted_certificates=certificate,
    )
    deadline = time.monotonic() + timeout
    delay = 0.1
    last_error: Exception | None = None
    while True:
        code = proc.poll()
        if code is not None:
            raise _launch_failure(
                f"Neo4j exited with code {code} before accepting Bolt connections on {uri}",
                home,
                offsets,
            )
        try:
            Neo4jStore(config).close()
            return
        except StoreUnavailable as exc:
            if any(sign in str(exc) for sign in _UNAUTHORISED):
                raise _launch_failure(
                    f"Neo4j is up on {uri} but refused the credentials ({exc}); the "
                    "password only applies to a fresh home: was this home first started "
                    "with another password (or without one)?",
                    home,
                    offsets,
                ) from exc
            if certificate is not None and _NOT_TRUSTED in str(exc):
                raise _launch_failure(
                    f"Neo4j is up on {uri} but its TLS certificate does not verify "
                    f"against {certificate} ({exc})",
                    home,
                    offsets,
                ) from exc
            last_error = exc
        if time.monotonic() >= deadline:
            raise _launch_failure(
                f"Neo4j did not accept Bolt connections on {uri} within {timeout:.0f}s "
                f"(last error: {last_error!r})",
                home,
                offsets,
            )
        time.sleep(delay)
        delay = min(delay * 1.5, 1.0)


def start(
    home: Path,
    *,
    port: int | None = None,
    heap: str = "512m",
    page_cache: str = "256m",
    password: str | None = None,
    tls: bool = False,
    timeout: float = 180.0,
    cache: Path | None = None,
) -> ServerInfo:
    """Start a Neo4j Community server for ``home`` in the background and wait for it.

    Creates the home layout (conf/, data/, logs/, plugins/, import/, run/), writes
    ``conf/neo4j.conf``, launches ``java ... CommunityEntryPoint`` as its own
    process group (output in ``logs/console.log``), records it in
    ``run/tacgraph-server.json`` and returns once the Bolt port answers the
    official driver's ``verify_connectivity()``.

    ``port`` defaults to a free loopback port. Without ``password`` auth is
    disabled; with one, auth is enabled and the initial password of user
    ``neo4j`` is set before the first start (at least 8 characters; it cannot
    be changed this way once the home has been started). With ``tls``, Bolt
    accepts TLS connections only (``server.bolt.tls_level=REQUIRED``), with the
    self-signed certificate ``make_certificate`` keeps in ``certificates/bolt/``;
    the returned ``uri`` is then ``bolt+s://`` and ``certificate`` the file for
    clients to trust. ``timeout`` bounds
    the wait from launch to connectivity (fetching the jars is not counted).
    Raises ``Neo4jServerError`` on any failure, with the tails of console.log
    and debug.log; the half-started process is then stopped.
    """
    home = home.expanduser().resolve()
    heap = memory_size(heap, "heap")
    page_cache = memory_size(page_cache, "page_cache")
    running = status(home)
    if running is not None:
        raise Neo4jServerError(
            f"a Neo4j server is already running for {home} "
            f"(pid {running.pid}, {running.uri}); stop() it first"
        )
    java = checked_java()
    lib = jar_dir(cache)
    if port is None:
        port = free_port()
    else:
        _check_port_free(port)

    for name in HOME_DIRS:
        (home / name).mkdir(parents=True, exist_ok=True)
    tls_dir = home / TLS_DIR if tls else None
    certificate = make_certificate(tls_dir) if tls_dir is not None else None
    write_conf(
        home, server_settings(home, lib, port, heap, page_cache, password is not None, tls_dir)
    )
    if password is not None and not (home / "data" / "databases" / "system").exists():
        set_initial_password(java, lib, home, password)

    logs = home / "logs"
    offsets = {name: _file_size(logs / name) for name in ("console.log", "debug.log")}
    command = [
        str(java),
        f"-Xms{heap}",
        f"-Xmx{heap}",
        *JVM_OPTIONS,
        "-Dfile.encoding=UTF-8",
        "-cp",
        os.pathsep.join([f"{home / 'plugins'}/*", f"{home / 'conf'}/*", f"{lib}/*"]),
        _ENTRY_POINT,
        "--home-dir",
        str(home),
        "--config-dir",
        str(home / "conf"),
        "--console-mode",
    ]
    with (logs / "console.log").open("ab") as console:
        console.write(
            f"=== tacgraph: starting Neo4j {NEO4J_VERSION} on 127.0.0.1:{port} "
            f"at {time.strftime('%Y-%m-%dT%H:%M:%S%z')} ===\n".encode()
        )
        console.flush()
        try:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                cwd=home,
                start_new_session=True,
            )
        except OSError as exc:
            raise Neo4jServerError(f"could not launch {java}: {exc}") from exc
    _CHILDREN[proc.pid] = proc
    info = ServerInfo(home=home, pid=proc.pid, bolt_port=port, certificate=certificate)
    try:
        _write_run_file(info)
        _wait_for_bolt(proc, info.uri, password, timeout, home, offsets, certificate)
    except BaseException as exc:
        if isinstance(exc, Exception):
            _terminate(proc.pid, home, 30.0)
        else:  # KeyboardInterrupt and the like: do not linger
            _signal_group(proc.pid, signal.SIGKILL)
            _wait_gone(proc.pid, home, 30.0)
        _run_file(home).unlink(missing_ok=True)
        raise
    return info
