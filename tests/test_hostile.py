"""Hostile input: the importer and every CLI argument that reaches a query, fuzzed on
both engines. Each input is refused with a clear error (a documented exit code, a
one-line message, no traceback) or kept as plain data; nothing is deleted; and the only
Cypher that ever runs is a named query or a template filled from the schema.

TACGRAPH_FUZZ_EXAMPLES raises the number of examples per property (default 25).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import ENGINES, SALLY, wipe
from tacgraph import queries
from tacgraph.cli import common, exits
from tacgraph.cli.app import app
from tacgraph.config import StoreConfig
from tacgraph.errors import InvalidInput, QueryError, UnreadableFile
from tacgraph.export import canonical_hash
from tacgraph.importer import import_files
from tacgraph.queries import Engine
from tacgraph.schema import graph_schema
from tacgraph.store import Store, open_store
from tacgraph.store.base import Stats

EXAMPLES = int(os.environ.get("TACGRAPH_FUZZ_EXAMPLES", "25"))
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # Shrinking a failure through a real store can take many minutes; the failing
    # example is still printed as found.
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
# A CLI example runs seven commands, each opening the store: fewer of them.
cli_fuzz = settings(fuzz, max_examples=max(EXAMPLES // 3, 1))
runner = CliRunner()

# Text written to look like Cypher, template placeholders and parameters.
CYPHERISH = (
    "'}) DETACH DELETE n //",
    '"}) MATCH (n) DETACH DELETE n //',
    "CH-SALLY'}) MATCH (n) DETACH DELETE n RETURN 1 AS x //",
    "x` DETACH DELETE n //",
    "`Child`",
    "$child_id",
    "$param",
    "{{label}}",
    "{{rel_type}}}",
    "CH-SALLY\nMATCH (n) DETACH DELETE n",
    "*/ MATCH (n) DETACH DELETE n /*",
    "\\'; DROP CONSTRAINT child_id //",
    "CALL db.clearQueryCaches()",
)
# Text that rich would read as markup if it were not printed as written.
MARKUP = (
    "[/]",
    "[bold]x[/bold]",
    "[urgent] visit",
    "[link=https://example.org]x[/link]",
    "[/bold] x",
)
ODD = (
    "\x00",
    "a\x00b",
    "\u202eRTL\u202c",
    "\u200f\u200e",
    "e\u0301\u0327\u0336",
    "\U0001f600\U0001f9d1\u200d\U0001f9d2",
    "\ufeff",
    "\ud800",  # a lone surrogate: JSON can carry it, UTF-8 cannot
    "\r\n\t",
    "",
    " ",
)
HUGE = 100_000


def _huge(chunk: str) -> str:
    return (chunk * (HUGE // max(len(chunk), 1) + 1))[:HUGE]


hostile_text: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(CYPHERISH),
    st.sampled_from(MARKUP),
    st.sampled_from(ODD),
    st.text(max_size=40),
    st.builds(lambda a, b: a + b, st.sampled_from(CYPHERISH), st.sampled_from(ODD)),
    st.sampled_from(("x", "'", "\u202e", "\U0001f600")).map(_huge),
)
wrong_type: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.just({"$gt": ""}),
)


# --- the texts allowed to run ---------------------------------------------------------


def _fills(name: str, engine: Engine) -> list[Callable[[], str]]:
    schema = graph_schema()
    fills: list[Callable[[], str]] = []
    for node in schema.nodes:
        fills.append(partial(queries.node_query, name, engine, node.label))
        fills.append(partial(queries.index_query, name, engine, node.label))
    for edge in schema.edges:
        fills.append(partial(queries.edge_query, name, engine, edge))
    for label, prop in schema.indexes:
        fills.append(partial(queries.index_query, name, engine, label, prop))
    return fills


@cache
def allowed_texts(engine: Engine) -> frozenset[str]:
    """Every named query body for ``engine`` and every template filled from the schema,
    plus the few fixed statements the stores run themselves."""
    schema = graph_schema()
    texts: set[str] = {"BEGIN TRANSACTION", "COMMIT", "ROLLBACK", "CALL db.awaitIndexes(300)"}
    names = {qf.name for qf in queries.all_query_files() if qf.engine in (None, engine)}
    for name in names:
        qf = queries.query_file(name, engine)
        if not qf.template:
            texts.add(qf.body)
            continue
        for fill in _fills(name, engine):
            try:
                texts.add(fill())
            except QueryError:  # not a template of this kind
                continue
    for rel in schema.rels:
        texts |= {queries.rel_count_query(engine, rel, pair) for pair in rel.pairs}
        if engine == "embedded":
            texts.add(queries.rel_table_query(rel))
    return frozenset(texts)


@dataclass
class Recorder:
    """Every Cypher text a store ran, per engine."""

    texts: list[tuple[Engine, str]] = field(default_factory=list)

    def watch(self, store: Store) -> Store:
        run = store.run
        query_many = store.query_many
        query_once = store.query_once
        engine = store.engine

        def recorded_run(text: str, params: Mapping[str, Any] | None = None) -> list[Any]:
            self.texts.append((engine, text))
            return run(text, params)

        def recorded_many(
            calls: Sequence[tuple[str, Mapping[str, Any]]], *, short: bool = False
        ) -> list[list[Any]]:
            # Neo4j runs these in one transaction, not through run(): the texts are the
            # named queries' own, so record those.
            self.texts += [(engine, queries.named(name, engine)) for name, _ in calls]
            return query_many(calls, short=short)

        def recorded_once(name: str, params: Mapping[str, Any] | None = None) -> list[Any]:
            # Neo4j runs it in a session of its own, not through run().
            self.texts.append((engine, queries.named(name, engine)))
            return query_once(name, params)

        store.run = recorded_run  # type: ignore[method-assign]
        store.query_many = recorded_many  # type: ignore[method-assign]
        store.query_once = recorded_once  # type: ignore[method-assign]
        return store

    @staticmethod
    def unwatch(store: Store) -> None:
        vars(store).pop("run", None)
        vars(store).pop("query_many", None)
        vars(store).pop("query_once", None)

    def assert_only_named(self, *inputs: str) -> None:
        assert self.texts, "no query was recorded: the recorder is not wired in"
        for engine, text in self.texts:
            assert text in allowed_texts(engine), f"an unnamed query ran on {engine}:\n{text}"
        self.texts.clear()


def test_recorder_catches_an_unnamed_query(tmp_path: Path) -> None:
    recorder = Recorder()
    store = recorder.watch(open_store(StoreConfig(db_path=tmp_path / "db")))
    try:
        store.init_schema()
        recorder.assert_only_named()
        store.run("MATCH (n:Child {id: 'x'}) RETURN n.id AS id")
        with pytest.raises(AssertionError, match="unnamed query"):
            recorder.assert_only_named()
    finally:
        store.close()


# --- the importer ---------------------------------------------------------------------


def _sally_child() -> dict[str, Any]:
    child: dict[str, Any] = json.loads(SALLY.read_text(encoding="utf-8"))["children"][0]
    return child


CHILD_FIELDS = tuple(_sally_child()) + ("looked_after", "unknown_field")


def _write_records(path: Path, fmt: str, records: list[dict[str, Any]]) -> Path:
    if fmt == "json":
        out = path / "hostile.json"
        out.write_text(json.dumps({"children": records}), encoding="utf-8")
    elif fmt == "jsonl":
        out = path / "hostile.jsonl"
        lines = [json.dumps({"type": "Child", "record": r}) for r in records]
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        out = path / "children.csv"
        columns = sorted({k for r in records for k in r})
        with out.open("w", encoding="utf-8", newline="", errors="surrogatepass") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            for r in records:
                writer.writerow(
                    {k: v if isinstance(v, str) else json.dumps(v) for k, v in r.items()}
                )
    return out


def _sally_rows(store: Store) -> dict[str, dict[str, Any]]:
    doc = json.loads(SALLY.read_text(encoding="utf-8"))
    rows: dict[str, dict[str, Any]] = {}
    for node in graph_schema().nodes:
        ids = [r["id"] for r in doc.get(node.collection, [])]
        rows[node.label] = store.nodes_by_id(node.label, ids)
    return rows


@pytest.fixture
def with_sally(store: Store) -> Store:
    import_files(store, [SALLY])
    return store


@fuzz
@given(
    fmt=st.sampled_from(("json", "jsonl", "csv")),
    name=st.sampled_from(CHILD_FIELDS),
    value=st.one_of(hostile_text, wrong_type),
    rid=hostile_text,
)
@example(fmt="json", name="family_name", value=_huge("x"), rid="indexed-huge")
@example(fmt="csv", name="given_name", value=CYPHERISH[0], rid="$param")
@example(fmt="jsonl", name="given_name", value="\ud800", rid="surrogate")
@example(fmt="csv", name="address_line", value="a\x00b\u202e", rid="{{label}}")
def test_hostile_records_are_refused_or_stored_as_plain_data(
    with_sally: Store, tmp_path: Path, fmt: str, name: str, value: Any, rid: str
) -> None:
    store = with_sally
    before_rows = _sally_rows(store)
    before_stats = store.stats()
    before_hash = canonical_hash(store)
    record = {**_sally_child(), "id": "FUZZ-" + rid, name: value}
    if name == "id":
        record["id"] = value
    path = _write_records(tmp_path, fmt, [record])
    recorder = Recorder()
    recorder.watch(store)
    try:
        import_files(store, [path])
    except InvalidInput as exc:
        # Refused: the error names the file; unless the file is unreadable as a whole, each
        # problem is located in it and one names the hostile field (or the hostile id).
        if isinstance(exc, UnreadableFile):
            assert str(path) in str(exc)
        else:
            assert exc.problems, "refused without naming a problem"
            assert all(str(path) in p.location for p in exc.problems)
            fields = [p.field for p in exc.problems]
            assert name in fields or "id" in fields, f"no problem names {name}: {fields}"
        assert store.stats() == before_stats
        assert canonical_hash(store) == before_hash
    else:
        # A CSV cell holds text: other values are written as JSON, and cells are trimmed.
        rid_in = record["id"] if isinstance(record["id"], str) else json.dumps(record["id"])
        expected_id = rid_in.strip() if fmt == "csv" else record["id"]
        stored = store.nodes_by_id("Child", [str(expected_id)])
        assert list(stored) == [expected_id]
        if isinstance(value, str) and name in ("given_name", "family_name", "address_line"):
            expected = (value.strip() or None) if fmt == "csv" else value
            assert stored[str(expected_id)][name] == expected, "stored text differs from input"
    finally:
        recorder.unwatch(store)
    recorder.assert_only_named()
    assert _sally_rows(store) == before_rows


# --- the command line -----------------------------------------------------------------


@dataclass
class Cli:
    engine: str
    args: list[str]
    env: dict[str, str]
    config: StoreConfig
    recorder: Recorder

    def invoke(self, *argv: str) -> tuple[int, str, str]:
        result = runner.invoke(app, list(argv), env=self.env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"{argv[:2]} crashed: {result.exception!r}")
        return result.exit_code, result.stdout, result.stderr

    def snapshot(self) -> tuple[Stats, str]:
        with open_store(self.config) as s:
            return s.stats(), canonical_hash(s)


@pytest.fixture(params=ENGINES)
def cli(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Cli]:
    """Sally in a store of each engine, a recorder on every store the CLI opens."""
    if request.param == "embedded":
        db = tmp_path / "db"
        config = StoreConfig(db_path=db)
        args = ["--db", str(db)]
        env = {"TACGRAPH_DEBUG": ""}
    else:
        uri = request.getfixturevalue("_neo4j_checked")
        config = StoreConfig(kind="neo4j", uri=uri)
        args = ["--store", "neo4j"]
        env = {"NEO4J_URI": uri, "TACGRAPH_DEBUG": ""}
    with open_store(config) as s:
        if s.engine == "neo4j":
            wipe(s)
        s.init_schema()
        import_files(s, [SALLY])
    recorder = Recorder()
    monkeypatch.setattr(common, "open_store", lambda c, **kw: recorder.watch(open_store(c, **kw)))
    yield Cli(request.param, args, env, config, recorder)
    if request.param == "neo4j":
        with open_store(config) as s:
            wipe(s)


DOCUMENTED = {exits.INVALID_INPUT, exits.NOT_FOUND, exits.ACCESS_DENIED}


def _is_text(*values: str) -> bool:
    try:
        for value in values:
            value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _clear_error(code: int, out: str, err: str, allowed: set[int]) -> None:
    assert code in allowed, f"exit {code}; stderr: {err[:500]}"
    assert "Traceback" not in err + out
    if code not in (exits.OK, exits.NOT_KNOWN):  # "not known" is an answer, not an error
        assert "Error: " in err


@cli_fuzz
@given(child=hostile_text, requester=hostile_text, purpose=hostile_text)
def test_hostile_lookup_arguments(cli: Cli, child: str, requester: str, purpose: str) -> None:
    before = cli.snapshot()
    day = "--as-of=2026-11-23"
    calls: list[tuple[list[str], set[int]]] = [
        # an unknown child for a real requester: answered as "not known" (exit 8), echoing
        # the id; with no purpose, a child the requester is not involved with is refused
        (
            ["who-else", "--as=PR-HOY", f"--purpose={purpose}", day, "--json", "--", child],
            {0, exits.NOT_KNOWN} | ({exits.INVALID_INPUT} if not purpose.strip() else set()),
        ),
        # a hostile requester: refused, and the refusal is audited
        (["who-else", f"--as={requester}", day, "--json", "--", "CH-SALLY"], DOCUMENTED),
        (["timeline", f"--as={requester}", day, "--json", "--", child], DOCUMENTED),
        (["timeline", "--as=PR-HOY", day, "--json", "--", child], DOCUMENTED),
        (["caf", "check", f"--as={requester}", day, "--json", "--", child], DOCUMENTED | {0}),
        (
            [
                "audit",
                "access",
                "--as=PR-IG-OFFICER",
                "--purpose=review",
                f"--practitioner={requester}",
                f"--child={child}",
                "--json",
            ],
            {0},
        ),
        (
            ["audit", "practice", "--as=PR-HOY", f"--check={purpose}", "--json"],
            {exits.USAGE} | DOCUMENTED,
        ),
    ]
    for argv, allowed in calls:
        command = argv[: argv.index("--")] if "--" in argv else argv
        rest = argv[len(command) :]
        code, out, err = cli.invoke(*command, *cli.args, *rest)
        if not _is_text(*argv):  # not UTF-8: refused before any store is opened
            _clear_error(code, out, err, {exits.INVALID_INPUT})
            continue
        _clear_error(code, out, err, allowed)
        if argv[0] == "who-else" and argv[1] == "--as=PR-HOY" and code != exits.INVALID_INPUT:
            answer = json.loads(out)
            assert answer["child_id"] == child and answer["known"] is (child == "CH-SALLY")
        if argv[:2] == ["audit", "access", "--as=PR-IG-OFFICER", "--purpose=review"]:
            entries = json.loads(out)["entries"]
            # an empty filter means "no filter"
            assert not requester or all(e["requester_id"] == requester for e in entries)
            assert not child or all(e["child_id"] == child for e in entries)
            if requester == "PR-HOY":
                assert any(e["purpose"] == purpose for e in entries)
    if _is_text(child, requester, purpose):
        cli.recorder.assert_only_named()
    assert cli.snapshot() == before


@cli_fuzz
@given(purpose=hostile_text)
@example(purpose="[/]")
def test_a_hostile_purpose_is_logged_as_written(cli: Cli, purpose: str) -> None:
    code, out, err = cli.invoke(
        "who-else", "CH-SALLY", "--as=PR-HOY", f"--purpose={purpose}", "--as-of=2026-11-23",
        "--json", *cli.args,
    )  # fmt: skip
    if not _is_text(purpose):
        _clear_error(code, out, err, {exits.INVALID_INPUT})
        return
    _clear_error(code, out, err, {0})
    assert json.loads(out)["known"] is True
    review = ("audit", "access", "--as=PR-IG-OFFICER", "--purpose=review", "--practitioner=PR-HOY")
    code, out, err = cli.invoke(*review, "--json", *cli.args)
    _clear_error(code, out, err, {0})
    assert json.loads(out)["entries"][-1]["purpose"] == purpose
    # the table too: the purpose is shown, never read as markup ("[/]" stopped it)
    code, out, err = cli.invoke(*review, *cli.args)
    _clear_error(code, out, err, {0})
    cli.recorder.assert_only_named()


def test_a_rejected_record_is_named_as_written(tmp_path: Path) -> None:
    """The importer names each rejected record on stderr; an id that looks like rich
    markup is printed as it is, not read (it stopped the report with a traceback)."""
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps({"type": "child", "record": {"id": "CH-[/]"}}) + "\n")
    result = runner.invoke(app, ["import", str(source), "--db", str(tmp_path / "db")])
    assert result.exit_code == exits.INVALID_INPUT and result.exception is not None
    assert isinstance(result.exception, SystemExit)
    assert "CH-[/]" in result.stderr and "Traceback" not in result.stderr
