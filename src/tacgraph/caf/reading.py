"""Reading the CAF register: one record rebuilt from the graph, a CAF's team, whether
a CAF is open on a date, and whose whereabouts are shielded from whom."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from tacgraph.dates import current_on, ended_by
from tacgraph.mapping import EdgeTargets, from_graph
from tacgraph.model import Record
from tacgraph.rows.caf import (
    CAF_CHILDREN,
    CAF_TEAM,
    CafContactRow,
    CafOfChildrenRow,
    CafTeamRow,
)
from tacgraph.schema import graph_schema
from tacgraph.store.base import Store

R = TypeVar("R", bound=Record)


def serving(member: CafTeamRow, on: date) -> bool:
    """Whether a membership of a CAF's team holds on ``on``."""
    return current_on(member["started_on"], member["ended_on"], on)


def starter(row: CafOfChildrenRow) -> CafContactRow:
    """Who started a CAF, as the check names a member of its team."""
    return {
        "practitioner_id": row["starter_id"],
        "given_name": row["starter_given_name"],
        "family_name": row["starter_family_name"],
        "email": row["starter_email"],
        "phone": row["starter_phone"],
        "agency_id": row["starter_agency_id"],
        "agency_name": row["starter_agency_name"],
        "agency_kind": row["starter_agency_kind"],
        "agency_sensitive": row["starter_agency_sensitive"],
        "broker_contact": row["starter_broker_contact"],
    }


def load(store: Store, model: type[R], record_id: str) -> R | None:
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


def team_of(store: Store, caf_ids: Sequence[str]) -> dict[str, list[CafTeamRow]]:
    """Every membership, past and present, of each CAF's team."""
    out: dict[str, list[CafTeamRow]] = {cid: [] for cid in caf_ids}
    if caf_ids:
        for row in store.read(CAF_TEAM, {"caf_ids": list(caf_ids)}):
            out[row["caf_id"]].append(row)
    return out


def is_open(row: Mapping[str, Any], on: date) -> bool:
    return current_on(row["started_on"], row.get("closed_on"), on)


def not_yet_closed(row: Mapping[str, Any], on: date) -> bool:
    return not ended_by(row.get("closed_on"), on)


def shielded_from(store: Store, record_ids: Sequence[str], requester_id: str) -> set[str]:
    """The records whose whereabouts are shielded from the requester."""
    shielded: dict[str, bool] = {}
    named: dict[str, set[str]] = {}
    for row in store.read(CAF_CHILDREN, {"child_ids": list(record_ids)}):
        cid = str(row["child_id"])
        shielded[cid] = bool(row["shielded"])
        if row["shield_practitioner_id"] is not None:
            named.setdefault(cid, set()).add(str(row["shield_practitioner_id"]))
    return {cid for cid, s in shielded.items() if s and requester_id not in named.get(cid, ())}
