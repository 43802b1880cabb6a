"""The library calls the pages make, in one place: the who-else lookup with the web's
channel, explanations as sentences, and the meeting view of a map.

Nothing here decides what may be disclosed: the lookup does. The meeting view only
takes away (sensitive services, phone numbers, emails, ids) from what the lookup gave.
"""

from __future__ import annotations

from datetime import date

from tacgraph import audit, casework, lookup, timeline
from tacgraph.casework import CaseInvolvement
from tacgraph.lookup import Explanation, WhoElse
from tacgraph.render.tacmap import TacMap, build_map
from tacgraph.store.base import Store
from tacgraph.timeline import Timeline
from tacgraph.web.deps import User


def who_else(
    store: Store,
    user: User,
    child_id: str,
    *,
    purpose: str,
    clock: audit.Clock,
    history: bool = False,
) -> WhoElse:
    """``lookup.who_else`` for the signed-in user, explained, with the channel the
    request came through, which the access-log entry records. The purpose is the one
    the request carried: no default stands in for it, so a practitioner not involved
    with the child cannot look without having said why."""
    return lookup.who_else(
        store,
        child_id,
        user.practitioner_id,
        purpose=purpose,
        explain=True,
        history=history,
        clock=clock,
        channel=user.channel,
    )


def history(
    store: Store, user: User, child_id: str, *, purpose: str, clock: audit.Clock
) -> Timeline:
    """``timeline.timeline`` for the signed-in user, with the web's channel and the
    purpose the child's page carried (no default stands in for it)."""
    return timeline.timeline(
        store, child_id, user.practitioner_id, purpose=purpose, clock=clock, channel=user.channel
    )


def my_cases(
    store: Store, user: User, *, clock: audit.Clock
) -> list[tuple[CaseInvolvement, WhoElse | None]]:
    """The user's current involvements, each with ``lookup.who_else_many``'s answer for
    its child (one read and one audit write for the whole case list)."""
    current = [
        i for i in casework.my_involvements(store, user.practitioner_id) if i.ended_on is None
    ]
    if not current:
        return []
    answers = lookup.who_else_many(
        store,
        [i.child_id for i in current],
        user.practitioner_id,
        purpose="my case list",
        clock=clock,
        channel=user.channel,
    )
    by_child = {a.child_id: a for a in answers}
    return [(i, by_child.get(i.child_id)) for i in current]


_RULES = {
    "enquiry_without_consent": "Shown because whether a child is known, and whom to "
    "contact, can always be asked without consent.",
    "own_involvement": "Shown because it is your own work with the child.",
    "consent": "Shown because consent to share it with you is in force",
    "consent_refused": "Not shown because consent to share it was refused",
    "no_consent": "Not shown because there is no consent that covers you for it.",
    "no_lasting_basis": "Not shown because what allowed it on that date is not in force today",
    "statutory_basis": "Shown without consent because a statutory basis is recorded",
    "statutory_basis_incomplete": "Not shown: a statutory basis is recorded but it is incomplete",
    "shielded": "Not shown because the child is shielded and you are not named in the shield.",
    "error": "Not shown because the decision could not be made (this is logged).",
}


def sentence(explanation: Explanation) -> str:
    """One explanation as a sentence a practitioner reads."""
    base = _RULES.get(explanation.rule)
    if base is None:
        verb = "Shown" if explanation.shown else "Not shown"
        base = f"{verb} ({explanation.rule.replace('_', ' ')})"
    if base.endswith("."):
        return base
    extra = f" ({explanation.basis_id})" if explanation.basis_id else ""
    return f"{base}{extra}."


def meeting_map(result: WhoElse, sensitive_agencies: set[str]) -> tuple[TacMap, WhoElse]:
    """The map for a screen the family sees, and the answer it was drawn from: no
    sensitive services (neither their brokers nor anyone working for one), no phone
    numbers, emails or addresses, no ids, and no agency nodes (each person's agency is
    listed beside the map instead: fewer, larger labels)."""
    shown = result.model_copy(deep=True)
    shown.sensitive_services = []
    shown.involved = [v for v in shown.involved if v.agency_id not in sensitive_agencies]
    shown.ended = []
    for view in shown.involved:
        view.email = view.phone = None
    for relative in shown.family:
        relative.phone = relative.address_line = relative.postcode = None
    shown.address_line = shown.postcode = None
    shown.date_of_birth = None
    shown.contact = shown.contact.model_copy(update={"email": None, "phone": None})
    if shown.lead is not None:
        shown.lead = shown.lead.model_copy(update={"email": None, "phone": None})
    tacmap = build_map(shown)
    keep = {n.id for n in tacmap.nodes if n.kind not in ("broker", "consent_party", "agency")}
    tacmap.nodes = [n for n in tacmap.nodes if n.id in keep]
    for node in tacmap.nodes:  # ids mean nothing to a family, and are not for their screen
        if node.kind == "caf":
            node.label = "CAF\nTeam Around the Child"
    tacmap.edges = [e for e in tacmap.edges if e.source in keep and e.target in keep]
    return tacmap, shown


def today(clock: audit.Clock) -> date:
    return clock().date()
