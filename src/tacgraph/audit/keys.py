"""Where the access log's keys and witness are kept, outside the store: the MAC key that
chains the entries and the Ed25519 key pair that signs the checkpoints.

The folder (the log's *home*) is, in order: ``StoreConfig.log_dir`` or
``TACGRAPH_LOG_DIR``; beside an embedded store's folder (``tacgraph-data`` has
``tacgraph-data.audit``); for Neo4j, under the user's configuration directory, one folder
per server and database. It holds::

    log.key          MAC keys, one "<key id> <hex>" a line, the newest in use (0600)
    checkpoint.key   the Ed25519 private key that signs checkpoints (PEM, 0600)
    checkpoint.pub   its public key: enough to check the checkpoints (PEM)
    witness.jsonl    the signed checkpoints, one JSON object a line, append only

``TACGRAPH_LOG_KEY`` (hex keys, comma separated, the newest last) or
``TACGRAPH_LOG_KEY_FILE`` (a file as ``log.key``) give the MAC keys instead, and
``TACGRAPH_LOG_WITNESS`` another witness file."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tacgraph.config import StoreConfig, log_home
from tacgraph.errors import StoreError
from tacgraph.store.base import Store

KEY_FILE = "log.key"
SIGNING_KEY = "checkpoint.key"
PUBLIC_KEY = "checkpoint.pub"
WITNESS = "witness.jsonl"
_HEX = re.compile(r"[0-9a-f]{64}")


def key_id(key: bytes) -> str:
    """A key's name in the log: a digest of it that does not reveal it."""
    return hashlib.sha256(b"tacgraph access log key\0" + key).hexdigest()[:16]


@dataclass(frozen=True)
class Home:
    """The files that keep one store's access log honest."""

    folder: Path
    key_file: Path
    key_env: str  # TACGRAPH_LOG_KEY's value, or ""
    witness: Path
    every: int  # a checkpoint every this many entries

    @property
    def signing_key(self) -> Path:
        return self.folder / SIGNING_KEY

    @property
    def public_key(self) -> Path:
        return self.folder / PUBLIC_KEY


def home(store: Store, environ: dict[str, str] | None = None) -> Home:
    """The log's home for ``store`` (see the module's docstring)."""
    env = dict(os.environ) if environ is None else environ
    config = getattr(store, "config", None)
    if not isinstance(config, StoreConfig):
        config = StoreConfig(kind="embedded", db_path=Path(getattr(store, "path", "tacgraph-data")))
    folder = log_home(config, env)
    every = env.get("TACGRAPH_LOG_CHECKPOINT_EVERY") or "100"
    if not every.isdigit() or int(every) < 1:
        raise StoreError(
            f"TACGRAPH_LOG_CHECKPOINT_EVERY is {every[:20]!r}, not a whole number above 0",
            "set it to how many access log entries a checkpoint covers, e.g. 100",
        )
    key_file = env.get("TACGRAPH_LOG_KEY_FILE")
    witness = env.get("TACGRAPH_LOG_WITNESS")
    return Home(
        folder=folder,
        key_file=Path(key_file).expanduser() if key_file else folder / KEY_FILE,
        key_env=env.get("TACGRAPH_LOG_KEY", ""),
        witness=Path(witness).expanduser() if witness else folder / WITNESS,
        every=int(every),
    )


@dataclass
class Keys:
    """The MAC keys by id (oldest first; the last is in use) and the checkpoint key pair
    (the private half absent where only checking is possible)."""

    macs: dict[str, bytes]
    public: Ed25519PublicKey
    private: Ed25519PrivateKey | None = field(default=None, repr=False)

    @property
    def active(self) -> str:
        return next(reversed(self.macs))

    def signer_id(self) -> str:
        return public_key_id(self.public)


def public_key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def exists(where: Home) -> bool:
    """Whether any MAC key is set up for this log."""
    return bool(where.key_env) or where.key_file.exists()


def load(where: Home, *, need_private: bool = True, public: Ed25519PublicKey | None = None) -> Keys:
    """The log's keys (with ``public``, that public key rather than the log's own).
    Raises StoreError when they are missing or unreadable: the caller then writes nothing
    and discloses nothing."""
    macs = _parse_keys(where)
    if not macs:
        raise StoreError(
            f"the access log's key is missing ({where.key_file})",
            "restore it from its backup, or set TACGRAPH_LOG_KEY / TACGRAPH_LOG_KEY_FILE",
        )
    if public is None:
        public = load_public(where.public_key)
    try:
        private = None
        if need_private:
            loaded = serialization.load_pem_private_key(where.signing_key.read_bytes(), None)
            if not isinstance(loaded, Ed25519PrivateKey):
                raise ValueError("not an Ed25519 key")
            private = loaded
    except (OSError, ValueError, TypeError) as exc:
        raise StoreError(
            f"cannot read the access log's checkpoint key in {where.folder}: {exc}",
            "restore checkpoint.key and checkpoint.pub from their backup",
        ) from None
    return Keys(macs, public, private)


def load_public(path: Path) -> Ed25519PublicKey:
    """A checkpoint public key shipped elsewhere. Raises StoreError."""
    try:
        public = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise StoreError(f"cannot read the public key {path}: {exc}", "check the path") from None
    if not isinstance(public, Ed25519PublicKey):
        raise StoreError(f"{path} is not an Ed25519 public key", "check the path")
    return public


def _parse_keys(where: Home) -> dict[str, bytes]:
    if where.key_env:
        texts = [k.strip().lower() for k in where.key_env.split(",") if k.strip()]
        where_said = "TACGRAPH_LOG_KEY"
    else:
        try:
            lines = where.key_file.read_text().splitlines()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise StoreError(
                f"cannot read the access log's key {where.key_file}: {exc.strerror}",
                "check its permissions",
            ) from None
        texts = [ln.split()[-1].lower() for ln in lines if ln.strip() and not ln.startswith("#")]
        where_said = str(where.key_file)
    macs: dict[str, bytes] = {}
    for n, text in enumerate(texts, start=1):
        if not _HEX.fullmatch(text):
            raise StoreError(
                f"key {n} in {where_said} is not 64 hexadecimal digits",
                "restore the key from its backup",
            )
        key = bytes.fromhex(text)
        macs[key_id(key)] = key
    return macs


def create(where: Home) -> Keys:
    """Create the folder, a MAC key (unless one is set in the environment) and the
    checkpoint key pair, each only where missing; return the keys. Raises StoreError."""
    try:
        where.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not where.key_env and not where.key_file.exists():
            key = secrets.token_bytes(32)
            _write_private(where.key_file, f"{key_id(key)} {key.hex()}\n".encode())
        if not where.signing_key.exists():
            private = Ed25519PrivateKey.generate()
            pem = private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            _write_private(where.signing_key, pem)
            public = private.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            where.public_key.write_bytes(public)
    except OSError as exc:
        raise StoreError(
            f"cannot create the access log's keys in {where.folder}: {exc.strerror}",
            "check that the folder is writable, or set TACGRAPH_LOG_DIR",
        ) from None
    return load(where)


def add_key(where: Home) -> str:
    """Append a new MAC key to the key file (the old ones stay, to check the entries they
    chained); return its id. Raises StoreError when the keys come from the environment."""
    if where.key_env:
        raise StoreError(
            "the access log's keys come from TACGRAPH_LOG_KEY",
            "append a new key (64 hexadecimal digits) to it, after a comma, and run the "
            "rotation again with the new list",
        )
    key = secrets.token_bytes(32)
    try:
        with where.key_file.open("a") as f:
            f.write(f"{key_id(key)} {key.hex()}\n")
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise StoreError(
            f"cannot add a key to {where.key_file}: {exc.strerror}", "check its permissions"
        ) from None
    return key_id(key)


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def verifies(public: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True
