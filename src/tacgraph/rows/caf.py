"""The rows of the queries of the CAF register (tacgraph.caf)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from tacgraph.queries import Query
from tacgraph.rows.common import WorkContactRow


class CafChildrenRow(TypedDict):
    child_id: str
    family_name: str
    shielded: bool
    shield_practitioner_id: str | None


CAF_CHILDREN = Query("caf_children", CafChildrenRow)


class CafOfChildrenRow(TypedDict):
    caf_id: str
    child_id: str
    state: str
    level: str
    started_on: date
    state_changed_on: date | None
    closed_on: date | None
    starter_id: str
    starter_given_name: str
    starter_family_name: str
    starter_email: str | None
    starter_phone: str | None
    starter_agency_id: str
    starter_agency_name: str
    starter_agency_kind: str
    starter_agency_sensitive: bool
    starter_broker_contact: str | None


CAF_OF_CHILDREN = Query("caf_of_children", CafOfChildrenRow)


class CafPractitionerRow(TypedDict):
    id: str
    given_name: str
    family_name: str
    role: str
    left_agency_on: date | None
    agency_id: str
    agency_name: str


CAF_PRACTITIONER = Query("caf_practitioner", CafPractitionerRow)


class CafContactRow(WorkContactRow):
    """Whom the check before starting a CAF names: a member of its team, or the
    practitioner who started it (a sensitive agency's broker in their place)."""

    practitioner_id: str
    given_name: str
    family_name: str
    broker_contact: str | None


class CafTeamRow(CafContactRow):
    caf_id: str
    membership_id: str
    team_role: str
    started_on: date
    ended_on: date | None
    left_agency_on: date | None


CAF_TEAM = Query("caf_team", CafTeamRow)
