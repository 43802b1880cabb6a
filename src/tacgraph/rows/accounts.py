"""The rows of the queries of web accounts (tacgraph.accounts)."""

from __future__ import annotations

from typing import TypedDict

from tacgraph.queries import NoRow, Query
from tacgraph.rows.common import IdRow, PractitionerStandingRow

ACCOUNT_BY_SUBJECT = Query("account_by_subject", IdRow)


class AccountCandidatesRow(TypedDict):
    id: str
    cases: int


ACCOUNT_CANDIDATES = Query("account_candidates", AccountCandidatesRow)


ACCOUNT_CREATE = Query("account_create", IdRow)


ACCOUNT_OFFICERS = Query("account_officers", IdRow)


class AccountListRow(TypedDict):
    """An account as a list shows it: no secrets."""

    id: str
    practitioner_id: str
    roles: list[str] | None
    state: str
    failures: int | None
    locked_until: str | None
    oidc_subject: str | None
    created_at: str | None
    created_by: str | None


class AccountGetRow(AccountListRow):
    password_hash: str | None
    totp_secret: str | None
    totp_last: int | None
    session_epoch: int | None


ACCOUNT_GET = Query("account_get", AccountGetRow)


ACCOUNT_INIT = Query("account_init", NoRow)


ACCOUNT_LIST = Query("account_list", AccountListRow)


class AccountPractitionerRow(PractitionerStandingRow):
    agency_id: str
    agency: str


ACCOUNT_PRACTITIONER = Query("account_practitioner", AccountPractitionerRow)


ACCOUNT_UPDATE = Query("account_update", IdRow)


class AccountUserRow(TypedDict):
    """An account's standing, and the name and agency of the practitioner asked for."""

    id: str
    practitioner_id: str
    roles: list[str] | None
    state: str
    locked_until: str | None
    session_epoch: int | None
    given_name: str | None
    family_name: str | None
    agency: str | None


ACCOUNT_USER = Query("account_user", AccountUserRow)
