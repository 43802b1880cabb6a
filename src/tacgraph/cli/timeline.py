"""``tacgraph timeline``: a child's history, as one practitioner may see it."""

from __future__ import annotations

from typing import Annotated

import typer

from tacgraph.cli import common, output
from tacgraph.timeline import Timeline, event_name
from tacgraph.timeline import timeline as build_timeline
from tacgraph.wording import counted


def register(app: typer.Typer) -> None:
    app.command("timeline")(timeline)


@common.guarded
def timeline(
    child_id: Annotated[str, typer.Argument(help="The child's id.")],
    as_: Annotated[str, typer.Option("--as", help="The requesting practitioner's id.")],
    as_of: common.AsOfOpt = None,
    purpose: Annotated[str, common.purpose_option("looking")] = "",
    store: common.StoreOpt = None,
    db: common.DbOpt = None,
    json: common.JsonOpt = False,
    csv_out: common.CsvOpt = False,
) -> None:
    """A child's history, and who was working with the child on the date.

    Levels, step-ups and step-downs, involvements, handovers, reviews and leads, gated
    by consent as the who-else lookup is, and written to the access log. --csv prints
    the events.

    Example: tacgraph timeline CH-SALLY --as PR-HOY --as-of 2026-11-23
    """
    common.one_format(json=json, csv_out=csv_out)
    on = common.parse_date(as_of)
    with common.store_from(store, db) as s:
        result = build_timeline(s, child_id, as_, as_of=on, purpose=purpose, channel="cli")
    if json:
        output.print_json(result)
    elif csv_out:
        output.print_records(result.events, ["on", "kind", "subject_id", "detail"])
    else:
        _print(result)


def _print_summaries(result: Timeline) -> None:
    """What each handover shared with the viewer says, under its record and date."""
    shared = [e for e in result.events if e.summary is not None]
    if not shared:
        return
    output.print_line("")
    output.print_line("Handovers shared with you")
    for event in shared:
        assert event.summary is not None
        output.print_line(f"{event.subject_id}, {event.on}: {output.plain(event.detail)}")
        for label, said in event.summary.said():
            output.print_line(f"{label}: {said or 'not said'}", indent="    ", first="  ")
    output.print_line("")


def _print(result: Timeline) -> None:
    """The history as a reader wants it: the child's name, each event in words (no
    stored codes), and who was working with the child on the date."""
    who = output.named(result.name, result.child_id)
    output.print_table(
        f"History of {who} to {result.as_of}",
        ["date", "event", "what happened", "record"],
        [(e.on, event_name(e.kind), output.plain(e.detail), e.subject_id) for e in result.events],
        whole=("date", "event", "record"),
    )
    _print_summaries(result)
    output.print_table(
        f"Working with {result.name or 'the child'} on {result.as_of}",
        ["practitioner", "agency", "since", "involvement"],
        [
            (
                w.practitioner,
                output.cell_lines(w.agency, output.words(w.level)),
                w.since,
                w.involvement_id,
            )
            for w in result.working_on_date
        ],  # fmt: skip
        whole=("since", "involvement"),
    )
    if result.withheld:
        output.note(
            f"{counted(result.withheld, 'involvement')} withheld: no consent for this viewer"
        )
