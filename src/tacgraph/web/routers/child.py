"""A child's page: who else is working with them, as the lookup decides for the
signed-in practitioner, and the practitioner's own casework about the child."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from tacgraph import casework
from tacgraph.errors import InvalidArgument
from tacgraph.gate import PurposeRequired
from tacgraph.model import Scope, ServiceLevel
from tacgraph.web import directory
from tacgraph.web.deps import StoreDep, csrf_protect, require, settings_of
from tacgraph.web.pages import render

router = APIRouter(dependencies=[Depends(csrf_protect)])
DirectoryUser = require("directory_user")
LEVELS = [level.value for level in ServiceLevel]
SCOPES = [scope.value for scope in Scope]


def _child_page(
    request: Request,
    store: StoreDep,
    child_id: str,
    purpose: str,
    *,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    user = request.state.user
    try:
        result = directory.who_else(
            store, user, child_id, purpose=purpose, clock=settings_of(request).clock
        )
    except PurposeRequired:
        # Asked again as a question page (the refusal is in the access log already).
        return render(request, "purpose.html", status_code=400, child_id=child_id)
    mine = [
        i
        for i in casework.my_involvements(store, user.practitioner_id)
        if i.child_id == child_id and i.ended_on is None
    ]
    return render(
        request,
        "child.html",
        status_code=status_code,
        result=result,
        purpose=purpose,
        sentences=[(e, directory.sentence(e)) for e in result.explanation],
        mine=mine,
        levels=LEVELS,
        notice=notice,
    )


@router.post("/child", dependencies=[DirectoryUser])
def child_page(
    request: Request,
    store: StoreDep,
    child_id: Annotated[str, Form()],
    purpose: Annotated[str, Form()] = "",
) -> Response:
    return _child_page(request, store, child_id, purpose.strip()[:200])


@router.post("/child/involvement", dependencies=[DirectoryUser])
def record_involvement(
    request: Request,
    store: StoreDep,
    child_id: Annotated[str, Form()],
    level: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
) -> Response:
    user = request.state.user
    if level not in LEVELS:
        return _child_page(
            request,
            store,
            child_id,
            purpose,
            status_code=400,
            notice="Choose the level of service you are working at.",
        )
    involvement_id = casework.record_involvement(
        store,
        user.practitioner_id,
        child_id,
        level,
        channel=user.channel,
        clock=settings_of(request).clock,
    )
    return _child_page(
        request,
        store,
        child_id,
        purpose,
        notice=f"Your involvement is recorded ({involvement_id}).",
    )


@router.post("/child/basis", dependencies=[DirectoryUser])
def basis_form(
    request: Request,
    store: StoreDep,
    child_id: Annotated[str, Form()],
) -> Response:
    return render(
        request,
        "basis.html",
        child_id=child_id,
        errors=[],
        values={},
        agencies=casework.agencies(store),
        scopes=SCOPES,
        grounds=casework.GROUNDS,
    )


@router.post("/child/basis/record", dependencies=[DirectoryUser])
def basis_record(
    request: Request,
    store: StoreDep,
    child_id: Annotated[str, Form()],
    ground: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    agency_id: Annotated[str, Form()] = "",
    scopes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    user = request.state.user
    values = {"ground": ground, "reason": reason, "agency_id": agency_id, "scopes": scopes or []}
    errors = []
    if not ground:
        errors.append({"text": "Choose the statutory ground", "href": "#ground"})
    if not reason.strip():
        errors.append({"text": "Enter the reason for sharing without consent", "href": "#reason"})
    if not agency_id:
        errors.append({"text": "Choose who needs to see the information", "href": "#agency_id"})
    if not scopes:
        errors.append({"text": "Choose what information they may see", "href": "#scopes"})
    if not errors:
        try:
            basis_id = casework.record_basis(
                store,
                user.practitioner_id,
                child_id,
                ground,
                reason,
                agency_id,
                scopes or [],
                channel=user.channel,
                clock=settings_of(request).clock,
            )
        except InvalidArgument as exc:
            errors.append({"text": str(exc), "href": "#reason"})
        else:
            return render(
                request,
                "done.html",
                heading="Statutory basis recorded",
                body=f"Reference {basis_id}. It lets the agency you chose see "
                "what you chose from today, without waiting for consent.",
                child_id=child_id,
            )
    return render(
        request,
        "basis.html",
        status_code=400,
        child_id=child_id,
        errors=errors,
        values=values,
        agencies=casework.agencies(store),
        scopes=SCOPES,
        grounds=casework.GROUNDS,
    )
