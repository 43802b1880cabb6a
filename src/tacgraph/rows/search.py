"""The rows of the queries of search (tacgraph.search)."""

from __future__ import annotations

from tacgraph.queries import Query
from tacgraph.rows.common import ChildNamesRow


class SearchChildrenRow(ChildNamesRow):
    postcode: str | None
    nhs_number: str | None
    shielded: bool


SEARCH_CHILDREN = Query("search_children", SearchChildrenRow)
SEARCH_CHILDREN_BORN = Query("search_children_born", SearchChildrenRow)
SEARCH_CHILDREN_NHS = Query("search_children_nhs", SearchChildrenRow)
