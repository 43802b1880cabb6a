"""The account administrator's page on both engines: each account's lock-out after
failed sign-ins, as sign-in judges it by the application's clock, and until when;
unlocking it from the page, audited as suspending is."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tacgraph import accounts, audit
from tacgraph.store import Store
from web_helpers import PASSWORD, Site

ADMIN = "PR-TEAM-MANAGER"  # the practitioner of the site's account administrator


@pytest.fixture
def site(store: Store) -> Site:
    return Site(store)


def _by_the_admin_on_the_web(entry: audit.AuditEntry) -> tuple[str, str]:
    """The entry's outcome, and whether the administrator made it on the page."""
    made = (entry.requester_id, entry.path, entry.channel)
    return entry.outcome, "by the admin on the web" if made == (ADMIN, "accounts", "web") else ""


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
    until = f"Locked out until {by:%Y-%m-%d %H:%M} UTC"
    assert hoy.startswith(f"hoy | Helen Okafor (PR-HOY) | directory user | active {until} |")
    # Names and roles in words, as the command line's listing gives them.
    assert _row(page, "ig").startswith(
        "ig | Joan Whitfield (PR-IG-OFFICER) | information governance officer | active |"
    )
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
    assert [_by_the_admin_on_the_web(e) for e in (unlocked, suspended)] == [
        ("account_unlocked", "by the admin on the web"),
        ("account_suspended", "by the admin on the web"),
    ]


def test_an_account_is_created_from_the_page_with_the_roles_it_offers(site: Site) -> None:
    admin = site.client()
    admin.sign_in("admin")
    page = admin.get("/accounts").text
    offered = re.findall(r'<input class="govuk-checkboxes__input"[^>]*name="roles"[^>]*>', page)
    values = [re.search(r'value="([^"]+)"', box).group(1) for box in offered]  # type: ignore[union-attr]
    assert values == list(accounts.ROLES)
    made = admin.post(
        "/accounts/create",
        {
            "account_id": "midwife",
            "practitioner_id": "PR-MIDWIFE",
            "password": PASSWORD,
            "roles": [values[0]],
        },
    )
    assert made.status_code == 200 and "Account midwife created" in made.text
    created = accounts.get(site.store, "midwife")
    assert created is not None and created.roles == ("directory_user",)
    last = list(audit.entries(site.store))[-1]
    assert _by_the_admin_on_the_web(last) == ("account_created", "by the admin on the web")


def test_a_new_security_code_secret_is_issued_from_the_page_once(site: Site) -> None:
    # hoy lost the phone with the authenticator: the old codes stop, the new secret is
    # shown once, the password stays.
    admin = site.client()
    admin.sign_in("admin")
    page = admin.get("/accounts").text
    assert "New security code for hoy" in _row(page, "hoy")
    done = admin.post("/accounts/state", {"account_id": "hoy", "action": "reset"})
    assert done.status_code == 200 and "Account hoy has a new security-code secret" in done.text
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', done.text)
    assert secret is not None and secret.group(1) != site.secrets["hoy"]
    old = site.secrets["hoy"]
    c = site.client()
    assert c.sign_in("hoy").status_code == 400  # the old secret's code
    site.secrets["hoy"] = secret.group(1)
    assert c.sign_in("hoy").status_code == 303
    assert (
        old not in admin.get("/accounts").text
        and secret.group(1) not in admin.get("/accounts").text
    )  # shown once
    reset = [e for e in audit.entries(site.store) if e.outcome == "account_reset"]
    assert [(e.requester_id, e.channel, e.detail) for e in reset] == [
        (ADMIN, "web", "new security-code secret")
    ]
