"""The practice checks by name, and one audit run over a store."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from tacgraph.errors import InvalidArgument
from tacgraph.practice.casebook import Casebook
from tacgraph.practice.closures import check_closures, check_left_with_no_one
from tacgraph.practice.disengagement import check_disengagement
from tacgraph.practice.findings import AuditSettings, Finding, PracticeReport
from tacgraph.practice.leads import check_lead_gap, check_statutory_lead
from tacgraph.practice.need import check_cumulative_need, check_parallel_plans
from tacgraph.practice.reviews import check_reviews
from tacgraph.store.base import Store

Check = Callable[[Casebook, AuditSettings], list[Finding]]

CHECKS: dict[str, Check] = {
    "disengagement": check_disengagement,
    "lead_gap": check_lead_gap,
    "statutory_lead": check_statutory_lead,
    "reviews": check_reviews,
    "closures": check_closures,
    "left_with_no_one": check_left_with_no_one,
    "cumulative_need": check_cumulative_need,
    "parallel_plans": check_parallel_plans,
}


def audit_practice(
    store: Store,
    *,
    as_of: date,
    checks: Iterable[str] | None = None,
    settings: AuditSettings | None = None,
    progress: Callable[[str, int], Any] | None = None,
) -> PracticeReport:
    """Run the named practice checks (all by default) over every child in ``store`` as
    of ``as_of`` and return the findings, sorted by check, child and subject.

    Raises InvalidInput for an unknown check name and StoreError if a query fails."""
    chosen = list(CHECKS) if checks is None else list(dict.fromkeys(checks))
    unknown = [c for c in chosen if c not in CHECKS]
    if unknown:
        raise InvalidArgument(
            f"unknown check {', '.join(unknown)}", f"choose from {', '.join(CHECKS)}"
        )
    settings = settings or AuditSettings()
    data = Casebook(store, as_of, settings)
    findings: list[Finding] = []
    for done, name in enumerate(chosen, start=1):
        findings.extend(CHECKS[name](data, settings))
        if progress is not None:
            progress(name, done)
    order = {name: i for i, name in enumerate(CHECKS)}
    findings.sort(key=lambda f: (order[f.check], f.child_id, f.subject_id, f.rule))
    return PracticeReport(as_of=as_of, checks=chosen, settings=settings, findings=findings)
