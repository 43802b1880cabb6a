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
    days of ``as_of``. Raises StoreError."""
    bases = store.query("ig_bases")
    statutory_ids = {str(b["basis_id"]) for b in bases}
    rows: list[AccessRow] = []
    for entry in audit.entries(store):
        if practitioner and entry.requester_id != practitioner:
            continue
        if child and entry.child_id != child:
            continue
        if since and entry.at[:10] < since.isoformat():
            continue
        involved = same = False
        if entry.outcome == "disclosed":
            on = date.fromisoformat(entry.as_of)
            params = {"requester_id": entry.requester_id, "child_id": entry.child_id}
            links = store.query("ig_requester_involved", {**params, "as_of": on})
            involved = bool(links and links[0]["links"])
            surname = store.query("ig_same_surname", params)
            same = bool(surname and surname[0]["same"])
        rows.append(
            AccessRow(
                seq=entry.seq,
                at=entry.at,
                requester_id=entry.requester_id,
                child_id=entry.child_id,
                purpose=entry.purpose,
                outcome=entry.outcome,
                disclosed=len(entry.disclosed),
                bases=entry.bases,
                statutory=bool(statutory_ids & set(entry.bases)),
                requester_not_involved=entry.outcome == "disclosed" and not involved,
                same_surname=same,
            )
        )
    until = as_of + timedelta(days=expiring_within)
    return AccessReport(
        entries=rows,
        statutory_bases=[dict(b) for b in bases],
        left_but_in_team=[dict(r) for r in store.query("ig_left_but_in_team", {"as_of": as_of})],
        consents_expiring=[
            dict(r) for r in store.query("ig_consents_expiring", {"as_of": as_of, "until": until})
        ],
    )
