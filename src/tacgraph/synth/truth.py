"""What a synthesis injected, written beside its records for checking audits against."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


@dataclass
class Truth:
    """What a synthesis injected, for checking what the audits and matchers find.

    Filled while the records are generated; complete once the iterator is exhausted.
    ``to_json`` gives a JSON-ready dict and ``from_json`` reads one back.

    ``late_assessments`` were completed after their time limit; ``overdue_assessments``
    were drawn late and are still not completed on ``as_of``, their limit already past.
    ``disengagements_without_handover`` include involvements that ended so shortly
    before ``as_of`` that the days an audit allows for a handover have not yet run out.
    """

    seed: int
    children: int
    as_of: str
    faults: bool = True
    duplicate_pairs: list[tuple[str, str, list[str]]] = field(default_factory=list)
    twin_pairs: list[tuple[str, str]] = field(default_factory=list)
    duplicate_open_cafs: list[tuple[str, str]] = field(default_factory=list)
    disengagements_without_handover: list[str] = field(default_factory=list)
    overdue_reviews: list[str] = field(default_factory=list)
    late_assessments: list[str] = field(default_factory=list)
    overdue_assessments: list[str] = field(default_factory=list)
    several_agencies_without_caf: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The truth as plain JSON types (tuples become lists), a key per field."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Truth:
        """Read back what :meth:`to_json` wrote; raises KeyError on a missing field."""
        return cls(
            seed=int(doc["seed"]),
            children=int(doc["children"]),
            as_of=str(doc["as_of"]),
            faults=bool(doc.get("faults", True)),
            duplicate_pairs=[
                (str(a), str(b), [str(x) for x in k]) for a, b, k in doc["duplicate_pairs"]
            ],
            twin_pairs=[(str(a), str(b)) for a, b in doc["twin_pairs"]],
            duplicate_open_cafs=[(str(a), str(b)) for a, b in doc["duplicate_open_cafs"]],
            disengagements_without_handover=[
                str(x) for x in doc["disengagements_without_handover"]
            ],
            overdue_reviews=[str(x) for x in doc["overdue_reviews"]],
            late_assessments=[str(x) for x in doc.get("late_assessments", [])],
            overdue_assessments=[str(x) for x in doc.get("overdue_assessments", [])],
            several_agencies_without_caf=[
                str(x) for x in doc.get("several_agencies_without_caf", [])
            ],
            counts={str(k): int(v) for k, v in doc["counts"].items()},
        )

    def write(self, path: Path) -> None:
        """Write the truth as indented JSON to ``path``."""
        text = json.dumps(self.to_json(), indent=2, sort_keys=True, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")


def _plain(value: Any) -> Any:
    """``value`` with each tuple or list made a new list and each dict a new dict, all the
    way down: JSON's types only, sharing nothing with the truth."""
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
