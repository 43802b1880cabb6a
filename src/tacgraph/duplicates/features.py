"""The linkage table: one row per child record, with the columns the comparisons and
blocking rules read (folded names and their forms, date of birth keys, postcode and
address, and the graph's links), built from the named queries' rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from tacgraph.duplicates.names import name_forms, normalise_name, spelling_key

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ChildRecord:
    """What the rule on top of the linkage, the evidence and the report need of a
    record."""

    id: str
    given: str | None
    preferred: str | None
    middle: str | None
    nhs: str | None
    household_id: str | None
    family_ids: frozenset[str]
    school_id: str | None
    gp_practice_id: str | None
    postcode: str | None
    born: date | None
    unborn: bool
    shielded: bool


def dob_key(value: date | None) -> str | None:
    """The date of birth with day and month in order of size: equal for a date and the
    same date with day and month swapped."""
    if value is None:
        return None
    low, high = sorted((value.day, value.month))
    return f"{value.year:04d}-{low:02d}-{high:02d}"


def _postcode(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    compact = value.replace(" ", "").upper()
    return compact, compact[:-2]  # the sector: outward code and the inward digit


def _address(value: str | None) -> str | None:
    if not value:
        return None
    text = "".join(ch if ch.isalnum() else " " for ch in value.lower())
    return " ".join(text.split()) or None


def records(
    rows: Sequence[Mapping[str, Any]], links: Mapping[str, Mapping[str, Any]]
) -> dict[str, ChildRecord]:
    """Each child record by id, with its links."""
    out: dict[str, ChildRecord] = {}
    for row in rows:
        cid = str(row["id"])
        link = links.get(cid, {})
        out[cid] = ChildRecord(
            id=cid,
            given=row.get("given_name"),
            preferred=row.get("preferred_name"),
            middle=row.get("middle_names"),
            nhs=row.get("nhs_number"),
            household_id=link.get("household_id"),
            family_ids=frozenset(link.get("family_ids", ())),
            school_id=link.get("school_id"),
            gp_practice_id=link.get("gp_practice_id"),
            postcode=_postcode(row.get("postcode"))[0],
            born=row.get("date_of_birth") or row.get("expected_date"),
            unborn=row.get("date_of_birth") is None,
            shielded=bool(row.get("shielded")),
        )
    return out


# Array columns (lists of strings); every other column is a string. Spark needs the
# schema spelt out, since a column of nulls says nothing of its type.
ARRAY_COLUMNS = ("given_forms", "family_tokens", "address_tokens", "family_ids")
COLUMNS = (
    "unique_id",
    "given",
    "given_forms",
    "given_key",
    "middle",
    "family",
    "family_key",
    "family_tokens",
    "dob",
    "dob_key",
    "dob_year",
    "dob_day",
    "gender",
    "nhs",
    "postcode",
    "sector",
    "address",
    "address_key",
    "address_tokens",
    "household_id",
    "family_ids",
    "school_id",
    "gp_practice_id",
)


def frame(
    rows: Sequence[Mapping[str, Any]],
    links: Mapping[str, Mapping[str, Any]],
    probe: str | None = None,
) -> pd.DataFrame:
    """The linkage table (and, when one child is being matched, which row is that
    child, in a boolean ``probe`` column)."""
    import pandas as pd

    out: list[dict[str, Any]] = []
    for row in rows:
        cid = str(row["id"])
        link = links.get(cid, {})
        born = row.get("date_of_birth") or row.get("expected_date")
        family = normalise_name(row.get("family_name"))
        postcode, sector = _postcode(row.get("postcode"))
        address = _address(row.get("address_line"))
        gender = row.get("gender")
        out.append(
            {
                "unique_id": cid,
                "given": normalise_name(row.get("given_name")),
                "given_forms": name_forms(row.get("given_name"), row.get("preferred_name")) or None,
                "given_key": spelling_key(row.get("given_name")),
                "middle": normalise_name(row.get("middle_names")),
                "family": family,
                "family_key": spelling_key(family),
                "family_tokens": sorted(set(family.split())) if family else None,
                "dob": born.isoformat() if born else None,
                "dob_key": dob_key(born),
                "dob_year": f"{born.year:04d}" if born else None,
                "dob_day": f"{born.month:02d}-{born.day:02d}" if born else None,
                "gender": gender if gender in ("female", "male") else None,
                "nhs": row.get("nhs_number"),
                "postcode": postcode,
                "sector": sector,
                "address": address,
                "address_key": address.replace(" ", "") if address else None,
                "address_tokens": sorted(set(address.split())) if address else None,
                "household_id": link.get("household_id"),
                "family_ids": sorted(link.get("family_ids", ())) or None,
                "school_id": link.get("school_id"),
                "gp_practice_id": link.get("gp_practice_id"),
            }
        )
    table = pd.DataFrame.from_records(out, columns=list(COLUMNS))
    if probe is not None:
        table["probe"] = table["unique_id"] == probe
    return table
