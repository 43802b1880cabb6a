""" "Who else is working with this child?": the consent-gated lookup.

Always answerable to an authorised practitioner: whether the child is known, whether a
CAF is open, and whom to contact (enquiry without consent, DOMAIN rule 1). Everything
else is shown only as far as a consent or a recorded statutory basis permits for this
viewer (rule 2), sensitive services hide behind their broker, and a shielded child's
whereabouts are never shown outside the shield. Every lookup is written to the access
log before anything is returned; if the log cannot be written, nothing is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from tacgraph import audit, dates, gate
from tacgraph.access import AccessDenied, Requester
from tacgraph.cases import read_lookup
from tacgraph.consent import BasisFact, ConsentFact, Decision, Viewer
from tacgraph.gate import ALWAYS, HOUSEHOLD_SHIELD, OWN, SHIELD, Gate, front_door
from tacgraph.model import Scope
from tacgraph.rows.lookup import LookupRequesterRow
from tacgraph.store.base import Row, Store

__all__ = ["WhoElse", "front_door", "who_else", "who_else_many"]


class Contact(BaseModel):
    name: str | None = None
    role: str | None = None
    agency: str | None = None
    email: str | None = None
    phone: str | None = None
    note: str = ""


class InvolvementView(BaseModel):
    involvement_id: str
    practitioner_id: str
    practitioner: str
    role: str
    agency_id: str
    agency: str
    level: str
    since: date
    lead: bool
    email: str | None = None
    phone: str | None = None


class EndedView(InvolvementView):
    """An involvement that ended on or before the date (with ``history``)."""

    ended_on: date
    handover: bool  # an updated CAF or summary of work was shared by the practitioner
    handover_kind: str | None = None


class TeamView(BaseModel):
    """Current membership of the Team Around the Child of an open CAF."""

    caf_id: str
    practitioner_id: str
    practitioner: str  # the name, already shown as an involvement or the lead
    team_role: str  # lead | member
    since: date


class FamilyView(BaseModel):
    family_member_id: str
    name: str
    relationship: str
    parental_responsibility: bool
    carer: bool
    phone: str | None = None
    address_line: str | None = None
    postcode: str | None = None


class ConsentView(BaseModel):
    """A consent in force, to someone the viewer may see."""

    consent_id: str
    given_by: str  # "child" or the family member's id
    to_kind: str  # practitioner | agency | caf
    to_id: str
    scopes: list[str]
    kind: str
    given_on: date
    expires_on: date | None = None


class CafView(BaseModel):
    caf_id: str
    state: str | None = None
    level: str | None = None
    started_on: date | None = None


class Explanation(BaseModel):
    item: str
    shown: bool
    rule: str
    basis_id: str | None = None
    detail: str = ""


class WhoElse(BaseModel):
    child_id: str
    requester_id: str
    as_of: date
    purpose: str
    known: bool
    name: str | None = None
    age: int | None = None
    gender: str | None = None
    unborn: bool = False
    date_of_birth: date | None = None
    address_line: str | None = None
    postcode: str | None = None
    shielded_from_viewer: bool = False
    caf_open: bool = False
    cafs: list[CafView] = Field(default_factory=list)
    lead: Contact | None = None
    contact: Contact
    involved: list[InvolvementView] = Field(default_factory=list)
    sensitive_services: list[str] = Field(default_factory=list)  # broker contacts only
    withheld: int = 0
    team: list[TeamView] = Field(default_factory=list)
    family: list[FamilyView] = Field(default_factory=list)
    consents: list[ConsentView] = Field(default_factory=list)
    ended: list[EndedView] = Field(default_factory=list)  # with history only
    explanation: list[Explanation] = Field(default_factory=list)
    # An enquiry without consent (rule 1): the viewer is not involved and holds no
    # consent or statutory basis, so ``involved`` is empty because nothing more may be
    # said, not because no one is working with the child.
    enquiry_only: bool = False


def who_else(
    store: Store,
    child_id: str,
    requester_id: str,
    *,
    purpose: str = "",
    as_of: date | None = None,
    explain: bool = False,
    history: bool = False,
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> WhoElse:
    """The gated answer for one child and one viewer on ``as_of`` (default: today by
    ``clock``); with ``history``, also the involvements that had ended by then. Raises
    AccessDenied (audited) for an unknown or unauthorised requester; PurposeRequired
    (audited) for a requester with no involvement who gives no purpose; StoreError if
    the engine or the access log fails (nothing is then disclosed)."""
    return who_else_many(
        store,
        [child_id],
        requester_id,
        purpose=purpose,
        as_of=as_of,
        explain=explain,
        history=history,
        clock=clock,
        channel=channel,
    )[0]


def who_else_many(
    store: Store,
    child_ids: Sequence[str],
    requester_id: str,
    *,
    purpose: str = "",
    as_of: date | None = None,
    explain: bool = False,
    history: bool = False,
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
    path: str = "who_else",
) -> list[WhoElse]:
    """The gated answers for a case list: one per child, in the order given (repeats
    dropped), read in one query and audited in one write, one entry per child. The
    requester is checked, and every item decided, as of the real date (``clock``) as
    well as ``as_of``: a past date narrows what is shown, never widens it, except to an
    information governance officer, who sees the past as it was (with a reason; the
    entry is flagged past_date). Raises as :func:`who_else` does; a failure for one
    child discloses nothing for any."""
    ids = list(dict.fromkeys(child_ids))
    with gate.opened(
        path, requester_id, on=as_of, clock=clock, channel=channel, purpose=purpose
    ) as reading:
        return _who_else(store, ids, reading, explain, history, clock)


def _who_else(
    store: Store,
    ids: list[str],
    reading: gate.Reading,
    explain: bool,
    history: bool,
    clock: audit.Clock,
) -> list[WhoElse]:
    on, today, requester_id, purpose = (
        reading.on,
        reading.today,
        reading.requester_id,
        reading.purpose,
    )
    rows: list[LookupRequesterRow] = []

    def log(outcome: str, detail: str, flags: tuple[str, ...] = ()) -> None:
        entries = [gate.pending(reading, c, outcome, [], [], detail, flags) for c in ids]
        audit.append_many(store, entries, clock=clock)

    try:
        # The requester is read in the same unit as the cases (one statement on Neo4j),
        # and checked before anything is decided from them.
        # The household shields are read in that unit too (nothing is decided from
        # them until the requester passes; an id the store does not hold adds no row).
        # So are the cases as of today where the date asked for is another (the gate
        # decides as of both): the same chains on LadybugDB, filtered for each date.
        rows, read = read_lookup(store, requester_id, ids, on, history=history, today=today)
        requester = gate.check_requester(rows, requester_id, reading)
        cases = read.cases
        as_was = gate.as_it_was(requester, reading)
        now = cases if as_was else read.today
        homes = gate.shield_map(read.shields, requester.id)
        involved = {c: _involved(now[c], requester.id, today) for c in cases if c in now}
        for c in cases:
            gate.require_purpose(reading, involved.get(c, False))
        answers = [
            _answer(requester, cases[c], now.get(c), reading, as_was, homes, history)
            if c in cases
            else None
            for c in ids
        ]
    except AccessDenied as denied:
        log("denied", str(denied), gate.flags(reading, left=gate.left_agency(rows, reading)))
        raise
    except gate.PurposeRequired as refused:
        log("denied", str(refused), gate.flags(reading, involved=False))
        raise
    except Exception as exc:  # fail closed: disclose nothing, but say so in the log
        log("error", f"{type(exc).__name__} while deciding")
        raise
    results: list[WhoElse] = []
    pending: list[audit.Pending] = []
    for child_id, answer in zip(ids, answers, strict=True):
        if answer is None:
            pending.append(
                gate.pending(
                    reading,
                    child_id,
                    "unknown_child",
                    [],
                    [],
                    "no child with this id",
                    gate.flags(reading, requester=requester),
                )
            )
            results.append(
                WhoElse(
                    child_id=child_id,
                    requester_id=requester_id,
                    as_of=on,
                    purpose=purpose,
                    known=False,
                    contact=Contact(name=front_door()),
                )
            )
            continue
        result, decided, enquiry = answer
        detail = "; ".join(f"decision failed: {e}" for e in decided.errors)
        if as_was:
            detail = "; ".join(p for p in ("the past as it was (governance)", detail) if p)
        bases_used = any(b.id in decided.used for b in decided.bases)
        pending.append(
            gate.pending(
                reading,
                child_id,
                "disclosed",
                decided.disclosed,
                decided.used,
                detail,
                gate.flags(
                    reading,
                    requester=requester,
                    child_family_name=cases[child_id]["family_name"],
                    involved=involved.get(child_id, False),
                    bases_used=bases_used,
                    enquiry_only=enquiry,
                ),
            )
        )
        if explain:
            result.explanation = [
                Explanation(
                    item=label,
                    shown=shown,
                    rule=decision.rule,
                    basis_id=decision.basis_id,
                    detail=decision.detail,
                )
                for label, shown, decision in decided.explained()
            ]
        results.append(result)
    audit.append_many(store, pending, clock=clock)  # nothing is returned unless logged
    return results


def _involved(case: Row, requester_id: str, on: date) -> bool:
    """Whether the requester works with the child on ``on``: a current involvement, or a
    place on the team of an open CAF."""
    for row in case["involvements"]:
        if row["practitioner_id"] == requester_id and not dates.ended_by(row["ended_on"], on):
            return True
    return any(r["practitioner_id"] == requester_id for r in case["teams"])


def _present(entries: list[Row], key: str) -> list[Row]:
    """A section's rows, each once (a row can repeat where a pattern matched twice), in
    order of ``key``: the engines return them in their own orders, and the first
    refusal or unusable consent found must not depend on which engine answered."""
    return sorted({e[key]: e for e in entries}.values(), key=lambda e: str(e[key]))


def _viewer(requester: Requester, case: Row) -> Viewer:
    teams = case["teams"]
    return Viewer(
        id=requester.id,
        agency_id=requester.agency_id,
        teams=frozenset(r["caf_id"] for r in teams if r["practitioner_id"] == requester.id),
    )


def _answer(
    requester: Requester,
    child: Row,
    now: Row | None,
    reading: gate.Reading,
    as_was: bool,
    homes: gate.ShieldMap,
    history: bool,
) -> tuple[WhoElse, Gate, bool]:
    """The answer for one child, the gate's decisions, and whether it was an enquiry
    only (the viewer neither works with the child nor may see anything more)."""
    on = reading.on
    involvements = _present(child["involvements"], "involvement_id")
    current = [r for r in involvements if not dates.ended_by(r["ended_on"], on)]
    teams = sorted(
        _present(child["teams"], "membership_id"), key=lambda r: (r["caf_id"], r["membership_id"])
    )
    cafs = _present(child["cafs"], "caf_id")
    consents = [ConsentFact.from_row(r) for r in _present(child["consents"], "consent_id")]
    bases = [BasisFact.from_row(r) for r in _present(child["bases"], "basis_id")]
    shield = set(child["shield"] or [])

    viewer = _viewer(requester, child)
    today_viewer = _viewer(requester, now) if now is not None else viewer
    decided = Gate(
        viewer,
        consents,
        bases,
        on,
        today=None if as_was else reading.today,
        today_viewer=today_viewer,
    )
    shielded = bool(child["shielded"]) and requester.id not in shield
    household = child["id"] in homes.children
    name = " ".join(
        p for p in (child["preferred_name"] or child["given_name"], child["family_name"]) if p
    )
    # Asked as of a day before the birth, the child was unborn on that day.
    age = dates.age_on(child["date_of_birth"], on)
    result = WhoElse(
        child_id=child["id"],
        requester_id=requester.id,
        as_of=on,
        purpose=reading.purpose,
        known=True,
        name=name,
        age=age,
        gender=child["gender"],
        unborn=age is None,
        shielded_from_viewer=shielded,
        caf_open=bool(cafs),
        contact=Contact(name=front_door()),
    )
    decided.record("child known, name, age and gender", True, ALWAYS, "child:identity")
    decided.record("whether a CAF is open", True, ALWAYS, "child:caf_open")

    # The child's own details.
    if shielded:
        decided.record("date of birth and address", False, SHIELD, "child:details")
    else:
        decision = decided.decide(Scope.CONTACT_DETAILS)
        if decision.allowed:
            result.date_of_birth = child["date_of_birth"]
            if household:  # a shielded child lives there: the address would locate them
                decided.record("address", False, HOUSEHOLD_SHIELD, "child:address")
            else:
                result.address_line, result.postcode = child["address_line"], child["postcode"]
        decided.record("date of birth and address", decision.allowed, decision, "child:details")

    _show_cafs(result, decided, cafs, shielded)
    lead_ids = _show_contact(result, decided, teams, shielded)
    for row in current:
        view = _show_involvement(decided, requester, row, shielded)
        if view is not None:
            view.lead = row["practitioner_id"] in lead_ids
            result.involved.append(view)
            continue
        result.withheld += 1
        broker = row["broker_contact"] or front_door()
        if row["sensitive"] and not shielded and broker not in result.sensitive_services:
            result.sensitive_services.append(broker)
    shown = {v.practitioner_id for v in result.involved}
    if result.lead is not None:
        shown |= lead_ids
    result.team = [
        TeamView(
            caf_id=r["caf_id"],
            practitioner_id=r["practitioner_id"],
            practitioner=f"{r['given_name']} {r['family_name']}",
            team_role=r["team_role"],
            since=r["since"],
        )
        for r in teams
        if r["practitioner_id"] in shown
    ]
    if not shielded:
        _show_family(result, decided, child, homes)
        _show_consents(result, decided, consents, shown, on)
    if history:
        _show_ended(result, decided, requester, child, involvements, shielded, on)
    involved = now is not None and _involved(now, requester.id, reading.today)
    enquiry = not involved and all(
        decision.rule == ALWAYS.rule for _, shown_, decision in decided.explained() if shown_
    )
    if enquiry:
        # Enquiry without consent (rule 1): that the child is known and whom to contact,
        # and nothing about what is withheld, not even how much or which service.
        result.withheld = 0
        result.sensitive_services = []
        result.enquiry_only = True
        decided.only_enquiry()
    return result, decided, enquiry


def _show_cafs(result: WhoElse, decided: Gate, cafs: list[Row], shielded: bool) -> None:
    """Existence of each open CAF is an enquiry; its content is gated."""
    decision = SHIELD if shielded else decided.decide(Scope.CAF_CONTENT)
    for caf in cafs:
        view = CafView(caf_id=caf["caf_id"])
        if decision.allowed:
            view.state, view.level = caf["caf_state"], caf["caf_level"]
            view.started_on = caf["caf_started_on"]
        decided.record(
            f"CAF {caf['caf_id']} details", decision.allowed, decision, f"caf:{caf['caf_id']}"
        )
        result.cafs.append(view)


def _show_contact(result: WhoElse, decided: Gate, teams: list[Row], shielded: bool) -> set[str]:
    """Whom to contact: the Lead Professional, unless that would reveal a sensitive
    service or a shielded child's whereabouts. Returns the leads' ids."""
    leads = [r for r in teams if r["team_role"] == "lead"]
    if shielded:
        result.contact = Contact(
            name=front_door(), note="the child is shielded: ask the front door"
        )
    elif leads:
        lead = leads[0]
        if lead["sensitive"]:
            result.contact = Contact(
                name=lead["broker_contact"] or front_door(), note="contact via the broker"
            )
        else:
            result.lead = Contact(
                name=f"{lead['given_name']} {lead['family_name']}",
                role=lead["role"],
                agency=lead["agency_name"],
                email=lead["email"],
                phone=lead["phone"],
                note="Lead Professional",
            )
            result.contact = result.lead
        decided.record(
            "whom to contact (the Lead Professional)",
            True,
            ALWAYS,
            f"contact:{lead['practitioner_id']}",
        )
    return {r["practitioner_id"] for r in leads}


def _involvement_decision(
    decided: Gate, requester: Requester, row: Row, shielded: bool
) -> tuple[Decision, bool]:
    """Whether an involvement may be shown, and its practitioner's contact details."""
    if shielded:  # even the viewer's own work: its agency could locate the child
        return SHIELD, False
    if row["practitioner_id"] == requester.id:
        return OWN, True
    decision = decided.involvement(row)
    services = (str(row["involvement_id"]), str(row["agency_id"]))
    return decision, decision.allowed and decided.decide(Scope.CONTACT_DETAILS, services).allowed


def _show_involvement(
    decided: Gate, requester: Requester, row: Row, shielded: bool, label: str = "involvement"
) -> InvolvementView | None:
    """The involvement as far as the viewer may see it, or None when withheld."""
    decision, contact_ok = _involvement_decision(decided, requester, row, shielded)
    item = f"{label} of {row['given_name']} {row['family_name']} ({row['agency_name']})"
    decided.record(item, decision.allowed, decision, f"involvement:{row['involvement_id']}")
    if not decision.allowed:
        return None
    view = InvolvementView(**_involvement_fields(row))
    if contact_ok:
        view.email, view.phone = row["email"], row["phone"]
        decided.disclosed.append(f"contact:{row['practitioner_id']}")
    return view


def _involvement_fields(row: Row) -> dict[str, Any]:
    return {
        "involvement_id": row["involvement_id"],
        "practitioner_id": row["practitioner_id"],
        "practitioner": f"{row['given_name']} {row['family_name']}",
        "role": row["role"],
        "agency_id": row["agency_id"],
        "agency": row["agency_name"],
        "level": row["level"],
        "since": row["started_on"],
        "lead": False,
    }


def _show_family(result: WhoElse, decided: Gate, child: Row, homes: gate.ShieldMap) -> None:
    """Family members with the involvement scope; their phone and address with the
    contact-details scope too (never the address of a household a shielded child lives
    in, to anyone outside that child's shield)."""
    family = _present(child["family"], "family_member_id")
    if not family:
        return
    seen = decided.decide(Scope.INVOLVEMENT)
    contact = decided.decide(Scope.CONTACT_DETAILS)
    decided.record("family members", seen.allowed, seen, "family")
    if not seen.allowed:
        return
    for row in family:
        view = FamilyView(
            family_member_id=row["family_member_id"],
            name=f"{row['given_name']} {row['family_name']}",
            relationship=row["relationship"],
            parental_responsibility=bool(row["parental_responsibility"]),
            carer=bool(row["carer"]),
        )
        decided.disclosed.append(f"family:{row['family_member_id']}")
        if contact.allowed:
            view.phone = row["phone"]
            if row["family_member_id"] not in homes.family_members:
                view.address_line, view.postcode = row["address_line"], row["postcode"]
            decided.disclosed.append(f"family_contact:{row['family_member_id']}")
        result.family.append(view)
    if contact.allowed and contact.basis_id:
        decided.used.append(contact.basis_id)


def _show_consents(
    result: WhoElse, decided: Gate, consents: list[ConsentFact], shown: set[str], on: date
) -> None:
    """Consents in force to a practitioner, agency or team the viewer already sees."""
    seen = decided.decide(Scope.INVOLVEMENT)
    if not seen.allowed:
        return
    agencies = {v.agency_id for v in result.involved}
    cafs = {c.caf_id for c in result.cafs}
    visible = {"practitioner": shown, "agency": agencies, "caf": cafs}
    for fact in sorted(consents, key=lambda c: c.id):
        to_id = fact.to_practitioner_id or fact.to_agency_id or fact.to_caf_id
        if fact.decision != "given" or fact.giver_problem() or fact.time_problem(on):
            continue
        if to_id is None or to_id not in visible[fact.recipient]:
            continue
        result.consents.append(
            ConsentView(
                consent_id=fact.id,
                given_by="child" if fact.given_by_child else str(fact.giver_id),
                to_kind=fact.recipient,
                to_id=to_id,
                scopes=sorted(fact.scopes),
                kind=fact.kind,
                given_on=fact.given_on,
                expires_on=fact.expires_on,
            )
        )
        decided.disclosed.append(f"consent:{fact.id}")


def _show_ended(
    result: WhoElse,
    decided: Gate,
    requester: Requester,
    child: Row,
    involvements: list[Row],
    shielded: bool,
    on: date,
) -> None:
    """Involvements ended by ``on``, gated like current ones, each with whether the
    practitioner shared a handover (an updated CAF or a summary of work)."""
    handovers = sorted(
        _present(child["handovers"], "handover_id"),
        key=lambda h: (h["shared_on"], h["handover_id"]),
    )
    for row in involvements:
        if not dates.ended_by(row["ended_on"], on):
            continue
        view = _show_involvement(decided, requester, row, shielded, "ended involvement")
        if view is None:
            continue
        made = [
            h
            for h in handovers
            if h["involvement_id"] == row["involvement_id"]
            or (
                h["involvement_id"] is None
                and h["from_practitioner_id"] == row["practitioner_id"]
                and h["shared_on"] >= row["started_on"]
            )
        ]
        result.ended.append(
            EndedView(
                **view.model_dump(exclude={"lead"}),
                lead=False,
                ended_on=row["ended_on"],
                handover=bool(made),
                handover_kind=made[0]["kind"] if made else None,
            )
        )
