"""My case list, and ending an involvement with a handover (DOMAIN rule 3)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from tacgraph import casework
from tacgraph.errors import InvalidArgument
from tacgraph.web import directory
from tacgraph.web.deps import StoreDep, csrf_protect, require, settings_of
from tacgraph.web.pages import render

router = APIRouter(dependencies=[Depends(csrf_protect)])
DirectoryUser = require("directory_user")


@router.get("/cases", dependencies=[DirectoryUser])
def case_list(request: Request, store: StoreDep) -> Response:
    rows = directory.my_cases(store, request.state.user, clock=settings_of(request).clock)
    return render(request, "cases.html", rows=rows)


@router.post("/cases/end", dependencies=[DirectoryUser])
def end_form(
    request: Request,
    involvement_id: Annotated[str, Form()],
    child_name: Annotated[str, Form()] = "",
) -> Response:
    return render(
        request,
        "end.html",
        involvement_id=involvement_id,
        child_name=child_name,
        errors=[],
        values={},
    )


@router.post("/cases/end/confirm", dependencies=[DirectoryUser])
def end_confirm(
    request: Request,
    store: StoreDep,
    involvement_id: Annotated[str, Form()],
    child_name: Annotated[str, Form()] = "",
    work_done: Annotated[str, Form()] = "",
    outcomes: Annotated[str, Form()] = "",
    unmet_needs: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    user = request.state.user
    values = {
        "work_done": work_done,
        "outcomes": outcomes,
        "unmet_needs": unmet_needs,
        "reason": reason,
    }
    errors = [
        {"text": f"Enter {label}", "href": f"#{key}"}
        for key, label in (
            ("work_done", "what you did"),
            ("outcomes", "the outcomes"),
            ("unmet_needs", "the needs that remain (or 'none')"),
        )
        if not values[key].strip()
    ]
    if not errors:
        try:
            ended = casework.end_involvement(
                store,
                user.practitioner_id,
                involvement_id,
                work_done=work_done,
                outcomes=outcomes,
                unmet_needs=unmet_needs,
                reason=reason,
                channel=user.channel,
                clock=settings_of(request).clock,
            )
        except InvalidArgument as exc:
            errors.append({"text": str(exc), "href": "#work_done"})
        else:
            return render(request, "ended.html", ended=ended, child_name=child_name)
    return render(
        request,
        "end.html",
        status_code=400,
        involvement_id=involvement_id,
        child_name=child_name,
        errors=errors,
        values=values,
    )
