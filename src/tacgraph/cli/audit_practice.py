"""``tacgraph audit practice``: population audits of practice (docs/domain.md rules 3-7)."""

from __future__ import annotations

from typing import Annotated

import typer

from tacgraph.cli import common, output
from tacgraph.ig import names
from tacgraph.practice import CHECKS, AuditSettings, Finding, PracticeReport
from tacgraph.practice_report import practice_report

COLUMNS = ["check", "rule", "child_id", "subject_id", "since", "detail"]


def register(app: typer.Typer) -> None:
    app.command("practice")(practice)


@common.guarded
def practice(
    requester: common.RequesterOpt,
    check: Annotated[
        list[str] | None,
        typer.Option("--check", help=f"Only this check (repeatable): {', '.join(CHECKS)}."),
    ] = None,
    as_of: common.AsOfOpt = None,
    purpose: Annotated[str, common.purpose_option("auditing")] = "",
    handover_days: Annotated[
        int, typer.Option(help="Days allowed to share a handover after leaving.")
    ] = AuditSettings().handover_days,
    agencies: Annotated[
        int, typer.Option(help="Agencies that together make cumulative need.")
    ] = AuditSettings().cumulative_agencies,
    csv_out: common.CsvOpt = False,
    fail_on_findings: common.FailOnFindingsOpt = False,
    store: common.StoreOpt = None,
    db: common.DbOpt = None,
    json: common.JsonOpt = False,
) -> None:
    """Audit every child for practice faults.

    Disengagement without handover, lead gaps, statutory leads, overdue reviews and
    assessments, closures, children left with no one, cumulative need without a CAF,
    and parallel statutory plans.

    Example: tacgraph audit practice --as PR-HOY --check disengagement --as-of 2026-11-23 --json
    """
    common.one_format(json=json, csv_out=csv_out)
    settings = AuditSettings(handover_days=handover_days, cumulative_agencies=agencies)
    on = common.parse_date(as_of)
    with common.store_from(store, db) as s, output.progress("practice audit") as update:
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
        known = names(s, _ids(report.findings))
    if json:
        output.print_json(report)
    elif csv_out:
        output.print_csv(
            [*COLUMNS, "child_name"],
            [[*(getattr(f, c) for c in COLUMNS), known.get(f.child_id)] for f in report.findings],
        )
    else:
        _print(report, known)
    common.fail_on(bool(report.findings), wanted=fail_on_findings)


def _ids(findings: list[Finding]) -> set[str]:
    """Every record id a finding names: its child and those in its detail."""
    return {f.child_id for f in findings} | output.ids_in(f.detail for f in findings)


def _print(report: PracticeReport, known: dict[str, str]) -> None:
    """The findings grouped by check and rule, each heading said once, then one short
    paragraph a finding: the child by name, the date, the record, and what was found
    with each agency, practitioner and child named beside its id. A check with no
    findings is one line in the summary at the end."""

    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in report.findings:
        groups.setdefault((f.check, f.rule), []).append(f)
    output.print_line(f"Practice audit as of {report.as_of}: {len(report.findings):,} findings")
    for (check, rule), found in groups.items():
        output.print_line("")
        output.print_line(f"{output.words(check).capitalize()}: {rule} ({len(found):,})")
        for f in found:
            child = output.named(known.get(f.child_id), f.child_id)
            output.print_line(
                f"- {child}, since {f.since}, {f.subject_id}: "
                f"{output.plain(output.with_names(f.detail, known))}",
                indent="    ",
                first="  ",
            )
    output.print_line("")
    output.print_table(
        "Findings by check",
        ["check", "findings"],
        [(output.words(c), n) for c, n in report.counts().items()],
    )
