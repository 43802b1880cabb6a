"""The duplicate audit on Spark (pyspark in local mode, Splink's Spark backend) finds
the same pairs as on DuckDB, on the same few thousand synthetic children."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tacgraph.duplicates import find_duplicates
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
        spark = find_duplicates(store, as_of, backend="spark")
    finally:
        store.close()
    assert duck.u_measured and spark.u_measured
    assert (duck.backend, spark.backend) == ("duckdb", "spark")
    assert len(duck.pairs) >= 10
    assert [(p.child_id, p.other_id) for p in spark.pairs] == [
        (p.child_id, p.other_id) for p in duck.pairs
    ]
