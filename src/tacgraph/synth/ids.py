"""Identifiers and picks: record ids, NHS numbers, postcodes, addresses, phone numbers, and
which practitioner or agency serves a child."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from random import Random

from tacgraph.model import (
    Role,
    nhs_number_is_valid,
)
from tacgraph.synth.state import (
    Kid,
    Locality,
    Staff,
    nhs_check_digit,
    stage_for_age,
)
from tacgraph.synth.truth import Truth
from tacgraph.synth.vocabulary import (
    DEFAULT_AS_OF,
    INWARD_LETTERS,
    STREET_TYPES,
)


class Ids:
    """The state of one synthesis and the draws every other part makes: ids,
    practitioners, agencies."""

    def __init__(
        self,
        children: int,
        seed: int,
        *,
        as_of: date = DEFAULT_AS_OF,
        faults: bool = True,
    ) -> None:
        if children < 0:
            raise ValueError("children must be zero or more")
        self.children = children
        self.seed = seed
        self.as_of = as_of
        self.faults = faults
        self.truth = Truth(seed=seed, children=children, as_of=as_of.isoformat(), faults=faults)
        self.children_done = 0
        self._rng = Random(seed)
        self._frng = Random(f"tacgraph-faults:{seed}")
        self._counters: dict[str, int] = {}
        self._nhs_used: set[int] = set()
        self._identities: set[int] = set()
        self._staff: dict[str, dict[Role, list[Staff]]] = {}
        self._active: dict[str, dict[Role, list[Staff]]] = {}
        self._agency_key: dict[str, str] = {}
        self._wide: dict[str, str] = {}
        self._localities: list[Locality] = []
        self._used_names: set[str] = set()
        self._started = False

    _WIDTHS = {"AG": 4, "PR": 6}

    def _id(self, prefix: str) -> str:
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}-{n:0{self._WIDTHS.get(prefix, 7)}d}"

    def _pick(
        self, agency_id: str, role: Role | None, until: date | None, avoid: Sequence[Staff] = ()
    ) -> Staff:
        """A practitioner of ``agency_id`` in ``role`` still in post on ``until``
        (``None``: still in post now), not one of ``avoid`` where there is another."""
        pools = self._staff[agency_id]
        if role is None or role not in pools:
            role = self._rng.choice(list(pools))
        staff = self._rng.choice(pools[role])
        if staff.left_on is not None and (until is None or until > staff.left_on):
            staff = self._rng.choice(self._active[agency_id][role])
        if staff in avoid:
            others = [s for s in self._active[agency_id][role] if s not in avoid]
            if others:
                staff = self._rng.choice(others)
        return staff

    def _manager(self, agency_id: str) -> Staff:
        return self._pick(agency_id, Role.TEAM_MANAGER, None)

    def _agency(self, kid: Kid, key: str) -> str | None:
        if key in ("primary", "secondary", "school"):
            return kid.school_id
        if key == "gp":
            return kid.gp_id
        if key == "cc":
            return kid.cc_id
        if key in self._wide:
            return self._wide[key]
        return self._rng.choice(kid.loc.agencies[key])

    def _school_on(self, kid: Kid, on: date) -> str | None:
        if kid.school_id is not None and stage_for_age(kid.age(on)) == kid.school_stage:
            return kid.school_id
        return None

    def _nhs(self) -> str:
        rng = self._rng
        while True:
            body = rng.randrange(400_000_000, 800_000_000)
            check = nhs_check_digit(body)
            if check == 10 or body in self._nhs_used:
                continue
            self._nhs_used.add(body)
            number = f"{body:09d}{check}"
            assert nhs_number_is_valid(number)
            return number

    def _postcode(self, loc: Locality) -> str:
        rng = self._rng
        return (
            f"{rng.choice(loc.outward)} {rng.randint(1, 9)}"
            f"{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        )

    def _address(self, loc: Locality) -> str:
        rng = self._rng
        street = f"{rng.choice(loc.streets)} {rng.choice(STREET_TYPES)}"
        if rng.random() < 0.15:
            return f"Flat {rng.randint(1, 24)}, {rng.randint(1, 80)} {street}"
        return f"{rng.randint(1, 240)} {street}"

    def _phone(self) -> str | None:
        rng = self._rng
        return f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.8 else None
