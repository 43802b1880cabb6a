"""The daily feed: each node keeps the content hash of the record it was written from, so
a later import compares hashes first and writes only the records that changed, on both
engines; a stopped import keeps no hash its edges do not match."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import SALLY
from tacgraph import importer
from tacgraph.errors import InvalidInput, StoreError
from tacgraph.export import canonical_hash
from tacgraph.importer import import_files
from tacgraph.schema import graph_schema
from tacgraph.store import Store
from tacgraph.store.base import ChangeSet
from tacgraph.synth import Synthesiser, write_jsonl


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hash") / "la.jsonl"
    write_jsonl(Synthesiser(80, 13).records(), path)
    return path


class _Watch:
    """What an import asks of the store: the ids compared property by property, and the
    writes it makes (a real store underneath; only counted)."""

    def __init__(self, store: Store) -> None:
        self.compared: list[str] = []
        self.writes: list[ChangeSet] = []
        nodes_by_id, write = store.nodes_by_id, store.write

        def watched_nodes(label: str, ids: Any) -> Any:
            self.compared += list(ids)
            return nodes_by_id(label, ids)

        def watched_write(changes: ChangeSet) -> None:
            if not changes.is_empty():
                self.writes.append(changes)
            write(changes)

        store.nodes_by_id = watched_nodes  # type: ignore[method-assign]
        store.write = watched_write  # type: ignore[method-assign]


def _changed(source: Path, out: Path, every: int) -> set[str]:
    """``source`` with every ``every``-th child's family name changed; their ids."""
    ids: set[str] = set()
    lines = []
    for n, line in enumerate(source.read_text(encoding="utf-8").splitlines()):
        item = json.loads(line)
        if item["type"] == "Child" and n % every == 0:
            item["record"]["family_name"] = "Changed"
            ids.add(item["record"]["id"])
        lines.append(json.dumps(item))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


def test_an_unchanged_file_is_compared_by_hash_and_writes_nothing(
    store: Store, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_files(store, [source])
    before = canonical_hash(store)
    watch = _Watch(store)
    validated: list[Any] = []
    parse = importer.parse

    def counted(raw: Any) -> Any:
        validated.append(raw)
        return parse(raw)

    monkeypatch.setattr(importer, "parse", counted)
    again = import_files(store, [source])
    assert validated == []  # known unchanged by their hashes: not even validated again
    assert watch.compared == [] and watch.writes == []
    assert again.unchanged == again.records_read and again.relationships == 0
    assert canonical_hash(store) == before


def test_a_changed_file_writes_only_its_changed_records(
    store: Store, source: Path, tmp_path: Path
) -> None:
    import_files(store, [source])
    feed = tmp_path / "feed.jsonl"
    changed = _changed(source, feed, every=7)
    assert changed
    watch = _Watch(store)
    report = import_files(store, [feed])
    assert set(watch.compared) == changed
    assert report.updated == {"Child": len(changed)}
    assert report.unchanged == report.records_read - len(changed)
    rows = [row for changes in watch.writes for row in changes.changed_nodes.get("Child", [])]
    assert {row["id"] for row in rows} == changed
    assert all(row["family_name"] == "Changed" for row in rows)
    # and back: the original file restores the original names, and then is unchanged
    import_files(store, [source])
    assert import_files(store, [source]).unchanged == report.records_read


def test_a_feed_of_many_batches_compares_each_with_its_stored_hashes_and_fails_whole(
    store: Store, source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In batches of 50 a feed finds the same changed records as in one, and a read of
    stored hashes failing partway (the third) fails the import with nothing written."""
    import_files(store, [source])
    before = canonical_hash(store)
    feed = tmp_path / "feed.jsonl"
    changed = _changed(source, feed, every=5)
    monkeypatch.setattr(importer, "BATCH", 50)
    node_hashes = store.node_hashes
    asked: list[list[str]] = []

    def failing(label: str, ids: Any) -> Any:
        asked.append(list(ids))
        if len(asked) == 3:
            raise StoreError("the store went away")
        return node_hashes(label, ids)

    monkeypatch.setattr(store, "node_hashes", failing)
    with pytest.raises(StoreError, match="went away"):
        import_files(store, [feed])
    assert canonical_hash(store) == before
    monkeypatch.setattr(store, "node_hashes", node_hashes)
    report = import_files(store, [feed])
    assert report.updated == {"Child": len(changed)}
    assert report.unchanged == report.records_read - len(changed)
    assert report.records_read > 5 * 50  # many batches


def test_a_store_without_hashes_is_compared_in_full_once(store: Store, source: Path) -> None:
    """Nodes written before hashes were kept (none stored) are compared property by
    property; they are found unchanged, given their hash, and skipped the next time."""
    first = import_files(store, [source])
    for label in first.created:
        store.run(f"MATCH (n:{label}) SET n.content_hash = NULL")
    watch = _Watch(store)
    again = import_files(store, [source])
    assert len(watch.compared) == again.records_read and watch.writes == []
    assert again.unchanged == again.records_read
    watch.compared.clear()
    import_files(store, [source])
    assert watch.compared == []


def test_an_import_stopped_after_its_nodes_keeps_no_hash_and_the_rerun_completes_it(
    store: Store, source: Path, tmp_path: Path
) -> None:
    """Neo4j commits batch by batch: an import stopped after the changed nodes were
    written, before their edges, must not leave hashes saying those nodes are done (a
    failure of the edges' write, produced by refusing it: the real one is a kill,
    tests/test_faults.py)."""
    import_files(store, [source])
    original = canonical_hash(store)
    items = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    target = next(i["record"]["id"] for i in items if i["type"] == "Practitioner")
    moved = [
        i["record"]
        for i in items
        if i["type"] == "Involvement" and i["record"]["practitioner_id"] != target
    ][:5]
    assert moved
    for record in moved:
        record["practitioner_id"] = target
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    write = store.write

    def refuse_edges(changes: ChangeSet) -> None:
        if changes.new_edges:
            raise StoreError("refused for the test")
        write(changes)

    store.write = refuse_edges  # type: ignore[method-assign]
    with pytest.raises(StoreError):
        import_files(store, [feed])
    store.write = write  # type: ignore[method-assign]
    import_files(store, [feed])
    edge = next(e for e in graph_schema().edges_from("Involvement") if e.field == "practitioner_id")
    ids = [str(record["id"]) for record in moved]
    assert {(s, t) for s, t, _ in store.edges_from(edge, ids)} == {(i, target) for i in ids}
    import_files(store, [source])  # back to the original, through the hashes
    assert canonical_hash(store) == original


def test_a_redacted_record_is_not_taken_for_its_unredacted_twin(
    store: Store, tmp_path: Path
) -> None:
    """The same record from a redacted export only adds to what is stored; its hash is
    marked so the unredacted record after it is compared and written in full."""
    import_files(store, [SALLY])
    doc = json.loads(SALLY.read_text(encoding="utf-8"))
    child = next(c for c in doc["children"] if c["id"] == "CH-SALLY")
    redacted = tmp_path / "redacted.json"
    # an addition a redacted record may make: a name the stored child lacks is given
    twin = {**child, "preferred_name": "Sal"}
    redacted.write_text(
        json.dumps({"format": "tacgraph", "version": 1, "redacted": True, "children": [twin]}),
        encoding="utf-8",
    )
    unredacted = tmp_path / "unredacted.json"
    unredacted.write_text(
        json.dumps({"format": "tacgraph", "version": 1, "children": [twin]}), encoding="utf-8"
    )
    import_files(store, [redacted])
    watch = _Watch(store)
    import_files(store, [unredacted])
    assert "CH-SALLY" in watch.compared  # (the others: its references, checked)


def test_a_record_as_stored_and_a_different_one_with_its_id_are_refused(
    store: Store, source: Path, tmp_path: Path
) -> None:
    """The copy equal to the stored record is not validated again, yet a second,
    different record with its id is still a conflict, whichever comes first."""
    import_files(store, [source])
    lines = source.read_text(encoding="utf-8").splitlines()
    child = next(line for line in lines if '"type": "Child"' in line or '"Child"' in line)
    item = json.loads(child)
    item["record"]["family_name"] = "Other"
    other = json.dumps(item)
    for order in ([child, other], [other, child]):
        feed = tmp_path / "feed.jsonl"
        feed.write_text("\n".join([*lines, *order]) + "\n", encoding="utf-8")
        with pytest.raises(InvalidInput) as refused:
            import_files(store, [feed])
        assert any("has this id" in str(p) for p in refused.value.problems)
