"""Store settings, from command-line options or the environment (the Neo4j way)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tacgraph.errors import InvalidArgument, TacgraphError, shorten

StoreKind = Literal["embedded", "neo4j"]
DEFAULT_DB = Path("tacgraph-data")
NEO4J_SCHEMES = frozenset(
    f"{base}{tls}" for base in ("bolt", "neo4j") for tls in ("", "+s", "+ssc")
)


@dataclass(frozen=True)
class StoreConfig:
    """Which engine to use and how to reach it. ``password`` never appears in repr.

    ``trusted_certificates`` is a PEM file of the CA certificates to trust for a
    ``bolt+s://`` or ``neo4j+s://`` URI instead of the system's (a private CA, or a
    server's self-signed certificate).
    """

    kind: StoreKind = "embedded"
    db_path: Path = DEFAULT_DB
    uri: str = "bolt://127.0.0.1:7687"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    database: str | None = None
    trusted_certificates: Path | None = None
    # Where the access log's keys and witness are kept (never inside the store); None:
    # derived from the store's location (log_home).
    log_dir: Path | None = None

    @classmethod
    def from_env(
        cls,
        *,
        kind: str | None = None,
        db_path: Path | None = None,
        environ: dict[str, str] | None = None,
    ) -> StoreConfig:
        """Options win over ``TACGRAPH_STORE``/``TACGRAPH_DB`` and ``NEO4J_*`` variables
        (``NEO4J_URI``, ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` and
        ``NEO4J_TRUSTED_CERTIFICATES``).

        Raises TacgraphError for an unknown store kind.
        """
        env = dict(os.environ) if environ is None else environ
        chosen = kind or env.get("TACGRAPH_STORE") or "embedded"
        if chosen not in ("embedded", "neo4j"):
            raise TacgraphError(
                f"unknown store {chosen!r}", "use --store embedded or --store neo4j"
            )
        path = db_path or Path(env.get("TACGRAPH_DB") or DEFAULT_DB)
        uri = env.get("NEO4J_URI") or "bolt://127.0.0.1:7687"
        scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
        if chosen == "neo4j" and scheme not in NEO4J_SCHEMES:
            raise InvalidArgument(
                f"NEO4J_URI '{shorten(uri)}' is not a Neo4j address",
                "give it as bolt://HOST:7687 (one server) or neo4j://HOST:7687 (a cluster),"
                " with +s or +ssc for TLS",
            )
        trusted = env.get("NEO4J_TRUSTED_CERTIFICATES")
        return cls(
            kind=chosen,  # type: ignore[arg-type]
            db_path=path,
            uri=uri,
            username=env.get("NEO4J_USERNAME") or env.get("NEO4J_USER") or None,
            password=env.get("NEO4J_PASSWORD") or None,
            database=env.get("NEO4J_DATABASE") or None,
            trusted_certificates=Path(trusted).expanduser() if trusted else None,
        )

    def describe(self) -> str:
        """Where the store is, with no secret in it."""
        if self.kind == "embedded":
            return f"embedded store at {self.db_path}"
        user = f" as {self.username}" if self.username else ""
        db = f", database {self.database}" if self.database else ""
        return f"Neo4j at {self.uri}{user}{db}"


def log_home(config: StoreConfig, environ: dict[str, str] | None = None) -> Path:
    """The folder of the access log's keys and witness for a store: ``config.log_dir``,
    else ``TACGRAPH_LOG_DIR``, else beside an embedded store's folder
    (``tacgraph-data.audit``) or, for Neo4j, one folder per server and database under the
    user's configuration directory (``$XDG_CONFIG_HOME/tacgraph/logs``)."""
    env = dict(os.environ) if environ is None else environ
    if config.log_dir is not None:
        return config.log_dir
    if env.get("TACGRAPH_LOG_DIR"):
        return Path(env["TACGRAPH_LOG_DIR"]).expanduser()
    if config.kind == "embedded":
        path = config.db_path.expanduser().absolute()
        return path.parent / f"{path.name}.audit"
    base = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "tacgraph" / "logs"
    where = config.uri.split("://", 1)[-1].rstrip("/") + "-" + (config.database or "default")
    return base / "".join(c if c.isalnum() or c in "-_." else "_" for c in where)
