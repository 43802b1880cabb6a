"""``tacgraph timeline``: a child's history, as one practitioner may see it."""

from __future__ import annotations

from typing import Annotated

import typer

from tacgraph.cli import output
from tacgraph.cli.common import AsOfOpt, DbOpt, JsonOpt, StoreOpt, guarded, parse_date, store_from
from tacgraph.timeline import timeline as build_timeline


def register(app: typer.Typer) -> None:
    app.command("timeline")(timeline)


@guarded
def timeline(
    child_id: Annotated[str, typer.Argument(help="The child's id.")],
    as_: Annotated[str, typer.Option("--as", help="The requesting practitioner's id.")],
    as_of: AsOfOpt = None,
    purpose: Annotated[str, typer.Option(help="Why you are looking (recorded).")] = "",
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """A child's history, and who was working with the child on the date.

    Levels, step-ups and step-downs, involvements, handovers, reviews and leads, gated
    by consent as the who-else lookup is, and written to the access log.

    Example: tacgraph timeline CH-SALLY --as PR-HOY --as-of 2026-11-23
    """
    on = parse_date(as_of)
    with store_from(store, db) as s:
        result = build_timeline(s, child_id, as_, as_of=on, purpose=purpose, channel="cli")
    if json:
        output.print_json(result)
        return
    output.print_table(
        f"History of {child_id} to {on}",
        ["date", "event", "record", "detail"],
        [(e.on, e.kind, e.subject_id, e.detail) for e in result.events],
    )
    output.print_table(
        f"Working with the child on {on}",
        ["involvement", "practitioner", "agency", "level", "since"],
        [
            (w.involvement_id, w.practitioner, w.agency, w.level, w.since)
            for w in result.working_on_date
        ],
    )
    if result.withheld:
        output.note(f"{result.withheld} involvement(s) withheld: no consent for this viewer")
