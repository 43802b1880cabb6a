"""``tacgraph audit``: population audits and the access log. Each audit family keeps its
commands in its own module and registers them here; the access log's own commands
(``verify``, ``checkpoint``, ``rotate-key``) are defined here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tacgraph import audit
from tacgraph.cli import audit_access, audit_duplicates, audit_practice, output
from tacgraph.cli.common import DbOpt, JsonOpt, ProseGroup, StoreOpt, guarded, store_from
from tacgraph.errors import LogTampered

app = typer.Typer(
    cls=ProseGroup, help="Audits: practice, duplicates, and the access log.", no_args_is_help=True
)
audit_access.register(app)
audit_practice.register(app)
audit_duplicates.register(app)

WitnessOpt = Annotated[
    Path | None,
    typer.Option(
        "--witness",
        help="A copy of the witness file shipped elsewhere (default: the log's own).",
    ),
]
PublicKeyOpt = Annotated[
    Path | None,
    typer.Option(
        "--public-key",
        help="The checkpoint public key kept with that copy (default: the log's own).",
    ),
]


@guarded
def verify(
    witness: WitnessOpt = None,
    public_key: PublicKeyOpt = None,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Check the access log's chain of MACs against its newest signed checkpoint.

    Names each entry modified, deleted, inserted or reordered, a head deleted or
    moved back, and a chain rewritten without the key; exits 1 if any.

    Example: tacgraph audit verify --witness ig-copy/witness.jsonl --json
    """
    with store_from(store, db) as s:
        report = audit.verify(s, witness_file=witness, public_key=public_key)
    if json:
        output.print_json(report)
    else:
        for p in report.problems:
            named = f"entry {p.seq}" if p.seq else "log"
            output.print_line(f"{named}: {p.kind}: {p.detail}")
        if report.more:
            output.print_line(f"... and {report.more:,} more problems")
        anchored = (
            f"against the checkpoint of entry {report.checkpoint:,}"
            if report.checkpoint is not None
            else "with no checkpoint yet"
        )
        output.print_line(
            f"{report.entries:,} entries checked {anchored}: "
            f"{'intact' if report.ok else 'TAMPERED'}"
        )
    if not report.ok:
        first = report.problems[0] if report.problems else None
        where = f"entry {first.seq}" if first and first.seq else "its witness or head"
        raise LogTampered(f"the access log is broken at {where}")


# Registered after audit_access's: this is the command ``audit verify`` runs.
app.command("verify")(verify)


@app.command("checkpoint")
@guarded
def checkpoint(store: StoreOpt = None, db: DbOpt = None, json: JsonOpt = False) -> None:
    """Sign the access log's newest entry into its witness file now.

    Checkpoints are also written every TACGRAPH_LOG_CHECKPOINT_EVERY entries and as
    the store closes; run this before shipping the witness elsewhere.

    Example: tacgraph audit checkpoint --db ./tacgraph-data
    """
    with store_from(store, db) as s:
        made = audit.checkpoint(s)
    if json:
        output.print_json({"seq": made.seq if made else None, "mac": made.mac if made else None})
    elif made is None:
        output.print_line("The access log is empty: nothing to sign.")
    else:
        output.print_line(f"Checkpoint of entry {made.seq:,} written.")


@app.command("rotate-key")
@guarded
def rotate_key(
    requester: Annotated[
        str, typer.Option("--as", help="Who rotates the key (recorded in the log).")
    ],
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Start a new segment of the access log under a new MAC key.

    The new key is added to the key file (old keys stay, to check older entries);
    with TACGRAPH_LOG_KEY, add the new key to its end first. The change is an entry
    in the log and a checkpoint in the witness.

    Example: tacgraph audit rotate-key --as PR-IG-OFFICER
    """
    with store_from(store, db) as s:
        entry = audit.rotate_key(s, requester_id=requester)
    if json:
        output.print_json(entry)
    else:
        output.print_line(f"Entry {entry.seq:,} starts the segment of key {entry.detail}.")
