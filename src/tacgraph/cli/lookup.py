"""``tacgraph who-else``: the consent-gated lookup."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from tacgraph.cli import common, exits, output
from tacgraph.lookup import WhoElse, who_else_many
from tacgraph.wording import counted


def register(app: typer.Typer) -> None:
    app.command("who-else")(who_else_command)


def _print(result: WhoElse) -> None:
    """The answer as a lead professional reads it at 80 columns: four columns for each
    person (who, agency and level, since, contact), so that no email or phone is cut."""
    if not result.known:
        output.print_line(
            f"{result.child_id} is not known to any agency here. Contact: {result.contact.name}"
        )
        if " " in result.child_id.strip():  # a name, not an id
            output.note(f'To find a child by name: tacgraph search "{result.child_id}" --as ...')
        return
    age = "unborn" if result.unborn else f"{result.age}"
    output.print_line(f"{result.name} ({age}, {result.gender}), as of {result.as_of}")
    if result.shielded_from_viewer:
        output.print_line("Shielded: whereabouts are not shown to you.")
    elif result.address_line:
        output.print_line(
            f"Address: {result.address_line}, {result.postcode}", indent="  ", first=""
        )
    output.print_line(f"CAF open: {'yes' if result.caf_open else 'no'}")
    c = result.contact
    contact = ", ".join(p for p in (c.name, output.words(c.role), c.agency, c.email, c.phone) if p)
    output.print_line(
        f"Contact: {contact}" + (f" ({c.note})" if c.note else ""), indent="  ", first=""
    )
    if result.enquiry_only:
        output.print_line(
            "Working with this child: not shown to you (you are not involved, and hold no"
            " consent or statutory basis); ask the contact above."
        )
    else:
        _print_involved(result)
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
                    output.cell_lines(e.practitioner, output.words(e.role), e.email, e.phone),
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
        output.print_line(
            f"A sensitive service is involved: contact {broker}", indent="  ", first=""
        )
    if result.withheld:
        output.print_line(f"{counted(result.withheld, 'involvement')} withheld without consent.")
    if result.explanation:
        _print_explanation(result)


def _print_involved(result: WhoElse) -> None:
    """Who is working with the child now, as far as the viewer may be told: four columns
    for each person (who, agency and level, since, contact)."""
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


def _print_explanation(result: WhoElse) -> None:
    """Why each item is shown or withheld, as sentences: one for each reason (a
    consent, a statutory basis, a rule), naming who consented to whom and for what,
    with the items it covers listed under it, rather than a row repeating the reason
    for every item."""
    groups: dict[tuple[bool, str, str | None, str], list[str]] = {}
    for e in result.explanation:
        groups.setdefault((e.shown, e.rule, e.basis_id, e.detail), []).append(e.item)
    output.print_line("Why")
    for (shown, rule, basis_id, detail), items in groups.items():
        output.print_line("")
        output.print_line(_reason(result, shown, rule, basis_id, detail))
        hidden = [i for i in items if re.fullmatch(r"withheld item \d+", i)]
        if len(hidden) > 1:  # numbered placeholders: one line says how many
            items = [i for i in items if i not in hidden] + [
                f"{counted(len(hidden), 'item')} withheld"
            ]
        for item in items:
            output.print_line(f"- {item}", indent="    ", first="  ")


def _reason(result: WhoElse, shown: bool, rule: str, basis_id: str | None, detail: str) -> str:
    """One reason as a sentence: "Shown: consent CO-MOTHER-TAC from Sally's mother,
    Julie Carter, to the Team Around the Child of CAF-SALLY, given 2026-07-06,
    scopes CAF content, contact details and involvement:"."""
    verdict = "Shown" if shown else "Withheld"
    consent = next((c for c in result.consents if c.consent_id == basis_id), None)
    if consent is None:
        reason = output.words(rule) + (f" {basis_id}" if basis_id else "")
        return f"{verdict}: {reason}; {detail}:" if detail else f"{verdict}: {reason}:"
    first = (result.name or result.child_id).split()[0]
    if consent.given_by == "child":
        giver = {"female": f"{first} herself", "male": f"{first} himself"}.get(
            result.gender or "", "the child"
        )
    else:
        member = next((f for f in result.family if f.family_member_id == consent.given_by), None)
        giver = (
            f"{first}'s {output.words(member.relationship)}, {member.name},"
            if member
            else consent.given_by
        )
    recipient = {
        "caf": f"the Team Around the Child of {consent.to_id}",
        "practitioner": f"practitioner {consent.to_id}",
        "agency": f"agency {consent.to_id}",
    }.get(consent.to_kind, consent.to_id)
    scopes = [output.words(s) for s in consent.scopes]
    covered = ", ".join(scopes[:-1]) + " and " + scopes[-1] if len(scopes) > 1 else "".join(scopes)
    expiry = f", until {consent.expires_on}" if consent.expires_on else ""
    return (
        f"{verdict}: {output.words(consent.kind)} {output.words(rule)} {consent.consent_id} "
        f"from {giver} to {recipient}, given {consent.given_on}{expiry}, scopes {covered}:"
    )


PEOPLE_COLUMNS = [
    "child_id",
    "child",
    "status",
    "practitioner_id",
    "practitioner",
    "role",
    "agency_id",
    "agency",
    "level",
    "since",
    "ended_on",
    "lead",
    "handover",
    "email",
    "phone",
]


def _people_rows(results: list[WhoElse]) -> list[list[object]]:
    """One CSV row for each person working (or, with --history, who worked) with each
    child of the list; a child who is not known gets a row saying so."""
    rows: list[list[object]] = []
    for r in results:
        if not r.known:
            rows.append([r.child_id, None, "not known", *[None] * 12])
            continue
        for i in r.involved:
            rows.append(
                [r.child_id, r.name, "current", i.practitioner_id, i.practitioner, i.role,
                 i.agency_id, i.agency, i.level, i.since, None, i.lead, None, i.email, i.phone]
            )  # fmt: skip
        for e in r.ended:
            rows.append(
                [r.child_id, r.name, "ended", e.practitioner_id, e.practitioner, e.role,
                 e.agency_id, e.agency, e.level, e.since, e.ended_on, e.lead,
                 e.handover_kind or "none", e.email, e.phone]
            )  # fmt: skip
    return rows


@common.guarded
def who_else_command(
    child_ids: Annotated[
        list[str],
        typer.Argument(help="The child's id; several for a case list.", metavar="CHILD_ID..."),
    ],
    requester: Annotated[str, typer.Option("--as", help="Your practitioner id.")],
    purpose: Annotated[str, common.purpose_option("looking")] = "",
    explain: Annotated[bool, typer.Option(help="Say why each item is shown or withheld.")] = False,
    history: Annotated[
        bool, typer.Option(help="Also show who has stopped working with the child, and handovers.")
    ] = False,
    as_of: common.AsOfOpt = None,
    store: common.StoreOpt = None,
    db: common.DbOpt = None,
    json: common.JsonOpt = False,
    csv_out: common.CsvOpt = False,
) -> None:
    """Who else is working with this child, as far as consent lets you see.

    Every lookup is written to the access log, one entry per child. With several
    children (a case list) --json prints a list; --csv prints one row for each person
    working with each child. A child who is not known exits 8 (after the answer), so
    that a script can tell.

    Example: tacgraph who-else CH-SALLY --as PR-MIDWIFE --purpose "antenatal visit" --explain
    """
    common.one_format(json=json, csv_out=csv_out)
    when = common.parse_date(as_of) if as_of else None
    with common.store_from(store, db) as s:
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
    elif csv_out:
        output.print_csv(PEOPLE_COLUMNS, _people_rows(results))
    else:
        for i, result in enumerate(results):
            if i:
                output.print_line("")
            _print(result)
    if not all(r.known for r in results):
        raise typer.Exit(exits.NOT_KNOWN)
