"""The access log against someone with write access to the database but not its key:
each kind of change given to ``audit verify`` on both engines, with the exact entry it
names and the memory it takes; and what each entry now stores (flags, read path,
channel) under its MAC."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import rewrite_log, same_answer
from tacgraph import audit
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.errors import StoreError
from tacgraph.store import Store
from tacgraph.store.embedded import EmbeddedStore

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
KEY = "5a" * 32
Log = list[dict[str, Any]]


@pytest.fixture(autouse=True)
def log_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """One MAC key for both engines (their entries then match) and a checkpoint after
    every append, so the witness always names the newest entry."""
    monkeypatch.setenv("TACGRAPH_LOG_KEY", KEY)
    monkeypatch.setenv("TACGRAPH_LOG_CHECKPOINT_EVERY", "1")


def clock() -> datetime:
    return AT


def pending(i: int, **kw: Any) -> audit.Pending:
    return audit.Pending(
        "PR-HOY", f"CH-{i}", "TAC meeting", date(2026, 11, 23), "disclosed", [f"x:{i}"], [], **kw
    )


def six(store: Store) -> Log:
    """A log of six entries, written as three lookups; the entries as stored."""
    for batch in ([1, 2], [3], [4, 5, 6]):
        audit.append_many(store, [pending(i) for i in batch], clock=clock)
    return [e.model_dump() for e in audit.entries(store)]


def set_head(store: Store, seq: int, mac: str) -> None:
    store.run("MATCH (h:AuditHead) SET h.seq = $seq, h.hash = $hash", {"seq": seq, "hash": mac})


def sha_chain(log: Log) -> Log:
    """The log rewritten by someone without the key: chained with plain SHA-256."""
    prev = audit.GENESIS
    for entry in log:
        entry["purpose"] = "nothing to see"
        entry["prev_hash"] = prev
        entry["hash"] = prev = audit.entry_hash(entry, prev)
    return log


def guessed_key_chain(log: Log) -> Log:
    """The log rewritten with a MAC under a key the forger made up, and its own id."""
    prev = audit.GENESIS
    for entry in log:
        entry["prev_hash"] = prev
        entry["hash"] = prev = audit.entry_mac(b"guess" * 8, entry, prev)
    return log


def _modify(s: Store, log: Log) -> None:
    log[2]["purpose"] = "safeguarding"  # the MAC kept as it was
    rewrite_log(s, log)


def _delete(s: Store, log: Log) -> None:
    rewrite_log(s, log[:2] + log[3:])


def _insert(s: Store, log: Log) -> None:
    forged = dict(log[2], requester_id="PR-FORGER", prev_hash=log[1]["hash"])
    forged["hash"] = audit.entry_hash(forged, log[1]["hash"])
    for entry in log[2:]:
        entry["seq"] += 1
    rewrite_log(s, [*log[:2], forged, *log[2:]])


def _reorder(s: Store, log: Log) -> None:
    log[1]["seq"], log[2]["seq"] = 3, 2
    rewrite_log(s, [log[0], log[2], log[1], *log[3:]])


def _cut_tail(s: Store, log: Log) -> None:
    rewrite_log(s, log[:4])


def _cut_tail_head_back(s: Store, log: Log) -> None:
    rewrite_log(s, log[:4])
    set_head(s, 4, log[3]["hash"])


def _delete_head(s: Store, log: Log) -> None:
    s.run("MATCH (h:AuditHead) DELETE h")


def _delete_head_and_tail(s: Store, log: Log) -> None:
    rewrite_log(s, log[:4])
    s.run("MATCH (h:AuditHead) DELETE h")


def _delete_everything(s: Store, log: Log) -> None:
    rewrite_log(s, [])
    s.run("MATCH (h:AuditHead) DELETE h")


def _rewrite_without_key(s: Store, log: Log) -> None:
    forged = sha_chain(log)
    rewrite_log(s, forged)
    set_head(s, 6, forged[-1]["hash"])


def _rewrite_guessed_key(s: Store, log: Log) -> None:
    forged = guessed_key_chain(log)
    rewrite_log(s, forged)
    set_head(s, 6, forged[-1]["hash"])


def _null_field(s: Store, log: Log) -> None:
    s.run("MATCH (e:AuditEntry) WHERE e.seq = 4 SET e.requester_id = NULL")


def _null_lists(s: Store, log: Log) -> None:
    s.run("MATCH (e:AuditEntry) WHERE e.seq = 2 SET e.disclosed = NULL, e.hash = NULL")


def _huge_seq(s: Store, log: Log) -> None:
    log[5]["seq"] = 50_000_000
    rewrite_log(s, log)


def _huge_seq_added(s: Store, log: Log) -> None:
    forged = dict(log[5], seq=50_000_000, prev_hash=log[5]["hash"])
    forged["hash"] = audit.entry_hash(forged, log[5]["hash"])
    rewrite_log(s, [*log, forged])


CP = "the checkpoint of T"
# What verify says of a log rewritten by anyone without the key, guessing or not.
REWRITTEN = [
    (
        1,
        "modified",
        "entries 1 to 6: their fields do not match their MACs (rewritten without the key)",
    ),
    (6, "modified", f"it is not the entry {CP} records"),
]
# Each change, with the whole report verify must give: (entry named, kind, detail).
CHANGES: list[tuple[str, Callable[[Store, Log], None], list[tuple[int, str, str]]]] = [
    ("modify", _modify, [(3, "modified", "its fields do not match its MAC")]),
    ("delete", _delete, [(3, "deleted", "entry 3 is missing before entry 4")]),
    ("insert", _insert, [(3, "inserted", "entry 4 follows entry 2")]),
    (
        "reorder",
        _reorder,
        [(2, "reordered", "it follows entry 3, which comes later")],
    ),
    (
        "cut tail",
        _cut_tail,
        [(5, "deleted", f"entries 5 to 6 are missing from the end: {CP} records entry 6")],
    ),
    (
        "cut tail, head moved back",
        _cut_tail_head_back,
        [
            (5, "deleted", f"entries 5 to 6 are missing from the end: {CP} records entry 6"),
            (6, "deleted", "the log's head was moved back from entry 6 to entry 4"),
        ],
    ),
    ("delete head", _delete_head, [(6, "deleted", "the log's head is missing")]),
    (
        "delete head and the last entries",
        _delete_head_and_tail,
        [
            (5, "deleted", f"entries 5 to 6 are missing from the end: {CP} records entry 6"),
            (6, "deleted", "the log's head is missing"),
        ],
    ),
    (
        "delete head and the whole log",
        _delete_everything,
        [
            (1, "deleted", f"entries 1 to 6 are missing from the end: {CP} records entry 6"),
            (6, "deleted", "the log's head is missing"),
        ],
    ),
    ("rewrite without the key", _rewrite_without_key, REWRITTEN),
    ("rewrite with a guessed key", _rewrite_guessed_key, REWRITTEN),
    ("null field", _null_field, [(4, "modified", "its requester_id is missing")]),
    ("null list and MAC", _null_lists, [(2, "modified", "its disclosed, hash are missing")]),
    (
        "huge seq",
        _huge_seq,
        [(6, "deleted", "entries 6 to 49999999 are missing before entry 50000000")],
    ),
    (
        "huge seq added",
        _huge_seq_added,
        [
            (7, "deleted", "entries 7 to 49999999 are missing before entry 50000000"),
            (
                50_000_000,
                "inserted",
                "entries after 6, the newest the log's head records, were added outside tacgraph",
            ),
        ],
    ),
]


def _report(store: Store) -> tuple[list[tuple[int, str, str]], bool, int]:
    """verify's problems (a checkpoint's time as T), whether it said ok, and the peak
    memory it took."""
    tracemalloc.start()
    try:
        report = audit.verify(store)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    problems = [
        (p.seq, p.kind, re.sub(r"checkpoint of \S+", "checkpoint of T", p.detail))
        for p in report.problems
    ]
    return problems, report.ok, peak


@pytest.mark.parametrize(
    ("change", "expected"), [c[1:] for c in CHANGES], ids=[c[0] for c in CHANGES]
)
def test_verify_names_the_exact_entry_of_each_change(
    both: dict[str, Store],
    change: Callable[[Store, Log], None],
    expected: list[tuple[int, str, str]],
) -> None:
    peaks: list[int] = []

    def changed(store: Store) -> list[tuple[int, str, str]]:
        log = six(store)
        intact, ok, _ = _report(store)
        assert (intact, ok) == ([], True)
        change(store, log)
        problems, ok, peak = _report(store)
        assert not ok
        assert all(len(detail) < 200 for _, _, detail in problems)
        peaks.append(peak)
        return problems

    assert same_answer(both, changed) == expected
    # Bounded: a seq of 50,000,000 allocates nothing by seq (a page of entries at most).
    assert max(peaks) < 8_000_000, peaks


def test_the_access_report_reads_a_null_field_without_a_traceback(both: dict[str, Store]) -> None:
    def read(store: Store) -> list[tuple[int, str, list[str]]]:
        six(store)
        store.run("MATCH (e:AuditEntry) WHERE e.seq = 2 SET e.purpose = NULL, e.bases = NULL")
        return [(e.seq, e.purpose, e.bases) for e in audit.entries(store)][:3]

    assert same_answer(both, read) == [(1, "TAC meeting", []), (2, "", []), (3, "TAC meeting", [])]


def test_a_neo4j_entry_with_no_number_is_counted(both: dict[str, Store]) -> None:
    """Neo4j can hold an entry whose number is missing or text; no page reads it, the
    count does. (LadybugDB's key cannot be NULL.)"""
    store = both["neo4j"]
    six(store)
    store.run("MATCH (e:AuditEntry) WHERE e.seq = 6 SET e.seq = 'six'")
    report = audit.verify(store)
    assert [(p.seq, p.kind, p.detail[:40]) for p in report.problems] == [
        (6, "deleted", "entry 6 is missing from the end: the che"),
        (0, "inserted", "1 entry has no sequence number that orde"),
    ]


def test_flags_path_and_channel_are_stored_under_the_mac(both: dict[str, Store]) -> None:
    def stored(store: Store) -> list[tuple[list[str], str, str]]:
        audit.append_many(
            store,
            [
                pending(1, flags=("same_surname", "not_involved", "same_surname")),
                pending(2, path="timeline", channel="web"),
            ],
            clock=clock,
        )
        audit.append(
            store,
            requester_id="PR-HOY",
            child_id="CH-3",
            purpose="check",
            as_of=date(2026, 11, 23),
            outcome="denied",
            disclosed=[],
            bases=[],
            flags=("past_date",),
            path="caf_check",
            channel="api",
            clock=clock,
        )
        assert audit.verify(store).ok
        log = [e.model_dump() for e in audit.entries(store)]
        log[0]["flags"] = ["not_involved"]  # a flag removed after the fact
        rewrite_log(store, log)
        assert [(p.seq, p.kind) for p in audit.verify(store).problems] == [(1, "modified")]
        return [(e.flags, e.path, e.channel) for e in audit.entries(store)]

    assert same_answer(both, stored) == [
        (["not_involved"], "who_else", "cli"),
        ([], "timeline", "web"),
        (["past_date"], "caf_check", "api"),
    ]


def test_the_mac_is_hmac_sha256_over_the_fields_and_the_previous_mac(store: Store) -> None:
    entry = audit.append_many(store, [pending(1, flags=("not_involved",))], clock=clock)[0]
    body = {k: v for k, v in entry.model_dump().items() if k not in ("seq", "prev_hash", "hash")}
    text = audit.GENESIS + "\n" + json.dumps(body, sort_keys=True, separators=(",", ":"))
    mac = hmac.new(bytes.fromhex(KEY), text.encode(), hashlib.sha256).hexdigest()
    assert entry.hash == mac and entry.prev_hash == audit.GENESIS


def test_a_log_with_entries_and_no_key_fails_closed(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    six(store)
    monkeypatch.delenv("TACGRAPH_LOG_KEY")
    audit.log._logs.pop(store, None)
    with pytest.raises(StoreError, match="key is missing"):
        audit.append_many(store, [pending(7)], clock=clock)
    with pytest.raises(StoreError, match="key is missing"):
        audit.verify(store)
    assert [e.seq for e in audit.entries(store)] == [1, 2, 3, 4, 5, 6]


def test_an_append_after_the_head_was_deleted_writes_nothing(store: Store) -> None:
    six(store)
    _delete_head(store, [])
    with pytest.raises(StoreError, match="head is missing"):
        audit.append_many(store, [pending(7)], clock=clock)
    assert len(list(audit.entries(store))) == 6


def test_key_rotation_starts_a_segment_in_the_log_and_the_witness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TACGRAPH_LOG_KEY")
    store = EmbeddedStore(tmp_path / "db")
    store.init_schema()
    try:
        six(store)
        old = list(audit.entries(store))[-1].key_id
        rotation = audit.rotate_key(store, requester_id="PR-IG", clock=clock)
        audit.append_many(store, [pending(8)], clock=clock)
        log = list(audit.entries(store))
        assert (rotation.seq, rotation.key_id, rotation.outcome) == (7, old, audit.KEY_ROTATED)
        assert log[-1].key_id == rotation.detail != old
        assert audit.verify(store).ok
        keys = (tmp_path / "db.audit" / "log.key").read_text().splitlines()
        assert [line.split()[0] for line in keys] == [old, rotation.detail]
        witness = [json.loads(line) for line in (tmp_path / "db.audit" / "witness.jsonl").open()]
        assert (witness[-2]["seq"], witness[-2]["key_id"]) == (7, old)
        # An entry of the new segment MAC'd with the old key (a stolen, retired key):
        dumped = [e.model_dump() for e in log]
        secret = bytes.fromhex(keys[0].split()[1])
        dumped[-1] = dict(dumped[-1], key_id=old, purpose="forged")
        dumped[-1]["hash"] = audit.entry_mac(secret, dumped[-1], dumped[-1]["prev_hash"])
        rewrite_log(store, dumped)
        set_head(store, 8, dumped[-1]["hash"])
        problems = audit.verify(store).problems
        assert (problems[0].seq, problems[0].kind) == (8, "modified")
        assert "no rotation entry started" in problems[0].detail
    finally:
        store.close()


def test_a_checkpoint_is_written_as_the_store_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TACGRAPH_LOG_KEY")
    monkeypatch.setenv("TACGRAPH_LOG_CHECKPOINT_EVERY", "1000")
    store = EmbeddedStore(tmp_path / "db")
    store.init_schema()
    six(store)
    witness = tmp_path / "db.audit" / "witness.jsonl"
    assert not witness.exists()  # fewer than 1,000 entries: none yet
    store.close()
    assert [json.loads(line)["seq"] for line in witness.open()] == [6]
    store = EmbeddedStore(tmp_path / "db")
    try:
        _cut_tail_head_back(store, [e.model_dump() for e in audit.entries(store)])
        assert [(p.seq, p.kind) for p in audit.verify(store).problems] == [
            (5, "deleted"),
            (6, "deleted"),
        ]
    finally:
        store.close()


def _cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_cli_db_init_creates_the_keys_and_verify_pins_its_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TACGRAPH_LOG_KEY")
    db = tmp_path / "db"
    assert _cli("db", "init", "--db", str(db))[0] == exits.OK
    home = tmp_path / "db.audit"
    assert sorted(p.name for p in home.iterdir()) == ["checkpoint.key", "checkpoint.pub", "log.key"]
    assert (home / "log.key").stat().st_mode & 0o077 == 0
    assert not any(p.name.endswith(".key") for p in db.rglob("*"))  # never inside the store
    code, out, _ = _cli("audit", "verify", "--db", str(db), "--json")
    assert (code, json.loads(out)["entries"]) == (exits.OK, 0)
    store = EmbeddedStore(db)
    try:
        six(store)
    finally:
        store.close()
    shipped = tmp_path / "shipped.jsonl"
    shipped.write_bytes((home / "witness.jsonl").read_bytes())
    public = tmp_path / "council.pub"
    public.write_bytes((home / "checkpoint.pub").read_bytes())
    (home / "checkpoint.key").unlink()  # checking needs the public key only
    code, out, err = _cli("audit", "verify", "--db", str(db))
    assert code == exits.OK, err
    assert out.endswith("6 entries checked against the checkpoint of entry 6: intact\n")
    store = EmbeddedStore(db)
    try:
        _cut_tail_head_back(store, [e.model_dump() for e in audit.entries(store)])
    finally:
        store.close()
    (home / "witness.jsonl").write_text("")  # the administrator empties the local witness
    code, _, err = _cli("audit", "verify", "--db", str(db))
    assert code == exits.OK  # nothing left to show the cut: hence shipping the witness
    args = ("audit", "verify", "--db", str(db), "--witness", str(shipped))
    code, out, err = _cli(*args, "--public-key", str(public), "--json")
    assert code == exits.ERROR
    assert [(p["seq"], p["kind"]) for p in json.loads(out)["problems"]] == [
        (5, "deleted"),
        (6, "deleted"),
    ]
    assert err.startswith("Error: the access log is broken at entry 5;")
    forged = tmp_path / "forged.jsonl"
    line = json.loads(shipped.read_text().splitlines()[-1])
    forged.write_text(json.dumps(dict(line, seq=4)) + "\n")
    code, out, _ = _cli(*args[:-1], str(forged), "--public-key", str(public))
    assert code == exits.ERROR
    assert "log: witness: line 1: its signature does not match" in out


def test_the_signing_pair_is_retired_and_the_old_witness_still_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TACGRAPH_LOG_KEY")
    db, home = tmp_path / "db", tmp_path / "db.audit"
    assert _cli("db", "init", "--db", str(db))[0] == exits.OK
    store = EmbeddedStore(db)
    try:
        six(store)
    finally:
        store.close()
    old = tmp_path / "retired"
    old.mkdir()
    for name in ("checkpoint.key", "checkpoint.pub", "witness.jsonl"):
        (home / name).rename(old / name)
    code, out, err = _cli("audit", "checkpoint", "--db", str(db), "--json")
    assert (code, json.loads(out)["seq"]) == (exits.OK, 6), err
    assert (home / "checkpoint.pub").read_bytes() != (old / "checkpoint.pub").read_bytes()
    assert _cli("audit", "verify", "--db", str(db))[0] == exits.OK
    (home / "checkpoint.pub").unlink()  # the old pair's copy checks the old witness
    args = ("--witness", str(old / "witness.jsonl"), "--public-key", str(old / "checkpoint.pub"))
    code, out, err = _cli("audit", "verify", "--db", str(db), *args)
    assert code == exits.OK, err
    assert out.endswith("against the checkpoint of entry 6: intact\n")
    new_witness = ("--witness", str(home / "witness.jsonl"))
    code, out, _ = _cli("audit", "verify", "--db", str(db), *new_witness, *args[2:])
    assert code == exits.ERROR and "its signature does not match" in out
