"""Information governance reports over the access log and the consents.

The access review names children, requesters and purposes: it is a read of child data,
through the gate (``audit_access`` in :data:`tacgraph.gate.READ_PATHS`), for an
information governance officer only (:func:`access_review`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from pydantic import BaseModel

from tacgraph import audit, gate
from tacgraph.rows.ig import (
    IG_BASES,
    IG_CONSENTS_EXPIRING,
    IG_INVOLVEMENT_LINKS,
    IG_LEFT_BUT_IN_TEAM,
    IG_MEMBERSHIP_LINKS,
)
from tacgraph.schema import graph_schema
from tacgraph.store.base import Store


class AccessRow(BaseModel):
    seq: int
    at: str
    requester_id: str
    requester_name: str | None = None
    requester_agency: str | None = None  # the agency's name
    child_id: str
    child_name: str | None = None
    purpose: str
    outcome: str
    disclosed: int
    bases: list[str]
    statutory: bool
    requester_not_involved: bool
    same_surname: bool
    # Every flag the gate recorded in the entry when the read was made (FLAGS' keys):
    # the evidence of an old read does not change with today's graph.
    recorded_flags: list[str] = []

    @property
    def flags(self) -> list[str]:
        """The entry's governance flags, in words."""
        return [FLAGS[key] for key in self.recorded_flags if key in FLAGS]


FLAGS = {
    "statutory": "disclosed on a statutory basis",
    "requester_not_involved": "requester not involved with the child",
    "same_surname": "child shares the requester's surname",
    "left_agency": "requester had left their agency",
    "past_date": "the past as it was (a governance look back)",
    "future_date": "asked about a date still to come",
    "enquiry_only": "enquiry only: known, and whom to contact",
    "bulk": "a bulk read (an export or a population audit)",
}
# The gate's flag codes, where they differ from the report's keys.
_FROM_GATE = {"statutory_basis": "statutory", "not_involved": "requester_not_involved"}


def report_flags(recorded: list[str]) -> list[str]:
    """The report's keys for the flags the gate recorded in an entry, in FLAGS' order."""
    keys = {_FROM_GATE.get(code, code) for code in recorded}
    return [key for key in FLAGS if key in keys]


class AccessReport(BaseModel):
    as_of: date
    since: date | None = None
    filters: list[str] = []  # what each filter given applied to, in words
    not_held: list[str] = []  # each filter's id that names no record, in words
    entries: list[AccessRow]
    statutory_bases: list[dict[str, object]]
    left_but_in_team: list[dict[str, object]]
    consents_expiring: list[dict[str, object]]
    note: str = (
        "Practitioners' home addresses are not held, so lookups of children at the "
        "requester's own address cannot be reported; surnames are compared."
    )

    def counts_by_flag(self) -> dict[str, int]:
        """How many entries carry each flag, and how many carry any."""
        out = {
            words: sum(flag in e.recorded_flags for e in self.entries)
            for flag, words in FLAGS.items()
        }
        out["any flag"] = sum(bool(e.flags) for e in self.entries)
        return out

    def counts_by_agency(self) -> list[tuple[str, int, int]]:
        """For each requester's agency (by name, "not known" where the requester is
        not): its entries and its flagged entries, most entries first."""
        found: dict[str, list[int]] = {}
        for e in self.entries:
            count = found.setdefault(e.requester_agency or "not known", [0, 0])
            count[0] += 1
            count[1] += bool(e.flags)
        return sorted(((name, n, f) for name, (n, f) in found.items()), key=lambda r: (-r[1], r[0]))


def access_review(
    store: Store,
    *,
    requester_id: str,
    practitioner: str | None = None,
    child: str | None = None,
    agency: str | None = None,
    since: date | None = None,
    as_of: date | None = None,
    expiring_within: int = 30,
    purpose: str = "",
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> AccessReport:
    """The access report (:func:`access_report`, as of ``as_of``, default today by
    ``clock``) for ``requester_id``, who must be authorised today and hold the
    information governance officer role. One access-log entry, flagged ``bulk``, names
    the filters and every child the report names, and is written before the report is
    returned. Raises AccessDenied (audited), StoreError."""
    with gate.opened(
        "audit_access", requester_id, on=as_of, clock=clock, channel=channel, purpose=purpose
    ) as reading:
        requester = gate.bulk_requester(store, reading, requester_id, clock=clock, officer=True)
        report = access_report(
            store,
            practitioner=practitioner,
            child=child,
            agency=agency,
            since=since,
            as_of=reading.on,
            expiring_within=expiring_within,
        )
        _shield(store, report, requester_id)
        named = {r.child_id for r in report.entries if r.child_id != "*"}
        for section in (report.statutory_bases, report.left_but_in_team, report.consents_expiring):
            named |= {str(row["child_id"]) for row in section}
        scope = "; ".join(report.filters) or "every entry"
        gate.log_bulk(
            store,
            reading,
            requester,
            sorted(f"child:{c}" for c in named),
            f"access review: {scope}",
            clock=clock,
            child_id=child or "*",
        )
        return report


def _shield(store: Store, report: AccessReport, requester_id: str) -> None:
    """Leave out the requester's agency beside a lookup of a shielded child whose shield
    does not name the officer: "a teacher at this school looked him up" locates him."""
    ids = sorted({r.child_id for r in report.entries} - {"*", ""})
    shielded = sorted(i for i, n in store.nodes_by_id("Child", ids).items() if n.get("shielded"))
    if not shielded:
        return
    names = next(e for e in graph_schema().edges_from("Child") if e.field == "shield_named")
    named = {(child, p) for child, p, _ in store.edges_from(names, shielded)}
    for row in report.entries:
        if row.child_id in shielded and (row.child_id, requester_id) not in named:
            row.requester_agency = None


def access_report(
    store: Store,
    *,
    practitioner: str | None = None,
    child: str | None = None,
    agency: str | None = None,
    since: date | None = None,
    as_of: date,
    expiring_within: int = 30,
) -> AccessReport:
    """The access log (filtered) with the flags an information governance officer asks
    for, statutory bases (with or without a recorded reason), practitioners still in a
    TAC after leaving their agency, and consents expiring within ``expiring_within``
    days of ``as_of``, with the names of the children and practitioners beside their
    ids. Raises StoreError.

    Each filter applies to every section it names (``filters`` says how): a
    practitioner (or an agency's practitioners) to the lookups they made, the bases they
    recorded, their own memberships after leaving, and the consents about children they
    work or worked with; a child to every section; ``since`` to the lookups, the bases
    recorded and the departures on or after it.

    The log is filtered as it is read. The flags are those the gate recorded in each
    entry when the read was made (not involved, same surname, left agency, a past date,
    a statutory basis used, ...), so an old read's evidence never changes with today's
    graph."""
    every_basis = store.read(IG_BASES)
    people: set[str] | None = {practitioner} if practitioner else None
    if agency:
        staff = _staff(store, agency)
        people = staff if people is None else people & staff
    rows: list[AccessRow] = []
    found = audit.entries(
        store,
        requester_id=practitioner or "",
        child_id=child or "",
        since=since.isoformat() if since else "",
    )
    for entry in found:
        if people is not None and entry.requester_id not in people:
            continue
        recorded = report_flags(list(entry.flags))
        rows.append(
            AccessRow(
                seq=entry.seq,
                at=entry.at,
                requester_id=entry.requester_id,
                child_id=entry.child_id,
                purpose=entry.purpose,
                outcome=entry.outcome,
                disclosed=len(entry.disclosed),
                bases=entry.bases,
                statutory="statutory" in recorded,
                requester_not_involved="requester_not_involved" in recorded,
                same_surname="same_surname" in recorded,
                recorded_flags=recorded,
            )
        )

    def kept(child_id: object, by: object, on: object) -> bool:
        return (
            (child is None or child_id == child)
            and (people is None or by in people)
            and (since is None or (isinstance(on, date) and on >= since))
        )

    bases = [
        dict(b) for b in every_basis if kept(b["child_id"], b["recorded_by_id"], b["recorded_on"])
    ]
    leavers = [
        dict(r)
        for r in store.read(IG_LEFT_BUT_IN_TEAM, {"as_of": as_of})
        if kept(r["child_id"], r["practitioner_id"], r["left_agency_on"])
    ]
    until = as_of + timedelta(days=expiring_within)
    theirs = None if people is None else {c for _, c in _first_links(store, sorted(people))}
    consents = [
        dict(r)
        for r in store.read(IG_CONSENTS_EXPIRING, {"as_of": as_of, "until": until})
        if (child is None or r["child_id"] == child) and (theirs is None or r["child_id"] in theirs)
    ]
    _name(store, rows, bases, leavers, consents)
    return AccessReport(
        as_of=as_of,
        since=since,
        filters=_filters(practitioner, child, agency, since),
        not_held=_not_held(store, practitioner=practitioner, child=child, agency=agency),
        entries=rows,
        statutory_bases=bases,
        left_but_in_team=leavers,
        consents_expiring=consents,
    )


def _filters(
    practitioner: str | None, child: str | None, agency: str | None, since: date | None
) -> list[str]:
    """What each filter given was applied to, in words, for the report to say."""
    said = []
    if practitioner:
        said.append(
            f"Practitioner {practitioner}: lookups they made, statutory bases they recorded, "
            "their own TAC memberships after leaving, consents about children they work or "
            "worked with."
        )
    if agency:
        said.append(
            f"Agency {agency}: lookups its practitioners made, statutory bases they recorded, "
            "their TAC memberships after leaving, consents about children they work or "
            "worked with."
        )
    if child:
        said.append(f"Child {child}: every section.")
    if since:
        said.append(
            f"Since {since}: lookups made, statutory bases recorded and departures from an "
            "agency on or after that day; consents expiring are as of the report's date."
        )
    return said


def _not_held(
    store: Store, *, practitioner: str | None, child: str | None, agency: str | None
) -> list[str]:
    """A sentence for each filter whose id names no record in the store (a mistyped id
    would otherwise read as "no one looked"): the log is still searched for it."""
    said = []
    for label, words, node_id in (
        ("Practitioner", "practitioner", practitioner),
        ("Child", "child", child),
        ("Agency", "agency", agency),
    ):
        if node_id and not store.nodes_by_id(label, [node_id]):
            said.append(
                f"no {words} {node_id} is held in the store: check the id (the log and "
                "every section were searched for it as given)"
            )
    return said


def _staff(store: Store, agency: str) -> set[str]:
    """The ids of the practitioners who work (or worked) for ``agency``."""
    works_for = next(e for e in graph_schema().edges_from("Practitioner") if e.target == "Agency")
    everyone = [str(p["id"]) for p in store.iter_nodes("Practitioner")]
    return {str(source) for source, target, _ in store.edges_from(works_for, everyone)
            if target == agency}  # fmt: skip


def _name(
    store: Store,
    rows: list[AccessRow],
    bases: list[dict[str, object]],
    leavers: list[dict[str, object]],
    consents: list[dict[str, object]],
) -> None:
    """Put the names of the children, practitioners and requesters' agencies beside
    their ids, read once for the whole report."""
    children = {r.child_id for r in rows}
    children |= {str(r["child_id"]) for r in [*bases, *leavers, *consents]}
    staff = {r.requester_id for r in rows}
    staff |= {str(b["recorded_by_id"]) for b in bases if b["recorded_by_id"]}
    staff |= {str(r["practitioner_id"]) for r in leavers}
    child_names = _full_names(store, "Child", sorted(children))
    staff_names = _full_names(store, "Practitioner", sorted(staff))
    works_for = next(e for e in graph_schema().edges_from("Practitioner") if e.target == "Agency")
    agency_of = {
        str(source): str(target)
        for source, target, _ in store.edges_from(works_for, sorted({r.requester_id for r in rows}))
    }
    agencies = {
        node_id: str(node["name"])
        for node_id, node in store.nodes_by_id("Agency", sorted(set(agency_of.values()))).items()
    }
    for row in rows:
        row.requester_name = staff_names.get(row.requester_id)
        row.child_name = child_names.get(row.child_id)
        row.requester_agency = agencies.get(agency_of.get(row.requester_id, ""))
    for b in bases:
        b["child_name"] = child_names.get(str(b["child_id"]))
        b["recorded_by_name"] = staff_names.get(str(b["recorded_by_id"]))
    for r in leavers:
        r["practitioner_name"] = staff_names.get(str(r["practitioner_id"]))
        r["child_name"] = child_names.get(str(r["child_id"]))
    for k in consents:
        k["child_name"] = child_names.get(str(k["child_id"]))


def _full_names(store: Store, label: str, ids: list[str]) -> dict[str, str]:
    """The name each node of ``label`` with one of ``ids`` is known by ("Sally Carter")."""
    names: dict[str, str] = {}
    for node_id, node in store.nodes_by_id(label, ids).items():
        given = node.get("preferred_name") or node.get("given_name")
        parts = [str(p) for p in (given, node.get("family_name")) if p]
        if parts:
            names[node_id] = " ".join(parts)
    return names


def names(store: Store, ids: Iterable[str]) -> dict[str, str]:
    """The name of each child, practitioner, family member and agency among ``ids``
    (others are left out), for reports that show names beside ids. Raises StoreError."""
    wanted = sorted(set(ids))
    found: dict[str, str] = {}
    if not wanted:
        return found
    for label in ("Child", "Practitioner", "FamilyMember"):
        found.update(_full_names(store, label, wanted))
    for node_id, node in store.nodes_by_id("Agency", wanted).items():
        found[node_id] = str(node["name"])
    return found


def _first_links(store: Store, requesters: list[str]) -> dict[tuple[str, str], date]:
    """When each requester's first involvement or TAC membership with each child started."""
    first: dict[tuple[str, str], date] = {}
    if not requesters:
        return first
    for query in (IG_INVOLVEMENT_LINKS, IG_MEMBERSHIP_LINKS):
        for link in store.read(query, {"requester_ids": requesters}):
            child_id, started = link["child_id"], link["started_on"]
            if child_id is not None and started is not None:
                pair = (link["requester_id"], child_id)
                first[pair] = min(first.get(pair, started), started)
    return first
