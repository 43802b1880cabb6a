"""schemas/ is generated from the model and must be current."""

from __future__ import annotations

import json

from tacgraph.resources import resource_dir
from tacgraph.schema import SCHEMA_FILES, render_schema_file


def test_schema_files_are_up_to_date() -> None:
    for name in SCHEMA_FILES:
        path = resource_dir("schemas") / name
        assert path.exists(), f"schemas/{name} is missing: run 'tacgraph schema write'"
        assert path.read_text(encoding="utf-8") == render_schema_file(name), (
            f"schemas/{name} is out of date: run 'tacgraph schema write'"
        )


def test_json_schema_describes_every_collection() -> None:
    doc = json.loads(render_schema_file("tacgraph.schema.json"))
    assert {"children", "consents", "involvements", "handovers"} <= set(doc["properties"])
