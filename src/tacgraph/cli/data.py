"""Data in and out: synth, import, export, summary, demo."""

from __future__ import annotations

import json as jsonlib
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from tacgraph import synth as synthesis
from tacgraph.cli import output
from tacgraph.cli.common import DbOpt, JsonOpt, StoreOpt, guarded, store_from
from tacgraph.config import StoreConfig
from tacgraph.errors import InvalidArgument
from tacgraph.export import export_file
from tacgraph.importer import ImportReport, import_files
from tacgraph.summary import Summary, summarise

AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Date (YYYY-MM-DD) to report on; default today.", show_default=False
    ),
]


def parse_date(value: str | None, option: str = "--as-of") -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidArgument(
            f"{option} {value!r} is not a date", "give it as YYYY-MM-DD, such as 2026-11-23"
        ) from None


def _print_report(report: ImportReport) -> None:
    created = sum(report.created.values())
    updated = sum(report.updated.values())
    output.print_line(
        f"read {report.records_read:,} records: {created:,} created, {updated:,} updated, "
        f"{report.unchanged:,} unchanged, {report.rejected:,} rejected; "
        f"{report.edges_created:,} relationships added, {report.edges_deleted:,} removed"
    )
    if report.rejects_file:
        output.note(f"rejected records written to {report.rejects_file}")


def print_summary(summary: Summary, where: str) -> None:
    output.print_line(f"Synthetic local authority in the {where}, as of {summary.as_of}:")
    output.print_line(
        f"  {summary.children:,} children ({summary.unborn:,} unborn, "
        f"{summary.looked_after:,} looked after, {summary.shielded:,} shielded, "
        f"{summary.with_nhs_number:,} with an NHS number)"
    )
    output.print_table(
        "Agencies by level of service",
        ["level", "agencies", "practitioners"],
        [(lc.level, lc.agencies, lc.practitioners) for lc in summary.agencies_by_level],
    )
    output.print_table(
        f"Children with a current involvement on {summary.as_of}",
        ["level", "children", "involvements"],
        [(lc.level, lc.children, lc.involvements) for lc in summary.involved_by_level],
    )
    output.print_table(
        "CAFs on the register", ["state", "CAFs"], sorted(summary.cafs_by_state.items())
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
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON Lines file to write.")],
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
    generator = synthesis.Synthesiser(children, seed, faults=not clean)
    with output.progress("synth") as update:
        counts = synthesis.write_jsonl(
            generator.records(), out, progress=lambda done: update("write", done)
        )
    if truth is not None:
        truth.write_text(jsonlib.dumps(generator.truth.to_json(), indent=2, sort_keys=True) + "\n")
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
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Validate then import records; nothing is written if any record is bad.

    Importing the same data again changes nothing.

    Example: tacgraph import la.jsonl --db ./tacgraph-data
    """
    with store_from(store, db, create=True) as s, output.progress("import") as update:
        s.init_schema()
        report = import_files(s, files, skip_invalid=skip_invalid, rejects=rejects, progress=update)
    if json:
        output.print_json(report.to_json())
    else:
        _print_report(report)


@guarded
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="Canonical JSON file to write.")],
    requester: Annotated[str, typer.Option("--as", help="Your practitioner id (recorded).")],
    full: Annotated[
        bool,
        typer.Option(help="Include shielded children's whereabouts (a complete backup)."),
    ] = False,
    purpose: Annotated[str, typer.Option(help="Why you are exporting (recorded).")] = "",
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
    as_of: AsOfOpt = None, store: StoreOpt = None, db: DbOpt = None, json: JsonOpt = False
) -> None:
    """Headline figures: children, agencies, current involvements, CAFs.

    Example: tacgraph summary --as-of 2026-11-01
    """
    when = parse_date(as_of)
    with store_from(store, db) as s:
        result = summarise(s, when)
    if json:
        output.print_json(result)
    else:
        print_summary(result, StoreConfig.from_env(kind=store, db_path=db).describe())


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
    config.db_path.mkdir(parents=True, exist_ok=True)
    source = config.db_path / f"synthetic-{children}-{seed}.jsonl"
    generator = synthesis.Synthesiser(children, seed)
    with output.progress("demo") as update:
        synthesis.write_jsonl(generator.records(), source, progress=lambda n: update("synth", n))
        with store_from("embedded", config.db_path, create=True) as s:
            s.init_schema()
            report = import_files(s, [source], progress=update)
            result = summarise(s, date.fromisoformat(generator.truth.as_of))
    if json:
        output.print_json({"import": report.to_json(), "summary": result.model_dump(mode="json")})
        return
    _print_report(report)
    print_summary(result, config.describe())
