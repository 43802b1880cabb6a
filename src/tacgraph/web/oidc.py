"""Single sign-on through a council's OpenID Connect provider (authlib): the sign-in
redirect and callback for pages, and bearer tokens for the JSON API (checked at the
provider's userinfo endpoint, whose ``sub`` must be bound to an account)."""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any

import httpx2
from authlib.integrations.starlette_client import OAuth
from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from tacgraph.web.settings import OidcSettings, WebSettings

TOKEN_CACHE_SECONDS = 60.0


class BearerCheck:
    """The subject a bearer token belongs to, asked of the provider's userinfo endpoint
    (kept a minute, so a busy client does not ask for every request)."""

    def __init__(self, oidc: OidcSettings) -> None:
        self.oidc = oidc
        self._userinfo: str | None = None
        self._seen: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def _endpoint(self) -> str:
        if self._userinfo is None:
            url = self.oidc.issuer.rstrip("/") + "/.well-known/openid-configuration"
            self._userinfo = str(httpx2.get(url, timeout=5.0).json()["userinfo_endpoint"])
        return self._userinfo

    def __call__(self, token: str) -> str | None:
        key = hashlib.sha256(token.encode()).hexdigest()
        now = time.monotonic()
        with self._lock:
            seen = self._seen.get(key)
            if seen and now - seen[0] < TOKEN_CACHE_SECONDS:
                return seen[1]
        try:
            answer = httpx2.get(
                self._endpoint(), headers={"Authorization": f"Bearer {token}"}, timeout=5.0
            )
        except httpx2.HTTPError:
            return None
        if answer.status_code != 200:
            return None
        subject = str(answer.json().get("sub") or "")
        if not subject:
            return None
        with self._lock:
            self._seen[key] = (now, subject)
        return subject


def install(app: FastAPI, settings: WebSettings) -> None:
    """Add single sign-on to the application when the settings name a provider."""
    app.state.oauth = None
    app.state.bearer_subject = None
    if settings.oidc is None:
        return
    oauth = OAuth()
    client: Any = oauth.register(
        "council",
        server_metadata_url=settings.oidc.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_id=settings.oidc.client_id,
        client_secret=settings.oidc.client_secret,
        client_kwargs={"scope": "openid"},
    )
    app.state.oauth = client
    app.state.bearer_subject = BearerCheck(settings.oidc)
    # Only the sign-in's state and nonce, for ten minutes, in a cookie of its own.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret,
        session_cookie="tacgraph_sso",
        max_age=600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
