"""For the account administrator: accounts, created, suspended, reinstated, closed,
unlocked and re-enrolled with a new security-code secret (each written to the access
log)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from fastapi.responses import Response

from tacgraph import accounts
from tacgraph.errors import TacgraphError
from tacgraph.ig import names
from tacgraph.web.deps import Page, PageDep, form_error, role_router
from tacgraph.web.forms import AccountForm

router = role_router("account_admin")
# What each button of the accounts table sets the account's state to.
STATES = {"suspend": "suspended", "reinstate": "active", "close": "closed"}


def _page(page: Page, *, status_code: int = 200, **extra: object) -> Response:
    context: dict[str, object] = {
        "errors": [],
        "values": {},
        "created": None,
        "reset": False,
        "notice": "",
    }
    context.update(extra)
    listed = accounts.list_accounts(page.store)
    return page.render(
        "accounts.html",
        status_code=status_code,
        accounts=listed,
        names=names(page.store, (a.practitioner_id for a in listed)),
        roles=accounts.ROLE_NAMES,
        now=page.clock(),
        **context,
    )


@router.get("/accounts")
def accounts_page(page: PageDep) -> Response:
    return _page(page)


@router.post("/accounts/create")
def create(page: PageDep, form: Annotated[AccountForm, Form()]) -> Response:
    try:
        created = accounts.create(
            page.store,
            form.account_id.strip(),
            form.practitioner_id.strip(),
            form.roles,
            password=form.password or None,
            oidc_subject=form.oidc_subject.strip(),
            actor=page.user.practitioner_id,
            channel="web",
            clock=page.clock,
        )
    except TacgraphError as exc:
        return _page(
            page,
            status_code=400,
            values=form.model_dump(exclude={"password"}),
            errors=[form_error(exc, "#account_id")],
        )
    return _page(page, created=created)


@router.post("/accounts/state")
def change_state(
    page: PageDep, account_id: Annotated[str, Form()], action: Annotated[str, Form()]
) -> Response:
    actor = page.user.practitioner_id
    if action == "reset":
        # A holder who lost their authenticator: a new secret, shown once, as at creation.
        made = accounts.reset(page.store, account_id, actor=actor, channel="web", clock=page.clock)
        return _page(page, created=made, reset=True)
    if action == "unlock":
        accounts.unlock(page.store, account_id, actor=actor, channel="web", clock=page.clock)
    else:
        state = STATES.get(action, action)
        accounts.set_state(
            page.store, account_id, state, actor=actor, channel="web", clock=page.clock
        )
    return _page(page, notice=f"Account {account_id}: {action} done.")
