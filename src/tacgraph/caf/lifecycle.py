"""Each change to an open CAF: a member added, the lead changed, a review, a step up
or down, a closure."""

from __future__ import annotations

from datetime import date
from typing import Unpack

from tacgraph.caf.changes import (
    Ids,
    Via,
    answered,
    changing,
    current_reading,
    new_event,
    practitioner_row,
    refuse,
    write,
)
from tacgraph.caf.reading import load, serving, team_of
from tacgraph.caf.results import CafChange
from tacgraph.caf.sharing import caf_consent
from tacgraph.consent import Viewer
from tacgraph.dates import ended_by
from tacgraph.model import (
    LEVEL_RANK,
    Caf,
    CafAction,
    CafState,
    ChangeDirection,
    LevelChange,
    Record,
    Review,
    ReviewOutcome,
    ServiceLevel,
    TeamMembership,
    TeamRole,
)
from tacgraph.store.base import Store

LEVELS: tuple[ServiceLevel, ...] = tuple(sorted(ServiceLevel, key=LEVEL_RANK.__getitem__))


def add_member(
    store: Store, caf_id: str, practitioner_id: str, by_id: str, on: date, **via: Unpack[Via]
) -> CafChange:
    """Add a practitioner to the Team Around the Child of an open CAF.

    Needs a consent in force on ``on`` to share CAF content with them, their agency or
    the CAF's team (000 4.1: consent for each new member). Returns the change. Raises
    CafRefused (nothing written), AccessDenied, NotFound, StoreError.
    """
    action = CafAction.ADD_MEMBER
    with changing(store, caf_id, action, by_id, on, **via) as opened:
        caf, actor = opened.parties()
        member = practitioner_row(store, practitioner_id)
        left = member["left_agency_on"]
        if ended_by(left, on):
            raise refuse(caf.id, action, f"{practitioner_id} left their agency on {left}")
        team = team_of(store, [caf.id])[caf.id]
        if any(m["practitioner_id"] == practitioner_id and serving(m, on) for m in team):
            raise refuse(caf.id, action, f"{practitioner_id} is already a member")
        # the new member, as they will be: on the CAF's team
        viewer = Viewer(
            id=practitioner_id, agency_id=str(member["agency_id"]), teams=frozenset({caf.id})
        )
        consent, why = caf_consent(store, caf.child_id, viewer, current_reading())
        if consent is None:
            raise refuse(caf.id, action, why)
        ids = Ids(store)
        membership = TeamMembership(
            id=ids.new("TeamMembership", f"{caf.id}-TM-{practitioner_id}-{on:%Y%m%d}"),
            practitioner_id=practitioner_id,
            caf_id=caf.id,
            role=TeamRole.MEMBER,
            started_on=on,
        )
        detail = f"{practitioner_id} joined the team under consent {consent.id}"
        event = new_event(ids, caf, action, actor.id, on, detail)
        return answered(
            opened, write(store, caf, action, actor.id, on, [membership, event], detail)
        )


def _ended(store: Store, membership_id: str, on: date) -> TeamMembership:
    current = load(store, TeamMembership, membership_id)
    assert current is not None
    return current.model_copy(update={"ended_on": on})


def set_lead(
    store: Store, caf_id: str, practitioner_id: str, by_id: str, on: date, **via: Unpack[Via]
) -> CafChange:
    """Make a current member the Lead Professional from ``on``: the current lead's
    membership ends and they stay on the team as a member.

    Returns the change. Raises CafRefused (nothing written) when the practitioner is not
    a current member or already leads; AccessDenied, NotFound, StoreError.
    """
    action = CafAction.SET_LEAD
    with changing(store, caf_id, action, by_id, on, **via) as opened:
        caf, actor = opened.parties()
        team = [m for m in team_of(store, [caf.id])[caf.id] if serving(m, on)]
        theirs = [m for m in team if m["practitioner_id"] == practitioner_id]
        if not theirs:
            raise refuse(
                caf.id,
                action,
                f"{practitioner_id} is not a current member of its team (add them first)",
            )
        if any(m["team_role"] == TeamRole.LEAD.value for m in theirs):
            raise refuse(caf.id, action, f"{practitioner_id} is already its Lead Professional")
        ids = Ids(store)
        records: list[Record] = []
        former = [m for m in team if m["team_role"] == TeamRole.LEAD.value]
        for lead in former:
            records.append(_ended(store, lead["membership_id"], on))
            records.append(
                TeamMembership(
                    id=ids.new(
                        "TeamMembership", f"{caf.id}-TM-{lead['practitioner_id']}-{on:%Y%m%d}"
                    ),
                    practitioner_id=lead["practitioner_id"],
                    caf_id=caf.id,
                    role=TeamRole.MEMBER,
                    started_on=on,
                )
            )
        for membership in theirs:
            records.append(_ended(store, membership["membership_id"], on))
        records.append(
            TeamMembership(
                id=ids.new("TeamMembership", f"{caf.id}-TM-{practitioner_id}-{on:%Y%m%d}-lead"),
                practitioner_id=practitioner_id,
                caf_id=caf.id,
                role=TeamRole.LEAD,
                started_on=on,
            )
        )
        before = ", ".join(m["practitioner_id"] for m in former) or "nobody"
        detail = f"{practitioner_id} is Lead Professional in place of {before}"
        records.append(new_event(ids, caf, action, actor.id, on, detail))
        return answered(opened, write(store, caf, action, actor.id, on, records, detail))


def _level_change(
    ids: Ids,
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
                raise refuse(caf.id, action, f"it is already at {edge} level ({caf.level.value})")
            to_level = LEVELS[nxt]
        if (LEVEL_RANK[to_level] > rank) != up or to_level is caf.level:
            way = "higher" if up else "lower"
            raise refuse(
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
    current = [m for m in team_of(store, [caf.id])[caf.id] if serving(m, on)]
    return [_ended(store, m["membership_id"], on) for m in current]


def _move(
    store: Store,
    caf_id: str,
    action: CafAction,
    by_id: str,
    on: date,
    *,
    to_level: ServiceLevel | None = None,
    **via: Unpack[Via],
) -> CafChange:
    with changing(store, caf_id, action, by_id, on, **via) as opened:
        caf, actor = opened.parties()
        ids = Ids(store)
        changed, change, detail = _level_change(ids, caf, action, actor.id, on, to_level)
        records: list[Record] = [changed, change]
        if action is CafAction.CLOSE:
            records += _ending_memberships(store, caf, on)
        records.append(new_event(ids, caf, action, actor.id, on, detail))
        return answered(opened, write(store, changed, action, actor.id, on, records, detail))


class Move(Via, total=False):
    """The keywords of a step up or down: the level to move to (default the next one),
    and how the change came (:class:`~tacgraph.caf.changes.Via`)."""

    to_level: ServiceLevel | None


def step_up(store: Store, caf_id: str, by_id: str, on: date, **move: Unpack[Move]) -> CafChange:
    """Step an open CAF up to ``to_level`` (default the next level up), recording a
    LevelChange. Returns the change. Raises CafRefused (nothing written) when it is
    closed or the level is not higher; AccessDenied, NotFound, StoreError."""
    return _move(store, caf_id, CafAction.STEP_UP, by_id, on, **move)


def step_down(store: Store, caf_id: str, by_id: str, on: date, **move: Unpack[Move]) -> CafChange:
    """Step an open CAF down to ``to_level`` (default the next level down), recording a
    LevelChange. Returns the change. Raises CafRefused (nothing written) when it is
    closed or the level is not lower; AccessDenied, NotFound, StoreError."""
    return _move(store, caf_id, CafAction.STEP_DOWN, by_id, on, **move)


def close(store: Store, caf_id: str, by_id: str, on: date, **via: Unpack[Via]) -> CafChange:
    """Close an open CAF on ``on``: its state becomes closed, the closure is recorded as a
    LevelChange and the team's memberships end. Returns the change. Raises CafRefused
    (nothing written) when it is already closed; AccessDenied, NotFound, StoreError."""
    return _move(store, caf_id, CafAction.CLOSE, by_id, on, **via)


def review(
    store: Store,
    caf_id: str,
    by_id: str,
    on: date,
    outcome: ReviewOutcome,
    *,
    next_review_on: date | None = None,
    to_level: ServiceLevel | None = None,
    **via: Unpack[Via],
) -> CafChange:
    """Record a review of an open CAF and carry out its outcome: continue (with the next
    review date, required), close, step up or step down (001; 000 4.4).

    Returns the change. Raises CafRefused (nothing written) when the CAF is closed, the
    next review date is missing for continue or not after the review, or the outcome's
    move is not possible; AccessDenied, NotFound, StoreError.
    """
    action = CafAction.REVIEW
    with changing(store, caf_id, action, by_id, on, **via) as opened:
        caf, actor = opened.parties()
        if outcome is ReviewOutcome.CONTINUE and next_review_on is None:
            raise refuse(caf.id, action, "a review that continues the CAF needs a next review date")
        if outcome is ReviewOutcome.CLOSE and next_review_on is not None:
            raise refuse(caf.id, action, "a review that closes the CAF takes no next review date")
        if next_review_on is not None and next_review_on <= on:
            raise refuse(
                caf.id, action, f"the next review ({next_review_on}) is not after this one ({on})"
            )
        if to_level is not None and outcome not in (ReviewOutcome.STEP_UP, ReviewOutcome.STEP_DOWN):
            raise refuse(caf.id, action, "a level is given only for a step up or step down")
        ids = Ids(store)
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
        records.append(new_event(ids, caf, action, actor.id, on, detail))
        return answered(opened, write(store, changed, action, actor.id, on, records, detail))
