"""Injected faults: duplicate child records with typical data-entry errors."""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

from tacgraph.dates import next_weekday
from tacgraph.model import (
    FamilyRelation,
    Relationship,
)
from tacgraph.synth.history import CafHistory
from tacgraph.synth.state import (
    Kid,
    Member,
    years_old,
)
from tacgraph.synth.vocabulary import (
    NICKNAMES,
    SURNAMES,
)

DUPLICATE_ERROR_KINDS = (
    "typo_surname",
    "swapped_day_month",
    "nickname",
    "hyphenated_surname",
    "missing_nhs_number",
    "different_address",
)


def typo(rng: Random, name: str) -> str:
    """One edit (substitution, deletion, insertion or swap of neighbours) after the first
    letter."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(20):
        i = rng.randint(1, len(name) - 1)
        op = rng.choice(("sub", "del", "ins", "swap"))
        if op == "sub":
            out = name[:i] + rng.choice(letters) + name[i + 1 :]
        elif op == "del" and len(name) > 3:
            out = name[:i] + name[i + 1 :]
        elif op == "ins":
            out = name[:i] + rng.choice(letters) + name[i:]
        elif op == "swap" and i < len(name) - 1:
            out = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        else:
            continue
        if out != name and out[i - 1 : i + 1] != "''":
            return out
    return name + "e"


class Faults(CafHistory):
    """Duplicate child records (and their duplicate open CAFs), written to the truth."""

    def _maybe_duplicate(self, kid: Kid, members: list[Member]) -> Kid | None:
        frng = self._frng
        as_of = self.as_of
        if kid.dob is None:
            return None
        open_caf = kid.open_caf()
        p = 0.13 if open_caf is not None else 0.0072
        if frng.random() >= p:
            return None
        kinds: list[str] = []
        family = kid.family
        given = kid.given
        dob = kid.dob
        options = ["typo_surname", "hyphenated_surname"]
        if given in NICKNAMES:
            options += ["nickname", "nickname"]
        swapped: date | None = None
        if dob.day <= 12 and dob.day != dob.month:
            swapped = date(dob.year, dob.day, dob.month)
            if swapped <= as_of and years_old(swapped, as_of) <= 17:
                options += ["swapped_day_month"]
        errors = frng.sample(options, k=min(len(options), frng.choice((1, 1, 1, 2))))
        for kind in sorted(set(errors), key=DUPLICATE_ERROR_KINDS.index):
            if kind == "typo_surname":
                family = typo(frng, family)
            elif kind == "hyphenated_surname":
                other = frng.choice(SURNAMES)
                while other == family:
                    other = frng.choice(SURNAMES)
                family = f"{family}-{other}"
            elif kind == "nickname" and given is not None:
                given = frng.choice(NICKNAMES[given])
            elif kind == "swapped_day_month" and swapped is not None:
                dob = swapped
            kinds.append(kind)
        nhs = kid.nhs
        if nhs is not None and frng.random() < 0.7:
            nhs = None
            kinds.append("missing_nhs_number")
        household_id, address, postcode = kid.household_id, kid.address, kid.postcode
        if frng.random() < 0.2:
            household_id, address, postcode = None, self._address(kid.loc), self._postcode(kid.loc)
            kinds.append("different_address")
        dup = Kid(
            id=self._id("CH"),
            given=given,
            middle=kid.middle if frng.random() < 0.5 else None,
            family=family,
            dob=dob,
            expected=None,
            gender=kid.gender,
            nhs=nhs,
            loc=kid.loc,
            household_id=household_id,
            address=address,
            postcode=postcode,
            school_id=kid.school_id,
            school_stage=kid.school_stage,
            gp_id=kid.gp_id,
            cc_id=kid.cc_id,
            disability=kid.disability,
        )
        own_caf = open_caf is not None
        share = frng.random() < 0.5 or (own_caf and years_old(dob, as_of) < 13)
        if share:
            by_id = {m.id: m for m in members}
            for m in members:
                for rel in list(m.relations):
                    if rel.child_id == kid.id and rel.relationship in (
                        Relationship.MOTHER,
                        Relationship.FATHER,
                        Relationship.STEP_PARENT,
                        Relationship.GRANDPARENT,
                        Relationship.KINSHIP_CARER,
                    ):
                        m.relations.append(
                            FamilyRelation(
                                child_id=dup.id,
                                relationship=rel.relationship,
                                parental_responsibility=rel.parental_responsibility,
                                carer=rel.carer,
                            )
                        )
                        if rel.parental_responsibility:
                            dup.pr_ids.append(m.id)
                        if rel.carer:
                            dup.carer_ids.append(m.id)
            assert all(i in by_id for i in dup.pr_ids)
        start = min(
            next_weekday(as_of - timedelta(days=frng.randint(20, 150))), as_of - timedelta(days=7)
        )
        if own_caf and (dup.pr_ids or years_old(dob, start) >= 12):
            assert open_caf is not None
            span = self._caf(dup, start, as_of - timedelta(days=1), can_change=False)
            self.truth.duplicate_open_cafs.append((open_caf.id, span.id))
        self.truth.duplicate_pairs.append((kid.id, dup.id, kinds))
        return dup
