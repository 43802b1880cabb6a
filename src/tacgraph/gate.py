"""The one gate every disclosure of child data goes through.

Every read path that shows anything about a child (the registry :data:`READ_PATHS`)
opens the gate (:func:`opened`), which

- checks the requester as of the real date (the ``clock``), whatever date they ask
  about: a practitioner who has left their agency, or was never authorised, is refused;
- decides each item for the viewer (:class:`Gate`, over
  :func:`tacgraph.consent.decide`): at the date asked about *and* at the real date, so
  that a past (or future) ``as_of`` can narrow what is shown, never widen it. Only an
  information governance officer (``Role.INFORMATION_GOVERNANCE_OFFICER``) may look at
  the past as it was, with a reason, and the entry is flagged ``past_date``;
- shields a shielded child's whereabouts, and those of everyone who lives in the same
  household, from anyone the shield does not name (:func:`shield_map`);
- builds the access-log entry (:func:`pending`): who, what, why, what was disclosed,
  the statutory bases used, and the governance flags as they stand at the moment of the
  read (``not_involved``, ``same_surname``, ``past_date``, ``future_date``,
  ``statutory_basis``, ``left_agency``, ``enquiry_only``, ``bulk``), so that the
  evidence of a read never changes afterwards. The caller writes it with
  :func:`tacgraph.audit.append_many` before answering.

A read of child data made outside an open gate is a fault: ``tests/test_gate_paths.py``
instruments the store and fails when a registered path reads a child-data query with no
gate open (:func:`current`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tacgraph import audit
from tacgraph.access import AccessDenied, Requester, RequesterRows
from tacgraph.consent import WITHHELD_ERROR, BasisFact, ConsentFact, Decision, Viewer, decide
from tacgraph.errors import PurposeRequired as PurposeRequired
from tacgraph.model import ConsentDecision, Role, Scope
from tacgraph.queries import Call
from tacgraph.rows.lookup import (
    GATE_SHIELDED_HOUSEHOLDS,
    LOOKUP_REQUESTER,
    GateShieldedHouseholdsRow,
    LookupRequesterRow,
)
from tacgraph.store.base import Store

# name -> the library function that answers it. Each of these reads child data only
# inside an open gate, and writes its access-log entry before it returns.
READ_PATHS: dict[str, str] = {
    "who_else": "tacgraph.lookup.who_else_many",
    "timeline": "tacgraph.timeline.timeline",
    "caf_check": "tacgraph.caf.check",
    "caf_start": "tacgraph.caf.start",
    "caf_change": "tacgraph.caf.changes._opened",
    "map": "tacgraph.render.tacmap.map_for",
    "export": "tacgraph.export.export_file",
    "practice_audit": "tacgraph.practice_report.practice_report",
    "duplicates_audit": "tacgraph.duplicates_report.duplicates_report",
    "search": "tacgraph.search.find",
    "audit_access": "tacgraph.ig.access_review",
}

# Each command that reads child data, and the read path it goes through.
COMMANDS: dict[str, str] = {
    "who-else": "who_else",
    "timeline": "timeline",
    "caf check": "caf_check",
    "caf start": "caf_start",
    "caf add-member": "caf_change",
    "caf set-lead": "caf_change",
    "caf review": "caf_change",
    "caf step-up": "caf_change",
    "caf step-down": "caf_change",
    "caf close": "caf_change",
    "map": "map",
    "export": "export",
    "audit practice": "practice_audit",
    "audit duplicates": "duplicates_audit",
    "search": "search",
    "audit access": "audit_access",
}

# Agencies whose name would say where a shielded child is.
LOCATING_KINDS = frozenset({"school", "gp_practice"})

DEFAULT_FRONT_DOOR = "Children's Services front door (ask for the CAF co-ordinator)"


def front_door() -> str:
    """Whom to contact when no lead can be named; set TACGRAPH_FRONT_DOOR locally."""
    return os.environ.get("TACGRAPH_FRONT_DOOR") or DEFAULT_FRONT_DOOR


def purpose_required() -> bool:
    """Whether a requester with no involvement must say why they look a child up
    (TACGRAPH_PURPOSE_REQUIRED=0 turns it off; on by default)."""
    return os.environ.get("TACGRAPH_PURPOSE_REQUIRED", "1").strip().lower() not in (
        "0",
        "no",
        "false",
        "off",
    )


@dataclass(frozen=True)
class Reading:
    """An open gate: one read path, one requester, the real date and the date asked."""

    path: str
    requester_id: str
    today: date
    on: date
    channel: str
    purpose: str

    @property
    def past(self) -> bool:
        return self.on < self.today

    @property
    def future(self) -> bool:
        return self.on > self.today


_current: ContextVar[Reading | None] = ContextVar("tacgraph_gate", default=None)


def current() -> Reading | None:
    """The gate open in this context, if any (the path test checks every child-data
    read happens inside one)."""
    return _current.get()


@contextmanager
def opened(
    path: str,
    requester_id: str,
    *,
    on: date | None,
    clock: audit.Clock,
    channel: str = "cli",
    purpose: str = "",
) -> Iterator[Reading]:
    """Open the gate for one read: ``on`` is the date asked about (default the real
    date by ``clock``)."""
    if path not in READ_PATHS:
        raise KeyError(f"{path} is not a registered read path")
    today = clock().date()
    reading = Reading(path, requester_id, today, on or today, channel, purpose)
    token = _current.set(reading)
    try:
        yield reading
    finally:
        _current.reset(token)


def governance_officer(requester: Requester) -> bool:
    return requester.role == Role.INFORMATION_GOVERNANCE_OFFICER.value


def check_requester(rows: RequesterRows, requester_id: str, reading: Reading) -> Requester:
    """The requester, if they may read child data today (and on the date asked about);
    raises AccessDenied otherwise. A past date is answered as it was only to an
    information governance officer who gives a reason."""
    from tacgraph.access import requester_from

    requester = requester_from(rows, requester_id, reading.today)
    if reading.on != reading.today:
        requester_from(rows, requester_id, min(reading.on, reading.today))
    if reading.past and governance_officer(requester) and not reading.purpose.strip():
        raise AccessDenied(
            f"{requester_id} asked about {reading.on.isoformat()} as it was without a reason"
        )
    return requester


def as_it_was(requester: Requester, reading: Reading) -> bool:
    """Whether the past is shown as it was (an information governance function),
    rather than only what both the date asked and today allow."""
    return reading.past and governance_officer(requester)


def left_agency(rows: RequesterRows, reading: Reading) -> bool:
    left = rows[0]["left_agency_on"] if rows else None
    return left is not None and left <= max(reading.today, reading.on)


class Gate:
    """Decisions for one viewer and child, each recorded for the explanation and the
    access log. With ``today`` (and ``today_viewer``) each scope is decided on both
    dates, and is allowed only where both allow it."""

    def __init__(
        self,
        viewer: Viewer,
        consents: list[ConsentFact],
        bases: list[BasisFact],
        on: date,
        *,
        today: date | None = None,
        today_viewer: Viewer | None = None,
    ) -> None:
        self.viewer, self.consents, self.bases, self.on = viewer, consents, bases, on
        self.today = today if today is not None and today != on else None
        self.today_viewer = today_viewer or viewer
        self._explained: list[tuple[str, bool, Decision]] = []
        self.disclosed: list[str] = []
        self.used: list[str] = []
        self.errors: list[str] = []
        self._opaque = 0
        self._decisions: dict[tuple[Scope, tuple[str, ...]], Decision] = {}

    def decide(self, scope: Scope, services: tuple[str, ...] = ()) -> Decision:
        """The decision for ``scope`` (of an item of ``services``: involvement and
        agency ids), made once per lookup."""
        key = (scope, services)
        if key not in self._decisions:
            try:
                made = decide(scope, self.viewer, self.consents, self.bases, self.on, services)
                if made.allowed and self.today is not None:
                    now = decide(
                        scope, self.today_viewer, self.consents, self.bases, self.today, services
                    )
                    if not now.allowed:
                        made = Decision(
                            allowed=False,
                            rule=now.rule,
                            basis_id=now.basis_id,
                            detail=f"not allowed today ({self.today.isoformat()}): {now.detail}",
                        )
                    elif now.basis_id != made.basis_id:
                        made = self._lasting(scope, services, made, now, self.today)
            except Exception as exc:  # fail closed: any error withholds and is audited
                self.errors.append(f"{scope.value}: {type(exc).__name__}")
                made = WITHHELD_ERROR
            self._decisions[key] = made
        return self._decisions[key]

    def _lasting(
        self, scope: Scope, services: tuple[str, ...], made: Decision, now: Decision, today: date
    ) -> Decision:
        """Both dates allow, on different edges: the decision on the date asked about made
        again from the edges still in force today and covering today's viewer (refusals
        all kept), so that the edge cited holds on both dates; where none does, withheld."""
        viewer = self.today_viewer
        consents = [
            c
            for c in self.consents
            if c.decision != ConsentDecision.GIVEN.value
            or (c.time_problem(today) is None and c.covers(viewer))
        ]
        bases = [
            b
            for b in self.bases
            if b.incomplete() is not None or (b.in_force(today) and b.covers(viewer))
        ]
        lasting = decide(scope, self.viewer, consents, bases, self.on, services)
        if lasting.allowed:
            return lasting
        return Decision(
            allowed=False,
            rule="no_lasting_basis",
            basis_id=made.basis_id,
            detail=(
                f"{made.basis_id} allowed it on {self.on.isoformat()} but is not in force"
                f" today ({today.isoformat()}), and {now.basis_id}, in force today, did not"
                f" allow it on {self.on.isoformat()}"
            ),
        )

    def both(self, *scopes: Scope, services: tuple[str, ...] = ()) -> Decision:
        decisions = [self.decide(s, services) for s in scopes]
        refused = [d for d in decisions if not d.allowed]
        # When all allow, the last (narrowest) scope's edge is the one that decided.
        return refused[0] if refused else decisions[-1]

    def involvement(self, row: Mapping[str, Any]) -> Decision:
        """Another practitioner's involvement: the involvement scope, and for a
        sensitive service the sensitive_services scope too, for that service."""
        services = (str(row["involvement_id"]), str(row["agency_id"]))
        if row["sensitive"]:
            return self.both(Scope.INVOLVEMENT, Scope.SENSITIVE_SERVICES, services=services)
        return self.decide(Scope.INVOLVEMENT, services)

    def record(self, item: str, shown: bool, decision: Decision, audit_key: str) -> None:
        label = item if shown else self._withheld_label()
        self._explained.append((label, shown, decision))
        if shown:
            self.disclosed.append(audit_key)
            if decision.basis_id:
                self.used.append(decision.basis_id)

    def explained(self) -> list[tuple[str, bool, Decision]]:
        return list(self._explained)

    def only_enquiry(self) -> None:
        """Keep only what an enquiry may say: withheld items are not even counted. A
        consent or statutory basis addressed to the viewer that could not be used is
        still named (once), so the viewer knows why: it is a record about their own
        access, not about the child's team."""
        shown = [e for e in self._explained if e[1]]
        own: dict[tuple[str, str], Decision] = {}
        for _, allowed, decision in self._explained:
            if not allowed and decision.basis_id is not None:
                own.setdefault((decision.rule, decision.basis_id), decision)
        self._explained = [
            *shown,
            ("the child's team, details and history", False, ENQUIRY_ONLY),
            *((f"what {basis} would cover", False, d) for (_, basis), d in own.items()),
        ]

    def _withheld_label(self) -> str:
        self._opaque += 1
        return f"withheld item {self._opaque}"


ALWAYS = Decision(
    allowed=True,
    rule="enquiry_without_consent",
    detail="whether the child is known and whom to contact is always answerable",
)
OWN = Decision(allowed=True, rule="own_involvement", detail="the viewer's own work")
SHIELD = Decision(
    allowed=False,
    rule="shielded",
    detail="the child is shielded and the viewer is not named in the shield",
)
HOUSEHOLD_SHIELD = Decision(
    allowed=False,
    rule="shielded_household",
    detail="a shielded child lives in this household and the viewer is not named in its shield",
)
ENQUIRY_ONLY = Decision(
    allowed=False,
    rule="enquiry_only",
    detail="no involvement and no consent or statutory basis: only whether the child is "
    "known and whom to contact",
)


def shielded_households_call(child_ids: list[str]) -> Call[GateShieldedHouseholdsRow]:
    """The read :func:`shield_map` decides from, for a caller that reads it in one unit
    with other reads. The lookup reads it with the cases instead
    (:func:`tacgraph.cases.read_with` with ``shields``), which for one child on
    LadybugDB gives the same rows from chains from the child."""
    return GATE_SHIELDED_HOUSEHOLDS.call({"child_ids": child_ids})


def shield_map(rows: list[GateShieldedHouseholdsRow], viewer_id: str) -> ShieldMap:
    """Which of the children (and which of their family members) share a household with
    a shielded child whose shield does not name ``viewer_id``, from the rows of
    :func:`shielded_households_call`."""
    found = ShieldMap()
    # one row per shield practitioner named (none: one row with null): a household is
    # shielded from the viewer where a shielded child there does not name them
    named: dict[tuple[str, str, str], set[str]] = {}
    for row in rows:
        key = (str(row["child_id"]), str(row["family_member_id"] or ""), str(row["other_id"]))
        named.setdefault(key, set()).add(str(row["shield_practitioner_id"]))
    for (child_id, member_id, _), shield in named.items():
        if viewer_id in shield:
            continue
        if member_id:
            found.family_members.add(member_id)
        else:
            found.children.add(child_id)
    return found


@dataclass
class ShieldMap:
    children: set[str] = field(default_factory=set)
    family_members: set[str] = field(default_factory=set)


def flags(
    reading: Reading,
    *,
    requester: Requester | None = None,
    child_family_name: str | None = None,
    involved: bool = True,
    bases_used: bool = False,
    left: bool = False,
    enquiry_only: bool = False,
    bulk: bool = False,
) -> tuple[str, ...]:
    """The governance flags of one read, as they stand at the moment it is made."""
    out: list[str] = []
    if not involved:
        out.append("not_involved")
    if (
        requester is not None
        and child_family_name
        and requester.family_name.strip().lower() == child_family_name.strip().lower()
    ):
        out.append("same_surname")
    if left:
        out.append("left_agency")
    if reading.past:
        out.append("past_date")
    if reading.future:
        out.append("future_date")
    if bases_used:
        out.append("statutory_basis")
    if enquiry_only:
        out.append("enquiry_only")
    if bulk:
        out.append("bulk")
    return tuple(out)


def pending(
    reading: Reading,
    child_id: str,
    outcome: str,
    disclosed: list[str],
    bases: list[str],
    detail: str = "",
    entry_flags: tuple[str, ...] = (),
) -> audit.Pending:
    """The access-log entry of one read through the gate."""
    return audit.Pending(
        reading.requester_id,
        child_id,
        reading.purpose,
        reading.on,
        outcome,
        disclosed,
        bases,
        detail,
        flags=entry_flags,
        path=reading.path,
        channel=reading.channel,
    )


def log(store: Store, entry: audit.Pending, *, clock: audit.Clock) -> None:
    """Write one entry (made by :func:`pending`) now, before answering; raises
    StoreError when it cannot."""
    audit.append_many(store, [entry], clock=clock)


def log_bulk(
    store: Store,
    reading: Reading,
    requester: Requester | None,
    disclosed: list[str],
    detail: str,
    *,
    clock: audit.Clock,
    child_id: str = "*",
    bases: list[str] | None = None,
    extra: tuple[str, ...] = (),
) -> None:
    """Write the one entry of a bulk read (a population audit, an export, the access
    review) now, before its answer: what it disclosed, the statutory bases it used, and
    the flags of a bulk read by ``requester`` (``extra`` added); raises StoreError."""
    used = bases or []
    entry_flags = flags(reading, requester=requester, bases_used=bool(used), bulk=True)
    entry = pending(reading, child_id, "disclosed", disclosed, used, detail, entry_flags + extra)
    log(store, entry, clock=clock)


def bulk_requester(
    store: Store,
    reading: Reading,
    requester_id: str,
    *,
    clock: audit.Clock,
    officer: bool = False,
) -> Requester:
    """The requester of a bulk read (a population audit, the access review): see
    :func:`checked_requester`, the refusal's entry naming every child (``*``)."""
    return checked_requester(store, reading, requester_id, "*", clock=clock, officer=officer)


def checked_requester(
    store: Store,
    reading: Reading,
    requester_id: str,
    child_id: str,
    *,
    clock: audit.Clock,
    officer: bool = False,
) -> Requester:
    """The requester of a read of ``child_id`` (``*``: a bulk read), checked as of the
    real date, and with ``officer`` holding the information governance officer role; a
    refusal is written to the log (an entry naming ``child_id``) and raised as
    AccessDenied."""
    rows: list[LookupRequesterRow] = []
    try:
        rows = store.read(LOOKUP_REQUESTER, {"requester_id": requester_id}, short=True)
        requester = check_requester(rows, requester_id, reading)
        if officer and not governance_officer(requester):
            raise AccessDenied(f"{requester_id} is not an information governance officer")
        return requester
    except AccessDenied as denied:
        refused = flags(reading, left=left_agency(rows, reading), bulk=child_id == "*")
        entry = pending(reading, child_id, "denied", [], [], str(denied), refused)
        log(store, entry, clock=clock)
        raise


def require_purpose(reading: Reading, involved: bool) -> None:
    """Refuse a lookup of a child the requester has no involvement with and gives no
    reason for (configurable: :func:`purpose_required`)."""
    if not involved and purpose_required() and not reading.purpose.strip():
        raise PurposeRequired(
            f"{reading.requester_id} has no involvement with this child and gave no purpose"
        )
