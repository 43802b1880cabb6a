"""The queue a load keeps its edges and hashes in until every node is written gives back
what it was given, key by key and in order, whether held in memory or on disk."""

from __future__ import annotations

from pathlib import Path

from tacgraph.importer.pending import Pending


def _fill(pending: Pending[str, tuple[str, int]]) -> list[tuple[str, tuple[str, int]]]:
    given = [(key, (key, n)) for n in range(23) for key in ("b", "a", "c")[: 1 + n % 3]]
    for key, item in given:
        pending.add(key, item, weight=2)
    return given


def test_items_come_back_by_key_in_order_and_in_batches(tmp_path: Path) -> None:
    on_disk: Pending[str, tuple[str, int]] = Pending(tmp_path / "q", held=4)
    in_memory: Pending[str, tuple[str, int]] = Pending()
    given = _fill(on_disk)
    _fill(in_memory)
    assert list(on_disk) == list(in_memory) == ["b", "a", "c"]
    assert on_disk.weight == in_memory.weight == 2 * len(given)
    for key in on_disk:
        wanted = [item for k, item in given if k == key]
        batches = list(on_disk.batches(key, 5))
        assert [item for batch in batches for item in batch] == wanted
        assert [len(b) for b in batches[:-1]] == [5] * (len(batches) - 1)
        assert list(in_memory.batches(key, 5)) == batches
    assert sorted(p.name for p in (tmp_path / "q").iterdir()) == [
        "0.pickle",
        "1.pickle",
        "2.pickle",
    ]


def test_no_more_than_held_items_stay_in_memory(tmp_path: Path) -> None:
    pending: Pending[str, int] = Pending(tmp_path / "q", held=10)
    for n in range(95):
        pending.add("k", n)
        assert sum(len(items) for items in pending._items.values()) < 10
    assert [n for batch in pending.batches("k", 7) for n in batch] == list(range(95))
