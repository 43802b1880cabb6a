"""Wall time of the command line as a user meets it: each command a new process, from
start to exit, on an embedded store.

    python benchmarks/cli.py --children 20000 --repeats 10
    python benchmarks/cli.py --db DIR --repeats 10

The first synthesises the children into a new embedded store; the second uses a store
already loaded (``tacgraph import``, ``benchmarks/scale.py --keep``). Rows: importing
the CLI alone (``python -c "import tacgraph.cli.app"``), ``tacgraph --help``, and
``tacgraph who-else`` for one child and one practitioner involved with it (a gated,
audited lookup, with the store opened and its statements planned in the process, as
every command does), then ``--json``. Median, fastest and slowest of ``--repeats`` runs,
in milliseconds. Figures go in docs/benchmarks.md; nothing asserts on time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import import_parts, machine, write_parts  # noqa: E402

from tacgraph.store.embedded import EmbeddedStore  # noqa: E402
from tacgraph.synth import Synthesiser  # noqa: E402

AS_OF = "2026-11-01"


def involved_pair(db: Path) -> tuple[str, str]:
    """A child and an authorised practitioner involved with it now."""
    store = EmbeddedStore(db)
    try:
        rows = store.run(
            "MATCH (i:Involvement)-[:INVOLVED_WITH]->(c:Child), "
            "(i)-[:INVOLVEMENT_OF]->(p:Practitioner) WHERE p.lookup_authorised = true "
            "AND p.left_agency_on IS NULL AND i.ended_on IS NULL "
            "RETURN c.id AS child, p.id AS viewer ORDER BY c.id LIMIT 1"
        )
    finally:
        store.close()
    if not rows:
        raise SystemExit(f"{db} holds no child with an authorised practitioner involved")
    return rows[0]["child"], rows[0]["viewer"]


def wall(command: list[str], repeats: int) -> list[float]:
    """Seconds per run of ``command``, after one run that is not counted (the files it
    reads are then in the page cache, as for a user's second command)."""
    times = []
    for i in range(repeats + 1):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        if i:
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--db", type=Path, default=None, help="an embedded store to use")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    work = None
    db = args.db
    if db is None:
        work = Path(tempfile.mkdtemp(prefix="tacgraph-cli-"))
        parts = write_parts(Synthesiser(args.children, 1).records(), work, 200_000)
        db = work / "db"
        import_parts(db, parts, init=True)
    child, viewer = involved_pair(db)
    tacgraph = str(Path(sys.executable).with_name("tacgraph"))
    lookup = [tacgraph, "who-else", child, "--as", viewer, "--db", str(db), "--as-of", AS_OF]
    commands = {
        "import tacgraph.cli.app": [sys.executable, "-c", "import tacgraph.cli.app"],
        "tacgraph --help": [tacgraph, "--help"],
        "tacgraph who-else": lookup,
        "tacgraph who-else --json": [*lookup, "--json"],
    }
    size = f"{args.children:,} children" if args.db is None else str(db)
    # Without cached bytecode every run compiles tacgraph's own modules again (an
    # installed package has it; some sandboxes turn it off).
    cache = "off (PYTHONDONTWRITEBYTECODE)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "on"
    print(f"machine: {machine()}; {size}, {args.repeats} runs each; bytecode cache {cache}")
    print(f"{'command':<26} {'median':>8} {'fastest':>8} {'slowest':>8}")
    for name, command in commands.items():
        times = [t * 1000 for t in wall(command, args.repeats)]
        print(f"{name:<26} {statistics.median(times):>8.0f} {min(times):>8.0f} {max(times):>8.0f}")
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
