"""Team Around the Child maps: drawn only from the who-else result (so redacted exactly
as the lookup is), the same on both engines, one self-contained HTML file that draws in
headless Chromium with the network cut off, and a non-blank screenshot."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import CliRunner

from conftest import BROKER, ROBIN, SALLY, same_answer
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.errors import NotFound
from tacgraph.importer import import_files
from tacgraph.lookup import Contact, WhoElse, who_else
from tacgraph.render import ChromiumMissing
from tacgraph.render.html import to_html, write_html
from tacgraph.render.screenshot import find_chromium, read_drawing, screenshot
from tacgraph.render.tacmap import (
    BROKER_LABEL,
    CHILD_COLOUR,
    LEVEL_COLOURS,
    NO_HANDOVER_COLOUR,
    TacMap,
    build_map,
    map_for,
)
from tacgraph.store import Store
from tacgraph.store.embedded import EmbeddedStore
from test_lookup import LOCATING

NOW = date(2026, 11, 23)


def draw(stores: dict[str, Store], viewer: str, on: date = NOW, **kw: Any) -> TacMap:
    """The map for Sally as ``viewer`` sees it, asserted the same on both engines."""
    return same_answer(
        stores, lambda s: map_for(s, "CH-SALLY", viewer, as_of=on, purpose="test", **kw)
    )


def kinds(tacmap: TacMap, kind: str) -> list[str]:
    return sorted(n.id.split(":", 1)[-1] for n in tacmap.nodes if n.kind == kind)


def edges(tacmap: TacMap, kind: str) -> list[tuple[str, str, str]]:
    return [(e.source, e.target, e.label) for e in tacmap.edges if e.kind == kind]


def matches_lookup(tacmap: TacMap, result: WhoElse) -> None:
    """Every person and service on the map is one the lookup showed, and no more."""
    shown = {i.practitioner_id for i in result.involved} | {e.practitioner_id for e in result.ended}
    assert set(kinds(tacmap, "practitioner")) == shown
    assert kinds(tacmap, "family") == sorted(f.family_member_id for f in result.family)
    brokers = [n for n in tacmap.nodes if n.kind == "broker"]
    assert [n.label for n in brokers] == [BROKER_LABEL] * len(result.sensitive_services)
    assert [n.title.splitlines()[-1] for n in brokers] == result.sensitive_services
    agencies = {i.agency_id for i in result.involved} | {e.agency_id for e in result.ended}
    assert set(kinds(tacmap, "agency")) == agencies
    assert kinds(tacmap, "consent_party") == []  # every consent is between people drawn
    assert len(edges(tacmap, "consent")) == len(result.consents)
    # Hover text: contact details exactly where the lookup gave them.
    views = {i.practitioner_id: i for i in [*result.ended, *result.involved]}
    for node in tacmap.nodes:
        if node.kind == "practitioner":
            view = views[node.id.split(":", 1)[1]]
            assert (view.phone is not None) == (f"phone {view.phone}" in node.title)
            assert (view.email is not None) == (f"email {view.email}" in node.title)
            assert view.role.replace("_", " ") in node.title and view.agency in node.title


@pytest.mark.neo4j
def test_sally_seen_by_two_viewers_with_different_consent(casebook: dict[str, Store]) -> None:
    # Before the step-down: the domestic abuse worker has Sally's consent to know every
    # service; the midwife has only the TAC consent, so the two projects are one broker.
    on = date(2026, 10, 1)
    hope, midwife = draw(casebook, "PR-HOPE", on), draw(casebook, "PR-MIDWIFE", on)
    for viewer, tacmap in (("PR-HOPE", hope), ("PR-MIDWIFE", midwife)):
        result = same_answer(
            casebook, lambda s, v=viewer: who_else(s, "CH-SALLY", v, as_of=on, purpose="test")
        )
        matches_lookup(tacmap, result)
    assert kinds(hope, "practitioner") == [
        "PR-CC-WORKER",
        "PR-HOPE",
        "PR-HOY",
        "PR-MIDWIFE",
        "PR-PICCADILLY",
        "PR-SCHOOL-NURSE",
        "PR-SOCIAL-WORKER",
        "PR-TEACHER",
    ]
    assert kinds(midwife, "practitioner") == [
        "PR-CC-WORKER",
        "PR-HOY",
        "PR-MIDWIFE",
        "PR-SCHOOL-NURSE",
        "PR-SOCIAL-WORKER",
        "PR-TEACHER",
    ]
    assert kinds(hope, "broker") == [] and kinds(midwife, "broker") == ["1"]
    assert {"AG-HOPE", "AG-PICCADILLY"} <= set(kinds(hope, "agency"))
    text = midwife.model_dump_json() + to_html(midwife)
    for word in ("Piccadilly", "Hope Project", "Marcus Bell", "Aisha Rahman", "AG-HOPE"):
        assert word not in text
    assert BROKER in text
    # The consent only the Hope Project worker may see is drawn on her map only.
    assert ("child:CH-SALLY", "practitioner:PR-HOPE", "consent given to") in edges(hope, "consent")
    assert all("PR-HOPE" not in target for _, target, _ in edges(midwife, "consent"))


@pytest.mark.neo4j
def test_sally_as_seen_by_her_lead_and_by_someone_uninvolved(casebook: dict[str, Store]) -> None:
    lead, outsider = draw(casebook, "PR-HOY"), draw(casebook, "PR-UNINVOLVED")
    for viewer, tacmap in (("PR-HOY", lead), ("PR-UNINVOLVED", outsider)):
        result = same_answer(
            casebook, lambda s, v=viewer: who_else(s, "CH-SALLY", v, as_of=NOW, purpose="test")
        )
        matches_lookup(tacmap, result)
    assert lead.title == "Team Around the Child: Sally Carter"
    assert lead.subtitle == "as seen by Helen Okafor (PR-HOY) on 2026-11-23"
    leads = [n for n in lead.nodes if n.lead]
    assert [(n.id, n.shape) for n in leads] == [("practitioner:PR-HOY", "star")]
    assert "Lead Professional" in leads[0].label and "01632 960101" in leads[0].title
    assert kinds(lead, "family") == ["FM-FATHER", "FM-MOTHER"]
    mother = next(n for n in lead.nodes if n.id == "family:FM-MOTHER")
    assert mother.title.splitlines()[:3] == [
        "Julie Carter",
        "mother, parental responsibility, carer",
        "phone 07700 900101",
    ]
    assert sorted(e[2] for e in edges(lead, "team")) == [
        "Lead Professional of TAC",
        *["member of TAC"] * 4,
    ]
    assert sorted(edges(lead, "consent")) == [
        ("child:CH-SALLY", "caf:CAF-SALLY", "consent given to"),
        ("family:FM-MOTHER", "caf:CAF-SALLY", "consent given to"),
    ]
    child = next(n for n in lead.nodes if n.kind == "child")
    assert "14 Larch Close, Northfield, WV10 6QT" in child.title
    # Someone with no involvement and no consent: the child, the CAF, and whom to contact
    # (enquiry without consent: not even that a sensitive service is involved).
    assert sorted(n.kind for n in outsider.nodes) == ["caf", "child", "contact"]
    contact = next(n for n in outsider.nodes if n.kind == "contact")
    assert contact.lead and "Helen Okafor" in contact.title and "01632 960101" in contact.title
    page = to_html(outsider)
    for word in ("Tom Reeves", "Priya Shah", "07700", "Larch Close", "WV10", "tom.reeves"):
        assert word not in page
    assert all(e.kind in ("caf", "broker", "contact") for e in outsider.edges)


@pytest.mark.neo4j
def test_step_up_and_step_down_on_the_map(casebook: dict[str, Store]) -> None:
    before = draw(casebook, "PR-HOY", date(2026, 8, 1), history=True)
    stepped_up = draw(casebook, "PR-HOY", date(2026, 10, 1), history=True)
    stepped_down = draw(casebook, "PR-HOY", NOW, history=True)
    assert "PR-SOCIAL-WORKER" not in kinds(before, "practitioner")
    social = next(n for n in stepped_up.nodes if n.id == "practitioner:PR-SOCIAL-WORKER")
    assert social.colour == LEVEL_COLOURS["child_in_need"] and "child in need" in social.title
    assert edges(stepped_up, "ended") == []
    ended = [e for e in stepped_down.edges if e.kind == "ended"]
    assert [(e.source, e.label, e.dashed) for e in ended] == [
        (
            "practitioner:PR-SOCIAL-WORKER",
            "ended 2026-11-09; handover: summary of work",
            True,
        )
    ]
    assert [(e.source, e.label) for e in stepped_down.edges if e.kind == "involved"] == [
        (f"practitioner:{p}", label)
        for p, label in [
            ("PR-CC-WORKER", "involved since 2026-07-13"),
            ("PR-HOY", "involved since 2026-07-06"),
            ("PR-MIDWIFE", "involved since 2026-05-18"),
            ("PR-SCHOOL-NURSE", "involved since 2025-09-01"),
            ("PR-TEACHER", "involved since 2021-09-01"),
        ]
    ]
    # Without --history the ended involvement is not drawn at all.
    assert "PR-SOCIAL-WORKER" not in kinds(draw(casebook, "PR-HOY"), "practitioner")
    # The drugs project left at the step-down without a handover: the Hope Project
    # worker, who may see sensitive services, sees that in red.
    hope = draw(casebook, "PR-HOPE", NOW, history=True)
    picc = next(e for e in hope.edges if e.source == "practitioner:PR-PICCADILLY")
    assert (picc.kind, picc.label, picc.colour, picc.dashed) == (
        "ended",
        "ended 2026-11-09; no handover",
        NO_HANDOVER_COLOUR,
        True,
    )
    assert [e.label for e in hope.legend if e.section == "edge"][-2:] == [
        "ended, handover made",
        "ended, no handover",
    ]


@pytest.mark.neo4j
def test_a_shielded_childs_map_has_nothing_that_locates_them(casebook: dict[str, Store]) -> None:
    tacmap = same_answer(
        casebook,
        lambda s: map_for(s, "CH-ROBIN", "PR-HOPE", as_of=NOW, history=True, purpose="test"),
    )
    assert tacmap.shielded_from_viewer
    assert sorted(n.kind for n in tacmap.nodes) == ["caf", "child", "contact"]
    page = to_html(tacmap)
    for word in LOCATING:
        assert word not in page
    assert "The child is shielded" in page
    # Inside the shield the same child's map shows the team.
    inside = same_answer(
        casebook, lambda s: map_for(s, "CH-ROBIN", "PR-REFUGE-TEACHER", as_of=NOW, purpose="test")
    )
    assert "PR-REFUGE-TEACHER" in kinds(inside, "practitioner")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_the_page_refers_to_nothing_outside_itself(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "db")
    store.init_schema()
    import_files(store, [SALLY])
    page = to_html(map_for(store, "CH-SALLY", "PR-HOY", as_of=NOW, history=True))
    store.close()
    parser = _Tags()
    parser.feed(page)
    names = [tag for tag, _ in parser.tags]
    assert names.count("script") == 2 and "link" not in names and "img" not in names
    for tag, attrs in parser.tags:
        assert not {"src", "href", "srcset", "action", "data", "poster"} & set(attrs), tag
    assert "bootstrap" not in page.lower() and "sourceMappingURL" not in page
    csp = next(a["content"] for t, a in parser.tags if a.get("http-equiv"))
    assert csp is not None and csp.startswith("default-src 'none'")


@pytest.fixture(scope="module")
def chromium() -> str:
    """The browser; missing it fails in CI (scripts/chromium installs it) and skips
    only on a developer's machine."""
    try:
        return find_chromium()
    except ChromiumMissing as missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}; CI must install Chromium (scripts/chromium)")
        pytest.skip(str(missing))


@pytest.fixture
def sally_db(tmp_path: Path) -> Iterator[Path]:
    db = tmp_path / "db"
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(SALLY), str(ROBIN), "--db", str(db)])
    assert result.exit_code == exits.OK, result.stderr
    yield db


def _colour_near(image: Image.Image, hex_colour: str, tolerance: int = 12) -> int:
    target = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    counts: Any = image.convert("RGB").getcolors(maxcolors=1 << 24)
    return sum(
        n
        for n, rgb in counts
        if all(abs(c - t) <= tolerance for c, t in zip(rgb, target, strict=True))
    )


def test_the_map_draws_offline_in_headless_chromium(
    chromium: str, sally_db: Path, tmp_path: Path
) -> None:
    out, png = tmp_path / "sally.html", tmp_path / "sally.png"
    result = CliRunner().invoke(
        app,
        [
            "map",
            "CH-SALLY",
            "--as",
            "PR-HOY",
            "--as-of",
            "2026-11-23",
            "--history",
            "-o",
            str(out),
            "--png",
            str(png),
            "--db",
            str(sally_db),
            "--json",
        ],
    )
    assert result.exit_code == exits.OK, result.stderr
    summary = json.loads(result.stdout)
    # Child, 2 family, CAF, broker, 6 practitioners (one ended), 5 agencies.
    assert (summary["nodes"], summary["edges"]) == (16, 23)
    assert summary["bytes"] == out.stat().st_size < 2 * 2**20
    seen = read_drawing(out)
    assert seen.state == "drawn"
    assert (seen.nodes, seen.edges) == (16, 23) == (seen.expected_nodes, seen.expected_edges)
    assert seen.legend_entries == 19
    assert seen.canvas is not None and seen.canvas != "none"
    width, height = (int(v) for v in seen.canvas.split("x"))
    assert width > 600 and height > 400
    # The screenshot: the right size, not blank, and the network is in it (the child's
    # yellow and the levels' colours are there in quantity).
    image = Image.open(png)
    assert image.format == "PNG" and image.size == (1600, 1100)
    assert len(image.convert("RGB").getcolors(maxcolors=1 << 24) or []) > 50
    assert _colour_near(image, CHILD_COLOUR) > 1000
    for level in ("universal", "targeted", "child_in_need"):
        assert _colour_near(image, LEVEL_COLOURS[level]) > 100, level


def test_the_browser_used_for_checks_has_no_network(chromium: str, tmp_path: Path) -> None:
    """The harness itself: a page that tries to load a script from outside gets an
    error, so a map that needed the network could not have drawn above."""
    page = tmp_path / "fetch.html"
    page.write_text(
        '<!DOCTYPE html><html><body><main id="tacmap" data-state="loading"></main>'
        "<script>function done(s){document.getElementById('tacmap')"
        ".setAttribute('data-state', s)}</script>"
        '<script src="https://cdnjs.cloudflare.com/ajax/libs/vis-network/9.1.2/dist/'
        'vis-network.min.js" onload="done(\'loaded\')" onerror="done(\'blocked\')"></script>'
        "</body></html>"
    )
    assert read_drawing(page).state == "blocked"


def test_a_map_of_fifty_practitioners_draws_and_stays_small(chromium: str, tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "db")
    store.init_schema()
    source = tmp_path / "big.json"
    source.write_text(json.dumps(big_case(50)))
    import_files(store, [source])
    tacmap = map_for(store, "CH-BIG", "PR-BIG-00", as_of=NOW, purpose="test")
    store.close()
    assert len(kinds(tacmap, "practitioner")) == 50
    out = tmp_path / "big.html"
    assert write_html(tacmap, out) < 2 * 2**20
    seen = read_drawing(out)
    assert (seen.state, seen.nodes, seen.edges) == (
        "drawn",
        len(tacmap.nodes),
        len(tacmap.edges),
    )
    png = screenshot(out, tmp_path / "big.png", width=1200, height=900)
    assert Image.open(png).size == (1200, 900)


def big_case(practitioners: int) -> dict[str, Any]:
    """One child with ``practitioners`` involved (across 12 agencies at every level of
    service), all in the TAC of one open CAF with the child's consent."""
    levels = ["universal", "targeted", "child_in_need", "statutory"]
    agencies = [
        {
            "id": f"AG-BIG-{a:02d}",
            "name": f"Agency {a:02d}",
            "kind": "other",
            "level": levels[a % 4],
            "locality": "Northfield",
        }
        for a in range(12)
    ]
    people = [
        {
            "id": f"PR-BIG-{p:02d}",
            "given_name": "Worker",
            "family_name": f"Number {p:02d}",
            "agency_id": f"AG-BIG-{p % 12:02d}",
            "role": "other",
            "email": f"worker{p:02d}@example.org",
            "phone": f"01632 96{p:04d}",
            "lookup_authorised": True,
        }
        for p in range(practitioners)
    ]
    return {
        "format": "tacgraph",
        "version": 1,
        "agencies": agencies,
        "practitioners": people,
        "children": [
            {
                "id": "CH-BIG",
                "given_name": "Alex",
                "family_name": "Morgan",
                "date_of_birth": "2014-02-03",
                "gender": "not_known",
            }
        ],
        "cafs": [
            {
                "id": "CAF-BIG",
                "child_id": "CH-BIG",
                "started_by_id": "PR-BIG-00",
                "started_on": "2026-01-05",
                "state": "open",
                "state_changed_on": "2026-01-05",
                "level": "targeted",
            }
        ],
        "involvements": [
            {
                "id": f"IN-BIG-{p:02d}",
                "practitioner_id": f"PR-BIG-{p:02d}",
                "child_id": "CH-BIG",
                "agency_id": f"AG-BIG-{p % 12:02d}",
                "level": levels[(p % 12) % 4],
                "started_on": "2026-01-12",
            }
            for p in range(practitioners)
        ],
        "team_memberships": [
            {
                "id": f"TM-BIG-{p:02d}",
                "practitioner_id": f"PR-BIG-{p:02d}",
                "role": "lead" if p == 0 else "member",
                "started_on": "2026-01-12",
                "caf_id": "CAF-BIG",
            }
            for p in range(practitioners)
        ],
        "consents": [
            {
                "id": "CO-BIG-TAC",
                "child_id": "CH-BIG",
                "given_by_child": True,
                "child_competent": True,
                "kind": "explicit",
                "to_caf_id": "CAF-BIG",
                "scopes": ["caf_content", "contact_details", "involvement"],
                "given_on": "2026-01-05",
                "recorded_by_id": "PR-BIG-00",
            }
        ],
    }


def test_map_cli_errors(sally_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    base = ["map", "CH-SALLY", "--as-of", "2026-11-23", "--db", str(sally_db)]
    out = tmp_path / "m.html"
    result = runner.invoke(app, [*base, "--as", "PR-UNTRAINED", "-o", str(out)])
    assert result.exit_code == exits.ACCESS_DENIED and not out.exists()
    assert result.stderr.startswith("Error: PR-UNTRAINED is not trained and authorised")
    result = runner.invoke(
        app, ["map", "CH-NOBODY", "--as", "PR-HOY", "-o", str(out), "--db", str(sally_db)]
    )
    assert result.exit_code == exits.NOT_FOUND and not out.exists()
    assert result.stderr.startswith("Error: CH-NOBODY is not known; there is no map to draw")
    # No browser: the HTML is written, the PNG is refused with what to do.
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("TACGRAPH_CHROMIUM", raising=False)
    with pytest.raises(ChromiumMissing):
        find_chromium()
    png = tmp_path / "m.png"
    result = runner.invoke(app, [*base, "--as", "PR-HOY", "-o", str(out), "--png", str(png)])
    assert result.exit_code == exits.ERROR and out.exists() and not png.exists()
    assert result.stderr.startswith("Error: no Chromium found")
    assert "apt-get install chromium" in result.stderr
    monkeypatch.setenv("TACGRAPH_CHROMIUM", str(tmp_path / "nothing-here"))
    with pytest.raises(ChromiumMissing, match="is not an executable"):
        find_chromium()


def test_build_map_refuses_an_unknown_child() -> None:
    unknown = WhoElse(
        child_id="CH-X",
        requester_id="PR-HOY",
        as_of=NOW,
        purpose="",
        known=False,
        contact=Contact(name="front door"),
    )
    with pytest.raises(NotFound, match="CH-X is not known"):
        build_map(unknown)


def test_a_consent_between_parties_not_otherwise_drawn() -> None:
    """The giver or recipient of a consent the lookup shows may not be on the map
    otherwise: each gets a plain node; the consent is never drawn as the child's."""
    result = WhoElse.model_validate(
        {
            "child_id": "CH-X",
            "requester_id": "PR-A",
            "as_of": NOW,
            "purpose": "",
            "known": True,
            "name": "Sam Lee",
            "age": 9,
            "gender": "male",
            "contact": {"name": "front door"},
            "consents": [
                {
                    "consent_id": "CO-1",
                    "given_by": "FM-UNSEEN",
                    "to_kind": "agency",
                    "to_id": "AG-MAST",
                    "scopes": ["involvement"],
                    "kind": "implied",
                    "given_on": "2026-07-01",
                }
            ],
        }
    )
    tacmap = build_map(result)
    parties = {n.id: (n.label, n.title, n.shape) for n in tacmap.nodes if n.kind == "consent_party"}
    assert parties == {
        "family:FM-UNSEEN": ("FM-UNSEEN", "family member FM-UNSEEN", "diamond"),
        "agency:AG-MAST": ("AG-MAST", "agency AG-MAST", "box"),
    }
    assert edges(tacmap, "consent") == [("family:FM-UNSEEN", "agency:AG-MAST", "consent given to")]
    positions = [(n.x, n.y) for n in tacmap.nodes]
    assert len(set(positions)) == len(positions)


@pytest.mark.neo4j
def test_no_two_nodes_share_a_place(casebook: dict[str, Store]) -> None:
    for viewer in ("PR-HOY", "PR-HOPE"):
        tacmap = draw(casebook, viewer, date(2026, 10, 1), history=True)
        positions = [(round(n.x), round(n.y)) for n in tacmap.nodes]
        assert len(set(positions)) == len(positions)
        child = next(n for n in tacmap.nodes if n.kind == "child")
        assert (child.x, child.y) == (0.0, 0.0)
        # Each practitioner is nearer its own agency than any other agency.
        agencies = {n.id: n for n in tacmap.nodes if n.kind == "agency"}
        for e in tacmap.edges:
            if e.kind != "works_for":
                continue
            p = next(n for n in tacmap.nodes if n.id == e.source)
            dist = {a: (p.x - n.x) ** 2 + (p.y - n.y) ** 2 for a, n in agencies.items()}
            assert min(dist, key=lambda a: dist[a]) == e.target
