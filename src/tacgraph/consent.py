"""Who may see what: consent and statutory-basis decisions, as pure functions.

A decision is made per (viewer, scope) on one date, from the consents and statutory
bases recorded about a child. It fails closed: anything not clearly permitted is
withheld, and the decision names the rule and the edge that decided it.

- A statutory basis (significant harm, s47, court order) permits sharing without
  consent, but only when it records who, when and the reason, is in force, covers the
  scope and names the viewer or the viewer's agency (004; DOMAIN rule 2).
- A consent counts when it was given by a person with parental responsibility for the
  child, or by the child with their competence for that decision recorded; is in force
  (given, not yet expired, not withdrawn); covers the scope; and is to the viewer, the
  viewer's agency, or a TAC the viewer is a current member of.
- Per giver, the latest decision wins (a tie goes to the more specific recipient, then
  to a refusal). A refusal by any giver is honoured.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from tacgraph.dates import ended_by, open_on
from tacgraph.model import ConsentDecision, Scope

SPECIFICITY = {"practitioner": 0, "agency": 1, "caf": 2}


@dataclass(frozen=True)
class Viewer:
    id: str
    agency_id: str
    teams: frozenset[str]  # ids of the CAFs whose TAC the viewer is a current member of


@dataclass(frozen=True)
class ConsentFact:
    id: str
    decision: str
    given_by_child: bool
    child_competent: bool | None
    giver_id: str | None
    giver_parental_responsibility: bool | None
    scopes: frozenset[str]
    given_on: date
    expires_on: date | None
    withdrawn_on: date | None
    to_practitioner_id: str | None
    to_agency_id: str | None
    to_caf_id: str | None
    kind: str | None = None  # explicit | implied: recorded, not used in decisions
    # The services (agency or involvement ids) it covers; empty: every service.
    services: frozenset[str] = frozenset()

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ConsentFact:
        return cls(
            id=row["consent_id"],
            decision=row["decision"],
            given_by_child=bool(row["given_by_child"]),
            child_competent=row["child_competent"],
            giver_id=row["giver_id"],
            giver_parental_responsibility=row["giver_parental_responsibility"],
            scopes=frozenset(row["scopes"] or ()),
            given_on=row["given_on"],
            expires_on=row["expires_on"],
            withdrawn_on=row["withdrawn_on"],
            to_practitioner_id=row["to_practitioner_id"],
            to_agency_id=row["to_agency_id"],
            to_caf_id=row["to_caf_id"],
            kind=row.get("kind"),
            services=frozenset(row.get("services") or ()),
        )

    @property
    def giver(self) -> str:
        return "child" if self.given_by_child else f"family:{self.giver_id}"

    @property
    def recipient(self) -> str:
        if self.to_practitioner_id:
            return "practitioner"
        if self.to_agency_id:
            return "agency"
        return "caf"

    def covers(self, viewer: Viewer) -> bool:
        return (
            (self.to_practitioner_id is not None and self.to_practitioner_id == viewer.id)
            or (self.to_agency_id is not None and self.to_agency_id == viewer.agency_id)
            or (self.to_caf_id is not None and self.to_caf_id in viewer.teams)
        )

    def covers_services(self, services: Iterable[str]) -> bool:
        """Whether the consent speaks for an item of ``services`` (the item's involvement
        and agency ids; none for an item of no one service, such as the child's own
        details): a consent naming services speaks only for those services' items."""
        if not self.services:
            return True
        return not self.services.isdisjoint(services)

    def giver_problem(self) -> str | None:
        if self.given_by_child:
            return (
                None if self.child_competent is True else "the child's competence is not recorded"
            )
        if self.giver_id is None:
            return "the giver is not recorded"
        if self.giver_parental_responsibility is not True:
            return "the giver has no parental responsibility for this child"
        return None

    def time_problem(self, on: date) -> str | None:
        if self.given_on > on:
            return f"not given until {self.given_on.isoformat()}"
        if ended_by(self.withdrawn_on, on):
            return f"withdrawn on {self.withdrawn_on.isoformat()}"
        if ended_by(self.expires_on, on):
            return f"expired on {self.expires_on.isoformat()}"
        return None


@dataclass(frozen=True)
class BasisFact:
    id: str
    ground: str
    recorded_on: date | None
    reason: str | None
    recorded_by_id: str | None
    scopes: frozenset[str]
    valid_until: date | None
    to_practitioner_id: str | None
    to_agency_id: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> BasisFact:
        return cls(
            id=row["basis_id"],
            ground=row["ground"],
            recorded_on=row["recorded_on"],
            reason=row["reason"],
            recorded_by_id=row["recorded_by_id"],
            scopes=frozenset(row["scopes"] or ()),
            valid_until=row["valid_until"],
            to_practitioner_id=row["to_practitioner_id"],
            to_agency_id=row["to_agency_id"],
        )

    def incomplete(self) -> str | None:
        """What the record lacks to permit anything (who, when, reason, recipient)."""
        if not self.recorded_by_id:
            return "it does not record who decided"
        if self.recorded_on is None:
            return "it does not record when"
        if not (self.reason or "").strip():
            return "it does not record the reason"
        if not (self.to_practitioner_id or self.to_agency_id):
            return "it names no one to share with"
        return None

    def covers(self, viewer: Viewer) -> bool:
        return viewer.id == self.to_practitioner_id or viewer.agency_id == self.to_agency_id

    def in_force(self, on: date) -> bool:
        assert self.recorded_on is not None
        return open_on(self.recorded_on, self.valid_until, on)


class Decision(BaseModel):
    """Whether one scope may be shown to one viewer, and why."""

    model_config = ConfigDict(frozen=True)
    allowed: bool
    rule: str
    basis_id: str | None = None
    detail: str = ""


def decide(
    scope: Scope,
    viewer: Viewer,
    consents: Iterable[ConsentFact],
    bases: Iterable[BasisFact],
    on: date,
    services: Iterable[str] = (),
) -> Decision:
    """Decide whether ``viewer`` may see information of ``scope`` about the child on
    ``on``, for an item of ``services`` (its involvement and agency ids, where it
    belongs to a service): a consent that names the services it covers counts only for
    those services' items, a given one as a refusal does. Never raises for well-formed
    facts; callers treat any exception as a withhold (fail closed)."""
    services = frozenset(services)
    unusable: list[Decision] = []
    for basis in sorted(bases, key=lambda b: b.id):
        if scope.value not in basis.scopes or not basis.covers(viewer):
            continue
        problem = basis.incomplete()
        if problem is not None:
            unusable.append(
                Decision(
                    allowed=False,
                    rule="statutory_basis_incomplete",
                    basis_id=basis.id,
                    detail=f"statutory basis cannot be used: {problem}",
                )
            )
        elif basis.in_force(on):
            return Decision(
                allowed=True,
                rule="statutory_basis",
                basis_id=basis.id,
                detail=f"shared without consent on the ground of {basis.ground}: {basis.reason}",
            )

    decisive: dict[str, ConsentFact] = {}
    for consent in consents:
        if scope.value not in consent.scopes or not consent.covers(viewer):
            continue
        if not consent.covers_services(services):
            continue
        problem = consent.giver_problem() or consent.time_problem(on)
        if problem is not None:
            rule = "consent_not_in_force" if consent.giver_problem() is None else "consent_invalid"
            unusable.append(Decision(allowed=False, rule=rule, basis_id=consent.id, detail=problem))
            continue
        best = decisive.get(consent.giver)
        if best is None or _rank(consent) > _rank(best):
            decisive[consent.giver] = consent
    refusals = sorted(
        (c for c in decisive.values() if c.decision == ConsentDecision.REFUSED.value),
        key=lambda c: c.id,
    )
    if refusals:
        refusal = refusals[0]
        who = "the child" if refusal.given_by_child else "a parent or carer"
        return Decision(
            allowed=False,
            rule="consent_refused",
            basis_id=refusal.id,
            detail=f"{who} refused consent on {refusal.given_on.isoformat()}",
        )
    given = sorted(decisive.values(), key=lambda c: c.id)
    if given:
        consent = given[0]
        who = "the child" if consent.given_by_child else "a person with parental responsibility"
        return Decision(
            allowed=True,
            rule="consent",
            basis_id=consent.id,
            detail=f"{who} consented on {consent.given_on.isoformat()}",
        )
    if unusable:
        return unusable[0]
    return Decision(
        allowed=False,
        rule="no_consent",
        detail=f"no consent or statutory basis covers {scope.value} for this viewer",
    )


def _rank(consent: ConsentFact) -> tuple[date, int, int]:
    refused = 1 if consent.decision == ConsentDecision.REFUSED.value else 0
    return (consent.given_on, -SPECIFICITY[consent.recipient], refused)


WITHHELD_ERROR = Decision(allowed=False, rule="error", detail="withheld: the decision failed")
