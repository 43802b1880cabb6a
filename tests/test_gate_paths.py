"""Every read of child data goes through the gate: each registered read path reads
child-data queries only while a gate is open and writes an entry naming its path, and
every command that reads child data maps to a registered path."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import typer

from conftest import ROBIN, SALLY
from tacgraph import audit, caf, gate, practice, search
from tacgraph.cli.app import app
from tacgraph.duplicates_report import duplicates_report
from tacgraph.export import export_file
from tacgraph.ig import access_review
from tacgraph.importer import import_files
from tacgraph.lookup import who_else_many
from tacgraph.practice_report import practice_report
from tacgraph.render.tacmap import map_for
from tacgraph.store import Store
from tacgraph.store.base import Store as BaseStore
from tacgraph.store.embedded import EmbeddedStore
from tacgraph.timeline import timeline

TODAY = date(2026, 11, 23)
NOW: audit.Clock = lambda: datetime(2026, 11, 23, 12, tzinfo=UTC)  # noqa: E731

# Named queries that read about children (everything else reads practitioners, the
# schema, counts or the log).
CHILD_DATA = (
    "child_",
    "case_",
    "lookup_child",
    "lookup_involvements",
    "lookup_teams",
    "lookup_consents",
    "lookup_bases",
    "lookup_shield",
    "timeline_",
    "caf_children",
    "caf_of_children",
    "caf_team",
    "practice_",
    "export_",
    "dup_",
    "gate_",
    "search_",
    "ig_",
)
CHILD_LABELS = frozenset(
    {"Child", "FamilyMember", "Household", "Involvement", "Consent", "Caf", "TeamMembership"}
)

# Commands that read no child data: the store, the schema, synthetic data, imports, the
# counts of a summary, the log's own integrity.
NO_CHILD_DATA = {
    "synth",
    "import",
    "summary",
    "demo",
    "db init",
    "db stats",
    "db clear",
    "db neo4j start",
    "db neo4j stop",
    "db neo4j status",
    "schema write",
    "audit verify",
    "audit checkpoint",
    "audit rotate-key",
    # The web server reads only through the registered paths its pages call.
    "serve",
    "accounts create",
    "accounts suspend",
    "accounts reinstate",
    "accounts close",
    "accounts unlock",
    "accounts reset",
    "accounts list",
    "accounts demo",
    "accounts code",
}


def commands(group: typer.Typer, prefix: str = "") -> Iterator[str]:
    for command in group.registered_commands:
        assert command.callback is not None
        yield prefix + (command.name or command.callback.__name__)
    for sub in group.registered_groups:
        assert sub.typer_instance is not None and sub.name is not None
        yield from commands(sub.typer_instance, f"{prefix}{sub.name} ")


def test_every_command_that_reads_child_data_maps_to_a_registered_path() -> None:
    found = set(commands(app))
    unplaced = found - set(gate.COMMANDS) - NO_CHILD_DATA
    assert not unplaced, f"say whether these read child data, and register them: {unplaced}"
    assert set(gate.COMMANDS) <= found
    assert set(gate.COMMANDS.values()) <= set(gate.READ_PATHS)
    for name, where in gate.READ_PATHS.items():
        module, _, function = where.rpartition(".")
        assert callable(getattr(importlib.import_module(module), function)), name


@pytest.fixture
def casebook(tmp_path: Path) -> Iterator[Store]:
    store = EmbeddedStore(tmp_path / "db")
    store.init_schema()
    import_files(store, [SALLY, ROBIN])
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def outside(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The child-data reads made with no gate open, by query name or label."""
    seen: list[str] = []

    def check(name: str) -> None:
        if name.startswith(CHILD_DATA) and gate.current() is None:
            seen.append(name)

    query, query_once, iter_nodes = BaseStore.query, BaseStore.query_once, BaseStore.iter_nodes
    query_many = EmbeddedStore.query_many

    def on_query(self: Store, name: str, params: Any = None, **kw: Any) -> Any:
        check(name)
        return query(self, name, params, **kw)

    def on_many(self: Store, calls: Any, **kw: Any) -> Any:
        for name, _ in calls:
            check(name)
        return query_many(self, calls, **kw)

    def on_once(self: Store, name: str, params: Any = None, **kw: Any) -> Any:
        check(name)
        return query_once(self, name, params, **kw)

    def on_nodes(self: Store, label: str, **kw: Any) -> Any:
        if label in CHILD_LABELS and gate.current() is None:
            seen.append(f"nodes:{label}")
        return iter_nodes(self, label, **kw)

    monkeypatch.setattr(BaseStore, "query", on_query)
    monkeypatch.setattr(EmbeddedStore, "query_many", on_many)
    monkeypatch.setattr(BaseStore, "query_once", on_once)
    monkeypatch.setattr(BaseStore, "iter_nodes", on_nodes)
    return seen


def _refused(run: Callable[[], object]) -> None:
    with pytest.raises(caf.CafRefused):
        run()


PATHS: dict[str, Callable[[Store, Path], object]] = {
    "who_else": lambda s, _: who_else_many(
        s, ["CH-SALLY", "CH-ROBIN"], "PR-HOY", purpose="t", history=True, clock=NOW
    ),
    "timeline": lambda s, _: timeline(s, "CH-SALLY", "PR-HOY", as_of=TODAY, clock=NOW),
    "caf_check": lambda s, _: caf.check(s, "CH-ROBIN", "PR-UNINVOLVED", TODAY, clock=NOW),
    "caf_start": lambda s, _: _refused(
        lambda: caf.start(s, "CH-SALLY", "PR-HOY", TODAY, clock=NOW)
    ),
    "caf_change": lambda s, _: caf.close(s, "CAF-ROBIN", "PR-CAF-COORD", TODAY, clock=NOW),
    "map": lambda s, _: map_for(s, "CH-SALLY", "PR-HOY", history=True, clock=NOW),
    "export": lambda s, tmp: export_file(s, tmp / "out.json", requester_id="PR-HOY", clock=NOW),
    "practice_audit": lambda s, _: practice_report(
        s, requester_id="PR-HOY", as_of=TODAY, clock=NOW
    ),
    "duplicates_audit": lambda s, _: duplicates_report(
        s, requester_id="PR-HOY", as_of=TODAY, clock=NOW
    ),
    "search": lambda s, _: search.find(s, "PR-HOY", search.Criteria(name="Sally"), clock=NOW),
    "audit_access": lambda s, _: access_review(s, requester_id="PR-IG-OFFICER", clock=NOW),
}


def test_the_test_covers_every_registered_path() -> None:
    assert set(PATHS) == set(gate.READ_PATHS)


@pytest.mark.parametrize("path", sorted(PATHS))
def test_a_read_path_reads_child_data_only_inside_the_gate_and_logs_itself(
    path: str,
    casebook: Store,
    outside: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    written: list[audit.Pending] = []
    original = audit.append_many

    def capture(store: Store, items: list[audit.Pending], **kw: Any) -> Any:
        written.extend(items)
        return original(store, items, **kw)

    monkeypatch.setattr(audit, "append_many", capture)
    outside.clear()  # the fixture's import read nothing through a path
    PATHS[path](casebook, tmp_path)
    assert outside == [], f"{path} read child data outside the gate: {outside}"
    assert written and {e.path for e in written} == {path}


def test_the_instrument_sees_a_read_outside_the_gate(casebook: Store, outside: list[str]) -> None:
    outside.clear()
    practice.audit_practice(casebook, as_of=TODAY)  # the checks alone: not a read path
    assert any(name.startswith("practice_") for name in outside)
