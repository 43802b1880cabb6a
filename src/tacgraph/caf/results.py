"""What the CAF register answers: the check's result and each change made."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from tacgraph.model import CafAction, CafState, ServiceLevel


class Contact(BaseModel):
    """Whom to contact about a CAF. Fields the requester may not see are None and are
    listed in ``withheld``."""

    model_config = ConfigDict(frozen=True)
    role: str
    name: str | None = None
    agency: str | None = None
    email: str | None = None
    phone: str | None = None
    broker: str | None = None
    withheld: list[str] = []


class OpenCaf(BaseModel):
    """An open CAF found by the check, on this record or a probable duplicate record."""

    model_config = ConfigDict(frozen=True)
    caf_id: str
    state: CafState
    started_on: date
    record_id: str
    duplicate_probability: float | None
    contact: Contact
    how_to_join: str


class DuplicateRecord(BaseModel):
    model_config = ConfigDict(frozen=True)
    child_id: str
    probability: float


class CafCheck(BaseModel):
    """The answer to "is there a CAF for this child, and whom should I speak to?"."""

    child_id: str
    as_of: date
    requester_id: str
    open_cafs: list[OpenCaf]
    duplicate_records: list[DuplicateRecord]
    may_start: bool
    advice: str


class CafChange(BaseModel):
    """One change made to the register."""

    caf_id: str
    action: CafAction
    on: date
    by_id: str
    state: CafState
    level: ServiceLevel
    written: list[str]
    detail: str
