"""The access log's writes on both engines: what is appended is what is read back, in
order, chained, whatever the shape of the entries (tests/test_lookup.py covers the
lookups that write them and audit verify)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from conftest import rewrite_log, same_answer
from tacgraph import audit
from tacgraph.store import Store

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def one_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same MAC key for both engines, so that their entries (MACs included) match."""
    monkeypatch.setenv("TACGRAPH_LOG_KEY", "4b" * 32)


def clock() -> datetime:
    return AT


def pending(child: str, disclosed: list[str], bases: list[str], **kw: str) -> audit.Pending:
    return audit.Pending(
        kw.get("requester", "PR-HOY"),
        child,
        kw.get("purpose", "case list"),
        date.fromisoformat(kw.get("as_of", "2026-11-23")),
        kw.get("outcome", "disclosed"),
        disclosed,
        bases,
        kw.get("detail", ""),
    )


# Batches as a case list writes them: every list empty (a denial: LadybugDB types such a
# list of lists only when told), lists empty and not, one entry alone (written from
# scalars), and entries that differ in every field.
BATCHES = [
    [pending("CH-A", [], [], outcome="denied"), pending("CH-B", [], [], outcome="denied")],
    [
        pending("CH-A", ["involvement:IN-2", "involvement:IN-1"], []),
        pending("CH-B", [], ["SB-1", "SB-1"]),
        pending("CH-C", [], [], outcome="unknown_child", detail="no child with this id"),
    ],
    [pending("CH-D", ["contact:PR-9"], ["CO-1"])],
    [
        pending("CH-É", ["family:FM-1"], ["CO-2", "SB-2"], requester="PR-Ø", purpose="TAC ✓"),
        pending("CH-F", ["team:TM-1"], [], as_of="2025-01-31", purpose="review", detail="x"),
    ],
]


def test_what_is_appended_is_read_back_in_order_and_chained(both: dict[str, Store]) -> None:
    def write_and_read(store: Store) -> list[audit.AuditEntry]:
        written = [e for batch in BATCHES for e in audit.append_many(store, batch, clock=clock)]
        log = list(audit.entries(store))
        assert log == written
        assert audit.verify(store).ok
        return log

    log = same_answer(both, write_and_read)
    assert [e.seq for e in log] == list(range(1, 9))
    assert [e.child_id for e in log] == [
        "CH-A",
        "CH-B",
        "CH-A",
        "CH-B",
        "CH-C",
        "CH-D",
        "CH-É",
        "CH-F",
    ]
    assert log[2].disclosed == ["involvement:IN-1", "involvement:IN-2"]  # sorted
    assert log[3].bases == ["SB-1"]  # once each
    assert (log[6].requester_id, log[6].purpose, log[6].bases) == (
        "PR-Ø",
        "TAC ✓",
        ["CO-2", "SB-2"],
    )
    assert (log[7].as_of, log[7].detail) == ("2025-01-31", "x")
    assert all(e.prev_hash == p.hash for p, e in zip(log, log[1:], strict=False))


def test_single_appends_of_every_shape_in_turn_are_read_back(both: dict[str, Store]) -> None:
    """One entry at a time (audit_append_one, from scalars), its lists empty and not in
    turn: LadybugDB prepares a statement for the types of its parameters, and an entry
    must never be written through one prepared for other types."""
    shapes = [
        pending("CH-A", [], [], outcome="denied", detail="no"),
        pending("CH-B", ["involvement:IN-1"], ["SB-1"]),
        pending("CH-C", [], ["CO-1"]),
        pending("CH-D", ["contact:PR-9", "family:FM-1"], []),
        pending("CH-E", [], [], outcome="denied"),
        pending("CH-F", ["team:TM-1"], ["CO-2", "SB-2"]),
    ]

    def write_and_read(store: Store) -> list[audit.AuditEntry]:
        written = [audit.append_many(store, [item], clock=clock)[0] for item in shapes * 2]
        assert list(audit.entries(store)) == written
        assert audit.verify(store).ok
        return written

    log = same_answer(both, write_and_read)
    assert [(e.disclosed, e.bases) for e in log[:6]] == [
        ([], []),
        (["involvement:IN-1"], ["SB-1"]),
        ([], ["CO-1"]),
        (["contact:PR-9", "family:FM-1"], []),
        ([], []),
        (["team:TM-1"], ["CO-2", "SB-2"]),
    ]


Log = list[dict[str, Any]]


def _renumber(log: Log) -> Log:
    for seq, entry in enumerate(log, start=1):
        entry["seq"] = seq
    return log


def _forge(entry: dict[str, Any], prev_hash: str) -> dict[str, Any]:
    forged = dict(entry, requester_id="PR-FORGER", prev_hash=prev_hash)
    forged["hash"] = audit.entry_hash(forged, prev_hash)  # all a forger without the key has
    return forged


# Tamperings of a log of six entries, each with the whole report verify must give.
TAMPERINGS: list[tuple[str, Callable[[Log], Log], list[tuple[int, str, str]]]] = [
    (
        "an entry removed and the rest renumbered",
        lambda log: _renumber(log[:2] + log[3:]),
        # (the head names the newest entry by its MAC, renumbered or not: only the gap)
        [(3, "deleted", "the entry it follows is missing")],
    ),
    (
        "an entry moved three places back, numbers kept in order",
        lambda log: _renumber([log[0], log[2], log[3], log[1], log[4], log[5]]),
        [
            (2, "reordered", "it follows entry 4, which comes later"),
            (4, "reordered", "it follows entry 1, not the one before it"),
        ],
    ),
    (
        "a forged entry added after the newest",
        lambda log: [*log, dict(_forge(log[5], log[5]["hash"]), seq=7)],
        [
            (
                7,
                "inserted",
                "entries after 6, the newest the log's head records, were added outside tacgraph",
            )
        ],  # (not also named for its MAC: an entry added outside tacgraph has none)
    ),
    (
        "the newest entry rewritten with a hash of its own",
        lambda log: [*log[:5], _forge(log[5], log[5]["prev_hash"])],
        [
            (6, "modified", "its fields do not match its MAC"),
            (6, "modified", "its MAC differs from the one the head records"),
        ],
    ),
    (
        "an entry rewritten as if it were the first",
        lambda log: [*log[:3], _forge(log[3], audit.GENESIS), *log[4:]],
        # (entry 5 still names the true entry 4 before it: it is not named itself)
        [
            (4, "modified", "its fields do not match its MAC"),
            (4, "modified", "it claims to be the first entry"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("tamper", "expected"), [t[1:] for t in TAMPERINGS], ids=[t[0] for t in TAMPERINGS]
)
def test_verify_names_each_tampering_in_full(
    both: dict[str, Store], tamper: Callable[[Log], Log], expected: list[tuple[int, str, str]]
) -> None:
    def tampered(store: Store) -> list[tuple[int, str, str]]:
        audit.append_many(store, [pending(f"CH-{i}", [f"x:{i}"], []) for i in range(6)])
        rewrite_log(store, tamper([e.model_dump() for e in audit.entries(store)]))
        return [(p.seq, p.kind, p.detail) for p in audit.verify(store).problems]

    assert same_answer(both, tampered) == expected
