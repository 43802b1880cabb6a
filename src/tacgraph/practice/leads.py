"""Lead professionals: a team with none or one no longer involved, and children who
need a statutory-agency lead or a qualified social worker as key worker."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from tacgraph.dates import DAY, open_on
from tacgraph.model import Disability, PlanKind
from tacgraph.practice.casebook import (
    LEAD,
    Casebook,
    Member,
    Team,
    edge,
    subject_edge,
    team_edges,
)
from tacgraph.practice.findings import AuditSettings, Finding
from tacgraph.rows.practice import PRACTICE_CHILDREN


def _team_finding(
    check: str,
    rule: str,
    team: Team,
    since: date,
    detail: str,
    lead: Member | None = None,
    also: tuple[str, ...] = (),
) -> Finding:
    """A finding about ``team``, and about its lead ``lead`` where one is named: the
    team, the lead's membership and practitioner, the child and ``also`` its nodes, the
    lead's edges and the team's edge to the child its edges."""
    leading = [lead.id, lead.practitioner_id] if lead else []
    return Finding(
        check=check,
        rule=rule,
        child_id=team.child_id,
        subject_id=team.id,
        since=since,
        detail=detail,
        nodes=[team.id, *leading, team.child_id, *also],
        edges=[*(team_edges(lead, team) if lead else []), subject_edge(team)],
    )


def check_lead_gap(data: Casebook, settings: AuditSettings) -> list[Finding]:
    """An open CAF or active plan with no current lead, or a lead no longer involved with
    the child or no longer with their agency."""
    as_of = data.as_of
    involvements = data.involvements()
    lead_info = data.leads()
    findings: list[Finding] = []
    for team in data.current_teams():
        leads = team.leads_on(as_of)
        if not leads:
            ended = [m.end for m in team.members if m.role == LEAD and m.end]
            since = max(ended) + DAY if ended else team.start
            detail = f"{team.id} ({team.kind}) has had no lead since {since}"
            findings.append(_team_finding("lead_gap", "no lead professional", team, since, detail))
            continue
        for lead in leads:
            mine = [
                i
                for i in involvements.get(team.child_id, [])
                if i.practitioner_id == lead.practitioner_id
            ]
            involved = any(open_on(i.start, i.end, as_of) for i in mine)
            left_on = lead_info[lead.practitioner_id].left_on
            if involved and (left_on is None or left_on >= as_of):
                continue
            if left_on is not None and left_on < as_of:
                since, why = left_on + DAY, f"left their agency on {left_on}"
            else:
                ended = [i.end for i in mine if i.end is not None]
                since = max(ended) + DAY if ended else lead.start
                why = "is no longer involved with the child"
            findings.append(
                _team_finding(
                    "lead_gap",
                    "lead professional no longer involved",
                    team,
                    since,
                    f"the lead of {team.id}, {lead.practitioner_id}, {why}",
                    lead,
                    tuple(i.id for i in mine),
                )
            )
    return findings


_STATUTORY_FLAGS = (
    "looked_after",
    "care_leaver",
    "to_be_adopted",
    "severe_sen",
    "significant_mental_health",
    "young_offender",
)


def check_statutory_lead(data: Casebook, settings: AuditSettings) -> list[Finding]:
    """A child who needs a statutory-agency lead (child protection plan, looked after,
    care leaver, to be adopted, severe SEN, complex disability, significant mental health
    needs, young offender) whose current leads are none from a statutory agency; and a
    CP or LAC plan led by someone who is not a qualified social worker."""
    as_of = data.as_of
    children = {r["child_id"]: r for r in data.rows(PRACTICE_CHILDREN)}
    lead_info = data.leads()
    findings: list[Finding] = []
    by_child: dict[str, list[Team]] = defaultdict(list)
    for team in data.current_teams():
        by_child[team.child_id].append(team)
    for child_id, teams in sorted(by_child.items()):
        row: Mapping[str, object] = children.get(child_id, {})
        reasons = [f for f in _STATUTORY_FLAGS if row.get(f)]
        if row.get("disability") == Disability.COMPLEX.value:
            reasons.append("complex_disability")
        if any(t.kind == PlanKind.CHILD_PROTECTION.value for t in teams):
            reasons.append("child_protection_plan")
        leads = [(t, m, lead_info[m.practitioner_id]) for t in teams for m in t.leads_on(as_of)]
        if reasons and leads and not any(info.statutory for _, _, info in leads):
            findings.append(
                Finding(
                    check="statutory_lead",
                    rule="lead professional not from a statutory agency",
                    child_id=child_id,
                    subject_id=child_id,
                    since=max(m.start for _, m, _ in leads),
                    detail=f"the child needs a statutory lead ({', '.join(reasons)}); "
                    "current leads are from "
                    + ", ".join(sorted({info.agency_id for _, _, info in leads})),
                    nodes=[child_id]
                    + [x for t, m, info in leads for x in (t.id, m.id, info.agency_id)],
                    edges=[e for t, m, _ in leads for e in team_edges(m, t)]
                    + [
                        edge(m.practitioner_id, "WORKS_FOR", info.agency_id) for _, m, info in leads
                    ],
                )
            )
        for team in teams:
            if team.kind not in (PlanKind.CHILD_PROTECTION.value, PlanKind.LOOKED_AFTER_CARE.value):
                continue
            for m in team.leads_on(as_of):
                if lead_info[m.practitioner_id].qualified:
                    continue
                findings.append(
                    _team_finding(
                        "statutory_lead",
                        "key worker not a qualified social worker",
                        team,
                        max(m.start, team.start),
                        f"{m.practitioner_id} leads {team.id} ({team.kind}) but is "
                        "not a qualified social worker",
                        m,
                    )
                )
    return findings
