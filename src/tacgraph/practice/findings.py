"""What a practice audit answers, and the settings it is run with."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from tacgraph.model import ServiceLevel


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
