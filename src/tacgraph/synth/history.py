"""CAF histories: the Team Around the Child, its lead, reviews, step-up, step-down and closure."""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tacgraph.dates import next_weekday, open_on
from tacgraph.model import (
    AssessmentKind,
    Caf,
    CafState,
    ChangeDirection,
    ConsentDecision,
    Meeting,
    MeetingKind,
    PlanKind,
    ReviewOutcome,
    Role,
    Scope,
    ServiceLevel,
)
from tacgraph.synth.services import Services
from tacgraph.synth.state import (
    CafSpan,
    Inv,
    Kid,
    Staff,
)
from tacgraph.synth.vocabulary import (
    CHILD_IN_NEED,
    END_REASONS,
    OVERDUE_MIN_DAYS,
    REFERRAL_KEYS,
    REVIEW_INTERVAL_DAYS,
    STATUTORY,
    TARGETED,
    UNIVERSAL,
)


@dataclass(slots=True)
class AtReview:
    """A CAF at one of its reviews, as the decision taken there sees it."""

    kid: Kid
    span: CafSpan
    on: date
    closed: date | None  # the day the CAF closes, None while it stays open
    current: Inv  # the Lead Professional's involvement
    before: ServiceLevel
    after: ServiceLevel
    meeting: Meeting
    plan_end: date | None  # the next review that changes the level, if any
    planned: date | None  # the review planned after the last one held


class CafHistory(Services):
    """A CAF's life from start to close, with its team, lead changes and level changes."""

    def _lead_keys(self, kid: Kid, on: date) -> list[tuple[str, Role]]:
        age = kid.age(on)
        if kid.dob is None or age < 0:
            return [("midwifery", Role.MIDWIFE)]
        options: list[tuple[str, Role]]
        if age < 4:
            options = [("hv", Role.HEALTH_VISITOR)] * 5 + [("cc", Role.FAMILY_SUPPORT_WORKER)] * 2
            options += [("early_help", Role.EARLY_HELP_WORKER)] * 3
        else:
            options = [("early_help", Role.EARLY_HELP_WORKER)] * 3
            options += [("school_nursing", Role.SCHOOL_NURSE)]
            if self._school_on(kid, on) is not None:
                if kid.school_stage == "secondary":
                    options += [("school", Role.HEAD_OF_YEAR)] * 3
                options += [("school", Role.DESIGNATED_SAFEGUARDING_LEAD)] * 3
                options += [("school", Role.SENCO)]
        options.append(("mast", Role.MAST_MEMBER))
        return options

    def _member_keys(self, kid: Kid, on: date) -> list[str]:
        age = kid.age(on)
        keys = ["early_help", "gp"]
        if kid.dob is None or age < 0:
            return ["cc", "early_help", "da", "hv"]
        if age < 4:
            keys += ["hv", "cc", "da", "housing", "mast"]
        else:
            keys += ["school_nursing", "camhs", "da", "housing", "mast"]
            if self._school_on(kid, on) is not None:
                keys += ["school", "school"]
            if 5 <= age <= 16:
                keys.append("ews")
            if age >= 8:
                keys.append("young_carers")
            if age >= 13:
                keys += ["drug", "sexual_health"]
        return keys

    def _caf_timeline(
        self, start: date, horizon: date, can_change: bool
    ) -> tuple[list[tuple[date, ReviewOutcome, ServiceLevel, ServiceLevel]], date | None]:
        """Review dates and outcomes from ``start`` up to ``horizon``, with the level
        before and after each; and the next planned review (None once closed)."""
        rng = self._rng
        events: list[tuple[date, ReviewOutcome, ServiceLevel, ServiceLevel]] = []
        t, level = start, TARGETED
        while True:
            nxt = next_weekday(t + timedelta(days=rng.randint(84, REVIEW_INTERVAL_DAYS - 2)))
            if nxt > horizon:
                return events, nxt
            r = rng.random()
            outcome, after = ReviewOutcome.CONTINUE, level
            if can_change and level is TARGETED:
                if r < 0.24:
                    outcome, after = ReviewOutcome.CLOSE, level
                elif r < 0.33:
                    outcome = ReviewOutcome.STEP_UP
                    after = STATUTORY if rng.random() < 0.15 else CHILD_IN_NEED
            elif can_change and level is CHILD_IN_NEED:
                if r < 0.33:
                    outcome, after = ReviewOutcome.STEP_DOWN, TARGETED
                elif r < 0.4:
                    outcome, after = ReviewOutcome.STEP_UP, STATUTORY
                elif r < 0.45:
                    outcome = ReviewOutcome.CLOSE
            elif can_change and level is STATUTORY and r < 0.35:
                outcome, after = ReviewOutcome.STEP_DOWN, CHILD_IN_NEED
            events.append((nxt, outcome, level, after))
            t, level = nxt, after
            if outcome is ReviewOutcome.CLOSE:
                return events, None

    def _caf_path(self, kid: Kid) -> bool:
        """One CAF (sometimes a second after the first closed); False when the child is
        too young for one."""
        rng = self._rng
        as_of = self.as_of
        lo = self._earliest(kid)
        hi = as_of - timedelta(days=7)
        if lo > hi:
            return False
        overdue = False
        horizon = as_of - timedelta(days=1)
        if self.faults and self._frng.random() < 0.065:
            h = as_of - timedelta(days=self._frng.randint(OVERDUE_MIN_DAYS, 420))
            if h >= lo:
                overdue, horizon = True, h
                hi = h
                lo = max(lo, h - timedelta(days=500))
        start = next_weekday(lo + timedelta(days=rng.randint(0, (hi - lo).days)))
        if start > hi:
            start = hi
        span = self._caf(kid, start, horizon, can_change=not overdue)
        if overdue:
            self.truth.overdue_reviews.append(span.id)
        elif (
            span.closed is not None
            and span.closed < as_of - timedelta(days=90)
            and rng.random() < 0.2
        ):
            again = next_weekday(span.closed + timedelta(days=rng.randint(60, 400)))
            if again <= as_of - timedelta(days=7):
                self._caf(kid, again, as_of - timedelta(days=1), can_change=True)
        if self.faults and self._frng.random() < 0.10:
            self._disengage(kid, kid.cafs[-1])
        return True

    def _join(
        self,
        kid: Kid,
        span: CafSpan,
        key: str,
        on: date,
        closed: date | None,
        role: Role | None = None,
        lead: bool = False,
        agency_id: str | None = None,
        level: ServiceLevel | None = None,
        avoid: Sequence[Staff] = (),
    ) -> Inv | None:
        agency = agency_id or self._agency(kid, key)
        if agency is None:
            return None
        if key == "school" and role is None:
            role = self._rng.choice(
                (
                    Role.DESIGNATED_SAFEGUARDING_LEAD,
                    Role.HEAD_OF_YEAR if kid.school_stage == "secondary" else Role.TEACHER,
                )
            )
        team = [i.staff for i in span.invs if i.end is None or i.end >= on]
        inv = self._involve(
            kid,
            key,
            on,
            None,
            role,
            until=closed,
            agency_id=agency,
            level=level,
            avoid=[*avoid, *team],
        )
        inv.caf = span
        span.invs.append(inv)
        if lead:
            inv.lead.append([on, None])
        return inv

    def _leave(self, inv: Inv, on: date, reason: str) -> None:
        inv.end = on
        inv.end_reason = reason
        for period in inv.lead:
            if period[1] is None:
                period[1] = on

    def _caf(self, kid: Kid, start: date, horizon: date, can_change: bool) -> CafSpan:
        rng = self._rng
        as_of = self.as_of
        events, planned = self._caf_timeline(start, horizon, can_change)
        closed = events[-1][0] if events and events[-1][1] is ReviewOutcome.CLOSE else None
        last_level = events[-1][3] if events else TARGETED
        span = CafSpan(self._id("CAF"), start, closed)
        kid.cafs.append(span)
        lead_key, lead_role = rng.choice(self._lead_keys(kid, start))
        lead = self._join(
            kid,
            span,
            lead_key,
            start,
            closed,
            lead_role,
            lead=True,
            agency_id=self._school_on(kid, start) if lead_key == "school" else None,
        )
        assert lead is not None
        if not events:
            state, changed = CafState.OPEN, start
        else:
            last = events[-1][1]
            state = {
                ReviewOutcome.CONTINUE: CafState.REVIEWED,
                ReviewOutcome.STEP_UP: CafState.STEPPED_UP,
                ReviewOutcome.STEP_DOWN: CafState.STEPPED_DOWN,
                ReviewOutcome.CLOSE: CafState.CLOSED,
            }[last]
            changed = events[-1][0]
        kid.recs.append(
            Caf(
                id=span.id,
                child_id=kid.id,
                started_by_id=lead.staff.id,
                started_on=start,
                state=state,
                state_changed_on=changed,
                level=last_level,
                closed_on=closed,
            )
        )
        expires = withdrawn = None
        if closed is not None:
            if rng.random() < 0.15:
                withdrawn = closed
            else:
                expires = closed + timedelta(days=rng.randint(0, 90))
        scopes = [Scope.CONTACT_DETAILS, Scope.INVOLVEMENT, Scope.CAF_CONTENT]
        scopes += [
            s
            for s in (Scope.HEALTH, Scope.EDUCATION, Scope.SOCIAL_CARE, Scope.SENSITIVE_SERVICES)
            if rng.random() < 0.6
        ]
        self._consent(
            kid,
            start,
            to_caf=span.id,
            scopes=scopes,
            expires=expires,
            withdrawn=withdrawn,
            recorded_by=lead.staff.id,
            purpose="Share the CAF with the Team Around the Child",
        )
        self._assessment(kid, AssessmentKind.CAF, lead.staff, start, 10)
        # the initial team
        used = {lead.agency_id}
        for key in rng.sample(self._member_keys(kid, start), k=rng.randint(1, 3)):
            agency = self._school_on(kid, start) if key == "school" else self._agency(kid, key)
            if agency is None or agency in used:
                continue
            used.add(agency)
            if key in REFERRAL_KEYS:
                self._refer(kid, key, agency, start, lead.staff.id, caf_id=span.id)
            self._join(kid, span, key, start, closed, agency_id=agency)
        if rng.random() < 0.04:
            key = rng.choice(self._member_keys(kid, start))
            agency = self._agency(kid, key)
            if agency is not None and agency not in used:
                self._consent(
                    kid,
                    start,
                    to_agency=agency,
                    scopes=self._scopes(key),
                    decision=ConsentDecision.REFUSED,
                    recorded_by=lead.staff.id,
                    purpose="Share the CAF with this service",
                )
        self._plan(
            kid,
            self._id("PL"),
            PlanKind.CAF_ACTION_PLAN,
            list(span.invs),
            start,
            closed,
            planned,
            (3, 6),
            caf_id=span.id,
        )
        first_review = events[0][0] if events else None
        tac = next_weekday(start + timedelta(days=rng.randint(3, 14)))
        if tac <= as_of and (first_review is None or tac < first_review):
            self._meeting(
                kid, MeetingKind.TAC, tac, lead.staff, self._team(span, tac), caf_id=span.id
            )
            if rng.random() < 0.2:
                fam = next_weekday(tac + timedelta(days=rng.randint(14, 60)))
                if fam <= as_of and (first_review is None or fam < first_review):
                    self._meeting(
                        kid,
                        MeetingKind.FAMILY,
                        fam,
                        lead.staff,
                        [lead.staff],
                        caf_id=span.id,
                        family=True,
                    )
        statutory: tuple[str, str] | None = None  # (plan id, service key) in force
        for i, (on, outcome, before, after) in enumerate(events):
            following = events[i + 1][0] if i + 1 < len(events) else planned
            current = span.lead_on(on)
            assert current is not None
            team = self._team(span, on)
            decisive = outcome in (ReviewOutcome.STEP_DOWN, ReviewOutcome.CLOSE)
            mkind = MeetingKind.TACIN if decisive and before is not TARGETED else MeetingKind.REVIEW
            meeting = self._meeting(kid, mkind, on, current.staff, team, caf_id=span.id)
            next_on = None if outcome is ReviewOutcome.CLOSE else following
            sw_present = any(
                s.role in (Role.SOCIAL_WORKER, Role.CONSULTANT_SOCIAL_WORKER) for s in team
            )
            by = current.staff
            self._review(kid, on, outcome, next_on, meeting, by, sw_present, caf_id=span.id)
            if statutory is not None:  # the statutory plan is reviewed with the CAF
                self._review(kid, on, outcome, next_on, meeting, by, True, plan_id=statutory[0])
            plan_end = None
            for later in events[i + 1 :]:
                if later[1] is not ReviewOutcome.CONTINUE:
                    plan_end = later[0]
                    break
            at = AtReview(kid, span, on, closed, current, before, after, meeting, plan_end, planned)
            if outcome is ReviewOutcome.CONTINUE:
                self._caf_continue(at)
            elif outcome is ReviewOutcome.STEP_UP:
                statutory = self._step_up(at)
            elif outcome is ReviewOutcome.STEP_DOWN:
                statutory = self._step_down(at)
            else:
                self._close(at)
        return span

    def _team(self, span: CafSpan, on: date) -> list[Staff]:
        return [inv.staff for inv in span.invs if open_on(inv.start, inv.end, on)]

    def _caf_continue(self, at: AtReview) -> None:
        kid, span, on, closed, current = at.kid, at.span, at.on, at.closed, at.current
        rng = self._rng
        active = [inv for inv in span.invs if inv.end is None]
        members = [inv for inv in active if inv is not current and inv.start < on]
        if members and len(active) > 2 and rng.random() < 0.25:
            self._leave(rng.choice(members), on, rng.choice(END_REASONS))
        if rng.random() < 0.2:
            key = rng.choice(self._member_keys(kid, on))
            agency = self._school_on(kid, on) if key == "school" else self._agency(kid, key)
            if agency is not None and agency not in {inv.agency_id for inv in active}:
                if key in REFERRAL_KEYS:
                    self._refer(kid, key, agency, on, current.staff.id, caf_id=span.id)
                self._join(kid, span, key, on, closed, agency_id=agency)
        if at.before is TARGETED and current.start < on and rng.random() < 0.1:
            # a new Lead Professional, agreed at the review: the old one hands over
            key, role = rng.choice(self._lead_keys(kid, on))
            agency = self._school_on(kid, on) if key == "school" else self._agency(kid, key)
            if agency is not None and any(
                s is not current.staff for s in self._active[agency].get(role, [])
            ):
                self._leave(
                    current,
                    on,
                    rng.choice(
                        (
                            "Lead Professional role handed over",
                            "Practitioner moved to another team",
                            "Lead Professional role handed over at review",
                        )
                    ),
                )
                self._join(
                    kid,
                    span,
                    key,
                    on + timedelta(days=1),
                    closed,
                    role,
                    lead=True,
                    agency_id=agency,
                    avoid=[current.staff],
                )

    def _hand_lead(self, old: Inv, new: Inv, on: date) -> None:
        for period in old.lead:
            if period[1] is None:
                period[1] = on
        new.lead.append([on + timedelta(days=1), None])

    def _step_up(self, at: AtReview) -> tuple[str, str]:
        kid, span, on, closed, current = at.kid, at.span, at.on, at.closed, at.current
        before, after, plan_end, planned = at.before, at.after, at.plan_end, at.planned
        key = "cin" if after is CHILD_IN_NEED else "cp"
        agency = self._agency(kid, key)
        assert agency is not None
        manager = self._manager(agency)
        basis_id: str | None = None
        if key == "cp":
            basis_id = self._harm_basis(kid, current.staff, on, agency, caf=True)
        self._refer(
            kid,
            key,
            agency,
            on,
            current.staff.id,
            caf_id=span.id,
            basis_id=basis_id,
            reason="Needs continue to escalate despite the CAF plan",
        )
        self._level_change(
            kid,
            ChangeDirection.STEP_UP,
            on,
            before,
            after,
            manager,
            agreed_by=current.staff,
            caf_id=span.id,
            notify=False,
        )
        sw = self._join(
            kid, span, key, on, closed, Role.SOCIAL_WORKER, agency_id=agency, level=after
        )
        assert sw is not None
        self._hand_lead(current, sw, on)
        if before is not TARGETED:
            # the child-in-need social worker hands over to the child protection one
            self._leave(current, on, "Case transferred to the child protection team")
        if key == "cp":
            police = self._pick(self._wide["police"], Role.POLICE_OFFICER, None)
            self._meeting(
                kid,
                MeetingKind.STRATEGY,
                on,
                manager,
                [manager, sw.staff, current.staff, police],
                caf_id=span.id,
                family=False,
            )
            self._assessment(kid, AssessmentKind.CORE, sw.staff, on, 35)
        else:
            self._assessment(kid, AssessmentKind.INITIAL, sw.staff, on, 10)
        kind = PlanKind.CHILD_PROTECTION if key == "cp" else PlanKind.CHILD_IN_NEED
        plan_id = self._caf_plan(kid, span, kind, sw, on, on + timedelta(days=1), plan_end, planned)
        return plan_id, key

    def _caf_plan(
        self,
        kid: Kid,
        span: CafSpan,
        kind: PlanKind,
        lead: Inv,
        start: date,
        led_from: date,
        end: date | None,
        planned: date | None,
    ) -> str:
        """A statutory plan under a CAF, led by ``lead`` alone, reviewed with the CAF;
        returns its id."""
        plan_id = self._id("PL")
        next_review = planned if end is None else None
        self._plan(kid, plan_id, kind, [lead], start, end, next_review, (2, 3), caf_id=span.id)
        self._plan_team(kid, plan_id, lead, (), led_from, end)
        return plan_id

    def _decider(self, agency: str) -> tuple[Staff, Staff | None]:
        """Who may close or step down: the team manager, or a consultant social worker
        with the manager's agreement (004 section 6)."""
        manager = self._manager(agency)
        pools = self._active[agency]
        if Role.CONSULTANT_SOCIAL_WORKER in pools and self._rng.random() < 0.3:
            return self._pick(agency, Role.CONSULTANT_SOCIAL_WORKER, None), manager
        return manager, None

    def _step_down(self, at: AtReview) -> tuple[str, str] | None:
        kid, span, on, closed, current = at.kid, at.span, at.on, at.closed, at.current
        before, after, plan_end, planned = at.before, at.after, at.plan_end, at.planned
        old_key = "cp" if before is STATUTORY else "cin"
        old_agency = current.agency_id if current.key == old_key else self._agency(kid, old_key)
        assert old_agency is not None
        decider, agreed = self._decider(old_agency)
        new_key = "cin" if after is CHILD_IN_NEED else "early_help"
        new_agency = self._agency(kid, new_key)
        assert new_agency is not None
        involved = {inv.agency_id for inv in span.invs if inv.end is None}
        new_agencies = [] if new_agency in involved else [new_agency]
        decided = (decider, agreed)
        self._decided(at, ChangeDirection.STEP_DOWN, after, decided, new_agencies, involved)
        role = Role.SOCIAL_WORKER if new_key == "cin" else Role.EARLY_HELP_WORKER
        new = self._join(
            kid,
            span,
            new_key,
            on + timedelta(days=1),
            closed,
            role,
            agency_id=new_agency,
            level=after if new_key == "cin" else None,
        )
        assert new is not None
        self._hand_lead(current, new, on)
        for inv in span.invs:
            if inv.end is None and inv.key == old_key:
                self._leave(inv, on, "Social care involvement closed at step-down")
        if new_key == "cin":
            starts = on + timedelta(days=1)
            kind = PlanKind.CHILD_IN_NEED
            return self._caf_plan(kid, span, kind, new, starts, starts, plan_end, planned), new_key
        return None

    def _close(self, at: AtReview) -> None:
        kid, span, on, current, level = at.kid, at.span, at.on, at.current, at.before
        key = "cin" if level is CHILD_IN_NEED else "early_help"
        agency = self._agency(kid, key)
        assert agency is not None
        if current.key == key:
            agency = current.agency_id
        decider, agreed = self._decider(agency)
        self._decided(at, ChangeDirection.CLOSE, UNIVERSAL, (decider, agreed), [], ())
        for inv in span.invs:
            if inv.end is None:
                self._leave(inv, on, "CAF closed: needs met and stepped down to universal services")

    def _decided(
        self,
        at: AtReview,
        direction: ChangeDirection,
        after: ServiceLevel,
        decided: tuple[Staff, Staff | None],
        new: list[str],
        involved: Container[str],
    ) -> None:
        """Record the step-down or closure decided at the review ``at`` by
        ``decided[0]`` (with ``decided[1]``'s agreement, if any), naming the services
        ``new`` to the family; one stepping down to targeted or universal services
        sometimes adds a children's centre or young carers' service not ``involved``."""
        kid, on = at.kid, at.on
        if after is not CHILD_IN_NEED and self._rng.random() < 0.3:
            extra = self._agency(kid, "cc" if 0 <= kid.age(on) < 5 else "young_carers")
            if extra is not None and extra not in involved:
                new.append(extra)
        self._level_change(
            kid,
            direction,
            on,
            at.before,
            after,
            decided[0],
            agreed_by=decided[1],
            caf_id=at.span.id,
            meeting=at.meeting,
            new_agency_ids=new,
        )

    def _disengage(self, kid: Kid, span: CafSpan) -> None:
        """Fault: a team member's involvement ends while the CAF stays open, and nobody
        records a handover."""
        rng = self._frng
        as_of = self.as_of
        last = (
            (span.closed - timedelta(days=7))
            if span.closed is not None
            else as_of - timedelta(days=1)
        )
        candidates = [
            inv
            for inv in span.invs
            if not inv.lead and inv.end is not None and span.start < inv.end <= last
        ]
        if candidates:
            inv = rng.choice(candidates)
        else:
            if (last - span.start).days < 30:
                return
            joined = span.start + timedelta(days=rng.randint(0, (last - span.start).days - 28))
            left = joined + timedelta(days=rng.randint(21, (last - joined).days))
            key = rng.choice(self._member_keys(kid, joined))
            agency = self._school_on(kid, joined) if key == "school" else self._agency(kid, key)
            if agency is None:
                return
            member = self._join(kid, span, key, joined, left, agency_id=agency)
            assert member is not None
            inv = member
            inv.end = left
        inv.end_reason = rng.choice(
            (
                "Stopped attending TAC meetings",
                "Service withdrew; caseload pressures",
                "Worker left; no replacement allocated",
            )
        )
        inv.handover = False
        self.truth.disengagements_without_handover.append(inv.id)
