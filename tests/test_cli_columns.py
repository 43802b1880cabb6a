"""Every report and listing command read at 80 columns: no line wider, no word split
across lines, nothing cut with an ellipsis, names beside ids and words for codes; the
--csv of every listing in spreadsheet conventions; the exit code of every refusal."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from conftest import ROBIN, SALLY
from tacgraph.cli import exits, output
from tacgraph.cli.app import app

runner = CliRunner()
WIDE = {"COLUMNS": "80"}


def run(*args: str, columns: int = 80) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": str(columns)})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Sally and Robin, looked up by several practitioners (one not involved)."""
    where = ["--db", str(tmp_path_factory.mktemp("ig") / "db")]
    assert run("import", str(SALLY), str(ROBIN), *where)[0] == exits.OK
    for viewer, child in (
        ("PR-HOY", "CH-SALLY"),
        ("PR-MIDWIFE", "CH-SALLY"),
        ("PR-UNINVOLVED", "CH-ROBIN"),
    ):
        purpose = ["--purpose", "asked whether the child is known"]
        looked = run("who-else", child, "--as", viewer, "--as-of", "2026-11-23", *purpose, *where)
        assert looked[0] == exits.OK, looked[2]
    yield where


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)
    elif isinstance(data, str):
        yield data


TOKEN = re.compile(r"[\w@.'()/-]+")
ID = re.compile(r"^[A-Z]{2,}-")  # record ids: not all are shown as text


def assert_readable(text: str, data: Any = None, width: int = 80) -> None:
    """No line wider than ``width``, nothing cut with "…", and every long word of the
    command's --json answer (names, agencies, sentences) whole on some line: a word
    split across lines ("responsibil" / "ity") leaves it whole nowhere."""
    lines = text.splitlines()
    assert lines, "no output"
    too_wide = [line for line in lines if len(line) > width]
    assert not too_wide, too_wide[:3]
    assert "…" not in text
    if data is None:
        return
    shown = {t.strip("().,;:'") for t in TOKEN.findall(text)}
    wanted = {
        w.strip("().,;:'")
        for s in _strings(data)
        if "_" not in s and not s.startswith(("20", "PR-", "CH-"))
        for w in s.split()
        if len(w.strip("().,;:'")) >= 9 and "_" not in w and not ID.match(w.strip("("))
    }
    missing = sorted(w for w in wanted if w not in shown)
    assert not missing, missing[:10]


def test_who_else_with_its_explanation_reads_at_80_columns(db: list[str]) -> None:
    argv = ["who-else", "CH-SALLY", "--as", "PR-MIDWIFE", "--as-of", "2026-11-23", *db]
    code, out, _ = run(*argv, "--explain", "--history")
    assert code == exits.OK
    answer = json.loads(run(*argv, "--explain", "--history", "--json")[1])
    answer["explanation"] = [e["item"] for e in answer["explanation"]]  # reasons: below
    assert_readable(out, answer)
    assert "responsibility" in out.split()  # split "responsibil/ity" before


def test_explain_says_each_reason_once_as_a_sentence_over_its_items(db: list[str]) -> None:
    code, out, _ = run(
        "who-else", "CH-SALLY", "--as", "PR-MIDWIFE", "--as-of", "2026-11-23", "--explain", *db
    )
    assert code == exits.OK
    why = out.split("\nWhy\n", 1)[1]
    said = " ".join(why.split())
    assert (
        "Shown: explicit consent CO-MOTHER-TAC from Sally's mother, Julie Carter, to the "
        "Team Around the Child of CAF-SALLY, given 2026-07-06, scopes CAF content, contact "
        "details, education, health and involvement:" in said
    )
    assert said.count("CO-MOTHER-TAC") == 1
    assert "\n1 involvement withheld without consent.\n" in out  # not "involvement(s)"
    assert "- involvement of Daniel Hughes (Northfield Children's Centre)" in said
    assert "Withheld: consent refused CO-SALLY-SENSITIVE-REFUSED" in said
    assert len(why.splitlines()) < 30  # a 90-line table before


def test_an_enquiry_says_why_no_one_is_shown_and_no_one_shown_says_none(db: list[str]) -> None:
    # Not involved with Robin, no consent: his team is not shown, and the answer says
    # why rather than "none" (which would read as a child with no one).
    argv = ["who-else", "CH-ROBIN", "--as-of", "2026-11-23", "--purpose", "review", *db]
    code, out, _ = run(*argv, "--as", "PR-HOY")
    said = " ".join(out.split())
    assert code == exits.OK
    assert (
        "Working with this child: not shown to you (you are not involved, and hold no "
        "consent or statutory basis); ask the contact above." in said
    )
    assert "none" not in said
    # The Hope Project may read his file and no one's current work with him.
    code, out, _ = run(*argv, "--as", "PR-HOPE")
    said = " ".join(out.split())
    assert "Working with this child: none." in said
    assert "3 involvements withheld without consent." in said


def test_timeline_names_the_child_and_says_events_in_words(db: list[str]) -> None:
    argv = ["timeline", "CH-SALLY", "--as", "PR-HOY", "--as-of", "2026-11-23", *db]
    code, out, _ = run(*argv)
    assert code == exits.OK
    assert_readable(out, json.loads(run(*argv, "--json")[1]))
    assert out.startswith("History of Sally Carter (CH-SALLY) to 2026-11-23")
    for code_word in ("involvement_started", "step_up", "summary_of_work", "child_in_need"):
        assert code_word not in out
    assert "stepped up" in out and "summary of work" in out


def test_caf_check_says_the_state_in_words(db: list[str]) -> None:
    argv = ["caf", "check", "CH-SALLY", "--as", "PR-UNINVOLVED", "--as-of", "2026-11-23", *db]
    code, out, _ = run(*argv)
    assert code == exits.OK
    assert_readable(out, json.loads(run(*argv, "--json")[1]))
    assert "stepped down" in out and "stepped_down" not in out


def test_practice_audit_is_a_paragraph_a_finding_with_agencies_by_name(db: list[str]) -> None:
    argv = ["audit", "practice", "--as", "PR-HOY", "--as-of", "2026-11-23", *db]
    code, out, _ = run(*argv)
    assert code == exits.OK
    report = json.loads(run(*argv, "--json")[1])
    assert_readable(out, report["findings"])
    # The gate names the sensitive service Sally keeps private only by its broker.
    said = " ".join(out.split())
    assert "Piccadilly" not in said
    assert "involves a sensitive service; ask Young People's Services broker" in said
    assert "Northfield Children's Centre (AG-CHILDRENS-CENTRE) stopped working" in said
    assert "Sally Carter (CH-SALLY)" in out and "Robin Hale (CH-ROBIN)" in out
    assert len(out.splitlines()) <= 6 * len(report["findings"]) + 16  # 60 lines for 3 before


def test_access_report_names_requesters_and_children(db: list[str]) -> None:
    code, out, _ = run(
        "audit", "access", "--as=PR-IG-OFFICER", "--purpose=review", "--as-of", "2026-11-23", *db
    )
    assert code == exits.OK
    assert_readable(out)
    for named in (
        "Grace Mensah",
        "(PR-MIDWIFE)",
        "Sally Carter",
        "Claire Dawson",
        "Robin Hale (CH-ROBIN)",
        "Gary Hale (PR-LEFT)",
    ):
        assert named in out, named


def test_a_narrow_table_becomes_one_block_per_record(db: list[str]) -> None:
    code, out, _ = run("who-else", "CH-SALLY", "--as", "PR-HOY", *db, columns=50)
    assert code == exits.OK
    assert_readable(out, width=50)
    assert "agency:       Northfield Children's Centre" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["db", "stats"],
        ["summary", "--as-of", "2026-11-23"],
        ["who-else", "CH-SALLY", "CH-ROBIN", "--as", "PR-HOY", "--history", "--purpose", "review"],
    ],
)
def test_other_reports_read_at_80_columns(db: list[str], argv: list[str]) -> None:
    code, out, _ = run(*argv, *db)
    assert code == exits.OK
    assert_readable(out)


CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # a stored code, such as child_in_need


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A small synthetic authority, which has duplicate records and CAFs in it."""
    where = ["--db", str(tmp_path_factory.mktemp("demo") / "db")]
    assert run("demo", "--children", "300", *where)[0] == exits.OK
    return where


def test_the_summary_says_levels_and_states_in_words(demo: list[str]) -> None:
    code, out, _ = run("summary", *demo)
    assert code == exits.OK
    assert_readable(out)
    assert not CODE.findall(out)
    assert "child in need" in out and out.startswith("Records in the embedded store at")


def test_the_summary_dates_only_what_it_counts_on_the_day(demo: list[str]) -> None:
    """The records are those held now (a child born later is still held); a date
    before them all counts no involvement and says so, without dating the records."""
    code, out, _ = run("summary", "--as-of", "1990-01-01", *demo)
    assert code == exits.OK
    heading = out[: out.index(" children (")]  # the store's path may wrap it
    assert heading.startswith("Records in the embedded store at") and "1990" not in heading
    assert "Children with a current involvement on 1990-01-01: none." in out


def test_the_duplicate_audit_names_each_record_and_agency_at_80_columns(
    demo: list[str],
) -> None:
    argv = ["audit", "duplicates", "--as", "PR-GOVERNANCE", *demo]
    code, out, err = run(*argv)
    assert code == exits.OK
    answer = json.loads(run(*argv, "--json")[1])
    known = answer["names"]
    assert answer["pairs"]
    assert_readable(out)
    assert_readable(err)  # the model and the pairs set aside, wrapped at spaces
    said = " ".join(out.split())  # a name may wrap inside its cell
    for pair in answer["pairs"]:
        for record in (pair["child_id"], pair["other_id"]):
            assert f"{known[record]} ({record})" in said
        for shared in pair["shared"]:
            agency = next(iter(re.findall(r"AG-\w+", shared)), None)
            assert agency is None or f"{known[agency]} ({agency})" in said
    rows = list(csv.DictReader(io.StringIO(run(*argv, "--csv")[1])))
    assert [(r["child_name"], r["other_name"]) for r in rows] == [
        (known[p["child_id"]], known[p["other_id"]]) for p in answer["pairs"]
    ]


def test_the_accounts_listing_names_practitioners_and_says_roles_in_words(
    demo: list[str],
) -> None:
    assert run("accounts", "demo", *demo)[0] == exits.OK
    code, out, _ = run("accounts", "list", *demo)
    assert code == exits.OK
    assert_readable(out)
    assert not CODE.findall(out)
    wide = run("accounts", "list", *demo, columns=200)[1]
    listed = json.loads(run("accounts", "list", "--json", *demo)[1])
    for account in listed:
        assert f"{account['practitioner_name']} ({account['practitioner_id']})" in wide
    assert "information governance officer" in wide and "account administrator" in wide


def _commands(group: Any, prefix: str = "") -> list[str]:
    found = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            found.append(f"{prefix}{name}")  # the group's own help
            found += _commands(command, f"{prefix}{name} ")
        else:
            found.append(f"{prefix}{name}")
    return found


def test_help_shows_no_type_placeholders() -> None:
    for name in ["", *_commands(typer.main.get_command(app))]:
        code, out, _ = run(*name.split(), "--help")
        assert code == exits.OK, name
        for placeholder in ("<bool>", "<str>", "<int>", "<path>", "<list[str]>", "<list[Path]>"):
            assert placeholder not in out, (name, placeholder)


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("argv", "column"),
    [
        (["who-else", "CH-SALLY", "--as", "PR-HOY", "--history"], "lead"),
        (["search", "Sally Carter", "--as", "PR-HOY"], "locality"),
        (["timeline", "CH-SALLY", "--as", "PR-HOY", "--as-of", "2026-11-23"], "on"),
        (["caf", "check", "CH-SALLY", "--as", "PR-HOY", "--as-of", "2026-11-23"], "may_start"),
        (["audit", "practice", "--as", "PR-HOY", "--as-of", "2026-11-23"], "child_name"),
        (
            ["audit", "access", "--as=PR-IG-OFFICER", "--purpose=review", "--as-of", "2026-11-23"],
            "same_surname",
        ),
    ],
)
def test_every_listing_prints_csv_and_refuses_csv_with_json(
    db: list[str], argv: list[str], column: str
) -> None:
    code, out, _ = run(*argv, "--csv", *db)
    assert code == exits.OK
    rows = _csv(out)
    assert rows and column in rows[0]
    for row in rows:
        for value in row.values():
            assert value not in ("True", "False", "None")
    code, out, err = run(*argv, "--csv", "--json", *db)
    assert code == exits.INVALID_INPUT and out == ""
    assert err.startswith("Error: choose one of --json and --csv")


def test_csv_is_in_spreadsheet_conventions(db: list[str]) -> None:
    rows = _csv(run("who-else", "CH-SALLY", "--as", "PR-HOY", "--history", "--csv", *db)[1])
    assert {r["lead"] for r in rows} == {"true", "false"}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r["since"]) for r in rows)
    access = _csv(run("audit", "access", "--as=PR-IG-OFFICER", "--purpose=review", "--csv", *db)[1])
    assert {r["requester_name"] for r in access} >= {"Helen Okafor", "Claire Dawson"}
    assert {r["requester_not_involved"] for r in access} == {"true", "false"}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_csv_cell_a_spreadsheet_would_run_is_shown_as_text(start: str) -> None:
    formula = f'{start}HYPERLINK("http://x","y")'
    row = next(csv.reader(io.StringIO(output.csv_text(["purpose"], [[formula]]))), None)
    assert row == ["purpose"]
    cells = list(csv.reader(io.StringIO(output.csv_text(["purpose"], [[formula]]))))[1]
    assert cells == ["'" + formula]
    assert output.csv_cell(-3) == "-3"  # a number stays a number
    assert output.csv_cell(True) == "true" and output.csv_cell(None) == ""


def test_a_purpose_written_as_a_formula_reaches_the_csv_as_text(tmp_path: Path) -> None:
    where = ["--db", str(tmp_path / "db")]
    assert run("import", str(SALLY), *where)[0] == exits.OK
    purpose = "=cmd|' /C calc'!A0"
    assert run("who-else", "CH-SALLY", "--as", "PR-HOY", "--purpose", purpose, *where)[0] == 0
    rows = _csv(
        run("audit", "access", "--as=PR-IG-OFFICER", "--purpose=review", "--csv", *where)[1]
    )
    assert rows[0]["purpose"] == "'" + purpose


def test_a_child_not_known_exits_8_after_the_answer(db: list[str]) -> None:
    assert exits.NOT_KNOWN == 8
    code, out, _ = run("who-else", "Sally Carter", "--as", "PR-HOY", *db)
    assert code == exits.NOT_KNOWN
    assert out.startswith("Sally Carter is not known")
    code, out, _ = run("who-else", "CH-SALLY", "CH-NOBODY", "--as", "PR-HOY", "--json", *db)
    assert code == exits.NOT_KNOWN
    assert [r["known"] for r in json.loads(out)] == [True, False]
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "exits 8" in readme


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["who-else", "CH-SALLY", "--as", "PR-UNTRAINED"], exits.ACCESS_DENIED),
        (["who-else", "CH-SALLY", "--as", "PR-NOBODY"], exits.ACCESS_DENIED),
        (["timeline", "CH-SALLY", "--as", "PR-UNTRAINED"], exits.ACCESS_DENIED),
        (["caf", "check", "CH-SALLY", "--as", "PR-UNTRAINED"], exits.ACCESS_DENIED),
        (["who-else", "CH-NOBODY", "--as", "PR-HOY"], exits.NOT_KNOWN),
        (["timeline", "CH-NOBODY", "--as", "PR-HOY"], exits.NOT_FOUND),
        (["caf", "check", "CH-NOBODY", "--as", "PR-HOY"], exits.NOT_FOUND),
        (
            ["audit", "access", "--as=PR-IG-OFFICER", "--purpose=review", "--since", "last week"],
            exits.INVALID_INPUT,
        ),
        (
            ["audit", "access", "--as=PR-IG-OFFICER", "--purpose=review", "--json", "--csv"],
            exits.INVALID_INPUT,
        ),
        (
            ["audit", "practice", "--as", "PR-HOY", "--fail-on-findings", "--as-of", "2026-11-23"],
            exits.FINDINGS,
        ),
        (["db", "clear"], exits.ERROR),
    ],
)
def test_the_exit_code_of_each_refusal_is_pinned(db: list[str], argv: list[str], code: int) -> None:
    got, _, err = run(*argv, *db)
    assert got == code, err
    if code not in (exits.NOT_KNOWN, exits.FINDINGS):
        assert err.startswith("Error: ")


def test_the_line_count_a_table_plans_with_is_textwraps() -> None:
    import random
    import textwrap

    rng = random.Random(7)
    for _ in range(2000):
        words = [rng.randint(1, 12) for _ in range(rng.randint(0, 8))]
        size = rng.randint(12, 30)
        text = " ".join("x" * n for n in words)
        wrapped = textwrap.wrap(text, size, break_long_words=False)
        assert output._lines(words, size) == (len(wrapped) or 1), (words, size)


def test_explain_counts_withheld_items_rather_than_numbering_them(db: list[str]) -> None:
    # The social worker is involved with Robin (so not an enquiry, where nothing is said
    # of what is withheld), and Robin is shielded from her.
    argv = ["who-else", "CH-ROBIN", "--as", "PR-SOCIAL-WORKER", "--explain", *db]
    code, out, _ = run(*argv)
    assert code == exits.OK
    answer = json.loads(run(*argv, "--json")[1])
    hidden = [e for e in answer["explanation"] if e["item"].startswith("withheld item")]
    assert len(hidden) > 1
    # Under each reason, several withheld items are counted, not listed one by one.
    counted = [int(n) for n in re.findall(r"  - (\d+) items withheld", out)]
    listed = re.findall(r"  - withheld item \d+", out)
    assert counted and all(n > 1 for n in counted)
    assert sum(counted) + len(listed) == len(hidden)


def test_accounts_list_as_csv(db: list[str]) -> None:
    assert run("accounts", "demo", "--limit", "2", *db)[0] == exits.OK
    code, out, _ = run("accounts", "list", "--csv", *db)
    assert code == exits.OK
    rows = _csv(out)
    assert {row["practitioner_id"] for row in rows} >= {"PR-IG-OFFICER"}
    assert all(row["roles"] and "[" not in row["roles"] for row in rows)  # "; " joined
    assert {row["state"] for row in rows} == {"active"}
