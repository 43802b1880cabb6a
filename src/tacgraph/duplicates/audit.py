"""The duplicate audit of a whole store, and the check of one child's probable
duplicates: read the records and links through named queries, score them with the
model, set twins and siblings aside, explain and shield each pair."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from tacgraph.duplicates import evidence, features, model
from tacgraph.duplicates.features import ChildRecord
from tacgraph.duplicates.report import (
    DuplicateCluster,
    DuplicatePair,
    DuplicateReport,
    SeveralOpenCafs,
    explain,
    withhold,
)
from tacgraph.errors import InvalidArgument, NotFound
from tacgraph.queries import Query
from tacgraph.rows.common import ChildFamilyMemberRow
from tacgraph.rows.duplicates import (
    DUP_CANDIDATES,
    DUP_CANDIDATES_FAMILY,
    DUP_CANDIDATES_HOUSEHOLD,
    DUP_CHILDREN,
    DUP_CHILDREN_COUNT,
    DUP_FAMILY_IDS,
    DUP_FAMILY_OF,
    DUP_GP_PRACTICES,
    DUP_HOUSEHOLDS,
    DUP_OPEN_CAFS,
    DUP_SCHOOLS,
)
from tacgraph.schema import graph_schema
from tacgraph.store.base import Row, Store

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_MIN_PROBABILITY = 0.9
_EDGES: tuple[tuple[str, Query[Any], str], ...] = (
    ("household", DUP_HOUSEHOLDS, "household_id"),
    ("school", DUP_SCHOOLS, "school_id"),
    ("gp_practice", DUP_GP_PRACTICES, "gp_practice_id"),
)

Progress = Callable[[str, int], None]


def check_probability(value: float) -> None:
    """Raises InvalidArgument unless ``value`` is a probability strictly between 0 and 1."""
    if not 0.0 < value < 1.0:
        raise InvalidArgument(f"--min-probability {value} is not between 0 and 1")


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for item in self.parent:
            out[self.find(item)].append(item)
        return sorted(sorted(group) for group in out.values())


def _shielded_households(children: Mapping[str, ChildRecord]) -> set[str]:
    return {c.household_id for c in children.values() if c.shielded and c.household_id}


def _withheld(c: ChildRecord, households: set[str]) -> bool:
    return c.shielded or (c.household_id is not None and c.household_id in households)


def _relatives(
    children: Mapping[str, ChildRecord],
) -> Callable[[ChildRecord], list[ChildRecord]]:
    """The records sharing a household or a family member with a record."""
    by_key: dict[str, list[ChildRecord]] = defaultdict(list)
    for c in children.values():
        if c.household_id:
            by_key[f"h:{c.household_id}"].append(c)
        for member in c.family_ids:
            by_key[f"f:{member}"].append(c)

    def of(c: ChildRecord) -> list[ChildRecord]:
        keys = [f"h:{c.household_id}"] if c.household_id else []
        keys += [f"f:{m}" for m in c.family_ids]
        return [r for k in keys for r in by_key.get(k, [])]

    return of


def _pairs(
    scored: pd.DataFrame, children: Mapping[str, ChildRecord], households: set[str]
) -> tuple[list[DuplicatePair], dict[str, int]]:
    """The scored pairs as results, less those the rule says are two children; and how
    many were set aside, by reason."""
    pairs: list[DuplicatePair] = []
    set_aside: dict[str, int] = {}
    levels = model.evidence_by_level()
    relatives = _relatives(children)
    gammas = [c for c in scored.columns if c.startswith("gamma_")]
    for row in scored.to_dict("records"):
        left, right = sorted((str(row["unique_id_l"]), str(row["unique_id_r"])))
        a, b = children[left], children[right]
        reason = evidence.two_children(a, b, relatives)
        if reason is not None:
            set_aside[reason] = set_aside.get(reason, 0) + 1
            continue
        agreed: list[str] = []
        contrary: list[str] = []
        for column in gammas:
            found = levels.get(column[len("gamma_") :], {}).get(int(row[column]))
            if found is None:
                continue
            yes, no = found
            if yes:
                agreed.append(yes)
            if no:
                contrary.append(no)
        probability = float(row["match_probability"])
        pair = DuplicatePair(
            child_id=left,
            other_id=right,
            probability=round(probability, 6) if math.isfinite(probability) else 1.0,
            agreed=agreed,
            shared=evidence.shared(a, b),
            contrary=contrary,
            sibling_check=evidence.sibling_check(a, b, relatives),
        )
        if _withheld(a, households) or _withheld(b, households):
            pair = withhold(pair)
        else:
            pair = pair.model_copy(update={"explanation": explain(pair)})
        pairs.append(pair)
    pairs.sort(key=lambda p: (p.child_id, p.other_id))
    return pairs, dict(sorted(set_aside.items()))


def _add_family(links: dict[str, dict[str, Any]], rows: Iterable[ChildFamilyMemberRow]) -> None:
    for row in rows:
        links[str(row["child_id"])].setdefault("family_ids", set()).add(
            str(row["family_member_id"])
        )


def find_duplicates(
    store: Store,
    as_of: date,
    *,
    min_probability: float = DEFAULT_MIN_PROBABILITY,
    progress: Progress | None = None,
    backend: str | None = None,
) -> DuplicateReport:
    """The duplicate audit of every child in ``store`` on ``as_of``.

    Returns the probable duplicate pairs (probability at least ``min_probability``),
    each with its evidence in words, the clusters they form, the clusters in which more
    than one record holds an open CAF (duplicate CAFs), the records with more than one
    open CAF, and how many pairs were set aside as twins or siblings. The model learns
    from the store's children when there are enough (see
    :mod:`tacgraph.duplicates.model`); ``backend`` (``duckdb`` or ``spark``; default
    ``$TACGRAPH_DUPLICATES_BACKEND``, else DuckDB) runs it. Raises InvalidArgument for a
    probability outside (0, 1) or an unknown backend; StoreError when the engine fails.
    """
    check_probability(min_probability)
    engine = model.backend(backend)
    step = progress or (lambda phase, done: None)
    rows = store.read(DUP_CHILDREN)
    step("read children", len(rows))
    links: dict[str, dict[str, Any]] = defaultdict(dict)
    for key, query, column in _EDGES:
        for row in store.read(query):
            links[str(row["child_id"])][column] = row[column]
        step(f"read {key} links", len(rows))
    # One row per child, its family members gathered by the engine: half the rows of
    # one per link, and rows cost more to read than links to gather.
    for row in store.read(DUP_FAMILY_IDS):
        links[str(row["child_id"])]["family_ids"] = {str(f) for f in row["family_member_ids"]}
    step("read family links", len(rows))
    children = features.records(rows, links)
    train = len(rows) >= model.TRAIN_MIN_CHILDREN
    pairs: list[DuplicatePair] = []
    set_aside: dict[str, int] = {}
    note = f"no pairs to score: {len(rows)} children"
    if len(rows) >= 2:
        scored, trained = model.score(
            features.frame(rows, links), min_probability, train=train, backend_name=engine
        )
        note = trained.note
        step("scored pairs", len(scored))
        pairs, set_aside = _pairs(scored, children, _shielded_households(children))
    open_cafs: dict[str, list[str]] = defaultdict(list)
    for caf in store.read(DUP_OPEN_CAFS, {"as_of": as_of}):
        open_cafs[str(caf["child_id"])].append(str(caf["caf_id"]))
    groups = _UnionFind()
    for pair in pairs:
        groups.union(pair.child_id, pair.other_id)
    clusters = [
        DuplicateCluster(
            child_ids=group,
            open_caf_ids=sorted(caf for cid in group for caf in open_cafs.get(cid, [])),
        )
        for group in groups.groups()
    ]
    duplicate_cafs = [
        c for c in clusters if sum(1 for cid in c.child_ids if open_cafs.get(cid)) >= 2
    ]
    several = [
        SeveralOpenCafs(child_id=cid, caf_ids=sorted(cafs))
        for cid, cafs in sorted(open_cafs.items())
        if len(cafs) >= 2
    ]
    return DuplicateReport(
        as_of=as_of,
        children=len(rows),
        min_probability=min_probability,
        u_measured=train and len(rows) >= 2,
        model=note,
        backend=engine,
        pairs=pairs,
        clusters=clusters,
        duplicate_cafs=duplicate_cafs,
        several_open_cafs=several,
        set_aside=set_aside,
    )


def _swapped(value: date) -> date | None:
    if value.day > 12 or value.day == value.month:
        return None
    return date(value.year, value.day, value.month)


def _candidates(store: Store, child_id: str, row: Row) -> set[str]:
    born = row.get("date_of_birth") or row.get("expected_date")
    dates = [d for d in (born, _swapped(born) if born else None) if d is not None]
    ids: set[str] = set()
    for query, params in (
        (DUP_CANDIDATES, {"child_id": child_id, "dates": dates}),
        (DUP_CANDIDATES_HOUSEHOLD, {"child_id": child_id}),
        (DUP_CANDIDATES_FAMILY, {"child_id": child_id}),
    ):
        ids.update(str(r["id"]) for r in store.read(query, params))
    ids.discard(child_id)
    return ids


def probable_duplicates_of(
    store: Store, child_id: str, *, min_probability: float = DEFAULT_MIN_PROBABILITY
) -> list[DuplicatePair]:
    """The records that are probably the same child as ``child_id``, best first.

    Candidates are the records sharing a date of birth (or the same with day and month
    swapped), an NHS number, or given and family names with it, or a household or family
    member; each is scored with the model's fixed values (one child and its candidates
    are no population to learn from), the prior set by the store's size. Twins and
    siblings are never returned. Raises NotFound for an unknown child; InvalidArgument
    for a probability outside (0, 1); StoreError.
    """
    check_probability(min_probability)
    found = store.nodes_by_id("Child", [child_id])
    if child_id not in found:
        raise NotFound(f"no child {child_id!r}")
    ids = _candidates(store, child_id, found[child_id])
    if not ids:
        return []
    every = sorted(ids | {child_id})
    nodes = store.nodes_by_id("Child", every)
    rows: Sequence[Row] = [nodes[cid] for cid in every if cid in nodes]
    links: dict[str, dict[str, Any]] = defaultdict(dict)
    wanted = {column for _, _, column in _EDGES}
    for edge in graph_schema().edges_from("Child"):
        if edge.field in wanted:
            for source, target, _ in store.edges_from(edge, every):
                links[source][edge.field] = target
    _add_family(links, store.read(DUP_FAMILY_OF, {"child_ids": every}))
    population = int(store.read(DUP_CHILDREN_COUNT)[0]["children"])
    children = features.records(rows, links)
    table = features.frame(rows, links, probe=child_id)
    # The prior is the store's, not the candidates': pad the count the model sees.
    scored, _ = model.score(
        table,
        min_probability,
        train=False,
        blocking=["l.probe OR r.probe"],
        population=population,
    )
    pairs, _ = _pairs(scored, children, _shielded_households(children))
    mine = [
        p
        if p.child_id == child_id
        else p.model_copy(update={"child_id": child_id, "other_id": p.child_id})
        for p in pairs
        if child_id in (p.child_id, p.other_id)
    ]
    return sorted(mine, key=lambda p: (-p.probability, p.other_id))
