"""The rows of the who-else lookup's queries and the gate's: a child's case read whole
(``case_read``), by section for a case list (``case_*``) or by chain for one child
(``child_*``, ``lookup_*``), and the households a shielded child lives in (``gate_*``)."""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict

from tacgraph.queries import Query
from tacgraph.rows.common import PractitionerStandingRow, WorkContactRow


class PractitionerContactRow(TypedDict):
    """A practitioner working with a child, as the child's chains and the lookup name
    them: who they are and how to reach them."""

    practitioner_id: str
    given_name: str
    family_name: str
    role: str
    email: str | None
    phone: str | None


class AgencyContactRow(TypedDict):
    """The agency a practitioner works for or on behalf of, as the child's chains and the
    lookup name it: a sensitive agency is reached through its broker."""

    agency_id: str
    agency_name: str
    sensitive: bool
    broker_contact: str | None


class CaseMemberRow(TypedDict):
    """A practitioner and their agency as a case list reads them: by OPTIONAL MATCH, so
    null where the involvement or membership has none."""

    practitioner_id: str | None
    given_name: str | None
    family_name: str | None
    role: str | None
    email: str | None
    phone: str | None
    agency_id: str | None
    agency_name: str | None
    sensitive: bool | None
    broker_contact: str | None


# The rows one child's chains give first; the case list's details and the lookup's rows
# of the same records extend them.


class ChildBasesRow(TypedDict):
    basis_id: str
    ground: str
    recorded_on: date | None
    reason: str | None
    scopes: list[str]
    valid_until: date | None


CHILD_BASES = Query("child_bases", ChildBasesRow)


class ChildConsentsRow(TypedDict):
    consent_id: str
    decision: str
    kind: str
    given_by_child: bool
    child_competent: bool | None
    scopes: list[str]
    services: list[str] | None
    given_on: date
    expires_on: date | None
    withdrawn_on: date | None


CHILD_CONSENTS = Query("child_consents", ChildConsentsRow)


class ChildInvolvementsRow(PractitionerContactRow):
    involvement_id: str
    level: str
    started_on: date
    ended_on: date | None


CHILD_INVOLVEMENTS = Query("child_involvements", ChildInvolvementsRow)


class CaseBasesRow(TypedDict):
    child_id: str
    basis_id: str | None


CASE_BASES = Query("case_bases", CaseBasesRow)


class CaseBasisDetailsRow(ChildBasesRow):
    recorded_by_id: str | None


CASE_BASIS_DETAILS = Query("case_basis_details", CaseBasisDetailsRow)


class CaseBasisRecipientsRow(TypedDict):
    basis_id: str
    to_label: str
    to_id: str | None


CASE_BASIS_RECIPIENTS = Query("case_basis_recipients", CaseBasisRecipientsRow)


class CaseCafDetailsRow(TypedDict):
    """A CAF as a case list details it; a child's chains and the lookup's teams begin
    their CAF columns with these."""

    caf_id: str
    caf_state: str
    caf_level: str
    caf_started_on: date


CASE_CAF_DETAILS = Query("case_caf_details", CaseCafDetailsRow)


class CaseCafsRow(TypedDict):
    child_id: str
    caf_id: str | None


CASE_CAFS = Query("case_cafs", CaseCafsRow)


class CaseChildrenRow(TypedDict):
    id: str
    given_name: str | None
    preferred_name: str | None
    family_name: str
    date_of_birth: date | None
    expected_date: date | None
    gender: str
    shielded: bool
    address_line: str | None
    postcode: str | None


CASE_CHILDREN = Query("case_children", CaseChildrenRow)


class CaseConsentDetailsRow(ChildConsentsRow):
    giver_id: str | None


CASE_CONSENT_DETAILS = Query("case_consent_details", CaseConsentDetailsRow)


class CaseConsentRecipientsRow(TypedDict):
    consent_id: str
    to_label: str
    to_id: str | None


CASE_CONSENT_RECIPIENTS = Query("case_consent_recipients", CaseConsentRecipientsRow)


class CaseConsentsRow(TypedDict):
    child_id: str
    consent_id: str | None


CASE_CONSENTS = Query("case_consents", CaseConsentsRow)


class CaseFamilyRow(TypedDict):
    child_id: str
    family_member_id: str | None
    given_name: str | None
    family_name: str | None
    phone: str | None
    relationship: str | None
    parental_responsibility: bool | None
    carer: bool | None
    address_line: str | None
    postcode: str | None


CASE_FAMILY = Query("case_family", CaseFamilyRow)


class CaseHandoversRow(TypedDict):
    child_id: str
    handover_id: str | None
    kind: str | None
    shared_on: date | None
    from_practitioner_id: str | None
    involvement_id: str | None


CASE_HANDOVERS = Query("case_handovers", CaseHandoversRow)


class CaseInvolvementsRow(CaseMemberRow):
    child_id: str
    involvement_id: str | None
    level: str | None
    started_on: date | None
    ended_on: date | None


CASE_INVOLVEMENTS = Query("case_involvements", CaseInvolvementsRow)


class CaseReadRow(CaseChildrenRow):
    shield: list[str | None] | None
    involvements: list[dict[str, Any]] | None
    handovers: list[dict[str, Any]] | None
    cafs: list[dict[str, Any]] | None
    teams: list[dict[str, Any]] | None
    consents: list[dict[str, Any]] | None
    bases: list[dict[str, Any]] | None
    family: list[dict[str, Any]] | None


CASE_READ = Query("case_read", CaseReadRow)


class CaseTeamsRow(CaseMemberRow):
    caf_id: str
    membership_id: str | None
    team_role: str | None
    since: date | None


CASE_TEAMS = Query("case_teams", CaseTeamsRow)


class ChildBasisRecipientsRow(TypedDict):
    basis_id: str
    to_label: str
    to_id: str


CHILD_BASIS_RECIPIENTS = Query("child_basis_recipients", ChildBasisRecipientsRow)


class ChildBasisRecordersRow(TypedDict):
    basis_id: str
    recorded_by_id: str


CHILD_BASIS_RECORDERS = Query("child_basis_recorders", ChildBasisRecordersRow)


class ChildCafsRow(CaseCafDetailsRow):
    caf_closed_on: date | None


CHILD_CAFS = Query("child_cafs", ChildCafsRow)


class ChildConsentGiversRow(TypedDict):
    consent_id: str
    giver_id: str


CHILD_CONSENT_GIVERS = Query("child_consent_givers", ChildConsentGiversRow)


class ChildConsentRecipientsRow(TypedDict):
    consent_id: str
    to_label: str
    to_id: str


CHILD_CONSENT_RECIPIENTS = Query("child_consent_recipients", ChildConsentRecipientsRow)


class ChildFamilyRow(TypedDict):
    family_member_id: str
    given_name: str
    family_name: str
    phone: str | None
    relationship: str
    parental_responsibility: bool
    carer: bool


CHILD_FAMILY = Query("child_family", ChildFamilyRow)


class ChildFamilyHomesRow(TypedDict):
    family_member_id: str
    address_line: str
    postcode: str


CHILD_FAMILY_HOMES = Query("child_family_homes", ChildFamilyHomesRow)


class ChildHandoverInvolvementsRow(TypedDict):
    handover_id: str
    involvement_id: str


CHILD_HANDOVER_INVOLVEMENTS = Query("child_handover_involvements", ChildHandoverInvolvementsRow)


class ChildHandoversRow(TypedDict):
    handover_id: str
    kind: str
    shared_on: date
    from_practitioner_id: str


CHILD_HANDOVERS = Query("child_handovers", ChildHandoversRow)


class ChildInvolvementAgenciesRow(AgencyContactRow):
    involvement_id: str


CHILD_INVOLVEMENT_AGENCIES = Query("child_involvement_agencies", ChildInvolvementAgenciesRow)


class ChildShieldRow(TypedDict):
    practitioner_id: str


CHILD_SHIELD = Query("child_shield", ChildShieldRow)


class ChildTeamsRow(PractitionerContactRow, AgencyContactRow):
    caf_id: str
    caf_started_on: date
    caf_closed_on: date | None
    membership_id: str
    team_role: str
    since: date
    membership_ended_on: date | None


CHILD_TEAMS = Query("child_teams", ChildTeamsRow)


class GateShieldedHouseholdsRow(TypedDict):
    child_id: str
    family_member_id: str  # '' for the child's own household
    other_id: str
    shield_practitioner_id: str | None


GATE_SHIELDED_HOUSEHOLDS = Query("gate_shielded_households", GateShieldedHouseholdsRow)


class ChildHouseholdChildrenRow(TypedDict):
    other_id: str
    shielded: bool | None


class ChildFamilyHouseholdChildrenRow(TypedDict):
    family_member_id: str
    other_id: str
    shielded: bool | None


CHILD_HOUSEHOLD_CHILDREN = Query("child_household_children", ChildHouseholdChildrenRow)
CHILD_FAMILY_HOUSEHOLD_CHILDREN = Query(
    "child_family_household_children", ChildFamilyHouseholdChildrenRow
)


class LookupBasesRow(CaseBasisDetailsRow):
    to_practitioner_id: str | None
    to_agency_id: str | None


LOOKUP_BASES = Query("lookup_bases", LookupBasesRow)


LOOKUP_CHILD = Query("lookup_child", CaseChildrenRow)


class LookupConsentsRow(CaseConsentDetailsRow):
    giver_parental_responsibility: bool | None
    to_practitioner_id: str | None
    to_agency_id: str | None
    to_caf_id: str | None


LOOKUP_CONSENTS = Query("lookup_consents", LookupConsentsRow)


class LookupInvolvementsRow(ChildInvolvementsRow, AgencyContactRow):
    agency_kind: str
    agency_level: str
    statutory: bool
    agency_phone: str | None


LOOKUP_INVOLVEMENTS = Query("lookup_involvements", LookupInvolvementsRow)


class LookupRequesterRow(PractitionerStandingRow, WorkContactRow):
    """The practitioner asking, and their agency."""


LOOKUP_REQUESTER = Query("lookup_requester", LookupRequesterRow)


class LookupReadRow(TypedDict):
    """A lookup's one read on Neo4j: lookup_requester's rows, gate_shielded_households's
    rows and case_read's rows (each with ``day``, its date's place), as maps."""

    requester: list[dict[str, Any]]
    shields: list[dict[str, Any]]
    cases: list[dict[str, Any]]


LOOKUP_READ = Query("lookup_read", LookupReadRow)


LOOKUP_SHIELD = Query("lookup_shield", ChildShieldRow)


class LookupTeamsRow(PractitionerContactRow, AgencyContactRow, CaseCafDetailsRow):
    membership_id: str
    team_role: str
    agency_kind: str


LOOKUP_TEAMS = Query("lookup_teams", LookupTeamsRow)
