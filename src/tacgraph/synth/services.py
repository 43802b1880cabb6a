"""Services around a child: involvements, consents, referrals, assessments, meetings, plans."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from tacgraph.dates import add_working_days, next_weekday
from tacgraph.model import (
    AgencyKind,
    Assessment,
    AssessmentKind,
    ChangeDirection,
    Consent,
    ConsentDecision,
    ConsentKind,
    LevelChange,
    Meeting,
    MeetingKind,
    Outcome,
    Plan,
    PlanAction,
    PlanKind,
    Referral,
    Review,
    ReviewOutcome,
    Role,
    Scope,
    ServiceLevel,
    StatutoryBasis,
    StatutoryGround,
    TeamRole,
)
from tacgraph.synth.ids import Ids
from tacgraph.synth.state import (
    Change,
    Inv,
    Kid,
    Staff,
    max_level,
)
from tacgraph.synth.vocabulary import (
    ACTIONS,
    END_REASONS,
    HARM_REASONS,
    HOW_WE_KNOW,
    REFERRAL_KEYS,
    REFERRAL_REASONS,
    SENSITIVE_KEYS,
    SERVICES,
    SOCIAL_CARE_SCOPES,
    TARGETED,
    UNIVERSAL,
)


class Services(Ids):
    """Universal and targeted work with a child, and the records each piece of work leaves."""

    def _involve(
        self,
        kid: Kid,
        key: str,
        start: date,
        end: date | None,
        role: Role | None = None,
        until: date | None = None,
        level: ServiceLevel | None = None,
        agency_id: str | None = None,
        avoid: Sequence[Staff] = (),
    ) -> Inv:
        """An involvement of a practitioner of service ``key``; ``until`` is the last day
        the practitioner must still be in post (defaults to ``end``)."""
        agency = agency_id or self._agency(kid, key)
        assert agency is not None
        lvl = level or max_level(SERVICES[self._agency_key[agency]][1], TARGETED)
        if role is None:
            role = self._rng.choice(SERVICES[self._agency_key[agency]][2])
        staff = self._pick(agency, role, until if until is not None else end, avoid)
        inv = Inv(self._id("IN"), staff, agency, key, lvl, start, end)
        kid.invs.append(inv)
        return inv

    def _universal(self, kid: Kid) -> None:
        rng = self._rng
        as_of = self.as_of
        if kid.dob is None:
            booking = kid.born_on - timedelta(days=7 * rng.randint(26, 30))
            self._involve(kid, "midwifery", booking, None, Role.MIDWIFE, level=UNIVERSAL)
            return
        age_days = (as_of - kid.dob).days
        if age_days < 60:
            booking = kid.dob - timedelta(days=7 * rng.randint(26, 30))
            end = kid.dob + timedelta(days=rng.randint(10, 28))
            if end >= as_of:
                self._involve(kid, "midwifery", booking, None, Role.MIDWIFE, level=UNIVERSAL)
            else:
                inv = self._involve(kid, "midwifery", booking, end, Role.MIDWIFE, level=UNIVERSAL)
                inv.end_reason = "Discharged from midwifery care to the health visitor"
        if kid.age(as_of) < 5:
            start = kid.dob + timedelta(days=rng.randint(10, 14))
            if start <= as_of:
                self._involve(kid, "hv", start, None, Role.HEALTH_VISITOR, level=UNIVERSAL)

    def _targeted_keys(self, kid: Kid, on: date) -> list[str]:
        age = kid.age(on)
        if kid.dob is None or age < 0:
            return ["cc", "early_help", "da"]
        if age < 4:
            return ["cc", "early_help", "hv", "da", "housing"]
        keys = ["school_nursing", "early_help", "camhs", "da", "housing"]
        if age >= 5:
            keys += ["ews"] if age <= 16 else []
        if age >= 8:
            keys.append("young_carers")
        if age >= 13:
            keys += ["drug", "sexual_health"]
        if age >= 14:
            keys.append("mental_health")
        return keys

    def _earliest(self, kid: Kid) -> date:
        """The earliest date services for this child may start."""
        as_of = self.as_of
        if kid.dob is None:
            return max(kid.born_on - timedelta(days=7 * 24), as_of - timedelta(days=120))
        return max(kid.dob + timedelta(days=14), as_of - timedelta(days=3 * 365))

    def _giver(self, kid: Kid, on: date) -> dict[str, Any]:
        """Who gives consent about ``kid`` on ``on``: a parent with parental
        responsibility, or the child when of sufficient age and understanding."""
        rng = self._rng
        age = kid.age(on)
        p_child = 0.75 if age >= 16 else 0.4 if age >= 12 else 0.0
        if not kid.pr_ids and age >= 12:
            p_child = 1.0
        if rng.random() < p_child:
            return {"given_by_child": True, "child_competent": True}
        assert kid.pr_ids, f"{kid.id} has nobody to give consent"
        out: dict[str, Any] = {"given_by_family_member_id": rng.choice(kid.pr_ids)}
        if age >= 12:
            out["child_competent"] = rng.random() < 0.5
        return out

    def _scopes(self, key: str) -> list[Scope]:
        rng = self._rng
        scopes = [Scope.CONTACT_DETAILS, Scope.INVOLVEMENT]
        kind = SERVICES["primary" if key == "school" else key][0]
        if (
            kind
            in (
                AgencyKind.CAMHS,
                AgencyKind.SCHOOL_NURSING,
                AgencyKind.HEALTH_VISITING,
                AgencyKind.GP_PRACTICE,
                AgencyKind.MIDWIFERY,
            )
            or rng.random() < 0.3
        ):
            scopes.append(Scope.HEALTH)
        if kind in (AgencyKind.SCHOOL, AgencyKind.EDUCATION_WELFARE) or rng.random() < 0.3:
            scopes.append(Scope.EDUCATION)
        if key in ("cin", "cp", "lac", "disabled"):
            scopes.append(Scope.SOCIAL_CARE)
        if key in SENSITIVE_KEYS:
            scopes.append(Scope.SENSITIVE_SERVICES)
        return scopes

    def _consent(
        self,
        kid: Kid,
        on: date,
        *,
        to_agency: str | None = None,
        to_caf: str | None = None,
        scopes: list[Scope],
        decision: ConsentDecision = ConsentDecision.GIVEN,
        expires: date | None = None,
        withdrawn: date | None = None,
        recorded_by: str | None = None,
        purpose: str | None = None,
    ) -> Consent:
        rng = self._rng
        consent = Consent(
            id=self._id("CO"),
            child_id=kid.id,
            decision=decision,
            kind=ConsentKind.EXPLICIT if rng.random() < 0.8 else ConsentKind.IMPLIED,
            to_agency_id=to_agency,
            to_caf_id=to_caf,
            scopes=scopes,
            purpose=purpose,
            given_on=on,
            expires_on=expires,
            withdrawn_on=withdrawn,
            recorded_by_id=recorded_by,
            **self._giver(kid, on),
        )
        kid.recs.append(consent)
        return consent

    def _refer(
        self,
        kid: Kid,
        key: str,
        agency_id: str,
        on: date,
        from_id: str,
        caf_id: str | None = None,
        reason: str | None = None,
        basis_id: str | None = None,
        expires: date | None = None,
        withdrawn: date | None = None,
    ) -> Referral:
        """A referral with the consent it rests on (or a recorded statutory basis)."""
        consent_id = None
        if basis_id is None:
            consent = self._consent(
                kid,
                on,
                to_agency=agency_id,
                scopes=self._scopes(key),
                recorded_by=from_id,
                expires=expires,
                withdrawn=withdrawn,
                purpose="Referral for support",
            )
            consent_id = consent.id
        referral = Referral(
            id=self._id("RF"),
            child_id=kid.id,
            from_practitioner_id=from_id,
            to_agency_id=agency_id,
            referred_on=on,
            caf_id=caf_id,
            consent_id=consent_id,
            statutory_basis_id=basis_id,
            reason=reason or self._rng.choice(REFERRAL_REASONS),
        )
        kid.recs.append(referral)
        return referral

    def _referrer(self, kid: Kid, on: date) -> Staff:
        """A universal practitioner who knows the child and might refer."""
        school = self._school_on(kid, on)
        if school is not None and self._rng.random() < 0.7:
            role = (
                Role.HEAD_OF_YEAR
                if kid.school_stage == "secondary"
                else (Role.DESIGNATED_SAFEGUARDING_LEAD)
            )
            return self._pick(
                school, self._rng.choice((role, Role.DESIGNATED_SAFEGUARDING_LEAD)), None
            )
        if 0 <= kid.age(on) < 5 and self._rng.random() < 0.7:
            return self._pick(kid.loc.agencies["hv"][0], Role.HEALTH_VISITOR, None)
        return self._pick(kid.gp_id, Role.GP, None)

    def _assessment(
        self, kid: Kid, kind: AssessmentKind, by: Staff, start: date, within: int
    ) -> Assessment:
        rng = self._rng
        as_of = self.as_of
        late = kind is AssessmentKind.INITIAL and self.faults and self._frng.random() < 0.08
        days = rng.randint(11, 22) if late else rng.randint(max(1, within // 3), within)
        done: date | None = add_working_days(start, days)
        assert done is not None
        sent: date | None = next_weekday(done + timedelta(days=rng.randint(0, 3)))
        # a late one still open on as_of is overdue once its time limit has passed
        overdue = late and done > as_of and add_working_days(start, within + 1) <= as_of
        if done > as_of:
            done, sent = None, None
            late = False
        elif sent is not None and sent > as_of:
            sent = as_of
        record = Assessment(
            id=self._id("AS"),
            child_id=kid.id,
            kind=kind,
            practitioner_id=by.id,
            started_on=start,
            completed_on=done,
            analysis_sent_on=sent,
        )
        if late:
            self.truth.late_assessments.append(record.id)
        if overdue:
            self.truth.overdue_assessments.append(record.id)
        kid.recs.append(record)
        return record

    def _meeting(
        self,
        kid: Kid,
        kind: MeetingKind,
        on: date,
        chair: Staff | None,
        attendees: Iterable[Staff],
        caf_id: str | None = None,
        plan_id: str | None = None,
        family: bool | None = None,
    ) -> Meeting:
        rng = self._rng
        sent = min(
            next_weekday(on + timedelta(days=rng.randint(0, 3))), self.as_of
        )  # within 5 days
        meeting = Meeting(
            id=self._id("MT"),
            child_id=kid.id,
            kind=kind,
            held_on=on,
            caf_id=caf_id,
            plan_id=plan_id,
            chair_id=chair.id if chair else None,
            attendee_ids=[s.id for s in attendees],
            family_attended=rng.random() < 0.85 if family is None else family,
            written_outcome_sent_on=sent,
        )
        kid.recs.append(meeting)
        return meeting

    def _plan(
        self,
        kid: Kid,
        plan_id: str,
        kind: PlanKind,
        team: Sequence[Inv],
        start: date,
        end: date | None,
        next_review: date | None,
        actions: tuple[int, int],
        *,
        caf_id: str | None = None,
        stable: bool = False,
    ) -> Plan:
        """Record plan ``plan_id`` for ``kid`` from ``start`` to ``end`` (None: open),
        with between ``actions[0]`` and ``actions[1]`` actions, each given to one of
        ``team`` (or to nobody where the team is empty); returns the plan."""
        rng = self._rng
        as_of = self.as_of
        plan = Plan(
            id=plan_id,
            child_id=kid.id,
            kind=kind,
            caf_id=caf_id,
            started_on=start,
            ended_on=end,
            next_review_on=next_review,
            stable_long_term=stable,
        )
        kid.recs.append(plan)
        outcomes = list(Outcome)
        for _ in range(rng.randint(*actions)):
            outcome = rng.choice(outcomes)
            inv = rng.choice(team) if team else None
            due = next_weekday(start + timedelta(days=rng.randint(28, 180)))
            completed = None
            if due <= as_of and rng.random() < 0.65:
                completed = max(start, due - timedelta(days=rng.randint(0, 21)))
                if end is not None and completed > end:
                    completed = end
            kid.recs.append(
                PlanAction(
                    id=self._id("PA"),
                    plan_id=plan.id,
                    description=rng.choice(ACTIONS[outcome]),
                    outcome=outcome,
                    agency_id=inv.agency_id if inv else None,
                    practitioner_id=inv.staff.id if inv else None,
                    due_on=due,
                    how_we_will_know=rng.choice(HOW_WE_KNOW),
                    completed_on=completed,
                )
            )
        return plan

    def _plan_team(
        self,
        kid: Kid,
        plan_id: str,
        lead: Inv,
        members: Sequence[Inv],
        led_from: date,
        end: date | None,
    ) -> None:
        """A plan's team, made into memberships when the child is finished: ``lead``
        leads from ``led_from``, each of ``members`` belongs from joining, all to ``end``."""
        kid.plan_teams.append((lead.staff, plan_id, TeamRole.LEAD, led_from, end))
        for inv in members:
            kid.plan_teams.append((inv.staff, plan_id, TeamRole.MEMBER, inv.start, end))

    def _review(
        self,
        kid: Kid,
        held_on: date,
        outcome: ReviewOutcome,
        next_on: date | None,
        meeting: Meeting,
        by: Staff,
        social_worker_present: bool,
        *,
        plan_id: str | None = None,
        caf_id: str | None = None,
    ) -> None:
        """Record the review of a plan or a CAF held at ``meeting`` by ``by``."""
        kid.recs.append(
            Review(
                id=self._id("RV"),
                caf_id=caf_id,
                plan_id=plan_id,
                held_on=held_on,
                outcome=outcome,
                next_review_on=next_on,
                meeting_id=meeting.id,
                recorded_by_id=by.id,
                social_worker_present=social_worker_present,
            )
        )

    def _targeted(self, kid: Kid, several: bool = False) -> None:
        rng = self._rng
        as_of = self.as_of
        lo = self._earliest(kid)
        hi = as_of - timedelta(days=14)
        if lo > hi:
            return
        keys = self._targeted_keys(kid, as_of)
        rng.shuffle(keys)
        open_agencies = {inv.agency_id for inv in kid.invs if inv.end is None}
        wanted = rng.randint(3, 4) if several else (1 if rng.random() < 0.75 else 2)
        if kid.shielded:
            keys = ["da"] + [k for k in keys if k != "da"]
        chosen = 0
        for key in keys:
            if chosen >= wanted:
                break
            agency = self._agency(kid, key)
            if agency is None or agency in open_agencies:
                continue
            start = next_weekday(lo + timedelta(days=rng.randint(0, (hi - lo).days)))
            if start > hi:
                continue
            end: date | None = None
            if not several and not kid.shielded and rng.random() < 0.35:
                end = start + timedelta(days=rng.randint(30, 300))
                if end >= as_of:
                    end = None
            if end is None:
                # at most two agencies with open involvements unless this is the fault
                if not several and len(open_agencies) >= 2:
                    continue
                open_agencies.add(agency)
            if key in REFERRAL_KEYS:
                referrer = self._referrer(kid, start)
                withdrawn = end if end is not None and rng.random() < 0.2 else None
                self._refer(kid, key, agency, start, referrer.id, withdrawn=withdrawn)
            inv = self._involve(kid, key, start, end, agency_id=agency)
            if end is not None:
                inv.end_reason = (
                    "Family withdrew consent" if rng.random() < 0.2 else rng.choice(END_REASONS)
                )
            chosen += 1
        if rng.random() < 0.06:
            key = rng.choice(self._targeted_keys(kid, as_of))
            agency = self._agency(kid, key)
            if agency is not None:
                self._consent(
                    kid,
                    next_weekday(lo + timedelta(days=rng.randint(0, (hi - lo).days))),
                    to_agency=agency,
                    scopes=self._scopes(key),
                    decision=ConsentDecision.REFUSED,
                    purpose="Referral for support",
                )
        if several:
            agencies = {inv.agency_id for inv in kid.invs if inv.end is None}
            if len(agencies) >= 3:
                self.truth.several_agencies_without_caf.append(kid.id)

    def _shielded(self, kid: Kid) -> None:
        """A shielded child (fleeing domestic abuse): the Hope Project and one more."""
        self._targeted(kid)
        if not any(inv.end is None for inv in kid.invs):
            start = max(self._earliest(kid), self.as_of - timedelta(days=60))
            self._involve(kid, "da", min(start, self.as_of), None)

    def _plan_reviews(
        self,
        kid: Kid,
        plan_id: str,
        start: date,
        end: date | None,
        lead: Staff,
        team: list[Staff],
        kind: MeetingKind,
        gap: tuple[int, int],
        first: int | None = None,
        *,
        social_worker_present: bool,
    ) -> date | None:
        """Hold a plan's reviews from ``start`` to ``end`` (or now): at each a meeting
        chaired by ``lead`` and a review that continues the plan and names the next
        (the last names the plan's end, if it has one). Returns the next review date,
        None once the plan has ended."""
        rng = self._rng
        limit = (end if end is not None else self.as_of) - timedelta(days=1)
        t = start
        held: list[tuple[date, Meeting]] = []
        step = first
        while True:
            nxt = next_weekday(t + timedelta(days=step if step is not None else rng.randint(*gap)))
            step = None
            if nxt > limit:
                break
            held.append((nxt, self._meeting(kid, kind, nxt, lead, [lead, *team], plan_id=plan_id)))
            t = nxt
        last = nxt if end is None else end
        for i, (on, meeting) in enumerate(held):
            next_on = held[i + 1][0] if i + 1 < len(held) else last
            self._review(
                kid,
                on,
                ReviewOutcome.CONTINUE,
                next_on,
                meeting,
                lead,
                social_worker_present=social_worker_present,
                plan_id=plan_id,
            )
        return None if end is not None else nxt

    def _level_change(
        self,
        kid: Kid,
        direction: ChangeDirection,
        on: date,
        before: ServiceLevel,
        after: ServiceLevel,
        decided_by: Staff,
        *,
        agreed_by: Staff | None = None,
        caf_id: str | None = None,
        plan_id: str | None = None,
        meeting: Meeting | None = None,
        new_agency_ids: Sequence[str] = (),
        notify: bool = True,
    ) -> LevelChange:
        """Record a change of level for ``kid`` of a CAF or a plan, decided by
        ``decided_by``; with ``notify`` everyone involved is told of it when the child is
        finished (a step-up is told another way, through its referral)."""
        change = LevelChange(
            id=self._id("LC"),
            child_id=kid.id,
            direction=direction,
            changed_on=on,
            from_level=before,
            to_level=after,
            caf_id=caf_id,
            plan_id=plan_id,
            decided_by_id=decided_by.id,
            agreed_by_id=None if agreed_by is None else agreed_by.id,
            tacin_meeting_id=None if meeting is None else meeting.id,
            new_agency_ids=list(new_agency_ids),
        )
        kid.recs.append(change)
        if notify:
            kid.changes.append(Change(change, decided_by.id))
        return change

    def _basis(
        self,
        kid: Kid,
        ground: StatutoryGround,
        by: Staff,
        on: date,
        reason: str,
        agency: str,
        scopes: list[Scope],
        valid_until: date | None = None,
    ) -> str:
        """Record a statutory basis for sharing about ``kid`` with ``agency``; returns
        its id."""
        basis = StatutoryBasis(
            id=self._id("SB"),
            child_id=kid.id,
            ground=ground,
            recorded_by_id=by.id,
            recorded_on=on,
            reason=reason,
            to_agency_id=agency,
            scopes=scopes,
            valid_until=valid_until,
        )
        kid.recs.append(basis)
        return basis.id

    def _harm_basis(self, kid: Kid, by: Staff, on: date, agency: str, *, caf: bool) -> str:
        """Record the statutory basis for sharing where a child is suffering, or likely to
        suffer, significant harm (with the CAF's content where a CAF steps up); returns
        its id."""
        scopes = [*SOCIAL_CARE_SCOPES, Scope.CAF_CONTENT] if caf else list(SOCIAL_CARE_SCOPES)
        reason = self._rng.choice(HARM_REASONS)
        return self._basis(kid, StatutoryGround.SIGNIFICANT_HARM, by, on, reason, agency, scopes)
