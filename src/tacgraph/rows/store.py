"""The rows of the store's own queries: DDL, writes and counts (``tacgraph.store``)."""

from __future__ import annotations

from typing import TypedDict

from tacgraph.queries import NoRow, Query
from tacgraph.rows.common import CountRow

CLEAR_LABEL = Query("clear_label", NoRow)


COUNT_NODES = Query("count_nodes", CountRow)


COUNT_RELS = Query("count_rels", CountRow)
EDGES_COPY = Query("edges_copy", NoRow)
EDGES_CREATE = Query("edges_create", NoRow)
EDGES_DELETE = Query("edges_delete", NoRow)
EDGES_MERGE = Query("edges_merge", NoRow)
INIT_CONSTRAINT = Query("init_constraint", NoRow)
INIT_INDEX = Query("init_index", NoRow)
INIT_NODE_HASH = Query("init_node_hash", NoRow)
INIT_NODE_TABLE = Query("init_node_table", NoRow)
INIT_REL_TABLE = Query("init_rel_table", NoRow)
NODES_COPY = Query("nodes_copy", NoRow)
NODES_CREATE = Query("nodes_create", NoRow)


class NodeHashesRow(TypedDict):
    pairs: list[list[str | None]]  # [id, content hash or None]


NODE_HASHES = Query("node_hashes", NodeHashesRow)
NODE_HASHES_SET = Query("node_hashes_set", NoRow)
NODES_UPDATE = Query("nodes_update", NoRow)
NODES_UPSERT = Query("nodes_upsert", NoRow)
