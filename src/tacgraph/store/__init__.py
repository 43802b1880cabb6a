"""Graph stores: the only package that imports a database driver."""

from __future__ import annotations

from tacgraph.config import StoreConfig
from tacgraph.store.base import ChangeSet, Stats, Store


def open_store(config: StoreConfig, *, create: bool = True) -> Store:
    """Open the store ``config`` names; an embedded one that does not exist yet only
    with ``create`` (a Neo4j database is the server's). Raises StoreUnavailable when it
    cannot."""
    if config.kind == "neo4j":
        from tacgraph.store.neo4j import Neo4jStore

        return Neo4jStore(config)
    from tacgraph.store.embedded import EmbeddedStore

    return EmbeddedStore(config.db_path, create=create)


def must_exit_at_once() -> bool:
    """Whether this process must end without closing its stores (an embedded store whose
    disk filled: :func:`tacgraph.store.embedded.abandoned`)."""
    import sys

    embedded = sys.modules.get("tacgraph.store.embedded")
    return embedded is not None and bool(embedded.abandoned())


__all__ = ["ChangeSet", "Stats", "Store", "StoreConfig", "must_exit_at_once", "open_store"]
