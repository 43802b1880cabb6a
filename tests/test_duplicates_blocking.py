"""What the matcher leaves out before it scores: pairs holding different NHS numbers, and
the edit distances a cheap test shows cannot be one edit (the guards of
:mod:`tacgraph.duplicates.model`), run on DuckDB against the distance itself."""

from __future__ import annotations

import logging
import random
import string
from datetime import date, timedelta
from typing import Any

import duckdb  # noqa: TID251 - the guards' SQL, run on the engine that runs the matcher
import pytest

from tacgraph.duplicates import features, model, nickname_groups
from tacgraph.model import POSTCODE_RE, nhs_number_is_valid


def one_edit(value: str, alphabet: str) -> set[str]:
    """Every value one substitution, insertion, deletion or swap of neighbours away."""
    out: set[str] = set()
    for i in range(len(value) + 1):
        for ch in alphabet:
            out.add(value[:i] + ch + value[i:])
            if i < len(value):
                out.add(value[:i] + ch + value[i + 1 :])
        if i < len(value):
            out.add(value[:i] + value[i + 1 :])
        if i < len(value) - 1:
            out.add(value[:i] + value[i + 1] + value[i] + value[i + 2 :])
    out.discard(value)
    return out


def _iso(value: str) -> bool:
    try:
        return date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _guard_and_distance(column: str, kind: str, pairs: list[tuple[str, str]]) -> list[tuple]:
    """Each pair with whether the guard passes it and its Damerau-Levenshtein distance
    on DuckDB (the columns the guards read made as the linkage table makes them)."""
    from splink.internals.dialects import SplinkDialect  # noqa: TID251

    sql = model.one_edit_guard(column, kind).create_sql(SplinkDialect.from_string("duckdb"))
    rows = []
    for a, b in pairs:
        extra: list[str | None] = [None] * 4
        if kind == "date":
            extra = [a[:4], b[:4], a[5:], b[5:]]
        row = (a, b, a[:-2], b[:-2], *extra)
        rows.append(row)
    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE p ({column}_l VARCHAR, {column}_r VARCHAR, sector_l VARCHAR, "
        "sector_r VARCHAR, dob_year_l VARCHAR, dob_year_r VARCHAR, dob_day_l VARCHAR, "
        "dob_day_r VARCHAR)"
    )
    con.executemany("INSERT INTO p VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return con.execute(
        f"SELECT {column}_l, {column}_r, COALESCE({sql}, false), "
        f"damerau_levenshtein({column}_l, {column}_r) FROM p"
    ).fetchall()


NAMES = ["al", "jo", "ed", "amy", "ava", "eve", "liam", "noah", "isla", "olivia",
         "mohammed", "o'neill", "smith-jones", "ng", "li", "a", "zoë", "ahmed khan"]  # fmt: skip


@pytest.mark.parametrize(
    ("column", "kind", "values", "alphabet", "valid"),
    [
        ("given", "ends", NAMES, string.ascii_lowercase + "'- ë", lambda v: bool(v)),
        (
            "dob",
            "date",
            ["2010-01-02", "2019-12-31", "2008-11-11", "2021-02-28", "2015-10-01"],
            string.digits,
            _iso,
        ),
        (
            "postcode",
            "tail",
            ["LS11AA", "LS287QT", "M11AE", "SW1A1AA", "B338TH", "EC1A1BB"],
            string.ascii_uppercase + string.digits,
            lambda v: POSTCODE_RE.match(v) is not None,
        ),
    ],
)
def test_a_guard_passes_every_pair_one_edit_apart(
    column: str, kind: str, values: list[str], alphabet: str, valid: object
) -> None:
    """The guard in front of a one-edit level never turns away a pair one edit apart,
    so the level says what it said without it; and it turns away most other pairs,
    which is what it is for."""
    assert callable(valid)
    near = [(v, w) for v in values for w in sorted(one_edit(v, alphabet)) if valid(w)]
    rng = random.Random(3)
    far = [(v, w) for v in values for w in values if v != w]
    if kind == "ends":
        names = sorted({n for group in nickname_groups() for n in group})
        far = [(rng.choice(names), rng.choice(names)) for _ in range(300)]
    elif kind == "date":
        far = [
            (d.isoformat(), (d + timedelta(days=rng.randint(1, 4000))).isoformat())
            for d in (date(2005, 1, 1) + timedelta(days=rng.randint(0, 6000)) for _ in range(300))
        ]
    found = _guard_and_distance(column, kind, near + far)
    missed = [(a, b) for a, b, passed, distance in found if distance <= 1 and not passed]
    assert len(near) > 50 and not missed
    turned_away = [1 for *_, passed, distance in found[len(near) :] if not passed]
    assert len(turned_away) > len(far) / 2


def test_a_mistyped_nhs_number_is_never_another_valid_one() -> None:
    """Why two different NHS numbers are two children, decided before scoring: a number
    the store holds passed the modulus 11 check, which every single mistyped digit and
    every swap of neighbouring digits fails. So no two valid numbers are one slip apart."""
    rng = random.Random(11)
    numbers: list[str] = []
    while len(numbers) < 300:
        candidate = "".join(rng.choice(string.digits) for _ in range(10))
        if nhs_number_is_valid(candidate):
            numbers.append(candidate)
    slips = {
        slip
        for number in numbers
        for slip in one_edit(number, string.digits)
        if len(slip) == len(number)
    }
    assert len(slips) > 25_000
    assert not [s for s in slips if nhs_number_is_valid(s)]


def test_pairs_with_different_nhs_numbers_are_not_candidates() -> None:
    """Every blocking rule leaves out the pairs whose NHS numbers differ (both
    recorded), and keeps those with one unrecorded or both the same."""
    rules = [r.get_blocking_rule("duckdb").blocking_rule_sql for r in model.blocking_rules()]
    assert len(rules) == len(model.BLOCKING)
    con = duckdb.connect()
    con.execute("CREATE TABLE t (id INT, dob VARCHAR, postcode VARCHAR, nhs VARCHAR)")
    con.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?)",
        [
            (1, "2015-03-04", "LS11AA", "9434765919"),
            (2, "2015-03-04", "LS11AA", "4010232137"),
            (3, "2015-03-04", "LS11AA", None),
            (4, "2015-03-04", "LS11AA", "9434765919"),
        ],
    )
    for sql in rules[:2]:  # date of birth; postcode
        found = con.execute(f"SELECT l.id, r.id FROM t l JOIN t r ON l.id < r.id AND {sql}")
        assert sorted(found.fetchall()) == [(1, 3), (1, 4), (2, 3), (3, 4)]


def _settings_warnings(table: Any, settings: Any, caplog: pytest.LogCaptureFixture) -> list[str]:
    """What Splink's check of ``settings`` against ``table``'s columns warns of (the
    linker skips that check: :func:`tacgraph.duplicates.model.linker`)."""
    from splink import DuckDBAPI, Linker  # noqa: TID251 - Splink's own check, run as the linker would

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="splink"):
        Linker(DuckDBAPI().register(table), settings, log_level=None, validate_settings=True)
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def _table() -> Any:
    rows = [
        {"id": "CH-1", "given_name": "Sally", "family_name": "Carter", "gender": "female",
         "date_of_birth": date(2015, 3, 4), "postcode": "LS1 1AA", "nhs_number": "9434765919",
         "address_line": "1 Park Lane"},
        {"id": "CH-2", "given_name": "Sal", "family_name": "Carter-Smith", "gender": "female",
         "date_of_birth": date(2015, 4, 3), "postcode": "LS1 1AB", "middle_names": "Ann"},
    ]  # fmt: skip
    links = {"CH-1": {"household_id": "HH-1", "family_ids": {"FM-1"}, "school_id": "AG-1"}}
    return features.frame(rows, links, probe="CH-1")


@pytest.mark.parametrize(
    ("train", "blocking"),
    [(False, None), (True, None), (False, ["l.probe OR r.probe"])],
    ids=["fixed", "trained", "one child"],
)
def test_the_linker_settings_name_only_the_tables_columns(
    train: bool, blocking: list[str] | None, caplog: pytest.LogCaptureFixture
) -> None:
    """Every kind of settings the audit builds (fixed values, trained, one child's
    candidates) passes Splink's check against the linkage table's columns: the linker
    skips the check, so a comparison or blocking rule naming a column the table lacks
    would otherwise go unseen until it failed."""
    table = _table()
    settings = model.settings_for(table, train=train, blocking=blocking)
    assert _settings_warnings(table, settings, caplog) == []
    # The check finds what it is there for: a column the table does not have.
    wrong = model.settings_for(table, train=train, blocking=["l.no_such_column = r.no_such_column"])
    assert any("no_such_column" in w for w in _settings_warnings(table, wrong, caplog))
