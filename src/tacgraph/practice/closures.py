"""Rule 6: closures and step-downs made with authority and notice, and never leaving
a child with no one."""

from __future__ import annotations

from collections import defaultdict

from tacgraph.dates import DAY, age, open_on
from tacgraph.model import Role, ServiceLevel
from tacgraph.practice.casebook import STATUTORY_KINDS, Casebook, edge
from tacgraph.practice.findings import AuditSettings, Finding
from tacgraph.rows.practice import (
    PRACTICE_CLOSURES,
    PRACTICE_FAMILY,
    PRACTICE_NAMED_AGENCIES,
    PRACTICE_NOTIFICATIONS,
)

_SOCIAL_CARE_LEVELS = {ServiceLevel.CHILD_IN_NEED.value, ServiceLevel.STATUTORY.value}


def check_closures(data: Casebook, settings: AuditSettings) -> list[Finding]:
    """Rule 6: social care closed or stepped down by someone without authority (a team
    manager, or a consultant social worker with a team manager's agreement), without a
    TACiN meeting where there was a plan, or without formal notice to each party."""
    involvements = data.involvements()
    family: dict[str, set[str]] = defaultdict(set)
    for relative in data.rows(PRACTICE_FAMILY):
        family[relative["child_id"]].add(relative["family_member_id"])
    named: dict[str, set[str]] = defaultdict(set)
    for naming in data.rows(PRACTICE_NAMED_AGENCIES):
        named[naming["change_id"]].add(naming["agency_id"])
    told: dict[str, set[str]] = defaultdict(set)
    for notice in data.rows(PRACTICE_NOTIFICATIONS):
        target = (
            notice["family_member_id"]
            or notice["agency_id"]
            or ("child" if notice["to_child"] else None)
        )
        if target:
            told[notice["change_id"]].add(target)
    findings: list[Finding] = []
    for r in data.rows(PRACTICE_CLOSURES):
        cid, child, on = r["change_id"], r["child_id"], r["changed_on"]
        social_care = r["from_level"] in _SOCIAL_CARE_LEVELS or (r["plan_kind"] in STATUTORY_KINDS)
        base = {"child_id": child, "subject_id": cid, "since": on, "check": "closures"}
        subject = r["plan_id"] or r["caf_id"]
        if social_care:
            role, agreed = r["decided_by_role"], r["agreed_by_role"]
            manager, consultant = Role.TEAM_MANAGER.value, Role.CONSULTANT_SOCIAL_WORKER.value
            if not (role == manager or (role == consultant and agreed == manager)):
                who = r["decided_by_id"] or "nobody recorded"
                findings.append(
                    Finding(
                        **base,
                        rule="closed without authority",
                        detail=f"{cid} ({r['direction']}) decided by {who} ({role or '-'})"
                        + (f", agreed by {r['agreed_by_id']} ({agreed})" if agreed else ""),
                        nodes=[x for x in (cid, child, r["decided_by_id"], r["agreed_by_id"]) if x],
                        edges=[edge(cid, "CHANGE_FOR", child)]
                        + (
                            [edge(cid, "DECIDED_BY", r["decided_by_id"])]
                            if r["decided_by_id"]
                            else []
                        ),
                    )
                )
            if r["plan_id"] and not r["tacin_meeting_id"]:
                findings.append(
                    Finding(
                        **base,
                        rule="plan closed without a TACiN meeting",
                        detail=f"{cid} closed or stepped down {r['plan_id']} with no TACiN meeting",
                        nodes=[cid, r["plan_id"], child],
                        edges=[edge(cid, "CHANGE_OF", r["plan_id"])],
                    )
                )
        required: dict[str, str] = {f: "FamilyMember" for f in family[child]}
        dob = r["date_of_birth"]
        if dob is not None and age(dob, on) >= settings.child_notified_from_age:
            required["child"] = "Child"
        for inv in involvements.get(child, []):
            if open_on(inv.start, inv.end, on) and inv.agency_id != r["decided_by_agency_id"]:
                required[inv.agency_id] = "Agency"
        for agency in named[cid]:
            required[agency] = "Agency"
        missing = sorted(set(required) - told[cid])
        if missing:
            findings.append(
                Finding(
                    **base,
                    rule="a required party was not formally notified",
                    detail=f"{cid} ({r['direction']} of {subject}) not notified to: "
                    + ", ".join(missing),
                    nodes=[cid, child] + [child if m == "child" else m for m in missing],
                    edges=[edge(cid, "CHANGE_FOR", child)],
                )
            )
    return findings


def check_left_with_no_one(data: Casebook, settings: AuditSettings) -> list[Finding]:
    """A step-down or closure after which no involvement at all remains with the child;
    a step-down to universal services also counts the child's school and GP practice."""
    involvements = data.involvements()
    findings = []
    for r in data.rows(PRACTICE_CLOSURES):
        child, on = r["child_id"], r["changed_on"]
        after = on + DAY
        invs = involvements.get(child, [])
        if any(open_on(i.start, i.end, after) or i.start > after for i in invs):
            continue
        universal = r["to_level"] in (None, ServiceLevel.UNIVERSAL.value)
        if universal and (r["school_id"] or r["gp_practice_id"]):
            continue
        findings.append(
            Finding(
                check="left_with_no_one",
                rule="no involvement remains after a step-down or closure",
                child_id=child,
                subject_id=r["change_id"],
                since=on,
                detail=f"after {r['change_id']} ({r['direction']}) on {on} no practitioner "
                "is working with the child",
                nodes=[r["change_id"], child] + [i.id for i in invs if i.end == on],
                edges=[edge(r["change_id"], "CHANGE_FOR", child)],
            )
        )
    return findings
