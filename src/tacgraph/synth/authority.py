"""The authority: its localities, agencies and practitioners, yielded before any child."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from tacgraph.model import (
    Agency,
    AgencyKind,
    Practitioner,
    Record,
    Role,
    ServiceLevel,
)
from tacgraph.synth.ids import Ids
from tacgraph.synth.state import (
    Locality,
    Staff,
    fold_ascii,
)
from tacgraph.synth.vocabulary import (
    AUTHORITY_WIDE,
    FEMALE,
    LOCALITIES,
    MALE,
    OUTWARD,
    SAINTS,
    SENSITIVE_KEYS,
    SERVICES,
    STATUTORY_KEYS,
    STREETS,
    SURNAMES,
    TARGETED,
    UNIVERSAL,
)


class Authority(Ids):
    """Plans the localities and hires the agencies' practitioners."""

    def _plan_localities(self) -> None:
        rng = self._rng
        n = self.children
        count = 4
        size = 2000
        while count < 12 and n >= size * 2:
            count += 1
            size *= 2
        names = list(LOCALITIES)
        rng.shuffle(names)
        outward = list(OUTWARD)
        rng.shuffle(outward)
        weights = [rng.uniform(0.6, 1.4) for _ in range(count)]
        total = sum(weights)
        shares = [int(n * w / total) for w in weights]
        for i in range(n - sum(shares)):
            shares[i % count] += 1
        for i in range(count):
            codes = tuple(outward[j] for j in range(i, len(outward), count))
            streets = tuple(rng.sample(STREETS, 24))
            self._localities.append(Locality(names[i], codes, streets, shares[i]))

    def _candidate(self, key: str, stem: str) -> str:
        rng = self._rng
        street, saint = rng.choice(STREETS), rng.choice(SAINTS)
        options: tuple[str, ...]
        if key == "primary":
            options = (
                f"{street} {rng.choice(('Park', 'Lane', 'Road', 'Fields'))} Primary School",
                f"St {saint}'s C of E Primary School",
                f"St {saint}'s Catholic Primary School",
                f"{street} {rng.choice(('Infant and Junior', 'Primary'))} Academy",
            )
        elif key == "secondary":
            options = (
                f"{street} High School",
                f"{street} Academy",
                f"{stem} {rng.choice(('Academy', 'High School', 'Community School'))}",
                f"St {saint}'s Catholic High School",
            )
        elif key == "gp":
            options = (
                f"{street} Medical Practice",
                f"{street} Surgery",
                f"{street} Health Centre",
                f"The {street} Practice",
            )
        else:
            options = (f"{street} Children's Centre",)
        return rng.choice(options)

    def _unique(self, key: str, stem: str) -> str:
        """A new agency name, never one already used."""
        for _ in range(50):
            name = self._candidate(key, stem)
            if name not in self._used_names:
                self._used_names.add(name)
                return name
        base = self._candidate(key, stem)
        n = 2
        while f"{base} {n}" in self._used_names:
            n += 1
        self._used_names.add(f"{base} {n}")
        return f"{base} {n}"

    def _new_agency(
        self, key: str, name: str, locality: str | None, level: ServiceLevel | None = None
    ) -> Agency:
        kind, default_level, _ = SERVICES[key]
        sensitive = key in SENSITIVE_KEYS
        agency = Agency(
            id=self._id("AG"),
            name=name,
            kind=kind,
            level=level or default_level,
            sensitive=sensitive,
            statutory=key in STATUTORY_KEYS,
            locality=locality,
            phone=f"01632 960{self._rng.randint(0, 999):03d}",
            email=f"{fold_ascii(name)[:40] or 'office'}@example.org",
            broker_contact=(
                "Early Help Hub duty broker, 01632 960100 (ask for the sensitive services "
                "broker; do not name the service)"
                if sensitive
                else None
            ),
        )
        self._agency_key[agency.id] = key
        self._staff[agency.id] = {}
        self._active[agency.id] = {}
        return agency

    def _local_agency(
        self, loc: Locality, key: str, name: str, level: ServiceLevel | None = None
    ) -> Agency:
        """A new agency of service ``key`` serving the children of ``loc``."""
        agency = self._new_agency(key, name, loc.name, level)
        loc.agencies.setdefault(key, []).append(agency.id)
        return agency

    def _hire(self, agency: Agency, role: Role, count: int) -> Iterator[Practitioner]:
        rng = self._rng
        for i in range(count):
            female = rng.random() < (
                0.85 if role in (Role.MIDWIFE, Role.HEALTH_VISITOR, Role.SCHOOL_NURSE) else 0.7
            )
            given = rng.choice(FEMALE if female else MALE)
            family = rng.choice(SURNAMES)
            left = i > 0 and rng.random() < 0.04
            left_on = self.as_of - timedelta(days=rng.randint(14, 700)) if left else None
            qualified = role in (Role.SOCIAL_WORKER, Role.CONSULTANT_SOCIAL_WORKER) or (
                role is Role.TEAM_MANAGER and agency.kind is AgencyKind.SOCIAL_CARE
            )
            authorised = {
                Role.TEACHER: 0.15,
                Role.GP: 0.6,
                Role.HEAD_TEACHER: 0.7,
                Role.HEAD_OF_YEAR: 0.8,
                Role.SENCO: 0.8,
                Role.CHILDREN_CENTRE_WORKER: 0.6,
                Role.HOUSING_OFFICER: 0.6,
                Role.POLICE_OFFICER: 0.7,
            }.get(role, 0.93)
            staff = Staff(self._id("PR"), agency.id, role, left_on)
            self._staff[agency.id].setdefault(role, []).append(staff)
            if left_on is None:
                self._active[agency.id].setdefault(role, []).append(staff)
            n = int(staff.id[3:])
            yield Practitioner(
                id=staff.id,
                given_name=given,
                family_name=family,
                agency_id=agency.id,
                role=role,
                qualified_social_worker=qualified,
                lookup_authorised=rng.random() < authorised,
                email=f"{fold_ascii(given)}.{fold_ascii(family)}{n}@example.org",
                phone=(
                    f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.6 else agency.phone
                ),
                left_agency_on=left_on,
            )

    def _authority(self) -> Iterator[Record]:
        """Agencies, then their practitioners."""
        rng = self._rng
        self._plan_localities()
        staffing: list[tuple[Agency, list[tuple[Role, int]]]] = []

        def add(agency: Agency, roles: list[tuple[Role, int]]) -> Agency:
            staffing.append((agency, roles))
            return agency

        for loc in self._localities:
            n = max(loc.children, 1)
            stem = loc.name
            schools = max(2, round(n / 350))
            primaries = max(1, round(schools * 0.72))
            secondaries = max(1, schools - primaries)
            heads = [
                (Role.HEAD_TEACHER, 1),
                (Role.DESIGNATED_SAFEGUARDING_LEAD, 1),
                (Role.SENCO, 1),
            ]
            for key, count in (("primary", primaries), ("secondary", secondaries)):
                for _ in range(count):
                    school = self._local_agency(loc, key, self._unique(key, stem))
                    years = [(Role.HEAD_OF_YEAR, rng.randint(5, 7))] if key == "secondary" else []
                    add(school, [*heads, *years, (Role.TEACHER, rng.randint(4, 8))])
            for _ in range(max(1, round(n / 2000))):
                gp = self._local_agency(loc, "gp", self._unique("gp", stem))
                add(gp, [(Role.GP, rng.randint(3, 7))])
            teams: list[tuple[str, str, list[tuple[Role, int]]]] = [
                (
                    "hv",
                    f"{stem} Health Visiting Team",
                    [(Role.TEAM_MANAGER, 1), (Role.HEALTH_VISITOR, max(2, round(n * 0.28 / 300)))],
                ),
                (
                    "midwifery",
                    f"{stem} Community Midwifery Team",
                    [(Role.TEAM_MANAGER, 1), (Role.MIDWIFE, max(2, round(n / 1500)))],
                ),
                (
                    "school_nursing",
                    f"{stem} School Nursing Team",
                    [(Role.TEAM_MANAGER, 1), (Role.SCHOOL_NURSE, max(2, round(n / 2500)))],
                ),
                (
                    "early_help",
                    f"{stem} Early Help Team",
                    [
                        (Role.TEAM_MANAGER, 1),
                        (Role.CAF_COORDINATOR, 1),
                        (Role.EARLY_HELP_WORKER, max(3, round(n * 0.03 / 12))),
                        (Role.FAMILY_SUPPORT_WORKER, max(2, round(n * 0.01 / 12))),
                    ],
                ),
                (
                    "mast",
                    f"{stem} MAST",
                    [(Role.MAST_MANAGER, 1), (Role.MAST_MEMBER, max(3, round(n / 3000)))],
                ),
                (
                    "cin",
                    f"{stem} Children in Need Team",
                    [
                        (Role.TEAM_MANAGER, 1),
                        (Role.CONSULTANT_SOCIAL_WORKER, 1),
                        (Role.SOCIAL_WORKER, max(3, round(n * 0.012 / 15))),
                    ],
                ),
                (
                    "cp",
                    f"{stem} Safeguarding and Child Protection Team",
                    [
                        (Role.TEAM_MANAGER, 1),
                        (Role.CONSULTANT_SOCIAL_WORKER, 1),
                        (Role.SOCIAL_WORKER, max(3, round(n * 0.006 / 12))),
                    ],
                ),
            ]
            for key, name, roles in teams:
                add(self._local_agency(loc, key, name), roles)
            for i in range(2 if n >= 3000 else 1):
                name = f"{stem} Children's Centre" if i == 0 else self._unique("cc", stem)
                level = UNIVERSAL if i == 0 else TARGETED
                add(
                    self._local_agency(loc, "cc", name, level),
                    [
                        (Role.TEAM_MANAGER, 1),
                        (Role.CHILDREN_CENTRE_WORKER, rng.randint(2, 3)),
                        (Role.FAMILY_SUPPORT_WORKER, rng.randint(2, 3)),
                    ],
                )
        total = max(self.children, 1)
        wide_roles: dict[str, list[tuple[Role, int]]] = {
            "lac": [
                (Role.TEAM_MANAGER, 1),
                (Role.CONSULTANT_SOCIAL_WORKER, 1),
                (Role.SOCIAL_WORKER, max(2, round(total * 0.006 / 15))),
            ],
            "disabled": [
                (Role.TEAM_MANAGER, 1),
                (Role.SOCIAL_WORKER, max(2, round(total * 0.005 / 20))),
            ],
            "yos": [
                (Role.TEAM_MANAGER, 1),
                (Role.YOUTH_OFFENDING_OFFICER, max(2, round(total * 0.0015 / 10))),
            ],
            "camhs": [
                (Role.TEAM_MANAGER, 1),
                (Role.CAMHS_PRACTITIONER, max(3, round(total * 0.012 / 40))),
            ],
            "housing": [
                (Role.TEAM_MANAGER, 1),
                (Role.HOUSING_OFFICER, max(2, round(total / 8000))),
            ],
            "ews": [(Role.TEAM_MANAGER, 1), (Role.OTHER, max(2, round(total / 8000)))],
            "young_carers": [
                (Role.TEAM_MANAGER, 1),
                (Role.YOUTH_WORKER, max(2, round(total / 10000))),
            ],
            "police": [(Role.POLICE_OFFICER, max(2, round(total / 10000)))],
        }
        for key in ("drug", "da", "sexual_health", "mental_health"):
            wide_roles[key] = [
                (Role.TEAM_MANAGER, 1),
                (Role.PROJECT_WORKER, max(2, round(total / 6000))),
            ]
        for key, name in AUTHORITY_WIDE.items():
            a = add(self._new_agency(key, name, None), wide_roles[key])
            self._wide[key] = a.id
        for agency, _ in staffing:
            yield agency
        for agency, roles in staffing:
            for role, count in roles:
                yield from self._hire(agency, role, count)
