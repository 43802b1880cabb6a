"""A synthetic English local authority's children's-services data, with known faults.

:class:`Synthesiser` streams valid :mod:`tacgraph.model` records for a chosen number of
children: agencies and practitioners first, then household by household, so every
record a record refers to has been yielded before it. The same ``children``, ``seed``,
``as_of`` and ``faults`` always give the same records in the same order. Memory stays
small whatever the size: only the agencies, the practitioners and a little bookkeeping
per household are held.

With ``faults=True`` (the default) some realistic faults are injected and every one is
written to :class:`Truth`: duplicate child records with typical data-entry errors,
duplicate open CAFs on those duplicates, involvements ended without a handover while a
CAF stayed open, overdue CAF reviews, late initial assessments and children known to
several agencies with no CAF. With ``faults=False`` none of these occur. Twins are real
children, not faults, and occur either way.

Only :class:`random.Random` seeded from ``seed`` is used, so no third-party generator
can change the output between versions.

The modules, in the order a synthesis uses them: ``vocabulary`` (the words and figures
drawn from), ``state`` (what is held while a household is built), ``ids`` (ids and
picks), ``authority`` (agencies and practitioners), ``people`` (households and children),
``services`` and ``statutory`` (the work with a child), ``history`` (CAF histories and
level changes), ``faults`` (duplicates), ``finishing`` (records from the bookkeeping),
``truth`` (what was injected) and ``output`` (JSON Lines and JSON files).
"""

from tacgraph.synth.faults import DUPLICATE_ERROR_KINDS
from tacgraph.synth.output import record_line, write_json, write_jsonl, write_records
from tacgraph.synth.synthesiser import Synthesiser, generate
from tacgraph.synth.truth import Truth
from tacgraph.synth.vocabulary import DEFAULT_AS_OF, REVIEW_INTERVAL_DAYS

__all__ = [
    "DEFAULT_AS_OF",
    "DUPLICATE_ERROR_KINDS",
    "REVIEW_INTERVAL_DAYS",
    "Synthesiser",
    "Truth",
    "generate",
    "record_line",
    "write_json",
    "write_jsonl",
    "write_records",
]
