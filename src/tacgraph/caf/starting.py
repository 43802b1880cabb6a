"""Starting a CAF: refused while one is open for the child or a probable duplicate
record, and without a consent to share CAF content with the starter."""

from __future__ import annotations

from datetime import date

from tacgraph import audit, duplicates, gate
from tacgraph.access import AccessDenied, Requester
from tacgraph.caf.changes import Ids, new_event, outcome_of, write
from tacgraph.caf.reading import not_yet_closed
from tacgraph.caf.results import CafChange
from tacgraph.caf.sharing import caf_consent, giver
from tacgraph.consent import Viewer
from tacgraph.errors import CafRefused, NotFound
from tacgraph.model import Caf, CafAction, ServiceLevel, TeamMembership, TeamRole
from tacgraph.rows.caf import CAF_CHILDREN, CAF_OF_CHILDREN
from tacgraph.rows.lookup import LOOKUP_REQUESTER, LookupRequesterRow
from tacgraph.store.base import Store


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
        rows: list[LookupRequesterRow] = []
        outcome, detail, flags = "changed", "", gate.flags(reading)
        try:
            rows = store.read(LOOKUP_REQUESTER, {"requester_id": by_id}, short=True)
            actor = gate.check_requester(rows, by_id, reading)
            flags = gate.flags(reading, requester=actor)
            change = _start(
                store, child_id, actor, reading, action, level, consent_id, min_probability
            )
            detail = change.detail
            return change
        except Exception as exc:
            outcome, detail = outcome_of(exc, "unknown_child", "starting a CAF")
            if isinstance(exc, AccessDenied):
                flags = gate.flags(reading, left=gate.left_agency(rows, reading))
            raise
        finally:
            shown = ["child:caf_open"] if outcome in ("changed", "refused") else []
            entry = gate.pending(reading, child_id, outcome, shown, [], detail, flags)
            gate.log(store, entry, clock=clock)


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
    if not store.read(CAF_CHILDREN, {"child_ids": [child_id]}):
        raise NotFound(f"no child {child_id!r}", "check the child's id")
    for row in store.read(CAF_OF_CHILDREN, {"child_ids": [child_id]}):
        if not_yet_closed(row, on):
            raise CafRefused(
                f"{child_id}: cannot start a CAF: {row['caf_id']} is open for this child "
                f"(started {row['started_on'].isoformat()})",
                "ask its Lead Professional to join the team: see 'tacgraph caf check'",
            )
    dups = duplicates.probable_duplicates_of(store, child_id, min_probability=min_probability)
    if dups:
        probability = {d.other_id: d.probability for d in dups}
        for row in store.read(CAF_OF_CHILDREN, {"child_ids": list(probability)}):
            if not_yet_closed(row, on):
                other = str(row["child_id"])
                raise CafRefused(
                    f"{child_id}: cannot start a CAF: {row['caf_id']} is open for "
                    f"{other}, probably the same child (probability "
                    f"{probability[other]:.3f})",
                    "ask its Lead Professional to join the team: see 'tacgraph caf check'; "
                    "have the duplicate records merged",
                )
    viewer = Viewer(id=actor.id, agency_id=actor.agency_id, teams=frozenset())
    consent, why = caf_consent(store, child_id, viewer, reading, consent_id)
    if consent is None:
        raise CafRefused(
            f"{child_id}: cannot start a CAF: {why}",
            "record the consent of the child or a person with parental responsibility first",
        )
    ids = Ids(store)
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
        f"{giver(consent)}; {actor.id} leads until the team agrees another"
    )
    event = new_event(ids, caf, action, actor.id, on, detail)
    return write(store, caf, action, actor.id, on, [caf, lead, event], detail)
