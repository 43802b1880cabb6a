"""For the information governance officer: the access report with its flags, filters
and CSV download, and verifying the access log's chain."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from tacgraph import audit, ig
from tacgraph.spreadsheet import csv_text
from tacgraph.web.deps import StoreDep, csrf_protect, require, settings_of
from tacgraph.web.pages import render

router = APIRouter(dependencies=[Depends(csrf_protect)])
IgOfficer = require("ig_officer")
SHOWN = 200  # the newest entries a page shows; the CSV has them all


def _report(
    request: Request, store: StoreDep, practitioner: str, child: str, since: str
) -> tuple[ig.AccessReport, list[dict[str, str]]]:
    errors = []
    when = None
    if since.strip():
        try:
            when = date.fromisoformat(since.strip())
        except ValueError:
            errors.append({"text": "Since must be a date like 2026-11-01", "href": "#since"})
    report = ig.access_review(
        store,
        requester_id=request.state.user.practitioner_id,
        practitioner=practitioner.strip() or None,
        child=child.strip() or None,
        since=when,
        clock=settings_of(request).clock,
        channel="web",
    )
    return report, errors


def _page(
    request: Request,
    store: StoreDep,
    values: dict[str, str],
    verified: audit.VerifyReport | None = None,
) -> Response:
    """The access report filtered by ``values`` (and, after verify, its outcome)."""
    report, errors = _report(
        request, store, values.get("practitioner", ""), values.get("child", ""),
        values.get("since", ""),
    )  # fmt: skip
    return render(
        request,
        "governance.html",
        report=report,
        entries=report.entries[-SHOWN:][::-1],
        values=values,
        errors=errors,
        verified=verified,
        status_code=400 if errors else 200,
    )


@router.get("/governance", dependencies=[IgOfficer])
def governance_page(request: Request, store: StoreDep) -> Response:
    return _page(request, store, {})


def _filters(
    practitioner: Annotated[str, Form()] = "",
    child: Annotated[str, Form()] = "",
    since: Annotated[str, Form()] = "",
) -> dict[str, str]:
    """The report's filters as the form gave them."""
    return {"practitioner": practitioner, "child": child, "since": since}


Filters = Annotated[dict[str, str], Depends(_filters)]


@router.post("/governance", dependencies=[IgOfficer])
def governance_filtered(request: Request, store: StoreDep, values: Filters) -> Response:
    return _page(request, store, values)


@router.post("/governance/access.csv", dependencies=[IgOfficer])
def governance_csv(request: Request, store: StoreDep, values: Filters) -> Response:
    report, _ = _report(request, store, values["practitioner"], values["child"], values["since"])
    fields = list(ig.AccessRow.model_fields)
    text = csv_text(fields, ([getattr(row, f) for f in fields] for row in report.entries))
    return Response(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="access-report.csv"'},
    )


@router.post("/governance/verify", dependencies=[IgOfficer])
def governance_verify(request: Request, store: StoreDep) -> Response:
    return _page(request, store, {}, audit.verify(store))
