"""The rows of the queries of search (tacgraph.search)."""

from __future__ import annotations

from typing import TypedDict

from tacgraph.queries import Query
from tacgraph.rows.common import ChildNamesRow


class SearchChildrenRow(ChildNamesRow):
    postcode: str | None
    nhs_number: str | None
    shielded: bool


class SearchNameRow(TypedDict):
    name: str


SEARCH_CHILDREN = Query("search_children", SearchChildrenRow)
SEARCH_CHILDREN_BORN = Query("search_children_born", SearchChildrenRow)
SEARCH_CHILDREN_NHS = Query("search_children_nhs", SearchChildrenRow)
SEARCH_CHILDREN_NAMED = Query("search_children_named", SearchChildrenRow)
SEARCH_FAMILY_NAMES = Query("search_family_names", SearchNameRow)
SEARCH_NAMES = Query("search_names", SearchNameRow)
