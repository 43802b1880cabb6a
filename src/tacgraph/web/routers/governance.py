"""For the information governance officer: the access report with its flags, filters
and CSV download, and verifying the access log's chain."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Form
from fastapi.responses import Response

from tacgraph import audit, ig
from tacgraph.spreadsheet import csv_text
from tacgraph.web.deps import Page, PageDep, role_router
from tacgraph.web.forms import AccessFilters

router = role_router("ig_officer")
SHOWN = 200  # the newest entries a page shows; the CSV has them all


def _report(page: Page, filters: AccessFilters) -> tuple[ig.AccessReport, list[dict[str, str]]]:
    errors = []
    when = None
    if filters.since.strip():
        try:
            when = date.fromisoformat(filters.since.strip())
        except ValueError:
            errors.append({"text": "Since must be a date like 2026-11-01", "href": "#since"})
    report = ig.access_review(
        page.store,
        requester_id=page.user.practitioner_id,
        practitioner=filters.practitioner.strip() or None,
        child=filters.child.strip() or None,
        agency=filters.agency.strip() or None,
        since=when,
        clock=page.clock,
        channel="web",
    )
    return report, errors


def _page(
    page: Page, filters: AccessFilters, verified: audit.VerifyReport | None = None
) -> Response:
    """The access report filtered by ``filters`` (and, after verify, its outcome)."""
    report, errors = _report(page, filters)
    return page.render(
        "governance.html",
        report=report,
        entries=report.entries[-SHOWN:][::-1],
        values=filters.model_dump(),
        errors=errors,
        verified=verified,
        status_code=400 if errors else 200,
    )


Filters = Annotated[AccessFilters, Form()]


@router.get("/governance")
def governance_page(page: PageDep) -> Response:
    return _page(page, AccessFilters())


@router.post("/governance")
def governance_filtered(page: PageDep, filters: Filters) -> Response:
    return _page(page, filters)


@router.post("/governance/access.csv")
def governance_csv(page: PageDep, filters: Filters) -> Response:
    report, _ = _report(page, filters)
    fields = list(ig.AccessRow.model_fields)
    text = csv_text(fields, ([getattr(row, f) for f in fields] for row in report.entries))
    return Response(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="access-report.csv"'},
    )


@router.post("/governance/verify")
def governance_verify(page: PageDep) -> Response:
    return _page(page, AccessFilters(), audit.verify(page.store))
