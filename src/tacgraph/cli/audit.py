"""``tacgraph audit``: population audits and the access log. Each audit family keeps its
commands in its own module and registers them here."""

from __future__ import annotations

import typer

from tacgraph.cli import audit_access, audit_duplicates, audit_practice
from tacgraph.cli.common import ProseGroup

app = typer.Typer(
    cls=ProseGroup, help="Audits: practice, duplicates, and the access log.", no_args_is_help=True
)
audit_access.register(app)
audit_practice.register(app)
audit_duplicates.register(app)
