"""Information governance reports over the access log and the consents."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel

from tacgraph import audit
from tacgraph.store.base import Store


class AccessRow(BaseModel):
    seq: int
    at: str
    requester_id: str
    child_id: str
    purpose: str
    outcome: str
    disclosed: int
    bases: list[str]
    statutory: bool
    requester_not_involved: bool
    same_surname: bool


class AccessReport(BaseModel):
    entries: list[AccessRow]
    statutory_bases: list[dict[str, object]]
    left_but_in_team: list[dict[str, object]]
    consents_expiring: list[dict[str, object]]
    note: str = (
        "Practitioners' home addresses are not held, so lookups of children at the "
        "requester's own address cannot be reported; surnames are compared."
    )


def access_report(
    store: Store,
    *,
    practitioner: str | None = None,
    child: str | None = None,
    since: date | None = None,
    as_of: date,
    expiring_within: int = 30,
) -> AccessReport:
    """The access log (filtered) with the flags an information governance officer asks
    for, statutory bases (with or without a recorded reason), practitioners still in a
    TAC after leaving their agency, and consents expiring within ``expiring_within``
    days of ``as_of``. Raises StoreError.

    The log is filtered as it is read, and the flags are read once for the whole report
    (every requester's involvements and memberships, every surname), not once an entry:
    a report over 300,000 entries took five minutes that way (docs/benchmarks.md)."""
    bases = store.query("ig_bases")
    statutory_ids = {str(b["basis_id"]) for b in bases}
    rows: list[AccessRow] = []
    disclosed: list[tuple[AccessRow, date]] = []
    found = audit.entries(
        store,
        requester_id=practitioner or "",
        child_id=child or "",
        since=since.isoformat() if since else "",
    )
    for entry in found:
        row = AccessRow(
            seq=entry.seq,
            at=entry.at,
            requester_id=entry.requester_id,
            child_id=entry.child_id,
            purpose=entry.purpose,
            outcome=entry.outcome,
            disclosed=len(entry.disclosed),
            bases=entry.bases,
            statutory=bool(statutory_ids & set(entry.bases)),
            requester_not_involved=False,
            same_surname=False,
        )
        rows.append(row)
        if entry.outcome == "disclosed":
            disclosed.append((row, date.fromisoformat(entry.as_of)))
    _flag(store, disclosed)
    until = as_of + timedelta(days=expiring_within)
    return AccessReport(
        entries=rows,
        statutory_bases=[dict(b) for b in bases],
        left_but_in_team=[dict(r) for r in store.query("ig_left_but_in_team", {"as_of": as_of})],
        consents_expiring=[
            dict(r) for r in store.query("ig_consents_expiring", {"as_of": as_of, "until": until})
        ],
    )


def _flag(store: Store, disclosed: list[tuple[AccessRow, date]]) -> None:
    """Flag each disclosure, as of the date it was made for: a requester who had never
    been involved with the child (no involvement or TAC membership started by then), and
    a child who shares the requester's surname."""
    requesters = sorted({row.requester_id for row, _ in disclosed})
    children = sorted({row.child_id for row, _ in disclosed})
    first = _first_links(store, requesters)
    requester_names = _surnames(store, "Practitioner", requesters)
    child_names = _surnames(store, "Child", children)
    for row, on in disclosed:
        first_on = first.get((row.requester_id, row.child_id))
        row.requester_not_involved = first_on is None or first_on > on
        mine = requester_names.get(row.requester_id)
        row.same_surname = mine is not None and mine == child_names.get(row.child_id)


def _first_links(store: Store, requesters: list[str]) -> dict[tuple[str, str], date]:
    """When each requester's first involvement or TAC membership with each child started."""
    first: dict[tuple[str, str], date] = {}
    if not requesters:
        return first
    for name in ("ig_involvement_links", "ig_membership_links"):
        for link in store.query(name, {"requester_ids": requesters}):
            pair, started = (link["requester_id"], link["child_id"]), link["started_on"]
            if link["child_id"] is not None and started is not None:
                first[pair] = min(first.get(pair, started), started)
    return first


def _surnames(store: Store, label: str, ids: list[str]) -> dict[str, str]:
    """The lower-case family name of each node of ``label`` with one of ``ids``."""
    return {
        node_id: str(node["family_name"]).lower()
        for node_id, node in store.nodes_by_id(label, ids).items()
        if node.get("family_name") is not None
    }
