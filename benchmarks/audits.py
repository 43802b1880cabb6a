"""Practice audits over a synthetic authority on both engines; prints tables.

    PYTHONPATH=src python benchmarks/audits.py [CHILDREN] [SEED] [--engines embedded,neo4j]

300,000 children by default. The authority is synthesised once to JSON Lines parts of
at most ``--per-part`` records and imported into each empty store part by part, each
part in its own process (one process importing every part held on to memory from each
import; see the duplicate detection benchmark). Then, per engine:

- "all checks": one ``audit_practice(store, as_of=...)`` call, as ``tacgraph audit
  practice`` makes it: every query read once and shared by the checks. It runs first,
  in a store just opened (for Neo4j, a server that has not planned these queries yet),
  and again at the end, warm. The targets are about this figure: 10 s embedded and
  30 s on Neo4j for 300,000 children.
- each check in the full run: the time from the previous check's end to its own, so
  a check that is first to need a query pays for reading it;
- each check alone: ``audit_practice(..., checks=[name])``, reading what it needs.

The two engines' reports are compared. Nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import loaded_store, machine, peak_rss_mb, timed, write_parts  # noqa: E402

from tacgraph.practice import CHECKS, PracticeReport, audit_practice  # noqa: E402
from tacgraph.store import Store  # noqa: E402
from tacgraph.synth import Synthesiser  # noqa: E402

TARGET_SECONDS = {"embedded": 10.0, "neo4j": 30.0}
TARGET_CHILDREN = 300_000


def _audit(store: Store, as_of: date) -> tuple[PracticeReport, float, dict[str, float]]:
    """One run of every check; its time, and each check's share of it."""
    marks: list[tuple[str, float]] = []
    start = time.perf_counter()
    report = audit_practice(
        store, as_of=as_of, progress=lambda name, _: marks.append((name, time.perf_counter()))
    )
    total = time.perf_counter() - start
    shares, before = {}, start
    for name, at in marks:
        shares[name], before = at - before, at
    return report, total, shares


def _run(engine: str, store: Store, as_of: date, children: int) -> PracticeReport:
    first, first_s, shares = _audit(store, as_of)
    alone: dict[str, tuple[float, int]] = {}
    for name in CHECKS:
        with timed() as took:
            report = audit_practice(store, as_of=as_of, checks=[name])
        alone[name] = (took[0], len(report.findings))
    again, again_s, _ = _audit(store, as_of)
    assert again == first, "two runs of the same audit disagree"
    counts = first.counts()
    print(f"\n{engine}\n")
    print("| check | findings | s in the full run | s alone |\n|---|---:|---:|---:|")
    for name in CHECKS:
        assert alone[name][1] == counts[name], f"{name} alone found a different number"
        print(f"| {name} | {counts[name]:,} | {shares[name]:.2f} | {alone[name][0]:.2f} |")
    target = TARGET_SECONDS[engine]
    scaled = "" if children == TARGET_CHILDREN else f" (for {TARGET_CHILDREN:,} children)"
    print(f"| **all checks, one call, first run** | {len(first.findings):,} | {first_s:.2f} | |")
    print(f"| **all checks, one call, again** | {len(again.findings):,} | {again_s:.2f} | |")
    print(f"\ntarget: all checks within {target:.0f} s{scaled}")
    return first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("children", type=int, nargs="?", default=TARGET_CHILDREN)
    parser.add_argument("seed", type=int, nargs="?", default=1)
    parser.add_argument("--engines", default="embedded,neo4j")
    parser.add_argument("--per-part", type=int, default=200_000, help="records per import file")
    args = parser.parse_args()

    print(f"# Practice audits, {args.children:,} children, seed {args.seed}")
    print(f"machine: {machine()}")
    work = Path(tempfile.mkdtemp(prefix="tacgraph-audit-bench-"))
    try:
        synth = Synthesiser(args.children, args.seed)
        with timed() as synth_s:
            parts = write_parts(synth.records(), work, args.per_part)
        records = sum(synth.truth.counts.values())
        print(f"synthesised {records:,} records in {synth_s[0]:.1f} s ({len(parts)} parts)")
        imported: dict[str, float] = {}
        reports: dict[str, PracticeReport] = {}
        for engine in args.engines.split(","):
            with loaded_store(engine, parts, work) as (store, seconds):
                imported[engine] = seconds
                reports[engine] = _run(engine, store, synth.as_of, args.children)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n| engine | import s | records/s |\n|---|---:|---:|")
    for engine, seconds in imported.items():
        print(f"| {engine} | {seconds:.1f} | {records / seconds:,.0f} |")
    if len(reports) == 2:
        print(f"\nengines agree: {reports['embedded'] == reports['neo4j']}")
    print(f"peak RSS of this process {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
