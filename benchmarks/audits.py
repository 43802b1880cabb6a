"""Practice audits over a synthetic authority on both engines; prints a table.

Usage: PYTHONPATH=src python benchmarks/audits.py [CHILDREN] [SEED]
(300,000 children by default; each engine takes several minutes).
"""

from __future__ import annotations

import sys

from common import fresh_store, machine, peak_rss_mb, timed

from tacgraph.importer import import_records
from tacgraph.practice import CHECKS, audit_practice
from tacgraph.synth import Synthesiser


def main(children: int = 300_000, seed: int = 1) -> None:
    print(f"# Practice audits, {children:,} children, seed {seed}")
    print(f"machine: {machine()}")
    rows: list[tuple[str, str, float, int]] = []
    for engine in ("embedded", "neo4j"):
        with fresh_store(engine) as store:
            synth = Synthesiser(children, seed)
            with timed() as load:
                import_records(store, synth.records())
            rows.append((engine, "import", load[0], 0))
            for name in CHECKS:
                with timed() as took:
                    report = audit_practice(store, as_of=synth.as_of, checks=[name])
                rows.append((engine, name, took[0], len(report.findings)))
    print("\n| engine | check | seconds | findings |\n|---|---|---:|---:|")
    for engine, name, seconds, found in rows:
        print(f"| {engine} | {name} | {seconds:.1f} | {found:,} |")
    print(f"\npeak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
