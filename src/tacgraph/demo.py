"""The demonstration: a synthetic local authority written, imported into a store and
summarised, in one call (what ``tacgraph demo`` and ``scripts/demo`` run)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tacgraph.importer import ImportReport, Progress, import_files
from tacgraph.model import Agency, AgencyKind, Practitioner, Record, Role
from tacgraph.store.base import Store
from tacgraph.summary import Summary, summarise
from tacgraph.synth import Synthesiser, write_jsonl

__all__ = ["Demo", "build_demo"]


# The synthetic authority's agencies are front-line services; its information governance
# officer (who alone may read the access review) is added to the demonstration, in the
# first early help team, the council's own service.
GOVERNANCE_OFFICER_ID = "PR-GOVERNANCE"


def governance_officer(agency_id: str) -> Practitioner:
    """The demonstration's information governance officer, employed by ``agency_id``."""
    return Practitioner(
        id=GOVERNANCE_OFFICER_ID,
        given_name="Morgan",
        family_name="Ashby",
        agency_id=agency_id,
        role=Role.INFORMATION_GOVERNANCE_OFFICER,
        lookup_authorised=True,
        email="information.governance@example.org",
    )


def with_governance_officer(records: Iterable[Record]) -> Iterator[Record]:
    """``records``, then the :func:`governance_officer` of the first early help team
    among them (none where there is no such team)."""
    council: Agency | None = None
    for record in records:
        if council is None and isinstance(record, Agency) and record.kind is AgencyKind.EARLY_HELP:
            council = record
        yield record
    if council is not None:
        yield governance_officer(council.id)


@dataclass(frozen=True)
class Demo:
    """What a demonstration built: the synthetic file, its import and the summary on the
    synthesis' as-of date."""

    source: Path
    report: ImportReport
    summary: Summary


def build_demo(
    store: Store,
    folder: Path,
    *,
    children: int = 2000,
    seed: int = 7,
    progress: Progress | None = None,
) -> Demo:
    """Synthesise ``children`` children with ``seed``, and the authority's information
    governance officer (:func:`with_governance_officer`), into
    ``folder/synthetic-<children>-<seed>.jsonl``, import the file into ``store`` (its
    schema made first) and summarise the store on the synthesis' as-of date.

    ``progress`` is called with a phase ("synth", then the importer's) and a count.
    Returns the :class:`Demo`. Raises ValueError for a negative number of children,
    InvalidInput or StoreError from the import, OSError when the file cannot be written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"synthetic-{children}-{seed}.jsonl"
    generator = Synthesiser(children, seed)
    write_jsonl(
        with_governance_officer(generator.records()),
        source,
        progress=None if progress is None else (lambda done: progress("synth", done, None)),
    )
    store.init_schema()
    report = import_files(store, [source], progress=progress)
    summary = summarise(store, date.fromisoformat(generator.truth.as_of))
    return Demo(source=source, report=report, summary=summary)
