"""The rows of the queries of the summary (tacgraph.summary)."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from tacgraph.queries import Query


class SummaryAgenciesByLevelRow(TypedDict):
    level: str
    agencies: int
    practitioners: int


SUMMARY_AGENCIES_BY_LEVEL = Query("summary_agencies_by_level", SummaryAgenciesByLevelRow)


class SummaryCafsByStateRow(TypedDict):
    state: str
    cafs: int


SUMMARY_CAFS_BY_STATE = Query("summary_cafs_by_state", SummaryCafsByStateRow)


class SummaryChildrenRow(TypedDict):
    """The counts by SUM: a Decimal on LadybugDB, an int on Neo4j."""

    children: int
    unborn: int | Decimal
    looked_after: int | Decimal
    shielded: int | Decimal
    with_nhs_number: int | Decimal


SUMMARY_CHILDREN = Query("summary_children", SummaryChildrenRow)


class SummaryInvolvementsByLevelRow(TypedDict):
    level: str
    children: int
    involvements: int


SUMMARY_INVOLVEMENTS_BY_LEVEL = Query(
    "summary_involvements_by_level", SummaryInvolvementsByLevelRow
)
