"""The rows of the queries of search (tacgraph.search)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from tacgraph.queries import Query


class SearchChildrenRow(TypedDict):
    id: str
    given_name: str | None
    middle_names: str | None
    family_name: str
    preferred_name: str | None
    date_of_birth: date | None
    expected_date: date | None
    gender: str
    postcode: str | None
    nhs_number: str | None
    shielded: bool


SEARCH_CHILDREN = Query("search_children", SearchChildrenRow)
SEARCH_CHILDREN_BORN = Query("search_children_born", SearchChildrenRow)
SEARCH_CHILDREN_NHS = Query("search_children_nhs", SearchChildrenRow)
