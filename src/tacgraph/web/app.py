"""The application factory: the store, the session and security headers, the routers."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from tacgraph import accounts
from tacgraph.access import AccessDenied
from tacgraph.errors import TacgraphError
from tacgraph.store import Store, open_store
from tacgraph.web import oidc
from tacgraph.web.deps import CsrfFailed, Forbidden, NotSignedIn, StoreHolder
from tacgraph.web.pages import render
from tacgraph.web.routers import accounts as accounts_router
from tacgraph.web.routers import api, auth, cases, child, governance, search
from tacgraph.web.routers import map as map_router
from tacgraph.web.sessions import COOKIE, Sessions
from tacgraph.web.settings import WebSettings

log = logging.getLogger("tacgraph.web")

# Pages load only this site's own styles, scripts, fonts and images; the inline script
# GOV.UK's template needs carries the request's nonce. The TAC map page sets its own.
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


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

    @app.middleware("http")
    async def sessions_and_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        sessions: Sessions = request.app.state.sessions
        now = settings.clock()
        session = sessions.load(request.cookies.get(COOKIE), now)
        if session.signed_in:
            session.seen = now.isoformat()
        request.state.session = session
        request.state.nonce = secrets.token_urlsafe(16)
        response = await call_next(request)
        session = request.state.session  # a route may have replaced it (sign-in, sign-out)
        response.set_cookie(COOKIE, sessions.dump(session), **sessions.cookie_args())  # type: ignore[arg-type]
        response.headers.setdefault(
            "Content-Security-Policy", CSP.format(nonce=request.state.nonce)
        )
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if settings.secure_cookies:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if is_api(request):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        return RedirectResponse("/sign-in", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if is_api(request):
            return JSONResponse({"detail": f"needs the {exc.role} role"}, status_code=403)
        return render(
            request,
            "refused.html",
            status_code=403,
            heading="You cannot open this page",
            message=f"It is for {accounts.ROLE_NAMES.get(exc.role, exc.role)}s. "
            "Ask your account administrator if you need it.",
        )

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        if is_api(request):
            return JSONResponse({"detail": "missing or wrong CSRF token"}, status_code=403)
        return render(
            request,
            "refused.html",
            status_code=403,
            heading="This form has expired",
            message="Nothing was saved. Go back, reload the page and try again.",
        )

    @app.exception_handler(AccessDenied)
    async def access_denied(request: Request, exc: AccessDenied) -> Response:
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=403)
        return render(
            request,
            "refused.html",
            status_code=403,
            heading="You cannot use the directory",
            message=f"{str(exc)}. {AccessDenied.hint.capitalize()}.",
        )

    @app.exception_handler(TacgraphError)
    async def library_error(request: Request, exc: TacgraphError) -> Response:
        # Logged without the message: it may name a child.
        log.warning("%s on %s", type(exc).__name__, request.url.path)
        if is_api(request):
            return JSONResponse({"detail": str(exc), "hint": exc.hint}, status_code=400)
        return render(
            request,
            "refused.html",
            status_code=400,
            heading="Something could not be done",
            message=f"{str(exc)}. {exc.hint}".rstrip(". ") + ".",
        )

    return app


def app_from_env() -> Any:
    """The application ``uvicorn --factory`` builds in each worker (Neo4j, several
    workers): the store and secret from the environment ``tacgraph serve`` set."""
    from tacgraph.config import StoreConfig

    return create_app(WebSettings.from_env(StoreConfig.from_env()))
