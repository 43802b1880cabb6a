"""Finding a child. Searches are posted, so nothing about the child is in a URL."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from fastapi.responses import Response

from tacgraph import search
from tacgraph.errors import InvalidArgument
from tacgraph.web.deps import PageDep, form_error, role_router
from tacgraph.web.forms import SearchForm

router = role_router("directory_user")
# The field an error names, by a word of its message; any other error is the name's.
ERROR_FIELDS = {"date": "#dob-day", "age": "#age", "NHS": "#nhs_number", "postcode": "#postcode"}


@router.get("/search")
def search_page(page: PageDep) -> Response:
    return page.render("search.html", errors=[], values={}, result=None)


@router.post("/search")
def search_post(page: PageDep, form: Annotated[SearchForm, Form()]) -> Response:
    values = form.model_dump()
    dob = ""
    if form.dob_day or form.dob_month or form.dob_year:
        day, month = form.dob_day.strip().zfill(2), form.dob_month.strip().zfill(2)
        dob = f"{form.dob_year.strip()}-{month}-{day}"
    try:
        criteria = search.parse_criteria(form.name, dob, form.age, form.postcode, form.nhs_number)
    except InvalidArgument as exc:
        href = next((v for k, v in ERROR_FIELDS.items() if k in str(exc)), "#name")
        return page.render(
            "search.html",
            status_code=400,
            values=values,
            result=None,
            errors=[form_error(exc, href)],
        )
    result = search.find(
        page.store,
        page.user.practitioner_id,
        criteria,
        channel="web",
        purpose=form.purpose.strip()[:200],
        clock=page.clock,
    )
    return page.render("search.html", errors=[], values=values, result=result)
