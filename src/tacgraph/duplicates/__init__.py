"""Probable duplicate child records, and the duplicate CAFs they hide.

Two records of one child split what agencies know between them, and let a second CAF
start when one is already open (000 4.1: "confirm none exists"). This package finds them
by probabilistic record linkage (Fellegi-Sunter, with Splink on DuckDB or Spark) over
the identifying fields a record holds and the graph's own evidence, and sets twins and
siblings aside. One module per job:

- :mod:`~tacgraph.duplicates.names`: folding, nicknames (``nicknames.json``),
  transliterations, and whether two given names are one child's;
- :mod:`~tacgraph.duplicates.features`: the linkage table built from the store's rows;
- :mod:`~tacgraph.duplicates.model`: comparisons, blocking, training and fixed values;
- :mod:`~tacgraph.duplicates.spark`: the Spark session and table;
- :mod:`~tacgraph.duplicates.evidence`: the graph's evidence and the rule for twins;
- :mod:`~tacgraph.duplicates.report`: the results, explained, with shielding;
- :mod:`~tacgraph.duplicates.audit`: :func:`find_duplicates` and
  :func:`probable_duplicates_of`.
"""

from tacgraph.duplicates.audit import (
    DEFAULT_MIN_PROBABILITY,
    check_probability,
    find_duplicates,
    probable_duplicates_of,
)
from tacgraph.duplicates.evidence import dates_could_be_one_birth, sibling_check, two_children
from tacgraph.duplicates.model import BACKEND_ENV, BACKENDS, EXPECTED_DUPLICATE_RATE
from tacgraph.duplicates.names import (
    given_names_clearly_differ,
    misspelt,
    name_forms,
    names_in_their_own_right,
    nickname_groups,
    normalise_name,
    one_given_name,
)
from tacgraph.duplicates.report import (
    WITHHELD,
    DuplicateCluster,
    DuplicatePair,
    DuplicateReport,
    SeveralOpenCafs,
)

__all__ = [
    "BACKENDS",
    "BACKEND_ENV",
    "DEFAULT_MIN_PROBABILITY",
    "EXPECTED_DUPLICATE_RATE",
    "WITHHELD",
    "DuplicateCluster",
    "DuplicatePair",
    "DuplicateReport",
    "SeveralOpenCafs",
    "check_probability",
    "dates_could_be_one_birth",
    "find_duplicates",
    "given_names_clearly_differ",
    "misspelt",
    "name_forms",
    "names_in_their_own_right",
    "nickname_groups",
    "normalise_name",
    "one_given_name",
    "probable_duplicates_of",
    "sibling_check",
    "two_children",
]
