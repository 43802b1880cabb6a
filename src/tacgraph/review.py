"""The access review for a board: one self-contained HTML page (no network request;
its Content-Security-Policy forbids one) drawn from the same ``AccessReport`` as the
``audit access`` table, with the period, the flags in words, counts by agency and by
flag, and the entries that need a look."""

from __future__ import annotations

import html
import tempfile
from collections.abc import Sequence
from datetime import datetime
from importlib import resources
from pathlib import Path
from string import Template

from tacgraph.files import whole_or_nothing
from tacgraph.ig import FLAGS, AccessReport, AccessRow
from tacgraph.wording import first_upper

MEANINGS = {
    FLAGS["statutory"]: (
        "details were shared without consent on a recorded statutory basis (for example "
        "significant harm); check that the basis records its reason."
    ),
    FLAGS["requester_not_involved"]: (
        "the practitioner had no involvement with the child and was not in the child's "
        "Team Around the Child on the date looked up; check the purpose given."
    ),
    FLAGS["same_surname"]: (
        "the child has the practitioner's surname: a possible look-up of a relative or "
        "neighbour; check the purpose given."
    ),
}


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _named(name: object, record_id: object) -> str:
    if name:
        return f'{_e(name)} <span class="id">{_e(record_id)}</span>'
    return f'<span class="id">{_e(record_id)}</span>'


def _table(columns: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    """An HTML table of cells already escaped; ``empty`` when there are no rows."""
    if not rows:
        return f'<p class="none">{_e(empty)}</p>'
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>\n" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>"


def _day(at: str | None) -> str:
    if not at:
        return "not known"
    try:
        return f"{datetime.fromisoformat(at):%-d %B %Y}"
    except ValueError:
        return at


def period(report: AccessReport) -> str:
    """The period the review covers, in words: "Lookups from 2 September 2026 to
    5 December 2026 (3 entries)", or "Lookups on 5 December 2026 (3 entries)"."""
    count = f"{len(report.entries):,} {'entry' if len(report.entries) == 1 else 'entries'}"
    if not report.entries:
        start = f"since {report.since}" if report.since else "in the whole log"
        return f"No lookups {start}"
    first, last = _day(report.entries[0].at), _day(report.entries[-1].at)
    if first == last:
        return f"Lookups on {first} ({count})"
    return f"Lookups from {first} to {last} ({count})"


def _entry(row: AccessRow) -> list[str]:
    flags = "".join(f'<span class="flag">{_e(f)}</span>' for f in row.flags)
    return [
        f"{_e(row.seq)}",
        f'<span class="day">{_e(_day(row.at))}</span>',
        _named(row.requester_name, row.requester_id)
        + (f"<br>{_e(row.requester_agency)}" if row.requester_agency else ""),
        _named(row.child_name, row.child_id),
        _e(row.purpose) or '<span class="none">none given</span>',
        flags,
    ]


def render(report: AccessReport, *, expiring_within: int = 30) -> str:
    """The review as one HTML page."""
    counts = report.counts_by_flag()
    figures = [
        ("", len(report.entries), "lookups"),
        ("flagged", counts["any flag"], "need a look"),
        ("", len(report.statutory_bases), "statutory bases"),
        (
            "flagged" if report.left_but_in_team else "",
            len(report.left_but_in_team),
            "leavers in a TAC",
        ),
        ("", len(report.consents_expiring), "consents expiring"),
    ]
    flagged = [r for r in report.entries if r.flags]
    fields = {
        "period": _e(period(report)),
        "as_of": _e(report.as_of),
        "expiring_within": _e(expiring_within),
        "filters": "".join(f"<p><b>Filtered.</b> {_e(f)}</p>" for f in report.filters)
        + "".join(f"<p><b>Not held.</b> {_e(first_upper(f))}.</p>" for f in report.not_held),
        "figures": "".join(
            f'<div class="figure {cls}"><b>{n:,}</b>{_e(label)}</div>' for cls, n, label in figures
        ),
        "meanings": "".join(
            f"<dt><b>{_e(flag)}</b></dt><dd>{_e(meaning)}</dd>"
            for flag, meaning in MEANINGS.items()
        ),
        "by_agency": _table(
            ["agency", "lookups", "flagged"],
            [
                [_e(name), f'<span class="n">{n:,}</span>', f"{f:,}"]
                for name, n, f in report.counts_by_agency()
            ],
            "No lookups.",
        ),
        "by_flag": _table(
            ["flag", "lookups"],
            [[_e(flag), f"{n:,}"] for flag, n in counts.items() if flag != "any flag"],
            "No lookups.",
        ),
        "flagged": _table(
            ["entry", "day", "requester", "child", "purpose", "flags"],
            [_entry(r) for r in flagged],
            "No entry carries a flag.",
        ),
        "bases": _table(
            ["basis", "child", "ground", "recorded", "reason"],
            [
                [
                    _e(b["basis_id"]),
                    _named(b.get("child_name"), b["child_id"]),
                    _e(str(b["ground"]).replace("_", " ")),
                    f"{_e(b['recorded_on'])}<br>"
                    + (
                        _named(b.get("recorded_by_name"), b["recorded_by_id"])
                        if b["recorded_by_id"]
                        else "by no one recorded"
                    ),
                    "recorded" if b["has_reason"] else '<span class="flag">no reason</span>',
                ]
                for b in report.statutory_bases
            ],
            "None.",
        ),
        "leavers": _table(
            ["practitioner", "left on", "membership", "CAF", "child"],
            [
                [
                    _named(r.get("practitioner_name"), r["practitioner_id"]),
                    _e(r["left_agency_on"]),
                    _e(r["membership_id"]),
                    _e(r["caf_id"]),
                    _named(r.get("child_name"), r["child_id"]),
                ]
                for r in report.left_but_in_team
            ],
            "None.",
        ),
        "consents": _table(
            ["consent", "child", "expires on"],
            [
                [
                    _e(k["consent_id"]),
                    _named(k.get("child_name"), k["child_id"]),
                    _e(k["expires_on"]),
                ]
                for k in report.consents_expiring
            ],
            "None.",
        ),
        "note": _e(report.note),
    }
    page = resources.files("tacgraph").joinpath("review.html").read_text(encoding="utf-8")
    return Template(page).substitute(fields)


def write_pdf(report: AccessReport, path: Path, *, expiring_within: int = 30) -> None:
    """Write the review to ``path`` as a PDF, printed by headless Chromium from the
    same page (which makes no network request). Raises ChromiumMissing when no browser
    is installed, RenderError when printing fails, InvalidArgument when the page cannot
    be written."""
    from tacgraph.render import screenshot  # only this command needs the browser

    with tempfile.TemporaryDirectory(prefix="tacgraph-review-") as folder:
        page = Path(folder) / "access-review.html"
        write_html(report, page, expiring_within=expiring_within)
        screenshot.pdf(page, path)


def write_html(report: AccessReport, path: Path, *, expiring_within: int = 30) -> None:
    """Write the review to ``path`` (UTF-8), whole or not at all. Raises InvalidArgument
    if it cannot be written."""
    with whole_or_nothing(path) as tmp:
        tmp.write_text(render(report, expiring_within=expiring_within), encoding="utf-8")
