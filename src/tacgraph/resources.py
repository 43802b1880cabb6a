"""Where the files that ship with tacgraph (Cypher queries, schemas) are found."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def resource_dir(name: str) -> Path:
    """The directory ``name`` (``cypher`` or ``schemas``): inside the installed package,
    or at the top of a source checkout.

    Raises FileNotFoundError when neither exists.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / name, *(parent / name for parent in here.parents)):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"tacgraph's {name}/ directory is missing; reinstall tacgraph")
