"""The rows of the queries of a child's timeline (tacgraph.timeline)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from tacgraph.queries import Query


class TimelineChangesRow(TypedDict):
    change_id: str
    direction: str
    changed_on: date
    from_level: str
    to_level: str | None


TIMELINE_CHANGES = Query("timeline_changes", TimelineChangesRow)


class TimelineHandoversRow(TypedDict):
    handover_id: str
    involvement_id: str | None
    from_practitioner_id: str
    kind: str
    shared_on: date
    to_practitioner_id: str | None
    to_caf_id: str | None
    work_done: str | None
    outcomes: str | None
    unmet_needs: str | None


TIMELINE_HANDOVERS = Query("timeline_handovers", TimelineHandoversRow)


class TimelineInvolvementsRow(TypedDict):
    involvement_id: str
    practitioner_id: str
    given_name: str
    family_name: str
    agency_id: str
    agency_name: str
    sensitive: bool
    level: str
    started_on: date
    ended_on: date | None


TIMELINE_INVOLVEMENTS = Query("timeline_involvements", TimelineInvolvementsRow)


class TimelineLeadsRow(TypedDict):
    membership_id: str
    team_id: str
    practitioner_id: str
    given_name: str
    family_name: str
    started_on: date
    ended_on: date | None


TIMELINE_LEADS = Query("timeline_leads", TimelineLeadsRow)


class TimelineReviewsRow(TypedDict):
    review_id: str
    team_id: str
    held_on: date
    outcome: str


TIMELINE_REVIEWS = Query("timeline_reviews", TimelineReviewsRow)
