"""What every change to the CAF register shares: the gate opened and logged whatever
the outcome, who may change the CAF, new record ids, the event and the one import."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict, Unpack

from tacgraph import audit, gate
from tacgraph.access import AccessDenied, Requester
from tacgraph.caf.reading import load, serving, shielded_from, team_of
from tacgraph.caf.results import CafChange
from tacgraph.errors import CafRefused, NotFound
from tacgraph.importer import import_records
from tacgraph.model import Caf, CafAction, CafEvent, CafState, Record, Role
from tacgraph.rows.caf import CAF_PRACTITIONER, CafPractitionerRow
from tacgraph.rows.lookup import LOOKUP_REQUESTER
from tacgraph.store.base import Store


class Ids:
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


def refuse(caf_id: str, action: CafAction, reason: str) -> CafRefused:
    return CafRefused(f"{caf_id}: cannot {action.value.replace('_', ' ')}: {reason}")


def _caf(store: Store, caf_id: str) -> Caf:
    caf = load(store, Caf, caf_id)
    if caf is None:
        raise NotFound(f"no CAF {caf_id!r}", "check the CAF's id with 'tacgraph caf check'")
    return caf


def practitioner_row(store: Store, practitioner_id: str) -> CafPractitionerRow:
    rows = store.read(CAF_PRACTITIONER, {"practitioner_id": practitioner_id})
    if not rows:
        raise NotFound(f"no practitioner {practitioner_id!r}", "check the practitioner's id")
    return rows[0]


def _changeable(caf: Caf, action: CafAction, on: date) -> None:
    if caf.state is CafState.CLOSED:
        assert caf.closed_on is not None
        raise refuse(caf.id, action, f"it was closed on {caf.closed_on.isoformat()}")
    if on < caf.started_on:
        raise refuse(caf.id, action, f"{on.isoformat()} is before it started ({caf.started_on})")
    if caf.state_changed_on is not None and on < caf.state_changed_on:
        raise refuse(
            caf.id,
            action,
            f"{on.isoformat()} is before its last change ({caf.state_changed_on.isoformat()})",
        )


def current_reading() -> gate.Reading:
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
    rows = store.read(LOOKUP_REQUESTER, {"requester_id": by_id}, short=True)
    actor = gate.check_requester(rows, by_id, reading)
    caf = _caf(store, caf_id)
    _changeable(caf, action, on)
    if actor.role == Role.CAF_COORDINATOR.value:
        return caf, actor
    members = team_of(store, [caf.id])[caf.id]
    if not any(m["practitioner_id"] == actor.id and serving(m, on) for m in members):
        raise refuse(
            caf.id,
            action,
            f"{actor.id} is not a current member of its Team Around the Child "
            "(only a member or a CAF co-ordinator may change it)",
        )
    return caf, actor


class Via(TypedDict, total=False):
    """How a change to the register came, for its access-log entry; each change takes
    these as keywords, both optional: the ``clock`` that dates the entry (default the
    system's, :func:`tacgraph.audit.utc_now`) and the ``channel`` it came through
    (default ``"library"``)."""

    clock: audit.Clock
    channel: str


@dataclass
class _Change:
    """An open change: the CAF, who makes it, and whether the child is shielded from
    them (then the answer names no one on the team)."""

    caf: Caf | None = None
    actor: Requester | None = None
    shielded: bool = False
    disclosed: list[str] = field(default_factory=list)

    def parties(self) -> tuple[Caf, Requester]:
        """The CAF and who changes it: both known once :func:`changing` yields."""
        assert self.caf is not None and self.actor is not None
        return self.caf, self.actor


def outcome_of(exc: Exception, unknown: str, doing: str) -> tuple[str, str]:
    """The access-log outcome and detail of a change to the register that raised
    ``exc``: ``unknown`` when what was named does not exist, and ``doing`` names the
    change when it failed for any other reason than a refusal."""
    if isinstance(exc, AccessDenied):
        return "denied", str(exc)
    if isinstance(exc, NotFound):
        return unknown, str(exc)
    if isinstance(exc, CafRefused):
        # what the refusal said is what was disclosed: no more than an enquiry
        return "refused", str(exc)
    return "error", f"{type(exc).__name__} while {doing}"


@contextmanager
def changing(
    store: Store,
    caf_id: str,
    action: CafAction,
    by_id: str,
    on: date,
    **via: Unpack[Via],
) -> Iterator[_Change]:
    """Open the gate for a change to a CAF and write its access-log entry, whatever the
    outcome (changed, refused, denied, unknown), before the change is answered."""
    unknown = via.keys() - Via.__optional_keys__  # what mypy checks, checked as it runs
    if unknown:
        raise TypeError(f"{action.value} takes no keyword {', '.join(sorted(unknown))}")
    clock, channel = via.get("clock", audit.utc_now), via.get("channel", "library")
    with gate.opened(
        "caf_change", by_id, on=on, clock=clock, channel=channel, purpose=f"caf {action.value}"
    ) as reading:
        change = _Change()
        outcome, detail, flags = "changed", f"{action.value} {caf_id}", gate.flags(reading)
        try:
            change.caf, change.actor = _opened(store, caf_id, action, by_id, reading)
            change.shielded = change.caf.child_id in shielded_from(
                store, [change.caf.child_id], by_id
            )
            flags = gate.flags(reading, requester=change.actor)
            yield change
        except Exception as exc:
            outcome, detail = outcome_of(exc, "unknown", f"changing {caf_id}")
            raise
        finally:
            child_id = change.caf.child_id if change.caf is not None else _child_of(store, caf_id)
            entry = gate.pending(reading, child_id, outcome, change.disclosed, [], detail, flags)
            gate.log(store, entry, clock=clock)


def _child_of(store: Store, caf_id: str) -> str:
    """The child a CAF is about, for the log only (never shown); empty when unknown."""
    try:
        caf = load(store, Caf, caf_id)
    except Exception:
        return ""
    return caf.child_id if caf is not None else ""


def answered(change: _Change, result: CafChange) -> CafChange:
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


def new_event(ids: Ids, caf: Caf, action: CafAction, by_id: str, on: date, detail: str) -> CafEvent:
    return CafEvent(
        id=ids.new("CafEvent", f"{caf.id}-EV-{on:%Y%m%d}-{action.value}"),
        caf_id=caf.id,
        by_id=by_id,
        changed_on=on,
        action=action,
        detail=detail,
    )


def write(
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
