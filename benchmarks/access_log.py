"""Time and memory of the information governance commands over a large access log, each
command a new process as an officer runs it, on an embedded store.

    python benchmarks/access_log.py --db DIR --entries 300000

DIR is a store already loaded (``tacgraph import``, ``benchmarks/scale.py --keep``); its
access log is first filled to ``--entries`` entries by case lists of 100 real lookups
(random children, each list by one practitioner involved with one of them), then each
command runs once: ``audit verify``, the whole ``audit access`` report (as of 1 November
2026) as JSON, as CSV and as the table, and one practitioner's. Prints wall time and the
process's peak resident memory. Figures go in docs/benchmarks.md; nothing asserts on
time.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path


def fill(db: Path, entries: int) -> None:
    """Fill the log to ``entries`` entries; print the machine and the log's size, then a
    requester in it. Runs in a process of its own: a child's peak memory counts from its
    parent's size when it started, so the parent that times the commands stays small."""
    sys.path.insert(0, str(Path(__file__).parent))
    from common import machine
    from who_else import AS_OF, pairs

    from tacgraph.demo import GOVERNANCE_OFFICER_ID, governance_officer
    from tacgraph.importer import import_files
    from tacgraph.lookup import who_else_many
    from tacgraph.store.embedded import EmbeddedStore
    from tacgraph.synth import write_jsonl

    store = EmbeddedStore(db)
    try:
        # The access review is an information governance officer's: the store's own, or
        # the demonstration's, added in the first early help team.
        if not store.nodes_by_id("Practitioner", [GOVERNANCE_OFFICER_ID]):
            (team,) = store.run(
                "MATCH (a:Agency) WHERE a.kind = 'early_help' RETURN a.id AS id ORDER BY id LIMIT 1"
            )
            staff = db.with_name(f"{db.name}-governance.jsonl")
            write_jsonl([governance_officer(team["id"])], staff)
            import_files(store, [staff])
        count = int(store.run("MATCH (e:AuditEntry) RETURN count(e) AS n")[0]["n"])
        sample = pairs(store, 20_000, 3)
        rng = random.Random(5)
        while count < entries:
            children = [child for child, _ in rng.sample(sample, 100)]
            answers = who_else_many(
                store, children, rng.choice(sample)[1], as_of=AS_OF, purpose="case list"
            )
            count += len(answers)
    finally:
        store.close()
    print(f"machine: {machine()}; {db}, {count:,} access log entries")
    print(GOVERNANCE_OFFICER_ID)
    print(sample[0][1])


def run(command: list[str]) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one run of ``command``."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen(command, stdout=sink)
        _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="an embedded store")
    parser.add_argument("--entries", type=int, default=300_000)
    parser.add_argument("--fill", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        fill(args.db, args.entries)
        return
    filled = subprocess.run(
        [sys.executable, __file__, "--fill", "--db", str(args.db), "--entries", str(args.entries)],
        check=True,
        capture_output=True,
        text=True,
    )
    header, officer, requester = filled.stdout.strip().splitlines()[-3:]
    tacgraph = str(Path(sys.executable).with_name("tacgraph"))
    given = ["--db", str(args.db)]
    access = [tacgraph, "audit", "access", *given, "--as-of", "2026-11-01", "--as", officer]
    access += ["--purpose", "quarterly access review"]
    commands = {
        "audit verify": [tacgraph, "audit", "verify", *given, "--json"],
        "audit access --json": [*access, "--json"],
        "audit access --csv": [*access, "--csv"],
        "audit access --practitioner": [*access, "--practitioner", requester, "--json"],
        "audit access (table)": access,
    }
    print(header)
    print(f"{'command':<30} {'seconds':>8} {'peak MB':>8}")
    for name, command in commands.items():
        seconds, peak = run(command)
        print(f"{name:<30} {seconds:>8.1f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
