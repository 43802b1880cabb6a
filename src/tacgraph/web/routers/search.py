"""Finding a child. Searches are posted, so nothing about the child is in a URL."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from tacgraph import search
from tacgraph.errors import InvalidArgument
from tacgraph.web.deps import StoreDep, csrf_protect, require, settings_of
from tacgraph.web.pages import render

router = APIRouter(dependencies=[Depends(csrf_protect)])
DirectoryUser = require("directory_user")


@router.get("/search", dependencies=[DirectoryUser])
def search_page(request: Request) -> Response:
    return render(request, "search.html", errors=[], values={}, result=None)


@router.post("/search", dependencies=[DirectoryUser])
def search_post(
    request: Request,
    store: StoreDep,
    name: Annotated[str, Form()] = "",
    dob_day: Annotated[str, Form()] = "",
    dob_month: Annotated[str, Form()] = "",
    dob_year: Annotated[str, Form()] = "",
    age: Annotated[str, Form()] = "",
    postcode: Annotated[str, Form()] = "",
    nhs_number: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
) -> Response:
    user = request.state.user
    values = {
        "name": name,
        "dob_day": dob_day,
        "dob_month": dob_month,
        "dob_year": dob_year,
        "age": age,
        "postcode": postcode,
        "nhs_number": nhs_number,
        "purpose": purpose,
    }
    dob = ""
    if dob_day or dob_month or dob_year:
        dob = f"{dob_year.strip()}-{dob_month.strip().zfill(2)}-{dob_day.strip().zfill(2)}"
    try:
        criteria = search.parse_criteria(name, dob, age, postcode, nhs_number)
    except InvalidArgument as exc:
        field = {"date": "dob-day", "age": "age", "NHS": "nhs_number", "postcode": "postcode"}
        href = next((f"#{v}" for k, v in field.items() if k in str(exc)), "#name")
        text = str(exc)[0].upper() + str(exc)[1:]
        return render(
            request,
            "search.html",
            status_code=400,
            values=values,
            result=None,
            errors=[{"text": text, "href": href}],
        )
    result = search.find(
        store,
        user.practitioner_id,
        criteria,
        channel="web",
        purpose=purpose.strip()[:200],
        clock=settings_of(request).clock,
    )
    return render(request, "search.html", errors=[], values=values, result=result)
