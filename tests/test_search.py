"""Finding a child on both engines: misspellings and nicknames, dates, postcodes, NHS
numbers; only what tells children apart; shielded children show no locality; every
search audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conftest import ROBIN, SALLY, load, same_answer
from tacgraph import audit, search
from tacgraph.access import AccessDenied
from tacgraph.errors import InvalidArgument
from tacgraph.store import Store


def clock() -> datetime:
    return datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def books(both: dict[str, Store]) -> dict[str, Store]:
    for s in both.values():
        load(s, SALLY, ROBIN)
    return both


def _find(store: Store, **given: str) -> search.SearchResult:
    criteria = search.parse_criteria(**given)
    return search.find(store, "PR-HOY", criteria, channel="web", clock=clock)


@pytest.mark.parametrize(
    "name", ["Sally Carter", "sally carter", "Sarah Carter", "Saly Cartar", "Carter", "SALLY"]
)
def test_misspelt_names_and_nicknames_find_sally(books: dict[str, Store], name: str) -> None:
    found = same_answer(books, lambda s: _find(s, name=name))
    assert "CH-SALLY" in [m.child_id for m in found.matches]
    assert found.matches[0].child_id in ("CH-SALLY", "CH-SALLY-BABY") or name == "Carter"


def test_a_different_name_does_not_match(books: dict[str, Store]) -> None:
    found = same_answer(books, lambda s: _find(s, name="Margaret Thatcher"))
    assert found.matches == []


def test_shows_only_what_tells_children_apart(books: dict[str, Store]) -> None:
    found = same_answer(books, lambda s: _find(s, name="Sally Carter"))
    sally = next(m for m in found.matches if m.child_id == "CH-SALLY")
    assert sally.model_dump().keys() == {
        "child_id",
        "name",
        "age",
        "unborn",
        "gender",
        "locality",
        "score",
    }
    assert (sally.name, sally.age, sally.gender, sally.locality) == (
        "Sally Carter",
        16,
        "female",
        "WV10",
    )


def test_a_shielded_child_shows_no_locality(books: dict[str, Store]) -> None:
    found = same_answer(books, lambda s: _find(s, name="Robin"))
    robin = next(m for m in found.matches if m.child_id == "CH-ROBIN")
    assert robin.locality is None


def test_date_of_birth_age_postcode_and_nhs_number(books: dict[str, Store]) -> None:
    for given in (
        {"date_of_birth": "2010-05-14"},
        {"age": "16", "postcode": "WV10 6QT"},
        {"postcode": "wv10"},
        {"nhs_number": "943 476 5919"},
    ):
        found = same_answer(books, lambda s, g=given: _find(s, **g))  # type: ignore[misc]
        assert "CH-SALLY" in [m.child_id for m in found.matches], given
    wrong = same_answer(books, lambda s: _find(s, name="Sally", date_of_birth="2011-05-14"))
    assert "CH-SALLY" not in [m.child_id for m in wrong.matches]


def test_every_search_is_audited_with_what_it_showed(books: dict[str, Store]) -> None:
    for s in books.values():
        found = _find(s, name="Sally Carter")
        last = list(audit.entries(s))[-1]
        assert (last.requester_id, last.outcome, last.child_id) == ("PR-HOY", "searched", "")
        assert set(last.disclosed) == {m.child_id for m in found.matches}
        assert "by name" in last.detail and "Sally" not in last.detail


def test_an_untrained_practitioner_cannot_search_and_is_logged(books: dict[str, Store]) -> None:
    for s in books.values():
        criteria = search.parse_criteria(name="Sally")
        with pytest.raises(AccessDenied):
            search.find(s, "PR-UNTRAINED", criteria, clock=clock)
        assert list(audit.entries(s))[-1].outcome == "denied"


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ({}, "at least one"),
        ({"date_of_birth": "2010-02-30"}, "date of birth"),
        ({"age": "old"}, "age"),
        ({"nhs_number": "123"}, "NHS number"),
        ({"postcode": "<script>"}, "postcode"),
        ({"name": "1234"}, "letters"),
    ],
)
def test_bad_criteria_name_the_field(given: dict[str, str], words: str) -> None:
    with pytest.raises(InvalidArgument, match=words):
        search.parse_criteria(**given)
