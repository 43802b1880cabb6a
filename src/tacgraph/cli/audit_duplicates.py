"""``tacgraph audit duplicates``: probable duplicate child records and duplicate CAFs."""

from __future__ import annotations

from typing import Annotated

import typer

from tacgraph.cli import output
from tacgraph.cli.common import (
    DbOpt,
    FailOnFindingsOpt,
    JsonOpt,
    RequesterOpt,
    StoreOpt,
    as_of_option,
    fail_on,
    guarded,
    one_format,
    parse_date,
    purpose_option,
    store_from,
)
from tacgraph.duplicates import BACKEND_ENV, DEFAULT_MIN_PROBABILITY, DuplicateReport
from tacgraph.duplicates_report import children_named, duplicates_report
from tacgraph.ig import names

CsvOpt = Annotated[bool, typer.Option("--csv", help="Print the duplicate pairs as CSV.")]


def register(app: typer.Typer) -> None:
    """Add the ``duplicates`` command to the audit group."""
    app.command("duplicates")(duplicates)


def _ids(report: DuplicateReport) -> set[str]:
    """Every record id the report names: the children and what their pairs share."""
    return children_named(report) | output.ids_in(s for p in report.pairs for s in p.shared)


def _csv(report: DuplicateReport, known: dict[str, str]) -> str:
    """The pairs as CSV in spreadsheet conventions (lists joined by "; "), each child's
    name beside its id."""
    columns = ["child_id", "child_name", "other_id", "other_name", "probability"]
    rows = (
        [pair.child_id, known.get(pair.child_id), pair.other_id, known.get(pair.other_id)]
        + [f"{pair.probability:.6f}", pair.agreed, pair.shared, pair.contrary, pair.explanation]
        for pair in report.pairs
    )
    return output.csv_text([*columns, "agreed", "shared", "contrary", "explanation"], rows).rstrip(
        "\n"
    )


def _tables(report: DuplicateReport, known: dict[str, str]) -> None:
    def named(ids: list[str]) -> str:
        return output.cell_lines(*(output.named(known.get(i), i) for i in ids))

    output.print_table(
        f"Probable duplicate child records (probability at least {report.min_probability})",
        ["child", "other record", "probability", "agreed", "shared", "against"],
        [
            (
                named([p.child_id]),
                named([p.other_id]),
                f"{p.probability:.3f}",
                ", ".join(p.agreed),
                output.with_names(", ".join(p.shared), known),
                ", ".join(p.contrary),
            )
            for p in report.pairs
        ],
    )
    output.print_table(
        "Duplicate CAFs: one child, open CAFs on more than one record",
        ["records", "open CAFs"],
        [(named(c.child_ids), ", ".join(c.open_caf_ids)) for c in report.duplicate_cafs],
        lines=True,
    )
    output.print_table(
        "Records with more than one open CAF",
        ["child", "open CAFs"],
        [(named([s.child_id]), ", ".join(s.caf_ids)) for s in report.several_open_cafs],
    )
    output.print_line(
        f"{report.children:,} children: {len(report.pairs):,} probable duplicate pairs in "
        f"{len(report.clusters):,} clusters, {len(report.duplicate_cafs):,} duplicate CAFs, "
        f"{len(report.several_open_cafs):,} records with several open CAFs"
    )
    output.note(f"model: {report.model} (on {report.backend})")
    for reason, count in report.set_aside.items():
        output.note(f"set aside as two children ({reason}): {count:,} pairs")


@guarded
def duplicates(
    requester: RequesterOpt,
    min_probability: Annotated[
        float,
        typer.Option(
            "--min-probability",
            help="How likely two records must be one child to be reported.",
        ),
    ] = DEFAULT_MIN_PROBABILITY,
    as_of: Annotated[str | None, as_of_option("CAFs are open on")] = None,
    fail_on_findings: FailOnFindingsOpt = False,
    backend: Annotated[
        str | None,
        typer.Option(
            "--backend",
            help=f"Where the linkage runs: duckdb or spark (default ${BACKEND_ENV}, else duckdb).",
            show_default=False,
        ),
    ] = None,
    purpose: Annotated[str, purpose_option("running it")] = "",
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
    csv_out: CsvOpt = False,
) -> None:
    """Probable duplicate child records, and CAFs open more than once for one child.

    Each pair comes with its evidence in words; twins and siblings are never reported.
    For a pair involving a shielded child or its household, location evidence
    (household, address, postcode, school, GP practice) is withheld. The run is one
    entry in the access log, naming every record a pair names.

    Example: tacgraph audit duplicates --as PR-HOY --min-probability 0.9 --csv
    """
    one_format(json=json, csv_out=csv_out)
    when = parse_date(as_of)
    with store_from(store, db) as s, output.progress("duplicates") as update:
        report = duplicates_report(
            s,
            requester_id=requester,
            as_of=when,
            min_probability=min_probability,
            progress=update,
            backend=backend,
            purpose=purpose,
            channel="cli",
        )
        known = names(s, _ids(report))
    if json:
        output.print_json({**report.model_dump(mode="json"), "names": known})
    elif csv_out:
        output.print_data(_csv(report, known))
    else:
        _tables(report, known)
    found = report.pairs or report.duplicate_cafs or report.several_open_cafs
    fail_on(bool(found), wanted=fail_on_findings)
