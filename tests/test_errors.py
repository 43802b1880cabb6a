"""One exception hierarchy: every error tacgraph raises on purpose is defined in
errors.py and derives from TacgraphError, so the CLI's boundary catches them all."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from tacgraph import errors

SRC = Path(errors.__file__).parent


def test_every_error_derives_from_tacgrapherror() -> None:
    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__
    ]
    assert {c.__name__ for c in classes} >= {
        "AccessDenied",
        "CafRefused",
        "ChromiumMissing",
        "LogTampered",
        "Neo4jServerError",
        "QueryError",
        "RenderError",
    }
    for cls in classes:
        assert issubclass(cls, errors.TacgraphError), cls.__name__


def test_no_module_but_errors_defines_an_exception() -> None:
    defined = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(b) for b in node.bases}
                if any(b.endswith(("Error", "Exception", "Denied", "Refused")) for b in bases):
                    defined.append(f"{path.relative_to(SRC)}: {node.name}")
    assert defined == []
