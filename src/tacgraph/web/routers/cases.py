"""My case list, and ending an involvement with a handover (DOMAIN rule 3)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from fastapi.responses import Response

from tacgraph import casework
from tacgraph.errors import NoOneLeft
from tacgraph.gate import front_door
from tacgraph.web import directory
from tacgraph.web.deps import PageDep, role_router
from tacgraph.web.forms import HandoverForm, submitted

router = role_router("directory_user")


@router.get("/cases")
def case_list(page: PageDep) -> Response:
    rows = directory.my_cases(page.store, page.user, clock=page.clock)
    return page.render("cases.html", rows=rows)


@router.post("/cases/end")
def end_form(
    page: PageDep,
    involvement_id: Annotated[str, Form()],
    child_name: Annotated[str, Form()] = "",
) -> Response:
    return page.render(
        "end.html",
        involvement_id=involvement_id,
        child_name=child_name,
        errors=[],
        values={},
    )


@router.post("/cases/end/confirm")
def end_confirm(page: PageDep, form: Annotated[HandoverForm, Form()]) -> Response:
    values = form.model_dump(exclude={"involvement_id", "child_name", "no_one_left", "asked"})

    def end() -> casework.Ended:
        return casework.end_involvement(
            page.store,
            page.user.practitioner_id,
            form.involvement_id,
            work_done=form.work_done,
            outcomes=form.outcomes,
            unmet_needs=form.unmet_needs,
            reason=form.reason,
            no_one_left=form.no_one_left == "yes",
            channel=page.user.channel,
            clock=page.clock,
        )

    try:
        ended, errors = submitted(form, end, "#work_done")
    except NoOneLeft:
        # Asked once, the page shows the warning; asked again unconfirmed, an error.
        unconfirmed = form.asked == "yes"
        name = form.child_name or "the child"
        return page.render(
            "end.html",
            status_code=400 if unconfirmed else 200,
            involvement_id=form.involvement_id,
            child_name=form.child_name,
            errors=[
                {
                    "text": f"Confirm that no one will be working with {name}, "
                    "or go back to your case list",
                    "href": "#no_one_left",
                }
            ]
            if unconfirmed
            else [],
            values=values,
            alone=True,
            front_door=front_door(),
        )
    if ended is not None:
        return page.render("ended.html", ended=ended, child_name=form.child_name)
    return page.render(
        "end.html",
        status_code=400,
        involvement_id=form.involvement_id,
        child_name=form.child_name,
        errors=errors,
        values=values,
    )
