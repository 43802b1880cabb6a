"""The rows of the queries of the practice audits (tacgraph.practice, tacgraph.practice_report)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from tacgraph.queries import Query
from tacgraph.rows.common import ChildFamilyMemberRow


class PracticeAssessmentsRow(TypedDict):
    assessment_id: str
    child_id: str
    kind: str
    started_on: date
    completed_on: date | None
    practitioner_id: str | None


PRACTICE_ASSESSMENTS = Query("practice_assessments", PracticeAssessmentsRow)


class PracticeCafTeamsRow(TypedDict):
    team_id: str
    child_id: str
    state: str
    started_on: date
    closed_on: date | None


PRACTICE_CAF_TEAMS = Query("practice_caf_teams", PracticeCafTeamsRow)


class PracticeChildrenRow(TypedDict):
    child_id: str
    looked_after: bool
    care_leaver: bool
    to_be_adopted: bool
    severe_sen: bool
    disability: str
    significant_mental_health: bool
    young_offender: bool


PRACTICE_CHILDREN = Query("practice_children", PracticeChildrenRow)


class PracticeClosuresRow(TypedDict):
    change_id: str
    child_id: str
    direction: str
    changed_on: date
    from_level: str
    to_level: str | None
    caf_id: str | None
    plan_id: str | None
    plan_kind: str | None
    decided_by_id: str | None
    decided_by_role: str | None
    decided_by_agency_id: str | None
    agreed_by_id: str | None
    agreed_by_role: str | None
    tacin_meeting_id: str | None
    date_of_birth: date | None
    school_id: str | None
    gp_practice_id: str | None


PRACTICE_CLOSURES = Query("practice_closures", PracticeClosuresRow)


PRACTICE_FAMILY = Query("practice_family", ChildFamilyMemberRow)


class PracticeHandoversRow(TypedDict):
    handover_id: str
    child_id: str
    from_practitioner_id: str
    involvement_id: str | None
    shared_on: date
    to_practitioner_id: str | None
    to_caf_id: str | None


PRACTICE_HANDOVERS = Query("practice_handovers", PracticeHandoversRow)


class PracticeInvolvementsRow(TypedDict):
    involvement_id: str
    child_id: str
    practitioner_id: str
    agency_id: str
    level: str
    started_on: date
    ended_on: date | None


PRACTICE_INVOLVEMENTS = Query("practice_involvements", PracticeInvolvementsRow)


class PracticeLeadsRow(TypedDict):
    practitioner_id: str
    agency_id: str
    statutory: bool
    qualified_social_worker: bool
    left_agency_on: date | None


PRACTICE_LEADS = Query("practice_leads", PracticeLeadsRow)


class PracticeMeetingsRow(TypedDict):
    meeting_id: str
    child_id: str
    kind: str
    held_on: date
    written_outcome_sent_on: date | None


PRACTICE_MEETINGS = Query("practice_meetings", PracticeMeetingsRow)


class PracticeMembershipsRow(TypedDict):
    membership_id: str
    team_id: str
    practitioner_id: str
    team_role: str
    started_on: date
    ended_on: date | None


PRACTICE_MEMBERSHIPS = Query("practice_memberships", PracticeMembershipsRow)


class PracticeNamedAgenciesRow(TypedDict):
    change_id: str
    agency_id: str


PRACTICE_NAMED_AGENCIES = Query("practice_named_agencies", PracticeNamedAgenciesRow)


class PracticeNotificationsRow(TypedDict):
    notification_id: str
    change_id: str
    family_member_id: str | None
    agency_id: str | None
    to_child: bool


PRACTICE_NOTIFICATIONS = Query("practice_notifications", PracticeNotificationsRow)


class PracticePlanActionsRow(TypedDict):
    action_id: str
    plan_id: str
    child_id: str
    agency_id: str | None
    practitioner_id: str | None


PRACTICE_PLAN_ACTIONS = Query("practice_plan_actions", PracticePlanActionsRow)


class PracticePlanTeamsRow(TypedDict):
    team_id: str
    child_id: str
    kind: str
    caf_id: str | None
    started_on: date
    ended_on: date | None
    stable_long_term: bool


PRACTICE_PLAN_TEAMS = Query("practice_plan_teams", PracticePlanTeamsRow)


class PracticeReviewsRow(TypedDict):
    review_id: str
    caf_id: str | None
    plan_id: str | None
    held_on: date


PRACTICE_REVIEWS = Query("practice_reviews", PracticeReviewsRow)


class PracticeSensitiveServicesRow(TypedDict):
    child_id: str
    involvement_id: str
    agency_id: str
    agency_name: str
    practitioner_id: str
    broker_contact: str | None


PRACTICE_SENSITIVE_SERVICES = Query("practice_sensitive_services", PracticeSensitiveServicesRow)


PRACTICE_UNIVERSAL_INVOLVEMENTS = Query("practice_universal_involvements", PracticeInvolvementsRow)
