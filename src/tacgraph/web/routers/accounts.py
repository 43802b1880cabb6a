"""For the account administrator: accounts, created, suspended, reinstated, closed
and unlocked (each written to the access log)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from tacgraph import accounts
from tacgraph.errors import TacgraphError
from tacgraph.web.deps import StoreDep, csrf_protect, require, settings_of
from tacgraph.web.pages import render

router = APIRouter(dependencies=[Depends(csrf_protect)])
Admin = require("account_admin")


def _page(
    request: Request, store: StoreDep, *, status_code: int = 200, **extra: object
) -> Response:
    context: dict[str, object] = {"errors": [], "values": {}, "created": None, "notice": ""}
    context.update(extra)
    return render(
        request,
        "accounts.html",
        status_code=status_code,
        accounts=accounts.list_accounts(store),
        roles=accounts.ROLE_NAMES,
        now=settings_of(request).clock(),
        **context,
    )


@router.get("/accounts", dependencies=[Admin])
def accounts_page(request: Request, store: StoreDep) -> Response:
    return _page(request, store)


@router.post("/accounts/create", dependencies=[Admin])
def create(
    request: Request,
    store: StoreDep,
    account_id: Annotated[str, Form()] = "",
    practitioner_id: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    oidc_subject: Annotated[str, Form()] = "",
    roles: Annotated[list[str] | None, Form()] = None,
) -> Response:
    user = request.state.user
    values = {
        "account_id": account_id,
        "practitioner_id": practitioner_id,
        "oidc_subject": oidc_subject,
        "roles": roles or [],
    }
    try:
        created = accounts.create(
            store,
            account_id.strip(),
            practitioner_id.strip(),
            roles or [],
            password=password or None,
            oidc_subject=oidc_subject.strip(),
            actor=user.practitioner_id,
            channel="web",
            clock=settings_of(request).clock,
        )
    except TacgraphError as exc:
        return _page(
            request,
            store,
            status_code=400,
            values=values,
            errors=[{"text": str(exc)[0].upper() + str(exc)[1:], "href": "#account_id"}],
        )
    return _page(request, store, created=created)


@router.post("/accounts/state", dependencies=[Admin])
def change_state(
    request: Request,
    store: StoreDep,
    account_id: Annotated[str, Form()],
    action: Annotated[str, Form()],
) -> Response:
    user = request.state.user
    clock = settings_of(request).clock
    if action == "unlock":
        accounts.unlock(store, account_id, actor=user.practitioner_id, channel="web", clock=clock)
    else:
        state = {"suspend": "suspended", "reinstate": "active", "close": "closed"}.get(
            action, action
        )
        accounts.set_state(
            store, account_id, state, actor=user.practitioner_id, channel="web", clock=clock
        )
    return _page(request, store, notice=f"Account {account_id}: {action} done.")
