"""The check before starting a CAF: is one open for the child (or a probable duplicate
record of it), and whom to contact to join its team."""

from __future__ import annotations

from datetime import date

from tacgraph import audit, duplicates, gate
from tacgraph.access import Requester
from tacgraph.caf.reading import is_open, serving, shielded_from, starter, team_of
from tacgraph.caf.results import CafCheck, Contact, DuplicateRecord, OpenCaf
from tacgraph.errors import NotFound
from tacgraph.model import CafState, TeamRole
from tacgraph.rows.caf import CAF_CHILDREN, CAF_OF_CHILDREN, CafContactRow
from tacgraph.store.base import Store


def _contact(member: CafContactRow, role: str, shielded: bool) -> Contact:
    if member["agency_sensitive"]:
        return Contact(
            role=role,
            broker=member["broker_contact"] or "the CAF co-ordinator",
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
        name=f"{member['given_name']} {member['family_name']}",
        agency=member["agency_name"],
        email=member["email"],
        phone=member["phone"],
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

        def log(outcome: str, disclosed: list[str], detail: str, flags: tuple[str, ...]) -> None:
            entry = gate.pending(reading, child_id, outcome, disclosed, [], detail, flags)
            gate.log(store, entry, clock=clock)

        requester = gate.checked_requester(store, reading, requester_id, child_id, clock=clock)
        child = store.read(CAF_CHILDREN, {"child_ids": [child_id]})
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
    shielded = shielded_from(store, records, requester.id)
    cafs = [r for r in store.read(CAF_OF_CHILDREN, {"child_ids": records}) if is_open(r, as_of)]
    teams = team_of(store, [str(r["caf_id"]) for r in cafs])
    found: list[OpenCaf] = []
    shown = ["child:caf_open", *(f"duplicate:{d.other_id}" for d in dups)]
    for row in cafs:
        caf_id, record = str(row["caf_id"]), str(row["child_id"])
        leads = [
            m for m in teams[caf_id] if m["team_role"] == TeamRole.LEAD.value and serving(m, as_of)
        ]
        hidden = record in shielded or child_id in shielded
        member: CafContactRow = leads[0] if leads else starter(row)
        role = "Lead Professional" if leads else "practitioner who started the CAF"
        contact = _contact(member, role, hidden)
        if hidden:
            via = "front_door"
        elif contact.broker:
            via = f"broker:{member['agency_id']}"
        else:
            via = f"contact:{member['practitioner_id']}"
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
