"""The duplicate audit's results, each pair explained in words, and the shielding of
location evidence.

A shielded child's whereabouts are kept from those not named to see them; a duplicate
report goes to a CAF co-ordinator, so for any pair involving a shielded child, or a
child sharing a shielded child's household, the household, address, postcode, school
and GP practice are never shown, in any output: that evidence reads
``location evidence withheld: shielded`` instead.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

WITHHELD = "location evidence withheld: shielded"
_LOCATION = ("household", "address", "postcode", "school", "gp practice")


class DuplicatePair(BaseModel):
    """Two child records that are probably one child, and why."""

    model_config = ConfigDict(frozen=True)
    child_id: str
    other_id: str
    probability: float
    agreed: list[str]
    """The comparisons that agreed, in words (e.g. "date of birth (day and month
    swapped)")."""
    shared: list[str]
    """What the graph says both records share (household, family member, school, GP
    practice)."""
    contrary: list[str] = []
    """Evidence against one child that the score weighed (e.g. "different school")."""
    sibling_check: str | None = None
    """For two records of one family: why they are one child, not twins or siblings."""
    withheld: bool = False
    """Location evidence withheld: the pair involves a shielded child's household."""
    explanation: str = ""


class DuplicateCluster(BaseModel):
    """Records linked (directly or through one another) into one probable child."""

    model_config = ConfigDict(frozen=True)
    child_ids: list[str]
    open_caf_ids: list[str]


class SeveralOpenCafs(BaseModel):
    """One child record with more than one open CAF."""

    model_config = ConfigDict(frozen=True)
    child_id: str
    caf_ids: list[str]


class DuplicateReport(BaseModel):
    """The duplicate audit: probable duplicate pairs, their clusters, the CAFs open more
    than once for one child, and how the model was set."""

    as_of: date
    children: int
    min_probability: float
    u_measured: bool
    """Whether the model learnt from the store (u, m, term frequencies); else the fixed
    values were used."""
    model: str = ""
    """How the model was set, in words (learnt from the store, or the fixed values and
    why)."""
    backend: str = "duckdb"
    pairs: list[DuplicatePair]
    clusters: list[DuplicateCluster]
    duplicate_cafs: list[DuplicateCluster]
    several_open_cafs: list[SeveralOpenCafs]
    set_aside: dict[str, int]
    """Pairs that scored as one child but are two (twins, siblings), by reason; never
    reported as pairs."""


def _is_location(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in _LOCATION)


def withhold(pair: DuplicatePair) -> DuplicatePair:
    """The pair with every piece of location evidence replaced by :data:`WITHHELD`."""

    def scrub(items: list[str], always: bool = False) -> list[str]:
        kept = [i for i in items if not _is_location(i)]
        return [*kept, WITHHELD] if always or len(kept) < len(items) else kept

    hidden = pair.model_copy(
        update={
            "agreed": scrub(pair.agreed),
            "shared": scrub(pair.shared, always=True),
            "contrary": scrub(pair.contrary),
            "withheld": True,
        }
    )
    return hidden.model_copy(update={"explanation": explain(hidden)})


def _listed(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def explain(pair: DuplicatePair) -> str:
    """The pair's evidence in a sentence or three."""
    words = [
        f"{pair.child_id} and {pair.other_id} are probably one child "
        f"(probability {pair.probability:.3f})"
    ]
    if pair.agreed:
        words.append(f"the records agree on {_listed(pair.agreed)}")
    shared = [s for s in pair.shared if s != WITHHELD]
    if shared:
        words.append(f"both are linked to {_listed(shared)}")
    if pair.contrary:
        words.append(f"against: {_listed(pair.contrary)}")
    if pair.sibling_check:
        words.append(f"not twins or siblings: {pair.sibling_check}")
    if pair.withheld:
        words.append(WITHHELD)
    return "; ".join(words) + "."
