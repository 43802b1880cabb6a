""" "Who else is working with this child?": the consent-gated lookup.

Always answerable to an authorised practitioner: whether the child is known, whether a
CAF is open, and whom to contact (enquiry without consent, DOMAIN rule 1). Everything
else is shown only as far as a consent or a recorded statutory basis permits for this
viewer (rule 2), sensitive services hide behind their broker, and a shielded child's
whereabouts are never shown outside the shield. Every lookup is written to the access
log before anything is returned; if the log cannot be written, nothing is returned.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel

from tacgraph import audit
from tacgraph.access import AccessDenied, Requester, authorise
from tacgraph.consent import WITHHELD_ERROR, BasisFact, ConsentFact, Decision, Viewer, decide
from tacgraph.model import Scope
from tacgraph.store.base import Row, Store

DEFAULT_FRONT_DOOR = "Children's Services front door (ask for the CAF co-ordinator)"


def front_door() -> str:
    """Whom to contact when no lead can be named; set TACGRAPH_FRONT_DOOR locally."""
    return os.environ.get("TACGRAPH_FRONT_DOOR") or DEFAULT_FRONT_DOOR


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
    cafs: list[CafView] = []
    lead: Contact | None = None
    contact: Contact
    involved: list[InvolvementView] = []
    sensitive_services: list[str] = []  # broker contacts only
    withheld: int = 0
    explanation: list[Explanation] = []


def _age(dob: date | None, on: date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


class _Gate:
    """Decisions for one viewer and child, each recorded for the explanation and audit."""

    def __init__(
        self, viewer: Viewer, consents: list[ConsentFact], bases: list[BasisFact], on: date
    ) -> None:
        self.viewer, self.consents, self.bases, self.on = viewer, consents, bases, on
        self.explanation: list[Explanation] = []
        self.disclosed: list[str] = []
        self.used: list[str] = []
        self.errors: list[str] = []
        self._opaque = 0

    def decide(self, scope: Scope) -> Decision:
        try:
            return decide(scope, self.viewer, self.consents, self.bases, self.on)
        except Exception as exc:  # fail closed: any error withholds and is audited
            self.errors.append(f"{scope.value}: {type(exc).__name__}")
            return WITHHELD_ERROR

    def both(self, *scopes: Scope) -> Decision:
        decisions = [self.decide(s) for s in scopes]
        refused = [d for d in decisions if not d.allowed]
        # When all allow, the last (narrowest) scope's edge is the one that decided.
        return refused[0] if refused else decisions[-1]

    def record(self, item: str, shown: bool, decision: Decision, audit_key: str) -> None:
        label = item if shown else self._withheld_label()
        self.explanation.append(
            Explanation(
                item=label,
                shown=shown,
                rule=decision.rule,
                basis_id=decision.basis_id,
                detail=decision.detail,
            )
        )
        if shown:
            self.disclosed.append(audit_key)
            if decision.basis_id:
                self.used.append(decision.basis_id)

    def _withheld_label(self) -> str:
        self._opaque += 1
        return f"withheld item {self._opaque}"


ALWAYS = Decision(
    allowed=True,
    rule="enquiry_without_consent",
    detail="whether the child is known and whom to contact is always answerable",
)
OWN = Decision(allowed=True, rule="own_involvement", detail="the viewer's own work")
SHIELD = Decision(
    allowed=False,
    rule="shielded",
    detail="the child is shielded and the viewer is not named in the shield",
)


def who_else(
    store: Store,
    child_id: str,
    requester_id: str,
    *,
    purpose: str = "",
    as_of: date | None = None,
    explain: bool = False,
    clock: audit.Clock = audit.utc_now,
) -> WhoElse:
    """The gated answer for one child and one viewer on ``as_of`` (default: today by
    ``clock``). Raises AccessDenied (audited) for an unknown or unauthorised requester;
    StoreError if the engine or the access log fails (nothing is then disclosed)."""
    on = as_of or clock().date()
    log = _logger(store, child_id, requester_id, purpose, on, clock)
    try:
        requester = authorise(store, requester_id, on)
    except AccessDenied as denied:
        log("denied", [], [], str(denied))
        raise
    child_rows = store.query("lookup_child", {"child_id": child_id})
    if not child_rows:
        log("unknown_child", [], [], "no child with this id")
        return WhoElse(
            child_id=child_id,
            requester_id=requester_id,
            as_of=on,
            purpose=purpose,
            known=False,
            contact=Contact(name=front_door()),
        )
    try:
        result, gate = _answer(store, requester, child_rows[0], on, purpose)
    except Exception as exc:  # fail closed: disclose nothing, but say so in the log
        log("error", [], [], f"{type(exc).__name__} while deciding")
        raise
    detail = "; ".join(f"decision failed: {e}" for e in gate.errors)
    log("disclosed", gate.disclosed, gate.used, detail)
    if explain:
        result.explanation = gate.explanation
    return result


def _logger(
    store: Store, child_id: str, requester_id: str, purpose: str, on: date, clock: audit.Clock
) -> Callable[[str, list[str], list[str], str], None]:
    def log(outcome: str, disclosed: list[str], bases: list[str], detail: str) -> None:
        audit.append(
            store,
            requester_id=requester_id,
            child_id=child_id,
            purpose=purpose,
            as_of=on,
            outcome=outcome,
            disclosed=disclosed,
            bases=bases,
            detail=detail,
            clock=clock,
        )

    return log


def _answer(
    store: Store, requester: Requester, child: Row, on: date, purpose: str
) -> tuple[WhoElse, _Gate]:
    params: dict[str, Any] = {"child_id": child["id"], "as_of": on}
    involvements = store.query("lookup_involvements", params)
    teams = store.query("lookup_teams", params)
    cafs = store.query("lookup_open_cafs", params)
    consents = [
        ConsentFact.from_row(r) for r in store.query("lookup_consents", {"child_id": child["id"]})
    ]
    bases = [BasisFact.from_row(r) for r in store.query("lookup_bases", {"child_id": child["id"]})]
    shield = {r["practitioner_id"] for r in store.query("lookup_shield", {"child_id": child["id"]})}

    viewer = Viewer(
        id=requester.id,
        agency_id=requester.agency_id,
        teams=frozenset(r["caf_id"] for r in teams if r["practitioner_id"] == requester.id),
    )
    gate = _Gate(viewer, consents, bases, on)
    shielded = bool(child["shielded"]) and requester.id not in shield
    name = " ".join(
        p for p in (child["preferred_name"] or child["given_name"], child["family_name"]) if p
    )
    result = WhoElse(
        child_id=child["id"],
        requester_id=requester.id,
        as_of=on,
        purpose=purpose,
        known=True,
        name=name,
        age=_age(child["date_of_birth"], on),
        gender=child["gender"],
        unborn=child["date_of_birth"] is None,
        shielded_from_viewer=shielded,
        caf_open=bool(cafs),
        contact=Contact(name=front_door()),
    )
    gate.record("child known, name, age and gender", True, ALWAYS, "child:identity")
    gate.record("whether a CAF is open", True, ALWAYS, "child:caf_open")

    # The child's own details.
    if shielded:
        gate.record("date of birth and address", False, SHIELD, "child:details")
    else:
        decision = gate.decide(Scope.CONTACT_DETAILS)
        if decision.allowed:
            result.date_of_birth = child["date_of_birth"]
            result.address_line, result.postcode = child["address_line"], child["postcode"]
        gate.record("date of birth and address", decision.allowed, decision, "child:details")

    # CAFs: existence is an enquiry; their content is gated.
    caf_decision = gate.decide(Scope.CAF_CONTENT)
    for caf in cafs:
        caf_view = CafView(caf_id=caf["caf_id"])
        if caf_decision.allowed and not shielded:
            caf_view.state, caf_view.level, caf_view.started_on = (
                caf["caf_state"],
                caf["caf_level"],
                caf["caf_started_on"],
            )
        gate.record(
            f"CAF {caf['caf_id']} details",
            caf_decision.allowed and not shielded,
            caf_decision if not shielded else SHIELD,
            f"caf:{caf['caf_id']}",
        )
        result.cafs.append(caf_view)

    # Whom to contact: the lead professional, unless that would reveal a sensitive
    # service or a shielded child's whereabouts.
    leads = [r for r in teams if r["team_role"] == "lead"]
    lead_ids = {r["practitioner_id"] for r in leads}
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
        gate.record(
            "whom to contact (the Lead Professional)",
            True,
            ALWAYS,
            f"contact:{lead['practitioner_id']}",
        )

    # Each involvement, as far as this viewer may see it.
    brokers: list[str] = []
    for row in involvements:
        key = f"involvement:{row['involvement_id']}"
        label = f"involvement of {row['given_name']} {row['family_name']} ({row['agency_name']})"
        if shielded:  # even the viewer's own work: its agency could locate the child
            decision, contact_ok = SHIELD, False
        elif row["practitioner_id"] == requester.id:
            decision, contact_ok = OWN, True
        elif row["sensitive"]:
            decision = gate.both(Scope.INVOLVEMENT, Scope.SENSITIVE_SERVICES)
            contact_ok = decision.allowed and gate.decide(Scope.CONTACT_DETAILS).allowed
        else:
            decision = gate.decide(Scope.INVOLVEMENT)
            contact_ok = decision.allowed and gate.decide(Scope.CONTACT_DETAILS).allowed
        gate.record(label, decision.allowed, decision, key)
        if not decision.allowed:
            result.withheld += 1
            if row["sensitive"] and not shielded:
                broker = row["broker_contact"] or front_door()
                if broker not in brokers:
                    brokers.append(broker)
            continue
        view = InvolvementView(
            involvement_id=row["involvement_id"],
            practitioner_id=row["practitioner_id"],
            practitioner=f"{row['given_name']} {row['family_name']}",
            role=row["role"],
            agency_id=row["agency_id"],
            agency=row["agency_name"],
            level=row["level"],
            since=row["started_on"],
            lead=row["practitioner_id"] in lead_ids,
        )
        if contact_ok:
            view.email, view.phone = row["email"], row["phone"]
            gate.disclosed.append(f"contact:{row['practitioner_id']}")
        result.involved.append(view)
    result.sensitive_services = brokers
    return result, gate
