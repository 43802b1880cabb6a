"""Dependencies every route takes: the store, the signed-in account, the CSRF check.

:func:`current_user` is the only way a route learns who is asking: the requester of
every lookup is the signed-in account's practitioner, never a request parameter.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from tacgraph import accounts, audit
from tacgraph.errors import CsrfFailed as CsrfFailed
from tacgraph.errors import Forbidden as Forbidden
from tacgraph.errors import NotSignedIn as NotSignedIn
from tacgraph.store.base import Store
from tacgraph.web.pages import render
from tacgraph.web.sessions import Session
from tacgraph.web.settings import WebSettings
from tacgraph.wording import first_upper


class StoreHolder:
    """The store the application serves, shared by every request: Neo4j's driver is
    safe to share, and the embedded store gives each statement (and each transaction)
    the connection alone. Requests therefore overlap, and the access-log entries of
    lookups that finish together are written in one durable append (group commit)."""

    def __init__(self, store: Store) -> None:
        self.store = store


# The pages of the navigation, each with the role that opens it, in the order shown.
PAGES = (
    ("directory_user", "/search", "Find a child", "search"),
    ("directory_user", "/cases", "My case list", "cases"),
    ("ig_officer", "/governance", "Access report", "governance"),
    ("account_admin", "/accounts", "Accounts", "accounts"),
)


def pages_of(roles: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """The pages (path, link text, name) that ``roles`` open, in navigation order."""
    return [(path, text, name) for role, path, text, name in PAGES if role in roles]


def home_of(roles: tuple[str, ...]) -> str:
    """The first page ``roles`` open: where signing in, and the service's name, lead.
    Every account holds at least one role (``accounts`` refuses one without)."""
    opened = pages_of(roles)
    return opened[0][0] if opened else "/sign-in"


@dataclass(frozen=True)
class User:
    """The signed-in account, and the practitioner it is bound to."""

    account_id: str
    practitioner_id: str
    roles: tuple[str, ...]
    name: str
    agency: str
    channel: str = "web"

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def pages(self) -> list[tuple[str, str, str]]:
        return pages_of(self.roles)

    @property
    def home(self) -> str:
        return home_of(self.roles)


def settings_of(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def session_of(request: Request) -> Session:
    session: Session = request.state.session
    return session


# The dependencies that only look at the request are coroutines: FastAPI runs a plain
# function dependency in a worker thread, a hand-off per dependency per request for
# nothing. Those that read the store (current_user) stay plain, off the event loop.
async def store_dep(request: Request) -> Store:
    holder: StoreHolder = request.app.state.holder
    return holder.store


StoreDep = Annotated[Store, Depends(store_dep)]


def user_for(
    store: Store, account_id: str, practitioner_id: str, epoch: int | None, settings: WebSettings
) -> User:
    """The user of an account that may still act: active, not locked, bound to
    ``practitioner_id`` (the one it was bound to at sign-in) and (for a cookie session)
    of the account's current session epoch, read in one statement on every request, so
    that suspending, closing or signing out takes effect at the next. Raises
    NotSignedIn."""
    holder = accounts.holder(store, account_id, practitioner_id)
    if holder is None:
        raise NotSignedIn()
    account = holder.account
    if (
        account.state != "active"
        or account.locked(settings.clock())
        or account.practitioner_id != practitioner_id
        or (epoch is not None and account.session_epoch != epoch)
    ):
        raise NotSignedIn()
    return User(
        account_id=account.id,
        practitioner_id=account.practitioner_id,
        roles=account.roles,
        name=holder.name or account.id,
        agency=holder.agency,
    )


async def known_user(request: Request) -> User | None:
    """The signed-in user for a page no route answered (a wrong address, a refusal
    raised before the route's dependencies ran), so that it still shows who is signed
    in and the sign-out button; None when no one is, or on any doubt (the account
    suspended, the store failing): the page then shows no one."""
    user: User | None = getattr(request.state, "user", None)
    session: Session | None = getattr(request.state, "session", None)
    if user is not None or session is None or not session.signed_in:
        return user
    holder: StoreHolder = request.app.state.holder
    try:
        user = await run_in_threadpool(
            user_for,
            holder.store,
            session.account_id,
            session.practitioner_id,
            session.epoch,
            settings_of(request),
        )
    except Exception:  # an error page renders whatever happened, showing no one
        return None
    request.state.user = user
    return user


def current_user(request: Request, store: StoreDep) -> User:
    """The signed-in user (API requests may instead carry an OIDC bearer token, which
    the API router's own dependency checks). Raises NotSignedIn."""
    session = session_of(request)
    if not session.signed_in:
        raise NotSignedIn()
    user = user_for(
        store, session.account_id, session.practitioner_id, session.epoch, settings_of(request)
    )
    request.state.user = user
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require(role: str) -> Any:
    """A dependency that lets only accounts holding ``role`` through."""

    async def check(user: CurrentUser) -> User:
        if not user.has(role):
            raise Forbidden(role)
        return user

    return Depends(check)


async def csrf_protect(request: Request) -> None:
    """Every form posted must carry the session's CSRF token (a JSON API request with a
    session cookie sends it as the X-CSRF-Token header)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    session = session_of(request)
    if request.headers.get("content-type", "").startswith("application/json"):
        given = request.headers.get("x-csrf-token", "")
    else:
        form = await request.form()
        value = form.get("csrf_token")
        given = value if isinstance(value, str) else ""
    if not given or not secrets.compare_digest(given, session.csrf):
        raise CsrfFailed()


def role_router(role: str) -> APIRouter:
    """A router whose every route checks the CSRF token of a form posted, then lets
    only accounts holding ``role`` through."""
    return APIRouter(dependencies=[Depends(csrf_protect), require(role)])


@dataclass(frozen=True)
class Page:
    """What a page's route works with: the request, the store, the signed-in user and
    the application's clock."""

    request: Request
    store: Store
    user: User
    clock: audit.Clock

    def render(self, template: str, *, status_code: int = 200, **context: Any) -> Response:
        """The page ``template`` for this request (:func:`tacgraph.web.pages.render`)."""
        return render(self.request, template, status_code=status_code, **context)


async def page_of(request: Request, store: StoreDep, user: CurrentUser) -> Page:
    # A coroutine: it only gathers what the others found (see store_dep).
    return Page(request, store, user, settings_of(request).clock)


PageDep = Annotated[Page, Depends(page_of)]


def form_error(exc: Exception, href: str) -> dict[str, str]:
    """An error summary's item: the library's message as a sentence, linked to the
    field at ``href``."""
    return {"text": first_upper(exc), "href": href}
