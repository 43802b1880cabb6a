"""The rows of the queries of the export (tacgraph.export)."""

from __future__ import annotations

from typing import TypedDict

from tacgraph.queries import Query


class ExportShieldedRow(TypedDict):
    child_id: str
    household_id: str | None
    family_member_id: str | None
    family_household_id: str | None


EXPORT_SHIELDED = Query("export_shielded", ExportShieldedRow)


class ExportShieldedInvolvementsRow(TypedDict):
    involvement_id: str


EXPORT_SHIELDED_INVOLVEMENTS = Query("export_shielded_involvements", ExportShieldedInvolvementsRow)


class ExportShieldedMembershipsRow(TypedDict):
    membership_id: str


EXPORT_SHIELDED_MEMBERSHIPS = Query("export_shielded_memberships", ExportShieldedMembershipsRow)
