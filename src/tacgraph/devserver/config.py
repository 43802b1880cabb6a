"""The server's ``conf/neo4j.conf`` and the JVM options it is launched with."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from tacgraph.devserver.jars import NEO4J_VERSION
from tacgraph.devserver.tls import CERTIFICATE, PRIVATE_KEY

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


HOME_DIRS: Final = ("conf", "data", "logs", "plugins", "import", "run")
_SIZE_RE: Final = re.compile(r"^[1-9][0-9]*[kmg]?$")


def memory_size(value: str, name: str) -> str:
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
        f"dbms.ssl.policy.bolt.private_key={PRIVATE_KEY}",
        f"dbms.ssl.policy.bolt.public_certificate={CERTIFICATE}",
        "dbms.ssl.policy.bolt.client_auth=NONE",
        "server.bolt.tls_level=REQUIRED",
    ]


def server_settings(
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


def write_conf(home: Path, settings: Sequence[str]) -> None:
    header = (
        "# Written by tacgraph.devserver.start(); rewritten on every start.\n"
        f"# Neo4j Community {NEO4J_VERSION}.\n"
    )
    (home / "conf" / "neo4j.conf").write_text(header + "\n".join(settings) + "\n", encoding="utf-8")
