"""What the who-else lookup decides on, read from the store: for each known child asked
about, the child's own fields and one list of rows per section (ungated: for deciding
only, never shown as they are).

The same cases are read in the way each engine answers fastest (docs/benchmarks.md):

- Neo4j, one child or a case list: ``case_read``, one statement. Each statement costs a
  round trip there (about a millisecond), more than most sections cost to read.
- LadybugDB, one child: the ``child_*`` queries, each one linear MATCH chain from the
  child with no WHERE and no OPTIONAL MATCH, which LadybugDB answers by index lookups
  alone (an OPTIONAL MATCH hop or a WHERE costs it a join of about half a millisecond).
  Their rows are filtered by date and joined here.
- LadybugDB, a case list: the ``case_*`` queries, one statement per section for every
  child (after UNWIND, LadybugDB extends from bound nodes only through OPTIONAL MATCH),
  the shield only for the children who have one, and CAFs, consents and statutory
  bases in two steps: their ids from the children, then the records by id (the
  properties of a node reached after UNWIND cost LadybugDB a join against its whole
  table; a lookup by id does not); the teams last, from the open CAFs by id.

tests/test_cases.py checks that the three give the same cases on the same data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tacgraph import queries
from tacgraph.store.base import Row, Store

# Each section of a case: the query a case list reads it with (first, for every child;
# the shield: one chain for each shielded child; the teams: by CAF), and the column that
# is null where an OPTIONAL MATCH found nothing.
SECTIONS = {
    "shield": ("child_shield", "practitioner_id"),
    "involvements": ("case_involvements", "involvement_id"),
    "handovers": ("case_handovers", "handover_id"),
    "cafs": ("case_cafs", "caf_id"),
    "teams": ("case_teams", "membership_id"),
    "consents": ("case_consents", "consent_id"),
    "bases": ("case_bases", "basis_id"),
    "family": ("case_family", "family_member_id"),
}

# The chains one child is read with on LadybugDB: first the child and each section's
# own rows, then the chains that only add to what those gave, each read only where its
# test holds (most children have no statutory basis, many no open CAF, few a shield).
FIRST = (
    "lookup_child",
    "child_involvements",
    "child_involvement_agencies",
    "child_handovers",
    "child_cafs",
    "child_consents",
    "child_bases",
    "child_family",
)
LINKS: dict[str, Callable[[dict[str, list[Row]]], bool]] = {
    "child_shield": lambda read: bool(read["lookup_child"][0]["shielded"]),
    "child_handover_involvements": lambda read: bool(read["child_handovers"]),
    "child_teams": lambda read: bool(read["child_cafs"]),  # open CAFs only, by then
    "child_consent_givers": lambda read: bool(read["child_consents"]),
    "child_consent_recipients": lambda read: bool(read["child_consents"]),
    "child_basis_recorders": lambda read: bool(read["child_bases"]),
    "child_basis_recipients": lambda read: bool(read["child_bases"]),
    "child_family_homes": lambda read: bool(read["child_family"]),
}


Call = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Reading:
    """What one read gave: the rows of the extra calls asked for, in order, and the
    cases by child id."""

    extra: list[list[Row]]
    cases: dict[str, Row]


def read_cases(
    store: Store, child_ids: list[str], on: date, *, history: bool = False
) -> dict[str, Row]:
    """The case of each known child of ``child_ids`` on ``on``, by child id; children the
    store does not hold are left out. Handovers are read only with ``history`` (the
    lookup shows them only beside ended involvements); without it the section is empty."""
    return read_with(store, [], child_ids, on, history=history).cases


def read_with(
    store: Store, extra: list[Call], child_ids: list[str], on: date, *, history: bool = False
) -> Reading:
    """The cases as :func:`read_cases` reads them, and the rows of ``extra`` named
    queries read in the same unit before them (one read transaction on Neo4j, where
    each transaction costs round trips): the lookup reads its requester this way."""
    if not child_ids:
        return Reading(store.query_many(extra, short=True) if extra else [], {})
    if store.engine == "neo4j":
        rows, cases = _read_whole(store, extra, child_ids, on, history)
    elif len(child_ids) == 1:
        rows, cases = _read_chains(store, extra, child_ids[0], on, history)
    else:
        rows, cases = _read_sections(store, extra, child_ids, on, history)
    for case in cases.values():
        _finish(case)
    return Reading(rows, cases)


def _read_whole(
    store: Store, extra: list[Call], child_ids: list[str], on: date, history: bool
) -> tuple[list[list[Row]], dict[str, Row]]:
    # query_many: a read transaction, which a cluster routes to a secondary.
    params = {"child_ids": child_ids, "as_of": on, "history": history}
    *before, rows = store.query_many([*extra, ("case_read", params)])
    cases: dict[str, Row] = {}
    for row in rows:
        case = dict(row)
        for section, (_, key) in SECTIONS.items():
            if section != "shield":
                case[section] = [item for item in row[section] or [] if item[key] is not None]
        case["shield"] = [{"practitioner_id": p} for p in row["shield"] or [] if p is not None]
        cases[row["id"]] = case
    return before, cases


def _read_sections(
    store: Store, extra: list[Call], child_ids: list[str], on: date, history: bool
) -> tuple[list[list[Row]], dict[str, Row]]:
    """A case list on LadybugDB, in three units: the sections every child may have (of
    CAFs, consents and statutory bases only their ids); then those records by id, and
    the shield of each shielded child (one chain each: there are few); then the teams
    of the CAFs open on the day. Reading a node's properties after an UNWIND hop costs
    LadybugDB a join against the node's whole table; looking nodes up by id does not.
    Every read starts from given ids, so all run on one execution thread (``short``):
    a case list's reads at 1,000,000 children took 26 to 28 ms on one, 35 to 39 on two."""
    first = [s for s in SECTIONS if s not in ("shield", "teams") and (history or s != "handovers")]
    read = [("case_children", child_ids), *((SECTIONS[s][0], child_ids) for s in first)]
    answers = store.query_many([*extra, *_calls(store, read, on)], short=True)
    before, (children, *parts) = answers[: len(extra)], answers[len(extra) :]
    cases = {row["id"]: {**row, **{s: [] for s in SECTIONS}} for row in children}
    _add_rows(cases, first, parts)
    shielded = [c for c, case in cases.items() if case["shielded"]]
    named = {section: _ids(cases, section) for section in BY_ID}
    calls: list[Call] = [("child_shield", {"child_id": c}) for c in shielded]
    for section, by_id in BY_ID.items():
        given = {by_id.param: named[section], "as_of": on}
        calls += [(q, _params(store, q, given)) for q in by_id.queries if named[section]]
    later = iter(store.query_many(calls, short=True))
    for child_id in shielded:
        cases[child_id]["shield"] = next(later)
    for section, by_id in BY_ID.items():
        _records_in(
            cases, section, by_id, [next(later) if named[section] else [] for _ in by_id.queries]
        )
    open_cafs = _ids(cases, "cafs")
    if open_cafs:
        given = {"caf_ids": open_cafs, "as_of": on}
        _teams_in(cases, store.query_many([("case_teams", given)], short=True)[0])
    return before, cases


def _ids(cases: dict[str, Row], section: str) -> list[str]:
    """The ids a section of the cases holds, once each."""
    key = SECTIONS[section][1]
    return list(dict.fromkeys(row[key] for case in cases.values() for row in case[section]))


def _records_in(cases: dict[str, Row], section: str, by_id: ByID, read: list[list[Row]]) -> None:
    """Each case's records of ``section`` (ids only until now) as ``by_id`` read them:
    the details, with a field per recipient label where it reads recipients too. An id
    the details did not find is left out: a CAF not open on the day, or a record gone
    between the two reads (it grants nothing)."""
    key = SECTIONS[section][1]
    found = _by(read[0], key)
    if by_id.recipients:  # once for the whole list: a case list names hundreds of records
        to = [r for r in read[1] if r["to_label"]]
        named = _with_recipients(list(found.values()), to, key, by_id.labels)
        found = {record[key]: record for record in named}
    for case in cases.values():
        ids = dict.fromkeys(r[key] for r in case[section])
        case[section] = [dict(found[i]) for i in ids if i in found]


def _teams_in(cases: dict[str, Row], rows: list[Row]) -> None:
    """Each case's team members: those of its open CAFs, from rows by CAF."""
    by_caf: dict[str, list[Row]] = {}
    for row in rows:
        if row["membership_id"] is not None:
            by_caf.setdefault(row["caf_id"], []).append(row)
    for case in cases.values():
        case["teams"] = [dict(r) for caf in case["cafs"] for r in by_caf.get(caf["caf_id"], [])]


def _calls(
    store: Store, read: list[tuple[str, list[str]]], on: date
) -> list[tuple[str, dict[str, Any]]]:
    """Each named query with the children it reads, and the date where it takes one."""
    return [(name, _params(store, name, {"child_ids": ids, "as_of": on})) for name, ids in read]


def _add_rows(cases: dict[str, Row], sections: list[str], parts: list[list[Row]]) -> None:
    for section, rows in zip(sections, parts, strict=True):
        key = SECTIONS[section][1]
        for row in rows:
            child_id = row.pop("child_id")
            if row[key] is not None and child_id in cases:
                cases[child_id][section].append(row)


def _read_chains(
    store: Store, extra: list[Call], child_id: str, on: date, history: bool
) -> tuple[list[list[Row]], dict[str, Row]]:
    given = {"child_id": child_id}
    first = [n for n in FIRST if history or n != "child_handovers"]
    answers = store.query_many([*extra, *((n, given) for n in first)], short=True)
    before = answers[: len(extra)]
    read = dict(zip(first, answers[len(extra) :], strict=True))
    if not read["lookup_child"]:
        return before, {}
    read.setdefault("child_handovers", [])
    # Only an open CAF's team counts: with none, the team chain is not read.
    read["child_cafs"] = [
        r for r in read["child_cafs"] if _open(r["caf_started_on"], r["caf_closed_on"], on)
    ]
    links = [name for name, wanted in LINKS.items() if wanted(read)]
    links_read = store.query_many([(n, given) for n in links], short=True)
    read.update(zip(links, links_read, strict=True))
    read.update({name: [] for name in LINKS if name not in read})
    agencies = _by(read["child_involvement_agencies"], "involvement_id")
    involvements = [
        {**r, **agencies[r["involvement_id"]]}
        for r in read["child_involvements"]
        if r["involvement_id"] in agencies and _on_or_before(r["started_on"], on)
    ]
    handovers = _joined(
        [r for r in read["child_handovers"] if _on_or_before(r["shared_on"], on)],
        read["child_handover_involvements"],
        "handover_id",
        ("involvement_id",),
    )
    teams = [
        _without(r, "caf_started_on", "caf_closed_on", "membership_ended_on")
        for r in read["child_teams"]
        if _open(r["caf_started_on"], r["caf_closed_on"], on)
        and _open(r["since"], r["membership_ended_on"], on)
    ]
    consents = _joined(
        read["child_consents"], read["child_consent_givers"], "consent_id", ("giver_id",)
    )
    consents = _with_recipients(
        consents, read["child_consent_recipients"], "consent_id", _CONSENT_RECIPIENTS
    )
    bases = _joined(
        read["child_bases"], read["child_basis_recorders"], "basis_id", ("recorded_by_id",)
    )
    bases = _with_recipients(bases, read["child_basis_recipients"], "basis_id", _BASIS_RECIPIENTS)
    family = _joined(
        read["child_family"],
        read["child_family_homes"],
        "family_member_id",
        ("address_line", "postcode"),
    )
    case = {
        **read["lookup_child"][0],
        "shield": read["child_shield"],
        "involvements": involvements,
        "handovers": handovers,
        "cafs": [_without(r, "caf_closed_on") for r in read["child_cafs"]],
        "teams": teams,
        "consents": consents,
        "bases": bases,
        "family": family,
    }
    return before, {child_id: case}


def _finish(case: Row) -> None:
    """Whether each consent's giver holds parental responsibility (from the family
    section), and the shield as a list of practitioner ids."""
    responsible = {f["family_member_id"]: f["parental_responsibility"] for f in case["family"]}
    for consent in case["consents"]:
        consent["giver_parental_responsibility"] = responsible.get(consent["giver_id"])
    case["shield"] = [r["practitioner_id"] for r in case["shield"]]


def _params(store: Store, name: str, given: dict[str, Any]) -> dict[str, Any]:
    return {p: given[p] for p in queries.query_file(name, store.engine).params}


def _by(rows: Iterable[Row], key: str) -> dict[str, Row]:
    """Rows by ``key``; where a key repeats, the row that sorts first by ``repr``,
    whatever order the engine returned them in (rows are compared only then)."""
    found: dict[str, Row] = {}
    for row in rows:
        kept = found.setdefault(row[key], row)
        if kept is not row and repr(row) < repr(kept):
            found[row[key]] = row
    return found


def _joined(rows: list[Row], links: list[Row], key: str, fields: tuple[str, ...]) -> list[Row]:
    """Each row with ``fields`` from the link row of the same ``key`` (None where it has
    none): what an OPTIONAL MATCH of the link would have given."""
    found = _by(links, key)
    return [{**row, **{f: found.get(row[key], {}).get(f) for f in fields}} for row in rows]


_CONSENT_RECIPIENTS = ("Practitioner", "Agency", "Caf")
_BASIS_RECIPIENTS = ("Practitioner", "Agency")


@dataclass(frozen=True)
class ByID:
    """How a case list reads a section's records by id once the first read has named
    them: the query of their details (which may also filter them by date), the
    parameter naming them, and where the records have recipients, the query of those
    and the labels a recipient may have."""

    details: str
    param: str
    recipients: str | None = None
    labels: tuple[str, ...] = ()

    @property
    def queries(self) -> tuple[str, ...]:
        return (self.details,) if self.recipients is None else (self.details, self.recipients)


BY_ID = {
    "cafs": ByID("case_caf_details", "caf_ids"),
    "consents": ByID(
        "case_consent_details", "consent_ids", "case_consent_recipients", _CONSENT_RECIPIENTS
    ),
    "bases": ByID("case_basis_details", "basis_ids", "case_basis_recipients", _BASIS_RECIPIENTS),
}
_RECIPIENT_FIELDS = {
    "Practitioner": "to_practitioner_id",
    "Agency": "to_agency_id",
    "Caf": "to_caf_id",
}


def _with_recipients(
    records: list[Row], recipients: list[Row], key: str, labels: tuple[str, ...]
) -> list[Row]:
    """Each record with a field per recipient label (``to_practitioner_id`` and so on)
    from rows of ``key``, ``to_label`` and ``to_id``: None where it has none of that
    label, the smallest id where it has several."""
    found: dict[tuple[str, str], str] = {}
    for row in sorted(recipients, key=lambda r: str(r["to_id"])):
        found.setdefault((row[key], row["to_label"]), row["to_id"])
    return [
        {**r, **{_RECIPIENT_FIELDS[label]: found.get((r[key], label)) for label in labels}}
        for r in records
    ]


def _without(row: Row, *names: str) -> Row:
    """The row without the columns read only to filter it by date."""
    return {k: v for k, v in row.items() if k not in names}


def _on_or_before(day: date | None, on: date) -> bool:
    """Cypher's ``day <= $as_of``: false where the date is missing."""
    return day is not None and day <= on


def _open(started: date | None, ended: date | None, on: date) -> bool:
    """Cypher's ``started <= $as_of AND (ended IS NULL OR ended > $as_of)``."""
    return _on_or_before(started, on) and (ended is None or ended > on)
