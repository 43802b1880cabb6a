"""Population audits of practice: the rules of ``docs/domain.md`` (3 to 7) checked over
every child in a store.

Each check runs named queries (``cypher/practice_*.cypher``) that fetch candidate rows
with their dates, and finishes the date arithmetic here (calendar months, working days),
so the Cypher is the same on both engines. Time limits and thresholds come from
:class:`AuditSettings`.

One run reads each query once and every check shares the rows. Reading is most of the
time, above all on Neo4j (the driver decodes every value), so the queries return only
rows and columns some check can use: the teams and their memberships apart, the
agency and qualification of current leads only, open universal involvements only for
children with a CAF, a plan or a level change.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tacgraph.errors import InvalidArgument
from tacgraph.model import (
    LEVEL_RANK,
    OPEN_CAF_STATES,
    STATUTORY_PLAN_KINDS,
    CafState,
    Disability,
    PlanKind,
    Role,
    ServiceLevel,
    TeamRole,
)
from tacgraph.store.base import Row, Store

_DAY = timedelta(days=1)
# enum values looked up once: the checks compare them for every team and member
_LEAD = TeamRole.LEAD.value
_CLOSED = CafState.CLOSED.value
_OPEN_CAF_STATES = frozenset(s.value for s in OPEN_CAF_STATES)
_STATUTORY_PLAN_KINDS = frozenset(k.value for k in STATUTORY_PLAN_KINDS)
_CAF_ACTION_PLAN = PlanKind.CAF_ACTION_PLAN.value


class AuditSettings(BaseModel):
    """Time limits and thresholds of the practice audits (defaults from the guidance)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    caf_review_months: int = Field(default=6, ge=1, description="A CAF is reviewed within")
    cin_review_months: int = Field(default=6, ge=1, description="A CIN plan is reviewed within")
    stable_review_months: int = Field(
        default=12, ge=1, description="A stable long-term plan is reviewed within"
    )
    initial_assessment_working_days: int = Field(default=10, ge=1)
    bank_holidays: list[date] = Field(
        default_factory=list, description="Days that are not working days besides weekends"
    )
    written_outcome_days: int = Field(default=5, ge=0)
    handover_days: int = Field(
        default=10, ge=0, description="Days after leaving by which a handover must be shared"
    )
    cumulative_agencies: int = Field(default=3, ge=2)
    cumulative_min_level: ServiceLevel = ServiceLevel.TARGETED
    child_notified_from_age: int = Field(
        default=12, ge=0, description="Age from which the child is notified of a closure"
    )


class Edge(BaseModel):
    source: str
    rel_type: str
    target: str


class Finding(BaseModel):
    """One breach: the child, the rule, since when, and the nodes and edges behind it."""

    check: str
    rule: str
    child_id: str
    subject_id: str
    since: date
    detail: str
    nodes: list[str]
    edges: list[Edge] = Field(default_factory=list)


class PracticeReport(BaseModel):
    as_of: date
    checks: list[str]
    settings: AuditSettings
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(self.checks, 0)
        for finding in self.findings:
            out[finding.check] += 1
        return out


# --------------------------------------------------------------------------- dates


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months (the 31st becomes the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def working_days(start: date, end: date, holidays: Iterable[date] = ()) -> int:
    """Working days after ``start`` up to and including ``end`` (weekends and
    ``holidays`` excluded)."""
    off = set(holidays)
    count, day = 0, start
    while day < end:
        day += _DAY
        if day.weekday() < 5 and day not in off:
            count += 1
    return count


def _active(start: date | None, end: date | None, on: date) -> bool:
    """Whether a period is running on ``on``; ``end`` is the last day included."""
    return start is not None and start <= on and (end is None or on <= end)


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


# --------------------------------------------------------------------------- data


@dataclass
class _Member:
    id: str
    practitioner_id: str
    role: str
    start: date
    end: date | None


@dataclass
class _Lead:
    """What the checks need to know about a practitioner leading a team on the audit
    date."""

    agency_id: str
    statutory: bool
    qualified: bool
    left_on: date | None


@dataclass
class _Team:
    id: str
    label: str  # Caf or Plan
    child_id: str
    kind: str  # "caf" or the plan kind
    start: date
    end: date | None
    state: str | None = None
    caf_id: str | None = None
    stable: bool = False
    members: list[_Member] = field(default_factory=list)

    def open_on(self, on: date) -> bool:
        if self.label == "Caf" and self.state == _CLOSED and self.end is None:
            return False
        return _active(self.start, self.end, on)

    def leads_on(self, on: date) -> list[_Member]:
        return [m for m in self.members if m.role == _LEAD and _active(m.start, m.end, on)]


@dataclass
class _Inv:
    id: str
    child_id: str
    practitioner_id: str
    agency_id: str
    level: str
    start: date
    end: date | None


class _Data:
    """Query results for one audit run, fetched once and shared by the checks, with the
    teams and involvements built from them once."""

    def __init__(self, store: Store, as_of: date, settings: AuditSettings) -> None:
        self.store = store
        self.as_of = as_of
        self.settings = settings
        self._cache: dict[str, list[Row]] = {}
        self._teams: dict[str, _Team] | None = None
        self._teams_by_child: dict[str, list[_Team]] | None = None
        self._leads: dict[str, _Lead] | None = None
        self._current: list[_Team] | None = None
        self._involvements: dict[str, list[_Inv]] | None = None

    def rows(self, name: str) -> list[Row]:
        if name not in self._cache:
            self._cache[name] = self.store.query(name, {"as_of": self.as_of})
        return self._cache[name]

    def teams(self) -> dict[str, _Team]:
        """Every CAF and plan started by the audit date, by id, with its members."""
        if self._teams is not None:
            return self._teams
        teams: dict[str, _Team] = {}
        for r in self.rows("practice_caf_teams"):
            teams[r["team_id"]] = _Team(
                id=r["team_id"],
                label="Caf",
                child_id=r["child_id"],
                kind="caf",
                start=r["started_on"],
                end=r["closed_on"],
                state=r["state"],
            )
        for r in self.rows("practice_plan_teams"):
            teams[r["team_id"]] = _Team(
                id=r["team_id"],
                label="Plan",
                child_id=r["child_id"],
                kind=r["kind"],
                start=r["started_on"],
                end=r["ended_on"],
                caf_id=r["caf_id"],
                stable=bool(r["stable_long_term"]),
            )
        for r in self.rows("practice_memberships"):
            team = teams.get(r["team_id"])
            if team is not None:
                team.members.append(
                    _Member(
                        id=r["membership_id"],
                        practitioner_id=r["practitioner_id"],
                        role=r["team_role"],
                        start=r["started_on"],
                        end=r["ended_on"],
                    )
                )
        self._teams = teams
        return teams

    def current_teams(self) -> list[_Team]:
        """Open CAFs and active plans on the audit date; a CAF action plan is led by its
        CAF's team, so it is not a team of its own."""
        if self._current is None:
            self._current = [
                team
                for team in self.teams().values()
                if team.open_on(self.as_of)
                and not (team.label == "Caf" and team.state not in _OPEN_CAF_STATES)
                and not (team.kind == _CAF_ACTION_PLAN and team.caf_id is not None)
            ]
        return self._current

    def leads(self) -> dict[str, _Lead]:
        """The practitioners leading a team on the audit date, by id."""
        if self._leads is None:
            self._leads = {
                r["practitioner_id"]: _Lead(
                    agency_id=r["agency_id"],
                    statutory=bool(r["statutory"]),
                    qualified=bool(r["qualified_social_worker"]),
                    left_on=r["left_agency_on"],
                )
                for r in self.rows("practice_leads")
            }
        return self._leads

    def teams_by_child(self) -> dict[str, list[_Team]]:
        if self._teams_by_child is None:
            out: dict[str, list[_Team]] = defaultdict(list)
            for team in self.teams().values():
                out[team.child_id].append(team)
            self._teams_by_child = dict(out)
        return self._teams_by_child

    def involvements(self) -> dict[str, list[_Inv]]:
        """Involvements by child, each child's in id order. Open universal ones only
        for children with a CAF, a plan or a level change, unless cumulative need is
        counted from universal services."""
        if self._involvements is not None:
            return self._involvements
        rows = self.rows("practice_involvements")
        if self.settings.cumulative_min_level == ServiceLevel.UNIVERSAL:
            merged = {r["involvement_id"]: r for r in rows}
            for r in self.rows("practice_universal_involvements"):
                merged.setdefault(r["involvement_id"], r)
            rows = [merged[k] for k in sorted(merged)]
        out: dict[str, list[_Inv]] = defaultdict(list)
        for r in rows:
            out[r["child_id"]].append(
                _Inv(
                    r["involvement_id"],
                    r["child_id"],
                    r["practitioner_id"],
                    r["agency_id"],
                    r["level"],
                    r["started_on"],
                    r["ended_on"],
                )
            )
        self._involvements = dict(out)
        return self._involvements


def _edge(source: str, rel_type: str, target: str) -> Edge:
    return Edge(source=source, rel_type=rel_type, target=target)


def _team_edge(member: _Member, team: _Team) -> list[Edge]:
    return [
        _edge(member.id, "MEMBERSHIP_OF", member.practitioner_id),
        _edge(member.id, "MEMBER_OF_TEAM", team.id),
    ]


def _subject_edge(team: _Team) -> Edge:
    return _edge(team.id, "ASSESSES" if team.label == "Caf" else "PLAN_FOR", team.child_id)


# --------------------------------------------------------------------------- 1


def check_disengagement(data: _Data, settings: AuditSettings) -> list[Finding]:
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
            for d in (on, on + _DAY)
            for m in t.leads_on(d)
        }

    def good(child_id: str, on: date, rows: list[Row], who: str) -> bool:
        cafs = {t.id for t in teams.get(child_id, []) if t.label == "Caf"}
        leads = leads_around(child_id, on) - {who}
        for r in rows:
            if r["shared_on"] is None or r["shared_on"] > on + allowed:
                continue
            if r["to_caf_id"] in cafs or r["to_practitioner_id"] in leads:
                return True
        return False

    by_inv: dict[str, list[Row]] = defaultdict(list)
    by_sender: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in data.rows("practice_handovers"):
        if r["involvement_id"] is not None:
            by_inv[r["involvement_id"]].append(r)
        by_sender[(r["child_id"], r["from_practitioner_id"])].append(r)
    ended = [
        i
        for invs in data.involvements().values()
        for i in invs
        if i.end is not None and i.end <= as_of
    ]
    ended_by: set[tuple[str, str, date]] = set()
    unhanded: dict[tuple[str, str], date] = {}
    for inv in ended:
        assert inv.end is not None
        inv_id, child, end = inv.id, inv.child_id, inv.end
        ended_by.add((child, inv.practitioner_id, end))
        # a CAF counts on the day it closes (the team is told at closure); a plan that
        # closes that day takes its team with it
        still = [
            t
            for t in teams.get(child, [])
            if t.open_on(end) and (t.label == "Caf" or t.end is None or t.end > end)
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
                    _edge(inv_id, "INVOLVED_WITH", child),
                    _edge(inv_id, "INVOLVEMENT_OF", inv.practitioner_id),
                    _edge(inv_id, "ON_BEHALF_OF", inv.agency_id),
                ]
                + [_subject_edge(t) for t in still],
            )
        )

    for child, child_teams in teams.items():
        for team in child_teams:
            for m in team.members:
                if m.end is None or m.end > as_of or (child, m.practitioner_id, m.end) in ended_by:
                    continue
                if team.end is not None and team.end <= m.end:
                    continue  # the team itself closed
                if any(
                    o.practitioner_id == m.practitioner_id
                    and o.id != m.id
                    and o.start <= m.end + _DAY
                    and (o.end is None or o.end > m.end)
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
                        edges=[*_team_edge(m, team), _subject_edge(team)],
                    )
                )

    involvements = data.involvements()
    all_teams = data.teams()
    for r in data.rows("practice_plan_actions"):
        plan = all_teams.get(r["plan_id"])
        if plan is None or not plan.open_on(as_of):
            continue
        who = r["agency_id"] or r["practitioner_id"]
        if who is None or (r["child_id"], who) not in unhanded:
            continue  # unassigned, or a handover passed the work to the lead or the team
        invs = involvements.get(r["child_id"], [])
        if r["agency_id"] is not None:
            mine = [i for i in invs if i.agency_id == who]
        else:
            mine = [i for i in invs if i.practitioner_id == who]
        left = [i.end for i in mine if i.end is not None]
        if not left or any(_active(i.start, i.end, as_of) for i in mine):
            continue
        findings.append(
            Finding(
                check="disengagement",
                rule="plan action left with an agency or practitioner no longer involved",
                child_id=r["child_id"],
                subject_id=r["action_id"],
                since=max(left),
                detail=f"{r['action_id']} of {r['plan_id']} is still assigned to {who}, "
                f"which stopped working with the child on {max(left)}; no successor",
                nodes=[r["action_id"], r["plan_id"], who, r["child_id"]],
                edges=[
                    _edge(r["action_id"], "ACTION_OF", r["plan_id"]),
                    _edge(r["action_id"], "ASSIGNED_TO", who),
                ],
            )
        )
    return findings


# --------------------------------------------------------------------------- 2


def check_lead_gap(data: _Data, settings: AuditSettings) -> list[Finding]:
    """An open CAF or active plan with no current lead, or a lead no longer involved with
    the child or no longer with their agency."""
    as_of = data.as_of
    involvements = data.involvements()
    lead_info = data.leads()
    findings: list[Finding] = []
    for team in data.current_teams():
        leads = team.leads_on(as_of)
        if not leads:
            ended = [m.end for m in team.members if m.role == _LEAD and m.end]
            since = max(ended) + _DAY if ended else team.start
            findings.append(
                Finding(
                    check="lead_gap",
                    rule="no lead professional",
                    child_id=team.child_id,
                    subject_id=team.id,
                    since=since,
                    detail=f"{team.id} ({team.kind}) has had no lead since {since}",
                    nodes=[team.id, team.child_id],
                    edges=[_subject_edge(team)],
                )
            )
            continue
        for lead in leads:
            mine = [
                i
                for i in involvements.get(team.child_id, [])
                if i.practitioner_id == lead.practitioner_id
            ]
            involved = any(_active(i.start, i.end, as_of) for i in mine)
            left_on = lead_info[lead.practitioner_id].left_on
            if involved and (left_on is None or left_on >= as_of):
                continue
            if left_on is not None and left_on < as_of:
                since, why = left_on + _DAY, f"left their agency on {left_on}"
            else:
                ended = [i.end for i in mine if i.end is not None]
                since = max(ended) + _DAY if ended else lead.start
                why = "is no longer involved with the child"
            findings.append(
                Finding(
                    check="lead_gap",
                    rule="lead professional no longer involved",
                    child_id=team.child_id,
                    subject_id=team.id,
                    since=since,
                    detail=f"the lead of {team.id}, {lead.practitioner_id}, {why}",
                    nodes=[team.id, lead.id, lead.practitioner_id, team.child_id]
                    + [i.id for i in mine],
                    edges=[*_team_edge(lead, team), _subject_edge(team)],
                )
            )
    return findings


# --------------------------------------------------------------------------- 3

_STATUTORY_FLAGS = (
    "looked_after",
    "care_leaver",
    "to_be_adopted",
    "severe_sen",
    "significant_mental_health",
    "young_offender",
)


def check_statutory_lead(data: _Data, settings: AuditSettings) -> list[Finding]:
    """A child who needs a statutory-agency lead (child protection plan, looked after,
    care leaver, to be adopted, severe SEN, complex disability, significant mental health
    needs, young offender) whose current leads are none from a statutory agency; and a
    CP or LAC plan led by someone who is not a qualified social worker."""
    as_of = data.as_of
    children = {r["child_id"]: r for r in data.rows("practice_children")}
    lead_info = data.leads()
    findings: list[Finding] = []
    by_child: dict[str, list[_Team]] = defaultdict(list)
    for team in data.current_teams():
        by_child[team.child_id].append(team)
    for child_id, teams in sorted(by_child.items()):
        row = children.get(child_id, {})
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
                    edges=[e for t, m, _ in leads for e in _team_edge(m, t)]
                    + [
                        _edge(m.practitioner_id, "WORKS_FOR", info.agency_id)
                        for _, m, info in leads
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
                    Finding(
                        check="statutory_lead",
                        rule="key worker not a qualified social worker",
                        child_id=child_id,
                        subject_id=team.id,
                        since=max(m.start, team.start),
                        detail=f"{m.practitioner_id} leads {team.id} ({team.kind}) but is "
                        "not a qualified social worker",
                        nodes=[team.id, m.id, m.practitioner_id, child_id],
                        edges=[*_team_edge(m, team), _subject_edge(team)],
                    )
                )
    return findings


# --------------------------------------------------------------------------- 4


def check_reviews(data: _Data, settings: AuditSettings) -> list[Finding]:
    """Rule 4 and 5: CAF, CIN plan and stable long-term plan reviews overdue; initial
    assessments past their working days; written outcomes not sent in time."""
    as_of = data.as_of
    last: dict[str, tuple[date, str]] = {}
    for r in data.rows("practice_reviews"):
        team_id = r["caf_id"] or r["plan_id"]
        if team_id is None:
            continue
        if team_id not in last or r["held_on"] >= last[team_id][0]:
            last[team_id] = (r["held_on"], r["review_id"])
    findings: list[Finding] = []
    for team in data.current_teams():
        if team.label == "Caf":
            months, what = settings.caf_review_months, "CAF"
        elif team.stable:
            months, what = settings.stable_review_months, "stable long-term plan"
        elif team.kind == PlanKind.CHILD_IN_NEED.value:
            months, what = settings.cin_review_months, "child in need plan"
        else:
            continue
        since_review, review_id = last.get(team.id, (team.start, None))
        due = add_months(since_review, months)
        if as_of <= due:
            continue
        findings.append(
            Finding(
                check="reviews",
                rule=f"{what} not reviewed within {months} months",
                child_id=team.child_id,
                subject_id=team.id,
                since=due + _DAY,
                detail=f"{team.id} was last {'reviewed' if review_id else 'started'} on "
                f"{since_review}; a review was due by {due}",
                nodes=[team.id, team.child_id] + ([review_id] if review_id else []),
                edges=[_subject_edge(team)]
                + ([_edge(review_id, "REVIEW_OF", team.id)] if review_id else []),
            )
        )
    limit = settings.initial_assessment_working_days
    for r in data.rows("practice_assessments"):
        end = r["completed_on"] or as_of
        taken = working_days(r["started_on"], end, settings.bank_holidays)
        if taken <= limit:
            continue
        day, count = r["started_on"], 0
        while count <= limit:
            day += _DAY
            if day.weekday() < 5 and day not in settings.bank_holidays:
                count += 1
        findings.append(
            Finding(
                check="reviews",
                rule=f"initial assessment not completed within {limit} working days",
                child_id=r["child_id"],
                subject_id=r["assessment_id"],
                since=day,
                detail=f"{r['assessment_id']} started {r['started_on']}, "
                + (f"completed {r['completed_on']}" if r["completed_on"] else "not completed")
                + f" ({taken} working days)",
                nodes=[r["assessment_id"], r["child_id"]],
                edges=[_edge(r["assessment_id"], "ASSESSMENT_OF", r["child_id"])],
            )
        )
    days = timedelta(days=settings.written_outcome_days)
    for r in data.rows("practice_meetings"):
        due = r["held_on"] + days
        sent = r["written_outcome_sent_on"]
        if (sent is not None and sent <= due) or (sent is None and as_of <= due):
            continue
        findings.append(
            Finding(
                check="reviews",
                rule=f"no written outcome to the family within {settings.written_outcome_days} "
                "days of a meeting",
                child_id=r["child_id"],
                subject_id=r["meeting_id"],
                since=due + _DAY,
                detail=f"{r['meeting_id']} ({r['kind']}) held {r['held_on']}; written outcome "
                + (f"sent {sent}" if sent else "not sent"),
                nodes=[r["meeting_id"], r["child_id"]],
                edges=[_edge(r["meeting_id"], "MEETING_ABOUT", r["child_id"])],
            )
        )
    return findings


# --------------------------------------------------------------------------- 5 and 6

_SOCIAL_CARE_LEVELS = {ServiceLevel.CHILD_IN_NEED.value, ServiceLevel.STATUTORY.value}


def check_closures(data: _Data, settings: AuditSettings) -> list[Finding]:
    """Rule 6: social care closed or stepped down by someone without authority (a team
    manager, or a consultant social worker with a team manager's agreement), without a
    TACiN meeting where there was a plan, or without formal notice to each party."""
    involvements = data.involvements()
    family: dict[str, set[str]] = defaultdict(set)
    for r in data.rows("practice_family"):
        family[r["child_id"]].add(r["family_member_id"])
    named: dict[str, set[str]] = defaultdict(set)
    for r in data.rows("practice_named_agencies"):
        named[r["change_id"]].add(r["agency_id"])
    told: dict[str, set[str]] = defaultdict(set)
    for r in data.rows("practice_notifications"):
        target = r["family_member_id"] or r["agency_id"] or ("child" if r["to_child"] else None)
        if target:
            told[r["change_id"]].add(target)
    findings: list[Finding] = []
    for r in data.rows("practice_closures"):
        cid, child, on = r["change_id"], r["child_id"], r["changed_on"]
        social_care = r["from_level"] in _SOCIAL_CARE_LEVELS or (
            r["plan_kind"] in _STATUTORY_PLAN_KINDS
        )
        base = {"child_id": child, "subject_id": cid, "since": on, "check": "closures"}
        subject = r["plan_id"] or r["caf_id"]
        if social_care:
            role, agreed = r["decided_by_role"], r["agreed_by_role"]
            manager, consultant = Role.TEAM_MANAGER.value, Role.CONSULTANT_SOCIAL_WORKER.value
            if not (role == manager or (role == consultant and agreed == manager)):
                who = r["decided_by_id"] or "nobody recorded"
                findings.append(
                    Finding(
                        **base,
                        rule="closed without authority",
                        detail=f"{cid} ({r['direction']}) decided by {who} ({role or '-'})"
                        + (f", agreed by {r['agreed_by_id']} ({agreed})" if agreed else ""),
                        nodes=[x for x in (cid, child, r["decided_by_id"], r["agreed_by_id"]) if x],
                        edges=[_edge(cid, "CHANGE_FOR", child)]
                        + (
                            [_edge(cid, "DECIDED_BY", r["decided_by_id"])]
                            if r["decided_by_id"]
                            else []
                        ),
                    )
                )
            if r["plan_id"] and not r["tacin_meeting_id"]:
                findings.append(
                    Finding(
                        **base,
                        rule="plan closed without a TACiN meeting",
                        detail=f"{cid} closed or stepped down {r['plan_id']} with no TACiN meeting",
                        nodes=[cid, r["plan_id"], child],
                        edges=[_edge(cid, "CHANGE_OF", r["plan_id"])],
                    )
                )
        required: dict[str, str] = {f: "FamilyMember" for f in family[child]}
        dob = r["date_of_birth"]
        if dob is not None and _age(dob, on) >= settings.child_notified_from_age:
            required["child"] = "Child"
        for inv in involvements.get(child, []):
            if _active(inv.start, inv.end, on) and inv.agency_id != r["decided_by_agency_id"]:
                required[inv.agency_id] = "Agency"
        for agency in named[cid]:
            required[agency] = "Agency"
        missing = sorted(set(required) - told[cid])
        if missing:
            findings.append(
                Finding(
                    **base,
                    rule="a required party was not formally notified",
                    detail=f"{cid} ({r['direction']} of {subject}) not notified to: "
                    + ", ".join(missing),
                    nodes=[cid, child] + [child if m == "child" else m for m in missing],
                    edges=[_edge(cid, "CHANGE_FOR", child)],
                )
            )
    return findings


def check_left_with_no_one(data: _Data, settings: AuditSettings) -> list[Finding]:
    """A step-down or closure after which no involvement at all remains with the child;
    a step-down to universal services also counts the child's school and GP practice."""
    involvements = data.involvements()
    findings = []
    for r in data.rows("practice_closures"):
        child, on = r["child_id"], r["changed_on"]
        after = on + _DAY
        invs = involvements.get(child, [])
        if any(_active(i.start, i.end, after) or i.start > after for i in invs):
            continue
        universal = r["to_level"] in (None, ServiceLevel.UNIVERSAL.value)
        if universal and (r["school_id"] or r["gp_practice_id"]):
            continue
        findings.append(
            Finding(
                check="left_with_no_one",
                rule="no involvement remains after a step-down or closure",
                child_id=child,
                subject_id=r["change_id"],
                since=on,
                detail=f"after {r['change_id']} ({r['direction']}) on {on} no practitioner "
                "is working with the child",
                nodes=[r["change_id"], child] + [i.id for i in invs if i.end == on],
                edges=[_edge(r["change_id"], "CHANGE_FOR", child)],
            )
        )
    return findings


# --------------------------------------------------------------------------- 7 and 8


def check_cumulative_need(data: _Data, settings: AuditSettings) -> list[Finding]:
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
            if _active(i.start, i.end, as_of) and LEVEL_RANK[ServiceLevel(i.level)] >= floor
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
                edges=[_edge(i.id, "INVOLVED_WITH", child) for i in current],
            )
        )
    return findings


def check_parallel_plans(data: _Data, settings: AuditSettings) -> list[Finding]:
    """More than one active statutory plan (child in need, child protection, looked after
    care) for a child."""
    as_of = data.as_of
    by_child: dict[str, list[_Team]] = defaultdict(list)
    for team in data.teams().values():
        if team.label == "Plan" and team.kind in _STATUTORY_PLAN_KINDS and team.open_on(as_of):
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
                edges=[_subject_edge(t) for t in plans],
            )
        )
    return findings


Check = Callable[[_Data, AuditSettings], list[Finding]]

CHECKS: dict[str, Check] = {
    "disengagement": check_disengagement,
    "lead_gap": check_lead_gap,
    "statutory_lead": check_statutory_lead,
    "reviews": check_reviews,
    "closures": check_closures,
    "left_with_no_one": check_left_with_no_one,
    "cumulative_need": check_cumulative_need,
    "parallel_plans": check_parallel_plans,
}


def audit_practice(
    store: Store,
    *,
    as_of: date,
    checks: Iterable[str] | None = None,
    settings: AuditSettings | None = None,
    progress: Callable[[str, int], Any] | None = None,
) -> PracticeReport:
    """Run the named practice checks (all by default) over every child in ``store`` as
    of ``as_of`` and return the findings, sorted by check, child and subject.

    Raises InvalidInput for an unknown check name and StoreError if a query fails."""
    chosen = list(CHECKS) if checks is None else list(dict.fromkeys(checks))
    unknown = [c for c in chosen if c not in CHECKS]
    if unknown:
        raise InvalidArgument(
            f"unknown check {', '.join(unknown)}", f"choose from {', '.join(CHECKS)}"
        )
    settings = settings or AuditSettings()
    data = _Data(store, as_of, settings)
    findings: list[Finding] = []
    for done, name in enumerate(chosen, start=1):
        findings.extend(CHECKS[name](data, settings))
        if progress is not None:
            progress(name, done)
    order = {name: i for i, name in enumerate(CHECKS)}
    findings.sort(key=lambda f: (order[f.check], f.child_id, f.subject_id, f.rule))
    return PracticeReport(as_of=as_of, checks=chosen, settings=settings, findings=findings)
