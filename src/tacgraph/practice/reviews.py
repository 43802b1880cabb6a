"""Rules 4 and 5: reviews, initial assessments and written outcomes on time."""

from __future__ import annotations

from datetime import date, timedelta

from tacgraph.dates import DAY, add_months, add_working_days, working_days
from tacgraph.model import PlanKind
from tacgraph.practice.casebook import Casebook, edge, subject_edge
from tacgraph.practice.findings import AuditSettings, Finding
from tacgraph.rows.practice import PRACTICE_ASSESSMENTS, PRACTICE_MEETINGS, PRACTICE_REVIEWS


def check_reviews(data: Casebook, settings: AuditSettings) -> list[Finding]:
    """Rule 4 and 5: CAF, CIN plan and stable long-term plan reviews overdue; initial
    assessments past their working days; written outcomes not sent in time."""
    as_of = data.as_of
    last: dict[str, tuple[date, str]] = {}
    for r in data.rows(PRACTICE_REVIEWS):
        team_id = r["caf_id"] or r["plan_id"]
        if team_id is None:
            continue
        if team_id not in last or r["held_on"] >= last[team_id][0]:
            last[team_id] = (r["held_on"], r["review_id"])
    findings: list[Finding] = []
    for team in data.current_teams():
        if team.label == "Caf":
            months, what = settings.caf_review_months, "CAF"
        elif team.stable:
            months, what = settings.stable_review_months, "stable long-term plan"
        elif team.kind == PlanKind.CHILD_IN_NEED.value:
            months, what = settings.cin_review_months, "child in need plan"
        else:
            continue
        since_review, review_id = last.get(team.id, (team.start, None))
        due = add_months(since_review, months)
        if as_of <= due:
            continue
        findings.append(
            Finding(
                check="reviews",
                rule=f"{what} not reviewed within {months} months",
                child_id=team.child_id,
                subject_id=team.id,
                since=due + DAY,
                detail=f"{team.id} was last {'reviewed' if review_id else 'started'} on "
                f"{since_review}; a review was due by {due}",
                nodes=[team.id, team.child_id] + ([review_id] if review_id else []),
                edges=[subject_edge(team)]
                + ([edge(review_id, "REVIEW_OF", team.id)] if review_id else []),
            )
        )
    limit = settings.initial_assessment_working_days
    for assessment in data.rows(PRACTICE_ASSESSMENTS):
        end = assessment["completed_on"] or as_of
        taken = working_days(assessment["started_on"], end, settings.bank_holidays)
        if taken <= limit:
            continue
        # the first day past the limit
        day = add_working_days(assessment["started_on"], limit + 1, settings.bank_holidays)
        findings.append(
            Finding(
                check="reviews",
                rule=f"initial assessment not completed within {limit} working days",
                child_id=assessment["child_id"],
                subject_id=assessment["assessment_id"],
                since=day,
                detail=f"{assessment['assessment_id']} started {assessment['started_on']}, "
                + (
                    f"completed {assessment['completed_on']}"
                    if assessment["completed_on"]
                    else "not completed"
                )
                + f" ({taken} working days)",
                nodes=[assessment["assessment_id"], assessment["child_id"]],
                edges=[edge(assessment["assessment_id"], "ASSESSMENT_OF", assessment["child_id"])],
            )
        )
    days = timedelta(days=settings.written_outcome_days)
    for meeting in data.rows(PRACTICE_MEETINGS):
        due = meeting["held_on"] + days
        sent = meeting["written_outcome_sent_on"]
        if (sent is not None and sent <= due) or (sent is None and as_of <= due):
            continue
        findings.append(
            Finding(
                check="reviews",
                rule=f"no written outcome to the family within {settings.written_outcome_days} "
                "days of a meeting",
                child_id=meeting["child_id"],
                subject_id=meeting["meeting_id"],
                since=due + DAY,
                detail=f"{meeting['meeting_id']} ({meeting['kind']}) held {meeting['held_on']}; "
                "written outcome " + (f"sent {sent}" if sent else "not sent"),
                nodes=[meeting["meeting_id"], meeting["child_id"]],
                edges=[edge(meeting["meeting_id"], "MEETING_ABOUT", meeting["child_id"])],
            )
        )
    return findings
