"""The CAF register: the check before starting a CAF, and each change to one after.

A practitioner starting a CAF must first confirm none exists for the child; if one does,
they contact its Lead Professional and ask to join that team, with consent (000 4.1;
001). :func:`check` answers that enquiry, which is always answerable to an authorised
practitioner (DOMAIN rule 1), and says no more than an enquiry may: whether a CAF is
open (on this record or on a probable duplicate record of the child), its id, state and
start date, and whom to contact. It never gives the child's details, and, as every
lookup, it is written to the access log (``tacgraph.audit``) before it is answered. A
lead working for a sensitive service is not named: the service's broker is given
instead. Where the child's whereabouts are shielded from the requester, a lead at a
school or GP practice is named with a phone number only, since the agency would locate
the child.

The lifecycle (:func:`start`, :func:`add_member`, :func:`set_lead`, :func:`review`,
:func:`step_up`, :func:`step_down`, :func:`close`) checks everything first and then
writes the new and changed records in one import (``tacgraph.importer.import_records``),
with a :class:`~tacgraph.model.CafEvent` naming who made the change and when. A refused
change raises :class:`CafRefused`, naming the CAF and the reason, and writes nothing.
Starting a CAF and adding a member need a consent to share CAF content with them, decided
by :func:`tacgraph.consent.decide` exactly as the lookup decides it.

Who may change a CAF: a practitioner authorised to use the directory
(:func:`tacgraph.access.authorise`) who is a current member of its Team Around the Child,
or a CAF co-ordinator. Dates are inclusive at the start and exclusive at the end: a
membership ended on a date no longer counts on that date, as a CAF closed on it does not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from tacgraph import audit, duplicates, gate
from tacgraph.access import AccessDenied, Requester, requester_call
from tacgraph.consent import ConsentFact, Decision, Viewer
from tacgraph.errors import CafRefused as CafRefused
from tacgraph.errors import NotFound
from tacgraph.importer import import_records
from tacgraph.mapping import EdgeTargets, from_graph
from tacgraph.model import (
    LEVEL_RANK,
    Caf,
    CafAction,
    CafEvent,
    CafState,
    ChangeDirection,
    ConsentDecision,
    LevelChange,
    Record,
    Review,
    ReviewOutcome,
    Role,
    Scope,
    ServiceLevel,
    TeamMembership,
    TeamRole,
)
from tacgraph.schema import graph_schema
from tacgraph.store.base import Row, Store

R = TypeVar("R", bound=Record)

LOCATING_KINDS = gate.LOCATING_KINDS
LEVELS: tuple[ServiceLevel, ...] = tuple(sorted(ServiceLevel, key=LEVEL_RANK.__getitem__))


# --------------------------------------------------------------------------- results


class Contact(BaseModel):
    """Whom to contact about a CAF. Fields the requester may not see are None and are
    listed in ``withheld``."""

    model_config = ConfigDict(frozen=True)
    role: str
    name: str | None = None
    agency: str | None = None
    email: str | None = None
    phone: str | None = None
    broker: str | None = None
    withheld: list[str] = []


class OpenCaf(BaseModel):
    """An open CAF found by the check, on this record or a probable duplicate record."""

    model_config = ConfigDict(frozen=True)
    caf_id: str
    state: CafState
    started_on: date
    record_id: str
    duplicate_probability: float | None
    contact: Contact
    how_to_join: str


class DuplicateRecord(BaseModel):
    model_config = ConfigDict(frozen=True)
    child_id: str
    probability: float


class CafCheck(BaseModel):
    """The answer to "is there a CAF for this child, and whom should I speak to?"."""

    child_id: str
    as_of: date
    requester_id: str
    open_cafs: list[OpenCaf]
    duplicate_records: list[DuplicateRecord]
    may_start: bool
    advice: str


class CafChange(BaseModel):
    """One change made to the register."""

    caf_id: str
    action: CafAction
    on: date
    by_id: str
    state: CafState
    level: ServiceLevel
    written: list[str]
    detail: str


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Member:
    membership_id: str
    team_role: str
    started_on: date
    ended_on: date | None
    practitioner_id: str
    given_name: str
    family_name: str
    email: str | None
    phone: str | None
    agency_id: str
    agency_name: str
    agency_kind: str
    agency_sensitive: bool
    broker_contact: str | None

    def current(self, on: date) -> bool:
        return self.started_on <= on and (self.ended_on is None or self.ended_on > on)

    @classmethod
    def from_row(cls, row: Row, prefix: str = "") -> _Member:
        def get(name: str) -> Any:
            return row.get(f"{prefix}{name}")

        return cls(
            membership_id=str(row.get("membership_id") or ""),
            team_role=str(row.get("team_role") or TeamRole.LEAD.value),
            started_on=row.get("started_on") or date.min,
            ended_on=row.get("ended_on"),
            practitioner_id=str(get("id") if prefix else row["practitioner_id"]),
            given_name=str(get("given_name")),
            family_name=str(get("family_name")),
            email=get("email"),
            phone=get("phone"),
            agency_id=str(get("agency_id")),
            agency_name=str(get("agency_name")),
            agency_kind=str(get("agency_kind")),
            agency_sensitive=bool(get("agency_sensitive")),
            broker_contact=get("broker_contact"),
        )


def _giver(fact: ConsentFact) -> str:
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
        return f"{fact.id} is a refusal from the {_giver(fact)}"
    if not decision.allowed:
        return f"{fact.id} is overridden by {decision.basis_id}: {decision.detail}"
    return None


def _caf_consent(
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
    facts = [
        ConsentFact.from_row(r) for r in store.query("lookup_consents", {"child_id": child_id})
    ]
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


def _load(store: Store, model: type[R], record_id: str) -> R | None:
    """One stored record, rebuilt from its node and edges; None when absent."""
    label = model.label()
    rows = store.nodes_by_id(label, [record_id])
    if record_id not in rows:
        return None
    edges: EdgeTargets = {}
    for edge in graph_schema().edges_from(label):
        for _, target, props in store.edges_from(edge, [record_id]):
            edges.setdefault(edge, []).append((target, props))
    record = from_graph(label, rows[record_id], edges)
    assert isinstance(record, model)
    return record


def _team(store: Store, caf_ids: Sequence[str]) -> dict[str, list[_Member]]:
    out: dict[str, list[_Member]] = {cid: [] for cid in caf_ids}
    if caf_ids:
        for row in store.query("caf_team", {"caf_ids": list(caf_ids)}):
            out[str(row["caf_id"])].append(_Member.from_row(row))
    return out


def _is_open(row: Mapping[str, Any], on: date) -> bool:
    closed = row.get("closed_on")
    return bool(row["started_on"] <= on and (closed is None or closed > on))


def _not_yet_closed(row: Mapping[str, Any], on: date) -> bool:
    closed = row.get("closed_on")
    return closed is None or closed > on


# --------------------------------------------------------------------------- the check


def _shielded_from(store: Store, record_ids: Sequence[str], requester_id: str) -> set[str]:
    """The records whose whereabouts are shielded from the requester."""
    shielded: dict[str, bool] = {}
    named: dict[str, set[str]] = {}
    for row in store.query("caf_children", {"child_ids": list(record_ids)}):
        cid = str(row["child_id"])
        shielded[cid] = bool(row["shielded"])
        if row["shield_practitioner_id"] is not None:
            named.setdefault(cid, set()).add(str(row["shield_practitioner_id"]))
    return {cid for cid, s in shielded.items() if s and requester_id not in named.get(cid, ())}


def _contact(member: _Member, role: str, shielded: bool) -> Contact:
    if member.agency_sensitive:
        return Contact(
            role=role,
            broker=member.broker_contact or "the CAF co-ordinator",
            withheld=["name", "agency", "email", "phone"],
        )
    if shielded:
        # as the lookup: the front door, never a line that could locate the child
        return Contact(
            role=role,
            broker=gate.front_door(),
            withheld=["name", "agency", "email", "phone"],
        )
    return Contact(
        role=role,
        name=f"{member.given_name} {member.family_name}",
        agency=member.agency_name,
        email=member.email,
        phone=member.phone,
    )


def _how_to_join(caf_id: str, contact: Contact) -> str:
    who = contact.name or contact.broker or "the CAF co-ordinator"
    if contact.broker:
        who = f"the broker ({contact.broker})"
    return (
        f"Contact {who} and ask to join the Team Around the Child of {caf_id}; "
        "the family's consent is needed before its content is shared with you."
    )


CHECK_PURPOSE = "caf check"


def check(
    store: Store,
    child_id: str,
    requester_id: str,
    as_of: date | None = None,
    *,
    min_probability: float = duplicates.DEFAULT_MIN_PROBABILITY,
    purpose: str = CHECK_PURPOSE,
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> CafCheck:
    """Whether a CAF is open on ``as_of`` for the child or a probable duplicate record of
    it (match probability at least ``min_probability``), and whom to contact.

    Every check, answered or refused, is written to the access log (``purpose``, the
    keys of what was shown) before anything is returned. Returns enquiry-level facts
    only, which need no consent. Raises AccessDenied (logged as denied) when the
    requester may not look up children; NotFound (logged as unknown_child) for an
    unknown child; InvalidInput for a probability outside (0, 1), before anything is
    read; StoreError when the engine or the access log fails (nothing is then returned).
    """
    duplicates.check_probability(min_probability)
    with gate.opened(
        "caf_check", requester_id, on=as_of, clock=clock, channel=channel, purpose=purpose
    ) as reading:
        rows: list[Row] = []

        def log(outcome: str, disclosed: list[str], detail: str, flags: tuple[str, ...]) -> None:
            gate.log(store, reading, child_id, outcome, disclosed, [], detail, flags, clock=clock)

        try:
            (rows,) = store.query_many([requester_call(requester_id)], short=True)
            requester = gate.check_requester(rows, requester_id, reading)
        except AccessDenied as denied:
            log(
                "denied", [], str(denied), gate.flags(reading, left=gate.left_agency(rows, reading))
            )
            raise
        child = store.query("caf_children", {"child_ids": [child_id]})
        if not child:
            log("unknown_child", [], "no child with this id", gate.flags(reading))
            raise NotFound(f"no child {child_id!r}", "check the child's id")
        try:
            result, shown = _check(store, child_id, requester, reading.on, min_probability)
        except Exception as exc:  # disclose nothing, but say so in the log
            log("error", [], f"{type(exc).__name__} while checking", gate.flags(reading))
            raise
        log(
            "disclosed",
            shown,
            "enquiry without consent (rule 1)",
            gate.flags(reading, requester=requester, child_family_name=child[0].get("family_name")),
        )
        return result


def _check(
    store: Store, child_id: str, requester: Requester, as_of: date, min_probability: float
) -> tuple[CafCheck, list[str]]:
    """The check's answer, and the access-log keys of what it shows."""
    dups = duplicates.probable_duplicates_of(store, child_id, min_probability=min_probability)
    probability = {d.other_id: d.probability for d in dups}
    records = [child_id, *probability]
    shielded = _shielded_from(store, records, requester.id)
    cafs = [r for r in store.query("caf_of_children", {"child_ids": records}) if _is_open(r, as_of)]
    teams = _team(store, [str(r["caf_id"]) for r in cafs])
    found: list[OpenCaf] = []
    shown = ["child:caf_open", *(f"duplicate:{d.other_id}" for d in dups)]
    for row in cafs:
        caf_id, record = str(row["caf_id"]), str(row["child_id"])
        leads = [
            m for m in teams[caf_id] if m.team_role == TeamRole.LEAD.value and m.current(as_of)
        ]
        hidden = record in shielded or child_id in shielded
        member = leads[0] if leads else _Member.from_row(row, prefix="starter_")
        role = "Lead Professional" if leads else "practitioner who started the CAF"
        contact = _contact(member, role, hidden)
        if hidden:
            via = "front_door"
        elif contact.broker:
            via = f"broker:{member.agency_id}"
        else:
            via = f"contact:{member.practitioner_id}"
        shown += [f"caf:{caf_id}", via]
        found.append(
            OpenCaf(
                caf_id=caf_id,
                state=CafState(row["state"]),
                started_on=row["started_on"],
                record_id=record,
                duplicate_probability=probability.get(record),
                contact=contact,
                how_to_join=_how_to_join(caf_id, contact),
            )
        )
    found.sort(key=lambda c: (c.duplicate_probability is not None, c.caf_id))
    if found:
        advice = (
            "A CAF is already open: do not start another. "
            + found[0].how_to_join
            + ("" if len(found) == 1 else " More than one CAF is open: tell the CAF co-ordinator.")
        )
    else:
        advice = (
            "No CAF is open for this child: you may start one, with the consent of the "
            "child or a person with parental responsibility."
        )
    answer = CafCheck(
        child_id=child_id,
        as_of=as_of,
        requester_id=requester.id,
        open_cafs=found,
        duplicate_records=[
            DuplicateRecord(child_id=d.other_id, probability=d.probability) for d in dups
        ],
        may_start=not found,
        advice=advice,
    )
    return answer, shown


# --------------------------------------------------------------------------- changes


class _Ids:
    """New record ids from a readable stem, unique in the store and in this change."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.taken: set[str] = set()

    def new(self, label: str, stem: str) -> str:
        if len(stem) > 110:
            digest = hashlib.blake2b(stem.encode(), digest_size=6).hexdigest()
            stem = f"{stem[:96]}-{digest}"
        candidate, n = stem, 1
        while candidate in self.taken or self.store.nodes_by_id(label, [candidate]):
            n += 1
            candidate = f"{stem}-{n}"
        self.taken.add(candidate)
        return candidate


def _refuse(caf_id: str, action: CafAction, reason: str) -> CafRefused:
    return CafRefused(f"{caf_id}: cannot {action.value.replace('_', ' ')}: {reason}")


def _caf(store: Store, caf_id: str) -> Caf:
    caf = _load(store, Caf, caf_id)
    if caf is None:
        raise NotFound(f"no CAF {caf_id!r}", "check the CAF's id with 'tacgraph caf check'")
    return caf


def _practitioner(store: Store, practitioner_id: str) -> Row:
    rows = store.query("caf_practitioner", {"practitioner_id": practitioner_id})
    if not rows:
        raise NotFound(f"no practitioner {practitioner_id!r}", "check the practitioner's id")
    return rows[0]


def _changeable(caf: Caf, action: CafAction, on: date) -> None:
    if caf.state is CafState.CLOSED:
        assert caf.closed_on is not None
        raise _refuse(caf.id, action, f"it was closed on {caf.closed_on.isoformat()}")
    if on < caf.started_on:
        raise _refuse(caf.id, action, f"{on.isoformat()} is before it started ({caf.started_on})")
    if caf.state_changed_on is not None and on < caf.state_changed_on:
        raise _refuse(
            caf.id,
            action,
            f"{on.isoformat()} is before its last change ({caf.state_changed_on.isoformat()})",
        )


def _reading() -> gate.Reading:
    reading = gate.current()
    if reading is None:  # a change is only ever made inside the gate
        raise RuntimeError("no gate is open")
    return reading


def _opened(
    store: Store, caf_id: str, action: CafAction, by_id: str, reading: gate.Reading
) -> tuple[Caf, Requester]:
    """The CAF to change and who is changing it, in the order a refusal may say: the
    practitioner must be authorised today and on the date of the change (else nothing
    about the CAF is said), the CAF must exist and be open on that date, and the
    practitioner must be on its team or a CAF co-ordinator."""
    on = reading.on
    (rows,) = store.query_many([requester_call(by_id)], short=True)
    actor = gate.check_requester(rows, by_id, reading)
    caf = _caf(store, caf_id)
    _changeable(caf, action, on)
    if actor.role == Role.CAF_COORDINATOR.value:
        return caf, actor
    members = _team(store, [caf.id])[caf.id]
    if not any(m.practitioner_id == actor.id and m.current(on) for m in members):
        raise _refuse(
            caf.id,
            action,
            f"{actor.id} is not a current member of its Team Around the Child "
            "(only a member or a CAF co-ordinator may change it)",
        )
    return caf, actor


@dataclass
class _Change:
    """An open change: the CAF, who makes it, and whether the child is shielded from
    them (then the answer names no one on the team)."""

    caf: Caf | None = None
    actor: Requester | None = None
    shielded: bool = False
    disclosed: list[str] = field(default_factory=list)


@contextmanager
def _changing(
    store: Store,
    caf_id: str,
    action: CafAction,
    by_id: str,
    on: date,
    clock: audit.Clock,
    channel: str,
) -> Iterator[_Change]:
    """Open the gate for a change to a CAF and write its access-log entry, whatever the
    outcome (changed, refused, denied, unknown), before the change is answered."""
    with gate.opened(
        "caf_change", by_id, on=on, clock=clock, channel=channel, purpose=f"caf {action.value}"
    ) as reading:
        change = _Change()
        outcome, detail, flags = "changed", f"{action.value} {caf_id}", gate.flags(reading)
        try:
            change.caf, change.actor = _opened(store, caf_id, action, by_id, reading)
            change.shielded = change.caf.child_id in _shielded_from(
                store, [change.caf.child_id], by_id
            )
            flags = gate.flags(reading, requester=change.actor)
            yield change
        except AccessDenied as denied:
            outcome, detail = "denied", str(denied)
            raise
        except NotFound as missing:
            outcome, detail = "unknown", str(missing)
            raise
        except CafRefused as refused:
            outcome, detail = "refused", str(refused)
            raise
        except Exception as exc:
            outcome, detail = "error", f"{type(exc).__name__} while changing {caf_id}"
            raise
        finally:
            child_id = change.caf.child_id if change.caf is not None else _child_of(store, caf_id)
            gate.log(
                store, reading, child_id, outcome, change.disclosed, [], detail, flags, clock=clock
            )


def _child_of(store: Store, caf_id: str) -> str:
    """The child a CAF is about, for the log only (never shown); empty when unknown."""
    try:
        caf = _load(store, Caf, caf_id)
    except Exception:
        return ""
    return caf.child_id if caf is not None else ""


def _answer(change: _Change, result: CafChange) -> CafChange:
    """The change as the actor may see it: for a child shielded from them, no one on
    the team is named (their agency could locate the child)."""
    change.disclosed.append(f"caf:{result.caf_id}")
    if not change.shielded:
        change.disclosed += [f"record:{r}" for r in result.written]
        return result
    return result.model_copy(
        update={
            "written": [],
            "detail": f"{result.action.value.replace('_', ' ')} recorded; the child is "
            f"shielded: ask {gate.front_door()} about the team",
        }
    )


def _event(ids: _Ids, caf: Caf, action: CafAction, by_id: str, on: date, detail: str) -> CafEvent:
    return CafEvent(
        id=ids.new("CafEvent", f"{caf.id}-EV-{on:%Y%m%d}-{action.value}"),
        caf_id=caf.id,
        by_id=by_id,
        changed_on=on,
        action=action,
        detail=detail,
    )


def _write(
    store: Store,
    caf: Caf,
    action: CafAction,
    by_id: str,
    on: date,
    records: list[Record],
    detail: str,
) -> CafChange:
    import_records(store, records)
    return CafChange(
        caf_id=caf.id,
        action=action,
        on=on,
        by_id=by_id,
        state=caf.state,
        level=caf.level,
        written=[r.id for r in records],
        detail=detail,
    )


def start(
    store: Store,
    child_id: str,
    by_id: str,
    on: date,
    *,
    level: ServiceLevel = ServiceLevel.TARGETED,
    consent_id: str | None = None,
    min_probability: float = duplicates.DEFAULT_MIN_PROBABILITY,
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> CafChange:
    """Start a CAF for a child, with the starter as its first member and Lead
    Professional until the team agrees another (:func:`set_lead`).

    Needs a consent to share CAF content with the starter (or their agency) in force on
    ``on`` (``consent_id`` picks one); refused while a CAF is open for the child or for a
    probable duplicate record of it (match probability at least ``min_probability``).
    Returns the change. Raises CafRefused (nothing written), AccessDenied, NotFound for
    an unknown child, InvalidInput for a bad probability, StoreError.
    """
    action = CafAction.START
    with gate.opened(
        "caf_start", by_id, on=on, clock=clock, channel=channel, purpose="caf start"
    ) as reading:
        rows: list[Row] = []
        outcome, detail, flags = "changed", "", gate.flags(reading)
        try:
            (rows,) = store.query_many([requester_call(by_id)], short=True)
            actor = gate.check_requester(rows, by_id, reading)
            flags = gate.flags(reading, requester=actor)
            change = _start(
                store, child_id, actor, reading, action, level, consent_id, min_probability
            )
            detail = change.detail
            return change
        except AccessDenied as denied:
            outcome, detail = "denied", str(denied)
            flags = gate.flags(reading, left=gate.left_agency(rows, reading))
            raise
        except NotFound as missing:
            outcome, detail = "unknown_child", str(missing)
            raise
        except CafRefused as refused:
            # what the refusal said is what was disclosed: no more than an enquiry
            outcome, detail = "refused", str(refused)
            raise
        except Exception as exc:
            outcome, detail = "error", f"{type(exc).__name__} while starting a CAF"
            raise
        finally:
            shown = ["child:caf_open"] if outcome in ("changed", "refused") else []
            gate.log(store, reading, child_id, outcome, shown, [], detail, flags, clock=clock)


def _start(
    store: Store,
    child_id: str,
    actor: Requester,
    reading: gate.Reading,
    action: CafAction,
    level: ServiceLevel,
    consent_id: str | None,
    min_probability: float,
) -> CafChange:
    on = reading.on
    if not store.query("caf_children", {"child_ids": [child_id]}):
        raise NotFound(f"no child {child_id!r}", "check the child's id")
    for row in store.query("caf_of_children", {"child_ids": [child_id]}):
        if _not_yet_closed(row, on):
            raise CafRefused(
                f"{child_id}: cannot start a CAF: {row['caf_id']} is open for this child "
                f"(started {row['started_on'].isoformat()})",
                "ask its Lead Professional to join the team: see 'tacgraph caf check'",
            )
    dups = duplicates.probable_duplicates_of(store, child_id, min_probability=min_probability)
    if dups:
        probability = {d.other_id: d.probability for d in dups}
        for row in store.query("caf_of_children", {"child_ids": list(probability)}):
            if _not_yet_closed(row, on):
                other = str(row["child_id"])
                raise CafRefused(
                    f"{child_id}: cannot start a CAF: {row['caf_id']} is open for "
                    f"{other}, probably the same child (probability "
                    f"{probability[other]:.3f})",
                    "ask its Lead Professional to join the team: see 'tacgraph caf check'; "
                    "have the duplicate records merged",
                )
    viewer = Viewer(id=actor.id, agency_id=actor.agency_id, teams=frozenset())
    consent, why = _caf_consent(store, child_id, viewer, reading, consent_id)
    if consent is None:
        raise CafRefused(
            f"{child_id}: cannot start a CAF: {why}",
            "record the consent of the child or a person with parental responsibility first",
        )
    ids = _Ids(store)
    stem = f"CAF-{child_id}-{on:%Y%m%d}"
    caf = Caf(
        id=ids.new("Caf", stem),
        child_id=child_id,
        started_by_id=actor.id,
        started_on=on,
        level=level,
    )
    lead = TeamMembership(
        id=ids.new("TeamMembership", f"{caf.id}-TM-{actor.id}-{on:%Y%m%d}"),
        practitioner_id=actor.id,
        caf_id=caf.id,
        role=TeamRole.LEAD,
        started_on=on,
    )
    detail = (
        f"started at level {level.value} under consent {consent.id} from the "
        f"{_giver(consent)}; {actor.id} leads until the team agrees another"
    )
    event = _event(ids, caf, action, actor.id, on, detail)
    return _write(store, caf, action, actor.id, on, [caf, lead, event], detail)


def add_member(
    store: Store,
    caf_id: str,
    practitioner_id: str,
    by_id: str,
    on: date,
    *,
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> CafChange:
    """Add a practitioner to the Team Around the Child of an open CAF.

    Needs a consent in force on ``on`` to share CAF content with them, their agency or
    the CAF's team (000 4.1: consent for each new member). Returns the change. Raises
    CafRefused (nothing written), AccessDenied, NotFound, StoreError.
    """
    action = CafAction.ADD_MEMBER
    with _changing(store, caf_id, action, by_id, on, clock, channel) as opened:
        assert opened.caf is not None and opened.actor is not None
        caf, actor = opened.caf, opened.actor
        member = _practitioner(store, practitioner_id)
        left = member["left_agency_on"]
        if left is not None and left <= on:
            raise _refuse(caf.id, action, f"{practitioner_id} left their agency on {left}")
        team = _team(store, [caf.id])[caf.id]
        if any(m.practitioner_id == practitioner_id and m.current(on) for m in team):
            raise _refuse(caf.id, action, f"{practitioner_id} is already a member")
        # the new member, as they will be: on the CAF's team
        viewer = Viewer(
            id=practitioner_id, agency_id=str(member["agency_id"]), teams=frozenset({caf.id})
        )
        consent, why = _caf_consent(store, caf.child_id, viewer, _reading())
        if consent is None:
            raise _refuse(caf.id, action, why)
        ids = _Ids(store)
        membership = TeamMembership(
            id=ids.new("TeamMembership", f"{caf.id}-TM-{practitioner_id}-{on:%Y%m%d}"),
            practitioner_id=practitioner_id,
            caf_id=caf.id,
            role=TeamRole.MEMBER,
            started_on=on,
        )
        detail = f"{practitioner_id} joined the team under consent {consent.id}"
        event = _event(ids, caf, action, actor.id, on, detail)
        return _answer(
            opened, _write(store, caf, action, actor.id, on, [membership, event], detail)
        )


def _ended(store: Store, membership_id: str, on: date) -> TeamMembership:
    current = _load(store, TeamMembership, membership_id)
    assert current is not None
    return current.model_copy(update={"ended_on": on})


def set_lead(
    store: Store,
    caf_id: str,
    practitioner_id: str,
    by_id: str,
    on: date,
    *,
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> CafChange:
    """Make a current member the Lead Professional from ``on``: the current lead's
    membership ends and they stay on the team as a member.

    Returns the change. Raises CafRefused (nothing written) when the practitioner is not
    a current member or already leads; AccessDenied, NotFound, StoreError.
    """
    action = CafAction.SET_LEAD
    with _changing(store, caf_id, action, by_id, on, clock, channel) as opened:
        assert opened.caf is not None and opened.actor is not None
        caf, actor = opened.caf, opened.actor
        team = [m for m in _team(store, [caf.id])[caf.id] if m.current(on)]
        theirs = [m for m in team if m.practitioner_id == practitioner_id]
        if not theirs:
            raise _refuse(
                caf.id,
                action,
                f"{practitioner_id} is not a current member of its team (add them first)",
            )
        if any(m.team_role == TeamRole.LEAD.value for m in theirs):
            raise _refuse(caf.id, action, f"{practitioner_id} is already its Lead Professional")
        ids = _Ids(store)
        records: list[Record] = []
        former = [m for m in team if m.team_role == TeamRole.LEAD.value]
        for lead in former:
            records.append(_ended(store, lead.membership_id, on))
            records.append(
                TeamMembership(
                    id=ids.new("TeamMembership", f"{caf.id}-TM-{lead.practitioner_id}-{on:%Y%m%d}"),
                    practitioner_id=lead.practitioner_id,
                    caf_id=caf.id,
                    role=TeamRole.MEMBER,
                    started_on=on,
                )
            )
        for membership in theirs:
            records.append(_ended(store, membership.membership_id, on))
        records.append(
            TeamMembership(
                id=ids.new("TeamMembership", f"{caf.id}-TM-{practitioner_id}-{on:%Y%m%d}-lead"),
                practitioner_id=practitioner_id,
                caf_id=caf.id,
                role=TeamRole.LEAD,
                started_on=on,
            )
        )
        before = ", ".join(m.practitioner_id for m in former) or "nobody"
        detail = f"{practitioner_id} is Lead Professional in place of {before}"
        records.append(_event(ids, caf, action, actor.id, on, detail))
        return _answer(opened, _write(store, caf, action, actor.id, on, records, detail))


def _level_change(
    ids: _Ids,
    caf: Caf,
    action: CafAction,
    by_id: str,
    on: date,
    to_level: ServiceLevel | None,
) -> tuple[Caf, LevelChange, str]:
    """The changed CAF and its LevelChange for a step up, step down or closure; raises
    CafRefused when the move is not possible."""
    rank = LEVEL_RANK[caf.level]
    if action is CafAction.CLOSE:
        changed = caf.model_copy(
            update={"state": CafState.CLOSED, "closed_on": on, "state_changed_on": on}
        )
        direction, target = ChangeDirection.CLOSE, None
        detail = f"closed at level {caf.level.value}"
    else:
        up = action is CafAction.STEP_UP
        if to_level is None:
            nxt = rank + 1 if up else rank - 1
            if not 0 <= nxt < len(LEVELS):
                edge = "the highest" if up else "the lowest"
                raise _refuse(caf.id, action, f"it is already at {edge} level ({caf.level.value})")
            to_level = LEVELS[nxt]
        if (LEVEL_RANK[to_level] > rank) != up or to_level is caf.level:
            way = "higher" if up else "lower"
            raise _refuse(
                caf.id,
                action,
                f"{to_level.value} is not {way} than its level ({caf.level.value})",
            )
        state = CafState.STEPPED_UP if up else CafState.STEPPED_DOWN
        changed = caf.model_copy(update={"state": state, "level": to_level, "state_changed_on": on})
        direction, target = (ChangeDirection.STEP_UP if up else ChangeDirection.STEP_DOWN), to_level
        detail = (
            f"{'stepped up' if up else 'stepped down'} from {caf.level.value} to {to_level.value}"
        )
    change = LevelChange(
        id=ids.new("LevelChange", f"{caf.id}-LC-{on:%Y%m%d}-{direction.value}"),
        child_id=caf.child_id,
        direction=direction,
        changed_on=on,
        from_level=caf.level,
        to_level=target,
        caf_id=caf.id,
        decided_by_id=by_id,
    )
    return changed, change, detail


def _ending_memberships(store: Store, caf: Caf, on: date) -> list[Record]:
    current = [m for m in _team(store, [caf.id])[caf.id] if m.current(on)]
    return [_ended(store, m.membership_id, on) for m in current]


def _move(
    store: Store,
    caf_id: str,
    action: CafAction,
    by_id: str,
    on: date,
    to_level: ServiceLevel | None = None,
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> CafChange:
    with _changing(store, caf_id, action, by_id, on, clock, channel) as opened:
        assert opened.caf is not None and opened.actor is not None
        caf, actor = opened.caf, opened.actor
        ids = _Ids(store)
        changed, change, detail = _level_change(ids, caf, action, actor.id, on, to_level)
        records: list[Record] = [changed, change]
        if action is CafAction.CLOSE:
            records += _ending_memberships(store, caf, on)
        records.append(_event(ids, caf, action, actor.id, on, detail))
        return _answer(opened, _write(store, changed, action, actor.id, on, records, detail))


def step_up(
    store: Store,
    caf_id: str,
    by_id: str,
    on: date,
    *,
    to_level: ServiceLevel | None = None,
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> CafChange:
    """Step an open CAF up to ``to_level`` (default the next level up), recording a
    LevelChange. Returns the change. Raises CafRefused (nothing written) when it is
    closed or the level is not higher; AccessDenied, NotFound, StoreError."""
    return _move(store, caf_id, CafAction.STEP_UP, by_id, on, to_level, clock, channel)


def step_down(
    store: Store,
    caf_id: str,
    by_id: str,
    on: date,
    *,
    to_level: ServiceLevel | None = None,
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> CafChange:
    """Step an open CAF down to ``to_level`` (default the next level down), recording a
    LevelChange. Returns the change. Raises CafRefused (nothing written) when it is
    closed or the level is not lower; AccessDenied, NotFound, StoreError."""
    return _move(store, caf_id, CafAction.STEP_DOWN, by_id, on, to_level, clock, channel)


def close(
    store: Store,
    caf_id: str,
    by_id: str,
    on: date,
    *,
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> CafChange:
    """Close an open CAF on ``on``: its state becomes closed, the closure is recorded as a
    LevelChange and the team's memberships end. Returns the change. Raises CafRefused
    (nothing written) when it is already closed; AccessDenied, NotFound, StoreError."""
    return _move(store, caf_id, CafAction.CLOSE, by_id, on, clock=clock, channel=channel)


def review(
    store: Store,
    caf_id: str,
    by_id: str,
    on: date,
    outcome: ReviewOutcome,
    *,
    next_review_on: date | None = None,
    to_level: ServiceLevel | None = None,
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> CafChange:
    """Record a review of an open CAF and carry out its outcome: continue (with the next
    review date, required), close, step up or step down (001; 000 4.4).

    Returns the change. Raises CafRefused (nothing written) when the CAF is closed, the
    next review date is missing for continue or not after the review, or the outcome's
    move is not possible; AccessDenied, NotFound, StoreError.
    """
    action = CafAction.REVIEW
    with _changing(store, caf_id, action, by_id, on, clock, channel) as opened:
        assert opened.caf is not None and opened.actor is not None
        caf, actor = opened.caf, opened.actor
        if outcome is ReviewOutcome.CONTINUE and next_review_on is None:
            raise _refuse(
                caf.id, action, "a review that continues the CAF needs a next review date"
            )
        if outcome is ReviewOutcome.CLOSE and next_review_on is not None:
            raise _refuse(caf.id, action, "a review that closes the CAF takes no next review date")
        if next_review_on is not None and next_review_on <= on:
            raise _refuse(
                caf.id, action, f"the next review ({next_review_on}) is not after this one ({on})"
            )
        if to_level is not None and outcome not in (ReviewOutcome.STEP_UP, ReviewOutcome.STEP_DOWN):
            raise _refuse(caf.id, action, "a level is given only for a step up or step down")
        ids = _Ids(store)
        record = Review(
            id=ids.new("Review", f"{caf.id}-RV-{on:%Y%m%d}"),
            caf_id=caf.id,
            held_on=on,
            outcome=outcome,
            next_review_on=next_review_on,
            recorded_by_id=actor.id,
        )
        records: list[Record] = [record]
        if outcome is ReviewOutcome.CONTINUE:
            changed = caf.model_copy(update={"state": CafState.REVIEWED, "state_changed_on": on})
            detail = f"reviewed: continue; next review {next_review_on}"
            records.insert(0, changed)
        else:
            move = {
                ReviewOutcome.CLOSE: CafAction.CLOSE,
                ReviewOutcome.STEP_UP: CafAction.STEP_UP,
                ReviewOutcome.STEP_DOWN: CafAction.STEP_DOWN,
            }[outcome]
            changed, change, what = _level_change(ids, caf, move, actor.id, on, to_level)
            detail = f"reviewed: {outcome.value}; {what}"
            records = [changed, record, change]
            if move is CafAction.CLOSE:
                records += _ending_memberships(store, caf, on)
        records.append(_event(ids, caf, action, actor.id, on, detail))
        return _answer(opened, _write(store, changed, action, actor.id, on, records, detail))
