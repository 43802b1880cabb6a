"""Time to draw a Team Around the Child map, and its size, for a child with many
practitioners involved.

    python benchmarks/map.py --practitioners 10,25,50,100 --repeats 5

For each size, one child with that many practitioners (across 12 agencies at every
level of service), all in the TAC of one open CAF with the child's consent, seen by the
lead. Columns: the lookup (audited, with history), building the map from it, writing
the HTML page, the three together; the page's size; then in headless Chromium (the
network cut off) the time from navigation to vis-network's first drawing, measured in
the page, and the wall time of the whole browser run (start-up included). Medians of
``--repeats`` runs, in milliseconds. Figures go in docs/benchmarks.md; nothing asserts
on time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from common import fresh_store, machine  # noqa: E402

from tacgraph.importer import import_files  # noqa: E402
from tacgraph.lookup import who_else  # noqa: E402
from tacgraph.render.html import write_html  # noqa: E402
from tacgraph.render.screenshot import read_drawing  # noqa: E402
from tacgraph.render.tacmap import build_map  # noqa: E402

AS_OF = date(2026, 11, 23)
LEVELS = ["universal", "targeted", "child_in_need", "statutory"]


def case(practitioners: int) -> dict[str, Any]:
    """One child, ``practitioners`` involved and in the TAC, consent to the TAC."""
    p_ids = [f"PR-{p:03d}" for p in range(practitioners)]
    return {
        "format": "tacgraph",
        "version": 1,
        "agencies": [
            {
                "id": f"AG-{a:02d}",
                "name": f"Agency {a:02d}",
                "kind": "other",
                "level": LEVELS[a % 4],
                "locality": "Northfield",
            }
            for a in range(12)
        ],
        "practitioners": [
            {
                "id": pid,
                "given_name": "Worker",
                "family_name": f"Number {p:03d}",
                "agency_id": f"AG-{p % 12:02d}",
                "role": "other",
                "email": f"worker{p:03d}@example.org",
                "phone": f"01632 96{p:04d}",
                "lookup_authorised": True,
            }
            for p, pid in enumerate(p_ids)
        ],
        "children": [
            {
                "id": "CH-MANY",
                "given_name": "Alex",
                "family_name": "Morgan",
                "date_of_birth": "2014-02-03",
                "gender": "not_known",
            }
        ],
        "cafs": [
            {
                "id": "CAF-MANY",
                "child_id": "CH-MANY",
                "started_by_id": p_ids[0],
                "started_on": "2026-01-05",
                "state": "open",
                "state_changed_on": "2026-01-05",
                "level": "targeted",
            }
        ],
        "involvements": [
            {
                "id": f"IN-{p:03d}",
                "practitioner_id": pid,
                "child_id": "CH-MANY",
                "agency_id": f"AG-{p % 12:02d}",
                "level": LEVELS[(p % 12) % 4],
                "started_on": "2026-01-12",
            }
            for p, pid in enumerate(p_ids)
        ],
        "team_memberships": [
            {
                "id": f"TM-{p:03d}",
                "practitioner_id": pid,
                "role": "lead" if p == 0 else "member",
                "started_on": "2026-01-12",
                "caf_id": "CAF-MANY",
            }
            for p, pid in enumerate(p_ids)
        ],
        "consents": [
            {
                "id": "CO-MANY-TAC",
                "child_id": "CH-MANY",
                "given_by_child": True,
                "child_competent": True,
                "kind": "explicit",
                "to_caf_id": "CAF-MANY",
                "scopes": ["caf_content", "contact_details", "involvement"],
                "given_on": "2026-01-05",
                "recorded_by_id": p_ids[0],
            }
        ],
    }


def ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--practitioners", default="10,25,50,100")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--engines", default="embedded")
    args = parser.parse_args()
    sizes = [int(n) for n in args.practitioners.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="tacgraph-map-"))
    print(f"machine: {machine()}; medians of {args.repeats} runs, ms")
    print(
        f"{'engine':<9} {'practitioners':>13} {'nodes':>6} {'edges':>6} {'lookup':>8} "
        f"{'build':>7} {'html':>7} {'total':>7} {'KB':>6} {'drawn in page':>14} "
        f"{'browser run':>12}"
    )
    for engine in args.engines.split(","):
        for size in sizes:
            source = folder / f"case-{size}.json"
            source.write_text(json.dumps(case(size)))
            with fresh_store(engine) as store:
                import_files(store, [source])
                lookup, build, page, page_ms, browser = [], [], [], [], []
                out = folder / f"map-{engine}-{size}.html"
                for _ in range(args.repeats):
                    start = time.perf_counter()
                    result = who_else(
                        store, "CH-MANY", "PR-000", as_of=AS_OF, history=True, purpose="bench"
                    )
                    lookup.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    tacmap = build_map(result, history=True)
                    build.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    size_bytes = write_html(tacmap, out)
                    page.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    seen = read_drawing(out)
                    browser.append(time.perf_counter() - start)
                    if seen.state != "drawn" or seen.nodes != len(tacmap.nodes):
                        raise SystemExit(f"the browser did not draw the map: {seen}")
                    page_ms.append((seen.drawn_ms or 0) / 1000)
            total = [a + b + c for a, b, c in zip(lookup, build, page, strict=True)]
            print(
                f"{engine:<9} {size:>13} {len(tacmap.nodes):>6} {len(tacmap.edges):>6} "
                f"{ms(lookup):>8.1f} {ms(build):>7.1f} {ms(page):>7.1f} {ms(total):>7.1f} "
                f"{size_bytes / 1024:>6.0f} {ms(page_ms):>14.0f} {ms(browser):>12.0f}"
            )
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
