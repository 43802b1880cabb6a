"""``tacgraph serve``: the directory on the web, for signed-in practitioners."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated

import typer

from tacgraph.cli import output
from tacgraph.cli.common import DbOpt, StoreOpt, guarded
from tacgraph.config import StoreConfig
from tacgraph.errors import InvalidArgument


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)


@guarded
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    # Checked here: given a port past 65535, uvicorn said nothing and never answered.
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes (Neo4j only: the embedded store has one owner).")
    ] = 1,
    secure_cookies: Annotated[
        bool,
        typer.Option(help="Mark cookies Secure: set when served over TLS (or behind a TLS proxy)."),
    ] = False,
    store: StoreOpt = None,
    db: DbOpt = None,
) -> None:
    """Serve the directory: sign in, find a child, who else is working with them.

    Pages for directory users, information governance officers and account
    administrators, and a JSON API under /api/ (schema at /openapi.json). Accounts come
    from 'tacgraph accounts'. Front-end assets come from scripts/web-assets. Set
    TACGRAPH_WEB_SECRET to keep sessions across restarts, and TACGRAPH_OIDC_ISSUER,
    TACGRAPH_OIDC_CLIENT_ID, TACGRAPH_OIDC_CLIENT_SECRET for single sign-on.

    Example: tacgraph serve --db ./tacgraph-data --port 8000
    """
    import uvicorn

    from tacgraph.web.app import create_app
    from tacgraph.web.settings import WebSettings, assets_dir

    config = StoreConfig.from_env(kind=store, db_path=db)
    if workers < 1:
        raise InvalidArgument("--workers must be at least 1", "give --workers 1 or more")
    if workers > 1 and config.kind == "embedded":
        raise InvalidArgument(
            "the embedded store is owned by one process", "use --workers 1, or --store neo4j"
        )
    if not (assets_dir() / "node_modules" / "govuk-frontend").is_dir():
        output.note(
            "GOV.UK Frontend is not installed: run scripts/web-assets (pages will be unstyled)"
        )
    os.environ.setdefault("TACGRAPH_WEB_SECRET", secrets.token_urlsafe(32))
    if secure_cookies:
        os.environ["TACGRAPH_WEB_SECURE_COOKIES"] = "1"
    output.note(f"Serving {config.describe()} at http://{host}:{port}/ (Ctrl+C stops)")
    if workers == 1:
        app = create_app(WebSettings.from_env(config))
        uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=True)
        return
    os.environ["TACGRAPH_STORE"] = config.kind
    os.environ["TACGRAPH_DB"] = str(Path(config.db_path))
    uvicorn.run(
        "tacgraph.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=True,
    )
