"""The rows of the queries of the duplicate audit (tacgraph.duplicates)."""

from __future__ import annotations

from typing import TypedDict

from tacgraph.queries import Query
from tacgraph.rows.common import ChildFamilyMemberRow, ChildNamesRow, IdRow

# A candidate record for one child (by date of birth, household or family): its id.
DUP_CANDIDATES = Query("dup_candidates", IdRow)


DUP_CANDIDATES_FAMILY = Query("dup_candidates_family", IdRow)


DUP_CANDIDATES_HOUSEHOLD = Query("dup_candidates_household", IdRow)


class DupChildrenRow(ChildNamesRow):
    nhs_number: str | None
    address_line: str | None
    postcode: str | None
    shielded: bool


DUP_CHILDREN = Query("dup_children", DupChildrenRow)


class DupChildrenCountRow(TypedDict):
    children: int


DUP_CHILDREN_COUNT = Query("dup_children_count", DupChildrenCountRow)


DUP_FAMILY_OF = Query("dup_family_of", ChildFamilyMemberRow)


class DupFamilyIdsRow(TypedDict):
    """A child and its family members, in no order."""

    child_id: str
    family_member_ids: list[str]


DUP_FAMILY_IDS = Query("dup_family_ids", DupFamilyIdsRow)


class DupGpPracticesRow(TypedDict):
    child_id: str
    gp_practice_id: str


DUP_GP_PRACTICES = Query("dup_gp_practices", DupGpPracticesRow)


class DupHouseholdsRow(TypedDict):
    child_id: str
    household_id: str


DUP_HOUSEHOLDS = Query("dup_households", DupHouseholdsRow)


class DupOpenCafsRow(TypedDict):
    child_id: str
    caf_id: str


DUP_OPEN_CAFS = Query("dup_open_cafs", DupOpenCafsRow)


class DupSchoolsRow(TypedDict):
    child_id: str
    school_id: str


DUP_SCHOOLS = Query("dup_schools", DupSchoolsRow)
