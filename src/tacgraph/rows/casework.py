"""The rows of the queries of casework (tacgraph.casework)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from tacgraph.queries import Query


class CaseworkAgenciesRow(TypedDict):
    id: str
    name: str
    level: str
    sensitive: bool


CASEWORK_AGENCIES = Query("casework_agencies", CaseworkAgenciesRow)


class CaseworkCafsRow(TypedDict):
    caf_id: str
    state: str
    started_on: date
    closed_on: date | None


CASEWORK_CAFS = Query("casework_cafs", CaseworkCafsRow)


class CaseworkColleaguesRow(TypedDict):
    involvement_id: str
    practitioner_id: str
    started_on: date
    ended_on: date | None


CASEWORK_COLLEAGUES = Query("casework_colleagues", CaseworkColleaguesRow)


class CaseworkInvolvementRow(TypedDict):
    involvement_id: str
    practitioner_id: str
    child_id: str
    agency_id: str
    level: str
    started_on: date
    ended_on: date | None
    end_reason: str | None


CASEWORK_INVOLVEMENT = Query("casework_involvement", CaseworkInvolvementRow)


class CaseworkMineRow(TypedDict):
    involvement_id: str
    child_id: str
    level: str
    started_on: date
    ended_on: date | None


CASEWORK_MINE = Query("casework_mine", CaseworkMineRow)


CASEWORK_MINE_CHILD = Query("casework_mine_child", CaseworkMineRow)
