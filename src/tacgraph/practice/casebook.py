"""The casebook one practice audit reads: each named query fetched once, and the teams,
leads and involvements the checks share built from the rows once, and the edges a
finding names."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from tacgraph.dates import open_on
from tacgraph.model import (
    OPEN_CAF_STATES,
    STATUTORY_PLAN_KINDS,
    CafState,
    PlanKind,
    ServiceLevel,
    TeamRole,
)
from tacgraph.practice.findings import AuditSettings, Edge
from tacgraph.queries import Query, RowT
from tacgraph.rows.practice import (
    PRACTICE_CAF_TEAMS,
    PRACTICE_INVOLVEMENTS,
    PRACTICE_LEADS,
    PRACTICE_MEMBERSHIPS,
    PRACTICE_PLAN_TEAMS,
    PRACTICE_UNIVERSAL_INVOLVEMENTS,
)
from tacgraph.store.base import Row, Store

# enum values looked up once: the checks compare them for every team and member
LEAD = TeamRole.LEAD.value
CLOSED = CafState.CLOSED.value
OPEN_STATES = frozenset(s.value for s in OPEN_CAF_STATES)
STATUTORY_KINDS = frozenset(k.value for k in STATUTORY_PLAN_KINDS)
CAF_ACTION_PLAN = PlanKind.CAF_ACTION_PLAN.value


@dataclass
class Member:
    id: str
    practitioner_id: str
    role: str
    start: date
    end: date | None


@dataclass
class Lead:
    """What the checks need to know about a practitioner leading a team on the audit
    date."""

    agency_id: str
    statutory: bool
    qualified: bool
    left_on: date | None


@dataclass
class Team:
    id: str
    label: str  # Caf or Plan
    child_id: str
    kind: str  # "caf" or the plan kind
    start: date
    end: date | None
    state: str | None = None
    caf_id: str | None = None
    stable: bool = False
    members: list[Member] = field(default_factory=list)

    def open_on(self, on: date) -> bool:
        if self.label == "Caf" and self.state == CLOSED and self.end is None:
            return False
        return open_on(self.start, self.end, on)

    def leads_on(self, on: date) -> list[Member]:
        return [m for m in self.members if m.role == LEAD and open_on(m.start, m.end, on)]


@dataclass
class Involved:
    id: str
    child_id: str
    practitioner_id: str
    agency_id: str
    level: str
    start: date
    end: date | None


class Casebook:
    """Query results for one audit run, fetched once and shared by the checks, with the
    teams and involvements built from them once."""

    def __init__(self, store: Store, as_of: date, settings: AuditSettings) -> None:
        self.store = store
        self.as_of = as_of
        self.settings = settings
        self._cache: dict[str, list[Row]] = {}
        self._teams: dict[str, Team] | None = None
        self._teams_by_child: dict[str, list[Team]] | None = None
        self._leads: dict[str, Lead] | None = None
        self._current: list[Team] | None = None
        self._involvements: dict[str, list[Involved]] | None = None

    def rows(self, query: Query[RowT]) -> list[RowT]:
        """The rows of ``query`` on the audit date, read once."""
        if query.name not in self._cache:
            self._cache[query.name] = self.store.query(query.name, {"as_of": self.as_of})
        return query.rows(self._cache[query.name])

    def teams(self) -> dict[str, Team]:
        """Every CAF and plan started by the audit date, by id, with its members."""
        if self._teams is not None:
            return self._teams
        teams: dict[str, Team] = {}
        for r in self.rows(PRACTICE_CAF_TEAMS):
            teams[r["team_id"]] = Team(
                id=r["team_id"],
                label="Caf",
                child_id=r["child_id"],
                kind="caf",
                start=r["started_on"],
                end=r["closed_on"],
                state=r["state"],
            )
        for plan in self.rows(PRACTICE_PLAN_TEAMS):
            teams[plan["team_id"]] = Team(
                id=plan["team_id"],
                label="Plan",
                child_id=plan["child_id"],
                kind=plan["kind"],
                start=plan["started_on"],
                end=plan["ended_on"],
                caf_id=plan["caf_id"],
                stable=bool(plan["stable_long_term"]),
            )
        for member in self.rows(PRACTICE_MEMBERSHIPS):
            team = teams.get(member["team_id"])
            if team is not None:
                team.members.append(
                    Member(
                        id=member["membership_id"],
                        practitioner_id=member["practitioner_id"],
                        role=member["team_role"],
                        start=member["started_on"],
                        end=member["ended_on"],
                    )
                )
        self._teams = teams
        return teams

    def current_teams(self) -> list[Team]:
        """Open CAFs and active plans on the audit date; a CAF action plan is led by its
        CAF's team, so it is not a team of its own."""
        if self._current is None:
            self._current = [
                team
                for team in self.teams().values()
                if team.open_on(self.as_of)
                and not (team.label == "Caf" and team.state not in OPEN_STATES)
                and not (team.kind == CAF_ACTION_PLAN and team.caf_id is not None)
            ]
        return self._current

    def leads(self) -> dict[str, Lead]:
        """The practitioners leading a team on the audit date, by id."""
        if self._leads is None:
            self._leads = {
                r["practitioner_id"]: Lead(
                    agency_id=r["agency_id"],
                    statutory=bool(r["statutory"]),
                    qualified=bool(r["qualified_social_worker"]),
                    left_on=r["left_agency_on"],
                )
                for r in self.rows(PRACTICE_LEADS)
            }
        return self._leads

    def teams_by_child(self) -> dict[str, list[Team]]:
        if self._teams_by_child is None:
            out: dict[str, list[Team]] = defaultdict(list)
            for team in self.teams().values():
                out[team.child_id].append(team)
            self._teams_by_child = dict(out)
        return self._teams_by_child

    def involvements(self) -> dict[str, list[Involved]]:
        """Involvements by child, each child's in id order. Open universal ones only
        for children with a CAF, a plan or a level change, unless cumulative need is
        counted from universal services."""
        if self._involvements is not None:
            return self._involvements
        rows = self.rows(PRACTICE_INVOLVEMENTS)
        if self.settings.cumulative_min_level == ServiceLevel.UNIVERSAL:
            merged = {r["involvement_id"]: r for r in rows}
            for r in self.rows(PRACTICE_UNIVERSAL_INVOLVEMENTS):
                merged.setdefault(r["involvement_id"], r)
            rows = [merged[k] for k in sorted(merged)]
        out: dict[str, list[Involved]] = defaultdict(list)
        for r in rows:
            out[r["child_id"]].append(
                Involved(
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


def edge(source: str, rel_type: str, target: str) -> Edge:
    return Edge(source=source, rel_type=rel_type, target=target)


def team_edges(member: Member, team: Team) -> list[Edge]:
    return [
        edge(member.id, "MEMBERSHIP_OF", member.practitioner_id),
        edge(member.id, "MEMBER_OF_TEAM", team.id),
    ]


def subject_edge(team: Team) -> Edge:
    return edge(team.id, "ASSESSES" if team.label == "Caf" else "PLAN_FOR", team.child_id)
