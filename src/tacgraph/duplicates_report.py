"""The duplicate audit as a read of child data: through the gate, for a requester, with
one access-log entry naming its scope (every child record, the threshold, the backend)
before the report is returned.

The linkage itself is :func:`tacgraph.duplicates.find_duplicates`, which already
withholds location evidence for a pair involving a shielded child or their household;
this module is the read path (``duplicates_audit`` in :data:`tacgraph.gate.READ_PATHS`)
every caller that shows the pairs to someone goes through.
"""

from __future__ import annotations

from datetime import date

from tacgraph import audit, gate
from tacgraph.duplicates import DEFAULT_MIN_PROBABILITY, DuplicateReport, find_duplicates
from tacgraph.duplicates.audit import Progress
from tacgraph.store.base import Store


def duplicates_report(
    store: Store,
    *,
    requester_id: str,
    as_of: date | None = None,
    min_probability: float = DEFAULT_MIN_PROBABILITY,
    progress: Progress | None = None,
    backend: str | None = None,
    purpose: str = "",
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> DuplicateReport:
    """Probable duplicate child records and duplicate CAFs as of ``as_of`` (default
    today by ``clock``), for ``requester_id``, who must be authorised today. One
    access-log entry, flagged ``bulk``, names the scope and every record a pair names.
    Raises AccessDenied (audited), InvalidArgument for a bad threshold or backend,
    StoreError."""
    with gate.opened(
        "duplicates_audit", requester_id, on=as_of, clock=clock, channel=channel, purpose=purpose
    ) as reading:
        requester = gate.bulk_requester(store, reading, requester_id, clock=clock)
        report = find_duplicates(
            store, reading.on, min_probability=min_probability, progress=progress, backend=backend
        )
        named = children_named(report)
        gate.log_bulk(
            store,
            reading,
            requester,
            sorted(f"child:{c}" for c in named),
            f"every child record; probability at least {min_probability}; on {report.backend}",
            clock=clock,
        )
        return report


def children_named(report: DuplicateReport) -> set[str]:
    """The ids of every child record the report names: the pairs' records, the records
    of a duplicate CAF, and those with several open CAFs."""
    named = {c for p in report.pairs for c in (p.child_id, p.other_id)}
    named |= {c for d in report.duplicate_cafs for c in d.child_ids}
    return named | {s.child_id for s in report.several_open_cafs}
