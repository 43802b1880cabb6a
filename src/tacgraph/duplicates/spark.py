"""Running the linkage on Spark: the Spark session Splink's Spark backend uses, and the
linkage table as a Spark DataFrame.

The session is ``$TACGRAPH_SPARK_MASTER`` (default ``local[*]``: Spark inside this
process's JVM, for a test or one machine); a region's cluster is reached by setting it
to the cluster's master URL (see docs/scaling.md). Splink's string-similarity functions
(Damerau-Levenshtein) come from the jar Splink ships, added to the session.
"""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING, Any

from tacgraph.duplicates.features import ARRAY_COLUMNS, COLUMNS
from tacgraph.errors import InvalidArgument

if TYPE_CHECKING:
    import pandas as pd

SPARK_MASTER_ENV = "TACGRAPH_SPARK_MASTER"
_session: Any = None


def session() -> Any:
    """The Spark session (made once per process). Raises InvalidArgument when pyspark
    is not installed."""
    global _session
    if _session is not None:
        return _session
    try:
        from pyspark.sql import SparkSession
    except ImportError as err:
        raise InvalidArgument(
            "the Spark backend needs pyspark; install tacgraph[spark] or use --backend duckdb"
        ) from err
    from splink.backends.spark import similarity_jar_location

    builder: Any = SparkSession.builder
    _session = (
        builder.master(os.environ.get(SPARK_MASTER_ENV, "local[*]"))
        .appName("tacgraph-duplicates")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", os.environ.get("TACGRAPH_SPARK_PARTITIONS", "8"))
        .config("spark.default.parallelism", "8")
        .config("spark.driver.memory", os.environ.get("TACGRAPH_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )
    _session.sparkContext.setLogLevel("ERROR")
    _session.sparkContext.setCheckpointDir(os.environ.get("TACGRAPH_SPARK_CHECKPOINTS", "/tmp"))
    return _session


def stop() -> None:
    """Stop the Spark session and end the JVM pyspark started for it, which otherwise
    lives (holding its driver memory) as long as this process does: for a long-lived
    process, a notebook or a test run, that has done with Spark. A later
    :func:`session` starts afresh."""
    global _session
    if _session is None:
        return
    from pyspark import SparkContext

    _session.stop()
    _session = None
    gateway: Any = SparkContext._gateway
    if gateway is None:
        return
    gateway.shutdown()
    proc = getattr(gateway, "proc", None)
    if proc is not None and proc.stdin is not None:
        proc.stdin.close()  # the JVM ends when its stdin does
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    SparkContext._gateway = None
    SparkContext._jvm = None


def spark_api() -> Any:
    """Splink's Spark backend on :func:`session`."""
    from splink.backends.spark import SparkAPI

    return SparkAPI(spark_session=session(), break_lineage_method="parquet")  # type: ignore[no-untyped-call]


def to_spark(table: pd.DataFrame) -> Any:
    """The linkage table as a Spark DataFrame, with its schema spelt out (a column of
    nulls has no type to infer)."""
    from pyspark.sql.types import ArrayType, BooleanType, StringType, StructField, StructType

    fields = [
        StructField(c, ArrayType(StringType()) if c in ARRAY_COLUMNS else StringType(), True)
        for c in COLUMNS
    ]
    if "probe" in table.columns:
        fields.append(StructField("probe", BooleanType(), False))
    names = [f.name for f in fields]
    rows = [
        tuple(None if _missing(v) else v for v in row)
        for row in table[names].itertuples(index=False, name=None)
    ]
    return session().createDataFrame(rows, schema=StructType(fields))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)
