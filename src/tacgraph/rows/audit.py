"""The rows of the queries of the access log (tacgraph.audit)."""

from __future__ import annotations

from typing import TypedDict

from tacgraph.queries import NoRow, Query
from tacgraph.rows.common import CountRow


class AuditSeqRow(TypedDict):
    """The sequence number of each entry written (none where the head had moved)."""

    seq: int


AUDIT_APPEND = Query("audit_append", AuditSeqRow)


AUDIT_APPEND_ONE = Query("audit_append_one", AuditSeqRow)


AUDIT_COUNT = Query("audit_count", CountRow)


class AuditHeadRow(TypedDict):
    seq: int
    hash: str


AUDIT_HEAD = Query("audit_head", AuditHeadRow)


AUDIT_HEAD_INIT = Query("audit_head_init", AuditHeadRow)


class AuditLastRow(TypedDict):
    seq: int | None
    hash: str | None
    key_id: str | None


AUDIT_LAST = Query("audit_last", AuditLastRow)


class AuditPageRow(TypedDict):
    seq: int  # after $after: never null
    at: str | None
    requester_id: str | None
    child_id: str | None
    purpose: str | None
    as_of: str | None
    outcome: str | None
    disclosed: list[str] | None
    bases: list[str] | None
    detail: str | None
    flags: list[str] | None
    path: str | None
    channel: str | None
    key_id: str | None
    prev_hash: str | None
    hash: str | None


AUDIT_PAGE = Query("audit_page", AuditPageRow)
INIT_AUDIT = Query("init_audit", NoRow)
INIT_AUDIT_HEAD = Query("init_audit_head", NoRow)
