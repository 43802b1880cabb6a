"""Latency of the consent-gated who-else lookup against a plain, ungated Cypher lookup of
the same involvements, on both engines.

    python benchmarks/who_else.py --children 100000 --lookups 1000
    python benchmarks/who_else.py --existing --store neo4j --lookups 1000
    python benchmarks/who_else.py --existing --db DIR --sustained 12000 --window 2000

The first synthesises the children and imports them into a new store of each engine;
the second measures a store that already holds a synthetic local authority (the one
TACGRAPH_STORE, TACGRAPH_DB and NEO4J_* name, or --store and --db), such as one that
``tacgraph import`` or ``benchmarks/scale.py --keep`` loaded; it appends the lookups'
entries to that store's access log.

Each gated lookup reads the requester and everything it decides on about the child in
one unit (tacgraph.cases: one read transaction on Neo4j, short MATCH chains on
LadybugDB), checks the requester, decides every item, and appends a hash-chained
access-log entry. "Plain" is the bare lookup_involvements query; "logged" is that query
followed by one bare access-log append of what it read: an ungated lookup that is still
logged, the floor for any lookup that writes its entry before it answers. A case list of
100 children is one call of who_else_many: one read for all of them (on LadybugDB a
statement per section, then the records they name, by id) and one audit write of 100
entries. Prints p50/p99 in milliseconds, and the mean CPU milliseconds of the process
(every thread) per gated lookup, which a shared machine disturbs less than latency;
figures go in docs/benchmarks.md. Nothing asserts on time.

``--sustained N`` runs N gated lookups one after another in one process, cycling over
1,000 pairs, and prints the latency of each window of ``--window`` lookups: whether a
long-lived process slows as its access log grows (LadybugDB keeps every update of the
log's head until it checkpoints, docs/architecture.md).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import loaded_store, machine, write_parts  # noqa: E402

from tacgraph import audit  # noqa: E402
from tacgraph.config import StoreConfig  # noqa: E402
from tacgraph.lookup import who_else, who_else_many  # noqa: E402
from tacgraph.store import Store, open_store  # noqa: E402
from tacgraph.synth import Synthesiser  # noqa: E402

AS_OF = date(2026, 11, 1)
WARM_UP = 2000  # lookups before the timed ones (20 until 2026-12: docs/benchmarks.md)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def pairs(store: Store, count: int, seed: int) -> list[tuple[str, str]]:
    rows = store.run(
        "MATCH (i:Involvement)-[:INVOLVED_WITH]->(c:Child), "
        "(i)-[:INVOLVEMENT_OF]->(p:Practitioner) WHERE p.lookup_authorised = true "
        "AND p.left_agency_on IS NULL RETURN c.id AS child, p.id AS viewer"
    )
    rng = random.Random(seed)
    return [(r["child"], r["viewer"]) for r in rng.sample(rows, min(count, len(rows)))]


@dataclass(frozen=True)
class Latency:
    """Seconds per gated lookup, per plain lookup, per plain lookup followed by one bare
    access-log append (an ungated lookup that is still logged), and per case list of
    100; and the CPU seconds per gated lookup (steadier than its latency on a machine
    that others share)."""

    gated: list[float]
    plain: list[float]
    logged: list[float]
    case_lists: list[float]
    gated_cpu: list[float]  # the process's CPU seconds per gated lookup, every thread

    def row(self) -> str:
        return (
            f"{pct(self.gated, 50):>10.2f} {pct(self.gated, 99):>10.2f} "
            f"{pct(self.plain, 50):>10.2f} {pct(self.plain, 99):>10.2f} "
            f"{pct(self.gated, 99) / pct(self.plain, 99):>10.1f} "
            f"{pct(self.logged, 50):>10.2f} {pct(self.logged, 99):>10.2f} "
            f"{pct(self.gated, 99) / pct(self.logged, 99):>10.1f} "
            f"{self._case_list_columns()} "
            f"{sum(self.gated_cpu) / len(self.gated_cpu) * 1000:>10.2f}"
        )

    def _case_list_columns(self) -> str:
        """The case lists' p50 and p99; dashes where none was timed (fewer than 100
        lookups asked for)."""
        if not self.case_lists:
            return f"{'-':>10} {'-':>10}"
        return f"{pct(self.case_lists, 50):>10.1f} {pct(self.case_lists, 99):>10.1f}"


HEADER = (
    f"{'gated p50':>10} {'gated p99':>10} {'plain p50':>10} "
    f"{'plain p99':>10} {'p99 ratio':>10} {'logged p50':>10} {'logged p99':>10} "
    f"{'p99 ratio':>10} {'case list p50':>10} {'case list p99':>10} {'gated CPU':>10}"
)


def measured_and_warm_up(store: Store, lookups: int, warm: int) -> list[tuple[str, str]]:
    """``lookups`` random pairs to time, after ``warm`` gated and plain lookups of other
    pairs: the query plans, the caches, the log's head and, on Neo4j, the server's JIT
    compiler, which on a server just started keeps compiling for the first few hundred
    lookups (docs/benchmarks.md)."""
    sample = pairs(store, lookups + warm, 7)
    for child, viewer in sample[lookups:]:
        who_else(store, child, viewer, as_of=AS_OF, purpose="warm-up")
        store.query("lookup_involvements", {"child_id": child, "as_of": AS_OF})
    return sample[:lookups]


def measure(store: Store, lookups: int, warm: int) -> Latency:
    """Time ``lookups`` gated and plain lookups of random (child, involved practitioner)
    pairs, after ``warm`` warm-up lookups and one warm-up case list, then case lists of
    100 of the same children."""
    sample = measured_and_warm_up(store, lookups, warm)
    listed = [child for child, _ in sample[-100:]]
    who_else_many(store, listed, sample[-1][1], as_of=AS_OF, purpose="warm-up")
    gated, plain, logged, cpu = [], [], [], []
    for child, viewer in sample:
        start, used = time.perf_counter(), time.process_time()
        who_else(store, child, viewer, as_of=AS_OF, purpose="benchmark")
        gated.append(time.perf_counter() - start)
        cpu.append(time.process_time() - used)
        start = time.perf_counter()
        store.query("lookup_involvements", {"child_id": child, "as_of": AS_OF})
        plain.append(time.perf_counter() - start)
        start = time.perf_counter()
        rows = store.query("lookup_involvements", {"child_id": child, "as_of": AS_OF})
        audit.append(
            store,
            requester_id=viewer,
            child_id=child,
            purpose="benchmark: ungated",
            as_of=AS_OF,
            outcome="disclosed",
            disclosed=[f"involvement:{row['involvement_id']}" for row in rows],
            bases=[],
        )
        logged.append(time.perf_counter() - start)
    batches = []
    for i in range(0, len(sample) - 99, 100):
        case_list = [child for child, _ in sample[i : i + 100]]
        viewer = sample[i][1]
        start = time.perf_counter()
        who_else_many(store, case_list, viewer, as_of=AS_OF, purpose="case list")
        batches.append(time.perf_counter() - start)
    return Latency(gated, plain, logged, batches, cpu)


def sustained(store: Store, lookups: int, window: int, warm: int) -> list[str]:
    """A row per window of ``window`` gated lookups out of ``lookups`` in a row, after
    ``warm`` warm-up lookups: the lookups so far, then p50, p99 and the slowest of the
    window, in milliseconds."""
    sample = measured_and_warm_up(store, 1000, warm)
    rows, times = [], []
    for i in range(lookups):
        child, viewer = sample[i % len(sample)]
        start = time.perf_counter()
        who_else(store, child, viewer, as_of=AS_OF, purpose="benchmark: sustained")
        times.append(time.perf_counter() - start)
        if len(times) == window or i == lookups - 1:
            rows.append(
                f"{i + 1:>10,} {pct(times, 50):>10.2f} {pct(times, 99):>10.2f} "
                f"{max(times) * 1000:>10.1f}"
            )
            times = []
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--engines", default="embedded,neo4j")
    parser.add_argument("--per-part", type=int, default=200_000, help="records per import file")
    parser.add_argument(
        "--existing", action="store_true", help="measure the store named by --store and --db"
    )
    parser.add_argument("--store", choices=("embedded", "neo4j"), default=None)
    parser.add_argument("--db", type=Path, default=None, help="the embedded store's folder")
    parser.add_argument(
        "--sustained", type=int, default=0, help="with --existing: this many lookups in a row"
    )
    parser.add_argument("--window", type=int, default=1000, help="lookups per row of --sustained")
    parser.add_argument(
        "--warm-up", type=int, default=WARM_UP, help="lookups before the timed ones"
    )
    args = parser.parse_args()
    if args.sustained and not args.existing:
        parser.error("--sustained measures a store already loaded: add --existing")
    if args.existing:
        config = StoreConfig.from_env(kind=args.store, db_path=args.db)
        if args.sustained:
            print(f"machine: {machine()}; {config.describe()}, {args.sustained:,} lookups")
            print(f"{'lookups':>10} {'p50':>10} {'p99':>10} {'slowest':>10}")
            with open_store(config) as store:
                print("\n".join(sustained(store, args.sustained, args.window, args.warm_up)))
            return
        print(
            f"machine: {machine()}; {config.describe()}, {args.lookups:,} lookups "
            f"after {args.warm_up:,}"
        )
        with open_store(config) as store:
            print(f"{'engine':<9} {HEADER}")
            print(f"{store.engine:<9} {measure(store, args.lookups, args.warm_up).row()}")
        return
    work = Path(tempfile.mkdtemp(prefix="tacgraph-who-else-"))
    parts = write_parts(Synthesiser(args.children, 1).records(), work, args.per_part)
    print(
        f"machine: {machine()}; {args.children:,} children, {args.lookups:,} lookups "
        f"after {args.warm_up:,}"
    )
    print(f"{'engine':<9} {HEADER}")
    for engine in args.engines.split(","):
        with loaded_store(engine, parts, work) as (store, _):
            latency = measure(store, args.lookups, args.warm_up)
        print(f"{engine:<9} {latency.row()}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
