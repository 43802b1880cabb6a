"""The consent under which CAF content may be shared with a practitioner, decided by
the gate exactly as the lookup decides it, and why none does."""

from __future__ import annotations

from datetime import date

from tacgraph import gate
from tacgraph.consent import ConsentFact, Decision, Viewer
from tacgraph.model import ConsentDecision, Scope
from tacgraph.rows.lookup import LOOKUP_CONSENTS
from tacgraph.store.base import Store


def giver(fact: ConsentFact) -> str:
    return "child" if fact.given_by_child else f"family member {fact.giver_id}"


def _unusable(fact: ConsentFact, viewer: Viewer, on: date, decision: Decision) -> str | None:
    """Why one consent does not let CAF content be shared with ``viewer`` on ``on``, in
    the order :func:`tacgraph.consent.decide` weighs it; None when it does. Only
    explains: the decision is ``decision``, which ``decide`` made."""
    if Scope.CAF_CONTENT.value not in fact.scopes:
        return f"{fact.id} does not cover caf_content"
    if not fact.covers(viewer):
        return f"{fact.id} is not to {viewer.id}, their agency or the CAF's team"
    problem = fact.giver_problem()
    if problem is not None:
        return f"{fact.id} is not valid: {problem}"
    problem = fact.time_problem(on)
    if problem is not None:
        return f"{fact.id} is not in force: {problem}"
    if fact.decision == ConsentDecision.REFUSED.value:
        return f"{fact.id} is a refusal from the {giver(fact)}"
    if not decision.allowed:
        return f"{fact.id} is overridden by {decision.basis_id}: {decision.detail}"
    return None


def caf_consent(
    store: Store,
    child_id: str,
    viewer: Viewer,
    reading: gate.Reading,
    consent_id: str | None = None,
    today_viewer: Viewer | None = None,
) -> tuple[ConsentFact | None, str]:
    """The consent under which CAF content may be shared with ``viewer`` on the date of
    the change, or None and why not.

    The decision is the gate's (:class:`tacgraph.gate.Gate`, caf_content over the
    child's consents, on the date of the change and on the real date), so the lookup and
    the register never differ on a refusal, a withdrawal, an expiry or who may consent.
    Statutory bases are left out: they let information be shared without consent, but a
    CAF is a voluntary assessment started and joined with the family's consent (000
    4.1). ``consent_id`` names the consent to use; it must itself be one the gate
    accepts. The reasons name only consents addressed to the viewer (their own access):
    anything else about the child's consents is more than an enquiry may learn."""
    facts = [ConsentFact.from_row(r) for r in store.read(LOOKUP_CONSENTS, {"child_id": child_id})]
    today = reading.today

    def decided(chosen: list[ConsentFact]) -> Decision:
        return gate.Gate(
            viewer, chosen, [], reading.on, today=today, today_viewer=today_viewer
        ).decide(Scope.CAF_CONTENT)

    decision = decided(facts)
    if consent_id is not None:
        chosen = [f for f in facts if f.id == consent_id and f.covers(viewer)]
        if not chosen:
            return None, f"consent {consent_id} to {viewer.id} is not recorded for {child_id}"
        facts = chosen
        if decision.allowed and decided(facts).allowed:
            return facts[0], ""
    elif decision.allowed:
        return next(f for f in facts if f.id == decision.basis_id), ""
    reasons = [
        r
        for f in facts
        if f.covers(viewer) and (r := _unusable(f, viewer, reading.on, decision)) is not None
    ]
    return None, "; ".join(
        reasons
    ) or f"no consent to share CAF content about {child_id} with {viewer.id}"
