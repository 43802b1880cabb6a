"""Signing in and out: a password with a TOTP code, or a council's single sign-on."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tacgraph import accounts
from tacgraph.web.deps import (
    CurrentUser,
    StoreDep,
    csrf_protect,
    home_of,
    session_of,
    settings_of,
)
from tacgraph.web.pages import render
from tacgraph.web.sessions import Session

router = APIRouter(dependencies=[Depends(csrf_protect)])


def start_session(request: Request, account: accounts.Account) -> None:
    """A new session (and a new CSRF token) for the account that signed in."""
    now = settings_of(request).clock().isoformat()
    request.state.session = Session(
        account_id=account.id,
        practitioner_id=account.practitioner_id,
        epoch=account.session_epoch,
        started=now,
        seen=now,
    )


def _sign_in_page(
    request: Request,
    errors: list[dict[str, str]],
    *,
    status_code: int = 400,
    expired: bool = False,
    values: dict[str, str] | None = None,
) -> Response:
    """The sign-in page, with what went wrong (if anything) in its error summary."""
    return render(
        request,
        "sign_in.html",
        status_code=status_code,
        expired=expired,
        oidc=settings_of(request).oidc,
        errors=errors,
        values=values or {},
    )


@router.get("/")
def home(user: CurrentUser) -> Response:
    """The first page the account's roles open (signed out: the sign-in page, by the
    NotSignedIn handler)."""
    return RedirectResponse(user.home, status_code=303)


@router.get("/sign-in")
def sign_in_page(request: Request) -> Response:
    session = session_of(request)
    expired = session.expired
    if expired:
        request.state.session = Session()
    return _sign_in_page(request, [], status_code=200, expired=expired)


@router.post("/sign-in")
def sign_in(
    request: Request,
    store: StoreDep,
    account: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
) -> Response:
    errors = []
    if not account.strip():
        errors.append({"text": "Enter your account name", "href": "#account"})
    if not password:
        errors.append({"text": "Enter your password", "href": "#password"})
    if not code.strip():
        errors.append(
            {"text": "Enter the security code from your authenticator app", "href": "#code"}
        )
    if not errors:
        try:
            signed_in = accounts.sign_in(
                store,
                account.strip(),
                password,
                code,
                channel="web",
                clock=settings_of(request).clock,
            )
        except accounts.SignInRefused:
            errors.append(
                {
                    "text": "The account name, password or security code is not right. "
                    "After several tries the account is locked for 30 minutes.",
                    "href": "#account",
                }
            )
        else:
            start_session(request, signed_in)
            return RedirectResponse(home_of(signed_in.roles), status_code=303)
    return _sign_in_page(request, errors, values={"account": account})


@router.post("/sign-out")
def sign_out(request: Request, store: StoreDep) -> Response:
    session = session_of(request)
    if session.signed_in:
        accounts.end_sessions(store, session.account_id)
    request.state.session = Session()
    return render(request, "signed_out.html")


def _oauth(request: Request) -> Any:
    return request.app.state.oauth


@router.get("/sign-in/oidc")
async def oidc_start(request: Request) -> Response:
    client = _oauth(request)
    if client is None:
        return RedirectResponse("/sign-in", status_code=303)
    redirect = str(request.url_for("oidc_callback"))
    response: Response = await client.authorize_redirect(request, redirect)
    return response


@router.get("/sign-in/oidc/callback", name="oidc_callback")
async def oidc_callback(request: Request) -> Response:
    client = _oauth(request)
    if client is None:
        return RedirectResponse("/sign-in", status_code=303)
    try:
        token = await client.authorize_access_token(request)
    except Exception:  # the provider refused or the state did not match
        failed = {"text": "Single sign-on did not succeed. Try again.", "href": "#account"}
        return _sign_in_page(request, [failed])
    subject = str((token.get("userinfo") or {}).get("sub") or "")
    store = request.app.state.holder.store
    try:
        account = await run_in_threadpool(
            accounts.sign_in_subject, store, subject, clock=settings_of(request).clock
        )
    except accounts.SignInRefused:
        refused = {
            "text": "Your single sign-on account has no directory account, "
            "or it is suspended. Ask your account administrator.",
            "href": "#account",
        }
        return _sign_in_page(request, [refused], status_code=403)
    start_session(request, account)
    return RedirectResponse(home_of(account.roles), status_code=303)
