"""The domain model: validation names the field and the reason."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tacgraph.model import (
    Agency,
    Child,
    Consent,
    Dataset,
    TeamMembership,
    nhs_number_is_valid,
    normalise_postcode,
)
from tacgraph.schema import graph_schema


def _child(**extra: object) -> dict[str, object]:
    return {"id": "CH-1", "family_name": "Carter", "date_of_birth": "2010-05-14", **extra}


def _errors(model: type, data: dict[str, object]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate_json(json.dumps(data))
    return [(".".join(map(str, e["loc"])), e["msg"]) for e in info.value.errors()]


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "4010232137"])
def test_valid_nhs_numbers_are_accepted_and_normalised(number: str) -> None:
    child = Child.model_validate_json(json.dumps(_child(nhs_number=number)))
    assert child.nhs_number == number.replace(" ", "")


@pytest.mark.parametrize("number", ["9434765918", "123", "abcdefghij", "4010232138"])
def test_bad_nhs_numbers_name_the_field(number: str) -> None:
    errors = _errors(Child, _child(nhs_number=number))
    assert errors[0][0] == "nhs_number"
    assert "NHS number" in errors[0][1]


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_modulus_11_check_digit(nine: str) -> None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    valid = [nine + str(d) for d in range(10) if nhs_number_is_valid(nine + str(d))]
    assert valid == ([] if check == 10 else [nine + str(check)])


def test_postcodes_are_normalised_and_checked() -> None:
    assert normalise_postcode("wv10 6qt") == "WV10 6QT"
    assert normalise_postcode("WV106QT") == "WV10 6QT"
    with pytest.raises(ValueError):
        normalise_postcode("not a postcode")


def test_child_needs_a_date_of_birth_or_an_expected_date() -> None:
    data = _child()
    del data["date_of_birth"]
    assert "exactly one of date_of_birth, expected_date" in _errors(Child, data)[0][1]
    unborn = Child.model_validate_json(json.dumps({**data, "expected_date": "2026-12-01"}))
    assert unborn.unborn


def test_strict_types_refuse_coercion() -> None:
    errors = _errors(Child, _child(looked_after="yes"))
    assert errors[0][0] == "looked_after"


def test_unknown_fields_are_refused() -> None:
    assert _errors(Child, _child(favourite_colour="blue"))[0][0] == "favourite_colour"


def test_sensitive_kinds_must_be_marked_sensitive() -> None:
    data = {"id": "AG-1", "name": "Piccadilly", "kind": "drug_alcohol", "level": "targeted"}
    assert "must be marked sensitive" in _errors(Agency, data)[0][1]


def test_consent_has_one_giver_and_one_recipient() -> None:
    base = {
        "id": "CO-1",
        "child_id": "CH-1",
        "kind": "explicit",
        "scopes": ["involvement"],
        "given_on": "2026-01-01",
    }
    assert "given_by" in _errors(Consent, {**base, "to_caf_id": "CAF-1"})[0][1]
    both = {**base, "given_by_child": True, "child_competent": True}
    assert "to_practitioner_id" in _errors(Consent, both)[0][1]
    no_competence = {**base, "given_by_child": True, "to_caf_id": "CAF-1"}
    assert "child_competent" in _errors(Consent, no_competence)[0][1]
    ok = Consent.model_validate_json(
        json.dumps({**no_competence, "child_competent": True, "scopes": ["health", "health"]})
    )
    assert [s.value for s in ok.scopes] == ["health"]


def test_team_membership_belongs_to_one_team() -> None:
    data = {"id": "TM-1", "practitioner_id": "PR-1", "started_on": "2026-01-01"}
    assert "caf_id, plan_id" in _errors(TeamMembership, data)[0][1]


def test_ids_are_stable_strings() -> None:
    assert _errors(Child, _child(id="has space"))[0][0] == "id"


def test_sally_fixture_is_valid() -> None:
    from conftest import SALLY

    data = Dataset.model_validate_json(SALLY.read_text())
    assert {c.id for c in data.children} == {"CH-SALLY", "CH-SALLY-BABY"}
    assert data.children[0].date_of_birth == date(2010, 5, 14)


def test_every_reference_field_is_an_edge_to_a_known_label() -> None:
    schema = graph_schema()
    for edge in schema.edges:
        assert edge.target in schema.labels
        assert edge.field not in schema.node(edge.source).prop_names
