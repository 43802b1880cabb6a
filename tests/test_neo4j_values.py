"""The Neo4j store's values: the driver's temporal types become Python's, at any depth,
and everything else comes back as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime

from neo4j.time import Date, DateTime

from tacgraph.store.neo4j import _native


def test_dates_become_python_dates_at_any_depth() -> None:
    row = {
        "date_of_birth": Date(2015, 3, 9),
        "consents": [{"given_on": Date(2026, 1, 2), "scopes": ["health"], "expires_on": None}],
        "at": DateTime(2026, 12, 3, 11, 20, 41, tzinfo=UTC),
    }
    native = _native(row)
    assert native == {
        "date_of_birth": date(2015, 3, 9),
        "consents": [{"given_on": date(2026, 1, 2), "scopes": ["health"], "expires_on": None}],
        "at": datetime(2026, 12, 3, 11, 20, 41, tzinfo=UTC),
    }
    assert type(native["date_of_birth"]) is date
    assert type(native["consents"][0]["given_on"]) is date
    assert type(native["at"]) is datetime


def test_plain_values_come_back_as_they_were() -> None:
    for value in ("CH-1", 3, 2.5, True, False, None, [], {}, [["a"], {"b": [1]}]):
        assert _native(value) == value
        assert type(_native(value)) is type(value)
