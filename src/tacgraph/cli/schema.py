"""``tacgraph schema``: the files in schemas/, generated from the model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tacgraph.cli import output
from tacgraph.cli.common import ProseGroup, guarded
from tacgraph.errors import TacgraphError
from tacgraph.resources import resource_dir
from tacgraph.schema import SCHEMA_FILES, render_schema_file

app = typer.Typer(
    cls=ProseGroup, help="The JSON Schema and graph schema files.", no_args_is_help=True
)


@app.command("write")
@guarded
def write(
    out: Annotated[Path | None, typer.Option(help="Directory (default: schemas/).")] = None,
    check: Annotated[bool, typer.Option(help="Only check the files are up to date.")] = False,
) -> None:
    """Write schemas/ from the domain model, or --check that it is current.

    Example: tacgraph schema write --check
    """
    target = out or resource_dir("schemas")
    stale = []
    for name in SCHEMA_FILES:
        path = target / name
        text = render_schema_file(name)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(name)
            if not check:
                path.write_text(text, encoding="utf-8")
    if check and stale:
        raise TacgraphError(f"out of date: {', '.join(stale)}", "run 'tacgraph schema write'")
    output.note("schemas up to date" if not stale else f"wrote {', '.join(stale)}")
