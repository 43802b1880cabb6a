"""Row types that the queries of several capabilities return whole (reused by name), or
begin with, in the same order (each row type that starts with them extends one of these:
a TypedDict's own columns follow its base's)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict


class IdRow(TypedDict):
    """One record's id: a candidate a check reads further, or the record a write made
    or changed."""

    id: str


class CountRow(TypedDict):
    count: int


class ChildFamilyMemberRow(TypedDict):
    """A child and a family member of theirs."""

    child_id: str
    family_member_id: str


class ChildNamesRow(TypedDict):
    """A child as a search or a duplicate check compares them: the names, the dates
    and the gender."""

    id: str
    given_name: str | None
    middle_names: str | None
    family_name: str
    preferred_name: str | None
    date_of_birth: date | None
    expected_date: date | None
    gender: str


class PractitionerStandingRow(TypedDict):
    """A practitioner and whether they may use the directory: trained and authorised,
    and not yet left their agency."""

    id: str
    given_name: str
    family_name: str
    role: str
    lookup_authorised: bool
    left_agency_on: date | None


class WorkContactRow(TypedDict):
    """How to reach a practitioner at work, and the agency they work for."""

    email: str | None
    phone: str | None
    agency_id: str
    agency_name: str
    agency_kind: str
    agency_sensitive: bool
