"""Rule 7 and parallel plans: cumulative need with no CAF and no lead; more than one
active statutory plan."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from tacgraph.dates import open_on
from tacgraph.model import LEVEL_RANK, ServiceLevel
from tacgraph.practice.casebook import STATUTORY_KINDS, Casebook, Team, edge, subject_edge
from tacgraph.practice.findings import AuditSettings, Finding


def check_cumulative_need(data: Casebook, settings: AuditSettings) -> list[Finding]:
    """Rule 7: a child currently involved with at least ``cumulative_agencies`` agencies at
    ``cumulative_min_level`` or above, with no open CAF and no lead professional."""
    as_of = data.as_of
    floor = LEVEL_RANK[settings.cumulative_min_level]
    teams = data.teams_by_child()
    findings = []
    for child, invs in sorted(data.involvements().items()):
        current = [
            i
            for i in invs
            if open_on(i.start, i.end, as_of) and LEVEL_RANK[ServiceLevel(i.level)] >= floor
        ]
        first: dict[str, date] = {}
        for i in current:
            first[i.agency_id] = min(first.get(i.agency_id, i.start), i.start)
        if len(first) < settings.cumulative_agencies:
            continue
        mine = teams.get(child, [])
        if any(t.label == "Caf" and t.open_on(as_of) for t in mine):
            continue
        if any(t.leads_on(as_of) for t in mine if t.open_on(as_of)):
            continue
        since = sorted(first.values())[settings.cumulative_agencies - 1]
        findings.append(
            Finding(
                check="cumulative_need",
                rule=f"known to {settings.cumulative_agencies}+ agencies with no CAF and no lead",
                child_id=child,
                subject_id=child,
                since=since,
                detail=f"{len(first)} agencies involved: " + ", ".join(sorted(first)),
                nodes=[child] + sorted(first) + [i.id for i in current],
                edges=[edge(i.id, "INVOLVED_WITH", child) for i in current],
            )
        )
    return findings


def check_parallel_plans(data: Casebook, settings: AuditSettings) -> list[Finding]:
    """More than one active statutory plan (child in need, child protection, looked after
    care) for a child."""
    as_of = data.as_of
    by_child: dict[str, list[Team]] = defaultdict(list)
    for team in data.teams().values():
        if team.label == "Plan" and team.kind in STATUTORY_KINDS and team.open_on(as_of):
            by_child[team.child_id].append(team)
    findings = []
    for child, plans in sorted(by_child.items()):
        if len(plans) < 2:
            continue
        plans.sort(key=lambda t: (t.start, t.id))
        findings.append(
            Finding(
                check="parallel_plans",
                rule="more than one active statutory plan",
                child_id=child,
                subject_id=child,
                since=plans[1].start,
                detail=", ".join(f"{t.id} ({t.kind}, from {t.start})" for t in plans),
                nodes=[child] + [t.id for t in plans],
                edges=[subject_edge(t) for t in plans],
            )
        )
    return findings
