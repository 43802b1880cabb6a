"""A practitioner's own casework: recording an involvement, ending it with a handover,
and recording a statutory basis.

- An involvement is the requester's own, for their own agency; it starts today or on a
  given date.
- No agency disengages without a handover (DOMAIN rule 3): ending an involvement needs a
  summary of the work (what was done, outcomes, unmet needs), and shares it, on the day
  the involvement ends, with the Team Around the Child of every open CAF (the lead
  professional among them) or, where there is no open CAF, with each practitioner still
  involved. The involvement and its handovers are written together.
- Where no one else is working with the child, ending leaves the child with no one: it
  is refused (:class:`NoOneLeft`) until the requester confirms it, and the summary is
  then kept on the child's record (a handover to no one) for whoever works with the
  child next. Needs that remain are a matter for the front door (004, section 6: "the
  child's identified needs will continue to be met").
- A statutory basis (significant harm, a section 47 enquiry, a court order) records its
  reason and shares at once: it permits the named agency to see the scopes given from
  the day it is recorded (DOMAIN rule 2), without waiting for consent.

Every write goes through :func:`tacgraph.importer.import_records` (the records are
validated by the model first) and is written to the access log.
"""

from __future__ import annotations

import json
import secrets
from datetime import date

from pydantic import BaseModel, ValidationError

from tacgraph import audit
from tacgraph.access import authorise
from tacgraph.dates import current_on
from tacgraph.errors import InvalidArgument, NoOneLeft, NotFound
from tacgraph.gate import front_door
from tacgraph.importer import import_records
from tacgraph.model import (
    Handover,
    HandoverKind,
    Involvement,
    Record,
    Scope,
    ServiceLevel,
    StatutoryBasis,
    StatutoryGround,
)
from tacgraph.rows.casework import (
    CASEWORK_AGENCIES,
    CASEWORK_CAFS,
    CASEWORK_COLLEAGUES,
    CASEWORK_INVOLVEMENT,
    CASEWORK_MINE,
    CASEWORK_MINE_CHILD,
    CaseworkAgenciesRow,
)
from tacgraph.store.base import Store
from tacgraph.wording import counted, not_known

GROUNDS = {
    StatutoryGround.SIGNIFICANT_HARM: "significant harm (or likely significant harm)",
    StatutoryGround.SECTION_47: "a section 47 enquiry",
    StatutoryGround.COURT_ORDER: "a court order",
}


class CaseInvolvement(BaseModel):
    """One of the practitioner's involvements, for the case list."""

    involvement_id: str
    child_id: str
    level: str
    started_on: date
    ended_on: date | None = None


class Ended(BaseModel):
    involvement_id: str
    child_id: str
    ended_on: date
    handover_ids: list[str]
    shared_with_teams: int  # open CAFs whose team (and lead) received the summary
    shared_with_practitioners: int  # practitioners still involved, where no CAF is open
    kept_on_record: bool = False  # no one else was involved: the summary went to no one


def _new_id(prefix: str) -> str:
    return f"{prefix}-W{secrets.token_hex(5).upper()}"


def _log(
    store: Store,
    requester_id: str,
    child_id: str,
    on: date,
    outcome: str,
    written: list[str],
    detail: str,
    *,
    channel: str,
    clock: audit.Clock,
    bases: list[str] | None = None,
) -> None:
    entry = audit.Pending(
        requester_id,
        child_id,
        "",
        on,
        outcome,
        written,
        bases or [],
        detail,
        path="casework",
        channel=channel,
    )
    audit.append_many(store, [entry], clock=clock)


def _valid(model: type[Record], **fields: object) -> Record:
    try:
        # JSON mode: the strict models take codes and ISO dates as the import files give them.
        return model.model_validate_json(json.dumps(fields, default=str))
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or model.__name__
        raise InvalidArgument(
            f"{model.__name__.lower()} {where}: {problem['msg']}", "correct it and try again"
        ) from exc


def _child(store: Store, child_id: str) -> None:
    if not store.nodes_by_id("Child", [child_id]):
        raise NotFound(f"child {child_id} is not known", "search for the child first")


def my_involvements(store: Store, practitioner_id: str) -> list[CaseInvolvement]:
    """The practitioner's involvements, newest first (their own records: ids, levels,
    dates; the children's details come from the gated lookup)."""
    return [
        CaseInvolvement(**row)
        for row in store.read(CASEWORK_MINE, {"practitioner_id": practitioner_id})
    ]


def my_involvements_with(
    store: Store, practitioner_id: str, child_id: str
) -> list[CaseInvolvement]:
    """The practitioner's involvements with one child, newest first (as
    :func:`my_involvements`, reading only that child's)."""
    params = {"practitioner_id": practitioner_id, "child_id": child_id}
    return [CaseInvolvement(**row) for row in store.read(CASEWORK_MINE_CHILD, params)]


def _record(
    store: Store,
    record: Record,
    requester_id: str,
    child_id: str,
    on: date,
    detail: str,
    *,
    channel: str,
    clock: audit.Clock,
    bases: list[str] | None = None,
) -> str:
    """Write a new record and its access-log entry; return its id."""
    import_records(store, [record])
    _log(
        store, requester_id, child_id, on, "recorded", [record.id], detail,
        channel=channel, clock=clock, bases=bases,
    )  # fmt: skip
    return record.id


def record_involvement(
    store: Store,
    requester_id: str,
    child_id: str,
    level: str,
    *,
    started_on: date | None = None,
    channel: str = "library",
    clock: audit.Clock = audit.utc_now,
) -> str:
    """Record that the requester is working with the child for their agency, at
    ``level``, from ``started_on`` (default today); returns the new involvement's id.
    Raises AccessDenied for a requester who may not use the directory, NotFound for an
    unknown child, InvalidArgument for a bad level or date, or an open involvement of
    the requester's with the child already."""
    on = clock().date()
    requester = authorise(store, requester_id, on)
    _child(store, child_id)
    start = started_on or on
    if start > on:
        raise InvalidArgument("the start date is in the future", "enter today or an earlier date")
    for mine in my_involvements(store, requester_id):
        if mine.child_id == child_id and mine.ended_on is None:
            raise InvalidArgument(
                f"you are already involved with {child_id} ({mine.involvement_id})",
                "end that involvement first, or leave it as it is",
            )
    if level not in {lv.value for lv in ServiceLevel}:
        raise InvalidArgument(f"level {level!r} is not a level of service", "choose a level")
    involvement = _valid(
        Involvement,
        id=_new_id("INV"),
        practitioner_id=requester_id,
        child_id=child_id,
        agency_id=requester.agency_id,
        level=level,
        started_on=start,
    )
    return _record(
        store, involvement, requester_id, child_id, on, "involvement recorded",
        channel=channel, clock=clock,
    )  # fmt: skip


def end_involvement(
    store: Store,
    requester_id: str,
    involvement_id: str,
    *,
    work_done: str,
    outcomes: str,
    unmet_needs: str,
    reason: str = "",
    kind: str = HandoverKind.SUMMARY_OF_WORK.value,
    ended_on: date | None = None,
    no_one_left: bool = False,
    channel: str = "library",
    clock: audit.Clock = audit.utc_now,
) -> Ended:
    """End the requester's own open involvement with a handover (DOMAIN rule 3): the
    summary goes to the team of every open CAF about the child, or, where none is open,
    to each practitioner still involved. The involvement is ended and the handovers
    written in one unit. Where no one else is working with the child, raises NoOneLeft
    (and writes the access-log entry of that answer) unless ``no_one_left`` confirms
    it; the summary is then kept on the child's record. Raises NotFound for an
    involvement that is not the requester's, InvalidArgument for one already ended or a
    summary with a part missing, and AccessDenied as :func:`record_involvement`."""
    on = clock().date()
    authorise(store, requester_id, on)
    rows = store.read(CASEWORK_INVOLVEMENT, {"involvement_id": involvement_id})
    if not rows or rows[0]["practitioner_id"] != requester_id:
        raise NotFound(
            f"involvement {involvement_id} is not one of yours", "choose it from your case list"
        )
    row = rows[0]
    if row["ended_on"] is not None:
        raise InvalidArgument(
            f"involvement {involvement_id} ended on {row['ended_on'].isoformat()}",
            "nothing to end",
        )
    missing = [
        words
        for words, text in (
            ("what was done", work_done),
            ("outcomes", outcomes),
            ("unmet needs", unmet_needs),
        )
        if not text.strip()
    ]
    if missing:
        raise InvalidArgument(
            f"the handover summary needs {', '.join(missing)}",
            "say what remains for colleagues, or 'none' where there is nothing",
        )
    end = ended_on or on
    if end < row["started_on"] or end > on:
        raise InvalidArgument(
            "the end date is before the involvement started or in the future",
            "enter a date from the start of the involvement to today",
        )
    child_id = str(row["child_id"])
    open_cafs = [
        str(c["caf_id"])
        for c in store.read(CASEWORK_CAFS, {"child_id": child_id})
        if c["state"] != "closed" and current_on(c["started_on"], c["closed_on"], end)
    ]
    colleagues: list[str] = []
    if not open_cafs:
        colleagues = sorted(
            {
                str(c["practitioner_id"])
                for c in store.read(CASEWORK_COLLEAGUES, {"child_id": child_id})
                if c["practitioner_id"] != requester_id
                and current_on(c["started_on"], c["ended_on"], end)
            }
        )
    alone = not open_cafs and not colleagues
    if alone and not no_one_left:
        _log(
            store,
            requester_id,
            child_id,
            on,
            "disclosed",
            [involvement_id],
            "end of involvement held back: no one else is working with the child",
            channel=channel,
            clock=clock,
        )
        raise NoOneLeft(
            f"no one else is working with the child of involvement {involvement_id}: "
            "ending it leaves the child with no one",
            front_door(),
        )
    summary = {
        "child_id": child_id,
        "involvement_id": involvement_id,
        "from_practitioner_id": requester_id,
        "kind": kind,
        "shared_on": end,
        "work_done": work_done.strip(),
        "outcomes": outcomes.strip(),
        "unmet_needs": unmet_needs.strip(),
    }
    handovers: list[Record] = [
        _valid(Handover, id=_new_id("HO"), to_caf_id=caf, **summary) for caf in open_cafs
    ] + [_valid(Handover, id=_new_id("HO"), to_practitioner_id=p, **summary) for p in colleagues]
    if alone:
        handovers.append(_valid(Handover, id=_new_id("HO"), **summary))
    ended = _valid(
        Involvement,
        id=involvement_id,
        practitioner_id=requester_id,
        child_id=child_id,
        agency_id=row["agency_id"],
        level=row["level"],
        started_on=row["started_on"],
        ended_on=end,
        end_reason=reason.strip() or None,
    )
    import_records(store, [ended, *handovers])
    ids = [h.id for h in handovers]
    _log(
        store,
        requester_id,
        child_id,
        on,
        "recorded",
        [involvement_id, *ids],
        "involvement ended; no one else working with the child: handover kept on its record"
        if alone
        else f"involvement ended; handover to {counted(len(open_cafs), 'team')}, "
        f"{counted(len(colleagues), 'colleague')}",
        channel=channel,
        clock=clock,
    )
    return Ended(
        involvement_id=involvement_id,
        child_id=child_id,
        ended_on=end,
        handover_ids=ids,
        shared_with_teams=len(open_cafs),
        shared_with_practitioners=len(colleagues),
        kept_on_record=alone,
    )


def agencies(store: Store) -> list[CaseworkAgenciesRow]:
    """Every agency (id, name, level), for choosing whom a basis lets see."""
    return store.read(CASEWORK_AGENCIES)


def record_basis(
    store: Store,
    requester_id: str,
    child_id: str,
    ground: str,
    reason: str,
    to_agency_id: str,
    scopes: list[str],
    *,
    channel: str = "library",
    clock: audit.Clock = audit.utc_now,
) -> str:
    """Record a statutory basis for sharing without consent (DOMAIN rule 2), recorded by
    the requester today, letting ``to_agency_id`` see ``scopes`` at once; returns its
    id. The reason is required: the IG report flags bases without one. Raises
    AccessDenied, NotFound (child, agency) and InvalidArgument (ground, scopes,
    reason)."""
    on = clock().date()
    authorise(store, requester_id, on)
    _child(store, child_id)
    if ground not in {g.value for g in StatutoryGround}:
        raise InvalidArgument(f"ground {ground!r} is not known", "choose a ground")
    if not reason.strip():
        raise InvalidArgument("the reason is missing", "say why the information must be shared")
    if not scopes:
        raise InvalidArgument("no information chosen to share", "choose at least one kind")
    unknown = [s for s in scopes if s not in {sc.value for sc in Scope}]
    if unknown:
        raise InvalidArgument(not_known("scope", unknown), "choose from the list")
    if not store.nodes_by_id("Agency", [to_agency_id]):
        raise NotFound(f"agency {to_agency_id} is not known", "choose an agency from the list")
    basis = _valid(
        StatutoryBasis,
        id=_new_id("SB"),
        child_id=child_id,
        ground=ground,
        recorded_by_id=requester_id,
        recorded_on=on,
        reason=reason.strip(),
        to_agency_id=to_agency_id,
        scopes=sorted(set(scopes)),
    )
    return _record(
        store, basis, requester_id, child_id, on,
        f"statutory basis ({ground}) for {to_agency_id}",
        channel=channel, clock=clock, bases=[basis.id],
    )  # fmt: skip
