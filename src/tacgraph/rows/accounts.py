"""The rows of the queries of web accounts (tacgraph.accounts)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from tacgraph.queries import NoRow, Query


class AccountBySubjectRow(TypedDict):
    id: str


ACCOUNT_BY_SUBJECT = Query("account_by_subject", AccountBySubjectRow)


class AccountCandidatesRow(TypedDict):
    id: str
    cases: int


ACCOUNT_CANDIDATES = Query("account_candidates", AccountCandidatesRow)


AccountCreateRow = AccountBySubjectRow  # the same columns


ACCOUNT_CREATE = Query("account_create", AccountCreateRow)


AccountOfficersRow = AccountBySubjectRow  # the same columns


ACCOUNT_OFFICERS = Query("account_officers", AccountOfficersRow)


class AccountGetRow(TypedDict):
    id: str
    practitioner_id: str
    roles: list[str] | None
    password_hash: str | None
    totp_secret: str | None
    totp_last: int | None
    oidc_subject: str | None
    state: str
    failures: int | None
    locked_until: str | None
    session_epoch: int | None
    created_at: str | None
    created_by: str | None


ACCOUNT_GET = Query("account_get", AccountGetRow)
ACCOUNT_INIT = Query("account_init", NoRow)


class AccountListRow(TypedDict):
    id: str
    practitioner_id: str
    roles: list[str] | None
    state: str
    failures: int | None
    locked_until: str | None
    oidc_subject: str | None
    created_at: str | None
    created_by: str | None


ACCOUNT_LIST = Query("account_list", AccountListRow)


class AccountPractitionerRow(TypedDict):
    id: str
    given_name: str
    family_name: str
    role: str
    lookup_authorised: bool
    left_agency_on: date | None
    agency_id: str
    agency: str


ACCOUNT_PRACTITIONER = Query("account_practitioner", AccountPractitionerRow)


AccountUpdateRow = AccountBySubjectRow  # the same columns


ACCOUNT_UPDATE = Query("account_update", AccountUpdateRow)
