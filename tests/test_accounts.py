"""Sign-in accounts on both engines: argon2id passwords, TOTP codes, roles, states,
lockout, and every change in the access log."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from conftest import ROBIN, SALLY, load
from tacgraph import accounts, audit
from tacgraph.errors import InvalidArgument, NotFound, StoreError
from tacgraph.store import Store

PASSWORD = "correct horse battery staple"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def step(self, seconds: float = 30) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def ready(store: Store) -> Store:
    load(store, SALLY, ROBIN)
    accounts.init(store)
    return store


def _account(store: Store, clock: Clock, roles: list[str] | None = None) -> accounts.Created:
    return accounts.create(
        store, "hoy", "PR-HOY", roles or ["directory_user"], password=PASSWORD, clock=clock
    )


def test_create_hashes_with_argon2id_and_signs_in_with_a_code(ready: Store) -> None:
    clock = Clock()
    created = _account(ready, clock)
    stored = accounts.get(ready, "hoy")
    assert stored is not None and stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    code = accounts.current_code(created.totp_secret, clock())
    signed = accounts.sign_in(ready, "hoy", PASSWORD, code, clock=clock)
    assert signed.practitioner_id == "PR-HOY" and signed.roles == ("directory_user",)
    assert created.totp_uri.startswith("otpauth://totp/")


def test_a_code_cannot_be_used_twice(ready: Store) -> None:
    clock = Clock()
    created = _account(ready, clock)
    code = accounts.current_code(created.totp_secret, clock())
    accounts.sign_in(ready, "hoy", PASSWORD, code, clock=clock)
    with pytest.raises(accounts.SignInRefused) as refused:
        accounts.sign_in(ready, "hoy", PASSWORD, code, clock=clock)
    assert "reused" in refused.value.reason


@pytest.mark.parametrize("wrong", ["password", "code", "account"])
def test_refusals_say_the_same_and_are_logged(ready: Store, wrong: str) -> None:
    clock = Clock()
    created = _account(ready, clock)
    code = accounts.current_code(created.totp_secret, clock())
    bad_code = f"{(int(code) + 1) % 1_000_000:06d}"
    args = {
        "password": ("hoy", "not the password at all", code),
        "code": ("hoy", PASSWORD, bad_code),
        "account": ("nobody", PASSWORD, code),
    }[wrong]
    with pytest.raises(accounts.SignInRefused) as refused:
        accounts.sign_in(ready, *args, clock=clock)
    assert str(refused.value).startswith("the account name, password or security code")
    last = list(audit.entries(ready))[-1]
    assert last.outcome == "account_sign_in_refused"


def _locked_out(store: Store, clock: Clock) -> accounts.Created:
    """An account that has just failed to sign in as often as it may."""
    created = _account(store, clock)
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(store, "hoy", "wrong password here", "000000", clock=clock)
    return created


def test_lockout_after_five_failures_then_unlock(ready: Store) -> None:
    clock = Clock()
    created = _locked_out(ready, clock)
    clock.step()
    code = accounts.current_code(created.totp_secret, clock())
    with pytest.raises(accounts.SignInRefused) as refused:
        accounts.sign_in(ready, "hoy", PASSWORD, code, clock=clock)
    assert refused.value.reason == "account locked"
    accounts.unlock(ready, "hoy", clock=clock)
    assert accounts.sign_in(ready, "hoy", PASSWORD, code, clock=clock).failures == 0


def test_lock_ends_by_itself(ready: Store) -> None:
    clock = Clock()
    created = _locked_out(ready, clock)
    clock.step(accounts.LOCKOUT.total_seconds() + 60)
    code = accounts.current_code(created.totp_secret, clock())
    assert accounts.sign_in(ready, "hoy", PASSWORD, code, clock=clock).id == "hoy"


@pytest.mark.parametrize("state", ["suspended", "closed"])
def test_suspended_and_closed_accounts_cannot_sign_in(ready: Store, state: str) -> None:
    clock = Clock()
    created = _account(ready, clock)
    before = accounts.get(ready, "hoy")
    assert before is not None
    changed = accounts.set_state(ready, "hoy", state, actor="PR-CAF-COORD", clock=clock)
    assert changed.session_epoch == before.session_epoch + 1
    code = accounts.current_code(created.totp_secret, clock())
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(ready, "hoy", PASSWORD, code, clock=clock)
    outcomes = [e.outcome for e in audit.entries(ready)]
    assert "account_created" in outcomes and f"account_{state}" in outcomes


def test_a_closed_account_stays_closed(ready: Store) -> None:
    clock = Clock()
    _account(ready, clock)
    accounts.set_state(ready, "hoy", "closed", clock=clock)
    with pytest.raises(InvalidArgument):
        accounts.set_state(ready, "hoy", "active", clock=clock)


def test_create_refuses_bad_input(ready: Store) -> None:
    clock = Clock()
    _account(ready, clock)
    with pytest.raises(InvalidArgument, match="exists already"):
        _account(ready, clock)
    with pytest.raises(InvalidArgument, match="not known"):
        accounts.create(ready, "x", "PR-NOBODY", ["directory_user"], password=PASSWORD)
    with pytest.raises(InvalidArgument, match="^role 'superuser' is not known"):
        accounts.create(ready, "y", "PR-GP", ["superuser"], password=PASSWORD)
    with pytest.raises(InvalidArgument, match="^no role given"):
        accounts.create(ready, "y", "PR-GP", [], password=PASSWORD)
    with pytest.raises(InvalidArgument, match="characters"):
        accounts.create(ready, "z", "PR-GP", ["directory_user"], password="short")
    with pytest.raises(NotFound):
        accounts.set_state(ready, "nobody", "suspended")
    assert [a.id for a in accounts.list_accounts(ready)] == ["hoy"]


def test_single_sign_on_subject(ready: Store) -> None:
    clock = Clock()
    accounts.create(ready, "gp", "PR-GP", ["directory_user"], oidc_subject="sub-gp", clock=clock)
    assert accounts.sign_in_subject(ready, "sub-gp", clock=clock).id == "gp"
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in_subject(ready, "sub-unknown", clock=clock)
    with pytest.raises(accounts.SignInRefused):  # no password: only single sign-on
        accounts.sign_in(ready, "gp", "any password at all", "000000", clock=clock)


def test_demo_accounts(ready: Store) -> None:
    made = accounts.create_demo(ready, limit=3, clock=Clock())
    assert len(made) == 4
    assert made[0].roles == ("directory_user", "account_admin")
    assert all(m.roles == ("directory_user",) for m in made[1:3])
    # The governance account is the one practitioner whose record holds the role: an
    # account's ig_officer role alone would be refused the access review by the gate.
    assert (made[3].practitioner_id, made[3].roles) == ("PR-IG-OFFICER", ("ig_officer",))
    assert accounts.create_demo(ready, limit=3) == []  # idempotent


def test_totp_secrets_are_sealed_at_rest(ready: Store) -> None:
    clock = Clock()
    created = _account(ready, clock)
    stored = ready.query("account_get", {"account_id": "hoy"})[0]["totp_secret"]
    assert stored != created.totp_secret and created.totp_secret not in stored
    assert stored.startswith(accounts.SEALED)
    # Sealed for this account: moved onto another account it does not open.
    moved = accounts.Account(id="other", practitioner_id="PR-HOY", roles=(), state="active")
    with pytest.raises(StoreError):
        accounts.unseal(ready, dataclasses.replace(moved, totp_secret=stored))
    code = accounts.current_code(created.totp_secret, clock())
    assert accounts.sign_in(ready, "hoy", PASSWORD, code, clock=clock).id == "hoy"


def test_a_secret_stored_plain_is_sealed_at_sign_in(ready: Store) -> None:
    clock = Clock()
    created = _account(ready, clock)
    account = accounts.get(ready, "hoy")
    assert account is not None
    accounts._save(ready, dataclasses.replace(account, totp_secret=created.totp_secret))
    code = accounts.current_code(created.totp_secret, clock())
    accounts.sign_in(ready, "hoy", PASSWORD, code, clock=clock)
    stored = ready.query("account_get", {"account_id": "hoy"})[0]["totp_secret"]
    assert stored.startswith(accounts.SEALED)


def test_a_lock_out_says_until_when_as_sign_in_refuses(ready: Store) -> None:
    clock = Clock()
    _account(ready, clock)
    fresh = accounts.get(ready, "hoy")
    assert fresh is not None and fresh.lock_words(clock()) == ""
    clock.step(15)
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(ready, "hoy", "wrong password here", "000000", clock=clock)
    once = accounts.get(ready, "hoy")
    assert once is not None and once.lock_ends(clock()) is None
    assert once.lock_words(clock()) == "1 failed sign-in"
    for _ in range(accounts.MAX_FAILURES - 1):
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(ready, "hoy", "wrong password here", "000000", clock=clock)
    locked = accounts.get(ready, "hoy")
    assert locked is not None
    # Locked at 10:00:15 for 30 minutes: the lock has ended by 10:31.
    assert locked.lock_ends(clock()) == datetime(2026, 11, 23, 10, 30, 15, tzinfo=UTC)
    assert locked.lock_words(clock()) == "locked out until 2026-11-23 10:31 UTC"
    clock.step(accounts.LOCKOUT.total_seconds() - 1)
    assert locked.locked(clock())
    with pytest.raises(accounts.SignInRefused) as refused:
        accounts.sign_in(ready, "hoy", PASSWORD, "000000", clock=clock)
    assert refused.value.reason == "account locked"
    clock.step(1)  # the moment the lock ends, sign-in no longer refuses for it
    assert locked.lock_ends(clock()) is None
    assert locked.lock_words(clock()) == "5 failed sign-ins"


def test_a_lock_out_on_an_exact_minute_is_shown_as_that_minute(ready: Store) -> None:
    clock = Clock()
    _locked_out(ready, clock)
    locked = accounts.get(ready, "hoy")
    assert locked is not None
    assert locked.lock_words(clock()) == "locked out until 2026-11-23 10:30 UTC"


def test_single_sign_on_refuses_a_locked_out_account_as_locked(ready: Store) -> None:
    clock = Clock()
    accounts.create(ready, "gp", "PR-GP", ["directory_user"], oidc_subject="sub-gp", clock=clock)
    for _ in range(accounts.MAX_FAILURES):  # no password: each try at one counts
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(ready, "gp", "any password at all", "000000", clock=clock)
    with pytest.raises(accounts.SignInRefused) as refused:
        accounts.sign_in_subject(ready, "sub-gp", clock=clock)
    assert refused.value.reason == "account locked"
    last = list(audit.entries(ready))[-1]
    assert (last.outcome, last.detail) == ("account_sign_in_refused", "account locked")


def test_unlocking_is_audited_as_suspending_is(ready: Store) -> None:
    clock = Clock()
    _locked_out(ready, clock)
    accounts.unlock(ready, "hoy", actor="PR-TEAM-MANAGER", channel="web", clock=clock)
    accounts.set_state(
        ready, "hoy", "suspended", actor="PR-TEAM-MANAGER", channel="web", clock=clock
    )
    *_, unlocked, suspended = audit.entries(ready)
    assert unlocked.outcome == "account_unlocked" and suspended.outcome == "account_suspended"
    for entry, action in ((unlocked, "unlocked"), (suspended, "suspended")):
        assert entry.requester_id == "PR-TEAM-MANAGER"
        assert (entry.path, entry.channel, entry.purpose) == (
            "accounts",
            "web",
            f"account {action}: hoy",
        )
    after = accounts.get(ready, "hoy")
    assert after is not None and (after.failures, after.locked_until) == (0, "")
    with pytest.raises(NotFound):
        accounts.unlock(ready, "nobody", clock=clock)


def test_reset_re_enrols_a_holder_who_lost_their_authenticator(ready: Store) -> None:
    clock = Clock()
    old = _account(ready, clock)
    signed = accounts.sign_in(
        ready, "hoy", PASSWORD, accounts.current_code(old.totp_secret, clock()), clock=clock
    )
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(ready, "hoy", "wrong password here", "000000", clock=clock)
    locked = accounts.get(ready, "hoy")
    assert locked is not None and locked.locked(clock())
    clock.step()
    new = accounts.reset(ready, "hoy", password="a new passphrase to keep", clock=clock)
    assert new.totp_secret != old.totp_secret and new.totp_uri.startswith("otpauth://totp/")
    after = accounts.get(ready, "hoy")
    assert after is not None and after.session_epoch > signed.session_epoch
    assert (after.failures, after.locked_until) == (0, "")
    # the old code and the old password no longer sign in; the new ones do
    clock.step()
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(
            ready, "hoy", "a new passphrase to keep",
            accounts.current_code(old.totp_secret, clock()), clock=clock,
        )  # fmt: skip
    clock.step()
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(
            ready, "hoy", PASSWORD, accounts.current_code(new.totp_secret, clock()), clock=clock
        )
    clock.step()
    code = accounts.current_code(new.totp_secret, clock())
    assert accounts.sign_in(ready, "hoy", "a new passphrase to keep", code, clock=clock).id == "hoy"
    reset = [e for e in audit.entries(ready) if e.outcome == "account_reset"]
    assert [e.detail for e in reset] == ["new security-code secret, new password"]
    assert PASSWORD not in str(reset) and new.totp_secret not in str(reset)


def test_reset_keeps_the_password_unless_given_and_refuses_a_closed_account(
    ready: Store,
) -> None:
    clock = Clock()
    _account(ready, clock)
    new = accounts.reset(ready, "hoy", clock=clock)
    code = accounts.current_code(new.totp_secret, clock())
    assert accounts.sign_in(ready, "hoy", PASSWORD, code, clock=clock).id == "hoy"
    with pytest.raises(InvalidArgument, match="characters"):
        accounts.reset(ready, "hoy", password="short", clock=clock)
    with pytest.raises(NotFound):
        accounts.reset(ready, "nobody", clock=clock)
    accounts.set_state(ready, "hoy", "closed", clock=clock)
    with pytest.raises(InvalidArgument, match="closed"):
        accounts.reset(ready, "hoy", clock=clock)
