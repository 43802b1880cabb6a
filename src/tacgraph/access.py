"""Who may ask: only practitioners trained and authorised to use the directory (000:
"Contact Point is available if you have been trained"), still with their agency."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from tacgraph.dates import ended_by
from tacgraph.errors import AccessDenied as AccessDenied
from tacgraph.queries import Call
from tacgraph.rows.lookup import LOOKUP_REQUESTER, LookupRequesterRow
from tacgraph.store.base import Store

# A requester's rows as read: by store.read, or by LOOKUP_REQUESTER.rows where the
# requester is read with other queries (the lookup's cases.read_with).
RequesterRows = Sequence[LookupRequesterRow]


class Requester(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    given_name: str
    family_name: str
    role: str
    agency_id: str
    agency_name: str
    agency_sensitive: bool = False
    email: str | None = None
    phone: str | None = None

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


def authorise(store: Store, requester_id: str, as_of: date) -> Requester:
    """The requester, if they may look up children on ``as_of``.

    Raises AccessDenied for an unknown requester, one not trained and authorised, or one
    who has left their agency; StoreError when the engine fails.
    """
    # query_many: a read transaction, which a cluster routes to a secondary.
    rows = store.read(LOOKUP_REQUESTER, {"requester_id": requester_id}, short=True)
    return requester_from(rows, requester_id, as_of)


def requester_call(requester_id: str) -> Call[LookupRequesterRow]:
    """The named query that reads a requester, with its parameters: for a caller that
    reads it in one unit with other reads, then calls :func:`requester_from` with its
    rows."""
    return LOOKUP_REQUESTER.call({"requester_id": requester_id})


def requester_from(rows: RequesterRows, requester_id: str, as_of: date) -> Requester:
    """The requester read by :func:`requester_call`, if they may look up children on
    ``as_of``; raises AccessDenied as :func:`authorise` does."""
    if not rows:
        raise AccessDenied(f"unknown requester {requester_id!r}")
    row = rows[0]
    if row["lookup_authorised"] is not True:
        raise AccessDenied(f"{requester_id} is not trained and authorised to look up children")
    left = row["left_agency_on"]  # the first day they were no longer with it
    if ended_by(left, as_of):
        raise AccessDenied(f"{requester_id} left {row['agency_name']} on {left.isoformat()}")
    return Requester(
        id=row["id"],
        given_name=row["given_name"],
        family_name=row["family_name"],
        role=row["role"],
        agency_id=row["agency_id"],
        agency_name=row["agency_name"],
        agency_sensitive=bool(row["agency_sensitive"]),
        email=row["email"],
        phone=row["phone"],
    )
