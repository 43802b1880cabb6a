"""The practice audit as a read of child data: through the gate, for a requester, with
one access-log entry naming its scope (every child, the checks run), and without naming
a sensitive service to a requester no consent or statutory basis lets see it.

The checks themselves are :func:`tacgraph.practice.audit_practice`; this module is the
read path (``practice_audit`` in :data:`tacgraph.gate.READ_PATHS`) every caller that
shows their findings to someone goes through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from tacgraph import audit, gate
from tacgraph.access import Requester
from tacgraph.consent import BasisFact, ConsentFact, Viewer
from tacgraph.practice import AuditSettings, Finding, PracticeReport, audit_practice
from tacgraph.rows.lookup import LOOKUP_BASES, LOOKUP_CONSENTS
from tacgraph.rows.practice import PRACTICE_SENSITIVE_SERVICES, PracticeSensitiveServicesRow
from tacgraph.store.base import Store
from tacgraph.wording import counted


def practice_report(
    store: Store,
    *,
    requester_id: str,
    as_of: date | None = None,
    checks: Iterable[str] | None = None,
    settings: AuditSettings | None = None,
    progress: Callable[[str, int], Any] | None = None,
    purpose: str = "",
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> PracticeReport:
    """The practice audit of every child as of ``as_of`` (default today by ``clock``)
    for ``requester_id``, who must be authorised today. A finding that names a
    sensitive service the requester may not see (no consent or statutory basis for
    sensitive_services covering them, for that service) names only that a sensitive
    service is involved and its broker. One access-log entry, flagged ``bulk``, names
    the scope before the report is returned. Raises AccessDenied (audited),
    InvalidArgument for an unknown check, StoreError."""
    with gate.opened(
        "practice_audit", requester_id, on=as_of, clock=clock, channel=channel, purpose=purpose
    ) as reading:
        requester = gate.bulk_requester(store, reading, requester_id, clock=clock)
        report = audit_practice(
            store, as_of=reading.on, checks=checks, settings=settings, progress=progress
        )
        findings, withheld, used = _gated(store, report.findings, requester, reading)
        scope = f"every child; checks {', '.join(report.checks)}"
        detail = scope + (
            f"; {counted(withheld, 'sensitive service finding')} redacted" if withheld else ""
        )
        gate.log_bulk(
            store,
            reading,
            requester,
            sorted({f"finding:{f.check}:{f.child_id}" for f in findings}),
            detail,
            clock=clock,
            bases=used,
        )
        return report.model_copy(update={"findings": findings})


def _gated(
    store: Store, findings: list[Finding], requester: Requester, reading: gate.Reading
) -> tuple[list[Finding], int, list[str]]:
    """The findings as the requester may see them, how many were redacted, and the
    consents and bases that let a sensitive service be named."""
    children = sorted({f.child_id for f in findings})
    if not children:
        return findings, 0, []
    sensitive: dict[str, list[PracticeSensitiveServicesRow]] = {}
    for row in store.read(PRACTICE_SENSITIVE_SERVICES, {"child_ids": children}):
        sensitive.setdefault(str(row["child_id"]), []).append(row)
    viewer = Viewer(id=requester.id, agency_id=requester.agency_id, teams=frozenset())
    out: list[Finding] = []
    withheld = 0
    used: set[str] = set()
    gates: dict[str, gate.Gate] = {}
    for finding in findings:
        services = sensitive.get(finding.child_id, [])
        named = set(finding.nodes) | {finding.subject_id}
        hit = [
            s
            for s in services
            if named & {s["involvement_id"], s["agency_id"], s["practitioner_id"]}
            or s["agency_name"] in finding.detail
        ]
        if not hit:
            out.append(finding)
            continue
        decided = gates.get(finding.child_id)
        if decided is None:
            decided = gates[finding.child_id] = _gate(store, finding.child_id, viewer, reading)
        refused = [s for s in hit if not decided.involvement({**s, "sensitive": True}).allowed]
        if not refused:
            used.update(decided.used)
            out.append(finding)
            continue
        withheld += 1
        hidden = {
            str(s[k]) for s in refused for k in ("involvement_id", "agency_id", "practitioner_id")
        }
        broker = refused[0]["broker_contact"] or gate.front_door()
        out.append(
            finding.model_copy(
                update={
                    "subject_id": finding.child_id
                    if finding.subject_id in hidden
                    else finding.subject_id,
                    "detail": f"{finding.rule}: involves a sensitive service; ask {broker}",
                    "nodes": [n for n in finding.nodes if n not in hidden],
                    "edges": [e for e in finding.edges if not ({e.source, e.target} & hidden)],
                }
            )
        )
    return out, withheld, sorted(used)


def _gate(store: Store, child_id: str, viewer: Viewer, reading: gate.Reading) -> gate.Gate:
    params = {"child_id": child_id}
    consents = [ConsentFact.from_row(r) for r in store.read(LOOKUP_CONSENTS, params)]
    bases = [BasisFact.from_row(r) for r in store.read(LOOKUP_BASES, params)]
    return gate.Gate(viewer, consents, bases, reading.on, today=reading.today)
