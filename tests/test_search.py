"""Finding a child on both engines: misspellings and nicknames, dates, postcodes, NHS
numbers; only what tells children apart; shielded children show no locality; every
search audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import ROBIN, SALLY, load, matched_by_candidates, same_answer
from tacgraph import audit, search
from tacgraph.access import AccessDenied
from tacgraph.errors import InvalidArgument
from tacgraph.rows.search import SEARCH_CHILDREN
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


@pytest.fixture
def steven(books: dict[str, Store], tmp_path: Path) -> dict[str, Store]:
    """A child with a hyphenated family name, beside Sally and Robin."""
    child = {
        "id": "CH-STEVEN",
        "given_name": "Steven",
        "family_name": "James-Bailey",
        "date_of_birth": "2012-09-03",
        "gender": "male",
        "address_line": "3 Elm Row, Northfield",
        "postcode": "WV10 6QA",
    }
    return _with_child(books, tmp_path, child)


def _with_child(
    stores: dict[str, Store], tmp_path: Path, child: dict[str, str]
) -> dict[str, Store]:
    """``stores`` with ``child`` imported into each, from a file of its own."""
    path = tmp_path / f"{child['id']}.json"
    path.write_text(json.dumps({"format": "tacgraph", "version": 1, "children": [child]}))
    for s in stores.values():
        load(s, path)
    return stores


@pytest.mark.parametrize(
    "name",
    [
        "Steve James-Bailey",
        "Steven James Bailey",
        "steven jamesbailey",
        "Stephen James-Baily",
        "James-Bailey",
        "Bailey",
    ],
)
def test_a_two_word_family_name_is_found(steven: dict[str, Store], name: str) -> None:
    found = same_answer(steven, lambda s: _find(s, name=name))
    assert [m.child_id for m in found.matches][:1] == ["CH-STEVEN"], name


def test_a_two_word_family_name_does_not_match_another_child(
    steven: dict[str, Store],
) -> None:
    for name in ("Sally James-Bailey", "Steven Carter", "Steven Bailey-Smith"):
        found = same_answer(steven, lambda s, n=name: _find(s, name=n))  # type: ignore[misc]
        assert "CH-STEVEN" not in [m.child_id for m in found.matches], name
        assert "CH-SALLY" not in [m.child_id for m in found.matches], name


def test_a_child_born_after_the_search_is_unborn_on_its_day(
    books: dict[str, Store], tmp_path: Path
) -> None:
    """A date of birth after the day searched on gives no age (once shown as -1) and
    shows the child as unborn, as the child page and the lookup say."""
    child = {
        "id": "CH-NEWBORN",
        "given_name": "Ada",
        "family_name": "Carter",
        "date_of_birth": "2026-12-01",
        "gender": "female",
        "address_line": "14 Larch Close, Northfield",
        "postcode": "WV10 6QT",
    }
    _with_child(books, tmp_path, child)
    found = same_answer(books, lambda s: _find(s, name="Ada Carter"))
    ada = next(m for m in found.matches if m.child_id == "CH-NEWBORN")
    assert (ada.age, ada.unborn) == (None, True)
    by_age = same_answer(books, lambda s: _find(s, name="Ada Carter", age="0"))
    assert "CH-NEWBORN" not in [m.child_id for m in by_age.matches]


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


def test_a_date_of_birth_or_nhs_number_reads_only_the_children_it_can_match(
    steven: dict[str, Store],
) -> None:
    for s in steven.values():
        every = s.read(SEARCH_CHILDREN)
        for row in every:
            for criteria, held in (
                (search.Criteria(date_of_birth=row["date_of_birth"]), "date_of_birth"),
                (search.Criteria(nhs_number=str(row["nhs_number"] or "")), "nhs_number"),
            ):
                if not row[held]:  # type: ignore[literal-required]
                    continue
                read = search.candidates(s, criteria)
                kept = [r for r in every if r[held] == row[held]]  # type: ignore[literal-required]
                assert read == kept and row in read, (row["id"], held)
    spaced = search.Criteria(nhs_number="943 476 5919")
    assert [r["id"] for r in search.candidates(steven["embedded"], spaced)] == ["CH-SALLY"]


@pytest.mark.parametrize(
    "name",
    ["Sally Carter", "Saly Cartar", "Steven James Bailey", "steven jamesbailey", "Jo Nobody"],
)
def test_a_name_of_two_words_reads_only_the_children_whose_family_name_it_may_match(
    steven: dict[str, Store], name: str
) -> None:
    """The names (for two words or more, the family names) are compared first; only
    their children are read. Every child the whole population would have matched is
    among them, and the answer is the same."""
    matched_by_candidates(steven, name, clock().date())


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
