"""The account administrator's page on both engines: each account's lock-out after
failed sign-ins, as sign-in judges it by the application's clock, and until when;
unlocking it from the page, audited as suspending is."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tacgraph import accounts, audit
from tacgraph.store import Store
from web_helpers import Site


@pytest.fixture
def site(store: Store) -> Site:
    return Site(store)


def _row(page: str, account_id: str) -> str:
    """The accounts table's row of one account, its tags removed and spaces collapsed."""
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page, re.S):
        cells = re.findall(r"<td class=\"govuk-table__cell\">(.*?)</td>", row, re.S)
        if cells and cells[0].strip() == account_id:
            return " ".join(re.sub(r"<[^>]+>", " ", " | ".join(cells)).split())
    raise AssertionError(f"no row for {account_id}")


def test_the_accounts_page_says_who_is_locked_out_and_until_when(site: Site) -> None:
    c = site.client()
    for _ in range(accounts.MAX_FAILURES):
        assert c.sign_in("hoy", password="not the right password").status_code == 400
    ends = site.clock() + accounts.LOCKOUT
    admin = site.client()
    admin.sign_in("admin")
    page = admin.get("/accounts").text
    hoy = _row(page, "hoy")
    stored = accounts.get(site.store, "hoy")
    assert stored is not None and stored.lock_ends(site.clock()) == ends
    # Sign-in refuses it until then; the page gives the minute by which it has ended.
    by = ends.replace(second=0, microsecond=0) + timedelta(minutes=1 if ends.second else 0)
    assert f"| active Locked out until {by:%Y-%m-%d %H:%M} UTC |" in hoy
    assert "Unlock hoy" in hoy
    assert "Locked out" not in _row(page, "gp") and "failed sign-in" not in _row(page, "gp")

    site.clock.step(seconds=accounts.LOCKOUT.total_seconds())  # the lock-out has ended
    admin.sign_in("admin")  # the first session has been idle too long
    hoy = _row(admin.get("/accounts").text, "hoy")
    assert "Locked out" not in hoy and "| active 5 failed sign-ins |" in hoy
    assert c.sign_in("hoy").status_code == 303


def test_unlocking_from_the_page_is_audited_as_suspending_is(site: Site) -> None:
    c = site.client()
    for _ in range(accounts.MAX_FAILURES):
        c.sign_in("hoy", password="not the right password")
    admin = site.client()
    admin.sign_in("admin")
    admin.get("/accounts")
    done = admin.post("/accounts/state", {"account_id": "hoy", "action": "unlock"})
    assert done.status_code == 200 and "Account hoy: unlock done." in done.text
    assert "Locked out" not in _row(done.text, "hoy")
    assert c.sign_in("hoy").status_code == 303
    admin.post("/accounts/state", {"account_id": "gp", "action": "suspend"})
    *_, unlocked, suspended = (
        e
        for e in audit.entries(site.store)
        if e.outcome.startswith("account_") and "sign_in" not in e.outcome
    )
    assert (unlocked.outcome, suspended.outcome) == ("account_unlocked", "account_suspended")
    for entry in (unlocked, suspended):
        assert (entry.requester_id, entry.path, entry.channel) == (
            "PR-TEAM-MANAGER",
            "accounts",
            "web",
        )
