"""The access log (``log``), the keys that chain it and sign its checkpoints, kept
outside the store (``keys``), the witness file of signed checkpoints (``witness``), and
the check of all three (``verify``). See docs/access-log.md."""

from __future__ import annotations

from tacgraph.audit.log import (
    GENESIS,
    KEY_ROTATED,
    AuditEntry,
    Clock,
    Pending,
    _heads,
    answers,
    append,
    append_many,
    checkpoint,
    ensure_keys,
    entries,
    entry_hash,
    entry_mac,
    rotate_key,
    utc_now,
)
from tacgraph.audit.verify import Tampering, VerifyReport, verify

__all__ = [
    "GENESIS",
    "KEY_ROTATED",
    "AuditEntry",
    "Clock",
    "Pending",
    "Tampering",
    "VerifyReport",
    "_heads",
    "answers",
    "append",
    "append_many",
    "checkpoint",
    "ensure_keys",
    "entries",
    "entry_hash",
    "entry_mac",
    "rotate_key",
    "utc_now",
    "verify",
]
