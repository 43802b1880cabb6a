"""The demonstration as a library call: synthesise, import, summarise, on both engines."""

from __future__ import annotations

from pathlib import Path

from tacgraph import accounts
from tacgraph.demo import GOVERNANCE_OFFICER_ID, build_demo
from tacgraph.store import Store


def test_build_demo_imports_the_synthesis_and_summarises_it(store: Store, tmp_path: Path) -> None:
    phases: list[str] = []
    built = build_demo(
        store, tmp_path / "demo", children=40, seed=3, progress=lambda p, n, total: phases.append(p)
    )
    assert built.source == tmp_path / "demo" / "synthetic-40-3.jsonl"
    lines = built.source.read_text(encoding="utf-8").splitlines()
    assert built.report.records_read == len(lines)
    assert built.report.rejected == 0
    assert sum(built.report.created.values()) == len(lines)
    assert built.summary.children == store.stats().nodes.get("Child", 0) >= 40
    assert str(built.summary.as_of) == "2026-11-01"
    assert phases[0] == "synth" and len(set(phases)) > 1
    # The authority's information governance officer, who alone may read the access
    # review, is in the demonstration and gets its account.
    officer = store.nodes_by_id("Practitioner", [GOVERNANCE_OFFICER_ID])[GOVERNANCE_OFFICER_ID]
    assert officer["role"] == "information_governance_officer"
    accounts.init(store)
    made = {m.practitioner_id: m.roles for m in accounts.create_demo(store, limit=2)}
    assert made[GOVERNANCE_OFFICER_ID] == ("ig_officer",)
