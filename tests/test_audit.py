"""The access log's writes on both engines: what is appended is what is read back, in
order, chained, whatever the shape of the entries (tests/test_lookup.py covers the
lookups that write them and audit verify)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from conftest import same_answer
from tacgraph import audit
from tacgraph.store import Store

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


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
