"""The application factory: the store, the session and security headers, the routers."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tacgraph import accounts
from tacgraph.access import AccessDenied
from tacgraph.errors import NoOneLeft, TacgraphError
from tacgraph.store import Store, open_store
from tacgraph.web import oidc
from tacgraph.web.deps import CsrfFailed, Forbidden, NotSignedIn, StoreHolder, known_user
from tacgraph.web.pages import render
from tacgraph.web.routers import accounts as accounts_router
from tacgraph.web.routers import api, auth, cases, child, governance, health, search
from tacgraph.web.routers import map as map_router
from tacgraph.web.sessions import COOKIE, Sessions
from tacgraph.web.settings import WebSettings
from tacgraph.wording import first_upper

log = logging.getLogger("tacgraph.web")

# Pages load only this site's own styles, scripts, fonts and images; the inline script
# GOV.UK's template needs carries the request's nonce. The TAC map page sets its own.
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SessionsAndHeaders:
    """Each request's session (``request.state.session``, a new signed-out one when the
    cookie is missing, forged or out of time) and CSP nonce; on every response the
    security headers (CSP, no-store, ...), and the session's cookie when the request
    changed the session (signing in or out, the idle clock moved: see
    :mod:`tacgraph.web.sessions`), the browser keeping the one it has otherwise. A plain
    ASGI middleware: Starlette's ``@app.middleware("http")`` ran each request's
    application in a task of its own with streams between the two, on every request."""

    def __init__(self, app: ASGIApp, settings: WebSettings, sessions: Sessions) -> None:
        self.app = app
        self.settings = settings
        self.sessions = sessions
        self._cookie_args = self.sessions.cookie_args()

    def _set_cookie(self, value: str) -> str:
        """The Set-Cookie header's value for a session cookie of ``value``."""
        cookie = Response()
        cookie.set_cookie(COOKIE, value, **self._cookie_args)  # type: ignore[arg-type]
        return next(v.decode("latin-1") for n, v in cookie.raw_headers if n == b"set-cookie")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        now = self.settings.clock()
        session, kept = self.sessions.load(Request(scope).cookies.get(COOKIE), now)
        as_given = asdict(session) if kept else None  # what the browser's cookie holds
        session.touch(now)
        state = scope.setdefault("state", {})  # what request.state reads and writes
        state["session"] = session
        state["nonce"] = secrets.token_urlsafe(16)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # The session as the route left it (sign-in and sign-out replace it).
                left = state["session"]
                changed = as_given is None or left is not session or asdict(left) != as_given
                if changed and scope["path"] != health.PATH:  # a probe keeps no session
                    headers.append("set-cookie", self._set_cookie(self.sessions.dump(left)))
                if "content-security-policy" not in headers:  # the map page sets its own
                    headers["Content-Security-Policy"] = CSP.format(nonce=state["nonce"])
                headers["Cache-Control"] = "no-store"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Frame-Options"] = "DENY"
                if self.settings.secure_cookies:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: WebSettings, store: Store | None = None) -> FastAPI:
    """The web directory over ``store`` (or the store ``settings.store`` names, opened
    at start-up and closed at shut-down). Raises StoreUnavailable when the store cannot
    be opened."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = store is None
        served = store if store is not None else open_store(settings.store, create=False)
        accounts.init(served)
        app.state.holder = StoreHolder(served)
        try:
            yield
        finally:
            if opened:
                served.close()

    # The Neo4j driver logs each query's parameters (child ids, names) at DEBUG: the
    # server's log must hold no child data whatever the root logger's level.
    logging.getLogger("neo4j").setLevel(logging.WARNING)
    app = FastAPI(
        title="tacgraph directory",
        summary="Who is working with this child: the consent-gated directory",
        lifespan=lifespan,
        docs_url=None,  # the interactive docs need scripts from a CDN; /openapi.json stays
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.sessions = Sessions(settings)
    if store is not None:  # available before start-up too (tests drive routes directly)
        accounts.init(store)
        app.state.holder = StoreHolder(store)

    govuk = settings.assets / "node_modules" / "govuk-frontend" / "dist" / "govuk"
    if (govuk / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=govuk / "assets"), name="assets")
        app.mount("/govuk", StaticFiles(directory=govuk), name="govuk")
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    oidc.install(app, settings)
    for router in (
        health.router,
        auth.router,
        search.router,
        child.router,
        cases.router,
        map_router.router,
        governance.router,
        accounts_router.router,
        api.router,
    ):
        app.include_router(router)

    app.add_middleware(SessionsAndHeaders, settings=settings, sessions=app.state.sessions)

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    async def refused(
        request: Request, *, status_code: int, heading: str, message: str
    ) -> Response:
        """The page that says what could not be done, with who is signed in (when
        anyone is) above it, as every other page has."""
        await known_user(request)
        return render(
            request, "refused.html", status_code=status_code, heading=heading, message=message
        )

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if is_api(request):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        return RedirectResponse("/sign-in", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if is_api(request):
            return JSONResponse({"detail": f"needs the {exc.role} role"}, status_code=403)
        return await refused(
            request,
            status_code=403,
            heading="You cannot open this page",
            message=f"It is for {accounts.ROLE_NAMES.get(exc.role, exc.role)}s. "
            "Ask your account administrator if you need it.",
        )

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        if is_api(request):
            return JSONResponse({"detail": "missing or wrong CSRF token"}, status_code=403)
        return await refused(
            request,
            status_code=403,
            heading="This form has expired",
            message="Nothing was saved. Go back, reload the page and try again.",
        )

    @app.exception_handler(AccessDenied)
    async def access_denied(request: Request, exc: AccessDenied) -> Response:
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=403)
        return await refused(
            request,
            status_code=403,
            heading="You cannot use the directory",
            message=f"{str(exc)}. {first_upper(AccessDenied.hint)}.",
        )

    @app.exception_handler(NoOneLeft)
    async def no_one_left(request: Request, exc: NoOneLeft) -> Response:
        if is_api(request):  # a confirmation is wanted, not a correction: 409
            return JSONResponse({"detail": str(exc), "hint": exc.hint}, status_code=409)
        return await library_error(request, exc)

    @app.exception_handler(TacgraphError)
    async def library_error(request: Request, exc: TacgraphError) -> Response:
        # Logged without the message: it may name a child.
        log.warning("%s on %s", type(exc).__name__, request.url.path)
        if is_api(request):
            return JSONResponse({"detail": str(exc), "hint": exc.hint}, status_code=400)
        return await refused(
            request,
            status_code=400,
            heading="Something could not be done",
            message=f"{str(exc)}. {first_upper(exc.hint)}".rstrip(". ") + ".",
        )

    # Pages answer a wrong address or a form they cannot read with a page, as GOV.UK's
    # patterns do; the API keeps FastAPI's JSON.
    @app.exception_handler(HTTPException)
    async def no_such_page(request: Request, exc: HTTPException) -> Response:
        if is_api(request) or exc.status_code not in (404, 405):
            return await http_exception_handler(request, exc)
        page = await refused(
            request,
            status_code=exc.status_code,
            heading="Page not found",
            message="If you typed the web address, check it is correct. A child's page "
            "opens only from a search or your case list: a bookmark of it cannot open it.",
        )
        page.headers.update(exc.headers or {})
        return page

    @app.exception_handler(RequestValidationError)
    async def unreadable_form(request: Request, exc: RequestValidationError) -> Response:
        if is_api(request):
            return await request_validation_exception_handler(request, exc)
        return await refused(
            request,
            status_code=422,
            heading="Something could not be done",
            message="The form sent lacked something it needs, and nothing was saved. "
            "Go back, reload the page and try again.",
        )

    return app


def app_from_env() -> Any:
    """The application ``uvicorn --factory`` builds in each worker (Neo4j, several
    workers): the store and secret from the environment ``tacgraph serve`` set."""
    from tacgraph.config import StoreConfig

    return create_app(WebSettings.from_env(StoreConfig.from_env()))
