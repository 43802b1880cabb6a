"""The row types of tacgraph.rows: one per query file, each the file's returns: header,
and the typed runner's check of what an engine returns."""

from __future__ import annotations

import types
import typing
from collections import Counter
from datetime import date, datetime
from typing import Any

import pytest

from tacgraph import queries, rows
from tacgraph.errors import QueryError
from tacgraph.queries import Query
from tacgraph.rows.lookup import LOOKUP_SHIELD
from tacgraph.store import Store

FILES = queries.all_query_files()
NAMES = sorted({qf.name for qf in FILES})


def header_columns(qf: queries.QueryFile) -> tuple[str, ...]:
    return () if qf.returns == "nothing" else tuple(c.strip() for c in qf.returns.split(","))


def _conforms(value: object, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_conforms(value, arm) for arm in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is Any:
        return True
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(_conforms(v, item) for v in value)
    if origin is dict:
        return isinstance(value, dict)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    return isinstance(value, hint)


def row_problems(query: Query[Any], row: dict[str, Any]) -> list[str]:
    """What in one row an engine returned does not match the query's row type: its
    columns and their order, and each value's Python type."""
    if tuple(row) != query.columns:
        return [f"{query.name}: columns {list(row)}, the row type says {list(query.columns)}"]
    hints = typing.get_type_hints(query.row)
    return [
        f"{query.name}.{column}: {value!r} is not {hints[column]}"
        for column, value in row.items()
        if not _conforms(value, hints[column])
    ]


def test_every_query_file_has_exactly_one_row_type() -> None:
    declared = Counter(
        value.name
        for module in rows.MODULES
        for value in vars(module).values()
        if isinstance(value, Query)
    )
    assert [name for name, n in declared.items() if n > 1] == []
    missing = sorted(set(NAMES) - set(declared) - rows.SCHEMA_COLUMNS)
    assert missing == [], f"declare the row type of each in tacgraph.rows: {missing}"
    assert sorted(set(declared) - set(NAMES)) == [], "row types of queries with no file"
    assert not rows.SCHEMA_COLUMNS & set(declared)


def test_each_query_is_named_for_its_file() -> None:
    for module in rows.MODULES:
        for attribute, value in vars(module).items():
            if isinstance(value, Query):
                assert attribute == value.name.upper(), f"{module.__name__}.{attribute}"


@pytest.mark.parametrize("qf", FILES, ids=lambda qf: f"{qf.name}.{qf.engine or 'shared'}")
def test_row_type_is_the_returns_header(qf: queries.QueryFile) -> None:
    if qf.name in rows.SCHEMA_COLUMNS:
        assert "one column per" in qf.returns, "columns the schema gives, or a row type"
        return
    assert rows.all_queries()[qf.name].columns == header_columns(qf)


def test_row_types_resolve() -> None:
    for query in rows.all_queries().values():
        assert set(typing.get_type_hints(query.row)) == set(query.columns), query.name


def test_row_problems_names_a_wrong_column_and_a_wrong_type() -> None:
    assert row_problems(LOOKUP_SHIELD, {"practitioner_id": "PR-1"}) == []
    assert row_problems(LOOKUP_SHIELD, {"practitioner": "PR-1"})
    assert row_problems(LOOKUP_SHIELD, {"practitioner_id": None})
    assert row_problems(LOOKUP_SHIELD, {"practitioner_id": 7})


def test_the_runner_refuses_rows_that_are_not_the_row_type(store: Store) -> None:
    """A query whose row type says other columns than it returns fails as it is read,
    on either engine, rather than at a column read far from it."""
    store.run("CREATE (:Practitioner {id: 'PR-1'})")
    wrong = Query("lookup_shield", typing.TypedDict("Wrong", {"practitioner": str}))
    with pytest.raises(QueryError, match="lookup_shield returned the columns"):
        wrong.rows(store.run("MATCH (p:Practitioner) RETURN p.id AS practitioner_id"))
    right = store.run("MATCH (p:Practitioner) RETURN p.id AS practitioner_id")
    assert LOOKUP_SHIELD.rows(right) == [{"practitioner_id": "PR-1"}]
