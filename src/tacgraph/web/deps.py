"""Dependencies every route takes: the store, the signed-in account, the CSRF check.

:func:`current_user` is the only way a route learns who is asking: the requester of
every lookup is the signed-in account's practitioner, never a request parameter.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from tacgraph import accounts
from tacgraph.errors import CsrfFailed as CsrfFailed
from tacgraph.errors import Forbidden as Forbidden
from tacgraph.errors import NotSignedIn as NotSignedIn
from tacgraph.store.base import Store
from tacgraph.web.sessions import Session
from tacgraph.web.settings import WebSettings


class StoreHolder:
    """The store the application serves. The embedded engine is used by one request
    at a time (one connection, owned by this process); Neo4j's driver is shared.

    The lock is taken on the event loop, not in a worker thread: with a thread's lock,
    requests waiting for the store held every worker thread, and the request holding
    the store could not get one to run in (50 users at once stopped the server)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = asyncio.Lock() if store.engine == "embedded" else None

    @asynccontextmanager
    async def use(self) -> AsyncIterator[Store]:
        if self._lock is None:
            yield self.store
            return
        async with self._lock:
            yield self.store


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


def settings_of(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def session_of(request: Request) -> Session:
    session: Session = request.state.session
    return session


async def store_dep(request: Request) -> AsyncIterator[Store]:
    holder: StoreHolder = request.app.state.holder
    async with holder.use() as store:
        yield store


StoreDep = Annotated[Store, Depends(store_dep)]


def user_for(store: Store, account_id: str, epoch: int | None, settings: WebSettings) -> User:
    """The user of an account that may still act: active, not locked, and (for a
    cookie session) of the account's current session epoch. Raises NotSignedIn."""
    account = accounts.get(store, account_id)
    if (
        account is None
        or account.state != "active"
        or account.locked(settings.clock())
        or (epoch is not None and account.session_epoch != epoch)
    ):
        raise NotSignedIn()
    person = accounts.practitioner(store, account.practitioner_id)
    name = f"{person['given_name']} {person['family_name']}" if person else account.id
    return User(
        account_id=account.id,
        practitioner_id=account.practitioner_id,
        roles=account.roles,
        name=name,
        agency=str(person["agency"]) if person else "",
    )


def current_user(request: Request, store: StoreDep) -> User:
    """The signed-in user (API requests may instead carry an OIDC bearer token, which
    the API router's own dependency checks). Raises NotSignedIn."""
    session = session_of(request)
    if not session.signed_in:
        raise NotSignedIn()
    user = user_for(store, session.account_id, session.epoch, settings_of(request))
    request.state.user = user
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require(role: str) -> Any:
    """A dependency that lets only accounts holding ``role`` through."""

    def check(user: CurrentUser) -> User:
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
