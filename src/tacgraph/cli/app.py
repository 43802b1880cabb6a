"""The ``tacgraph`` application: sub-apps are registered here, nothing else."""

from __future__ import annotations

import logging
import os
import sys
from typing import Annotated

import typer

from tacgraph.cli import accounts as accounts_cli
from tacgraph.cli import audit, caf, data, db, lookup, schema, timeline
from tacgraph.cli import map as map_cli
from tacgraph.cli import search as search_cli
from tacgraph.cli import serve as serve_cli
from tacgraph.cli.common import ProseGroup
from tacgraph.cli.exits import ERROR as ERROR_EXIT
from tacgraph.store import must_exit_at_once

app = typer.Typer(
    cls=ProseGroup,
    help="Who is working with this child: a consent-gated graph of the Team Around the Child.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks for errors.", envvar="TACGRAPH_DEBUG")
    ] = False,
) -> None:
    if debug:
        os.environ["TACGRAPH_DEBUG"] = "1"


app.add_typer(db.app, name="db")
app.add_typer(schema.app, name="schema")
app.add_typer(audit.app, name="audit")
app.add_typer(caf.app, name="caf")
lookup.register(app)
search_cli.register(app)
data.register(app)
timeline.register(app)
map_cli.register(app)
serve_cli.register(app)
accounts_cli.register(app)


def main() -> None:
    if not os.environ.get("TACGRAPH_DEBUG"):
        # The driver logs each retry and dead connection; with no handler of its own,
        # Python would print them to stderr. The CLI reports the outcome as one error
        # line instead (--debug shows them).
        logging.getLogger("neo4j").addHandler(logging.NullHandler())
    try:
        app()
    except SystemExit as done:
        if must_exit_at_once():  # a full disk: the error is printed; end as after a crash
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(done.code if isinstance(done.code, int) else ERROR_EXIT)
        raise


if __name__ == "__main__":
    main()
