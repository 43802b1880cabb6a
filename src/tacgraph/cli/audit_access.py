"""``tacgraph audit access``: who looked, with the governance flags."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from tacgraph import review
from tacgraph.cli import common, output
from tacgraph.files import check_destination
from tacgraph.ig import AccessReport, AccessRow, access_review
from tacgraph.wording import counted


def register(app: typer.Typer) -> None:
    app.command("access")(access)


@common.guarded
def access(
    requester: Annotated[
        str,
        typer.Option("--as", help="Your practitioner id: an information governance officer."),
    ],
    practitioner: Annotated[
        str | None,
        typer.Option(help="Only this practitioner: their lookups, bases, departures, consents."),
    ] = None,
    child: Annotated[str | None, typer.Option(help="Only this child, in every section.")] = None,
    agency: Annotated[
        str | None, typer.Option(help="Only this agency's practitioners, in every section.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Only lookups, bases and departures on or after (YYYY-MM-DD)."),
    ] = None,
    expiring_within: Annotated[
        int, typer.Option(min=0, help="Days ahead for expiring consents.")
    ] = 30,
    as_of: common.AsOfOpt = None,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print the access log as CSV.")] = False,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Also write the access review for a board to this file (one page, offline).",
            show_default=False,
        ),
    ] = None,
    pdf: Annotated[
        Path | None,
        typer.Option(
            "--pdf",
            help="Also print the access review to this PDF (needs Chromium).",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            min=1, help="Entries of the log the table shows, the newest; --csv and --json give all."
        ),
    ] = 100,
    purpose: Annotated[str, common.purpose_option("reviewing")] = "",
    store: common.StoreOpt = None,
    db: common.DbOpt = None,
    json: common.JsonOpt = False,
) -> None:
    """The access log and the information governance reports drawn from it.

    Each lookup with its requester and child by name and its flags (no involvement
    with the child, a shared surname), disclosures on a statutory basis, leavers still
    in a TAC, and consents about to expire. Each filter applies to every section it
    names, and the report says how. Only an information governance officer may run it,
    and each run is an entry in the log.

    --html writes a review a board can read: the period, counts by agency and by flag,
    and the entries that need a look; --pdf prints it through Chromium.

    Example: tacgraph audit access --as PR-IG-OFFICER --practitioner PR-MIDWIFE --csv
    """
    common.one_format(json=json, csv_out=csv_out)
    since_date = common.parse_date(since, "--since") if since else None
    for out, example in ((html, "access-review.html"), (pdf, "access-review.pdf")):
        if out is not None:  # before the report: nothing logged for it
            check_destination(out, example)
    with common.store_from(store, db) as s:
        report = access_review(
            s,
            requester_id=requester,
            practitioner=practitioner,
            child=child,
            agency=agency,
            since=since_date,
            as_of=common.parse_date(as_of),
            expiring_within=expiring_within,
            purpose=purpose,
            channel="cli",
        )
    if html is not None:
        review.write_html(report, html, expiring_within=expiring_within)
        output.note(f"wrote the access review to {html}")
    if pdf is not None:
        review.write_pdf(report, pdf, expiring_within=expiring_within)
        output.note(f"wrote the access review to {pdf}")
    for said in report.not_held:
        output.note(f"warning: {said}")
    if json:
        output.print_json(report)
    elif csv_out:
        output.print_records(report.entries, CSV_COLUMNS)
    else:
        _print(report, limit, expiring_within)


CSV_COLUMNS = [
    "seq",
    "at",
    "requester_id",
    "requester_name",
    "requester_agency",
    "child_id",
    "child_name",
    "purpose",
    "outcome",
    "disclosed",
    "statutory",
    "requester_not_involved",
    "same_surname",
]


def _print(report: AccessReport, limit: int, expiring_within: int) -> None:
    """The report as the text tables an IG officer reads at 80 columns."""
    for said in report.filters:
        output.print_line(f"Filtered: {said}")
    shown = report.entries[-limit:]
    output.print_table(
        "Access log",
        ["seq", "at", "requester / child", "outcome / purpose", "flags"],
        [_access_cells(r) for r in shown],
        whole=("seq", "at"),
    )
    if len(shown) < len(report.entries):
        output.print_line(
            f"The newest {len(shown):,} of {len(report.entries):,} entries: --csv or --json "
            "gives all, --practitioner, --child, --agency and --since narrow them."
        )
    flagged = report.entries
    output.print_line(
        f"Disclosures on a statutory basis: {sum(e.statutory for e in flagged):,}; "
        f"by a requester not involved with the child: "
        f"{sum(e.requester_not_involved for e in flagged):,}; "
        f"of a child who shares the requester's surname: {sum(e.same_surname for e in flagged):,}."
    )
    output.print_line(report.note)
    output.print_table(
        "Statutory bases",
        ["basis / child", "ground", "recorded on / by", "reason"],
        [
            (
                output.cell_lines(
                    b["basis_id"], output.named(_str(b.get("child_name")), str(b["child_id"]))
                ),
                output.words(str(b["ground"])),
                output.cell_lines(
                    output.text(b["recorded_on"]),
                    output.named(_str(b.get("recorded_by_name")), _str(b["recorded_by_id"]))
                    or "not recorded",
                ),
                "recorded" if b["has_reason"] else "none",
            )
            for b in report.statutory_bases
        ],
        whole=("reason",),
    )
    output.print_table(
        "Still in a TAC after leaving their agency",
        ["practitioner", "left on", "membership / CAF", "child"],
        [
            (
                output.named(_str(r.get("practitioner_name")), str(r["practitioner_id"])),
                output.text(r["left_agency_on"]),
                output.cell_lines(r["membership_id"], r["caf_id"]),
                output.named(_str(r.get("child_name")), str(r["child_id"])),
            )
            for r in report.left_but_in_team
        ],
        whole=("left on",),
    )
    output.print_table(
        f"Consents expiring within {expiring_within} days",
        ["consent", "child", "expires on"],
        [
            (
                k["consent_id"],
                output.named(_str(k.get("child_name")), str(k["child_id"])),
                output.text(k["expires_on"]),
            )
            for k in report.consents_expiring
        ],
        whole=("expires on",),
    )


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _access_cells(row: AccessRow) -> tuple[object, ...]:
    """One entry as the table shows it, in five columns that fit 80 characters: the date
    and the time to the second (JSON and CSV give the entry's exact time), the
    requester over the child, each by name and id, the outcome and what it disclosed
    over the purpose, and the entry's flags in words."""
    try:
        at = datetime.fromisoformat(row.at)
        when = f"{at:%Y-%m-%d}\n{at:%H:%M:%S} {at.tzname() or ''}".rstrip()
    except ValueError:  # not a time: show it as written
        when = row.at
    outcome = output.words(row.outcome)
    if row.disclosed:
        outcome += f": {counted(row.disclosed, 'item')}"
    return (
        row.seq,
        when,
        output.cell_lines(
            output.named(row.requester_name, row.requester_id),
            output.named(row.child_name, row.child_id),
        ),
        output.cell_lines(output.words(outcome), row.purpose),
        output.cell_lines(*row.flags),
    )
