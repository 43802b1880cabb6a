"""Run a local Neo4j Community server built from Maven Central artifacts.

There is no Neo4j tarball here: the server's jars are fetched with Maven
(``scripts/neo4j/pom.xml``) into a cache directory, and the server is started
directly through ``org.neo4j.server.CommunityEntryPoint`` on Java 17+, with the
JVM options that the stock Neo4j 5.26 ``conf/neo4j.conf`` gives the JVM.

Typical use::

    info = start(Path("/tmp/neo4j-home"))
    driver = GraphDatabase.driver(info.uri, auth=None)
    ...
    stop(info.home)

``start(home, tls=True)`` serves Bolt over TLS only, with a self-signed certificate
for 127.0.0.1 and localhost that it makes with the ``openssl`` command line; clients
trust that certificate as their CA (``ServerInfo.certificate``).

The server runs in the background in its own process group and outlives the
Python process that started it; ``home/run/tacgraph-server.json`` records its
pid and Bolt port so that ``status``/``stop``/``kill`` work from any process.
POSIX only (process groups, ``fcntl``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

__all__ = [
    "JVM_OPTIONS",
    "MIN_JAVA_VERSION",
    "NEO4J_VERSION",
    "Neo4jServerError",
    "ServerInfo",
    "jar_dir",
    "kill",
    "make_certificate",
    "start",
    "status",
    "stop",
]

NEO4J_VERSION: Final = "5.26.30"
"""Neo4j version the jars are pinned to (must match ``scripts/neo4j/pom.xml``)."""

MIN_JAVA_VERSION: Final = 17

JVM_OPTIONS: Final[tuple[str, ...]] = (
    # The ``server.jvm.additional`` lines of the stock Neo4j 5.26 neo4j.conf.
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+AlwaysPreTouch",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
)
"""JVM options of the server, besides ``-Xms``/``-Xmx`` and ``-Dfile.encoding``."""

_ENTRY_POINT: Final = "org.neo4j.server.CommunityEntryPoint"
_ADMIN_TOOL: Final = "org.neo4j.cli.AdminTool"
_RUN_FILE: Final = "tacgraph-server.json"
_MARKER: Final = ".tacgraph-jars-complete"
_HOME_DIRS: Final = ("conf", "data", "logs", "plugins", "import", "run")
_TLS_DIR: Final = Path("certificates") / "bolt"
_PRIVATE_KEY: Final = "private.key"
_CERTIFICATE: Final = "public.crt"
_CERTIFICATE_DAYS: Final = 825
# A minimal OpenSSL configuration, so that the system's openssl.cnf cannot add or
# change extensions. The certificate is its own CA (clients trust it directly), names
# the loopback address and localhost in its subjectAltName, and is for servers only.
_OPENSSL_CONF: Final = """\
[req]
distinguished_name = dn
x509_extensions = ext
prompt = no
[dn]
CN = localhost
O = tacgraph development server
[ext]
subjectAltName = IP:127.0.0.1, DNS:localhost
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, digitalSignature, keyEncipherment, keyCertSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""
_TAIL_LINES: Final = 40
_SIZE_RE: Final = re.compile(r"^[1-9][0-9]*[kmg]?$")
_ANSI_RE: Final = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# Popen objects of the servers this process started, so that they are reaped
# (a dead but unreaped child would still look alive to ``os.kill(pid, 0)``).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class Neo4jServerError(Exception):
    """The Neo4j jars could not be fetched or the server failed to start/stop."""


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


# --------------------------------------------------------------------------
# Jars
# --------------------------------------------------------------------------


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


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _tail_text(text: str, lines: int = _TAIL_LINES) -> str:
    """The last ``lines`` lines of ``text``, without terminal colour codes."""
    return "\n".join(_ANSI_RE.sub("", text).splitlines()[-lines:])


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
    with _file_lock(root / ".lock"):
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
                "artifacts). Last lines of Maven's output:\n" + _tail_text(result.stdout)
            )
        if not (lib / f"neo4j-{NEO4J_VERSION}.jar").is_file():
            raise Neo4jServerError(
                f"Maven succeeded but {lib} has no neo4j-{NEO4J_VERSION}.jar: "
                f"does {pom_path} pin org.neo4j:neo4j:{NEO4J_VERSION} with "
                "packaging 'jar'?"
            )
        (root / _MARKER).write_text(NEO4J_VERSION + "\n", encoding="utf-8")
    return lib


# --------------------------------------------------------------------------
# Java
# --------------------------------------------------------------------------


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
    result = _run_tool([str(java), "-version"], f"run '{java} -version'", timeout=60)
    match = re.search(r'version "([^"]+)"', result.stdout)
    if result.returncode != 0 or match is None:
        raise Neo4jServerError(
            f"could not determine the version of {java}:\n{_tail_text(result.stdout)}"
        )
    parts = re.split(r"[.\-+_]", match.group(1))
    try:
        major = int(parts[1] if parts[0] == "1" and len(parts) > 1 else parts[0])
    except ValueError as exc:
        raise Neo4jServerError(f"unrecognised Java version {match.group(1)!r} from {java}") from exc
    return major


def _checked_java() -> Path:
    java = _find_java()
    major = _java_major_version(java)
    if major < MIN_JAVA_VERSION:
        raise Neo4jServerError(
            f"Neo4j {NEO4J_VERSION} needs Java {MIN_JAVA_VERSION} or later but "
            f"{java} is Java {major}: install Java {MIN_JAVA_VERSION}+ and put it "
            "on PATH or set JAVA_HOME"
        )
    return java


# --------------------------------------------------------------------------
# Processes and the run file
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Start
# --------------------------------------------------------------------------


def _free_port() -> int:
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


def _memory_size(value: str, name: str) -> str:
    normalised = value.strip().lower()
    if not _SIZE_RE.match(normalised):
        raise ValueError(
            f"{name} must be a number with an optional k/m/g suffix (like '512m'), got {value!r}"
        )
    return normalised


def _tls_settings(tls_dir: Path) -> list[str]:
    """Bolt over TLS only (the SSL framework's ``bolt`` policy), no client certificates."""
    return [
        "dbms.ssl.policy.bolt.enabled=true",
        f"dbms.ssl.policy.bolt.base_directory={tls_dir}",
        f"dbms.ssl.policy.bolt.private_key={_PRIVATE_KEY}",
        f"dbms.ssl.policy.bolt.public_certificate={_CERTIFICATE}",
        "dbms.ssl.policy.bolt.client_auth=NONE",
        "server.bolt.tls_level=REQUIRED",
    ]


def _settings(
    home: Path,
    lib: Path,
    port: int,
    heap: str,
    page_cache: str,
    auth: bool,
    tls_dir: Path | None = None,
) -> list[str]:
    return [
        "server.default_listen_address=127.0.0.1",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        f"server.bolt.advertised_address=127.0.0.1:{port}",
        "server.http.enabled=false",
        "server.https.enabled=false",
        f"dbms.security.auth_enabled={'true' if auth else 'false'}",
        "dbms.usage_report.enabled=false",
        "server.config.strict_validation.enabled=true",
        f"server.memory.heap.initial_size={heap}",
        f"server.memory.heap.max_size={heap}",
        f"server.memory.pagecache.size={page_cache}",
        f"server.directories.data={home / 'data'}",
        f"server.directories.logs={home / 'logs'}",
        f"server.directories.plugins={home / 'plugins'}",
        f"server.directories.import={home / 'import'}",
        f"server.directories.run={home / 'run'}",
        f"server.directories.lib={lib}",
        # Not read by CommunityEntryPoint itself (start() passes them to java),
        # kept here so the file documents how the JVM was launched.
        *(f"server.jvm.additional={option}" for option in JVM_OPTIONS),
        *(_tls_settings(tls_dir) if tls_dir is not None else ()),
    ]


def _write_conf(home: Path, settings: Sequence[str]) -> None:
    header = (
        "# Written by tacgraph.store.neo4j_server.start(); rewritten on every start.\n"
        f"# Neo4j Community {NEO4J_VERSION}.\n"
    )
    (home / "conf" / "neo4j.conf").write_text(header + "\n".join(settings) + "\n", encoding="utf-8")


def _argfile_token(value: str) -> str:
    """Quote ``value`` as one argument of a picocli @-file."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _set_initial_password(java: Path, lib: Path, home: Path, password: str) -> None:
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
        result = _run_admin(
            java, lib, home, ["dbms", "set-initial-password", f"@{argfile}"], timeout=300
        )
    finally:
        argfile.unlink(missing_ok=True)
    if result.returncode != 0:
        raise Neo4jServerError(
            "neo4j-admin dbms set-initial-password failed "
            f"(exit code {result.returncode}; passwords need at least 8 characters):\n"
            + _tail_text(result.stdout)
        )


def _run_admin(
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
    return _run_tool(command, what, timeout=timeout, env=env, cwd=home)


def _run_tool(
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
    java = _checked_java()
    lib = jar_dir(cache)
    for name in _HOME_DIRS:
        (home / name).mkdir(parents=True, exist_ok=True)
    _write_conf(home, _settings(home, lib, _free_port(), "512m", "256m", auth=False))
    # The database first: each --nodes/--relationships takes every word after it.
    args = ["database", "import", "full", "neo4j", "--array-delimiter=;"]
    # One option per file: in a group of several files only the first has a header.
    args += [f"--nodes={label}={file}" for label, files in nodes.items() for file in files]
    args += [
        f"--relationships={rel_type}={file}"
        for rel_type, files in relationships.items()
        for file in files
    ]
    result = _run_admin(java, lib, home, args, timeout=timeout, heap=heap)
    if result.returncode != 0:
        raise Neo4jServerError(
            f"neo4j-admin database import failed (exit code {result.returncode}):\n"
            + _tail_text(result.stdout)
        )
    return result.stdout


def _run_openssl(openssl: str, args: Sequence[str], what: str) -> subprocess.CompletedProcess[str]:
    return _run_tool([openssl, *args], f"run openssl to {what}", timeout=120)


def _certificate_usable(openssl: str, certificate: Path, key: Path) -> bool:
    """Whether ``certificate`` and ``key`` exist and the certificate is valid for at
    least another day."""
    if not (certificate.is_file() and key.is_file()):
        return False
    result = _run_openssl(
        openssl,
        ["x509", "-in", str(certificate), "-noout", "-checkend", "86400"],
        "check the TLS certificate",
    )
    return result.returncode == 0


def make_certificate(directory: Path, *, days: int = _CERTIFICATE_DAYS) -> Path:
    """Make a self-signed certificate for 127.0.0.1 and localhost in ``directory``.

    Writes ``private.key`` (unencrypted PKCS#8 PEM, mode 0600) and ``public.crt`` (PEM,
    subjectAltName ``IP:127.0.0.1, DNS:localhost``; it is its own CA, so clients trust
    it as one), plus the empty ``trusted/`` and ``revoked/`` directories Neo4j's SSL
    policy reads. A certificate already there and valid for another day is kept, so
    clients that trust it keep working across restarts. Returns the certificate's path.
    Raises ``Neo4jServerError`` if the ``openssl`` command is missing or fails.
    """
    openssl = shutil.which("openssl")
    if openssl is None:
        raise Neo4jServerError(
            "serving Bolt over TLS needs a certificate, made with the 'openssl' command, "
            "which is not on PATH (e.g. 'apt-get install openssl')"
        )
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("trusted", "revoked"):
        (directory / name).mkdir(exist_ok=True)
    certificate = directory / _CERTIFICATE
    key = directory / _PRIVATE_KEY
    if _certificate_usable(openssl, certificate, key):
        return certificate
    token = secrets.token_hex(8)
    conf = directory / f".openssl-{token}.cnf"
    new_key = directory / f".{_PRIVATE_KEY}-{token}"
    new_certificate = directory / f".{_CERTIFICATE}-{token}"
    # Created private before openssl writes the key into it.
    os.close(os.open(new_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        conf.write_text(_OPENSSL_CONF, encoding="utf-8")
        result = _run_openssl(
            openssl,
            [
                "req",
                "-x509",
                "-config",
                str(conf),
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-sha256",
                "-days",
                str(days),
                "-keyout",
                str(new_key),
                "-out",
                str(new_certificate),
            ],
            "make a TLS certificate",
        )
        if result.returncode != 0:
            raise Neo4jServerError(
                f"openssl failed (exit code {result.returncode}) making a self-signed "
                f"certificate in {directory}:\n{_tail_text(result.stdout)}"
            )
        new_key.replace(key)
        new_certificate.replace(certificate)
    finally:
        for leftover in (conf, new_key, new_certificate):
            leftover.unlink(missing_ok=True)
    return certificate


def _tls_options(certificate: Path | None) -> dict[str, Any]:
    """Driver options that trust ``certificate`` as the only CA (none without TLS)."""
    if certificate is None:
        return {}
    import neo4j

    return {"encrypted": True, "trusted_certificates": neo4j.TrustCustomCAs(str(certificate))}


def _certificate_refused(exc: BaseException) -> bool:
    """Whether ``exc`` was caused by a TLS certificate that failed verification."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _tail_file(path: Path, offset: int, lines: int = _TAIL_LINES) -> str:
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
    auth: tuple[str, str] | None,
    timeout: float,
    home: Path,
    offsets: dict[str, int],
    certificate: Path | None = None,
) -> None:
    # With TLS, connect as a client that trusts only the new certificate: the wait then
    # also checks that the server presents it. The +s schemes refuse custom CAs, so the
    # plain scheme carries the TLS options. The driver is imported here, not with the
    # module: it takes a tenth of a second, which every command of the CLI paid.
    import neo4j
    from neo4j.exceptions import AuthError, DriverError, Neo4jError

    target = uri.replace("bolt+s://", "bolt://", 1) if certificate is not None else uri
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
            with neo4j.GraphDatabase.driver(
                target,
                auth=auth,
                connection_timeout=2.0,
                max_connection_pool_size=1,
                **_tls_options(certificate),
            ) as driver:
                driver.verify_connectivity()
            return
        except AuthError as exc:
            raise _launch_failure(
                f"Neo4j is up on {uri} but refused the credentials ({exc}); the "
                "password only applies to a fresh home: was this home first started "
                "with another password (or without one)?",
                home,
                offsets,
            ) from exc
        except (DriverError, Neo4jError, OSError) as exc:
            if certificate is not None and _certificate_refused(exc):
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
    heap = _memory_size(heap, "heap")
    page_cache = _memory_size(page_cache, "page_cache")
    running = status(home)
    if running is not None:
        raise Neo4jServerError(
            f"a Neo4j server is already running for {home} "
            f"(pid {running.pid}, {running.uri}); stop() it first"
        )
    java = _checked_java()
    lib = jar_dir(cache)
    if port is None:
        port = _free_port()
    else:
        _check_port_free(port)

    for name in _HOME_DIRS:
        (home / name).mkdir(parents=True, exist_ok=True)
    tls_dir = home / _TLS_DIR if tls else None
    certificate = make_certificate(tls_dir) if tls_dir is not None else None
    _write_conf(home, _settings(home, lib, port, heap, page_cache, password is not None, tls_dir))
    if password is not None and not (home / "data" / "databases" / "system").exists():
        _set_initial_password(java, lib, home, password)

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
                close_fds=True,
            )
        except OSError as exc:
            raise Neo4jServerError(f"could not launch {java}: {exc}") from exc
    _CHILDREN[proc.pid] = proc
    info = ServerInfo(home=home, pid=proc.pid, bolt_port=port, certificate=certificate)
    try:
        _write_run_file(info)
        auth = ("neo4j", password) if password is not None else None
        _wait_for_bolt(proc, info.uri, auth, timeout, home, offsets, certificate)
    except BaseException as exc:
        if isinstance(exc, Exception):
            _terminate(proc.pid, home, 30.0)
        else:  # KeyboardInterrupt and the like: do not linger
            _signal_group(proc.pid, signal.SIGKILL)
            _wait_gone(proc.pid, home, 30.0)
        _run_file(home).unlink(missing_ok=True)
        raise
    return info
