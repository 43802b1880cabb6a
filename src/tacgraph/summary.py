"""What a store holds, in the words of a children's services manager."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel

from tacgraph.model import LEVEL_RANK, ServiceLevel
from tacgraph.rows.summary import (
    SUMMARY_AGENCIES_BY_LEVEL,
    SUMMARY_CAFS_BY_STATE,
    SUMMARY_CHILDREN,
    SUMMARY_INVOLVEMENTS_BY_LEVEL,
)
from tacgraph.store.base import Store


class LevelCount(BaseModel):
    level: str
    agencies: int = 0
    practitioners: int = 0
    children: int = 0
    involvements: int = 0


class Summary(BaseModel):
    as_of: date
    children: int
    unborn: int
    looked_after: int
    shielded: int
    with_nhs_number: int
    cafs_by_state: dict[str, int]
    agencies_by_level: list[LevelCount]
    involved_by_level: list[LevelCount]


def summarise(store: Store, as_of: date, *, today: date | None = None) -> Summary:
    """Headline figures of the store: the records it holds, and the involvements
    current on ``as_of`` (a record holds no date it was first known on, so the children,
    agencies and CAFs are those held now). A child is counted unborn when not born by
    ``today`` (default: the real date in UTC), as search and who-else show it: an
    expected date, or a date of birth after today. Raises StoreError."""
    born_by = today or datetime.now(UTC).date()
    head = store.read(SUMMARY_CHILDREN, {"today": born_by})[0]
    cafs = {r["state"]: int(r["cafs"]) for r in store.read(SUMMARY_CAFS_BY_STATE)}
    agencies = [
        LevelCount(level=r["level"], agencies=r["agencies"], practitioners=r["practitioners"])
        for r in store.read(SUMMARY_AGENCIES_BY_LEVEL)
    ]
    involved = [
        LevelCount(level=r["level"], children=r["children"], involvements=r["involvements"])
        for r in store.read(SUMMARY_INVOLVEMENTS_BY_LEVEL, {"as_of": as_of})
    ]

    def by_rank(counts: list[LevelCount]) -> list[LevelCount]:
        return sorted(counts, key=lambda c: LEVEL_RANK.get(ServiceLevel(c.level), 99))

    agencies, involved = by_rank(agencies), by_rank(involved)
    return Summary(
        as_of=as_of,
        children=int(head["children"]),
        unborn=int(head["unborn"] or 0),
        looked_after=int(head["looked_after"] or 0),
        shielded=int(head["shielded"] or 0),
        with_nhs_number=int(head["with_nhs_number"] or 0),
        cafs_by_state=cafs,
        agencies_by_level=agencies,
        involved_by_level=involved,
    )
