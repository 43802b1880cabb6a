"""``tacgraph caf``: the CAF register: check before starting, and each change after."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from tacgraph import caf
from tacgraph.cli import output
from tacgraph.cli.common import (
    CsvOpt,
    DbOpt,
    JsonOpt,
    ProseGroup,
    StoreOpt,
    as_of_option,
    guarded,
    one_format,
    parse_date,
    store_from,
)
from tacgraph.duplicates import DEFAULT_MIN_PROBABILITY
from tacgraph.model import ReviewOutcome, ServiceLevel
from tacgraph.store import Store

app = typer.Typer(
    cls=ProseGroup,
    help="The CAF register: is there a CAF for this child, and its lifecycle.",
    no_args_is_help=True,
)

AsOpt = Annotated[
    str, typer.Option("--as", help="Your practitioner id: who is asking or making the change.")
]
OnOpt = Annotated[
    str | None,
    typer.Option(
        "--on", help="Date of the change (YYYY-MM-DD); default today.", show_default=False
    ),
]
CafArg = Annotated[str, typer.Argument(help="The CAF's id.", show_default=False)]
ChildArg = Annotated[str, typer.Argument(help="The child's id.", show_default=False)]
PractitionerArg = Annotated[str, typer.Argument(help="The practitioner's id.", show_default=False)]
ProbabilityOpt = Annotated[
    float,
    typer.Option(
        "--min-probability",
        help="How likely another record must be the same child to count as a duplicate.",
    ),
]
LevelOpt = Annotated[
    ServiceLevel | None,
    typer.Option(
        "--to-level", help="The level to move to; default the next one.", show_default=False
    ),
]


Change = Callable[[Store, date], caf.CafChange]


def _change(on: str | None, store: str | None, db: Path | None, json: bool, make: Change) -> None:
    """Every lifecycle command: parse the date, make the change on the opened store (the
    library authorises and refuses; ``guarded`` maps its errors to exit codes), and
    print what was changed."""
    when = parse_date(on, "--on")
    with store_from(store, db) as s:
        change = make(s, when)
    if json:
        output.print_json(change)
        return
    output.print_line(
        f"{change.caf_id}: {output.plain(change.detail)} (on {change.on}, by {change.by_id}; now "
        f"{output.words(change.state.value)} at level {output.words(change.level.value)})"
    )
    output.note(f"wrote {len(change.written)} records: {', '.join(change.written)}")


CHECK_COLUMNS = [
    "child_id",
    "caf_id",
    "state",
    "started_on",
    "record_id",
    "duplicate_probability",
    "contact_role",
    "contact_name",
    "contact_agency",
    "contact_phone",
    "contact_email",
    "contact_broker",
    "may_start",
]


@app.command("check")
@guarded
def check(
    child_id: ChildArg,
    as_: AsOpt,
    as_of: Annotated[str | None, as_of_option("to check on")] = None,
    min_probability: ProbabilityOpt = DEFAULT_MIN_PROBABILITY,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
    csv_out: CsvOpt = False,
) -> None:
    """Is a CAF open for this child or a duplicate record of it, and whom to contact?

    If none is open, you may start one. --csv prints one row for each open CAF.

    Example: tacgraph caf check CH-SALLY --as PR-UNINVOLVED --as-of 2026-11-23
    """
    one_format(json=json, csv_out=csv_out)
    when = parse_date(as_of)
    with store_from(store, db) as s:
        result = caf.check(s, child_id, as_, when, min_probability=min_probability, channel="cli")
    if json:
        output.print_json(result)
        return
    if csv_out:
        output.print_csv(
            CHECK_COLUMNS,
            [
                [
                    result.child_id,
                    f.caf_id,
                    f.state.value,
                    f.started_on,
                    f.record_id,
                    f.duplicate_probability,
                    f.contact.role,
                    f.contact.name,
                    f.contact.agency,
                    f.contact.phone,
                    f.contact.email,
                    f.contact.broker,
                    result.may_start,
                ]
                for f in result.open_cafs
            ],  # fmt: skip
        )
        return
    for found in result.open_cafs:
        same = (
            "this record"
            if found.duplicate_probability is None
            else f"probably (probability {found.duplicate_probability:.3f})"
        )
        rows = [
            ("state", output.words(found.state.value)),
            ("started", found.started_on),
            ("child record", found.record_id),
            ("same child", same),
            ("contact", found.contact.role),
            ("name", found.contact.name),
            ("agency", found.contact.agency),
            ("phone", found.contact.phone),
            ("email", found.contact.email),
            ("broker", found.contact.broker),
        ]
        output.print_table(
            f"Open CAF {found.caf_id}", ["field", "value"], [r for r in rows if r[1] is not None]
        )
    for dup in result.duplicate_records:
        output.note(
            f"{dup.child_id} is probably the same child (probability {dup.probability:.3f})"
        )
    output.print_line(result.advice)


@app.command("start")
@guarded
def start(
    child_id: ChildArg,
    as_: AsOpt,
    on: OnOpt = None,
    level: Annotated[
        ServiceLevel, typer.Option("--level", help="The level of service the CAF starts at.")
    ] = ServiceLevel.TARGETED,
    consent: Annotated[
        str | None,
        typer.Option(
            "--consent",
            help="The consent to start under; default any that is valid.",
            show_default=False,
        ),
    ] = None,
    min_probability: ProbabilityOpt = DEFAULT_MIN_PROBABILITY,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Start a CAF for a child; you lead it until the team agrees another lead.

    Needs a recorded consent to share CAF content with you; refused while a CAF is open
    for the child or a probable duplicate record of it.

    Example: tacgraph caf start CH-0000042 --as PR-0000007 --on 2026-11-23
    """
    _change(
        on,
        store,
        db,
        json,
        lambda s, d: caf.start(
            s,
            child_id,
            as_,
            d,
            level=level,
            consent_id=consent,
            min_probability=min_probability,
            channel="cli",
        ),
    )


@app.command("add-member")
@guarded
def add_member(
    caf_id: CafArg,
    practitioner_id: PractitionerArg,
    as_: AsOpt,
    on: OnOpt = None,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Add a practitioner to a CAF's Team Around the Child (needs consent covering them).

    Example: tacgraph caf add-member CAF-SALLY PR-GP --as PR-HOY --on 2026-11-23
    """
    _change(
        on,
        store,
        db,
        json,
        lambda s, d: caf.add_member(s, caf_id, practitioner_id, as_, d, channel="cli"),
    )


@app.command("set-lead")
@guarded
def set_lead(
    caf_id: CafArg,
    practitioner_id: PractitionerArg,
    as_: AsOpt,
    on: OnOpt = None,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Make a current member of the team its Lead Professional.

    Example: tacgraph caf set-lead CAF-SALLY PR-CC-WORKER --as PR-HOY --on 2026-11-23
    """
    _change(
        on,
        store,
        db,
        json,
        lambda s, d: caf.set_lead(s, caf_id, practitioner_id, as_, d, channel="cli"),
    )


@app.command("review")
@guarded
def review(
    caf_id: CafArg,
    as_: AsOpt,
    outcome: Annotated[ReviewOutcome, typer.Option("--outcome", help="What the review decided.")],
    next_review: Annotated[
        str | None,
        typer.Option(
            "--next-review",
            help="Date of the next review (needed to continue).",
            show_default=False,
        ),
    ] = None,
    to_level: LevelOpt = None,
    on: OnOpt = None,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record a review and carry out its outcome: continue, close, step up or step down.

    Example: tacgraph caf review CAF-SALLY --as PR-HOY --outcome continue --next-review 2027-05-01
    """
    following = parse_date(next_review, "--next-review") if next_review else None
    _change(
        on,
        store,
        db,
        json,
        lambda s, d: caf.review(
            s,
            caf_id,
            as_,
            d,
            outcome,
            next_review_on=following,
            to_level=to_level,
            channel="cli",
        ),
    )


@app.command("step-up")
@guarded
def step_up(
    caf_id: CafArg,
    as_: AsOpt,
    to_level: LevelOpt = None,
    on: OnOpt = None,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Step a CAF up to a higher level of service.

    Example: tacgraph caf step-up CAF-SALLY --as PR-HOY --to-level child_in_need
    """
    _change(
        on,
        store,
        db,
        json,
        lambda s, d: caf.step_up(s, caf_id, as_, d, to_level=to_level, channel="cli"),
    )


@app.command("step-down")
@guarded
def step_down(
    caf_id: CafArg,
    as_: AsOpt,
    to_level: LevelOpt = None,
    on: OnOpt = None,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Step a CAF down to a lower level of service.

    Example: tacgraph caf step-down CAF-SALLY --as PR-HOY --to-level universal
    """
    _change(
        on,
        store,
        db,
        json,
        lambda s, d: caf.step_down(s, caf_id, as_, d, to_level=to_level, channel="cli"),
    )


@app.command("close")
@guarded
def close(
    caf_id: CafArg,
    as_: AsOpt,
    on: OnOpt = None,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Close a CAF: the register shows it closed and its team's memberships end.

    Example: tacgraph caf close CAF-SALLY --as PR-HOY --on 2026-12-01
    """
    _change(on, store, db, json, lambda s, d: caf.close(s, caf_id, as_, d, channel="cli"))
