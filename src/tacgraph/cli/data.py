"""Data in and out: synth, import, export, summary, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tacgraph import devserver
from tacgraph.cli import output
from tacgraph.cli.common import (
    DbOpt,
    JsonOpt,
    RequesterOpt,
    StoreOpt,
    as_of_option,
    guarded,
    parse_date,
    purpose_option,
    store_from,
)
from tacgraph.config import StoreConfig
from tacgraph.demo import build_demo
from tacgraph.errors import InvalidArgument
from tacgraph.export import export_file
from tacgraph.importer import ImportReport, import_files
from tacgraph.summary import Summary, summarise
from tacgraph.synth import Synthesiser, write_records
from tacgraph.wording import counted


def _print_report(report: ImportReport) -> None:
    created = sum(report.created.values())
    updated = sum(report.updated.values())
    output.print_line(
        f"read {report.records_read:,} records: {created:,} created, {updated:,} updated, "
        f"{report.unchanged:,} unchanged, {report.rejected:,} rejected; "
        f"{report.relationships:,} relationships: {report.edges_created:,} added, "
        f"{report.edges_deleted:,} removed"
    )
    if report.rejects_file:
        output.note(f"rejected records written to {report.rejects_file}")
    if report.born_later:
        more = report.born_later - len(report.born_later_ids)
        named = ", ".join(report.born_later_ids) + (f" and {more:,} more" if more else "")
        output.note(
            f"warning: {counted(report.born_later, 'record')} read with a date of birth "
            f"after today ({named}): written all the same, and shown as unborn until "
            "then; check the date in the source system"
        )
    if report.runs > 1:
        output.note(
            f"run {report.runs} times: another import or change was writing the same "
            "records; the counts are the last run's"
        )


def print_summary(summary: Summary, heading: str) -> None:
    """The headline figures under ``heading`` ("Records in the embedded store at
    ./la"), each level of service and CAF state in words. The records are those held
    now; only the involvements are counted on the summary's date."""
    output.print_line(f"{heading}:")
    output.print_line(
        f"{summary.children:,} children ({summary.unborn:,} unborn, "
        f"{summary.looked_after:,} looked after, {summary.shielded:,} shielded, "
        f"{summary.with_nhs_number:,} with an NHS number)",
        indent="    ",
        first="  ",
    )
    output.print_table(
        "Agencies by level of service",
        ["level", "agencies", "practitioners"],
        [
            (output.words(lc.level), lc.agencies, lc.practitioners)
            for lc in summary.agencies_by_level
        ],
    )
    output.print_table(
        f"Children with a current involvement on {summary.as_of}",
        ["level", "children", "involvements"],
        [
            (output.words(lc.level), lc.children, lc.involvements)
            for lc in summary.involved_by_level
        ],
    )
    output.print_table(
        "CAFs on the register",
        ["state", "CAFs"],
        [(output.words(state), n) for state, n in sorted(summary.cafs_by_state.items())],
    )


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
    app.command("import")(import_)
    app.command("export")(export)
    app.command("summary")(summary)
    app.command("demo")(demo)


@guarded
def synth(
    children: Annotated[int, typer.Option(min=1, help="How many children.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="File to write: .jsonl (JSON Lines) or .json.")
    ],
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same output.")] = 1,
    truth: Annotated[
        Path | None, typer.Option(help="Also write what faults were injected (JSON).")
    ] = None,
    clean: Annotated[bool, typer.Option(help="Inject no faults.")] = False,
    json: JsonOpt = False,
) -> None:
    """Synthesise a local authority's children's services data.

    Example: tacgraph synth --children 10000 --seed 7 --out la.jsonl --truth truth.json
    """
    generator = Synthesiser(children, seed, faults=not clean)
    with output.progress("synth") as update:
        counts = write_records(
            generator.records(), out, progress=lambda done: update("write", done)
        )
    if truth is not None:
        generator.truth.write(truth)
    result = {"out": str(out), "records": sum(counts.values()), "counts": counts}
    if json:
        output.print_json(result)
    else:
        output.print_line(f"wrote {result['records']:,} records to {out}")


@guarded
def import_(
    files: Annotated[list[Path], typer.Argument(help="JSON, JSON Lines or CSV files.")],
    skip_invalid: Annotated[
        bool, typer.Option(help="Write the good records; save the rejects to a file.")
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option(help="Where --skip-invalid saves rejects.")
    ] = None,
    bulk: Annotated[
        bool,
        typer.Option(
            help="Load a new Neo4j database with neo4j-admin's bulk importer, in the "
            "local server home given by --home (start it afterwards)."
        ),
    ] = False,
    home: Annotated[
        Path | None, typer.Option(help="With --bulk: the new Neo4j server home to load.")
    ] = None,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Validate then import records; nothing is written if any record is bad.

    Importing the same data again changes nothing. --bulk loads a new Neo4j database
    through neo4j-admin (all or nothing; a home that holds a database is refused).

    Example: tacgraph import la.jsonl --db ./tacgraph-data
    """
    if bulk:
        if home is None or skip_invalid:
            raise InvalidArgument(
                "--bulk needs --home and takes no --skip-invalid",
                "name a new server home: tacgraph import la.jsonl --bulk --home ./neo4j-la",
            )
        with output.progress("import") as update:
            report = devserver.bulk_import_records(home, files, progress=update)
    else:
        with store_from(store, db, create=True) as s, output.progress("import") as update:
            s.init_schema()
            report = import_files(
                s, files, skip_invalid=skip_invalid, rejects=rejects, progress=update
            )
    if json:
        output.print_json(report.to_json())
    else:
        _print_report(report)


@guarded
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="Canonical JSON file to write.")],
    requester: RequesterOpt,
    full: Annotated[
        bool,
        typer.Option(help="Include shielded children's whereabouts (a complete backup)."),
    ] = False,
    purpose: Annotated[str, purpose_option("exporting")] = "",
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Write the graph as canonical JSON that imports back to the same graph.

    Shielded children's whereabouts are left out unless --full. The export is written
    to the access log, naming its scope, before the file is written.

    Example: tacgraph export --out graph.json --as PR-IG --purpose "annual backup"
    """
    with store_from(store, db) as s, output.progress("export") as update:
        count = export_file(
            s,
            out,
            progress=lambda done: update("records", done),
            requester_id=requester,
            full=full,
            purpose=purpose,
            channel="cli",
        )
    if json:
        output.print_json({"out": str(out), "records": count})
    else:
        output.print_line(f"exported {count:,} records to {out}")


@guarded
def summary(
    as_of: Annotated[str | None, as_of_option("to count current involvements on")] = None,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Headline figures: the children, agencies and CAFs held, and the involvements
    current on a date.

    Example: tacgraph summary --as-of 2026-11-01
    """
    when = parse_date(as_of)
    with store_from(store, db) as s:
        result = summarise(s, when)
    if json:
        output.print_json(result)
    else:
        print_summary(
            result, f"Records in the {StoreConfig.from_env(kind=store, db_path=db).describe()}"
        )


@guarded
def demo(
    children: Annotated[int, typer.Option(min=1, help="How many children.")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Build a synthetic local authority in the embedded store and say what it holds.

    Example: tacgraph demo --children 2000 --db ./demo-data
    """
    config = StoreConfig.from_env(kind="embedded", db_path=db)
    with (
        output.progress("demo") as update,
        store_from("embedded", config.db_path, create=True) as s,
    ):
        built = build_demo(s, config.db_path, children=children, seed=seed, progress=update)
    report, result = built.report, built.summary
    if json:
        output.print_json({"import": report.to_json(), "summary": result.model_dump(mode="json")})
        return
    _print_report(report)
    print_summary(result, f"Synthetic local authority in the {config.describe()}")
