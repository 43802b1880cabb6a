"""Values as the stores give them: dates and times as Python's own types at any depth,
everything else as it was, on both engines alike."""

from __future__ import annotations

from datetime import date

from tacgraph.store.base import Store

VALUES = """
RETURN date('2015-03-09') AS born,
       [{given_on: date('2026-01-02'), scopes: ['health'], expires_on: null}] AS consents,
       'CH-1' AS id, 3 AS count, 2.5 AS share, true AS shielded, null AS closed,
       [['a'], ['b', 'c']] AS nested
"""


def test_values_come_back_as_python_values(store: Store) -> None:
    (row,) = store.run(VALUES)
    assert row == {
        "born": date(2015, 3, 9),
        "consents": [{"given_on": date(2026, 1, 2), "scopes": ["health"], "expires_on": None}],
        "id": "CH-1",
        "count": 3,
        "share": 2.5,
        "shielded": True,
        "closed": None,
        "nested": [["a"], ["b", "c"]],
    }
    assert type(row["born"]) is date
    assert type(row["consents"][0]["given_on"]) is date
