"""The domain model: every record tacgraph holds, as strict pydantic v2 models.

Each model is one node label in the graph. A field annotated with :class:`Ref` is not a
node property but an edge to another node; the graph schema (``tacgraph.schema``) is
derived from these annotations, so the models are the single source of truth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
Id = Annotated[str, Field(pattern=ID_PATTERN, description="Stable string id")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=20_000)]


@dataclass(frozen=True)
class Ref:
    """Marks a field as an edge ``(this)-[rel_type]->(target)`` instead of a property.

    ``key`` names the id field inside a nested model for lists of nested models; the
    nested model's other fields become properties of the edge.
    """

    target: str
    rel_type: str
    key: str | None = None


class ServiceLevel(StrEnum):
    """Levels of service, from universal to statutory (001, 000)."""

    UNIVERSAL = "universal"
    TARGETED = "targeted"
    CHILD_IN_NEED = "child_in_need"
    STATUTORY = "statutory"


LEVEL_RANK: dict[ServiceLevel, int] = {level: rank for rank, level in enumerate(ServiceLevel)}


class AgencyKind(StrEnum):
    SCHOOL = "school"
    EARLY_YEARS = "early_years"
    CHILDREN_CENTRE = "children_centre"
    GP_PRACTICE = "gp_practice"
    HEALTH_VISITING = "health_visiting"
    MIDWIFERY = "midwifery"
    SCHOOL_NURSING = "school_nursing"
    CAMHS = "camhs"
    EARLY_HELP = "early_help"
    MAST = "mast"
    SOCIAL_CARE = "social_care"
    YOUTH_OFFENDING = "youth_offending"
    POLICE = "police"
    HOUSING = "housing"
    EDUCATION_WELFARE = "education_welfare"
    VOLUNTARY = "voluntary"
    DRUG_ALCOHOL = "drug_alcohol"
    SEXUAL_HEALTH = "sexual_health"
    MENTAL_HEALTH = "mental_health"
    DOMESTIC_ABUSE = "domestic_abuse"
    OTHER = "other"


SENSITIVE_KINDS = frozenset(
    {
        AgencyKind.DRUG_ALCOHOL,
        AgencyKind.SEXUAL_HEALTH,
        AgencyKind.MENTAL_HEALTH,
        AgencyKind.DOMESTIC_ABUSE,
    }
)


class Role(StrEnum):
    TEACHER = "teacher"
    HEAD_OF_YEAR = "head_of_year"
    HEAD_TEACHER = "head_teacher"
    DESIGNATED_SAFEGUARDING_LEAD = "designated_safeguarding_lead"
    SENCO = "senco"
    SCHOOL_NURSE = "school_nurse"
    HEALTH_VISITOR = "health_visitor"
    MIDWIFE = "midwife"
    GP = "gp"
    CHILDREN_CENTRE_WORKER = "children_centre_worker"
    FAMILY_SUPPORT_WORKER = "family_support_worker"
    EARLY_HELP_WORKER = "early_help_worker"
    CAF_COORDINATOR = "caf_coordinator"
    MAST_MEMBER = "mast_member"
    MAST_MANAGER = "mast_manager"
    SOCIAL_WORKER = "social_worker"
    CONSULTANT_SOCIAL_WORKER = "consultant_social_worker"
    TEAM_MANAGER = "team_manager"
    PROJECT_WORKER = "project_worker"
    YOUTH_WORKER = "youth_worker"
    CAMHS_PRACTITIONER = "camhs_practitioner"
    YOUTH_OFFENDING_OFFICER = "youth_offending_officer"
    POLICE_OFFICER = "police_officer"
    HOUSING_OFFICER = "housing_officer"
    # may look at the past as it was (a governance function, recorded and flagged)
    INFORMATION_GOVERNANCE_OFFICER = "information_governance_officer"
    OTHER = "other"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    NOT_KNOWN = "not_known"


class Disability(StrEnum):
    NONE = "none"
    DISABILITY = "disability"
    COMPLEX = "complex"


class Relationship(StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    STEP_PARENT = "step_parent"
    FOSTER_CARER = "foster_carer"
    KINSHIP_CARER = "kinship_carer"
    GRANDPARENT = "grandparent"
    SIBLING = "sibling"
    AUNT_UNCLE = "aunt_uncle"
    GUARDIAN = "guardian"
    OTHER = "other"


class CafState(StrEnum):
    """States of a CAF on the central register (001)."""

    OPEN = "open"
    REVIEWED = "reviewed"
    STEPPED_UP = "stepped_up"
    STEPPED_DOWN = "stepped_down"
    CLOSED = "closed"


OPEN_CAF_STATES = frozenset(s for s in CafState if s is not CafState.CLOSED)


class PlanKind(StrEnum):
    CAF_ACTION_PLAN = "caf_action_plan"
    COORDINATED_SUPPORT = "coordinated_support"
    CHILD_IN_NEED = "child_in_need"
    CHILD_PROTECTION = "child_protection"
    LOOKED_AFTER_CARE = "looked_after_care"


STATUTORY_PLAN_KINDS = frozenset(
    {PlanKind.CHILD_IN_NEED, PlanKind.CHILD_PROTECTION, PlanKind.LOOKED_AFTER_CARE}
)


class Outcome(StrEnum):
    """The five Every Child Matters outcomes a CAF action plan ties its actions to."""

    BE_HEALTHY = "be_healthy"
    STAY_SAFE = "stay_safe"
    ENJOY_AND_ACHIEVE = "enjoy_and_achieve"
    POSITIVE_CONTRIBUTION = "positive_contribution"
    ECONOMIC_WELLBEING = "economic_wellbeing"


class TeamRole(StrEnum):
    MEMBER = "member"
    LEAD = "lead"


class Scope(StrEnum):
    """What a consent or statutory basis lets a practitioner see."""

    CONTACT_DETAILS = "contact_details"
    INVOLVEMENT = "involvement"
    HEALTH = "health"
    EDUCATION = "education"
    SOCIAL_CARE = "social_care"
    SENSITIVE_SERVICES = "sensitive_services"
    CAF_CONTENT = "caf_content"


class ConsentDecision(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"


class ConsentKind(StrEnum):
    EXPLICIT = "explicit"
    IMPLIED = "implied"


class StatutoryGround(StrEnum):
    SIGNIFICANT_HARM = "significant_harm"
    SECTION_47 = "section_47"
    COURT_ORDER = "court_order"


class MeetingKind(StrEnum):
    TAC = "tac"
    REVIEW = "review"
    TACIN = "tacin"
    FAMILY = "family"
    CORE_GROUP = "core_group"
    STRATEGY = "strategy"


class ReviewOutcome(StrEnum):
    CONTINUE = "continue"
    CLOSE = "close"
    STEP_UP = "step_up"
    STEP_DOWN = "step_down"


class AssessmentKind(StrEnum):
    CAF = "caf"
    INITIAL = "initial"
    CORE = "core"


class HandoverKind(StrEnum):
    UPDATED_CAF = "updated_caf"
    SUMMARY_OF_WORK = "summary_of_work"


class ChangeDirection(StrEnum):
    STEP_UP = "step_up"
    STEP_DOWN = "step_down"
    CLOSE = "close"


class Record(BaseModel):
    """Base of every stored record: strict, closed, with a stable string id."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, use_enum_values=False)

    collection: ClassVar[str]
    id: Id

    @classmethod
    def label(cls) -> str:
        return cls.__name__


def _exactly_one(record: BaseModel, *fields: str, or_none: bool = False) -> None:
    """Refuse ``record`` unless exactly one of ``fields`` is set (or, with ``or_none``,
    at most one)."""
    present = [f for f in fields if getattr(record, f) not in (None, False)]
    if len(present) > 1 or not (present or or_none):
        names = ", ".join(fields)
        rule = "at most one of {} may" if or_none else "exactly one of {} must"
        raise ValueError(f"{rule.format(names)} be set (found {len(present)})")


def _sorted_unique(values: list[str]) -> list[str]:
    return sorted(set(values))


def nhs_number_is_valid(digits: str) -> bool:
    """Whether a 10-digit NHS number passes its modulus-11 check digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def normalise_postcode(value: str) -> str:
    compact = value.strip().upper().replace(" ", "")
    match = POSTCODE_RE.match(compact)
    if not match:
        raise ValueError(f"{value!r} is not a UK postcode")
    return f"{match.group(1)} {match.group(2)}"


class Agency(Record):
    """A team or school whose resources one leader controls; any service reached by
    referral is a separate agency (000)."""

    collection: ClassVar[str] = "agencies"
    name: Name
    kind: AgencyKind
    level: ServiceLevel
    sensitive: bool = False
    statutory: bool = False
    locality: Name | None = None
    phone: Name | None = None
    email: Name | None = None
    broker_contact: Name | None = Field(
        default=None, description="Whom to contact about a sensitive service without naming it"
    )

    @model_validator(mode="after")
    def _sensitive_kinds(self) -> Agency:
        if self.kind in SENSITIVE_KINDS and not self.sensitive:
            raise ValueError(f"an agency of kind {self.kind.value} must be marked sensitive")
        return self


class Household(Record):
    collection: ClassVar[str] = "households"
    address_line: Name
    postcode: str
    locality: Name | None = None

    _postcode = field_validator("postcode")(classmethod(lambda cls, v: normalise_postcode(v)))


class Practitioner(Record):
    collection: ClassVar[str] = "practitioners"
    given_name: Name
    family_name: Name
    agency_id: Annotated[Id, Ref("Agency", "WORKS_FOR")]
    role: Role
    qualified_social_worker: bool = False
    lookup_authorised: bool = Field(
        default=False, description="Trained and authorised to use the who-else directory (000)"
    )
    email: Name | None = None
    phone: Name | None = None
    left_agency_on: date | None = None


class Child(Record):
    """A child or young person, including an unborn child with an expected date."""

    collection: ClassVar[str] = "children"
    given_name: Name | None = None
    middle_names: Name | None = None
    family_name: Name
    preferred_name: Name | None = None
    date_of_birth: date | None = None
    expected_date: date | None = Field(default=None, description="Expected date of an unborn child")
    gender: Gender = Gender.NOT_KNOWN
    nhs_number: str | None = None
    address_line: Name | None = None
    postcode: str | None = None
    household_id: Annotated[Id | None, Ref("Household", "LIVES_IN")] = None
    school_id: Annotated[Id | None, Ref("Agency", "ATTENDS")] = None
    gp_practice_id: Annotated[Id | None, Ref("Agency", "REGISTERED_WITH")] = None
    looked_after: bool = False
    care_leaver: bool = False
    to_be_adopted: bool = False
    disability: Disability = Disability.NONE
    learning_difficulty: bool = False
    severe_sen: bool = False
    significant_mental_health: bool = False
    young_offender: bool = False
    shielded: bool = False
    shield_named: Annotated[list[Id], Ref("Practitioner", "SHIELD_NAMES")] = Field(
        default_factory=list,
        description="Practitioners allowed to see a shielded child's whereabouts",
    )

    @field_validator("nhs_number")
    @classmethod
    def _nhs(cls, value: str | None) -> str | None:
        if value is None:
            return None
        digits = value.replace(" ", "").replace("-", "")
        if not nhs_number_is_valid(digits):
            raise ValueError(f"{value!r} is not a valid NHS number (modulus-11 check failed)")
        return digits

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str | None) -> str | None:
        return None if value is None else normalise_postcode(value)

    _shield = field_validator("shield_named")(classmethod(lambda cls, v: _sorted_unique(v)))

    @model_validator(mode="after")
    def _born_or_expected(self) -> Child:
        if (self.date_of_birth is None) == (self.expected_date is None):
            raise ValueError("exactly one of date_of_birth, expected_date must be set")
        if self.expected_date is not None and self.looked_after:
            raise ValueError("looked_after cannot be set for an unborn child (expected_date)")
        return self

    @property
    def unborn(self) -> bool:
        return self.date_of_birth is None


class FamilyRelation(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    child_id: Id
    relationship: Relationship
    parental_responsibility: bool = False
    carer: bool = False


class FamilyMember(Record):
    collection: ClassVar[str] = "family_members"
    given_name: Name
    family_name: Name
    date_of_birth: date | None = None
    phone: Name | None = None
    household_id: Annotated[Id | None, Ref("Household", "LIVES_IN")] = None
    relations: Annotated[list[FamilyRelation], Ref("Child", "FAMILY_OF", key="child_id")] = Field(
        min_length=1
    )

    @field_validator("relations")
    @classmethod
    def _one_relation_per_child(cls, value: list[FamilyRelation]) -> list[FamilyRelation]:
        seen = [r.child_id for r in value]
        if len(seen) != len(set(seen)):
            raise ValueError("a family member has one relation per child")
        return sorted(value, key=lambda r: r.child_id)


class Caf(Record):
    """A Common Assessment Framework assessment and its register entry (001)."""

    collection: ClassVar[str] = "cafs"
    child_id: Annotated[Id, Ref("Child", "ASSESSES")]
    # Always recorded by `caf start`; None in a redacted export's record of a shielded
    # child's CAF (who started it would locate the child), where it is unknown, not empty.
    started_by_id: Annotated[Id | None, Ref("Practitioner", "STARTED_BY")] = None
    started_on: date
    state: CafState = CafState.OPEN
    state_changed_on: date | None = None
    level: ServiceLevel = ServiceLevel.TARGETED
    closed_on: date | None = None

    @model_validator(mode="after")
    def _closed(self) -> Caf:
        if (self.state is CafState.CLOSED) != (self.closed_on is not None):
            raise ValueError("closed_on is set exactly when state is closed")
        if self.closed_on is not None and self.closed_on < self.started_on:
            raise ValueError("closed_on is before started_on")
        return self


class Plan(Record):
    collection: ClassVar[str] = "plans"
    child_id: Annotated[Id, Ref("Child", "PLAN_FOR")]
    kind: PlanKind
    caf_id: Annotated[Id | None, Ref("Caf", "UNDER_CAF")] = None
    started_on: date
    ended_on: date | None = None
    next_review_on: date | None = None
    stable_long_term: bool = False

    @model_validator(mode="after")
    def _dates(self) -> Plan:
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise ValueError("ended_on is before started_on")
        return self


class PlanAction(Record):
    """What must change, who does it, by when and how we will know (001)."""

    collection: ClassVar[str] = "plan_actions"
    plan_id: Annotated[Id, Ref("Plan", "ACTION_OF")]
    description: Text
    outcome: Outcome
    agency_id: Annotated[Id | None, Ref("Agency", "ASSIGNED_TO")] = None
    practitioner_id: Annotated[Id | None, Ref("Practitioner", "ASSIGNED_TO")] = None
    due_on: date | None = None
    how_we_will_know: Text | None = None
    completed_on: date | None = None


class Involvement(Record):
    """A practitioner working with a child, for an agency, at a level, over a period."""

    collection: ClassVar[str] = "involvements"
    practitioner_id: Annotated[Id, Ref("Practitioner", "INVOLVEMENT_OF")]
    child_id: Annotated[Id, Ref("Child", "INVOLVED_WITH")]
    agency_id: Annotated[Id, Ref("Agency", "ON_BEHALF_OF")]
    level: ServiceLevel
    started_on: date
    ended_on: date | None = None
    end_reason: Text | None = None

    @model_validator(mode="after")
    def _dates(self) -> Involvement:
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise ValueError("ended_on is before started_on")
        return self


class TeamMembership(Record):
    """Membership of the Team Around the Child of a CAF or plan; a lead is the Lead
    Professional for the period (000 4.4)."""

    collection: ClassVar[str] = "team_memberships"
    practitioner_id: Annotated[Id, Ref("Practitioner", "MEMBERSHIP_OF")]
    caf_id: Annotated[Id | None, Ref("Caf", "MEMBER_OF_TEAM")] = None
    plan_id: Annotated[Id | None, Ref("Plan", "MEMBER_OF_TEAM")] = None
    role: TeamRole = TeamRole.MEMBER
    started_on: date
    ended_on: date | None = None

    @model_validator(mode="after")
    def _team(self) -> TeamMembership:
        _exactly_one(self, "caf_id", "plan_id")
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise ValueError("ended_on is before started_on")
        return self


class Consent(Record):
    """Consent, or its refusal, to share stated information with a practitioner, an
    agency or a TAC (000 glossary; 004 family meetings)."""

    collection: ClassVar[str] = "consents"
    child_id: Annotated[Id, Ref("Child", "CONSENT_ABOUT")]
    given_by_family_member_id: Annotated[Id | None, Ref("FamilyMember", "GIVEN_BY")] = None
    given_by_child: bool = False
    child_competent: bool | None = Field(
        default=None, description="The child's competence for this decision, as recorded"
    )
    decision: ConsentDecision = ConsentDecision.GIVEN
    kind: ConsentKind
    to_practitioner_id: Annotated[Id | None, Ref("Practitioner", "CONSENTS_TO")] = None
    to_agency_id: Annotated[Id | None, Ref("Agency", "CONSENTS_TO")] = None
    to_caf_id: Annotated[Id | None, Ref("Caf", "CONSENTS_TO")] = None
    scopes: list[Scope] = Field(min_length=1)
    services: list[Id] | None = Field(
        default=None,
        description="The services the consent covers, as agency or involvement ids (a "
        "young person may share one sensitive service and keep another private); absent: "
        "every service",
    )
    purpose: Text | None = None
    given_on: date
    expires_on: date | None = None
    withdrawn_on: date | None = None
    recorded_by_id: Annotated[Id | None, Ref("Practitioner", "RECORDED_BY")] = None

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: list[Scope]) -> list[Scope]:
        return sorted(set(value), key=lambda s: s.value)

    @field_validator("services")
    @classmethod
    def _services(cls, value: list[str] | None) -> list[str] | None:
        return sorted(set(value)) or None if value is not None else None

    @model_validator(mode="after")
    def _parties(self) -> Consent:
        _exactly_one(self, "given_by_family_member_id", "given_by_child")
        _exactly_one(self, "to_practitioner_id", "to_agency_id", "to_caf_id")
        if self.given_by_child and self.child_competent is None:
            raise ValueError("consent given by the child must record child_competent")
        for name in ("expires_on", "withdrawn_on"):
            end = getattr(self, name)
            if end is not None and end < self.given_on:
                raise ValueError(f"{name} is before given_on")
        return self


class StatutoryBasis(Record):
    """A recorded basis for sharing without consent (significant harm, s47) (004)."""

    collection: ClassVar[str] = "statutory_bases"
    child_id: Annotated[Id, Ref("Child", "BASIS_ABOUT")]
    ground: StatutoryGround
    recorded_by_id: Annotated[Id | None, Ref("Practitioner", "RECORDED_BY")] = None
    recorded_on: date | None = None
    reason: Text | None = None
    to_practitioner_id: Annotated[Id | None, Ref("Practitioner", "PERMITS")] = None
    to_agency_id: Annotated[Id | None, Ref("Agency", "PERMITS")] = None
    scopes: list[Scope] = Field(min_length=1)
    valid_until: date | None = None

    _scopes = field_validator("scopes")(classmethod(lambda cls, v: sorted(set(v), key=str)))


class Meeting(Record):
    collection: ClassVar[str] = "meetings"
    child_id: Annotated[Id, Ref("Child", "MEETING_ABOUT")]
    kind: MeetingKind
    held_on: date
    caf_id: Annotated[Id | None, Ref("Caf", "MEETING_OF")] = None
    plan_id: Annotated[Id | None, Ref("Plan", "MEETING_OF")] = None
    chair_id: Annotated[Id | None, Ref("Practitioner", "CHAIRED_BY")] = None
    attendee_ids: Annotated[list[Id], Ref("Practitioner", "ATTENDED_BY")] = Field(
        default_factory=list
    )
    family_attended: bool = False
    written_outcome_sent_on: date | None = None

    _attendees = field_validator("attendee_ids")(classmethod(lambda cls, v: _sorted_unique(v)))


class Review(Record):
    collection: ClassVar[str] = "reviews"
    caf_id: Annotated[Id | None, Ref("Caf", "REVIEW_OF")] = None
    plan_id: Annotated[Id | None, Ref("Plan", "REVIEW_OF")] = None
    held_on: date
    outcome: ReviewOutcome
    next_review_on: date | None = None
    meeting_id: Annotated[Id | None, Ref("Meeting", "HELD_AT")] = None
    recorded_by_id: Annotated[Id | None, Ref("Practitioner", "RECORDED_BY")] = None
    social_worker_present: bool = False

    @model_validator(mode="after")
    def _subject(self) -> Review:
        _exactly_one(self, "caf_id", "plan_id")
        if self.next_review_on is not None and self.next_review_on < self.held_on:
            raise ValueError("next_review_on is before held_on")
        return self


class Referral(Record):
    """A referral to another service, with the CAF attached where one exists (000 5.1)."""

    collection: ClassVar[str] = "referrals"
    child_id: Annotated[Id, Ref("Child", "REFERRAL_ABOUT")]
    from_practitioner_id: Annotated[Id, Ref("Practitioner", "REFERRED_BY")]
    to_agency_id: Annotated[Id, Ref("Agency", "REFERRED_TO")]
    referred_on: date
    caf_id: Annotated[Id | None, Ref("Caf", "WITH_CAF")] = None
    consent_id: Annotated[Id | None, Ref("Consent", "UNDER_CONSENT")] = None
    statutory_basis_id: Annotated[Id | None, Ref("StatutoryBasis", "UNDER_BASIS")] = None
    reason: Text | None = None


class Assessment(Record):
    collection: ClassVar[str] = "assessments"
    child_id: Annotated[Id, Ref("Child", "ASSESSMENT_OF")]
    kind: AssessmentKind
    practitioner_id: Annotated[Id | None, Ref("Practitioner", "ASSESSED_BY")] = None
    started_on: date
    completed_on: date | None = None
    analysis_sent_on: date | None = None


class Handover(Record):
    """What a departing practitioner shares: an updated CAF or a summary of work (001),
    with the team of a CAF or with one practitioner; with neither where no one else was
    working with the child, kept on the child's record for whoever works with them next."""

    collection: ClassVar[str] = "handovers"
    child_id: Annotated[Id, Ref("Child", "HANDOVER_ABOUT")]
    involvement_id: Annotated[Id | None, Ref("Involvement", "HANDS_OVER")] = None
    from_practitioner_id: Annotated[Id, Ref("Practitioner", "HANDED_OVER_BY")]
    to_practitioner_id: Annotated[Id | None, Ref("Practitioner", "HANDED_OVER_TO")] = None
    to_caf_id: Annotated[Id | None, Ref("Caf", "HANDED_OVER_TO")] = None
    kind: HandoverKind
    shared_on: date
    work_done: Text | None = None
    outcomes: Text | None = None
    unmet_needs: Text | None = None

    @model_validator(mode="after")
    def _to(self) -> Handover:
        _exactly_one(self, "to_practitioner_id", "to_caf_id", or_none=True)
        return self


class LevelChange(Record):
    """A step-up, step-down or closure of a CAF or plan (001; 004 section 6)."""

    collection: ClassVar[str] = "level_changes"
    child_id: Annotated[Id, Ref("Child", "CHANGE_FOR")]
    direction: ChangeDirection
    changed_on: date
    from_level: ServiceLevel
    to_level: ServiceLevel | None = None
    caf_id: Annotated[Id | None, Ref("Caf", "CHANGE_OF")] = None
    plan_id: Annotated[Id | None, Ref("Plan", "CHANGE_OF")] = None
    decided_by_id: Annotated[Id | None, Ref("Practitioner", "DECIDED_BY")] = None
    agreed_by_id: Annotated[Id | None, Ref("Practitioner", "AGREED_BY")] = None
    tacin_meeting_id: Annotated[Id | None, Ref("Meeting", "DISCUSSED_AT")] = None
    new_agency_ids: Annotated[list[Id], Ref("Agency", "NAMES_AGENCY")] = Field(default_factory=list)

    _agencies = field_validator("new_agency_ids")(classmethod(lambda cls, v: _sorted_unique(v)))

    @model_validator(mode="after")
    def _levels(self) -> LevelChange:
        if self.to_level is not None:
            up = LEVEL_RANK[self.to_level] > LEVEL_RANK[self.from_level]
            if self.direction is ChangeDirection.STEP_UP and not up:
                raise ValueError("a step-up must go to a higher level")
            if self.direction is ChangeDirection.STEP_DOWN and up:
                raise ValueError("a step-down must go to a lower level")
        return self


class Notification(Record):
    """A formal notice of a closure or step-down to one party (004 section 6)."""

    collection: ClassVar[str] = "notifications"
    child_id: Annotated[Id, Ref("Child", "NOTIFICATION_ABOUT")]
    level_change_id: Annotated[Id | None, Ref("LevelChange", "NOTIFIES_OF")] = None
    to_family_member_id: Annotated[Id | None, Ref("FamilyMember", "NOTIFIED")] = None
    to_agency_id: Annotated[Id | None, Ref("Agency", "NOTIFIED")] = None
    to_child: bool = False
    sent_on: date
    sent_by_id: Annotated[Id | None, Ref("Practitioner", "SENT_BY")] = None

    @model_validator(mode="after")
    def _to(self) -> Notification:
        _exactly_one(self, "to_family_member_id", "to_agency_id", "to_child")
        return self


class CafAction(StrEnum):
    """What a change to a CAF on the register did."""

    START = "start"
    ADD_MEMBER = "add_member"
    SET_LEAD = "set_lead"
    REVIEW = "review"
    STEP_UP = "step_up"
    STEP_DOWN = "step_down"
    CLOSE = "close"


class CafEvent(Record):
    """One change to a CAF on the register: who made it, when, and what it did."""

    collection: ClassVar[str] = "caf_events"
    caf_id: Annotated[Id, Ref("Caf", "EVENT_OF")]
    by_id: Annotated[Id, Ref("Practitioner", "CHANGED_BY")]
    changed_on: date
    action: CafAction
    detail: Text | None = None


RECORD_TYPES: tuple[type[Record], ...] = (
    Agency,
    Household,
    Practitioner,
    Child,
    FamilyMember,
    Caf,
    Plan,
    PlanAction,
    Involvement,
    TeamMembership,
    Consent,
    StatutoryBasis,
    Meeting,
    Review,
    Referral,
    Assessment,
    Handover,
    LevelChange,
    Notification,
    CafEvent,
)

BY_LABEL: dict[str, type[Record]] = {t.label(): t for t in RECORD_TYPES}
BY_COLLECTION: dict[str, type[Record]] = {t.collection: t for t in RECORD_TYPES}


class Dataset(BaseModel):
    """A whole import or export document: one list per record type."""

    model_config = ConfigDict(strict=True, extra="forbid")
    format: str = Field(default="tacgraph", pattern="^tacgraph$")
    version: int = 1
    agencies: list[Agency] = Field(default_factory=list)
    households: list[Household] = Field(default_factory=list)
    practitioners: list[Practitioner] = Field(default_factory=list)
    children: list[Child] = Field(default_factory=list)
    family_members: list[FamilyMember] = Field(default_factory=list)
    cafs: list[Caf] = Field(default_factory=list)
    plans: list[Plan] = Field(default_factory=list)
    plan_actions: list[PlanAction] = Field(default_factory=list)
    involvements: list[Involvement] = Field(default_factory=list)
    team_memberships: list[TeamMembership] = Field(default_factory=list)
    consents: list[Consent] = Field(default_factory=list)
    statutory_bases: list[StatutoryBasis] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    reviews: list[Review] = Field(default_factory=list)
    referrals: list[Referral] = Field(default_factory=list)
    assessments: list[Assessment] = Field(default_factory=list)
    handovers: list[Handover] = Field(default_factory=list)
    level_changes: list[LevelChange] = Field(default_factory=list)
    notifications: list[Notification] = Field(default_factory=list)
    caf_events: list[CafEvent] = Field(default_factory=list)

    def records(self) -> list[Record]:
        out: list[Record] = []
        for record_type in RECORD_TYPES:
            out.extend(getattr(self, record_type.collection))
        return out


def dump_record(record: Record) -> dict[str, Any]:
    """The canonical JSON form of a record: None fields left out."""
    return record.model_dump(mode="json", exclude_none=True)
