"""Reading the CAF register: one record rebuilt from the graph, a CAF's team, whether
a CAF is open on a date, and whose whereabouts are shielded from whom."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from tacgraph.dates import current_on, ended_by
from tacgraph.mapping import EdgeTargets, from_graph
from tacgraph.model import Record, TeamRole
from tacgraph.rows.caf import CAF_CHILDREN, CAF_TEAM
from tacgraph.schema import graph_schema
from tacgraph.store.base import Store

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class Member:
    membership_id: str
    team_role: str
    started_on: date
    ended_on: date | None
    practitioner_id: str
    given_name: str
    family_name: str
    email: str | None
    phone: str | None
    agency_id: str
    agency_name: str
    agency_kind: str
    agency_sensitive: bool
    broker_contact: str | None

    def current(self, on: date) -> bool:
        return current_on(self.started_on, self.ended_on, on)

    @classmethod
    def from_row(cls, row: Mapping[str, Any], prefix: str = "") -> Member:
        def get(name: str) -> Any:
            return row.get(f"{prefix}{name}")

        return cls(
            membership_id=str(row.get("membership_id") or ""),
            team_role=str(row.get("team_role") or TeamRole.LEAD.value),
            started_on=row.get("started_on") or date.min,
            ended_on=row.get("ended_on"),
            practitioner_id=str(get("id") if prefix else row["practitioner_id"]),
            given_name=str(get("given_name")),
            family_name=str(get("family_name")),
            email=get("email"),
            phone=get("phone"),
            agency_id=str(get("agency_id")),
            agency_name=str(get("agency_name")),
            agency_kind=str(get("agency_kind")),
            agency_sensitive=bool(get("agency_sensitive")),
            broker_contact=get("broker_contact"),
        )


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


def team_of(store: Store, caf_ids: Sequence[str]) -> dict[str, list[Member]]:
    out: dict[str, list[Member]] = {cid: [] for cid in caf_ids}
    if caf_ids:
        for row in store.read(CAF_TEAM, {"caf_ids": list(caf_ids)}):
            out[str(row["caf_id"])].append(Member.from_row(row))
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
