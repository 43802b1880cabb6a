"""The duplicate audit on Spark (pyspark in local mode, Splink's Spark backend) finds
the same pairs as on DuckDB, on the same few thousand synthetic children."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pyspark import SparkContext

from tacgraph.duplicates import find_duplicates, spark
from tacgraph.importer import import_files
from tacgraph.store.embedded import EmbeddedStore
from tacgraph.synth import Synthesiser, write_jsonl


@pytest.mark.slow
def test_spark_and_duckdb_give_the_same_pairs(tmp_path: Path) -> None:
    generator = Synthesiser(2000, 3)
    source = tmp_path / "la.jsonl"
    write_jsonl(generator.records(), source)
    store = EmbeddedStore(tmp_path / "db")
    try:
        store.init_schema()
        import_files(store, [source])
        as_of = date.fromisoformat(generator.truth.as_of)
        duck = find_duplicates(store, as_of, backend="duckdb")
        linked = find_duplicates(store, as_of, backend="spark")
    finally:
        store.close()
        jvm = getattr(SparkContext._gateway, "proc", None)
        spark.stop()  # else its JVM lives as long as this test worker
    assert jvm is not None and jvm.poll() is not None
    assert SparkContext._gateway is None
    assert duck.u_measured and linked.u_measured
    assert (duck.backend, linked.backend) == ("duckdb", "spark")
    assert len(duck.pairs) >= 10
    assert [(p.child_id, p.other_id) for p in linked.pairs] == [
        (p.child_id, p.other_id) for p in duck.pairs
    ]
