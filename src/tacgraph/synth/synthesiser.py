"""The synthesiser: one authority's records, streamed in reference order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from tacgraph.model import (
    RECORD_TYPES,
    Record,
)
from tacgraph.synth.people import People
from tacgraph.synth.vocabulary import (
    DEFAULT_AS_OF,
)


class Synthesiser(People):
    """Generates one synthetic authority; iterate :meth:`records` once.

    ``truth`` is filled as the records are generated and is complete when the iterator
    is exhausted. ``children_done`` counts the genuine children emitted so far, for
    progress reporting. Raises ValueError for a negative number of children.
    """

    def records(self) -> Iterator[Record]:
        """Every record, referenced records first. Raises RuntimeError if called twice."""
        if self._started:
            raise RuntimeError("a Synthesiser can be iterated only once")
        self._started = True
        counts = {t.label(): 0 for t in RECORD_TYPES}
        for record in self._stream():
            counts[type(record).label()] += 1
            yield record
        self.truth.counts = counts

    def _stream(self) -> Iterator[Record]:
        rng = self._rng
        yield from self._authority()
        for loc in self._localities:
            left = loc.children
            while left > 0:
                r = rng.random()
                count = 1 if r < 0.42 else 2 if r < 0.78 else 3 if r < 0.93 else 4
                count = min(count, left)
                before = self.children_done
                yield from self._household(loc, count)
                left -= self.children_done - before


def generate(
    children: int, seed: int, *, as_of: date = DEFAULT_AS_OF, faults: bool = True
) -> Iterator[Record]:
    """The records of a synthetic authority (see :class:`Synthesiser`, which also gives
    the :class:`Truth`). Raises ValueError for a negative number of children."""
    return Synthesiser(children, seed, as_of=as_of, faults=faults).records()
