"""``tacgraph search``: find a child by name, date of birth or age, postcode or NHS
number (the web directory's search), audited."""

from __future__ import annotations

from typing import Annotated

import typer

from tacgraph import search as finder
from tacgraph.cli import output
from tacgraph.cli.common import (
    CsvOpt,
    DbOpt,
    JsonOpt,
    RequesterOpt,
    StoreOpt,
    guarded,
    one_format,
    purpose_option,
    store_from,
)

COLUMNS = ["child_id", "name", "age", "gender", "locality"]


def register(app: typer.Typer) -> None:
    app.command("search")(search)


@guarded
def search(
    requester: RequesterOpt,
    name: Annotated[str, typer.Argument(help="The child's name, as you have it.")] = "",
    date_of_birth: Annotated[
        str, typer.Option("--dob", help="Date of birth, YYYY-MM-DD.", metavar="YYYY-MM-DD")
    ] = "",
    age: Annotated[str, typer.Option("--age", help="Age in years.", metavar="YEARS")] = "",
    postcode: Annotated[str, typer.Option("--postcode", help="Postcode.", metavar="TEXT")] = "",
    nhs_number: Annotated[
        str, typer.Option("--nhs-number", help="NHS number (10 digits).", metavar="TEXT")
    ] = "",
    purpose: Annotated[str, purpose_option("searching")] = "",
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
    csv_out: CsvOpt = False,
) -> None:
    """Find a child by name, date of birth or age, postcode or NHS number.

    Tolerates misspellings and nicknames, as ContactPoint's search did, and shows only
    what tells children apart: name, age, gender and the postcode district (none for a
    shielded child). Then ask who-else with the child's id. Every search is written to
    the access log with what was searched by and whom it showed.

    Example: tacgraph search "Sally Carter" --dob 2010-03-14 --as PR-HOY
    """
    one_format(json=json, csv_out=csv_out)
    criteria = finder.parse_criteria(name, date_of_birth, age, postcode, nhs_number)
    with store_from(store, db) as s:
        result = finder.find(s, requester, criteria, channel="cli", purpose=purpose)
    if json:
        output.print_json(result)
        return
    rows = [[getattr(m, c) for c in COLUMNS] for m in result.matches]
    if csv_out:
        output.print_csv(COLUMNS, rows)
        return
    shown = [
        [m.child_id, m.name, _age(m), output.words(m.gender), m.locality] for m in result.matches
    ]
    output.print_table(
        f"Children matching {', '.join(result.criteria)}",
        ["id", "name", "age", "gender", "area"],
        shown,
        whole=("id",),
    )
    if result.more:
        output.note("More children matched than are shown: add a date of birth or postcode.")


def _age(match: finder.Match) -> str:
    return "unborn" if match.unborn else output.text(match.age)
