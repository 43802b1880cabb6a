"""``tacgraph who-else``: the consent-gated lookup."""

from __future__ import annotations

from typing import Annotated

import typer

from tacgraph.cli import output
from tacgraph.cli.common import AsOfOpt, DbOpt, JsonOpt, StoreOpt, guarded, parse_date, store_from
from tacgraph.lookup import WhoElse, who_else_many


def register(app: typer.Typer) -> None:
    app.command("who-else")(who_else_command)


def _print(result: WhoElse) -> None:
    """The answer as a lead professional reads it at 80 columns: four columns for each
    person (who, agency and level, since, contact), so that no email or phone is cut."""
    if not result.known:
        output.print_line(f"{result.child_id} is not known. Contact: {result.contact.name}")
        return
    age = "unborn" if result.unborn else f"{result.age}"
    output.print_line(f"{result.name} ({age}, {result.gender}), as of {result.as_of}")
    if result.shielded_from_viewer:
        output.print_line("Shielded: whereabouts are not shown to you.")
    elif result.address_line:
        output.print_line(f"Address: {result.address_line}, {result.postcode}")
    output.print_line(f"CAF open: {'yes' if result.caf_open else 'no'}")
    c = result.contact
    contact = ", ".join(p for p in (c.name, output.words(c.role), c.agency, c.email, c.phone) if p)
    output.print_line(f"Contact: {contact}" + (f" ({c.note})" if c.note else ""))
    output.print_table(
        "Working with this child",
        ["practitioner", "agency", "since", "contact"],
        [
            (
                output.cell_lines(
                    i.practitioner, output.words(i.role), i.lead and "Lead Professional"
                ),
                output.cell_lines(i.agency, output.words(i.level)),
                i.since,
                output.cell_lines(i.email, i.phone),
            )
            for i in result.involved
        ],
        whole=("since", "contact"),
    )
    if result.team:
        output.print_table(
            "Team Around the Child",
            ["CAF", "practitioner", "team role", "since"],
            [(t.caf_id, t.practitioner, t.team_role, t.since) for t in result.team],
            whole=("CAF", "since"),
        )
    if result.family:
        output.print_table(
            "Family",
            ["name", "relationship", "phone", "address"],
            [
                (
                    f.name,
                    output.cell_lines(
                        output.words(f.relationship),
                        f.parental_responsibility and "parental responsibility",
                        f.carer and "carer",
                    ),
                    f.phone,
                    ", ".join(p for p in (f.address_line, f.postcode) if p),
                )
                for f in result.family
            ],
            whole=("phone",),
        )
    if result.ended:
        output.print_table(
            "No longer involved",
            ["practitioner", "agency", "since", "ended", "handover"],
            [
                (
                    output.cell_lines(e.practitioner, output.words(e.role)),
                    output.cell_lines(e.agency, output.words(e.level)),
                    e.since,
                    e.ended_on,
                    output.words(e.handover_kind) or "none",
                )
                for e in result.ended
            ],
            whole=("since", "ended"),
        )
    for broker in result.sensitive_services:
        output.print_line(f"A sensitive service is involved: contact {broker}")
    if result.withheld:
        output.print_line(f"{result.withheld} involvement(s) withheld without consent.")
    if result.explanation:
        output.print_table(
            "Why",
            ["item", "shown", "rule", "consent or basis", "detail"],
            [
                (e.item, "yes" if e.shown else "no", output.words(e.rule), e.basis_id, e.detail)
                for e in result.explanation
            ],
            whole=("shown", "consent or basis"),
        )


@guarded
def who_else_command(
    child_ids: Annotated[
        list[str],
        typer.Argument(help="The child's id; several for a case list.", metavar="CHILD_ID..."),
    ],
    requester: Annotated[str, typer.Option("--as", help="Your practitioner id.")],
    purpose: Annotated[str, typer.Option(help="Why you are looking (recorded).")] = "",
    explain: Annotated[bool, typer.Option(help="Say why each item is shown or withheld.")] = False,
    history: Annotated[
        bool, typer.Option(help="Also show who has stopped working with the child, and handovers.")
    ] = False,
    as_of: AsOfOpt = None,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Who else is working with this child, as far as consent lets you see.

    Every lookup is written to the access log, one entry per child. With several
    children (a case list) --json prints a list.

    Example: tacgraph who-else CH-SALLY --as PR-MIDWIFE --purpose "antenatal visit" --explain
    """
    when = parse_date(as_of) if as_of else None
    with store_from(store, db) as s:
        results = who_else_many(
            s,
            child_ids,
            requester,
            purpose=purpose,
            as_of=when,
            explain=explain,
            history=history,
            channel="cli",
        )
    if json:
        output.print_json(
            results[0] if len(results) == 1 else [r.model_dump(mode="json") for r in results]
        )
        return
    for i, result in enumerate(results):
        if i:
            output.print_line("")
        _print(result)
