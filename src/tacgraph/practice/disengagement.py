"""Rule 3: practitioners who stopped working with a child without a handover."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from tacgraph.dates import DAY, ended_by, open_on
from tacgraph.practice.casebook import Casebook, edge, subject_edge, team_edges
from tacgraph.practice.findings import AuditSettings, Finding
from tacgraph.rows.practice import PRACTICE_HANDOVERS, PRACTICE_PLAN_ACTIONS, PracticeHandoversRow


def check_disengagement(data: Casebook, settings: AuditSettings) -> list[Finding]:
    """Rule 3: an involvement or TAC membership ended while the child's CAF or plan stayed
    open (or at its step-down) with no handover to the lead or the CAF within
    ``handover_days``; and open plan actions left with an agency or practitioner no
    longer involved."""
    as_of = data.as_of
    allowed = timedelta(days=settings.handover_days)
    teams = data.teams_by_child()
    findings: list[Finding] = []

    def leads_around(child_id: str, on: date) -> set[str]:
        return {
            m.practitioner_id
            for t in teams.get(child_id, [])
            for d in (on, on + DAY)
            for m in t.leads_on(d)
        }

    def good(child_id: str, on: date, rows: list[PracticeHandoversRow], who: str) -> bool:
        cafs = {t.id for t in teams.get(child_id, []) if t.label == "Caf"}
        leads = leads_around(child_id, on) - {who}
        for r in rows:
            if r["shared_on"] is None or r["shared_on"] > on + allowed:
                continue
            if r["to_caf_id"] in cafs or r["to_practitioner_id"] in leads:
                return True
        return False

    by_inv: dict[str, list[PracticeHandoversRow]] = defaultdict(list)
    by_sender: dict[tuple[str, str], list[PracticeHandoversRow]] = defaultdict(list)
    for r in data.rows(PRACTICE_HANDOVERS):
        if r["involvement_id"] is not None:
            by_inv[r["involvement_id"]].append(r)
        by_sender[(r["child_id"], r["from_practitioner_id"])].append(r)
    ended = [i for invs in data.involvements().values() for i in invs if ended_by(i.end, as_of)]
    departures: set[tuple[str, str, date]] = set()
    unhanded: dict[tuple[str, str], date] = {}
    for inv in ended:
        assert inv.end is not None
        inv_id, child, end = inv.id, inv.child_id, inv.end
        departures.add((child, inv.practitioner_id, end))
        # a CAF counts on the day it closes (the team is told at closure); a plan that
        # closes that day takes its team with it
        still = [
            t
            for t in teams.get(child, [])
            if t.open_on(end) and (t.label == "Caf" or not ended_by(t.end, end))
        ]
        if not still:
            continue
        handed = by_inv.get(inv_id, [])
        if good(child, end, handed, inv.practitioner_id):
            continue
        if end + allowed >= as_of and not handed:
            continue  # still within the time allowed, for the work left behind too
        unhanded[(child, inv.agency_id)] = end
        unhanded[(child, inv.practitioner_id)] = end
        findings.append(
            Finding(
                check="disengagement",
                rule="involvement ended without a handover to the lead or the team",
                child_id=child,
                subject_id=inv_id,
                since=end,
                detail=f"{inv.agency_id} stopped working with the child on {end} while "
                + ", ".join(t.id for t in still)
                + " stayed open; no summary of work or updated CAF was shared",
                nodes=[inv_id, child, inv.practitioner_id, inv.agency_id] + [t.id for t in still],
                edges=[
                    edge(inv_id, "INVOLVED_WITH", child),
                    edge(inv_id, "INVOLVEMENT_OF", inv.practitioner_id),
                    edge(inv_id, "ON_BEHALF_OF", inv.agency_id),
                ]
                + [subject_edge(t) for t in still],
            )
        )

    for child, child_teams in teams.items():
        for team in child_teams:
            for m in team.members:
                if not ended_by(m.end, as_of) or (child, m.practitioner_id, m.end) in departures:
                    continue
                if ended_by(team.end, m.end):
                    continue  # the team itself closed
                if any(
                    o.practitioner_id == m.practitioner_id
                    and o.id != m.id
                    and o.start <= m.end + DAY
                    and not ended_by(o.end, m.end)
                    for o in team.members
                ):
                    continue  # a change of role, not a departure
                sent = by_sender.get((child, m.practitioner_id), [])
                if good(child, m.end, sent, m.practitioner_id):
                    continue
                if m.end + allowed >= as_of:
                    continue
                findings.append(
                    Finding(
                        check="disengagement",
                        rule="left the Team Around the Child without a handover",
                        child_id=child,
                        subject_id=m.id,
                        since=m.end,
                        detail=f"{m.practitioner_id} left the team of {team.id} on {m.end} "
                        "with no handover to the lead or the team",
                        nodes=[m.id, m.practitioner_id, team.id, child],
                        edges=[*team_edges(m, team), subject_edge(team)],
                    )
                )

    involvements = data.involvements()
    all_teams = data.teams()
    for action in data.rows(PRACTICE_PLAN_ACTIONS):
        plan = all_teams.get(action["plan_id"])
        if plan is None or not plan.open_on(as_of):
            continue
        who = action["agency_id"] or action["practitioner_id"]
        if who is None or (action["child_id"], who) not in unhanded:
            continue  # unassigned, or a handover passed the work to the lead or the team
        invs = involvements.get(action["child_id"], [])
        if action["agency_id"] is not None:
            mine = [i for i in invs if i.agency_id == who]
        else:
            mine = [i for i in invs if i.practitioner_id == who]
        left = [i.end for i in mine if i.end is not None]
        if not left or any(open_on(i.start, i.end, as_of) for i in mine):
            continue
        findings.append(
            Finding(
                check="disengagement",
                rule="plan action left with an agency or practitioner no longer involved",
                child_id=action["child_id"],
                subject_id=action["action_id"],
                since=max(left),
                detail=f"{action['action_id']} of {action['plan_id']} is still assigned to {who}, "
                f"which stopped working with the child on {max(left)}; no successor",
                nodes=[action["action_id"], action["plan_id"], who, action["child_id"]],
                edges=[
                    edge(action["action_id"], "ACTION_OF", action["plan_id"]),
                    edge(action["action_id"], "ASSIGNED_TO", who),
                ],
            )
        )
    return findings
