"""Shared by the web tests: a store with Sally and Robin, accounts, a settable clock,
and a client that signs in and carries the CSRF token as a browser would."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from conftest import ROBIN, SALLY, load
from tacgraph import accounts
from tacgraph.config import StoreConfig
from tacgraph.store import Store
from tacgraph.web.app import create_app
from tacgraph.web.settings import OidcSettings, WebSettings

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def step(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Site:
    """The application over a loaded store, with one account per role."""

    def __init__(
        self, store: Store, *, secure: bool = False, oidc: OidcSettings | None = None
    ) -> None:
        load(store, SALLY, ROBIN)
        self.store = store
        self.clock = Clock()
        settings = WebSettings(
            store=StoreConfig.from_env(), clock=self.clock, secure_cookies=secure, oidc=oidc
        )
        self.app = create_app(settings, store=store)
        self.secrets: dict[str, str] = {}
        for account_id, practitioner, roles in (
            ("hoy", "PR-HOY", ["directory_user"]),
            ("uninvolved", "PR-UNINVOLVED", ["directory_user"]),
            ("gp", "PR-GP", ["directory_user"]),
            ("grace", "PR-MIDWIFE", ["directory_user"]),  # the midwife: the only one with the baby
            ("ig", "PR-IG-OFFICER", ["ig_officer"]),
            ("admin", "PR-TEAM-MANAGER", ["account_admin"]),
        ):
            made = accounts.create(
                store, account_id, practitioner, roles, password=PASSWORD, clock=self.clock
            )
            self.secrets[account_id] = made.totp_secret

    def code(self, account_id: str) -> str:
        self.clock.step(seconds=31)  # a fresh time step: a code is good once
        return accounts.current_code(self.secrets[account_id], self.clock())

    def client(self) -> Client:
        return Client(self)


class Client:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.http = TestClient(site.app, base_url="http://127.0.0.1")
        self.csrf = ""

    def _keep(self, response: Any) -> Any:
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def get(self, path: str, **kw: Any) -> Any:
        return self._keep(self.http.get(path, follow_redirects=False, **kw))

    def post(self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True) -> Any:
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.csrf
        return self._keep(self.http.post(path, data=form, follow_redirects=False))

    def sign_in(self, account_id: str, *, password: str = PASSWORD, code: str = "") -> Any:
        self.get("/sign-in")
        response = self.post(
            "/sign-in",
            {
                "account": account_id,
                "password": password,
                "code": code or self.site.code(account_id),
            },
        )
        if response.status_code == 303:
            self.get("/")  # a page, for the new session's CSRF token
            directory = ("hoy", "uninvolved", "gp", "grace")
            self.get("/cases" if account_id in directory else "/sign-in")
        return response
