"""``tacgraph audit practice``: population audits of practice (docs/domain.md rules 3-7)."""

from __future__ import annotations

import csv
import io
from typing import Annotated

import typer

from tacgraph.cli import exits, output
from tacgraph.cli.common import AsOfOpt, DbOpt, JsonOpt, StoreOpt, guarded, parse_date, store_from
from tacgraph.practice import CHECKS, AuditSettings
from tacgraph.practice_report import practice_report

COLUMNS = ["check", "rule", "child_id", "subject_id", "since", "detail"]


def register(app: typer.Typer) -> None:
    app.command("practice")(practice)


@guarded
def practice(
    requester: Annotated[str, typer.Option("--as", help="Your practitioner id (recorded).")],
    check: Annotated[
        list[str] | None,
        typer.Option("--check", help=f"Only this check (repeatable): {', '.join(CHECKS)}."),
    ] = None,
    as_of: AsOfOpt = None,
    purpose: Annotated[str, typer.Option(help="Why you are auditing (recorded).")] = "",
    handover_days: Annotated[
        int, typer.Option(help="Days allowed to share a handover after leaving.")
    ] = AuditSettings().handover_days,
    agencies: Annotated[
        int, typer.Option(help="Agencies that together make cumulative need.")
    ] = AuditSettings().cumulative_agencies,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print the findings as CSV.")] = False,
    fail_on_findings: Annotated[
        bool, typer.Option("--fail-on-findings", help="Exit 6 if anything is found.")
    ] = False,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Audit every child for practice faults.

    Disengagement without handover, lead gaps, statutory leads, overdue reviews and
    assessments, closures, children left with no one, cumulative need without a CAF,
    and parallel statutory plans.

    Example: tacgraph audit practice --as PR-HOY --check disengagement --as-of 2026-11-23 --json
    """
    settings = AuditSettings(handover_days=handover_days, cumulative_agencies=agencies)
    on = parse_date(as_of)
    with store_from(store, db) as s, output.progress("practice audit") as update:
        report = practice_report(
            s,
            requester_id=requester,
            as_of=on,
            checks=check,
            settings=settings,
            progress=update,
            purpose=purpose,
            channel="cli",
        )
    rows = [[getattr(f, c) for c in COLUMNS] for f in report.findings]
    if json:
        output.print_json(report)
    elif csv_out:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        output.print_data(buffer.getvalue().rstrip("\n"))
    else:
        output.print_table(f"Practice audit as of {on}", COLUMNS, rows)
        output.print_table(
            "Findings by check", ["check", "findings"], list(report.counts().items())
        )
    if fail_on_findings and report.findings:
        raise typer.Exit(exits.FINDINGS)
