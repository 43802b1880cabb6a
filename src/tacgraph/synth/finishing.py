"""Finishing a child: involvements, memberships, handovers, notifications and the CAF register."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tacgraph.dates import open_on
from tacgraph.model import (
    Caf,
    CafAction,
    CafEvent,
    Handover,
    HandoverKind,
    Involvement,
    LevelChange,
    Notification,
    Review,
    TeamMembership,
    TeamRole,
)
from tacgraph.synth.ids import Ids
from tacgraph.synth.state import (
    Kid,
    Staff,
    lead_periods,
)
from tacgraph.synth.vocabulary import (
    HANDOVER_OUTCOMES,
    HANDOVER_UNMET,
    HANDOVER_WORK,
)


class Finishing(Ids):
    """Turns a child's open-ended bookkeeping into records."""

    def _finish(self, kid: Kid) -> None:
        """Turn the open-ended bookkeeping into records: involvements, memberships,
        handovers and notifications."""
        rng = self._rng
        as_of = self.as_of
        for inv in kid.invs:
            kid.recs.append(
                Involvement(
                    id=inv.id,
                    practitioner_id=inv.staff.id,
                    child_id=kid.id,
                    agency_id=inv.agency_id,
                    level=inv.level,
                    started_on=inv.start,
                    ended_on=inv.end,
                    end_reason=inv.end_reason if inv.end else None,
                )
            )
            if inv.caf is not None:
                for role, frm, to in lead_periods(inv):
                    self._membership(kid, inv.staff, role, frm, to, caf_id=inv.caf.id)
        for staff, plan_id, role, frm, to in kid.plan_teams:
            self._membership(kid, staff, role, frm, to, plan_id=plan_id)
        # rule 3: nobody leaves an open CAF's team without a handover
        for inv in kid.invs:
            if inv.end is None or not inv.handover:
                continue
            span = next((c for c in kid.cafs if c.open_on(inv.end)), None)
            if span is None:
                continue
            was_lead = any(p[1] == inv.end for p in inv.lead)
            successor = span.lead_on(inv.end + timedelta(days=1))
            to_practitioner: str | None = None
            to_caf: str | None = None
            kind = HandoverKind.SUMMARY_OF_WORK
            if was_lead and successor is not None and successor.staff is not inv.staff:
                to_practitioner, kind = successor.staff.id, HandoverKind.UPDATED_CAF
            elif span.closed == inv.end:
                to_caf = span.id
            else:
                lead = span.lead_on(inv.end)
                if lead is not None and lead.staff is not inv.staff and rng.random() < 0.5:
                    to_practitioner = lead.staff.id
                else:
                    to_caf = span.id
                if rng.random() < 0.3:
                    kind = HandoverKind.UPDATED_CAF
            kid.recs.append(
                Handover(
                    id=self._id("HO"),
                    child_id=kid.id,
                    involvement_id=inv.id,
                    from_practitioner_id=inv.staff.id,
                    to_practitioner_id=to_practitioner,
                    to_caf_id=to_caf,
                    kind=kind,
                    shared_on=min(
                        max(inv.start, inv.end - timedelta(days=rng.randint(0, 3))), as_of
                    ),
                    work_done=rng.choice(HANDOVER_WORK),
                    outcomes=rng.choice(HANDOVER_OUTCOMES),
                    unmet_needs=rng.choice(HANDOVER_UNMET),
                )
            )
        # rule 6: everyone is told of a closure or step-down
        for change in kid.changes:
            record = change.record
            on = record.changed_on
            sent = min(on + timedelta(days=rng.randint(0, 3)), as_of)
            family = list(dict.fromkeys(kid.pr_ids + kid.carer_ids))
            agencies = [inv.agency_id for inv in kid.invs if open_on(inv.start, inv.end, on)]
            agencies = list(dict.fromkeys(agencies + list(record.new_agency_ids)))
            targets: list[dict[str, Any]] = [{"to_family_member_id": f} for f in family]
            if kid.age(on) >= 12:
                targets.append({"to_child": True})
            targets += [{"to_agency_id": a} for a in agencies]
            for target in targets:
                kid.recs.append(
                    Notification(
                        id=self._id("NT"),
                        child_id=kid.id,
                        level_change_id=record.id,
                        sent_on=sent,
                        sent_by_id=change.sent_by,
                        **target,
                    )
                )

    def _membership(
        self,
        kid: Kid,
        staff: Staff,
        role: TeamRole,
        frm: date,
        to: date | None,
        *,
        caf_id: str | None = None,
        plan_id: str | None = None,
    ) -> None:
        """Record ``staff``'s time on the team of a CAF or of a plan."""
        kid.recs.append(
            TeamMembership(
                id=self._id("TM"),
                practitioner_id=staff.id,
                caf_id=caf_id,
                plan_id=plan_id,
                role=role,
                started_on=frm,
                ended_on=to,
            )
        )

    def _register(self, kid: Kid) -> None:
        """The CAF register's history of each CAF, derived from the records already made
        (no random draws, so nothing else changes)."""
        cafs = {r.id: r for r in kid.recs if isinstance(r, Caf)}
        events: list[tuple[date, int, str, str, CafAction, str | None]] = []
        order = {a: i for i, a in enumerate(CafAction)}

        def add(caf_id: str, on: date, by: str | None, action: CafAction, ref: str | None) -> None:
            events.append((on, order[action], ref or "", caf_id, action, by))

        for caf in cafs.values():
            add(caf.id, caf.started_on, caf.started_by_id, CafAction.START, None)
        closed: set[str] = set()
        for rec in kid.recs:
            if isinstance(rec, TeamMembership) and rec.caf_id in cafs:
                action = CafAction.SET_LEAD if rec.role is TeamRole.LEAD else CafAction.ADD_MEMBER
                by = rec.practitioner_id if action is CafAction.SET_LEAD else None
                add(
                    rec.caf_id, rec.started_on, by or cafs[rec.caf_id].started_by_id, action, rec.id
                )
            elif isinstance(rec, Review) and rec.caf_id in cafs:
                by = rec.recorded_by_id or cafs[rec.caf_id].started_by_id
                add(rec.caf_id, rec.held_on, by, CafAction.REVIEW, rec.id)
            elif isinstance(rec, LevelChange) and rec.caf_id in cafs:
                action = CafAction(rec.direction.value)
                by = rec.decided_by_id or cafs[rec.caf_id].started_by_id
                add(rec.caf_id, rec.changed_on, by, action, rec.id)
                if action is CafAction.CLOSE:
                    closed.add(rec.caf_id)
        for caf in cafs.values():
            if caf.closed_on is not None and caf.id not in closed:
                add(caf.id, caf.closed_on, caf.started_by_id, CafAction.CLOSE, None)
        for on, _, ref, caf_id, action, by in sorted(events):
            assert by is not None
            kid.recs.append(
                CafEvent(
                    id=self._id("CE"),
                    caf_id=caf_id,
                    by_id=by,
                    changed_on=on,
                    action=action,
                    detail=ref or None,
                )
            )
