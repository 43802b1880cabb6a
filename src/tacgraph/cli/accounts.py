"""``tacgraph accounts``: sign-in accounts for the web directory (create, suspend,
reinstate, close, unlock, list; demo accounts; a TOTP code from a secret)."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Annotated

import typer

from tacgraph import accounts
from tacgraph.cli import output
from tacgraph.cli.common import (
    CsvOpt,
    DbOpt,
    JsonOpt,
    ProseGroup,
    StoreOpt,
    guarded,
    store_from,
)
from tacgraph.ig import names
from tacgraph.store.base import Store

app = typer.Typer(
    cls=ProseGroup, help="Sign-in accounts for the web directory.", no_args_is_help=True
)


PasswordStdinOpt = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from stdin (its first line)."),
]


def _password(from_stdin: bool) -> str | None:
    """The password on stdin's first line with --password-stdin, else None."""
    return sys.stdin.readline().rstrip("\n") if from_stdin else None


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="accounts")


@app.command("create")
@guarded
def create_command(
    account_id: Annotated[str, typer.Argument(help="The account name (e.g. j.smith).")],
    practitioner: Annotated[
        str, typer.Option("--practitioner", help="The practitioner id it acts as.")
    ],
    role: Annotated[
        list[str],
        typer.Option(
            "--role", help="directory_user, ig_officer or account_admin; repeat for more."
        ),
    ],
    password_stdin: PasswordStdinOpt = False,
    oidc_subject: Annotated[
        str, typer.Option("--oidc-subject", help="Bind to this single sign-on subject.")
    ] = "",
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Create an account bound to a practitioner record, and show its TOTP secret once.

    Without --password-stdin the account signs in only through single sign-on.
    Written to the access log.

    Example: tacgraph accounts create j.smith --practitioner PR-HOY --role directory_user
    --password-stdin
    """
    password = _password(password_stdin)
    with store_from(store, db) as s:
        accounts.init(s)
        created = accounts.create(
            s, account_id, practitioner, role, password=password, oidc_subject=oidc_subject
        )
    _print_enrolment(
        created, f"Created {created.account.id} for {created.account.practitioner_id}.", json=json
    )


@app.command("reset")
@guarded
def reset_command(
    account_id: Annotated[str, typer.Argument(help="The account.")],
    password_stdin: PasswordStdinOpt = False,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Re-enrol an account whose holder lost their authenticator or password, and show
    its new TOTP secret once.

    The old security codes stop working, the account's failed sign-ins and lock are
    cleared and its sessions end; with --password-stdin its password is replaced too.
    Written to the access log. A closed account cannot be reset.

    Example: tacgraph accounts reset j.smith --password-stdin
    """
    password = _password(password_stdin)
    with store_from(store, db) as s:
        accounts.init(s)
        made = accounts.reset(s, account_id, password=password)
    said = f"{made.account.id} is re-enrolled" + (
        " with a new password; its sessions have ended."
        if password is not None
        else "; its sessions have ended."
    )
    _print_enrolment(made, said, json=json)


def _print_enrolment(made: accounts.Created, said: str, *, json: bool) -> None:
    """An account's new TOTP secret, shown once: with ``said`` (what was done) as text,
    or as JSON."""
    if json:
        output.print_json(
            {
                "account_id": made.account.id,
                "practitioner_id": made.account.practitioner_id,
                "roles": list(made.account.roles),
                "totp_secret": made.totp_secret,
                "totp_uri": made.totp_uri,
            }
        )
        return
    output.print_line(said)
    output.print_line(
        f"TOTP secret (shown once; add it to an authenticator app): {made.totp_secret}"
    )
    output.print_line(made.totp_uri)


# The commands that change one account's state: name, what the library does, what is
# printed, and the command's help (its docstring).
_CHANGES: tuple[tuple[str, Callable[[Store, str], accounts.Account], str, str], ...] = (
    (
        "suspend",
        lambda s, a: accounts.set_state(s, a, "suspended"),
        "{id} is suspended; its sessions have ended.",
        "Suspend an account at once (reinstate undoes it). Audited.",
    ),
    (
        "reinstate",
        lambda s, a: accounts.set_state(s, a, "active"),
        "{id} is active; its sessions have ended.",
        "Make a suspended account active again. Audited.",
    ),
    (
        "close",
        lambda s, a: accounts.set_state(s, a, "closed"),
        "{id} is closed; its sessions have ended.",
        "Close an account for good. Audited.",
    ),
    (
        "unlock",
        accounts.unlock,
        "{id} is unlocked.",
        "Clear an account's failed sign-ins and lock. Audited.",
    ),
)


def _change_command(
    name: str, change: Callable[[Store, str], accounts.Account], said: str, help_: str
) -> None:
    def command(
        account_id: Annotated[str, typer.Argument(help="The account.")],
        store: StoreOpt = None,
        db: DbOpt = None,
    ) -> None:
        with store_from(store, db) as s:
            accounts.init(s)
            changed = change(s, account_id)
        output.print_line(said.format(id=changed.id))

    command.__name__ = f"{name}_command"
    command.__doc__ = f"{help_}\n\n    Example: tacgraph accounts {name} j.smith\n    "
    app.command(name)(guarded(command))


for _change in _CHANGES:
    _change_command(*_change)


# The fields of each account in the listing's JSON and CSV.
_COLUMNS = (
    "account_id",
    "practitioner_id",
    "practitioner_name",
    "roles",
    "state",
    "locked",
    "locked_until",
    "failures",
)


@app.command("list")
@guarded
def list_command(
    store: StoreOpt = None, db: DbOpt = None, json: JsonOpt = False, csv_out: CsvOpt = False
) -> None:
    """Every account, its practitioner, roles and state (no secrets), and whether it is
    locked out now after failed sign-ins, and until when ('accounts unlock' ends it).

    Example: tacgraph accounts list --csv > accounts.csv
    """
    with store_from(store, db) as s:
        accounts.init(s)
        found = accounts.list_accounts(s)
        known = names(s, (a.practitioner_id for a in found))
    checked = accounts.now()
    rows = [
        {
            "account_id": a.id,
            "practitioner_id": a.practitioner_id,
            "practitioner_name": known.get(a.practitioner_id),
            "roles": list(a.roles),
            "state": a.state,
            "locked": a.locked(checked),
            "locked_until": _time(a.lock_ends(checked)),
            "failures": a.failures,
        }
        for a in found
    ]
    if json:
        output.print_json(rows)
        return
    if csv_out:
        output.print_csv(_COLUMNS, ([row[c] for c in _COLUMNS] for row in rows))
        return
    output.print_table(
        "Accounts",
        ["account", "practitioner", "roles", "state"],
        [
            [a.id, output.named(known.get(a.practitioner_id), a.practitioner_id)]
            + [_roles(a.roles), output.cell_lines(a.state, a.lock_words(checked))]
            for a in found
        ],
    )


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _roles(roles: Iterable[str]) -> str:
    """An account's roles in words, one to a line."""
    return output.cell_lines(*(accounts.ROLE_NAMES.get(r, r) for r in roles))


@app.command("demo")
@guarded
def demo_command(
    limit: Annotated[int, typer.Option(help="How many practitioners get an account.")] = 8,
    store: StoreOpt = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Accounts for a demonstration store, with their passwords and TOTP secrets.

    One for each of the authorised practitioners with the most open cases (the first is
    also an account administrator), and one for each information governance officer. Get a sign-in
    code with 'tacgraph accounts code SECRET'. Never use on real data.

    Example: tacgraph accounts demo --db ./tacgraph-data
    """
    with store_from(store, db) as s:
        accounts.init(s)
        made = accounts.create_demo(s, limit=limit)
    if json:
        output.print_json([dataclasses.asdict(d) for d in made])
        return
    output.print_table(
        "Demo accounts (sign in at /sign-in; code: tacgraph accounts code SECRET)",
        ["account", "roles", "password", "TOTP secret"],
        [[d.account_id, _roles(d.roles), d.password, d.totp_secret] for d in made],
        whole=("account", "password", "TOTP secret"),
    )


@app.command("code")
@guarded
def code_command(
    secret: Annotated[str, typer.Argument(help="A TOTP secret (base32), as 'create' showed it.")],
) -> None:
    """Print the current TOTP code for a secret, as an authenticator app would.

    Example: tacgraph accounts code JBSWY3DPEHPK3PXP
    """
    try:
        code = accounts.current_code(secret.strip().upper())
    except (ValueError, TypeError) as exc:
        from tacgraph.errors import InvalidArgument

        raise InvalidArgument("the secret is not base32", "copy it as 'create' showed it") from exc
    output.print_data(code)
