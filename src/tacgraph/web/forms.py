"""The forms the pages post, as models (FastAPI reads each from the form's fields),
and the error summary of the fields a form needs but was sent empty."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from pydantic import BaseModel

from tacgraph.errors import InvalidArgument

T = TypeVar("T")


@dataclass(frozen=True)
class Needed:
    """Marks a form's field that must not be empty, with the error that says so."""

    text: str


def missing(form: BaseModel) -> list[dict[str, str]]:
    """The error summary's items for the fields of ``form`` marked :class:`Needed` that
    are empty (or only white space), in the form's order, each linked to its field."""
    errors = []
    for name, info in type(form).model_fields.items():
        value = getattr(form, name)
        empty = not (value.strip() if isinstance(value, str) else value)
        errors += [
            {"text": m.text, "href": f"#{name}"}
            for m in info.metadata
            if isinstance(m, Needed) and empty
        ]
    return errors


def submitted(
    form: BaseModel, act: Callable[[], T], href: str
) -> tuple[T | None, list[dict[str, str]]]:
    """What ``act`` (the library call a question page makes) returns once ``form`` has
    every field it needs, and no errors; else None and the error summary: the fields
    missing, or the library's refusal (InvalidArgument) linked to the field at ``href``."""
    errors = missing(form)
    if errors:
        return None, errors
    try:
        return act(), []
    except InvalidArgument as exc:
        return None, [{"text": str(exc), "href": href}]


class SearchFields(BaseModel):
    """What a search is by, both on the page and in the API (each without the date of
    birth, which the page asks for as three fields)."""

    name: str = ""
    age: str = ""
    postcode: str = ""
    nhs_number: str = ""
    purpose: str = ""


class SearchForm(SearchFields):
    dob_day: str = ""
    dob_month: str = ""
    dob_year: str = ""


class AccountForm(BaseModel):
    account_id: str = ""
    practitioner_id: str = ""
    password: str = ""
    oidc_subject: str = ""
    roles: list[str] = []


class HandoverForm(BaseModel):
    involvement_id: str
    child_name: str = ""
    work_done: Annotated[str, Needed("Enter what you did")] = ""
    outcomes: Annotated[str, Needed("Enter the outcomes")] = ""
    unmet_needs: Annotated[str, Needed("Enter the needs that remain (or 'none')")] = ""
    reason: str = ""
    no_one_left: str = ""  # "yes": the practitioner confirms the child is left with no one
    asked: str = ""  # "yes": the page asked for that confirmation


class BasisForm(BaseModel):
    child_id: str
    ground: Annotated[str, Needed("Choose the statutory ground")] = ""
    reason: Annotated[str, Needed("Enter the reason for sharing without consent")] = ""
    agency_id: Annotated[str, Needed("Choose who needs to see the information")] = ""
    scopes: Annotated[list[str], Needed("Choose what information they may see")] = []


class AccessFilters(BaseModel):
    """The access report's filters, as the form gave them."""

    practitioner: str = ""
    child: str = ""
    agency: str = ""
    since: str = ""
