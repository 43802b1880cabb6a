"""A child's history for one practitioner: levels, step-ups and step-downs, involvements
starting and ending, handovers, reviews and leads, and who was working with the child
on a date. Other practitioners' involvements (and their handovers) are shown only where
consent or a recorded basis lets this viewer see involvements; every request is written
to the access log.

What a handover says (what was done, outcomes, needs that remain) is shown to those it
was shared with (DOMAIN rule 3): the practitioner it went to, the team of the CAF it
went to (its members today), its sender, and, for a summary kept on the child's record
because no one else was working with the child, whoever is working with the child today.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from tacgraph import audit, dates, gate
from tacgraph.consent import BasisFact, ConsentFact, Viewer
from tacgraph.errors import NotFound
from tacgraph.model import Scope
from tacgraph.rows.lookup import (
    LOOKUP_BASES,
    LOOKUP_CHILD,
    LOOKUP_CONSENTS,
    LOOKUP_INVOLVEMENTS,
    LOOKUP_SHIELD,
    LOOKUP_TEAMS,
    LookupTeamsRow,
)
from tacgraph.rows.timeline import (
    TIMELINE_CHANGES,
    TIMELINE_HANDOVERS,
    TIMELINE_INVOLVEMENTS,
    TIMELINE_LEADS,
    TIMELINE_REVIEWS,
)
from tacgraph.store.base import Store
from tacgraph.wording import words

# Each kind of event as a reader names it.
EVENT_WORDS = {
    "involvement_started": "started",
    "involvement_ended": "ended",
    "step_up": "stepped up",
    "step_down": "stepped down",
    "review": "review",
    "handover": "handover",
    "lead": "lead",
}


def event_name(kind: str) -> str:
    """An event's kind as a reader names it ("stepped up"), for every reader."""
    return EVENT_WORDS.get(kind, words(kind))


class Summary(BaseModel):
    """What a handover says, for those it was shared with."""

    work_done: str | None = None
    outcomes: str | None = None
    unmet_needs: str | None = None

    def said(self) -> list[tuple[str, str | None]]:
        """Each part under the label a reader sees (the command line and the History
        page alike), in the order it was written."""
        return [
            ("What was done", self.work_done),
            ("Outcomes", self.outcomes),
            ("Needs that remain", self.unmet_needs),
        ]


class Event(BaseModel):
    on: date
    kind: str  # involvement_started, involvement_ended, step_up, ..., review, handover, lead
    subject_id: str
    detail: str
    summary: Summary | None = None  # a handover's, where it was shared with the viewer


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


def timeline(
    store: Store,
    child_id: str,
    requester_id: str,
    *,
    as_of: date | None = None,
    purpose: str = "",
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> Timeline:
    """The child's history up to ``as_of`` (default today by ``clock``) as
    ``requester_id`` may see it, decided by the gate (:mod:`tacgraph.gate`) as of the
    real date as well as ``as_of``.

    Raises AccessDenied (audited) for an unknown or unauthorised requester,
    PurposeRequired (audited) for one with no involvement who gives no purpose,
    NotFound for an unknown child, StoreError if the engine or the access log fails."""
    with gate.opened(
        "timeline",
        requester_id,
        on=as_of,
        clock=clock,
        channel=channel,
        purpose=purpose,
    ) as reading:
        return _timeline(store, child_id, reading, purpose, clock)


def _timeline(
    store: Store, child_id: str, reading: gate.Reading, purpose: str, clock: audit.Clock
) -> Timeline:
    requester_id, as_of, today = reading.requester_id, reading.on, reading.today

    def log(
        outcome: str,
        disclosed: list[str],
        bases: list[str],
        detail: str = "",
        flags: tuple[str, ...] = (),
    ) -> None:
        entry = gate.pending(reading, child_id, outcome, disclosed, bases, detail, flags)
        gate.log(store, entry, clock=clock)

    requester = gate.checked_requester(store, reading, requester_id, child_id, clock=clock)
    child = store.read(LOOKUP_CHILD, {"child_id": child_id})
    if not child:
        log("unknown_child", [], [], "no child with this id")
        raise NotFound(f"no child with id {child_id!r}")
    params = {"child_id": child_id, "as_of": as_of}
    now = {"child_id": child_id, "as_of": today}
    as_was = gate.as_it_was(requester, reading)
    teams = store.read(LOOKUP_TEAMS, params)
    teams_now = teams if as_was or today == as_of else store.read(LOOKUP_TEAMS, now)
    working_now = store.read(LOOKUP_INVOLVEMENTS, now)
    involved = any(r["practitioner_id"] == requester.id for r in working_now) or any(
        r["practitioner_id"] == requester.id for r in teams_now
    )
    try:
        gate.require_purpose(reading, involved or bool(purpose.strip()))
    except gate.PurposeRequired as refused:
        log("denied", [], [], str(refused), gate.flags(reading, involved=False))
        raise
    consents = [
        ConsentFact.from_row(r) for r in store.read(LOOKUP_CONSENTS, {"child_id": child_id})
    ]
    bases = [BasisFact.from_row(r) for r in store.read(LOOKUP_BASES, {"child_id": child_id})]
    shield = {r["practitioner_id"] for r in store.read(LOOKUP_SHIELD, {"child_id": child_id})}
    shielded = bool(child[0]["shielded"]) and requester.id not in shield

    def viewer(rows: list[LookupTeamsRow]) -> Viewer:
        mine = frozenset(r["caf_id"] for r in rows if r["practitioner_id"] == requester.id)
        return Viewer(id=requester.id, agency_id=requester.agency_id, teams=mine)

    decided = gate.Gate(
        viewer(teams),
        consents,
        bases,
        as_of,
        today=None if as_was else today,
        today_viewer=viewer(teams_now),
    )
    events: list[Event] = []
    working: list[Working] = []
    disclosed: list[str] = []
    used: list[str] = []
    withheld = 0
    visible: dict[str, str] = {}  # involvement id -> who ("Name (Agency)")
    for row in store.read(TIMELINE_INVOLVEMENTS, params):
        own = row["practitioner_id"] == requester.id
        decision = None if own else decided.involvement(row)
        if shielded or (decision is not None and not decision.allowed):
            withheld += 1
            continue
        if decision is not None and decision.basis_id:
            used.append(decision.basis_id)
        who = f"{row['given_name']} {row['family_name']} ({row['agency_name']})"
        visible[row["involvement_id"]] = who
        disclosed.append(f"involvement:{row['involvement_id']}")
        events.append(
            Event(
                on=row["started_on"],
                kind="involvement_started",
                subject_id=row["involvement_id"],
                detail=f"{who} started at {row['level']} level",
            )
        )
        end = row["ended_on"]
        if dates.ended_by(end, as_of):
            events.append(
                Event(
                    on=end,
                    kind="involvement_ended",
                    subject_id=row["involvement_id"],
                    detail=f"{who} stopped working with the child",
                )
            )
        if dates.open_on(row["started_on"], end, as_of):
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
    # Levels and reviews are the CAF's content; who led it, the team's.
    content = involved or decided.decide(Scope.CAF_CONTENT).allowed
    team = involved or decided.decide(Scope.INVOLVEMENT).allowed
    changes = store.read(TIMELINE_CHANGES, params) if content else []
    reviews = store.read(TIMELINE_REVIEWS, params) if content else []
    if content:
        disclosed.append("caf:history")
    for change in changes:
        to = change["to_level"] or "-"
        events.append(
            Event(
                on=change["changed_on"],
                kind=change["direction"],
                subject_id=change["change_id"],
                detail=f"{change['from_level']} to {to}",
            )
        )
    for review in reviews:
        events.append(
            Event(
                on=review["held_on"],
                kind="review",
                subject_id=review["review_id"],
                detail=f"review of {review['team_id']}: {review['outcome']}",
            )
        )
    my_teams = viewer(teams_now).teams
    for handover in store.read(TIMELINE_HANDOVERS, params):
        sender = visible.get(handover["involvement_id"] or "")
        if sender is None:
            continue
        kept = handover["to_practitioner_id"] is None and handover["to_caf_id"] is None
        shared = (
            requester.id in (handover["from_practitioner_id"], handover["to_practitioner_id"])
            or handover["to_caf_id"] in my_teams
            or (kept and involved)
        )
        if shared:
            disclosed.append(f"handover:{handover['handover_id']}")
        events.append(
            Event(
                on=handover["shared_on"],
                kind="handover",
                subject_id=handover["handover_id"],
                detail=f"{handover['kind']} from {sender}"
                + (", kept on the child's record" if kept else ""),
                summary=Summary(
                    work_done=handover["work_done"],
                    outcomes=handover["outcomes"],
                    unmet_needs=handover["unmet_needs"],
                )
                if shared
                else None,
            )
        )
    if not shielded and team:
        disclosed.append("team:leads")
        for lead in store.read(TIMELINE_LEADS, params):
            who = f"{lead['given_name']} {lead['family_name']}"
            events.append(
                Event(
                    on=lead["started_on"],
                    kind="lead",
                    subject_id=lead["membership_id"],
                    detail=f"{who} leads {lead['team_id']}"
                    + (f" until {lead['ended_on']}" if lead["ended_on"] else ""),
                )
            )
    events.sort(key=lambda e: (e.on, e.kind, e.subject_id))
    enquiry = not involved and not visible and not content and not team
    if enquiry:
        # Enquiry without consent: nothing said about what is withheld, not even how much.
        withheld = 0
    log(
        "disclosed",
        disclosed,
        sorted(set(used)),
        "the past as it was (governance)" if as_was else "",
        gate.flags(
            reading,
            requester=requester,
            child_family_name=child[0]["family_name"],
            involved=involved,
            bases_used=any(b.id in used for b in bases),
            enquiry_only=enquiry,
        ),
    )
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
