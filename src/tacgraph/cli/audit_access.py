"""``tacgraph audit verify`` and ``tacgraph audit access``: the access log."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Annotated

import typer

from tacgraph import audit
from tacgraph.cli import output
from tacgraph.cli.common import AsOfOpt, DbOpt, JsonOpt, StoreOpt, guarded, parse_date, store_from
from tacgraph.errors import LogTampered
from tacgraph.ig import AccessRow, access_report


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)
    app.command("access")(access)


@guarded
def verify(store: StoreOpt = None, db: DbOpt = None, json: JsonOpt = False) -> None:
    """Check that no access log entry was modified, deleted, inserted or reordered.

    Exits 1 and names each bad entry if the chain is broken.

    Example: tacgraph audit verify --json
    """
    with store_from(store, db) as s:
        report = audit.verify(s)
    if json:
        output.print_json(report)
    else:
        for p in report.problems:
            output.print_line(f"entry {p.seq}: {p.kind}: {p.detail}")
        output.print_line(
            f"{report.entries:,} entries checked: {'intact' if report.ok else 'TAMPERED'}"
        )
    if not report.ok:
        raise LogTampered(f"the access log is broken at entry {report.problems[0].seq}")


@guarded
def access(
    practitioner: Annotated[str | None, typer.Option(help="Only this requester.")] = None,
    child: Annotated[str | None, typer.Option(help="Only lookups of this child.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only entries on or after (YYYY-MM-DD).")
    ] = None,
    expiring_within: Annotated[int, typer.Option(help="Days ahead for expiring consents.")] = 30,
    as_of: AsOfOpt = None,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print the access log as CSV.")] = False,
    limit: Annotated[
        int,
        typer.Option(
            min=1, help="Entries of the log the table shows, the newest; --csv and --json give all."
        ),
    ] = 100,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """The access log and the information governance reports drawn from it.

    Each lookup with its flags (no involvement with the child, a shared surname),
    disclosures on a statutory basis, leavers still in a TAC, and consents
    about to expire.

    Example: tacgraph audit access --practitioner PR-MIDWIFE --since 2026-11-01 --csv
    """
    since_date = parse_date(since, "--since") if since else None
    with store_from(store, db) as s:
        report = access_report(
            s,
            practitioner=practitioner,
            child=child,
            since=since_date,
            as_of=parse_date(as_of),
            expiring_within=expiring_within,
        )
    if json:
        output.print_json(report)
        return
    columns = [
        "seq",
        "at",
        "requester_id",
        "child_id",
        "purpose",
        "outcome",
        "disclosed",
        "statutory",
        "requester_not_involved",
        "same_surname",
    ]
    if csv_out:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows([getattr(r, c) for c in columns] for r in report.entries)
        output.print_data(buffer.getvalue().rstrip("\n"))
        return
    shown = report.entries[-limit:]
    output.print_table(
        "Access log",
        ["seq", "at", "requester / child", "outcome / purpose", "flags"],
        [_access_cells(r) for r in shown],
        whole=("seq", "at", "requester / child"),
    )
    if len(shown) < len(report.entries):
        output.print_line(
            f"The newest {len(shown):,} of {len(report.entries):,} entries: --csv or --json "
            "gives all, --practitioner, --child and --since narrow them."
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
                output.cell_lines(b["basis_id"], b["child_id"]),
                output.words(str(b["ground"])),
                output.cell_lines(b["recorded_on"], b["recorded_by_id"] or "not recorded"),
                "recorded" if b["has_reason"] else "none",
            )
            for b in report.statutory_bases
        ],
        whole=("basis / child", "recorded on / by", "reason"),
    )
    output.print_table(
        "Still in a TAC after leaving their agency",
        ["practitioner", "left on", "membership", "CAF", "child"],
        [list(r.values()) for r in report.left_but_in_team],
    )
    output.print_table(
        f"Consents expiring within {expiring_within} days",
        ["consent", "child", "expires on"],
        [list(r.values()) for r in report.consents_expiring],
    )


def _access_cells(row: AccessRow) -> tuple[object, ...]:
    """One entry as the table shows it, in five columns that fit 80 characters: the date
    and the time to the second (JSON and CSV give the entry's exact time), the
    requester over the child, the outcome and what it disclosed over the purpose, and
    the entry's flags in words."""
    try:
        at = datetime.fromisoformat(row.at)
        when = f"{at:%Y-%m-%d}\n{at:%H:%M:%S} {at.tzname() or ''}".rstrip()
    except ValueError:  # not a time: show it as written
        when = row.at
    outcome = f"{row.outcome}: {row.disclosed} items" if row.disclosed else row.outcome
    flags = (
        ("statutory basis", row.statutory),
        ("not involved", row.requester_not_involved),
        ("same surname", row.same_surname),
    )
    return (
        row.seq,
        when,
        output.cell_lines(row.requester_id, row.child_id),
        output.cell_lines(outcome, row.purpose),
        output.cell_lines(*(name for name, on in flags if on)),
    )
