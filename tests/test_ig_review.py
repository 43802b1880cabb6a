"""The access report's filters apply to every section they name, on both engines, and
the board's access review (HTML) is drawn from the same report, offline."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROBIN, SALLY, same_answer
from tacgraph.cli import exits
from tacgraph.cli.app import app
from tacgraph.ig import access_report
from tacgraph.lookup import who_else
from tacgraph.store import Store

NOW = date(2026, 11, 23)


def clock() -> datetime:
    return datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def looked(casebook: dict[str, Store]) -> dict[str, Store]:
    for store in casebook.values():
        who_else(store, "CH-SALLY", "PR-HOY", as_of=NOW, clock=clock)
        who_else(store, "CH-ROBIN", "PR-UNINVOLVED", as_of=NOW, purpose="enquiry", clock=clock)
    return casebook


def test_a_practitioner_filter_shows_no_one_elses_bases_leavers_or_consents(
    casebook: dict[str, Store],
) -> None:
    stores = looked(casebook)
    every = same_answer(stores, lambda s: access_report(s, as_of=NOW))
    assert every.statutory_bases and every.left_but_in_team and every.consents_expiring
    nobody = same_answer(stores, lambda s: access_report(s, as_of=NOW, practitioner="PR-NOBODY"))
    assert nobody.entries == [] and nobody.statutory_bases == []
    assert nobody.left_but_in_team == [] and nobody.consents_expiring == []
    assert nobody.filters and "PR-NOBODY" in nobody.filters[0]
    recorder = same_answer(
        stores, lambda s: access_report(s, as_of=NOW, practitioner="PR-SOCIAL-WORKER")
    )
    assert {b["basis_id"] for b in recorder.statutory_bases} == {
        "SB-ROBIN-HARM",
        "SB-ROBIN-NO-REASON",
    }
    assert recorder.left_but_in_team == []
    leaver = same_answer(stores, lambda s: access_report(s, as_of=NOW, practitioner="PR-LEFT"))
    assert [r["practitioner_id"] for r in leaver.left_but_in_team] == ["PR-LEFT"]
    assert leaver.statutory_bases == []


def test_child_agency_and_since_filters_apply_to_every_section(
    casebook: dict[str, Store],
) -> None:
    stores = looked(casebook)
    sally = same_answer(stores, lambda s: access_report(s, as_of=NOW, child="CH-SALLY"))
    assert {e.child_id for e in sally.entries} == {"CH-SALLY"}
    assert sally.statutory_bases == [] and sally.left_but_in_team == []
    assert all(k["child_id"] == "CH-SALLY" for k in sally.consents_expiring)
    school = same_answer(stores, lambda s: access_report(s, as_of=NOW, agency="AG-NHS-SCHOOL"))
    assert [e.requester_id for e in school.entries] == ["PR-HOY"]
    assert school.entries[0].requester_agency == "Northfield High School"
    assert school.statutory_bases == [] and school.left_but_in_team == []
    later = same_answer(stores, lambda s: access_report(s, as_of=NOW, since=date(2026, 10, 6)))
    assert later.statutory_bases == []  # both recorded on 2026-10-05
    named = same_answer(stores, lambda s: access_report(s, as_of=NOW))
    assert {(e.requester_name, e.child_name) for e in named.entries} == {
        ("Helen Okafor", "Sally Carter"),
        ("Claire Dawson", "Robin Hale"),
    }


def test_a_filter_naming_no_record_says_so_rather_than_reading_as_no_one_looked(
    casebook: dict[str, Store],
) -> None:
    stores = looked(casebook)
    held = same_answer(
        stores,
        lambda s: access_report(
            s, as_of=NOW, child="CH-SALLY", practitioner="PR-HOY", agency="AG-NHS-SCHOOL"
        ),
    )
    assert held.not_held == [] and held.entries
    typo = same_answer(
        stores,
        lambda s: access_report(
            s, as_of=NOW, child="CH-SALY", practitioner="PR-HOY", agency="AG-NOWHERE"
        ),
    )
    assert typo.entries == []
    assert [said.split(" is held")[0] for said in typo.not_held] == [
        "no child CH-SALY",
        "no agency AG-NOWHERE",
    ]


def test_the_board_review_is_one_offline_page_of_the_same_figures(tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(tmp_path / "db")]
    assert runner.invoke(app, ["import", str(SALLY), str(ROBIN), *db]).exit_code == exits.OK
    for viewer, child in (("PR-HOY", "CH-SALLY"), ("PR-UNINVOLVED", "CH-ROBIN")):
        done = runner.invoke(app, ["who-else", child, "--as", viewer, "--purpose", "<b>x</b>", *db])
        assert done.exit_code == exits.OK, done.stderr
    page = tmp_path / "review.html"
    done = runner.invoke(
        app,
        [
            "audit",
            "access",
            "--as=PR-IG-OFFICER",
            "--purpose=review",
            "--as-of",
            "2026-11-23",
            "--html",
            str(page),
            *db,
        ],
    )
    assert done.exit_code == exits.OK, done.stderr
    html = page.read_text(encoding="utf-8")
    assert "default-src 'none'" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert re.search(r"Lookups on \d+ \w+ 20\d\d \(2 entries\)", html)
    for words in (
        "requester not involved with the child",
        "disclosed on a statutory basis",
        "child shares the requester&#x27;s surname",
        "Northfield High School",
        "Claire Dawson",
        "Robin Hale",
        "SB-ROBIN-NO-REASON",
        "Gary Hale",
    ):
        assert words in html, words
    # The one lookup from Elm Road Primary School was of Robin, who is shielded and whose
    # shield does not name the officer: the school beside it would locate him.
    assert "Elm Road Primary School" not in html
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    flagged = html.split("Entries that need a look", 1)[1].split("<h2>", 1)[0]
    assert "Claire Dawson" in flagged and "Helen Okafor" not in flagged
    typo = runner.invoke(
        app,
        ["audit", "access", "--as=PR-IG-OFFICER", "--purpose=review", "--child=CH-SALY", *db],
    )
    assert typo.exit_code == exits.OK, typo.stderr
    assert " ".join(typo.stderr.split()).startswith(
        "warning: no child CH-SALY is held in the store: check the id"
    )
    retyped = tmp_path / "typo.html"
    args = ["audit", "access", "--as=PR-IG-OFFICER", "--purpose=review", "--child=CH-SALY"]
    assert runner.invoke(app, [*args, "--html", str(retyped), *db]).exit_code == exits.OK
    assert "<b>Not held.</b> No child CH-SALY is held" in retyped.read_text(encoding="utf-8")
    missing = runner.invoke(
        app,
        [
            "audit",
            "access",
            "--as=PR-IG-OFFICER",
            "--purpose=review",
            "--html",
            str(tmp_path / "no" / "such" / "r.html"),
            *db,
        ],
    )
    assert missing.exit_code == exits.INVALID_INPUT
    where = tmp_path / "no" / "such"
    assert " ".join(missing.stderr.split()).startswith(
        f"Error: cannot write {where / 'r.html'}: the folder {where} does not exist"
    )


def test_the_board_review_prints_to_pdf_through_chromium(tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed (scripts/chromium installs it)")
    runner = CliRunner()
    db = ["--db", str(tmp_path / "db")]
    assert runner.invoke(app, ["import", str(SALLY), str(ROBIN), *db]).exit_code == exits.OK
    asked = ["who-else", "CH-ROBIN", "--as", "PR-UNINVOLVED", "--purpose", "enquiry", *db]
    assert runner.invoke(app, asked).exit_code == 0
    pdf = tmp_path / "review.pdf"
    done = runner.invoke(
        app, ["audit", "access", "--as=PR-IG-OFFICER", "--purpose=review", "--pdf", str(pdf), *db]
    )
    assert done.exit_code == exits.OK, done.stderr
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 10_000
