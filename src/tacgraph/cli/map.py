"""``tacgraph map``: the Team Around the Child map for a meeting, as one HTML file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tacgraph.cli import output
from tacgraph.cli.common import (
    AsOfOpt,
    DbOpt,
    JsonOpt,
    StoreOpt,
    guarded,
    parse_date,
    purpose_option,
    store_from,
)
from tacgraph.files import check_destination
from tacgraph.render.html import write_html
from tacgraph.render.screenshot import screenshot
from tacgraph.render.tacmap import map_for


def register(app: typer.Typer) -> None:
    app.command("map")(map_command)


@guarded
def map_command(
    child_id: Annotated[str, typer.Argument(help="The child's id.")],
    requester: Annotated[str, typer.Option("--as", help="Your practitioner id.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")],
    history: Annotated[
        bool, typer.Option(help="Also draw ended involvements, dashed, with their handover.")
    ] = False,
    png: Annotated[
        Path | None,
        typer.Option(help="Also write a PNG screenshot (needs Chromium).", show_default=False),
    ] = None,
    purpose: Annotated[str, purpose_option("looking")] = "",
    as_of: AsOfOpt = None,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Draw who is working with this child, as far as consent lets you see.

    One self-contained HTML file that opens offline (and, with --png, a picture of it).
    The map is drawn from the who-else lookup, so it hides what the lookup hides; the
    lookup is written to the access log.

    Example: tacgraph map CH-SALLY --as PR-HOY --as-of 2026-11-23 --history -o sally.html
    """
    when = parse_date(as_of) if as_of else None
    check_destination(out, "map.html")  # before the lookup: nothing logged for it
    if png is not None:
        check_destination(png, "map.png")
    with store_from(store, db) as s:
        tacmap = map_for(
            s, child_id, requester, as_of=when, history=history, purpose=purpose, channel="cli"
        )
    size = write_html(tacmap, out)
    if png is not None:
        screenshot(out, png)
    summary = {
        "html": str(out),
        "bytes": size,
        "nodes": len(tacmap.nodes),
        "edges": len(tacmap.edges),
        "png": str(png) if png is not None else None,
    }
    if json:
        output.print_json(summary)
        return
    output.print_line(
        f"Wrote {out}: {tacmap.title}, {tacmap.subtitle}; "
        f"{len(tacmap.nodes)} nodes, {len(tacmap.edges)} edges, {size / 1024:,.0f} KB"
    )
    if png is not None:
        output.print_line(f"Wrote {png}")
