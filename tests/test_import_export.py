"""Import validates everything first, writes nothing on error, and is idempotent;
export is canonical and the same on both engines."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from conftest import ROBIN, SALLY, same_answer
from tacgraph.errors import InvalidInput
from tacgraph.export import canonical_hash, export_file
from tacgraph.importer import import_files, import_records
from tacgraph.model import CafAction, CafEvent
from tacgraph.store import Store

pytestmark = pytest.mark.neo4j


def _bulk_file(tmp_path: Path, bad: dict[int, dict[str, object]]) -> Path:
    """1,000 records (agencies, practitioners, children, involvements); ``bad`` replaces
    the record at a line number."""
    lines = [
        {
            "type": "Agency",
            "record": {"id": "AG-1", "name": "School", "kind": "school", "level": "universal"},
        }
    ]
    for i in range(333):
        lines.append(
            {
                "type": "Practitioner",
                "record": {
                    "id": f"PR-{i}",
                    "given_name": "P",
                    "family_name": f"N{i}",
                    "agency_id": "AG-1",
                    "role": "teacher",
                },
            }
        )
        lines.append(
            {
                "type": "Child",
                "record": {"id": f"CH-{i}", "family_name": f"F{i}", "date_of_birth": "2015-01-01"},
            }
        )
        lines.append(
            {
                "type": "Involvement",
                "record": {
                    "id": f"IN-{i}",
                    "practitioner_id": f"PR-{i}",
                    "child_id": f"CH-{i}",
                    "agency_id": "AG-1",
                    "level": "universal",
                    "started_on": "2024-09-01",
                },
            }
        )
    assert len(lines) == 1000
    for number, record in bad.items():
        lines[number - 1] = record
    path = tmp_path / "bulk.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


BAD = {
    12: {
        "type": "Child",
        "record": {"id": "CH-3", "family_name": "F3", "date_of_birth": "2015-13-40"},
    },
    500: {
        "type": "Practitioner",
        "record": {
            "id": "PR-166",
            "given_name": "P",
            "family_name": "N",
            "agency_id": "AG-1",
            "role": "wizard",
        },
    },
    1000: {
        "type": "Involvement",
        "record": {
            "id": "IN-332",
            "practitioner_id": "PR-332",
            "child_id": "CH-NOBODY",
            "agency_id": "AG-1",
            "level": "universal",
            "started_on": "2024-09-01",
        },
    },
}


def test_a_bad_file_names_every_problem_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    import_files(store, [SALLY])
    before = (store.stats(), canonical_hash(store))
    with pytest.raises(InvalidInput) as info:
        import_files(store, [_bulk_file(tmp_path, BAD)])
    problems = info.value.problems
    where = {(p.location.rsplit(":", 1)[1], p.field) for p in problems}  # type: ignore[attr-defined]
    assert where == {("line 12", "date_of_birth"), ("line 500", "role"), ("line 1000", "child_id")}
    assert all(p.reason for p in problems)  # type: ignore[attr-defined]
    assert (store.stats(), canonical_hash(store)) == before


def test_skip_invalid_writes_the_good_and_saves_the_rejects(store: Store, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.jsonl"
    report = import_files(store, [_bulk_file(tmp_path, BAD)], skip_invalid=True, rejects=rejects)
    # The 3 bad records, and the involvements of the rejected child and practitioner.
    assert report.rejected == 5
    saved = [json.loads(line) for line in rejects.read_text().splitlines()]
    lines = [r["location"].rsplit(":", 1)[1] for r in saved]
    assert lines == ["line 12", "line 13", "line 500", "line 502", "line 1000"]
    assert "which was rejected" in saved[1]["problems"][0]["reason"]
    counts = store.stats().nodes
    # CH-3 and PR-166 were rejected, so were the involvements that point at them.
    assert counts["Child"] == 332 and counts["Practitioner"] == 332
    assert counts["Involvement"] == 333 - 3


def test_importing_twice_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = _bulk_file(tmp_path, {})
    first = import_files(store, [path, SALLY])
    stats, digest = store.stats(), canonical_hash(store)
    second = import_files(store, [path, SALLY])
    assert sum(first.created.values()) == 1000 + 82
    assert second.created == {} and second.updated == {} and second.edges_created == 0
    assert second.unchanged == 1000 + 82
    assert (store.stats(), canonical_hash(store)) == (stats, digest)


def test_a_changed_record_replaces_the_stored_one(store: Store, tmp_path: Path) -> None:
    import_files(store, [SALLY])
    doc = json.loads(SALLY.read_text())
    sally = next(c for c in doc["children"] if c["id"] == "CH-SALLY")
    sally["family_name"] = "Carter-Hughes"
    del sally["school_id"]
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps({"children": [sally]}))
    report = import_files(store, [changed])
    assert report.updated == {"Child": 1} and report.edges_deleted == 1
    rows = store.nodes_by_id("Child", ["CH-SALLY"])
    assert rows["CH-SALLY"]["family_name"] == "Carter-Hughes"
    assert store.stats().relationships["ATTENDS"] == 0


def test_csv_per_record_type(store: Store, tmp_path: Path) -> None:
    import_files(store, [SALLY])
    path = tmp_path / "children.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["id", "given_name", "family_name", "date_of_birth", "looked_after", "shield_named"]
        )
        writer.writerow(["CH-CSV-1", "Amir", "Khan", "2012-02-29", "false", "PR-HOY;PR-MIDWIFE"])
        writer.writerow(["CH-CSV-2", "Bea", "Lowe", "2013-03-01", "maybe", ""])
    with pytest.raises(InvalidInput) as info:
        import_files(store, [path])
    (problem,) = info.value.problems
    assert str(problem).startswith(f"{path}:line 3 CH-CSV-2: looked_after:")
    path.write_text(path.read_text().replace("maybe", "yes"))
    import_files(store, [path])
    assert store.stats().relationships["SHIELD_NAMES"] == 2


def test_conflicting_duplicates_in_one_input_are_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    a = {
        "type": "Child",
        "record": {"id": "CH-9", "family_name": "A", "date_of_birth": "2015-01-01"},
    }
    b = {
        "type": "Child",
        "record": {"id": "CH-9", "family_name": "B", "date_of_birth": "2015-01-01"},
    }
    path.write_text(json.dumps(a) + "\n" + json.dumps(b) + "\n" + json.dumps(a) + "\n")
    with pytest.raises(InvalidInput) as info:
        import_files(store, [path])
    assert [p.field for p in info.value.problems] == ["id"]  # type: ignore[attr-defined]


def test_unreadable_lines_and_unknown_types_are_named(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text('{"type": "Child", "record": \n{"type": "Dragon", "record": {"id": "X"}}\n')
    with pytest.raises(InvalidInput) as info:
        import_files(store, [path])
    assert [str(p) for p in info.value.problems] == [
        f"{path}:line 1: (record): not valid JSON: Expecting value",
        f"{path}:line 2 X: type: unknown record type 'Dragon'",
    ]
    assert store.is_empty()


def test_export_is_canonical_and_identical_on_both_engines(
    both: dict[str, Store], tmp_path: Path
) -> None:
    for s in both.values():
        import_files(s, [SALLY])
    outs = {}
    for engine, s in both.items():
        outs[engine] = tmp_path / f"{engine}.json"
        export_file(s, outs[engine], requester_id="PR-HOY")
    assert outs["embedded"].read_bytes() == outs["neo4j"].read_bytes()
    # The export imports back to the same graph.
    for s in both.values():
        s.clear()
        import_files(s, [outs["embedded"]])
    assert same_answer(both, canonical_hash)
    assert (tmp_path / "embedded.json").read_bytes() == outs["neo4j"].read_bytes()


def test_sally_loads_into_both_engines_with_the_same_counts(sally: dict[str, Store]) -> None:
    stats = same_answer(sally, lambda s: s.stats().to_json())
    assert stats["nodes"]["Child"] == 2
    assert stats["nodes"]["Involvement"] == 9
    assert stats["relationships"]["CONSENTS_TO"] == 6


def test_synth_import_export_round_trip_across_engines(
    both: dict[str, Store], tmp_path: Path
) -> None:
    """synth -> import (embedded) -> export -> import (Neo4j) -> export: the same bytes."""
    from tacgraph.synth import Synthesiser, write_jsonl

    source = tmp_path / "la.jsonl"
    write_jsonl(Synthesiser(300, 11).records(), source)
    import_files(both["embedded"], [source])
    first = tmp_path / "embedded.json"
    requester = next(
        str(p["id"])
        for p in both["embedded"].iter_nodes("Practitioner")
        if p["lookup_authorised"] and p["left_agency_on"] is None
    )
    export_file(both["embedded"], first, requester_id=requester, full=True)
    import_files(both["neo4j"], [first])
    second = tmp_path / "neo4j.json"
    export_file(both["neo4j"], second, requester_id=requester, full=True)
    assert first.read_bytes() == second.read_bytes()
    assert json.loads(first.read_text())["children"]


def test_the_progress_counts_end_at_the_summary_counts(store: Store, tmp_path: Path) -> None:
    # The relationship bar counted records with links (a different number from the
    # summary's relationships); each phase's last count now equals the summary's.
    seen: dict[str, tuple[int, int | None]] = {}

    def progress(phase: str, done: int, total: int | None) -> None:
        seen[phase] = (done, total)

    report = import_files(store, [SALLY], progress=progress)
    records = sum(report.created.values())
    assert seen["records"][0] == records
    assert seen["relationships"][0] == report.edges_created
    for done, total in seen.values():
        assert total is None or done == total


def test_a_redacted_export_says_not_who_started_a_shielded_child_s_caf(
    both: dict[str, Store], tmp_path: Path
) -> None:
    """Who started Robin's CAF (a teacher at the school he moved to) would locate him:
    a redacted export leaves the starter out, and the CAF's events (who did what), and
    importing it back into the same store changes nothing, the starter included."""
    event = CafEvent(
        id="CAF-ROBIN-EV-START",
        caf_id="CAF-ROBIN",
        by_id="PR-REFUGE-TEACHER",
        changed_on=date(2026, 9, 14),
        action=CafAction.START,
        detail="started at St Anne's",
    )
    texts = []
    for engine, s in both.items():
        import_files(s, [SALLY, ROBIN])
        import_records(s, [event])
        out = tmp_path / f"{engine}.json"
        export_file(s, out, requester_id="PR-HOY")
        texts.append(out.read_text())
        doc = json.loads(texts[-1])
        robin = next(c for c in doc["cafs"] if c["id"] == "CAF-ROBIN")
        assert "started_by_id" not in robin and robin["state"] == "open"
        sally = next(c for c in doc["cafs"] if c["id"] == "CAF-SALLY")
        assert sally["started_by_id"]  # an unshielded child's CAF keeps its starter
        assert "CAF-ROBIN" not in {e["caf_id"] for e in doc.get("caf_events", [])}
        assert "PR-REFUGE-TEACHER" not in [v for c in doc["cafs"] for v in c.values()]
        before = (s.stats(), canonical_hash(s))
        report = import_files(s, [out])
        assert (report.updated, report.edges_deleted, report.edges_created) == ({}, 0, 0)
        assert (s.stats(), canonical_hash(s)) == before
        full = tmp_path / f"{engine}-full.json"
        export_file(s, full, requester_id="PR-HOY", full=True)
        kept = next(c for c in json.loads(full.read_text())["cafs"] if c["id"] == "CAF-ROBIN")
        assert kept["started_by_id"] == "PR-REFUGE-TEACHER"
    assert texts[0] == texts[1]
