"""The rows of the queries of information governance reports (tacgraph.ig)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from tacgraph.queries import Query


class IgBasesRow(TypedDict):
    basis_id: str
    child_id: str
    ground: str
    recorded_on: date | None
    recorded_by_id: str | None
    has_reason: bool


IG_BASES = Query("ig_bases", IgBasesRow)


class IgConsentsExpiringRow(TypedDict):
    consent_id: str
    child_id: str
    expires_on: date | None


IG_CONSENTS_EXPIRING = Query("ig_consents_expiring", IgConsentsExpiringRow)


class IgLinksRow(TypedDict):
    """A requester's involvement or TAC membership with a child (none: nulls)."""

    requester_id: str
    child_id: str | None
    started_on: date | None


IG_INVOLVEMENT_LINKS = Query("ig_involvement_links", IgLinksRow)


class IgLeftButInTeamRow(TypedDict):
    practitioner_id: str
    left_agency_on: date | None
    membership_id: str
    caf_id: str
    child_id: str


IG_LEFT_BUT_IN_TEAM = Query("ig_left_but_in_team", IgLeftButInTeamRow)


IG_MEMBERSHIP_LINKS = Query("ig_membership_links", IgLinksRow)
