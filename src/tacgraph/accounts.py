"""Sign-in accounts for the web directory, each bound to one practitioner record.

An account holds an argon2id password hash and a TOTP secret (the second factor), or
the subject of a council's single sign-on (OpenID Connect), and one or more roles:
``directory_user`` (looks children up; the graph still decides whether the practitioner
is trained and authorised), ``ig_officer`` (the access report and verify) and
``account_admin`` (accounts). Accounts are not import data: they live in their own
``Account`` table, created by :func:`init`. Creating, suspending, closing and unlocking
an account, and every refused sign-in, are written to the access log.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypedDict, Unpack
from weakref import WeakKeyDictionary

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tacgraph import audit
from tacgraph.audit import keys as keyring
from tacgraph.errors import InvalidArgument, NotFound, StoreError
from tacgraph.errors import SignInRefused as SignInRefused
from tacgraph.model import Role
from tacgraph.rows.accounts import (
    ACCOUNT_BY_SUBJECT,
    ACCOUNT_CANDIDATES,
    ACCOUNT_CREATE,
    ACCOUNT_GET,
    ACCOUNT_INIT,
    ACCOUNT_LIST,
    ACCOUNT_OFFICERS,
    ACCOUNT_PRACTITIONER,
    ACCOUNT_UPDATE,
    ACCOUNT_USER,
    AccountPractitionerRow,
)
from tacgraph.store.base import Store
from tacgraph.wording import counted, not_known

ROLES = ("directory_user", "ig_officer", "account_admin")
ROLE_NAMES = {
    "directory_user": "directory user",
    "ig_officer": "information governance officer",
    "account_admin": "account administrator",
}
STATES = ("active", "suspended", "closed")
MAX_FAILURES = 5  # consecutive failed sign-ins before the account locks
LOCKOUT = timedelta(minutes=30)
MIN_PASSWORD = 12
ISSUER = "tacgraph"

# argon2id with the library's defaults (RFC 9106's second recommended option).
_hasher = PasswordHasher()
# Verifying against this keeps an unknown account's sign-in as slow as a known one's.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Account:
    id: str
    practitioner_id: str
    roles: tuple[str, ...]
    state: str
    failures: int = 0
    locked_until: str = ""
    session_epoch: int = 0
    oidc_subject: str = ""
    created_at: str = ""
    created_by: str = ""
    password_hash: str = field(default="", repr=False)
    totp_secret: str = field(default="", repr=False)
    totp_last: int = 0

    def has(self, role: str) -> bool:
        return role in self.roles

    def lock_ends(self, now: datetime) -> datetime | None:
        """When the account's lock-out ends, if it is locked out at ``now`` (sign-in
        refuses it until then); None when it is not locked out. A lock that has ended
        stays in ``locked_until`` until the next sign-in or unlock."""
        if not self.locked_until:
            return None
        ends = datetime.fromisoformat(self.locked_until)
        return ends if ends > now else None

    def locked(self, now: datetime) -> bool:
        """Whether sign-in refuses the account at ``now`` for failed sign-ins."""
        return self.lock_ends(now) is not None

    def lock_words(self, now: datetime) -> str:
        """The account's lock-out at ``now`` for its administrator: "locked out until
        2026-11-23 10:31 UTC" (the minute by which it has ended), else how many
        sign-ins in a row have failed ("2 failed sign-ins"), else nothing."""
        ends = self.lock_ends(now)
        if ends is not None:
            ends = ends.astimezone(UTC)
            if ends.second or ends.microsecond:
                ends = ends.replace(second=0, microsecond=0) + timedelta(minutes=1)
            return f"locked out until {ends:%Y-%m-%d %H:%M} UTC"
        return counted(self.failures, "failed sign-in") if self.failures else ""


@dataclass(frozen=True)
class Holder:
    """What a signed-in request needs of its account: the account's standing (no
    secrets), and the name and agency of the practitioner the session names (empty
    when there is no such practitioner)."""

    account: Account
    name: str
    agency: str


@dataclass(frozen=True)
class Created:
    """A new account and what its holder needs once: the TOTP secret and its URI."""

    account: Account
    totp_secret: str
    totp_uri: str


def init(store: Store) -> None:
    """Create the Account table (embedded) or its constraint (Neo4j); idempotent.
    Raises StoreError."""
    store.read(ACCOUNT_INIT)


def _from_row(row: Mapping[str, Any]) -> Account:
    # An account_get row, or an account_list row (no secrets: those read as empty).
    return Account(
        id=str(row["id"]),
        practitioner_id=str(row["practitioner_id"]),
        roles=tuple(row["roles"] or ()),
        state=str(row["state"]),
        failures=int(row.get("failures") or 0),
        locked_until=str(row.get("locked_until") or ""),
        session_epoch=int(row.get("session_epoch") or 0),
        oidc_subject=str(row.get("oidc_subject") or ""),
        created_at=str(row.get("created_at") or ""),
        created_by=str(row.get("created_by") or ""),
        password_hash=str(row.get("password_hash") or ""),
        totp_secret=str(row.get("totp_secret") or ""),
        totp_last=int(row.get("totp_last") or 0),
    )


def get(store: Store, account_id: str) -> Account | None:
    """The account, or None when there is none by that id. Raises StoreError."""
    rows = store.read(ACCOUNT_GET, {"account_id": account_id})
    return _from_row(rows[0]) if rows else None


def holder(store: Store, account_id: str, practitioner_id: str) -> Holder | None:
    """The account and the practitioner ``practitioner_id`` in one read (every signed-in
    request makes it), or None when there is no account by that id. The caller checks
    that the account is bound to ``practitioner_id``. Raises StoreError."""
    rows = store.read(ACCOUNT_USER, {"account_id": account_id, "practitioner_id": practitioner_id})
    if not rows:
        return None
    row = rows[0]
    account = _from_row(row)  # no secrets: those read as empty
    given, family = row["given_name"], row["family_name"]
    name = f"{given} {family}" if given is not None and family is not None else ""
    return Holder(account, name, str(row["agency"] or "") if name else "")


def by_subject(store: Store, subject: str) -> Account | None:
    """The account bound to a single sign-on subject, or None."""
    rows = store.read(ACCOUNT_BY_SUBJECT, {"subject": subject})
    return get(store, str(rows[0]["id"])) if rows else None


def list_accounts(store: Store) -> list[Account]:
    """Every account, by id (no secrets). Raises StoreError."""
    return [_from_row(r) for r in store.read(ACCOUNT_LIST)]


def practitioner(store: Store, practitioner_id: str) -> AccountPractitionerRow | None:
    """The practitioner record an account is (or would be) bound to, with its agency."""
    rows = store.read(ACCOUNT_PRACTITIONER, {"practitioner_id": practitioner_id})
    return rows[0] if rows else None


def _save(store: Store, account: Account) -> None:
    store.read(
        ACCOUNT_UPDATE,
        {
            "account_id": account.id,
            "roles": list(account.roles),
            "password_hash": account.password_hash,
            "totp_secret": account.totp_secret,
            "totp_last": account.totp_last,
            "oidc_subject": account.oidc_subject,
            "state": account.state,
            "failures": account.failures,
            "locked_until": account.locked_until,
            "session_epoch": account.session_epoch,
        },
    )


# TOTP secrets are kept sealed (AES-256-GCM, the account id bound in) under a key kept
# outside the store, beside the access log's keys: someone who copies the store alone
# cannot make an account's security codes.
SECRETS_KEY = "accounts.key"
SEALED = "aesgcm1:"
_secret_keys: WeakKeyDictionary[Store, bytes] = WeakKeyDictionary()


def _secrets_key(store: Store) -> bytes:
    """The key that seals the store's TOTP secrets: TACGRAPH_ACCOUNTS_KEY (hex), else
    ``accounts.key`` in the access log's home, made there (0600) when missing."""
    found = _secret_keys.get(store)
    if found is not None:
        return found
    given = os.environ.get("TACGRAPH_ACCOUNTS_KEY", "").strip()
    if given:
        try:
            key = bytes.fromhex(given)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise StoreError(
                "TACGRAPH_ACCOUNTS_KEY is not 64 hex digits",
                "set it to a 32-byte key in hex, or unset it to use accounts.key",
            )
    else:
        path = keyring.home(store).folder / SECRETS_KEY
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with contextlib.suppress(FileExistsError):  # another worker made it first
                made = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(made, "w") as f:
                    f.write(secrets.token_hex(32) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
        try:
            key = bytes.fromhex(path.read_text().strip())
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"cannot read the accounts key {path}: {exc}",
                "restore accounts.key from a backup of the access log's keys",
            ) from exc
    _secret_keys[store] = key
    return key


def seal(store: Store, account_id: str, secret: str) -> str:
    """A TOTP secret as stored: sealed with the accounts key, bound to the account."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_secrets_key(store)).encrypt(nonce, secret.encode(), account_id.encode())
    return SEALED + base64.b64encode(nonce + sealed).decode()


def unseal(store: Store, account: Account) -> str:
    """The account's TOTP secret. A secret stored before secrets were sealed is read as
    it is (sign-in seals it). Raises StoreError when the key does not open it."""
    stored = account.totp_secret
    if not stored.startswith(SEALED):
        return stored
    raw = base64.b64decode(stored[len(SEALED) :])
    try:
        return AESGCM(_secrets_key(store)).decrypt(raw[:12], raw[12:], account.id.encode()).decode()
    except InvalidTag as exc:
        raise StoreError(
            f"the security-code secret of account {account.id} does not open with the accounts key",
            "restore accounts.key (or TACGRAPH_ACCOUNTS_KEY) that the accounts were made with",
        ) from exc


def _log(
    store: Store,
    actor: str,
    action: str,
    account_id: str,
    *,
    channel: str,
    clock: audit.Clock,
    detail: str = "",
) -> None:
    entry = audit.Pending(
        actor,
        "",
        f"account {action}: {account_id}",
        clock().date(),
        f"account_{action}",
        [],
        [],
        detail,
        path="accounts",
        channel=channel,
    )
    audit.append_many(store, [entry], clock=clock)


class ByOperator(TypedDict, total=False):
    """Who changes an account and how, for its access-log entry; each operator's change
    takes these as keywords, all optional: the ``actor`` (default ``"operator"``), the
    ``channel`` it came through (default ``"cli"``) and the ``clock`` that dates the
    entry (default the system's, :func:`tacgraph.audit.utc_now`)."""

    actor: str
    channel: str
    clock: audit.Clock


def _operator_log(
    store: Store, by: ByOperator, action: str, account_id: str, *, detail: str = ""
) -> None:
    _log(
        store,
        by.get("actor", "operator"),
        action,
        account_id,
        channel=by.get("channel", "cli"),
        clock=by.get("clock", audit.utc_now),
        detail=detail,
    )


def _check_roles(roles: list[str]) -> tuple[str, ...]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise InvalidArgument(
            not_known("role", unknown) if unknown else "no role given",
            f"give one or more of {', '.join(ROLES)}",
        )
    return tuple(dict.fromkeys(roles))


def check_password(password: str) -> None:
    """Raise InvalidArgument for a password too short to keep."""
    if len(password) < MIN_PASSWORD:
        raise InvalidArgument(
            f"the password has {len(password)} characters",
            f"choose one of at least {MIN_PASSWORD} characters (three random words work)",
        )


def create(
    store: Store,
    account_id: str,
    practitioner_id: str,
    roles: list[str],
    *,
    password: str | None = None,
    oidc_subject: str = "",
    **by: Unpack[ByOperator],
) -> Created:
    """Create an active account bound to ``practitioner_id``, with a new TOTP secret
    (returned once, never shown again) and, when given, a password; an account without
    a password signs in only through single sign-on. Audited. Raises InvalidArgument for
    a taken id, an unknown practitioner, an unknown role or a short password."""
    if not account_id or not account_id.replace("-", "").replace(".", "").isalnum():
        raise InvalidArgument(
            f"account id {account_id!r} is not usable",
            "use letters, digits, dots and hyphens (for example j.smith)",
        )
    wanted = _check_roles(roles)
    if practitioner(store, practitioner_id) is None:
        raise InvalidArgument(
            f"practitioner {practitioner_id} is not known",
            "bind the account to a practitioner record that has been imported",
        )
    if get(store, account_id) is not None:
        raise InvalidArgument(f"account {account_id} exists already", "choose another id")
    if oidc_subject and by_subject(store, oidc_subject) is not None:
        raise InvalidArgument(
            f"single sign-on subject {oidc_subject} is bound to another account",
            "check the subject, or close the other account first",
        )
    if password is not None:
        check_password(password)
    secret = pyotp.random_base32()
    now = by.get("clock", audit.utc_now)()
    store.read(
        ACCOUNT_CREATE,
        {
            "account_id": account_id,
            "practitioner_id": practitioner_id,
            "roles": list(wanted),
            "password_hash": _hasher.hash(password) if password is not None else "",
            "totp_secret": seal(store, account_id, secret),
            "oidc_subject": oidc_subject,
            "state": "active",
            "created_at": now.isoformat(timespec="seconds"),
            "created_by": by.get("actor", "operator"),
        },
    )
    _operator_log(store, by, "created", account_id, detail=",".join(wanted))
    account = get(store, account_id)
    assert account is not None
    uri = pyotp.TOTP(secret).provisioning_uri(name=account_id, issuer_name=ISSUER)
    return Created(account, secret, uri)


def _require(store: Store, account_id: str) -> Account:
    account = get(store, account_id)
    if account is None:
        raise NotFound(f"account {account_id} is not known", "check the id ('accounts list')")
    return account


def set_state(
    store: Store,
    account_id: str,
    state: str,
    **by: Unpack[ByOperator],
) -> Account:
    """Suspend (``suspended``), reinstate (``active``) or close (``closed``, for good)
    an account; its sessions end at once. Audited. Raises NotFound, InvalidArgument."""
    if state not in STATES:
        raise InvalidArgument(f"state {state!r} is not known", f"use one of {', '.join(STATES)}")
    account = _require(store, account_id)
    if account.state == "closed" and state != "closed":
        raise InvalidArgument(
            f"account {account_id} is closed", "create a new account for the practitioner"
        )
    action = state if state != "active" else "reinstated"
    return _operate(
        store, account, action, by, state=state, session_epoch=account.session_epoch + 1
    )


def unlock(
    store: Store,
    account_id: str,
    **by: Unpack[ByOperator],
) -> Account:
    """Clear an account's failed sign-ins and lock. Audited. Raises NotFound."""
    account = _require(store, account_id)
    return _operate(store, account, "unlocked", by, failures=0, locked_until="")


def reset(
    store: Store,
    account_id: str,
    *,
    password: str | None = None,
    **by: Unpack[ByOperator],
) -> Created:
    """Re-enrol an account whose holder lost their authenticator or password: a new TOTP
    secret (returned once, as at creation), and the new ``password`` where given; its
    failed sign-ins and lock are cleared and its sessions end. Audited. Raises NotFound,
    or InvalidArgument for a closed account or a short password."""
    account = _require(store, account_id)
    if account.state == "closed":
        raise InvalidArgument(
            f"account {account_id} is closed", "create a new account for the practitioner"
        )
    if password is not None:
        check_password(password)
    secret = pyotp.random_base32()
    renewed = "new security-code secret" + (", new password" if password is not None else "")
    changed = _operate(
        store,
        account,
        "reset",
        by,
        detail=renewed,
        password_hash=_hasher.hash(password) if password is not None else account.password_hash,
        totp_secret=seal(store, account_id, secret),
        totp_last=0,
        failures=0,
        locked_until="",
        session_epoch=account.session_epoch + 1,
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=account_id, issuer_name=ISSUER)
    return Created(changed, secret, uri)


def _operate(
    store: Store,
    account: Account,
    action: str,
    by: ByOperator,
    *,
    detail: str = "",
    **changes: Any,
) -> Account:
    """An operator's change to an account, saved and audited (with ``detail``); returns
    the account as changed."""
    changed = _replace(account, **changes)
    _save(store, changed)
    _operator_log(store, by, action, account.id, detail=detail)
    return changed


def end_sessions(store: Store, account_id: str) -> None:
    """End every session of the account (signing out does this)."""
    account = _require(store, account_id)
    _save(store, _replace(account, session_epoch=account.session_epoch + 1))


def _replace(account: Account, **changes: Any) -> Account:
    fields = {**account.__dict__, **changes}
    return Account(**fields)


def sign_in(
    store: Store,
    account_id: str,
    password: str,
    code: str,
    *,
    channel: str = "web",
    clock: audit.Clock = audit.utc_now,
) -> Account:
    """The account, when the password and the current TOTP code are right and the
    account is active and not locked. A failure counts toward the lock
    (:data:`MAX_FAILURES` in a row lock it for :data:`LOCKOUT`), is written to the
    access log, and raises SignInRefused with the same message whatever was wrong."""
    now = clock()
    account = get(store, account_id)

    def refuse(reason: str, counted: Account | None) -> SignInRefused:
        if counted is not None:
            failures = counted.failures + 1
            locked = (now + LOCKOUT).isoformat() if failures >= MAX_FAILURES else ""
            _save(
                store,
                _replace(counted, failures=failures, locked_until=locked or counted.locked_until),
            )
        _log(
            store,
            account.practitioner_id if account else "unknown",
            "sign_in_refused",
            account_id[:64],
            channel=channel,
            clock=clock,
            detail=reason,
        )
        return SignInRefused(reason)

    if account is None:
        _verify(_DUMMY_HASH, password)
        raise refuse("unknown account", None)
    if account.state != "active":
        raise refuse(f"account {account.state}", None)
    if account.locked(now):
        raise refuse("account locked", None)
    if not account.password_hash or not _verify(account.password_hash, password):
        raise refuse("wrong password", account)
    secret = unseal(store, account)
    step = _totp_step(secret, code, now)
    if step is None or step <= account.totp_last:
        raise refuse("wrong or reused security code", account)
    signed_in = _replace(account, failures=0, locked_until="", totp_last=step)
    if not account.totp_secret.startswith(SEALED):
        signed_in = _replace(signed_in, totp_secret=seal(store, account.id, secret))
    if _hasher.check_needs_rehash(account.password_hash):
        signed_in = _replace(signed_in, password_hash=_hasher.hash(password))
    _save(store, signed_in)
    return signed_in


def _verify(hash_: str, password: str) -> bool:
    try:
        return _hasher.verify(hash_, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step the code belongs to (allowing one step either side for clock
    drift), or None when it is not right."""
    totp = pyotp.TOTP(secret)
    code = code.replace(" ", "")
    if not code.isdigit():
        return None
    step = totp.timecode(now)
    for offset in (0, -1, 1):
        if secrets.compare_digest(totp.generate_otp(step + offset), code):
            return step + offset
    return None


def sign_in_subject(
    store: Store, subject: str, *, channel: str = "web", clock: audit.Clock = audit.utc_now
) -> Account:
    """The active account bound to a single sign-on subject (the identity provider has
    checked the person's factors). Refusals are logged; raises SignInRefused."""
    account = by_subject(store, subject)
    if account is None or account.state != "active" or account.locked(clock()):
        if account is None:
            reason = "no account for the subject"
        else:
            reason = f"account {account.state}" if account.state != "active" else "account locked"
        _log(
            store,
            account.practitioner_id if account else "unknown",
            "sign_in_refused",
            account.id if account else "",
            channel=channel,
            clock=clock,
            detail=reason,
        )
        raise SignInRefused(reason)
    return account


def current_code(secret: str, on: datetime | None = None) -> str:
    """The TOTP code for ``secret`` now (or at ``on``): for demo accounts and tests."""
    totp = pyotp.TOTP(secret)
    return totp.at(on) if on is not None else totp.now()


def today(clock: audit.Clock = audit.utc_now) -> date:
    return clock().date()


def now(clock: audit.Clock = audit.utc_now) -> datetime:
    """The time by the real clock (or ``clock``): the moment a lock-out is judged at."""
    return clock()


@dataclass(frozen=True)
class DemoAccount:
    account_id: str
    practitioner_id: str
    roles: tuple[str, ...]
    password: str
    totp_secret: str


def create_demo(
    store: Store, *, limit: int = 8, clock: audit.Clock = audit.utc_now
) -> list[DemoAccount]:
    """Accounts for a demonstration store: a directory user for each of the ``limit``
    authorised practitioners with the most open cases, the first also an account
    administrator; and an information governance officer's account for each practitioner
    in post whose record holds that role (the access review is theirs alone, as the gate
    decides from the record, not the account). Each has a random password. Accounts that
    exist already are left as they are (and not listed). Audited."""
    wanted: list[tuple[str, list[str]]] = []
    for index, row in enumerate(store.read(ACCOUNT_CANDIDATES, {"limit": limit})):
        wanted.append((row["id"], ["directory_user"] + (["account_admin"] if index == 0 else [])))
    officers = store.read(ACCOUNT_OFFICERS, {"role": Role.INFORMATION_GOVERNANCE_OFFICER.value})
    wanted += [(row["id"], ["ig_officer"]) for row in officers]
    made: list[DemoAccount] = []
    for practitioner_id, roles in wanted:
        account_id = practitioner_id.lower()
        if get(store, account_id) is not None:
            continue
        password = "-".join(secrets.token_hex(3) for _ in range(3))
        created = create(
            store,
            account_id,
            practitioner_id,
            roles,
            password=password,
            actor="demo",
            clock=clock,
        )
        made.append(
            DemoAccount(account_id, practitioner_id, tuple(roles), password, created.totp_secret)
        )
    return made
