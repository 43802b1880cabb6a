"""What a web application is built with: its store, its secrets, its clock."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from tacgraph import audit
from tacgraph.config import StoreConfig

IDLE = timedelta(minutes=15)
ABSOLUTE = timedelta(hours=8)


def assets_dir() -> Path:
    """Where scripts/web-assets installed GOV.UK Frontend (TACGRAPH_WEB_ASSETS, or
    build/web in a checkout)."""
    given = os.environ.get("TACGRAPH_WEB_ASSETS")
    if given:
        return Path(given)
    return Path(__file__).resolve().parents[3] / "build" / "web"


@dataclass
class OidcSettings:
    """A council's single sign-on: an OpenID Connect provider and this client."""

    issuer: str
    client_id: str
    client_secret: str
    name: str = "your council's single sign-on"


@dataclass
class WebSettings:
    store: StoreConfig
    # Signs the session cookie; shared by every worker (TACGRAPH_WEB_SECRET), else new
    # for this process (sessions then end when it stops).
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    secure_cookies: bool = False  # set when served over TLS (directly or behind a proxy)
    clock: audit.Clock = audit.utc_now
    idle: timedelta = IDLE
    absolute: timedelta = ABSOLUTE
    oidc: OidcSettings | None = None
    assets: Path = field(default_factory=assets_dir)

    @classmethod
    def from_env(cls, store: StoreConfig, **given: object) -> WebSettings:
        settings = cls(store=store, **given)  # type: ignore[arg-type]
        secret = os.environ.get("TACGRAPH_WEB_SECRET")
        if secret:
            settings.secret = secret
        if os.environ.get("TACGRAPH_WEB_SECURE_COOKIES") == "1":
            settings.secure_cookies = True
        issuer = os.environ.get("TACGRAPH_OIDC_ISSUER")
        if issuer:
            settings.oidc = OidcSettings(
                issuer=issuer,
                client_id=os.environ.get("TACGRAPH_OIDC_CLIENT_ID", ""),
                client_secret=os.environ.get("TACGRAPH_OIDC_CLIENT_SECRET", ""),
                name=os.environ.get("TACGRAPH_OIDC_NAME", "your council's single sign-on"),
            )
        return settings
