"""People: households, children and their family members, and the services each child gets."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, timedelta

from tacgraph.dates import years_before
from tacgraph.model import (
    RECORD_TYPES,
    Child,
    Disability,
    FamilyMember,
    FamilyRelation,
    Gender,
    Household,
    PlanKind,
    Record,
    Relationship,
)
from tacgraph.synth.authority import Authority
from tacgraph.synth.faults import Faults
from tacgraph.synth.finishing import Finishing
from tacgraph.synth.state import (
    Kid,
    Locality,
    Member,
    stage_for_age,
    years_old,
)
from tacgraph.synth.statutory import Statutory
from tacgraph.synth.vocabulary import (
    FEMALE,
    MALE,
    NICKNAMES,
    SURNAMES,
)

TYPE_RANK: dict[type[Record], int] = {t: i for i, t in enumerate(RECORD_TYPES)}


class People(Statutory, Faults, Authority, Finishing):
    """Households, children and family members."""

    def _births(self, count: int, foster: bool) -> list[tuple[date | None, date | None, int]]:
        """(date of birth, expected date, birth index) per child, eldest first; twins
        share a birth index."""
        rng = self._rng
        as_of = self.as_of
        births: list[int] = []
        n_births = 0
        while len(births) < count:
            twin = not foster and count - len(births) >= 2 and rng.random() < 0.035
            births.extend([n_births] * (2 if twin else 1))
            n_births += 1
        gaps = [rng.randint(330, 1700) for _ in range(n_births - 1)]
        oldest = (as_of - years_before(as_of, 18)).days - 1
        span = sum(gaps)
        if span > oldest - 30:
            gaps = [330] * len(gaps)
            span = sum(gaps)
        last_is_twin = len(births) >= 2 and births[-1] == births[-2]
        if not foster and not last_is_twin and rng.random() < 0.012:
            youngest_age = -rng.randint(7, 112)  # unborn, due within 16 weeks
        else:
            youngest_age = rng.randint(0, max(0, oldest - span))
        ages = [youngest_age]
        for g in reversed(gaps):
            ages.append(ages[-1] + g)
        ages.reverse()  # eldest first
        out: list[tuple[date | None, date | None, int]] = []
        for index in births:
            age = ages[index]
            when = as_of - timedelta(days=age)
            out.append((when, None, index) if age >= 0 else (None, when, index))
        return out

    def _household(self, loc: Locality, count: int) -> Iterator[Record]:
        rng = self._rng
        as_of = self.as_of
        hh_id = self._id("HH")
        address = self._address(loc)
        postcode = self._postcode(loc)
        household = Household(id=hh_id, address_line=address, postcode=postcode, locality=loc.name)
        r = rng.random()
        kind = (
            "foster"
            if r < 0.0085
            else "kinship"
            if r < 0.035
            else "lone_father"
            if r < 0.065
            else "blended"
            if r < 0.135
            else "lone_mother"
            if r < 0.375
            else "two_parent"
        )
        if kind == "foster":
            count = min(count, rng.choice((1, 1, 2, 3)))
        shielded = rng.random() < 0.0006 and kind != "foster"
        births = self._births(count, foster=kind == "foster")
        primary = rng.choice(loc.agencies["primary"])
        secondary = rng.choice(loc.agencies["secondary"])
        gp = rng.choice(loc.agencies["gp"])
        cc = rng.choice(loc.agencies["cc"])
        father_name = rng.choice(SURNAMES)
        mother_name = father_name if rng.random() < 0.7 else rng.choice(SURNAMES)
        kids: list[Kid] = []
        for dob, expected, _ in births:
            if kind == "foster":
                surname = rng.choice(SURNAMES)
            elif kind == "lone_mother":
                surname = mother_name if rng.random() < 0.6 else father_name
            else:
                surname = father_name
            kids.append(
                self._kid(
                    loc,
                    hh_id,
                    address,
                    postcode,
                    surname,
                    dob,
                    expected,
                    primary,
                    secondary,
                    gp,
                    cc,
                )
            )
        # twins: same household, date of birth and parents; given names are made
        # different by _distinct below
        for i in range(1, len(births)):
            if births[i][2] == births[i - 1][2]:
                kids[i].family = kids[i - 1].family
                self.truth.twin_pairs.append((kids[i - 1].id, kids[i].id))
        members = self._family(kind, hh_id, kids, births, mother_name, father_name)
        self._distinct(kids)
        for kid in kids:
            kid.shielded = shielded
            if kind == "foster":
                kid.looked_after = True
                kid.to_be_adopted = kid.age(as_of) < 5 and rng.random() < 0.15
            self._services(kid, kind)
        dups: list[Kid] = []
        if self.faults:
            for kid in kids:
                dup = self._maybe_duplicate(kid, members)
                if dup is not None:
                    dups.append(dup)
        yield household
        for kid in kids:
            yield self._child_record(kid)
            self.children_done += 1
        for dup in dups:
            yield self._child_record(dup)
        for m in members:
            yield FamilyMember(
                id=m.id,
                given_name=m.given,
                family_name=m.family,
                date_of_birth=m.dob,
                phone=m.phone,
                household_id=m.household_id,
                relations=m.relations,
            )
        for kid in kids + dups:
            self._finish(kid)
            self._register(kid)
            kid.recs.sort(key=lambda rec: TYPE_RANK[type(rec)])
            yield from kid.recs

    def _distinct(self, kids: list[Kid]) -> None:
        """Give no two genuine children the same given name, family name and date of
        birth (so every such match in the data is an injected duplicate), and no two
        children of one household the same given name."""
        rng = self._rng
        names: set[str] = set()
        for kid in kids:
            if kid.dob is None or kid.given is None:
                continue
            pool = (
                FEMALE
                if kid.gender is Gender.FEMALE
                else MALE
                if (kid.gender is Gender.MALE)
                else FEMALE + MALE
            )
            while True:
                key = f"{kid.given}\x1f{kid.family}\x1f{kid.dob.isoformat()}".encode()
                digest = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")
                if kid.given not in names and digest not in self._identities:
                    break
                kid.given = rng.choice(pool)
                if kid.preferred not in NICKNAMES.get(kid.given, ()):
                    kid.preferred = None
            names.add(kid.given)
            self._identities.add(digest)

    def _kid(
        self,
        loc: Locality,
        hh_id: str,
        address: str,
        postcode: str,
        surname: str,
        dob: date | None,
        expected: date | None,
        primary: str,
        secondary: str,
        gp: str,
        cc: str,
    ) -> Kid:
        rng = self._rng
        as_of = self.as_of
        unborn = dob is None
        if unborn:
            gender = (
                Gender.NOT_KNOWN if rng.random() < 0.8 else rng.choice((Gender.FEMALE, Gender.MALE))
            )
        else:
            r = rng.random()
            gender = (
                Gender.FEMALE
                if r < 0.49
                else Gender.MALE
                if r < 0.985
                else (Gender.OTHER if r < 0.99 else Gender.NOT_KNOWN)
            )
        names = (
            FEMALE
            if gender is Gender.FEMALE
            else MALE
            if gender is Gender.MALE
            else (FEMALE if rng.random() < 0.5 else MALE)
        )
        given = None if unborn else rng.choice(names)
        middle = None if unborn or rng.random() < 0.4 else rng.choice(names)
        age = years_old(dob, as_of)
        stage = stage_for_age(age)
        school = primary if stage == "primary" else secondary if stage == "secondary" else None
        if age >= 16 and rng.random() < 0.3:
            school, stage = None, None  # at college or in work-based learning
        kid = Kid(
            id=self._id("CH"),
            given=given,
            middle=middle,
            family=surname,
            dob=dob,
            expected=expected,
            gender=gender,
            nhs=None if unborn or rng.random() < 0.15 else self._nhs(),
            loc=loc,
            household_id=hh_id,
            address=address,
            postcode=postcode,
            school_id=school,
            school_stage=stage,
            gp_id=gp,
            cc_id=cc,
        )
        if given and given in NICKNAMES and rng.random() < 0.1:
            kid.preferred = rng.choice(NICKNAMES[given])
        if not unborn:
            r = rng.random()
            kid.disability = Disability.DISABILITY if r < 0.025 else Disability.NONE
            kid.learning_difficulty = age >= 3 and rng.random() < 0.03
        return kid

    def _family(
        self,
        kind: str,
        hh_id: str,
        kids: list[Kid],
        births: list[tuple[date | None, date | None, int]],
        mother_name: str,
        father_name: str,
    ) -> list[Member]:
        rng = self._rng
        as_of = self.as_of
        eldest = kids[0].born_on
        members: list[Member] = []

        def person(
            female: bool, family: str, age_at_eldest: tuple[int, int], household: str | None
        ) -> Member:
            born = years_before(eldest, rng.randint(*age_at_eldest)) - timedelta(
                days=rng.randint(0, 364)
            )
            m = Member(
                self._id("FM"),
                rng.choice(FEMALE if female else MALE),
                family,
                born if rng.random() < 0.9 else None,
                self._phone(),
                household,
            )
            members.append(m)
            return m

        def relate(m: Member, kid: Kid, rel: Relationship, pr: bool, carer: bool) -> None:
            m.relations.append(
                FamilyRelation(
                    child_id=kid.id, relationship=rel, parental_responsibility=pr, carer=carer
                )
            )
            if pr:
                kid.pr_ids.append(m.id)
            if carer:
                kid.carer_ids.append(m.id)

        if kind == "foster":
            carers = [person(True, rng.choice(SURNAMES), (28, 55), hh_id)]
            if rng.random() < 0.6:
                carers.append(person(False, carers[0].family, (28, 58), hh_id))
            for kid in kids:
                for c in carers:
                    relate(c, kid, Relationship.FOSTER_CARER, False, True)
                birth_mother = Member(
                    self._id("FM"),
                    rng.choice(FEMALE),
                    kid.family,
                    years_before(kid.born_on, rng.randint(17, 38)),
                    self._phone(),
                    None,
                )
                members.append(birth_mother)
                relate(birth_mother, kid, Relationship.MOTHER, True, False)
            return members
        if kind == "kinship":
            gran = person(True, mother_name, (38, 62), hh_id)
            grandad = person(False, mother_name, (40, 65), hh_id) if rng.random() < 0.5 else None
            sgo = rng.random() < 0.6  # special guardianship order gives PR
            mum: Member | None = None
            if not sgo or rng.random() < 0.5:
                mum = person(True, mother_name, (16, 38), None)
            rel = Relationship.GRANDPARENT if rng.random() < 0.85 else (Relationship.KINSHIP_CARER)
            for kid in kids:
                relate(gran, kid, rel, sgo, True)
                if grandad is not None:
                    relate(grandad, kid, rel, sgo, True)
                if mum is not None:
                    relate(mum, kid, Relationship.MOTHER, True, False)
            return members
        mother = None if kind == "lone_father" else person(True, mother_name, (17, 40), hh_id)
        father: Member | None = None
        if kind == "two_parent" or kind == "lone_father":
            father = person(False, father_name, (18, 45), hh_id)
        elif kind == "lone_mother" and rng.random() < 0.45:
            father = person(False, father_name, (18, 45), None)
        step: Member | None = None
        split = 0
        if kind == "blended":
            step = person(False, rng.choice(SURNAMES), (18, 45), hh_id)
            split = rng.randint(1, max(1, births[-1][2]))  # births before the split are
            # from an earlier relationship
            if rng.random() < 0.4:
                father = person(False, father_name, (18, 45), None)
        father_pr = father is not None and (father.household_id is not None or rng.random() < 0.8)
        for kid, (_, _, index) in zip(kids, births, strict=True):
            if mother is not None:
                relate(mother, kid, Relationship.MOTHER, True, True)
            if kind == "blended" and step is not None:
                if index < split:
                    relate(step, kid, Relationship.STEP_PARENT, False, True)
                    if father is not None:
                        relate(father, kid, Relationship.FATHER, True, False)
                else:
                    kid.family = step.family
                    relate(step, kid, Relationship.FATHER, True, True)
            elif father is not None:
                relate(father, kid, Relationship.FATHER, father_pr, father.household_id is not None)
        if rng.random() < 0.1:
            sib_born = min(
                years_before(as_of, rng.randint(18, 23)) - timedelta(days=rng.randint(0, 300)),
                eldest - timedelta(days=400),
            )
            sib = Member(
                self._id("FM"),
                rng.choice(FEMALE + MALE),
                kids[0].family,
                sib_born,
                self._phone(),
                hh_id,
            )
            members.append(sib)
            for kid in kids:
                relate(sib, kid, Relationship.SIBLING, False, False)
        return members

    def _child_record(self, kid: Kid) -> Child:
        shield: list[str] = []
        if kid.shielded:
            current = [inv.staff.id for inv in kid.invs if inv.end is None]
            shield = current[:2] or [inv.staff.id for inv in kid.invs][:1]
        return Child(
            id=kid.id,
            given_name=kid.given,
            middle_names=kid.middle,
            family_name=kid.family,
            preferred_name=kid.preferred,
            date_of_birth=kid.dob,
            expected_date=kid.expected,
            gender=kid.gender,
            nhs_number=kid.nhs,
            address_line=kid.address,
            postcode=kid.postcode,
            household_id=kid.household_id,
            school_id=kid.school_id,
            gp_practice_id=kid.gp_id,
            looked_after=kid.looked_after,
            to_be_adopted=kid.to_be_adopted,
            disability=kid.disability,
            learning_difficulty=kid.learning_difficulty,
            severe_sen=kid.severe_sen,
            significant_mental_health=kid.significant_mental_health,
            young_offender=kid.young_offender,
            shielded=kid.shielded,
            shield_named=shield,
        )

    def _services(self, kid: Kid, kind: str) -> None:
        rng = self._rng
        as_of = self.as_of
        self._universal(kid)
        age = kid.age(as_of)
        if kind == "foster":
            self._looked_after(kid)
            return
        if kid.shielded:
            self._shielded(kid)
            return
        if self.faults and kid.dob is not None and age >= 0 and self._frng.random() < 0.003:
            self._targeted(kid, several=True)
            return
        r = rng.random()
        if kid.dob is None:
            if r < 0.04:
                self._caf_path(kid)
            elif r < 0.09:
                self._targeted(kid)
            return
        recent = kid.dob > as_of - timedelta(days=60)
        if r < 0.003 and not recent:
            self._statutory_plan(kid, PlanKind.CHILD_PROTECTION)
        elif r < 0.011 and not recent:
            self._statutory_plan(kid, PlanKind.CHILD_IN_NEED)
        elif r < 0.016 and not recent:
            kid.disability = Disability.COMPLEX
            kid.severe_sen = kid.school_id is not None and rng.random() < 0.6
            self._statutory_plan(kid, PlanKind.COORDINATED_SUPPORT, key="disabled")
        elif r < 0.019 and age >= 10:
            kid.young_offender = True
            self._statutory_plan(kid, PlanKind.COORDINATED_SUPPORT, key="yos")
        elif r < 0.06:
            if not self._caf_path(kid):
                self._targeted(kid)
        elif r < 0.118:
            self._targeted(kid)
