"""Signed checkpoints of the access log, written outside the store: each names the newest
entry's sequence number and MAC, signed with the log's Ed25519 key. The witness file is
JSON Lines, only ever appended to, so a council can ship it (and the public key) to
somewhere an administrator of the store cannot reach."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tacgraph.audit.keys import Keys, public_key_id, verifies
from tacgraph.errors import StoreError

# A line longer than this is not a checkpoint; reading stops there (bounded memory).
MAX_LINE = 4096


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    mac: str
    key_id: str  # the MAC key the entry was chained with
    at: str
    line: int = 0  # its line in the witness file


def _message(seq: int, mac: str, key: str, at: str, signer: str) -> bytes:
    body = {"seq": seq, "mac": mac, "key_id": key, "at": at, "signer": signer}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def write(path: Path, keys: Keys, seq: int, mac: str, key: str, *, sync: bool = False) -> None:
    """Append one signed checkpoint. Raises StoreError when the file cannot be written."""
    if keys.private is None:
        raise StoreError("no checkpoint key to sign with", "restore checkpoint.key")
    at = datetime.now(UTC).isoformat(timespec="seconds")
    signer = keys.signer_id()
    signature = keys.private.sign(_message(seq, mac, key, at, signer))
    record = {
        "seq": seq,
        "mac": mac,
        "key_id": key,
        "at": at,
        "signer": signer,
        "sig": base64.b64encode(signature).decode(),
    }
    try:
        with path.open("a") as f:
            f.write(json.dumps(record, separators=(",", ":")) + "\n")
            if sync:
                f.flush()
                os.fsync(f.fileno())
    except OSError as exc:
        raise StoreError(
            f"cannot write the access log's checkpoint to {path}: {exc.strerror}",
            "check that the witness file's folder exists and is writable",
        ) from None


@dataclass(frozen=True)
class BadLine:
    line: int
    why: str


def read(path: Path, public: Ed25519PublicKey) -> Iterator[Checkpoint | BadLine]:
    """Each line of the witness: a checkpoint whose signature holds, or why it is not
    one. A missing file has no lines. Reads a line at a time, at most MAX_LINE
    characters each."""
    try:
        f = path.open(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(
            f"cannot read the witness {path}: {exc.strerror}", "check its permissions"
        ) from None
    signer = public_key_id(public)
    with f:
        n = 0
        while True:
            text = f.readline(MAX_LINE + 1)
            if not text:
                return
            n += 1
            if len(text) > MAX_LINE and not text.endswith("\n"):
                yield BadLine(n, f"it is longer than {MAX_LINE:,} characters")
                while text and not text.endswith("\n"):  # skip the rest of the line
                    text = f.readline(MAX_LINE + 1)
                continue
            if not text.strip():
                continue
            yield _checked(text, n, public, signer)


def _checked(text: str, n: int, public: Ed25519PublicKey, signer: str) -> Checkpoint | BadLine:
    try:
        record = json.loads(text)
        seq, mac, key, at = record["seq"], record["mac"], record["key_id"], record["at"]
        signature = base64.b64decode(record["sig"], validate=True)
        said_signer = record["signer"]
    except (ValueError, KeyError, TypeError):
        return BadLine(n, "it is not a checkpoint")
    if not (isinstance(seq, int) and all(isinstance(v, str) for v in (mac, key, at, said_signer))):
        return BadLine(n, "it is not a checkpoint")
    if said_signer != signer or not verifies(
        public, signature, _message(seq, mac, key, at, said_signer)
    ):
        return BadLine(n, "its signature does not match the log's checkpoint key")
    return Checkpoint(seq, mac, key, at, n)


def newest(path: Path, public: Ed25519PublicKey) -> tuple[Checkpoint | None, list[BadLine]]:
    """The checkpoint of the highest sequence number whose signature holds (the last
    such line on a tie), and the first lines that are not checkpoints (up to 20)."""
    best: Checkpoint | None = None
    bad: list[BadLine] = []
    for item in read(path, public):
        if isinstance(item, BadLine):
            if len(bad) < 20:
                bad.append(item)
        elif best is None or item.seq >= best.seq:
            best = item
    return best, bad


def has_any(path: Path) -> bool:
    """Whether the witness holds any line (checked or not)."""
    try:
        with path.open("rb") as f:
            return bool(f.read(1))
    except OSError:
        return False
