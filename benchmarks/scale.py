"""Scale runs: a synthetic local authority of N children loaded into one engine by
tacgraph's importer and by the engine's own bulk loader, then who-else, the practice
audits and the duplicate audit timed, each beside the engine's own best.

    python benchmarks/scale.py --children 1000000 --engine embedded
    python benchmarks/scale.py --children 300000 --engine neo4j

Beside each figure stands the engine's own best in the same run, and our figure as a
ratio of it:

- import: LadybugDB's ``COPY`` from Parquet files, or Neo4j's
  ``neo4j-admin database import full`` from CSV files, of the same nodes and
  relationships (the files are written from the same records first, not timed);
  the ratio is our rate over theirs (1.0 would be as fast as the bulk loader);
  on Neo4j, ``tacgraph import --bulk`` (validation, CSV files, neo4j-admin) into a new
  home beside both;
- who-else: a bare Cypher lookup of the child's current involvements
  (``lookup_involvements``), against the whole gated lookup with its audit entry;
- re-imports: the same parts again (nothing changes) and then with 1% of the records
  changed (the daily feed), beside the first load's time;
- practice audits and duplicate audit: the Cypher statements the audit ran, replayed
  one after another with nothing done with their rows (the engine's share).

The import runs part by part, each part in its own process, as ``benchmarks/common.py``
explains; the peak memory of those processes is printed, and their CPU seconds (their
worker processes' too: ``TACGRAPH_IMPORT_WORKERS`` sets how many a first load uses).
``--first-load-only`` stops after the first loads. Nothing asserts on time.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))

from common import (  # noqa: E402
    QueryLog,
    import_parts,
    loaded_store,
    machine,
    peak_rss_mb,
    timed,
    write_parts,
)
from who_else import HEADER, WARM_UP, Latency, measure, pct  # noqa: E402

from tacgraph import devserver  # noqa: E402
from tacgraph.config import StoreConfig  # noqa: E402
from tacgraph.duplicates import find_duplicates  # noqa: E402
from tacgraph.importer import parse  # noqa: E402
from tacgraph.mapping import to_graph  # noqa: E402
from tacgraph.practice import audit_practice  # noqa: E402
from tacgraph.schema import EdgeSpec, graph_schema  # noqa: E402
from tacgraph.sources import read_records  # noqa: E402
from tacgraph.store import Store  # noqa: E402
from tacgraph.store.arrowfiles import HASH  # noqa: E402
from tacgraph.store.embedded import EmbeddedStore, arrow_type  # noqa: E402
from tacgraph.store.neo4j import Neo4jStore  # noqa: E402
from tacgraph.synth import Synthesiser  # noqa: E402

Triple = tuple[str, str, str]  # source label, relationship type, target label
ROWS_PER_GROUP = 100_000

_NEO4J_TYPE = {
    "STRING": "string",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "INT64": "long",
    "STRING[]": "string[]",
}


# --- the same graph as files for the engine's bulk loader --------------------------


@dataclass
class Tables:
    """Node files per label and relationship files per (source, type, target)."""

    nodes: dict[str, Path] = field(default_factory=dict)
    rels: dict[Triple, Path] = field(default_factory=dict)
    per_label: dict[str, int] = field(default_factory=dict)
    rel_count: int = 0

    @property
    def node_count(self) -> int:
        return sum(self.per_label.values())


def _graph_rows(parts: list[Path]) -> Iterator[tuple[str, dict[str, Any], dict[EdgeSpec, Any]]]:
    for part in parts:
        for raw in read_records(part):
            record, problems = parse(raw)
            if record is None:
                raise SystemExit(f"synthetic record refused: {problems}")
            row, edges = to_graph(record)
            yield record.label(), row, edges


def _triple(edge: EdgeSpec) -> Triple:
    return (edge.source, edge.rel_type, edge.target)


class _ParquetSink:
    def __init__(self, path: Path, columns: list[tuple[str, str]]) -> None:
        self.path = path
        self.schema = pa.schema([(name, arrow_type(kind)) for name, kind in columns])
        self.writer = pq.ParquetWriter(path, self.schema)
        self.rows: list[list[Any]] = []

    def add(self, values: list[Any]) -> None:
        self.rows.append(values)
        if len(self.rows) >= ROWS_PER_GROUP:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            columns = list(zip(*self.rows, strict=True))
            self.writer.write_table(
                pa.Table.from_arrays(
                    [
                        pa.array(col, type=f.type)
                        for col, f in zip(columns, self.schema, strict=True)
                    ],
                    schema=self.schema,
                )
            )
            self.rows.clear()

    def close(self) -> None:
        self.flush()
        self.writer.close()


class _CsvSink:
    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(header)

    def add(self, values: list[Any]) -> None:
        self.writer.writerow([_csv_cell(v) for v in values])

    def close(self) -> None:
        self.handle.close()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def write_tables(parts: list[Path], folder: Path, engine: str) -> Tables:
    """Every node and relationship in ``parts`` as Parquet (embedded) or neo4j-admin
    CSV files (Neo4j), one file per label and per relationship triple."""
    folder.mkdir(parents=True, exist_ok=True)
    schema = graph_schema()
    tables = Tables()
    sinks: dict[Any, _ParquetSink | _CsvSink] = {}
    with ExitStack() as closing:

        def sink(key: Any, name: str, columns: list[tuple[str, str]], header: list[str]) -> Any:
            if key not in sinks:
                if engine == "embedded":
                    sinks[key] = _ParquetSink(folder / f"{name}.parquet", columns)
                else:
                    sinks[key] = _CsvSink(folder / f"{name}.csv", header)
                closing.callback(sinks[key].close)
            return sinks[key]

        for label, row, edges in _graph_rows(parts):
            props = schema.node(label).props
            columns = [(p.name, p.type) for p in props]
            header = [
                f"id:ID({label})" if p.name == "id" else f"{p.name}:{_NEO4J_TYPE[p.type]}"
                for p in props
            ]
            values = [row[p.name] for p in props]
            if engine == "embedded":  # the table's column for the import's content hash
                columns.append((HASH, "STRING"))
                values.append(None)
            sink(label, label, columns, header).add(values)
            tables.per_label[label] = tables.per_label.get(label, 0) + 1
            for edge, targets in edges.items():
                if not targets:
                    continue
                source, rel_type, target = _triple(edge)
                extra = edge.props
                rel_sink = sink(
                    _triple(edge),
                    f"{source}-{rel_type}-{target}",
                    [("from", "STRING"), ("to", "STRING"), *((p.name, p.type) for p in extra)],
                    [
                        f":START_ID({source})",
                        f":END_ID({target})",
                        *(f"{p.name}:{_NEO4J_TYPE[p.type]}" for p in extra),
                    ],
                )
                for target_id, values in targets:
                    rel_sink.add([row["id"], target_id, *(values[p.name] for p in extra)])
                    tables.rel_count += 1
    for key, written in sinks.items():
        if isinstance(key, tuple):
            tables.rels[key] = written.path
        else:
            tables.nodes[key] = written.path
    return tables


@contextmanager
def bulk_loaded(engine: str, tables: Tables, work: Path) -> Iterator[tuple[Store, float]]:
    """A new store of ``engine`` loaded from ``tables`` by the engine's own bulk loader
    (timed), open, with its schema, indexes and access log made after the load."""
    if engine == "embedded":
        store: Store = EmbeddedStore(work / "db-copy")
        try:
            store.init_schema()
            with timed() as took:
                for label, path in tables.nodes.items():
                    store.run(f"COPY {label} FROM '{path}'")
                for (source, rel_type, target), path in tables.rels.items():
                    store.run(f"COPY {rel_type} FROM '{path}' (from='{source}', to='{target}')")
            yield store, took[0]
        finally:
            store.close()
        return
    home = work / "neo4j-admin-import"
    with timed() as took:
        devserver.bulk_import(
            home,
            nodes={label: [path] for label, path in tables.nodes.items()},
            relationships=_by_type(tables.rels),
        )
    info = devserver.start(home, heap="4g", page_cache="4g")
    try:
        with Neo4jStore(StoreConfig(kind="neo4j", uri=info.uri)) as store:
            store.init_schema()
            yield store, took[0]
    finally:
        devserver.stop(home)


def _by_type(rels: dict[Triple, Path]) -> dict[str, list[Path]]:
    grouped: dict[str, list[Path]] = {}
    for (_, rel_type, _), path in rels.items():
        grouped.setdefault(rel_type, []).append(path)
    return grouped


# --- audits beside their own statements ----------------------------------------------


def beside_queries(store: Store, run: Callable[[], Any]) -> tuple[float, float, Any]:
    """Seconds for ``run()`` (warm: it runs once before), seconds for the statements it
    ran replayed on their own, and its result."""
    run()
    log = QueryLog()
    log.watch(store)
    try:
        with timed() as ours:
            result = run()
    finally:
        log.unwatch(store)
    with timed() as engine:
        log.replay(store)
    return ours[0], engine[0], result


# --- the run --------------------------------------------------------------------------


def _ratio_row(name: str, ours: float, engine: float, unit: str, ratio: float) -> str:
    digits = 0 if unit == "rec/s" else 2
    return f"| {name} | {ours:,.{digits}f} {unit} | {engine:,.{digits}f} {unit} | {ratio:.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=300_000)
    parser.add_argument("--engine", choices=("embedded", "neo4j"), default="embedded")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--per-part", type=int, default=500_000, help="records per import file")
    parser.add_argument("--skip-duplicates", action="store_true")
    parser.add_argument(
        "--load",
        choices=("ours", "bulk", "import-bulk"),
        default="ours",
        help="bulk: load with the engine's bulk loader only and time the rest on that "
        "graph (for sizes where our import would take too long); import-bulk (Neo4j): "
        "the first load by 'tacgraph import --bulk', beside neo4j-admin alone, then the "
        "rest, the re-imports and the daily feed too, on that graph",
    )
    parser.add_argument(
        "--first-load-only",
        action="store_true",
        help="stop after the first load and the engine's bulk load beside it (and, on "
        "Neo4j, import --bulk): no lookups, audits or re-imports",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="work in this folder and keep it: the stores stay for "
        "'who_else.py --existing' (embedded: KEEP/db-copy or KEEP/db-embedded; Neo4j: "
        "'tacgraph db neo4j start --home KEEP/neo4j-admin-import')",
    )
    args = parser.parse_args()

    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=False)
        run(args, args.keep)
        return
    work = Path(tempfile.mkdtemp(prefix="tacgraph-scale-"))
    try:
        run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@dataclass
class Measures:
    latency: Latency
    audits: tuple[float, float, Any]  # ours, the engine's share, the report
    duplicates: tuple[float, float, Any] | None


def measure_all(store: Store, args: argparse.Namespace, as_of: date) -> Measures:
    with timed() as lookups_took:
        latency = measure(store, args.lookups, WARM_UP)
    print(f"who-else, {args.lookups:,} lookups ({lookups_took[0]:.0f} s):")
    print(f"  {HEADER}\n  {latency.row()}")
    sys.stdout.flush()
    audits = beside_queries(store, lambda: audit_practice(store, as_of=as_of))
    print(f"practice audits: {len(audits[2].findings):,} findings")
    duplicates = None
    if not args.skip_duplicates:
        duplicates = beside_queries(store, lambda: find_duplicates(store, as_of))
        print(f"duplicate audit: {len(duplicates[2].pairs):,} pairs")
    return Measures(latency, audits, duplicates)


def _check_counts(store: Store, tables: Tables) -> None:
    """The store holds exactly the nodes and relationships of the files."""
    stats = store.stats()
    nodes = {label: count for label, count in stats.nodes.items() if count}
    if nodes != tables.per_label:
        raise SystemExit(f"node counts differ: {nodes} against the files' {tables.per_label}")
    if sum(stats.relationships.values()) != tables.rel_count:
        raise SystemExit("relationship counts differ between the store and the files")


def run(args: argparse.Namespace, work: Path) -> None:
    engine = args.engine
    print(f"machine: {machine()}")
    generator = Synthesiser(args.children, args.seed)
    with timed() as synth:
        (work / "parts").mkdir()
        parts = write_parts(generator.records(), work / "parts", args.per_part)
    as_of = date.fromisoformat(generator.truth.as_of)
    with timed() as tabling:
        tables = write_tables(parts, work / "tables", engine)
    records = tables.node_count
    print(
        f"{args.children:,} children: {records:,} records (nodes), {tables.rel_count:,} "
        f"relationships, in {len(parts)} parts; synthesised in {synth[0]:.0f} s, "
        f"bulk-load files written in {tabling[0]:.0f} s"
    )
    if args.load == "bulk":
        with bulk_loaded(engine, tables, work) as (store, bulk_seconds):
            print(f"engine's bulk load: {bulk_seconds:.1f} s; tacgraph's importer not run")
            _check_counts(store, tables)
            measures = measure_all(store, args, as_of)
        _print_table(args, records, None, bulk_seconds, measures)
        return
    if args.load == "import-bulk":
        _import_bulk_then_feed(args, parts, tables, work, as_of)
        return
    cpu = _children_cpu()
    with loaded_store(engine, parts, work) as (store, import_seconds):
        # Only the import processes have ended so far: theirs is the peak.
        import_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        cpu = _children_cpu() - cpu
        print(
            f"tacgraph import: {import_seconds:.1f} s ({records / import_seconds:,.0f} records/s), "
            f"{cpu:.1f} CPU s, peak memory of an import process {import_rss:,.0f} MB, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        sys.stdout.flush()
        own_cpu = time.process_time()
        with bulk_loaded(engine, tables, work) as (bulk, bulk_seconds):
            _check_counts(bulk, tables)
            own_cpu = time.process_time() - own_cpu
        shutil.rmtree(work / "tables", ignore_errors=True)
        print(
            f"engine's bulk load: {bulk_seconds:.1f} s ({records / bulk_seconds:,.0f} records/s), "
            f"{own_cpu:.1f} CPU s of this process (embedded: the COPYs' own)"
        )
        if engine == "neo4j":
            cpu = _children_cpu()
            ours_bulk = bulk_option(parts, work)
            print(
                f"tacgraph import --bulk: {ours_bulk:.1f} s ({records / ours_bulk:,.0f} "
                f"records/s; {bulk_seconds / ours_bulk:.2f} of neo4j-admin's rate), "
                f"{_children_cpu() - cpu:.1f} CPU s with neo4j-admin's, load average "
                f"{os.getloadavg()[0]:.1f}"
            )
        _check_counts(store, tables)
        sys.stdout.flush()
        if args.first_load_only:
            print(
                f"tacgraph import over the engine's bulk load: {bulk_seconds / import_seconds:.2f}"
            )
            return
        measures = measure_all(store, args, as_of)
        if engine == "embedded":
            store.close()  # the re-imports' processes open it
        target = work / "db-embedded" if engine == "embedded" else store.config  # type: ignore[attr-defined]
        again = reimports(target, parts, work, records)
    _print_table(args, records, import_seconds, bulk_seconds, measures, again)
    print(f"peak memory of an import process {import_rss:,.0f} MB")


def _import_bulk_then_feed(
    args: argparse.Namespace, parts: list[Path], tables: Tables, work: Path, as_of: date
) -> None:
    """Neo4j as a council's data team would run it: the first load by ``tacgraph import
    --bulk`` into a new home (timed beside neo4j-admin alone on the same records), then
    the server started on that home for the lookups, the audits, the unchanged re-import
    and the daily feed."""
    if args.engine != "neo4j":
        raise SystemExit("--load import-bulk is for --engine neo4j")
    records = tables.node_count
    with bulk_loaded("neo4j", tables, work) as (bulk, bulk_seconds):
        _check_counts(bulk, tables)
    shutil.rmtree(work / "neo4j-admin-import", ignore_errors=True)
    shutil.rmtree(work / "tables", ignore_errors=True)
    print(f"neo4j-admin alone: {bulk_seconds:.1f} s ({records / bulk_seconds:,.0f} records/s)")
    cpu = _children_cpu()
    home = work / "neo4j-bulk-option"
    ours = bulk_option(parts, work, keep=True)
    print(
        f"tacgraph import --bulk: {ours:.1f} s ({records / ours:,.0f} records/s; "
        f"{bulk_seconds / ours:.2f} of neo4j-admin's rate), {_children_cpu() - cpu:.1f} CPU s "
        f"with neo4j-admin's, load average {os.getloadavg()[0]:.1f}"
    )
    sys.stdout.flush()
    if args.first_load_only:
        shutil.rmtree(home, ignore_errors=True)
        return
    info = devserver.start(home, heap="4g", page_cache="4g")
    try:
        config = StoreConfig(kind="neo4j", uri=info.uri)
        with Neo4jStore(config) as store:
            store.init_schema()
            _check_counts(store, tables)
            measures = measure_all(store, args, as_of)
        again = reimports(config, parts, work, records)
    finally:
        devserver.stop(home)
    _print_table(args, records, ours, bulk_seconds, measures, again)


def _children_cpu() -> float:
    """CPU seconds of this process's ended children, every thread of each."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bulk_option(parts: list[Path], work: Path, *, keep: bool = False) -> float:
    """Seconds for ``tacgraph import --bulk`` of ``parts`` into a new Neo4j home
    ``work/neo4j-bulk-option`` (in its own process, as the other imports; the home is
    removed after unless ``keep``). Prints the peak memory of that process and of
    neo4j-admin's."""
    spawn = multiprocessing.get_context("spawn")
    home = work / "neo4j-bulk-option"
    peaks = spawn.Queue()
    with timed() as took:
        worker = spawn.Process(target=_bulk_import, args=(home, parts, peaks))
        worker.start()
        worker.join()
    if worker.exitcode != 0:
        raise SystemExit("tacgraph import --bulk failed")
    own, admin = peaks.get(timeout=10)
    print(f"peak memory: tacgraph import --bulk {own:,.0f} MB, neo4j-admin {admin:,.0f} MB")
    if not keep:
        shutil.rmtree(home, ignore_errors=True)
    return took[0]


def _bulk_import(home: Path, parts: list[Path], peaks: Any) -> None:
    """``tacgraph import --bulk`` in a process of its own, which puts its own peak
    memory and that of neo4j-admin (its only child) on ``peaks``, in MB."""
    devserver.bulk_import_records(home, parts)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peaks.put((own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))


def changed_parts(parts: list[Path], folder: Path, share: float) -> tuple[list[Path], int]:
    """The parts again with ``share`` of all records changed (children's family names,
    spread evenly over the children): the daily feed of a source system that sends its
    whole extract. Returns the new parts and how many records changed."""
    import json

    total = sum(1 for part in parts for _ in part.open(encoding="utf-8"))
    children = sum(
        1 for part in parts for line in part.open(encoding="utf-8") if '"type":"Child"' in line
    )
    wanted = max(1, int(total * share))
    every = max(1, children // wanted)
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    seen = changed = 0
    for part in parts:
        path = folder / part.name
        with part.open(encoding="utf-8") as source, path.open("w", encoding="utf-8") as sink:
            for line in source:
                if '"type":"Child"' in line:
                    seen += 1
                    if seen % every == 0 and changed < wanted:
                        item = json.loads(line)
                        item["record"]["family_name"] = item["record"]["family_name"] + "-Feed"
                        line = json.dumps(item, separators=(",", ":")) + "\n"
                        changed += 1
                sink.write(line)
        out.append(path)
    return out, changed


def reimports(
    target: Path | StoreConfig, parts: list[Path], work: Path, records: int
) -> dict[str, float]:
    """Seconds to import the same parts again (nothing changes) and then parts with 1% of
    the records changed (the daily feed), each part in its own process as the first load."""
    took: dict[str, float] = {}
    seconds = import_parts(target, parts, init=False)
    took["re-import, unchanged (s; ratio: over the first load)"] = seconds
    print(f"re-import of the unchanged parts: {seconds:.1f} s ({records / seconds:,.0f} records/s)")
    feed, changed = changed_parts(parts, work / "feed", 0.01)
    seconds = import_parts(target, feed, init=False)
    took[f"daily feed, {changed:,} records changed (s; ratio: over the first load)"] = seconds
    print(f"re-import with {changed:,} records changed: {seconds:.1f} s")
    sys.stdout.flush()
    return took


def _print_table(
    args: argparse.Namespace,
    records: int,
    import_seconds: float | None,
    bulk_seconds: float,
    measures: Measures,
    again: dict[str, float] | None = None,
) -> None:
    latency = measures.latency
    print()
    print(f"## {args.engine}, {args.children:,} children\n")
    print("| measure | tacgraph | engine's own best | ratio |\n|---|---:|---:|---:|")
    if import_seconds is not None:
        print(
            _ratio_row(
                "import (records/s; ratio: ours over the bulk loader's rate)",
                records / import_seconds,
                records / bulk_seconds,
                "rec/s",
                bulk_seconds / import_seconds,
            )
        )
    for name, seconds in (again or {}).items() if import_seconds else ():
        ratio = seconds / import_seconds
        print(f"| {name} | {seconds:.1f} s | {import_seconds:.1f} s | {ratio:.2f} |")
    for label, p in (("p50", 50), ("p99", 99)):
        ours, bare = pct(latency.gated, p), pct(latency.plain, p)
        print(_ratio_row(f"who-else {label} (gated / bare Cypher)", ours, bare, "ms", ours / bare))
    # Case lists of 100 are timed only when at least 100 lookups were asked for.
    for label, p in (("p50", 50), ("p99", 99)) if latency.case_lists else ():
        ours = pct(latency.case_lists, p)
        bare = pct(latency.plain, p) * 100
        print(
            _ratio_row(
                f"case list of 100 {label} (against 100 bare lookups)",
                ours,
                bare,
                "ms",
                ours / bare,
            )
        )
    audit_ours, audit_engine, _ = measures.audits
    print(_ratio_row("practice audits", audit_ours, audit_engine, "s", audit_ours / audit_engine))
    if measures.duplicates is not None:
        dup_ours, dup_engine, _ = measures.duplicates
        print(_ratio_row("duplicate audit", dup_ours, dup_engine, "s", dup_ours / dup_engine))
    print(f"\npeak memory of this process {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
