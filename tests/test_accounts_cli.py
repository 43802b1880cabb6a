"""``tacgraph accounts`` on both engines: the listing says which accounts are locked
out now after failed sign-ins and until when, read at 80 columns, in JSON and CSV, and
``accounts unlock`` ends a lock-out, audited."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import ENGINES, ROBIN, SALLY, load, wipe
from tacgraph import accounts, audit
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.config import StoreConfig
from tacgraph.store import open_store

PASSWORD = "correct horse battery staple"
runner = CliRunner()


@dataclass
class Cli:
    args: list[str]
    env: dict[str, str]
    config: StoreConfig

    def run(self, *argv: str, columns: int = 80) -> tuple[int, str, str]:
        result = runner.invoke(app, [*argv, *self.args], env={**self.env, "COLUMNS": str(columns)})
        return result.exit_code, result.stdout, result.stderr

    def listed(self) -> dict[str, dict[str, Any]]:
        code, out, err = self.run("accounts", "list", "--json")
        assert code == exits.OK, err
        return {row["account_id"]: row for row in json.loads(out)}


def _fail(store: Any, account_id: str, clock: audit.Clock = audit.utc_now) -> None:
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(store, account_id, "not the password at all", "000000", clock=clock)


@pytest.fixture(params=ENGINES)
def cli(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Cli]:
    """Sally and Robin in a store of each engine, with three accounts: hoy locked out
    now (by the real clock), gp whose lock-out ended an hour and a half ago, and admin
    who never failed to sign in."""
    if request.param == "embedded":
        db = tmp_path / "db"
        config = StoreConfig(db_path=db)
        cli = Cli(["--db", str(db)], {}, config)
    else:
        uri = request.getfixturevalue("_neo4j_checked")
        log = tmp_path / "log"
        config = StoreConfig(kind="neo4j", uri=uri, log_dir=log)
        cli = Cli(["--store", "neo4j"], {"NEO4J_URI": uri, "TACGRAPH_LOG_DIR": str(log)}, config)
    with open_store(config) as s:
        if s.engine == "neo4j":
            wipe(s)
        s.init_schema()
        load(s, SALLY, ROBIN)
        accounts.init(s)
        for account_id, practitioner in (
            ("hoy", "PR-HOY"),
            ("gp", "PR-GP"),
            ("admin", "PR-TEAM-MANAGER"),
        ):
            accounts.create(s, account_id, practitioner, ["directory_user"], password=PASSWORD)
        _fail(s, "hoy")
        _fail(s, "gp", lambda: datetime.now(UTC) - timedelta(hours=2))
    yield cli
    if request.param == "neo4j":
        with open_store(config) as s:
            wipe(s)


def _shown(moment: datetime) -> str:
    """The minute by which a lock-out that ends at ``moment`` has ended."""
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def test_the_listing_says_who_is_locked_out_now_and_until_when(cli: Cli) -> None:
    before = datetime.now(UTC)
    listed = cli.listed()
    hoy, gp, admin = listed["hoy"], listed["gp"], listed["admin"]
    assert (hoy["locked"], hoy["failures"]) == (True, accounts.MAX_FAILURES)
    until = datetime.fromisoformat(hoy["locked_until"])
    assert before < until <= before + accounts.LOCKOUT
    # The lock-out that has ended is not one: sign-in no longer refuses for it.
    assert (gp["locked"], gp["locked_until"], gp["failures"]) == (False, None, 5)
    assert (admin["locked"], admin["locked_until"], admin["failures"]) == (False, None, 0)

    code, out, _ = cli.run("accounts", "list")
    assert code == exits.OK
    lines = out.splitlines()
    assert lines and all(len(line) <= 80 for line in lines), [x for x in lines if len(x) > 80]
    assert "…" not in out
    # The state column, its lines read in order (a cell wraps at spaces).
    states = " ".join(line.split("│")[-2].strip() for line in lines if line.count("│") == 5)
    assert f"active locked out until {_shown(until)}" in states
    assert "active 5 failed sign-ins" in states
    assert states.count("locked out") == 1

    code, out, _ = cli.run("accounts", "list", "--csv")
    assert code == exits.OK
    rows = {row["account_id"]: row for row in csv.DictReader(io.StringIO(out))}
    assert rows["hoy"]["locked_until"] == hoy["locked_until"]
    assert rows["gp"]["locked_until"] == "" and rows["gp"]["failures"] == "5"


def test_unlock_ends_a_lock_out_and_is_audited(cli: Cli) -> None:
    code, out, err = cli.run("accounts", "unlock", "hoy")
    assert code == exits.OK, err
    assert "hoy is unlocked" in out
    hoy = cli.listed()["hoy"]
    assert (hoy["locked"], hoy["locked_until"], hoy["failures"]) == (False, None, 0)
    with open_store(cli.config) as s:
        last = list(audit.entries(s))[-1]
    assert (last.outcome, last.path, last.channel) == ("account_unlocked", "accounts", "cli")
    assert cli.run("accounts", "unlock", "nobody")[0] == exits.NOT_FOUND


def test_reset_shows_the_new_secret_once_and_is_audited(cli: Cli) -> None:
    # hoy is locked out and lost the authenticator: re-enrolled with a new password.
    result = runner.invoke(
        app,
        ["accounts", "reset", "hoy", "--password-stdin", "--json", *cli.args],
        input="a new passphrase to keep\n",
        env=cli.env,
    )
    assert result.exit_code == exits.OK, result.stderr
    made = json.loads(result.stdout)
    assert made["account_id"] == "hoy" and made["totp_uri"].startswith("otpauth://totp/")
    hoy = cli.listed()["hoy"]
    assert (hoy["locked"], hoy["failures"]) == (False, 0)
    with open_store(cli.config) as s:
        code = accounts.current_code(made["totp_secret"])
        assert accounts.sign_in(s, "hoy", "a new passphrase to keep", code).id == "hoy"
        last = [e for e in audit.entries(s) if e.outcome == "account_reset"][-1]
    assert (last.path, last.channel, last.detail) == (
        "accounts",
        "cli",
        "new security-code secret, new password",
    )
    code, out, _ = cli.run("accounts", "reset", "admin")
    assert code == exits.OK and out.startswith("admin is re-enrolled; its sessions have ended.")
    assert "TOTP secret (shown once; add it to an authenticator app):" in out
    assert cli.run("accounts", "reset", "nobody")[0] == exits.NOT_FOUND


def test_create_reads_the_first_password_from_stdin_and_shows_the_secret_once(
    cli: Cli,
) -> None:
    argv = ["accounts", "create", "midwife", "--practitioner", "PR-MIDWIFE"]
    result = runner.invoke(
        app,
        [*argv, "--role", "directory_user", "--password-stdin", "--json", *cli.args],
        input=f"{PASSWORD}\n",
        env=cli.env,
    )
    assert result.exit_code == exits.OK, result.stderr
    made = json.loads(result.stdout)
    assert (made["account_id"], made["practitioner_id"], made["roles"]) == (
        "midwife",
        "PR-MIDWIFE",
        ["directory_user"],
    )
    with open_store(cli.config) as s:
        code = accounts.current_code(made["totp_secret"])
        assert accounts.sign_in(s, "midwife", PASSWORD, code).practitioner_id == "PR-MIDWIFE"
    # a short password is refused before anything is written
    short = runner.invoke(
        app,
        ["accounts", "create", "gp2", "--practitioner", "PR-GP", "--role", "directory_user",
         "--password-stdin", *cli.args],
        input="short\n",
        env=cli.env,
    )  # fmt: skip
    assert short.exit_code == exits.INVALID_INPUT and "characters" in short.stderr
    assert "gp2" not in cli.listed()
