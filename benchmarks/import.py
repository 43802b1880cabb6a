"""Import throughput on both engines: synthesise N children, import the file into an
empty store, then import it again (nothing changes the second time).

    python benchmarks/import.py --children 100000

Prints a table; figures go in docs/benchmarks.md. Nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import fresh_store, machine, peak_rss_mb, timed  # noqa: E402

from tacgraph.export import canonical_hash  # noqa: E402
from tacgraph.importer import import_files  # noqa: E402
from tacgraph.synth import Synthesiser, write_jsonl  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default="embedded,neo4j")
    parser.add_argument("--hash", action="store_true", help="also compare canonical exports")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tacgraph-import-bench-"))
    source = work / "la.jsonl"
    with timed() as t:
        counts = write_jsonl(Synthesiser(args.children, args.seed).records(), source)
    records = sum(counts.values())
    print(f"machine: {machine()}")
    print(
        f"synthesised {args.children:,} children: {records:,} records in {t[0]:.1f} s "
        f"({records / t[0]:,.0f} records/s), {source.stat().st_size / 2**20:.0f} MiB"
    )
    print()
    header = (
        f"{'engine':<10} {'records':>10} {'import s':>9} {'records/s':>10} {'rels':>10} "
        f"{'re-import s':>12} {'peak RSS MB':>12}"
    )
    print(header)
    print("-" * len(header))
    hashes = {}
    for engine in args.engines.split(","):
        with fresh_store(engine) as store:
            with timed() as first:
                report = import_files(store, [source])
            with timed() as again:
                second = import_files(store, [source])
            assert second.created == {} and second.updated == {} and second.edges_created == 0
            rels = store.stats().to_json()["total_relationships"]
            if args.hash:
                hashes[engine] = canonical_hash(store)
        created = sum(report.created.values())
        print(
            f"{engine:<10} {created:>10,} {first[0]:>9.1f} {created / first[0]:>10,.0f} "
            f"{rels:>10,} {again[0]:>12.1f} {peak_rss_mb():>12,.0f}"
        )
    if hashes:
        print()
        print("canonical exports identical:", len(set(hashes.values())) == 1)


if __name__ == "__main__":
    main()
