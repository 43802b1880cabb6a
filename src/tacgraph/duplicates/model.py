"""The linkage model: comparisons written for children's records, the blocking rules,
and how the model learns its parameters from the store's own records.

Comparisons and what they mean (Splink numbers levels from the else level, 0, up):

- given name: the same (with a term-frequency adjustment: a common name says less);
  a nickname and its formal name (Alfie and Alfred, Peggy and Margaret: the forms
  meet, from the table in ``nicknames.json``); another spelling of one name (Mohammed
  and Muhammad, from the transliteration table or one consonant key); misspelt; given
  and family names swapped (one of them perhaps misspelt). Names that merely look alike
  (Charles and Charlotte) are not a level: siblings' names often do;
- family name: the same (term-frequency adjusted); misspelt (one edit); another
  spelling; misspelt twice; one of two (hyphenated, or a second family name added or
  dropped); a family name changed altogether is the else level, which a true duplicate
  reaches often enough to leave to the other evidence. Swapped names are counted once,
  on the given name: the family name's level for them is neither for nor against;
- date of birth: the same; day and month swapped; one digit mistyped;
- middle names, sex: the record's own fields;
- home: the address line and postcode as one piece of evidence (siblings and
  neighbours share both, so counting them apart counted one home twice): both the
  same (the address compared without spaces or punctuation), or nearly so (three
  words of the address in common, the postcode within one character); the address
  alone; the postcode alone; four words of the address in common; one character or
  the sector of the postcode;
- NHS number, and the graph's evidence, with fixed m: a shared household, a shared
  parent or carer, or clearly different parents (both recorded, none shared); the same
  school and GP practice, one of them, or a different school.

No level uses Jaro-Winkler: DuckDB's ``jaro_winkler_similarity`` and the function in
Splink's Spark jar give different values for one pair of strings (0.921 and 0.907 for
``mikhvyla`` and ``mikhayla``), so a pair near a level's threshold fell on either side
and the two backends found different pairs. Edit distances (Damerau-Levenshtein) and
exact comparisons give the same answer on both; the address has none (DuckDB's
``damerau_levenshtein`` took 75 times as long as Jaro-Winkler on address lines), only
exact comparison and words in common.

Learning. When the store holds at least ``TRAIN_MIN_CHILDREN`` children, the
u-probabilities of the record's own fields are estimated from ``U_MAX_PAIRS`` random
pairs (seeded), the m-probabilities by expectation maximisation (Splink's training) in
two sessions (blocked on date of birth, then on given and family name: each comparison
is free in one of them), term frequencies of given and family names are counted, and
the prior that two records are one child is estimated from the pairs that agree
exactly on name and date of birth, or on NHS number (taken to find ``PRIOR_RECALL`` of
the duplicates). The graph's comparisons keep the fixed m below (a store whose records
arrive without links teaches EM nothing about links), and take their u from the
store's own frequencies. Below that size the store is too small to learn from: every
m and u is the fixed value in ``COMPARISONS`` (set from the error rates children's
records carry), no term-frequency adjustment is made, and the prior assumes
``EXPECTED_DUPLICATE_RATE`` of records are a second record of a child; the report
says so.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tacgraph.errors import InvalidArgument

if TYPE_CHECKING:
    import pandas as pd
    from splink import Linker, SettingsCreator

TRAIN_MIN_CHILDREN = 1_000
U_MAX_PAIRS = 1e6
U_SEED = 7
PRIOR_RECALL = 0.6
EXPECTED_DUPLICATE_RATE = 0.01
BACKENDS = ("duckdb", "spark")
BACKEND_ENV = "TACGRAPH_DUPLICATES_BACKEND"
_DIALECTS = {"duckdb": "duckdb", "spark": "spark"}  # the SQL each backend speaks


@dataclass(frozen=True)
class Level:
    """One comparison level: how to build it (a Splink level creator, made when the
    linker is built), the evidence it is (None: the fields disagree), and its fixed m
    and u."""

    make: Callable[[], Any]
    evidence: str | None
    m: float
    u: float
    contrary: str | None = None
    """For a level that counts against one child: the evidence, in words."""
    fixed: bool = False
    """m and u kept at the values here, in a comparison otherwise learnt."""


@dataclass(frozen=True)
class Comparison:
    name: str
    null: Callable[[], Any]
    levels: tuple[Level, ...]
    trained: bool
    """Learnt from the store (u by random sampling, m by EM); else m fixed."""
    tf_column: str | None = None


def _cll() -> Any:
    import splink.comparison_level_library as cll

    return cll


def _exact(column: str, tf: bool = False) -> Callable[[], Any]:
    def make() -> Any:
        level = _cll().ExactMatchLevel(column)
        return level.configure(tf_adjustment_column=column) if tf else level

    return make


# Necessary conditions for two values to be one edit apart (Damerau-Levenshtein
# distance at most 1), cheap to test: a level asks them first, and the engine (DuckDB
# and Spark alike evaluate a CASE's conditions on the rows still undecided, the right of
# an AND only where the left holds) computes the distance only for the pairs that pass.
# They leave every level's answer as it was; they took the distances off most random
# pairs (u sampling and EM score a million and more), each of which cost as much as the
# rest of a pair's comparisons together.
#
# - ``ends``: one edit at position i leaves the part before i alone, so the first
#   characters agree unless i is 0; an edit at 0 leaves the last character alone, except
#   a swap of the two characters of a two-letter value.
# - ``date``: two ISO dates (YYYY-MM-DD, ten characters, the dashes in place) one edit
#   apart differ in one digit or one swap of neighbouring digits inside the year, the
#   month or the day: the year agrees, or the month and day do.
# - ``tail`` (postcodes, whose first characters a local authority's records share):
#   a substitution or swap leaves the last character alone, or touches only the last
#   two and leaves the rest (``sector``) alone; an insertion or deletion leaves the
#   last character alone, or is at the end, the shorter value then starting the
#   longer.
_GUARDS = {
    "ends": "substring({l}, 1, 1) = substring({r}, 1, 1) OR right({l}, 1) = right({r}, 1) "
    "OR least(length({l}), length({r})) <= 2",
    "date": "{dob_year_l} = {dob_year_r} OR {dob_day_l} = {dob_day_r}",
    "tail": "{sector_l} = {sector_r} OR right({l}, 1) = right({r}, 1) "
    "OR substring({l}, 1, length({r})) = {r} OR substring({r}, 1, length({l})) = {l}",
}


def one_edit_guard(column: str, kind: str) -> Any:
    """The level: ``column`` may be one edit apart on the two records (``_GUARDS``)."""
    from splink.internals.column_expression import ColumnExpression
    from splink.internals.comparison_level_creator import ComparisonLevelCreator
    from splink.internals.dialects import SplinkDialect

    class Guard(ComparisonLevelCreator):
        def create_sql(self, sql_dialect: SplinkDialect) -> str:
            names: dict[str, str] = {}
            for name in (column, "dob_year", "dob_day", "sector"):
                expr = ColumnExpression(name)
                expr.sql_dialect = sql_dialect
                key = "" if name == column else f"{name}_"
                names[f"{key}l"], names[f"{key}r"] = expr.name_l, expr.name_r
            return "(" + _GUARDS[kind].format(**names) + ")"

        def create_label_for_charts(self) -> str:
            return f"{column} may be one edit apart"

    return Guard()


def _one_edit(column: str, guard: str) -> Callable[[], Any]:
    """One edit apart (Damerau-Levenshtein), the guard asked first."""
    return lambda: _cll().And(
        one_edit_guard(column, guard), _cll().DamerauLevenshteinLevel(column, 1)
    )


def _misspelt(column: str, edits: int = 1) -> Callable[[], Any]:
    if edits == 1:
        return _one_edit(column, "ends")
    return lambda: _cll().DamerauLevenshteinLevel(column, edits)


def _near_postcode() -> Callable[[], Any]:
    return _one_edit("postcode", "tail")


def _intersect(column: str, at_least: int = 1) -> Callable[[], Any]:
    return lambda: _cll().ArrayIntersectLevel(column, at_least)


def _swapped() -> Any:
    """Given and family names swapped: one record's given name is the other's family
    name and the other way round, one of the two perhaps misspelt (one edit)."""
    from splink.internals.column_expression import ColumnExpression
    from splink.internals.comparison_level_creator import ComparisonLevelCreator
    from splink.internals.dialects import SplinkDialect

    class Swapped(ComparisonLevelCreator):
        def create_sql(self, sql_dialect: SplinkDialect) -> str:
            near = sql_dialect.damerau_levenshtein_function_name
            given, family = ColumnExpression("given"), ColumnExpression("family")
            given.sql_dialect = family.sql_dialect = sql_dialect
            return " OR ".join(
                f"({a.name_l} = {b.name_r} AND {near}({b.name_l}, {a.name_r}) <= 1)"
                for a, b in ((given, family), (family, given))
            )

        def create_label_for_charts(self) -> str:
            return "given and family names swapped"

    return Swapped()


def _null(*columns: str) -> Callable[[], Any]:
    def make() -> Any:
        cll = _cll()
        if len(columns) == 1:
            return cll.NullLevel(columns[0])
        return cll.And(*(cll.NullLevel(c) for c in columns))

    return make


def _else() -> Any:
    return _cll().ElseLevel()


def _known(column: str) -> Callable[[], Any]:
    def make() -> Any:
        cll = _cll()
        return cll.Not(cll.NullLevel(column))

    return make


def _both(*makers: Callable[[], Any]) -> Callable[[], Any]:
    return lambda: _cll().And(*(m() for m in makers))


def _compare(
    name: str,
    columns: tuple[str, ...],
    *levels: Level,
    otherwise: tuple[float, float, str | None],
    learnt: bool = True,
    tf: str | None = None,
) -> Comparison:
    """A comparison: unknown when any of ``columns`` is null on either side, then
    ``levels`` in order, then the else level (its m, u and contrary evidence)."""
    m, u, contrary = otherwise
    ending = Level(_else, None, m, u, contrary=contrary)
    return Comparison(name, _null(*columns), (*levels, ending), learnt, tf)


_DOB_DIGIT = Level(_one_edit("dob", "date"), "date of birth (one digit)", 0.03, 0.004)
_SCHOOL_AND_GP = _both(_exact("school_id"), _exact("gp_practice_id"))
_FORMS = "given name (nickname or preferred name)"

COMPARISONS: tuple[Comparison, ...] = (
    _compare(
        "given_name",
        ("given",),
        Level(_exact("given", tf=True), "given name", 0.86, 0.01),
        Level(_intersect("given_forms"), _FORMS, 0.06, 0.002),
        Level(_misspelt("given"), "given name (misspelt)", 0.02, 0.002),
        Level(_exact("given_key"), "given name (another spelling)", 0.03, 0.003),
        Level(_swapped, "given and family names swapped", 0.01, 0.0001),
        otherwise=(0.02, 0.98, None),
        tf="given",
    ),
    _compare(
        "family_name",
        ("family",),
        Level(_exact("family", tf=True), "family name", 0.85, 0.006),
        # Counted once, on the given name: here neither for nor against.
        Level(_swapped, None, 0.01, 0.01, fixed=True),
        Level(_misspelt("family"), "family name (misspelt)", 0.05, 0.001),
        Level(_exact("family_key"), "family name (another spelling)", 0.02, 0.002),
        Level(_misspelt("family", 2), "family name (misspelt twice)", 0.02, 0.003),
        Level(_intersect("family_tokens"), "family name (one of two)", 0.05, 0.001),
        otherwise=(0.03, 0.988, None),
        tf="family",
    ),
    _compare(
        "date_of_birth",
        ("dob",),
        Level(_exact("dob"), "date of birth", 0.9, 0.0002),
        Level(_exact("dob_key"), "date of birth (day and month swapped)", 0.05, 0.0001),
        _DOB_DIGIT,
        Level(_exact("dob_day"), "date of birth (day and month; year differs)", 0.005, 0.003),
        Level(_exact("dob_year"), "date of birth (year)", 0.005, 0.05),
        otherwise=(0.01, 0.94, None),
    ),
    _compare(
        "middle_names",
        ("middle",),
        Level(_exact("middle"), "middle names", 0.95, 0.01),
        Level(_misspelt("middle"), "middle names (misspelt)", 0.03, 0.002),
        otherwise=(0.02, 0.988, None),
    ),
    _compare(
        "sex", ("gender",), Level(_exact("gender"), "sex", 0.98, 0.5), otherwise=(0.02, 0.5, None)
    ),
    _compare(
        "home",
        ("address", "postcode"),
        Level(_both(_exact("address_key"), _exact("postcode")), "address and postcode", 0.6, 5e-5),
        Level(
            _both(_near_postcode(), _intersect("address_tokens", 3)),
            "address (three words in common) and postcode",
            0.25,
            1e-4,
        ),
        Level(_exact("address_key"), "address", 0.03, 2e-4),
        Level(_exact("postcode"), "postcode", 0.03, 0.001),
        Level(_intersect("address_tokens", 4), "address (four words in common)", 0.01, 3e-4),
        Level(_near_postcode(), "postcode (one character)", 0.02, 0.002),
        Level(_exact("sector"), "postcode sector", 0.03, 0.02),
        otherwise=(0.012, 0.977, "different address and postcode"),
    ),  # fmt: skip
    _compare(
        "nhs_number",
        ("nhs",),
        Level(_exact("nhs"), "NHS number", 0.98, 1e-6),
        otherwise=(0.02, 0.999999, "different NHS numbers"),
        learnt=False,
    ),
    _compare(
        "family",
        ("household_id", "family_ids"),
        Level(_exact("household_id"), "household", 0.6, 1e-4),
        Level(_intersect("family_ids"), "parent or carer", 0.3, 1e-4),
        Level(_known("family_ids"), None, 0.01, 0.98, contrary="different parents or carers"),
        otherwise=(0.07, 0.98, "different household"),
        learnt=False,
    ),
    _compare(
        "school_and_gp",
        ("school_id", "gp_practice_id"),
        Level(_SCHOOL_AND_GP, "school and GP practice", 0.6, 0.001),
        Level(_exact("school_id"), "school", 0.1, 0.01),
        Level(_exact("gp_practice_id"), "GP practice", 0.2, 0.02),
        Level(_known("school_id"), None, 0.02, 0.95, contrary="different school"),
        otherwise=(0.06, 0.95, "different GP practice"),
        learnt=False,
    ),
)

BLOCKING: tuple[tuple[str, ...], ...] = (
    ("dob",),
    ("postcode",),
    ("dob_key", "given_key"),
    ("dob_key", "family_key"),
    ("sector", "given_key"),
    ("sector", "family_key"),
    ("given_key", "family_key"),
    ("postcode", "given_key"),
    ("postcode", "family_key"),
    ("address",),
    ("nhs",),
    ("household_id",),
)


# Two records holding different NHS numbers are two children (an NHS number is one
# child's, and the store takes only numbers that pass the modulus 11 check, which every
# single mistyped digit and every swap of neighbouring digits fails: two stored numbers
# are never one slip apart). Such pairs are left out of the candidate pairs rather than
# scored and set aside: at 300,000 children they were about 137,000 of the pairs scored
# above the threshold, and most of the pairs blocked.
NHS_NOT_DIFFERENT = "(l.nhs IS NULL OR r.nhs IS NULL OR l.nhs = r.nhs)"


def blocking_rules() -> list[Any]:
    """The rules that make the candidate pairs: each of ``BLOCKING``, less the pairs
    whose NHS numbers differ (``NHS_NOT_DIFFERENT``)."""
    from splink import block_on
    from splink.blocking_rule_library import And, CustomRule

    return [And(block_on(*cols), CustomRule(NHS_NOT_DIFFERENT)) for cols in BLOCKING]


def evidence_by_level() -> dict[str, dict[int, tuple[str | None, str | None]]]:
    """For each comparison, each level's (agreeing evidence, contrary evidence) by its
    Splink level number (the else level is 0; unknown is -1)."""
    return {
        c.name: {
            len(c.levels) - 1 - i: (level.evidence, level.contrary)
            for i, level in enumerate(c.levels)
        }
        for c in COMPARISONS
    }


def level_conditions(backend_name: str) -> list[str]:
    """The SQL condition of every comparison level, as Splink writes it for
    ``backend_name`` (``duckdb`` or ``spark``): what each level asks of the engine."""
    from splink.internals.dialects import SplinkDialect

    dialect = SplinkDialect.from_string(backend_name)
    return [level.make().create_sql(dialect) for c in COMPARISONS for level in c.levels]


def backend(value: str | None) -> str:
    """The backend to run the linkage on: ``value``, else ``$TACGRAPH_DUPLICATES_BACKEND``,
    else DuckDB. Raises InvalidArgument for another name."""
    chosen = (value or os.environ.get(BACKEND_ENV) or "duckdb").strip().lower()
    if chosen not in BACKENDS:
        raise InvalidArgument(f"duplicates backend {chosen!r} is not one of {', '.join(BACKENDS)}")
    return chosen


def prior(children: int) -> float:
    """The fixed prior that two records are one child: ``EXPECTED_DUPLICATE_RATE`` of
    records are a second record."""
    pairs = max(1.0, children * (children - 1) / 2)
    return min(0.5, EXPECTED_DUPLICATE_RATE * max(children, 2) / pairs)


def _comparisons(graph_u: Mapping[str, Mapping[str, float]], trained: bool) -> list[Any]:
    """Splink comparisons from ``COMPARISONS``: the graph's fixed (m and u; u counted
    from the store where given), the rest free to learn; term-frequency adjustment only
    when the model is trained."""
    import splink.comparison_library as cl

    out: list[Any] = []
    for comp in COMPARISONS:
        counted = graph_u.get(comp.name, {})
        creators: list[Any] = [comp.null().configure(is_null_level=True)]
        for i, level in enumerate(comp.levels):
            creator = level.make()
            if i == 0 and comp.tf_column and not trained:
                creator = _cll().ExactMatchLevel(comp.tf_column)
            fixed = not comp.trained or level.fixed
            creators.append(
                creator.configure(
                    m_probability=level.m,
                    u_probability=counted.get(level.evidence or "", level.u),
                    fix_m_probability=fixed,
                    fix_u_probability=fixed,
                    label_for_charts=level.evidence or level.contrary or "else",
                )
            )
        out.append(cl.CustomComparison(creators, output_column_name=comp.name))
    return out


def graph_u(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    """u of the graph's agreeing levels, counted from the records: how often two
    different children share a household, a parent or carer, a school, a GP practice."""

    def agreement(*columns: str) -> float:
        known = table.dropna(subset=list(columns))
        if len(known) < 2:
            return 0.0
        shares = known.groupby(list(columns)).size() / len(known)
        return float((shares * shares).sum())

    def family_share() -> float:
        members = table["family_ids"].dropna().explode()
        if members.empty:
            return 0.0
        sizes = members.value_counts()
        n = len(table)
        return float((sizes * (sizes - 1)).sum() / max(1, n * (n - 1)))

    tiny = 1e-7
    both = agreement("school_id", "gp_practice_id")
    return {
        "nhs_number": {"NHS number": max(tiny, agreement("nhs"))},
        "family": {
            "household": max(tiny, agreement("household_id")),
            "parent or carer": max(tiny, family_share()),
        },
        "school_and_gp": {
            "school and GP practice": max(tiny, both),
            "school": max(tiny, agreement("school_id") - both),
            "GP practice": max(tiny, agreement("gp_practice_id") - both),
        },
    }


def _api(name: str) -> Any:
    if name == "spark":
        from tacgraph.duplicates.spark import spark_api

        return spark_api()
    from splink import DuckDBAPI

    return DuckDBAPI()


def _register(api: Any, name: str, table: pd.DataFrame) -> Any:
    if name == "spark":
        from tacgraph.duplicates.spark import to_spark

        return api.register(to_spark(table))
    return api.register(table)


@contextmanager
def quiet() -> Iterator[None]:
    """Splink reports its progress on its loggers; keep that off the terminal."""
    logger = logging.getLogger("splink")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@dataclass(frozen=True)
class Trained:
    """What the model learnt, or did not."""

    trained: bool
    prior: float
    note: str


@functools.cache
def _fixed_comparisons(dialect: str) -> str:
    """The comparisons with the fixed values (an untrained model), as Splink's settings
    JSON in ``dialect``'s SQL. Splink writes each level's SQL through sqlglot whenever a
    linker is made from creators: 0.06 s of a 25-children duplicate audit's 0.29 s,
    and the same text every time; from this JSON it takes the SQL as written."""
    return json.dumps([c.create_comparison_dict(dialect) for c in _comparisons({}, False)])


def settings_for(
    table: pd.DataFrame,
    *,
    train: bool,
    blocking: Sequence[Any] | None = None,
    population: int | None = None,
    dialect: str = "duckdb",
) -> SettingsCreator:
    """The linker's settings over ``table`` in ``dialect`` (Splink's name for the
    backend's SQL): the comparisons (with term frequencies and the graph's u taken from
    the table when ``train``), the blocking rules (``blocking``, else
    :func:`blocking_rules`) and the prior for ``population`` children (else the
    table's)."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=(
            _comparisons(graph_u(table), True) if train else json.loads(_fixed_comparisons(dialect))
        ),
        blocking_rules_to_generate_predictions=(
            blocking_rules() if blocking is None else list(blocking)
        ),
        probability_two_random_records_match=prior(population or len(table)),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
    )


def linker(
    table: pd.DataFrame,
    *,
    train: bool,
    backend_name: str = "duckdb",
    blocking: Sequence[Any] | None = None,
    population: int | None = None,
) -> tuple[Linker, Trained]:
    """A Splink linker over ``table``, trained on it when ``train`` (see the module's
    docstring), else with the fixed values.

    Splink's check of the settings against the table's columns is not run here: it
    only logs warnings (which :func:`quiet` keeps off the terminal) and parsed every
    comparison's SQL again, about a third of a small store's duplicate audit (0.14 of
    0.43 s at 25 children). The settings and the table are both this module's and
    ``features``'s own; the tests run the check on each kind of settings and fail on
    any warning it gives (``tests/test_duplicates_blocking.py``)."""
    from splink import Linker, block_on

    children = population or len(table)
    settings = settings_for(
        table,
        train=train,
        blocking=blocking,
        population=population,
        dialect=_DIALECTS[backend_name],
    )
    sessions = (
        (block_on("dob"), "date of birth", True),
        (block_on("given_key", "family_key"), "given and family name", False),
    )
    skipped: list[str] = []
    while True:
        api = _api(backend_name)
        with quiet():
            link = Linker(
                _register(api, backend_name, table),
                settings,
                log_level=None,
                validate_settings=False,
            )
            if not train:
                return link, Trained(
                    False,
                    prior(children),
                    f"fixed m and u: {children:,} children are too few to learn from "
                    f"(at least {TRAIN_MIN_CHILDREN:,} are needed)",
                )
            training = link.training
            training.estimate_probability_two_random_records_match(
                [block_on("given", "family", "dob"), block_on("nhs")], recall=PRIOR_RECALL
            )
            training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=U_SEED)
            failed = None
            for rule, name, populate in sessions:
                if name in skipped:
                    continue
                try:
                    training.estimate_parameters_using_expectation_maximisation(
                        rule,
                        estimate_without_term_frequencies=True,
                        populate_probability_two_random_records_match_from_trained_values=populate,
                    )
                except ValueError:
                    # Splink refuses an m of 0 for a level no match reaches in the
                    # session's pairs, having set some levels already: train afresh
                    # without that session, and say so in the report.
                    failed = name
                    break
            if failed is None:
                break
            skipped.append(failed)
    with quiet():
        learnt = float(link._settings_obj._probability_two_random_records_match)
    return link, Trained(
        True,
        learnt,
        f"learnt from the store's {children:,} children: u from {int(U_MAX_PAIRS):,} random "
        "pairs, m by expectation maximisation, term frequencies of given and family "
        "names; graph evidence with fixed m"
        + (
            f" (the EM session blocked on {' and on '.join(skipped)} found a level no match "
            "reaches and was not used: those m keep their fixed values)"
            if skipped
            else ""
        ),
    )


def score(
    table: pd.DataFrame,
    min_probability: float,
    *,
    train: bool,
    backend_name: str = "duckdb",
    blocking: Sequence[Any] | None = None,
    population: int | None = None,
) -> tuple[pd.DataFrame, Trained]:
    """Scored candidate pairs at or above ``min_probability``: the two ids, the match
    probability and each comparison's level (``gamma_<comparison>``)."""
    link, trained = linker(
        table, train=train, backend_name=backend_name, blocking=blocking, population=population
    )
    with quiet():
        found = link.inference.predict(
            threshold_match_probability=min_probability, warning_mode="never"
        )
        scored: pd.DataFrame = found.as_pandas_dataframe()  # type: ignore[no-untyped-call]
        found.drop_table_from_database_and_remove_from_cache()
    return scored, trained
