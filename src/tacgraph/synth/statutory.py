"""Statutory work: child in need and child protection plans, and looked-after children."""

from __future__ import annotations

from datetime import date, timedelta

from tacgraph.dates import add_working_days, next_weekday
from tacgraph.model import (
    AssessmentKind,
    ChangeDirection,
    MeetingKind,
    PlanKind,
    ReviewOutcome,
    Role,
    Scope,
    StatutoryGround,
)
from tacgraph.synth.services import Services
from tacgraph.synth.state import (
    Inv,
    Kid,
)
from tacgraph.synth.vocabulary import (
    REVIEW_INTERVAL_DAYS,
    SERVICES,
    SOCIAL_CARE_SCOPES,
    STATUTORY,
    UNIVERSAL,
)


class Statutory(Services):
    """Child in need and child protection plans, and care for looked-after children."""

    def _statutory_plan(self, kid: Kid, kind: PlanKind, key: str | None = None) -> None:
        rng = self._rng
        as_of = self.as_of
        if key is None:
            key = "cp" if kind is PlanKind.CHILD_PROTECTION else "cin"
        lo = max(self._earliest(kid), as_of - timedelta(days=700))
        hi = as_of - timedelta(days=40)
        if lo > hi:
            self._targeted(kid)
            return
        referred = next_weekday(lo + timedelta(days=rng.randint(0, (hi - lo).days)))
        agency = self._agency(kid, key)
        assert agency is not None
        referrer = self._referrer(kid, referred)
        ends = kind is PlanKind.CHILD_IN_NEED and rng.random() < 0.3
        plan_start = add_working_days(referred, rng.randint(8, 15))
        end: date | None = None
        if ends:
            end = next_weekday(plan_start + timedelta(days=rng.randint(90, 400)))
            if end >= as_of - timedelta(days=3):
                end = None
        lead_role = {"yos": Role.YOUTH_OFFENDING_OFFICER}.get(key, Role.SOCIAL_WORKER)
        lead_inv = self._involve(
            kid, key, referred, end, lead_role, agency_id=agency, level=SERVICES[key][1]
        )
        lead = lead_inv.staff
        basis_id: str | None = None
        if kind is PlanKind.CHILD_PROTECTION:
            basis_id = self._harm_basis(kid, referrer, referred, agency, caf=False)
        elif key == "yos":
            basis_id = self._basis(
                kid,
                StatutoryGround.COURT_ORDER,
                lead,
                referred,
                "Youth rehabilitation order with supervision",
                agency,
                [Scope.CONTACT_DETAILS, Scope.INVOLVEMENT, Scope.EDUCATION],
                valid_until=referred + timedelta(days=365),
            )
        if key != "yos":
            self._refer(kid, key, agency, referred, referrer.id, basis_id=basis_id)
        if kind is PlanKind.CHILD_PROTECTION:
            police = self._pick(self._wide["police"], Role.POLICE_OFFICER, None)
            manager = self._manager(agency)
            self._meeting(
                kid,
                MeetingKind.STRATEGY,
                next_weekday(referred + timedelta(days=1)),
                manager,
                [manager, lead, referrer, police],
                family=False,
            )
        if key in ("cp", "cin"):
            initial = self._assessment(kid, AssessmentKind.INITIAL, lead, referred, 10)
            if initial.completed_on is not None:
                self._assessment(kid, AssessmentKind.CORE, lead, initial.completed_on, 35)
        members: list[Inv] = []
        age = kid.age(plan_start)
        options = ["gp", "early_help"] + (["hv"] if age < 5 else ["school", "school_nursing"])
        options += ["camhs"] if age >= 5 else []
        rng.shuffle(options)
        for member_key in options[: rng.randint(1, 3)]:
            if member_key == "school":
                school = self._school_on(kid, plan_start)
                if school is None:
                    continue
                role = (
                    Role.HEAD_OF_YEAR
                    if kid.school_stage == "secondary"
                    else (Role.DESIGNATED_SAFEGUARDING_LEAD)
                )
                if kid.severe_sen:
                    role = Role.SENCO
                members.append(
                    self._involve(kid, member_key, plan_start, end, role, agency_id=school)
                )
            else:
                if member_key == "camhs":
                    kid.significant_mental_health = kid.age(plan_start) >= 10 and (
                        rng.random() < 0.5
                    )
                    self._refer(kid, "camhs", self._wide["camhs"], plan_start, lead.id)
                members.append(self._involve(kid, member_key, plan_start, end))
        if end is not None:
            lead_inv.end_reason = "Social care involvement closed"
            for inv in members:
                inv.end_reason = "Plan ended"
        plan_id = self._id("PL")
        meeting_kind = {
            PlanKind.CHILD_PROTECTION: MeetingKind.REVIEW,
            PlanKind.CHILD_IN_NEED: MeetingKind.TACIN,
        }.get(kind, MeetingKind.REVIEW)
        first = 90 if kind is PlanKind.CHILD_PROTECTION else None
        team = [m.staff for m in members]
        next_review = self._plan_reviews(
            kid,
            plan_id,
            plan_start,
            end,
            lead,
            team,
            meeting_kind,
            (90, REVIEW_INTERVAL_DAYS),
            first,
            social_worker_present=key in ("cp", "cin", "disabled", "lac"),
        )
        team_invs = [lead_inv, *members]
        self._plan(kid, plan_id, kind, team_invs, plan_start, end, next_review, (2, 4))
        self._plan_team(kid, plan_id, lead_inv, members, plan_start, end)
        if kind is PlanKind.CHILD_PROTECTION:
            core = add_working_days(plan_start, 10)
            if core <= as_of:
                self._meeting(
                    kid, MeetingKind.CORE_GROUP, core, lead, [lead, *team], plan_id=plan_id
                )
        if end is not None:
            # closing social care involvement (004 section 6): team manager decides,
            # TACiN meeting, everyone notified
            manager = self._manager(agency)
            meeting = self._meeting(
                kid, MeetingKind.TACIN, end, lead, [lead, manager, *team], plan_id=plan_id
            )
            self._review(
                kid,
                end,
                ReviewOutcome.CLOSE,
                None,
                meeting,
                lead,
                social_worker_present=True,
                plan_id=plan_id,
            )
            new: list[str] = []
            if rng.random() < 0.5:
                new_agency = self._agency(kid, "early_help" if rng.random() < 0.6 else "cc")
                assert new_agency is not None
                new.append(new_agency)
            consultant = rng.random() < 0.3
            decider = (
                self._pick(agency, Role.CONSULTANT_SOCIAL_WORKER, None) if consultant else manager
            )
            self._level_change(
                kid,
                ChangeDirection.CLOSE,
                end,
                SERVICES[key][1],
                UNIVERSAL,
                decider,
                agreed_by=manager if consultant else None,
                plan_id=plan_id,
                meeting=meeting,
                new_agency_ids=new,
            )

    def _looked_after(self, kid: Kid) -> None:
        rng = self._rng
        as_of = self.as_of
        assert kid.dob is not None
        agency = self._wide["lac"]
        lo = max(kid.dob + timedelta(days=3), as_of - timedelta(days=6 * 365))
        hi = as_of - timedelta(days=20)
        placed = next_weekday(lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days))))
        if placed > as_of - timedelta(days=1):
            placed = as_of - timedelta(days=1)
        lead_inv = self._involve(
            kid, "lac", placed, None, Role.SOCIAL_WORKER, agency_id=agency, level=STATUTORY
        )
        lead = lead_inv.staff
        self._basis(
            kid,
            StatutoryGround.COURT_ORDER,
            lead,
            placed,
            "Care order (Children Act 1989 s31)",
            agency,
            list(SOCIAL_CARE_SCOPES),
        )
        members: list[Inv] = []
        school = self._school_on(kid, as_of)
        if school is not None:
            start = max(placed, as_of - timedelta(days=300))
            members.append(
                self._involve(
                    kid, "school", start, None, Role.DESIGNATED_SAFEGUARDING_LEAD, agency_id=school
                )
            )
        if kid.age(as_of) >= 5 and rng.random() < 0.3:
            start = next_weekday(
                placed + timedelta(days=rng.randint(0, max(0, (as_of - placed).days - 1)))
            )
            start = min(start, as_of)
            self._refer(kid, "camhs", self._wide["camhs"], start, lead.id)
            members.append(self._involve(kid, "camhs", start, None))
        hv = [inv for inv in kid.invs if inv.key == "hv"]
        stable = rng.random() < 0.2 and (as_of - placed).days > 400
        plan_id = self._id("PL")
        team = [m.staff for m in members] + [inv.staff for inv in hv]
        gap = (300, 350) if stable else (90, REVIEW_INTERVAL_DAYS)
        next_review = self._plan_reviews(
            kid,
            plan_id,
            placed,
            None,
            lead,
            team,
            MeetingKind.REVIEW,
            gap,
            first=28,
            social_worker_present=True,
        )
        kind = PlanKind.LOOKED_AFTER_CARE
        team_invs = [lead_inv, *members]
        self._plan(kid, plan_id, kind, team_invs, placed, None, next_review, (2, 4), stable=stable)
        self._plan_team(kid, plan_id, lead_inv, members, placed, None)
