"""A child's page: who else is working with them, as the lookup decides for the
signed-in practitioner, and the practitioner's own casework about the child."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from fastapi.responses import Response

from tacgraph import casework
from tacgraph.gate import PurposeRequired
from tacgraph.model import Scope, ServiceLevel
from tacgraph.timeline import event_name
from tacgraph.web import directory
from tacgraph.web.deps import Page, PageDep, role_router
from tacgraph.web.forms import BasisForm, submitted

router = role_router("directory_user")
LEVELS = [level.value for level in ServiceLevel]
SCOPES = [scope.value for scope in Scope]


def _child_page(
    page: Page, child_id: str, purpose: str, *, notice: str = "", status_code: int = 200
) -> Response:
    try:
        result = directory.who_else(
            page.store, page.user, child_id, purpose=purpose, clock=page.clock
        )
    except PurposeRequired:
        # Asked again as a question page (the refusal is in the access log already).
        return page.render("purpose.html", status_code=400, child_id=child_id)
    mine = [
        i
        for i in casework.my_involvements_with(page.store, page.user.practitioner_id, child_id)
        if i.ended_on is None
    ]
    return page.render(
        "child.html",
        status_code=status_code,
        result=result,
        purpose=purpose,
        sentences=[(e, directory.sentence(e)) for e in result.explanation],
        mine=mine,
        levels=LEVELS,
        notice=notice,
    )


def _basis_page(
    page: Page,
    child_id: str,
    *,
    errors: list[dict[str, str]],
    values: dict[str, object],
    status_code: int = 200,
) -> Response:
    return page.render(
        "basis.html",
        status_code=status_code,
        child_id=child_id,
        errors=errors,
        values=values,
        agencies=casework.agencies(page.store),
        scopes=SCOPES,
        grounds=casework.GROUNDS,
    )


@router.post("/child")
def child_page(
    page: PageDep, child_id: Annotated[str, Form()], purpose: Annotated[str, Form()] = ""
) -> Response:
    return _child_page(page, child_id, purpose.strip()[:200])


@router.post("/child/history")
def history_page(
    page: PageDep, child_id: Annotated[str, Form()], purpose: Annotated[str, Form()] = ""
) -> Response:
    """The child's history as the timeline decides it for the signed-in practitioner,
    with what each handover shared with them says."""
    try:
        story = directory.history(
            page.store, page.user, child_id, purpose=purpose.strip()[:200], clock=page.clock
        )
    except PurposeRequired:
        return page.render("purpose.html", status_code=400, child_id=child_id)
    return page.render("history.html", story=story, purpose=purpose, event_name=event_name)


@router.post("/child/involvement")
def record_involvement(
    page: PageDep,
    child_id: Annotated[str, Form()],
    level: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
) -> Response:
    if level not in LEVELS:
        return _child_page(
            page,
            child_id,
            purpose,
            status_code=400,
            notice="Choose the level of service you are working at.",
        )
    involvement_id = casework.record_involvement(
        page.store,
        page.user.practitioner_id,
        child_id,
        level,
        channel=page.user.channel,
        clock=page.clock,
    )
    return _child_page(
        page, child_id, purpose, notice=f"Your involvement is recorded ({involvement_id})."
    )


@router.post("/child/basis")
def basis_form(page: PageDep, child_id: Annotated[str, Form()]) -> Response:
    return _basis_page(page, child_id, errors=[], values={})


@router.post("/child/basis/record")
def basis_record(page: PageDep, form: Annotated[BasisForm, Form()]) -> Response:
    values = form.model_dump(exclude={"child_id"})

    def record() -> str:
        return casework.record_basis(
            page.store,
            page.user.practitioner_id,
            form.child_id,
            form.ground,
            form.reason,
            form.agency_id,
            form.scopes,
            channel=page.user.channel,
            clock=page.clock,
        )

    basis_id, errors = submitted(form, record, "#reason")
    if basis_id is not None:
        return page.render(
            "done.html",
            heading="Statutory basis recorded",
            body=f"Reference {basis_id}. It lets the agency you chose see "
            "what you chose from today, without waiting for consent.",
            child_id=form.child_id,
        )
    return _basis_page(page, form.child_id, errors=errors, values=values, status_code=400)
