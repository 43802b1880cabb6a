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


__all__ = ["ChangeSet", "Stats", "Store", "StoreConfig", "open_store"]
