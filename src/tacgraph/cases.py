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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from tacgraph import queries
from tacgraph.access import requester_call
from tacgraph.dates import current_on
from tacgraph.queries import Call, Query, RowT
from tacgraph.rows.lookup import (
    CASE_BASES,
    CASE_BASIS_DETAILS,
    CASE_BASIS_RECIPIENTS,
    CASE_CAF_DETAILS,
    CASE_CAFS,
    CASE_CHILDREN,
    CASE_CONSENT_DETAILS,
    CASE_CONSENT_RECIPIENTS,
    CASE_CONSENTS,
    CASE_FAMILY,
    CASE_HANDOVERS,
    CASE_INVOLVEMENTS,
    CASE_READ,
    CASE_TEAMS,
    CHILD_BASES,
    CHILD_BASIS_RECIPIENTS,
    CHILD_BASIS_RECORDERS,
    CHILD_CAFS,
    CHILD_CONSENT_GIVERS,
    CHILD_CONSENT_RECIPIENTS,
    CHILD_CONSENTS,
    CHILD_FAMILY,
    CHILD_FAMILY_HOMES,
    CHILD_FAMILY_HOUSEHOLD_CHILDREN,
    CHILD_HANDOVER_INVOLVEMENTS,
    CHILD_HANDOVERS,
    CHILD_HOUSEHOLD_CHILDREN,
    CHILD_INVOLVEMENT_AGENCIES,
    CHILD_INVOLVEMENTS,
    CHILD_SHIELD,
    CHILD_TEAMS,
    GATE_SHIELDED_HOUSEHOLDS,
    LOOKUP_CHILD,
    LOOKUP_READ,
    LOOKUP_REQUESTER,
    CaseChildrenRow,
    CaseReadRow,
    CaseTeamsRow,
    ChildFamilyHouseholdChildrenRow,
    ChildHouseholdChildrenRow,
    GateShieldedHouseholdsRow,
    LookupRequesterRow,
)
from tacgraph.store.base import Row, Store

Found = TypeVar("Found", bound=Mapping[str, Any])
Link = TypeVar("Link", bound=Mapping[str, Any])

# Each section of a case: the query a case list reads it with (first, for every child;
# the shield: one chain for each shielded child; the teams: by CAF), and the column that
# is null where an OPTIONAL MATCH found nothing.
SECTIONS: dict[str, tuple[Query[Any], str]] = {
    "shield": (CHILD_SHIELD, "practitioner_id"),
    "involvements": (CASE_INVOLVEMENTS, "involvement_id"),
    "handovers": (CASE_HANDOVERS, "handover_id"),
    "cafs": (CASE_CAFS, "caf_id"),
    "teams": (CASE_TEAMS, "membership_id"),
    "consents": (CASE_CONSENTS, "consent_id"),
    "bases": (CASE_BASES, "basis_id"),
    "family": (CASE_FAMILY, "family_member_id"),
}

# The chains one child is read with on LadybugDB: first the child and each section's
# own rows (the handovers only with history); then, by _links, the chains that only add
# to what those gave, each read only where it adds something (most children have no
# statutory basis, many no open CAF, few a shield).
FIRST: tuple[Query[Any], ...] = (
    LOOKUP_CHILD,
    CHILD_INVOLVEMENTS,
    CHILD_INVOLVEMENT_AGENCIES,
    CHILD_HANDOVERS,
    CHILD_CAFS,
    CHILD_CONSENTS,
    CHILD_BASES,
    CHILD_FAMILY,
)

# The household shield's chains from one child on LadybugDB: the children of the
# child's household, and of each family member's.
HOUSEHOLD_CHAINS: tuple[Query[Any], ...] = (
    CHILD_HOUSEHOLD_CHILDREN,
    CHILD_FAMILY_HOUSEHOLD_CHILDREN,
)


@dataclass(frozen=True)
class Reading:
    """What one read gave: the rows of the extra calls asked for, in order (each checked
    against its query's row type), and the cases by child id, on the date asked for and
    on the second date (today) where one was asked for."""

    extra: list[list[Any]]
    cases: dict[str, Row]
    today: dict[str, Row]  # the cases on the second date asked for (``cases`` if none)
    shields: list[GateShieldedHouseholdsRow]  # with ``shields``: gate_shielded_households


class _Found:
    """The rows of the chains read so far, by query, each as its query's row type (they
    were checked as they were read); a chain not read gives no rows."""

    def __init__(self) -> None:
        self._rows: dict[Query[Any], list[Any]] = {}

    def add(self, read: Sequence[Query[Any]], rows: Sequence[list[Any]]) -> None:
        self._rows.update(zip(read, rows, strict=True))

    def __call__(self, query: Query[RowT]) -> list[RowT]:
        rows: list[RowT] = self._rows.get(query, [])
        return rows


def read_cases(
    store: Store, child_ids: list[str], on: date, *, history: bool = False
) -> dict[str, Row]:
    """The case of each known child of ``child_ids`` on ``on``, by child id; children the
    store does not hold are left out. Handovers are read only with ``history`` (the
    lookup shows them only beside ended involvements); without it the section is empty."""
    return read_with(store, [], child_ids, on, history=history).cases


def read_with(
    store: Store,
    extra: Sequence[Call[Any]],
    child_ids: list[str],
    on: date,
    *,
    history: bool = False,
    today: date | None = None,
    shields: bool = False,
) -> Reading:
    """The cases as :func:`read_cases` reads them, and the rows of ``extra`` named
    queries read in the same unit before them (one read transaction on Neo4j, where
    each transaction costs round trips): the lookup reads its requester this way. With
    ``today`` (another date than ``on``), also the cases on that date, without history,
    in the same unit: on LadybugDB one child's chains are read once and filtered for
    each date (they take no date), on Neo4j the case read for each date runs in the one
    transaction. With ``shields``, also the rows of gate_shielded_households for the
    children (the gate's household shield): on LadybugDB from each child's household
    chains, which give the same rows, each a few index lookups where that query joins
    against every child (228 of a case list's 245 ms at 200,000 children)."""
    second = today if today is not None and today != on else None
    if not child_ids:
        return Reading(_read_all(store, extra) if extra else [], {}, {}, [])
    households: list[GateShieldedHouseholdsRow] = []
    if store.engine == "neo4j":
        asked = (
            [*extra, GATE_SHIELDED_HOUSEHOLDS.call({"child_ids": child_ids})] if shields else extra
        )
        rows, cases, now = _read_whole(store, asked, child_ids, on, history, second)
        households = rows.pop() if shields else []
    elif len(child_ids) > 1:
        homes = list(dict.fromkeys(child_ids)) if shields else []
        chains = [q.call({"child_id": c}) for c in homes for q in HOUSEHOLD_CHAINS]
        rows, cases = _read_sections(store, [*extra, *chains], child_ids, on, history)
        now = _read_sections(store, [], child_ids, second, False)[1] if second else cases
        rows, found = rows[: len(extra)], rows[len(extra) :]
        households = _chain_households(store, homes, found)
    else:
        rows, cases, now, households = _read_chains(
            store, extra, child_ids[0], on, history, second, shields=shields
        )
    for case in {id(c): c for c in (*cases.values(), *now.values())}.values():
        _finish(case)
    return Reading(rows, cases, now, households)


def read_lookup(
    store: Store,
    requester_id: str,
    child_ids: list[str],
    on: date,
    *,
    history: bool = False,
    today: date | None = None,
) -> tuple[list[LookupRequesterRow], Reading]:
    """What a who-else lookup reads, in one unit: the requester's rows (as
    lookup_requester gives them), and the cases as :func:`read_with` reads them with
    ``shields``. On Neo4j one statement, ``lookup_read``, as a short read (an
    auto-commit read transaction, routed as a read transaction is): one round trip,
    where the requester, the shields and each date's cases as statements of a read
    transaction took one each and its BEGIN and COMMIT one more each (a failure is not
    retried: the lookup fails closed and logs it). On LadybugDB, :func:`read_with` with
    the requester as its extra call."""
    second = today if today is not None and today != on else None
    if store.engine != "neo4j" or not child_ids:
        call = requester_call(requester_id)
        reading = read_with(
            store, [call], child_ids, on, history=history, today=today, shields=True
        )
        return LOOKUP_REQUESTER.rows(reading.extra[0]), reading
    days = [on] if second is None else [on, second]
    params = {"requester_id": requester_id, "child_ids": child_ids, "days": days}
    (row,) = store.read(LOOKUP_READ, {**params, "history": history}, short=True)
    by_day: list[list[dict[str, Any]]] = [[] for _ in days]
    for case in row["cases"]:
        by_day[case.pop("day")].append(case)
    cases = _whole_cases(CASE_READ.rows(by_day[0]))
    now = _whole_cases(CASE_READ.rows(by_day[1])) if second is not None else cases
    for case in {id(c): c for c in (*cases.values(), *now.values())}.values():
        _finish(case)
    requester = LOOKUP_REQUESTER.rows(row["requester"])
    shields = GATE_SHIELDED_HOUSEHOLDS.rows(row["shields"])
    return requester, Reading([], cases, now, shields)


def _read_all(store: Store, calls: Sequence[Call[Any]], *, short: bool = True) -> list[list[Any]]:
    """:meth:`Store.read_many` of any number of calls: each call's rows, checked against
    its query's row type. ``short`` (the default): every read here starts from ids."""
    found: tuple[list[Any], ...] = store.read_many(*calls, short=short)
    return list(found)


def _read_whole(
    store: Store,
    extra: Sequence[Call[Any]],
    child_ids: list[str],
    on: date,
    history: bool,
    today: date | None = None,
) -> tuple[list[list[Any]], dict[str, Row], dict[str, Row]]:
    # A read transaction, which a cluster routes to a secondary.
    params = {"child_ids": child_ids, "as_of": on, "history": history}
    reads = [CASE_READ.call(params)]
    if today is not None:
        reads.append(CASE_READ.call({"child_ids": child_ids, "as_of": today, "history": False}))
    found = _read_all(store, [*extra, *reads], short=False)
    before, on_day = found[: len(extra)], found[len(extra) :]
    cases = _whole_cases(on_day[0])
    return before, cases, _whole_cases(on_day[1]) if today is not None else cases


def _whole_cases(rows: list[CaseReadRow]) -> dict[str, Row]:
    cases: dict[str, Row] = {}
    for row in rows:
        case: Row = dict(row)
        for section, (_, key) in SECTIONS.items():
            if section != "shield":
                case[section] = [item for item in case[section] or [] if item[key] is not None]
        case["shield"] = [{"practitioner_id": p} for p in row["shield"] or [] if p is not None]
        cases[row["id"]] = case
    return cases


def _read_sections(
    store: Store, extra: Sequence[Call[Any]], child_ids: list[str], on: date, history: bool
) -> tuple[list[list[Any]], dict[str, Row]]:
    """A case list on LadybugDB, in three units: the sections every child may have (of
    CAFs, consents and statutory bases only their ids); then those records by id, and
    the shield of each shielded child (one chain each: there are few); then the teams
    of the CAFs open on the day. Reading a node's properties after an UNWIND hop costs
    LadybugDB a join against the node's whole table; looking nodes up by id does not.
    Every read starts from given ids, so all run on one execution thread (``short``):
    a case list's reads at 1,000,000 children took 26 to 28 ms on one, 35 to 39 on two."""
    first = [s for s in SECTIONS if s not in ("shield", "teams") and (history or s != "handovers")]
    given = {"child_ids": child_ids, "as_of": on}
    read = [CASE_CHILDREN, *(SECTIONS[s][0] for s in first)]
    answers = _read_all(store, [*extra, *(_call(store, q, given) for q in read)])
    before, (found, *parts) = answers[: len(extra)], answers[len(extra) :]
    children: list[CaseChildrenRow] = found
    cases: dict[str, Row] = {row["id"]: {**row, **{s: [] for s in SECTIONS}} for row in children}
    _add_rows(cases, first, parts)
    shielded = [c for c, case in cases.items() if case["shielded"]]
    named = {section: _ids(cases, section) for section in BY_ID}
    calls: list[Call[Any]] = [CHILD_SHIELD.call({"child_id": c}) for c in shielded]
    for section, by_id in BY_ID.items():
        wanted = {by_id.param: named[section], "as_of": on}
        calls += [_call(store, q, wanted) for q in by_id.queries if named[section]]
    later = iter(_read_all(store, calls))
    for child_id in shielded:
        cases[child_id]["shield"] = next(later)
    for section, by_id in BY_ID.items():
        _records_in(
            cases, section, by_id, [next(later) if named[section] else [] for _ in by_id.queries]
        )
    open_cafs = _ids(cases, "cafs")
    if open_cafs:
        (teams,) = store.read_many(CASE_TEAMS.call({"caf_ids": open_cafs, "as_of": on}), short=True)
        _teams_in(cases, teams)
    return before, cases


def _ids(cases: dict[str, Row], section: str) -> list[str]:
    """The ids a section of the cases holds, once each."""
    key = SECTIONS[section][1]
    return list(dict.fromkeys(row[key] for case in cases.values() for row in case[section]))


def _records_in(cases: dict[str, Row], section: str, by_id: ByID, read: list[list[Any]]) -> None:
    """Each case's records of ``section`` (ids only until now) as ``by_id`` read them:
    the details, with a field per recipient label where it reads recipients too. An id
    the details did not find is left out: a CAF not open on the day, or a record gone
    between the two reads (it grants nothing)."""
    key = SECTIONS[section][1]
    found: dict[str, Mapping[str, Any]] = dict(_by(read[0], key))
    if by_id.recipients:  # once for the whole list: a case list names hundreds of records
        to = [r for r in read[1] if r["to_label"]]
        named = _with_recipients(list(found.values()), to, key, by_id.labels)
        found = {record[key]: record for record in named}
    for case in cases.values():
        ids = dict.fromkeys(r[key] for r in case[section])
        case[section] = [dict(found[i]) for i in ids if i in found]


def _teams_in(cases: dict[str, Row], rows: list[CaseTeamsRow]) -> None:
    """Each case's team members: those of its open CAFs, from rows by CAF."""
    by_caf: dict[str, list[CaseTeamsRow]] = {}
    for row in rows:
        if row["membership_id"] is not None:
            by_caf.setdefault(row["caf_id"], []).append(row)
    for case in cases.values():
        case["teams"] = [dict(r) for caf in case["cafs"] for r in by_caf.get(caf["caf_id"], [])]


def _call(store: Store, query: Query[RowT], given: Mapping[str, Any]) -> Call[RowT]:
    """``query`` with those of ``given`` it takes on this engine (the ids, and the date
    where it takes one)."""
    return query.call({p: given[p] for p in queries.query_file(query.name, store.engine).params})


def _add_rows(cases: dict[str, Row], sections: list[str], parts: list[list[Row]]) -> None:
    for section, rows in zip(sections, parts, strict=True):
        key = SECTIONS[section][1]
        for row in rows:
            child_id = row.pop("child_id")
            if row[key] is not None and child_id in cases:
                cases[child_id][section].append(row)


def _links(rows: _Found, open_cafs: bool) -> list[Query[Any]]:
    """The chains that only add to what the first read gave, each read only where the
    section it adds to has rows (the teams: where a CAF is open on the day)."""
    consents, bases = bool(rows(CHILD_CONSENTS)), bool(rows(CHILD_BASES))
    wanted: dict[Query[Any], bool] = {
        CHILD_SHIELD: bool(rows(LOOKUP_CHILD)[0]["shielded"]),
        CHILD_HANDOVER_INVOLVEMENTS: bool(rows(CHILD_HANDOVERS)),
        CHILD_TEAMS: open_cafs,
        CHILD_CONSENT_GIVERS: consents,
        CHILD_CONSENT_RECIPIENTS: consents,
        CHILD_BASIS_RECORDERS: bases,
        CHILD_BASIS_RECIPIENTS: bases,
        CHILD_FAMILY_HOMES: bool(rows(CHILD_FAMILY)),
    }
    return [query for query, needed in wanted.items() if needed]


def _read_chains(
    store: Store,
    extra: Sequence[Call[Any]],
    child_id: str,
    on: date,
    history: bool,
    today: date | None = None,
    *,
    shields: bool = False,
) -> tuple[list[list[Any]], dict[str, Row], dict[str, Row], list[GateShieldedHouseholdsRow]]:
    given = {"child_id": child_id}
    first = [q for q in FIRST if history or q is not CHILD_HANDOVERS]
    if shields:
        first += HOUSEHOLD_CHAINS
    answers = _read_all(store, [*extra, *(q.call(given) for q in first)])
    before, rows = answers[: len(extra)], _Found()
    rows.add(first, answers[len(extra) :])
    if not rows(LOOKUP_CHILD):
        return before, {}, {}, []
    # Only an open CAF's team counts: with none open on either date, the team chain is
    # not read.
    days = (on,) if today is None else (on, today)
    open_cafs = any(_open_cafs(rows, day) for day in days)
    links = _links(rows, open_cafs)
    # The shields that name whom each shielded child in those households lets see.
    homes = rows(CHILD_HOUSEHOLD_CHILDREN), rows(CHILD_FAMILY_HOUSEHOLD_CHILDREN)
    shielded = _shielded_in(homes)
    calls = [q.call(given) for q in links] + [CHILD_SHIELD.call({"child_id": o}) for o in shielded]
    found = _read_all(store, calls)
    rows.add(links, found[: len(links)])
    named = dict(zip(shielded, found[len(links) :], strict=True))
    households = _households(child_id, *homes, named)
    case = _chain_case(rows, on, history)
    now = _chain_case(rows, today, False) if today is not None else case
    return before, {child_id: case}, {child_id: now}, households


def _shielded_in(chains: Sequence[Sequence[Any]]) -> list[str]:
    """The shielded children among the rows of household chains, each once."""
    return list(dict.fromkeys(r["other_id"] for rows in chains for r in rows if r["shielded"]))


def _chain_households(
    store: Store, child_ids: Sequence[str], found: Sequence[list[Any]]
) -> list[GateShieldedHouseholdsRow]:
    """gate_shielded_households's rows for ``child_ids`` (each once) from ``found``, the
    rows of each child's HOUSEHOLD_CHAINS in turn, and the shield of each shielded child
    among them (one chain each: there are few)."""
    shielded = _shielded_in(found)
    calls = [CHILD_SHIELD.call({"child_id": o}) for o in shielded]
    shields = _read_all(store, calls) if calls else []
    named = dict(zip(shielded, shields, strict=True))
    pairs = iter(found)
    return [row for c in child_ids for row in _households(c, next(pairs), next(pairs), named)]


def _households(
    child_id: str,
    home: Sequence[ChildHouseholdChildrenRow],
    family: Sequence[ChildFamilyHouseholdChildrenRow],
    named: Mapping[str, list[Any]],
) -> list[GateShieldedHouseholdsRow]:
    """gate_shielded_households's rows from the household chains of one child: for each
    shielded child in the child's household (``home``; '' for the member) or a family
    member's (``family``), a row for each practitioner its shield names (none: one row
    with null)."""
    found: list[GateShieldedHouseholdsRow] = []
    homes = [("", r) for r in home]
    homes += [(r["family_member_id"], r) for r in family]
    for member, row in homes:
        if not row["shielded"]:
            continue
        names = [r["practitioner_id"] for r in named[row["other_id"]]] or [None]
        found += [
            {
                "child_id": child_id,
                "family_member_id": member,
                "other_id": row["other_id"],
                "shield_practitioner_id": p,
            }
            for p in names
        ]
    return found


def _open_cafs(rows: _Found, on: date) -> list[Row]:
    return [
        _without(r, "caf_closed_on")
        for r in rows(CHILD_CAFS)
        if current_on(r["caf_started_on"], r["caf_closed_on"], on)
    ]


def _chain_case(rows: _Found, on: date, history: bool) -> Row:
    """One child's case on ``on`` from the chains read (which take no date): each
    section filtered by date and joined to the chains that add to it, in new rows; the
    handovers only with ``history``."""
    agencies = _by(rows(CHILD_INVOLVEMENT_AGENCIES), "involvement_id")
    involvements = [
        {**r, **agencies[r["involvement_id"]]}
        for r in rows(CHILD_INVOLVEMENTS)
        if r["involvement_id"] in agencies and r["started_on"] <= on
    ]
    handovers = _joined(
        [r for r in rows(CHILD_HANDOVERS) if history and r["shared_on"] <= on],
        rows(CHILD_HANDOVER_INVOLVEMENTS),
        "handover_id",
        ("involvement_id",),
    )
    teams = [
        _without(r, "caf_started_on", "caf_closed_on", "membership_ended_on")
        for r in rows(CHILD_TEAMS)
        if current_on(r["caf_started_on"], r["caf_closed_on"], on)
        and current_on(r["since"], r["membership_ended_on"], on)
    ]
    consents = _joined(
        rows(CHILD_CONSENTS), rows(CHILD_CONSENT_GIVERS), "consent_id", ("giver_id",)
    )
    consents = _with_recipients(
        consents, rows(CHILD_CONSENT_RECIPIENTS), "consent_id", _CONSENT_RECIPIENTS
    )
    bases = _joined(rows(CHILD_BASES), rows(CHILD_BASIS_RECORDERS), "basis_id", ("recorded_by_id",))
    bases = _with_recipients(bases, rows(CHILD_BASIS_RECIPIENTS), "basis_id", _BASIS_RECIPIENTS)
    family = _joined(
        rows(CHILD_FAMILY),
        rows(CHILD_FAMILY_HOMES),
        "family_member_id",
        ("address_line", "postcode"),
    )
    return {
        **rows(LOOKUP_CHILD)[0],
        "shield": list(rows(CHILD_SHIELD)),
        "involvements": involvements,
        "handovers": handovers,
        "cafs": _open_cafs(rows, on),
        "teams": teams,
        "consents": consents,
        "bases": bases,
        "family": family,
    }


def _finish(case: Row) -> None:
    """Whether each consent's giver holds parental responsibility (from the family
    section), and the shield as a list of practitioner ids."""
    responsible = {f["family_member_id"]: f["parental_responsibility"] for f in case["family"]}
    for consent in case["consents"]:
        consent["giver_parental_responsibility"] = responsible.get(consent["giver_id"])
    case["shield"] = [r["practitioner_id"] for r in case["shield"]]


def _by(rows: Iterable[Found], key: str) -> dict[str, Found]:
    """Rows by ``key``; where a key repeats, the row that sorts first by ``repr``,
    whatever order the engine returned them in (rows are compared only then)."""
    found: dict[str, Found] = {}
    for row in rows:
        kept = found.setdefault(row[key], row)
        if kept is not row and repr(row) < repr(kept):
            found[row[key]] = row
    return found


def _joined(
    rows: Iterable[Found],
    links: Iterable[Link],
    key: str,
    fields: tuple[str, ...],
) -> list[Row]:
    """Each row with ``fields`` from the link row of the same ``key`` (None where it has
    none): what an OPTIONAL MATCH of the link would have given."""
    found: dict[str, Mapping[str, Any]] = dict(_by(links, key))
    return [{**row, **{f: found.get(row[key], {}).get(f) for f in fields}} for row in rows]


_CONSENT_RECIPIENTS = ("Practitioner", "Agency", "Caf")
_BASIS_RECIPIENTS = ("Practitioner", "Agency")


@dataclass(frozen=True)
class ByID:
    """How a case list reads a section's records by id once the first read has named
    them: the query of their details (which may also filter them by date), the
    parameter naming them, and where the records have recipients, the query of those
    and the labels a recipient may have."""

    details: Query[Any]
    param: str
    recipients: Query[Any] | None = None
    labels: tuple[str, ...] = ()

    @property
    def queries(self) -> tuple[Query[Any], ...]:
        return (self.details,) if self.recipients is None else (self.details, self.recipients)


BY_ID = {
    "cafs": ByID(CASE_CAF_DETAILS, "caf_ids"),
    "consents": ByID(
        CASE_CONSENT_DETAILS, "consent_ids", CASE_CONSENT_RECIPIENTS, _CONSENT_RECIPIENTS
    ),
    "bases": ByID(CASE_BASIS_DETAILS, "basis_ids", CASE_BASIS_RECIPIENTS, _BASIS_RECIPIENTS),
}
_RECIPIENT_FIELDS = {
    "Practitioner": "to_practitioner_id",
    "Agency": "to_agency_id",
    "Caf": "to_caf_id",
}


def _with_recipients(
    records: Iterable[Found],
    recipients: Iterable[Link],
    key: str,
    labels: tuple[str, ...],
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


def _without(row: Mapping[str, Any], *names: str) -> Row:
    """The row without the columns read only to filter it by date."""
    return {k: v for k, v in row.items() if k not in names}
