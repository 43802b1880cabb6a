"""A child's history for one practitioner: levels, step-ups and step-downs, involvements
starting and ending, handovers, reviews and leads, and who was working with the child
on a date. Other practitioners' involvements (and their handovers) are shown only where
consent or a recorded basis lets this viewer see involvements; every request is written
to the access log.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from tacgraph import audit
from tacgraph.access import AccessDenied, authorise
from tacgraph.consent import BasisFact, ConsentFact, Decision, Viewer, decide
from tacgraph.errors import NotFound
from tacgraph.model import Scope
from tacgraph.store.base import Row, Store


class Event(BaseModel):
    on: date
    kind: str  # involvement_started, involvement_ended, step_up, ..., review, handover, lead
    subject_id: str
    detail: str


class Working(BaseModel):
    involvement_id: str
    practitioner_id: str
    practitioner: str
    agency: str
    level: str
    since: date


class Timeline(BaseModel):
    child_id: str
    name: str | None = None  # enquiry-level, like who-else's: shown to any authorised viewer
    requester_id: str
    as_of: date
    events: list[Event]
    working_on_date: list[Working]
    withheld: int


def _allowed(
    row: Row, viewer: Viewer, consents: list[ConsentFact], bases: list[BasisFact], on: date
) -> Decision | None:
    """The decision for another practitioner's involvement (a sensitive service needs
    both scopes, as in the lookup); None for the viewer's own."""
    if row["practitioner_id"] == viewer.id:
        return None
    try:
        decision = decide(Scope.INVOLVEMENT, viewer, consents, bases, on)
        if decision.allowed and row["sensitive"]:
            decision = decide(Scope.SENSITIVE_SERVICES, viewer, consents, bases, on)
    except Exception:  # fail closed
        return Decision(allowed=False, rule="error", detail="decision failed")
    return decision


def timeline(
    store: Store,
    child_id: str,
    requester_id: str,
    *,
    as_of: date,
    clock: audit.Clock = audit.utc_now,
) -> Timeline:
    """The child's history up to ``as_of`` as ``requester_id`` may see it.

    Raises AccessDenied (audited) for an unknown or unauthorised requester, NotFound for
    an unknown child, StoreError if the engine or the access log fails."""

    def log(outcome: str, disclosed: list[str], bases: list[str], detail: str = "") -> None:
        audit.append(
            store,
            requester_id=requester_id,
            child_id=child_id,
            purpose="timeline",
            as_of=as_of,
            outcome=outcome,
            disclosed=disclosed,
            bases=bases,
            detail=detail,
            clock=clock,
        )

    try:
        requester = authorise(store, requester_id, as_of)
    except AccessDenied as denied:
        log("denied", [], [], str(denied))
        raise
    child = store.query("lookup_child", {"child_id": child_id})
    if not child:
        log("unknown_child", [], [], "no child with this id")
        raise NotFound(f"no child with id {child_id!r}")
    params = {"child_id": child_id, "as_of": as_of}
    teams = store.query("lookup_teams", params)
    consents = [
        ConsentFact.from_row(r) for r in store.query("lookup_consents", {"child_id": child_id})
    ]
    bases = [BasisFact.from_row(r) for r in store.query("lookup_bases", {"child_id": child_id})]
    shield = {r["practitioner_id"] for r in store.query("lookup_shield", {"child_id": child_id})}
    shielded = bool(child[0]["shielded"]) and requester.id not in shield
    viewer = Viewer(
        id=requester.id,
        agency_id=requester.agency_id,
        teams=frozenset(r["caf_id"] for r in teams if r["practitioner_id"] == requester.id),
    )
    events: list[Event] = []
    working: list[Working] = []
    disclosed: list[str] = []
    used: list[str] = []
    withheld = 0
    visible: set[str] = set()
    for row in store.query("timeline_involvements", params):
        decision = _allowed(row, viewer, consents, bases, as_of)
        if shielded or (decision is not None and not decision.allowed):
            withheld += 1
            continue
        if decision is not None and decision.basis_id:
            used.append(decision.basis_id)
        visible.add(row["involvement_id"])
        disclosed.append(f"involvement:{row['involvement_id']}")
        who = f"{row['given_name']} {row['family_name']} ({row['agency_name']})"
        events.append(
            Event(
                on=row["started_on"],
                kind="involvement_started",
                subject_id=row["involvement_id"],
                detail=f"{who} started at {row['level']} level",
            )
        )
        end = row["ended_on"]
        if end is not None and end <= as_of:
            events.append(
                Event(
                    on=end,
                    kind="involvement_ended",
                    subject_id=row["involvement_id"],
                    detail=f"{who} stopped working with the child",
                )
            )
        if row["started_on"] <= as_of and (end is None or as_of <= end):
            working.append(
                Working(
                    involvement_id=row["involvement_id"],
                    practitioner_id=row["practitioner_id"],
                    practitioner=f"{row['given_name']} {row['family_name']}",
                    agency=row["agency_name"],
                    level=row["level"],
                    since=row["started_on"],
                )
            )
    for row in store.query("timeline_changes", params):
        to = row["to_level"] or "-"
        events.append(
            Event(
                on=row["changed_on"],
                kind=row["direction"],
                subject_id=row["change_id"],
                detail=f"{row['from_level']} to {to}",
            )
        )
    for row in store.query("timeline_reviews", params):
        events.append(
            Event(
                on=row["held_on"],
                kind="review",
                subject_id=row["review_id"],
                detail=f"review of {row['team_id']}: {row['outcome']}",
            )
        )
    for row in store.query("timeline_handovers", params):
        if row["involvement_id"] not in visible:
            continue
        events.append(
            Event(
                on=row["shared_on"],
                kind="handover",
                subject_id=row["handover_id"],
                detail=f"{row['kind']} shared for {row['involvement_id']}",
            )
        )
    if not shielded:
        for row in store.query("timeline_leads", params):
            who = f"{row['given_name']} {row['family_name']}"
            events.append(
                Event(
                    on=row["started_on"],
                    kind="lead",
                    subject_id=row["membership_id"],
                    detail=f"{who} leads {row['team_id']}"
                    + (f" until {row['ended_on']}" if row["ended_on"] else ""),
                )
            )
    events.sort(key=lambda e: (e.on, e.kind, e.subject_id))
    log("disclosed", disclosed, sorted(set(used)))
    known_as = child[0]["preferred_name"] or child[0]["given_name"]
    return Timeline(
        child_id=child_id,
        name=f"{known_as} {child[0]['family_name']}" if known_as else None,
        requester_id=requester.id,
        as_of=as_of,
        events=events,
        working_on_date=working,
        withheld=withheld,
    )
