"""What a synthesis holds while it builds a household: practitioners, localities, family members,
involvements, CAF spans and children still open to change, and small helpers over them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from tacgraph.dates import age, open_on
from tacgraph.model import (
    LEVEL_RANK,
    Disability,
    FamilyRelation,
    Gender,
    Handover,
    LevelChange,
    Record,
    Role,
    ServiceLevel,
    TeamRole,
)


def fold_ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in folded if c.isascii() and (c.isalnum())).lower()


def max_level(*levels: ServiceLevel) -> ServiceLevel:
    return max(levels, key=LEVEL_RANK.__getitem__)


def nhs_check_digit(body: int) -> int:
    digits = f"{body:09d}"
    total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return 0 if check == 11 else check


def years_old(dob: date | None, on: date) -> int:
    """Whole years old on ``on``; -1 before birth or for an unborn child."""
    return -1 if dob is None or on < dob else age(dob, on)


@dataclass(slots=True)
class Staff:
    id: str
    agency_id: str
    role: Role
    left_on: date | None


@dataclass(slots=True)
class Locality:
    name: str
    outward: tuple[str, ...]
    streets: tuple[str, ...]
    children: int
    agencies: dict[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class Member:
    """A family member while their household is being built."""

    id: str
    given: str
    family: str
    dob: date | None
    phone: str | None
    household_id: str | None
    relations: list[FamilyRelation] = field(default_factory=list)


@dataclass(slots=True)
class Inv:
    """An involvement whose end may not be known yet."""

    id: str
    staff: Staff
    agency_id: str
    key: str
    level: ServiceLevel
    start: date
    end: date | None = None
    end_reason: str | None = None
    caf: CafSpan | None = None
    lead: list[list[date | None]] = field(default_factory=list)  # [from, to] periods
    handover: bool = True


@dataclass(slots=True)
class CafSpan:
    id: str
    start: date
    closed: date | None
    invs: list[Inv] = field(default_factory=list)

    def open_on(self, d: date) -> bool:
        return open_on(self.start, self.closed, d)

    def lead_on(self, d: date) -> Inv | None:
        for inv in self.invs:
            for frm, to in inv.lead:
                assert frm is not None
                if open_on(frm, to, d):
                    return inv
        return None


@dataclass(slots=True)
class Change:
    record: LevelChange
    sent_by: str


@dataclass(slots=True)
class Kid:
    id: str
    given: str | None
    middle: str | None
    family: str
    dob: date | None
    expected: date | None
    gender: Gender
    nhs: str | None
    loc: Locality
    household_id: str | None
    address: str
    postcode: str
    school_id: str | None
    school_stage: str | None
    gp_id: str
    cc_id: str
    pr_ids: list[str] = field(default_factory=list)
    carer_ids: list[str] = field(default_factory=list)
    preferred: str | None = None
    looked_after: bool = False
    to_be_adopted: bool = False
    disability: Disability = Disability.NONE
    learning_difficulty: bool = False
    severe_sen: bool = False
    significant_mental_health: bool = False
    young_offender: bool = False
    shielded: bool = False
    invs: list[Inv] = field(default_factory=list)
    cafs: list[CafSpan] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    plan_teams: list[tuple[Staff, str, TeamRole, date, date | None]] = field(default_factory=list)
    handovers: list[Handover] = field(default_factory=list)
    recs: list[Record] = field(default_factory=list)

    def age(self, on: date) -> int:
        return years_old(self.dob, on)

    @property
    def born_on(self) -> date:
        """Date of birth, or expected date of an unborn child."""
        d = self.dob if self.dob is not None else self.expected
        assert d is not None
        return d

    def open_caf(self) -> CafSpan | None:
        for caf in self.cafs:
            if caf.closed is None:
                return caf
        return None


def stage_for_age(age: int) -> str | None:
    if 4 <= age <= 10:
        return "primary"
    if 11 <= age <= 17:
        return "secondary"
    return None


def lead_periods(inv: Inv) -> list[tuple[TeamRole, date, date | None]]:
    """An involvement's time on a TAC, split into member and lead periods."""
    out: list[tuple[TeamRole, date, date | None]] = []
    t: date | None = inv.start
    for frm, to in sorted(inv.lead, key=lambda p: p[0] or inv.start):
        assert frm is not None
        if t is not None and frm > t:
            out.append((TeamRole.MEMBER, t, frm - timedelta(days=1)))
        out.append((TeamRole.LEAD, frm, to))
        t = None if to is None else to + timedelta(days=1)
    if t is not None and (inv.end is None or t <= inv.end):
        out.append((TeamRole.MEMBER, t, inv.end))
    return out
