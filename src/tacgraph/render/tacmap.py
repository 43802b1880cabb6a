"""The Team Around the Child map as plain data: nodes, edges, legend and a fixed layout.

A map is drawn only from a :class:`~tacgraph.lookup.WhoElse` result, never from the
store, so it shows exactly what the lookup shows that viewer: a withheld involvement is
absent, a hidden sensitive service is one "contact via broker" node, and a shielded
child's map has nothing that could locate them. Hover text holds only the fields the
result holds.

The layout is computed here (child at the centre, family and the CAF on an inner ring,
practitioners on an outer ring grouped by agency, each agency just outside its
practitioners), so a map is the same every time it is drawn and needs no physics.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Literal

from pydantic import BaseModel

from tacgraph import audit
from tacgraph.errors import NotFound
from tacgraph.lookup import InvolvementView, WhoElse, front_door, who_else_many
from tacgraph.model import LEVEL_RANK, ServiceLevel
from tacgraph.store.base import Store
from tacgraph.wording import words

NodeKind = Literal[
    "child", "family", "practitioner", "agency", "caf", "broker", "contact", "consent_party"
]
EdgeKind = Literal[
    "involved", "ended", "team", "consent", "family", "works_for", "caf", "broker", "contact"
]

# Okabe-Ito colours: told apart with every common colour-vision deficiency.
LEVEL_COLOURS: dict[str, str] = {
    ServiceLevel.UNIVERSAL.value: "#56B4E9",  # sky blue
    ServiceLevel.TARGETED.value: "#009E73",  # bluish green
    ServiceLevel.CHILD_IN_NEED.value: "#E69F00",  # orange
    ServiceLevel.STATUTORY.value: "#D55E00",  # vermilion
}
LEVEL_NAMES: dict[str, str] = {
    ServiceLevel.UNIVERSAL.value: "universal",
    ServiceLevel.TARGETED.value: "targeted",
    ServiceLevel.CHILD_IN_NEED.value: "child in need",
    ServiceLevel.STATUTORY.value: "statutory",
}
UNKNOWN_LEVEL_COLOUR = "#BBBBBB"
CHILD_COLOUR = "#F0E442"  # yellow
FAMILY_COLOUR = "#FFFFFF"
NEUTRAL_COLOUR = "#DDDDDD"
LEAD_BORDER = "#000000"
TEAM_COLOUR = "#0072B2"  # blue
CONSENT_COLOUR = "#CC79A7"  # reddish purple
ENDED_COLOUR = "#777777"
NO_HANDOVER_COLOUR = "#D55E00"
LINE_COLOUR = "#555555"
FAINT_COLOUR = "#AAAAAA"
BROKER_LABEL = "sensitive service: contact via broker"

NODE_SHAPES: dict[NodeKind, str] = {
    "child": "ellipse",
    "family": "diamond",
    "practitioner": "dot",
    "agency": "box",
    "caf": "hexagon",
    "broker": "square",
    "contact": "triangle",
    "consent_party": "dot",
}
LEAD_SHAPE = "star"
_PARTY_SHAPES = {"family": "diamond", "practitioner": "dot", "agency": "box", "caf": "hexagon"}


class MapNode(BaseModel):
    """One node. ``title`` is the hover text: only what the lookup gave this viewer."""

    id: str
    kind: NodeKind
    label: str
    title: str
    colour: str
    shape: str
    size: int = 18
    lead: bool = False
    level: str | None = None
    x: float = 0.0
    y: float = 0.0


class MapEdge(BaseModel):
    id: str
    kind: EdgeKind
    source: str
    target: str
    label: str
    title: str
    colour: str = LINE_COLOUR
    dashed: bool = False
    width: float = 1.5
    arrow: bool = False


class LegendEntry(BaseModel):
    section: Literal["level", "node", "edge"]
    label: str
    colour: str
    shape: str = "dot"  # a node shape, or "line" / "dashed" for edges


class TacMap(BaseModel):
    """Everything a renderer needs: the page title, the graph and its legend."""

    child_id: str
    viewer_id: str
    as_of: date
    history: bool
    title: str
    subtitle: str
    shielded_from_viewer: bool
    nodes: list[MapNode]
    edges: list[MapEdge]
    legend: list[LegendEntry]


def legend(history: bool) -> list[LegendEntry]:
    """The key shown on every map (the dashed line only when history is drawn)."""
    entries = [
        LegendEntry(section="level", label=LEVEL_NAMES[level], colour=colour)
        for level, colour in LEVEL_COLOURS.items()
    ]
    entries += [
        LegendEntry(section="node", label="child", colour=CHILD_COLOUR, shape="ellipse"),
        LegendEntry(section="node", label="family member", colour=FAMILY_COLOUR, shape="diamond"),
        LegendEntry(section="node", label="practitioner", colour=NEUTRAL_COLOUR, shape="dot"),
        LegendEntry(section="node", label="Lead Professional", colour=NEUTRAL_COLOUR, shape="star"),
        LegendEntry(section="node", label="agency", colour=NEUTRAL_COLOUR, shape="box"),
        LegendEntry(section="node", label="CAF (its TAC)", colour=NEUTRAL_COLOUR, shape="hexagon"),
        LegendEntry(section="node", label=BROKER_LABEL, colour=NEUTRAL_COLOUR, shape="square"),
        LegendEntry(
            section="node", label="whom to contact", colour=NEUTRAL_COLOUR, shape="triangle"
        ),
        LegendEntry(section="edge", label="involved since", colour=LINE_COLOUR, shape="line"),
        LegendEntry(section="edge", label="member of TAC", colour=TEAM_COLOUR, shape="line"),
        LegendEntry(section="edge", label="consent given to", colour=CONSENT_COLOUR, shape="line"),
        LegendEntry(section="edge", label="family", colour=LINE_COLOUR, shape="line"),
        LegendEntry(section="edge", label="works for", colour=FAINT_COLOUR, shape="line"),
    ]
    if history:
        entries += [
            LegendEntry(
                section="edge", label="ended, handover made", colour=ENDED_COLOUR, shape="dashed"
            ),
            LegendEntry(
                section="edge",
                label="ended, no handover",
                colour=NO_HANDOVER_COLOUR,
                shape="dashed",
            ),
        ]
    return entries


def _lines(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


def _level_colour(level: str | None) -> str:
    return LEVEL_COLOURS.get(level or "", UNKNOWN_LEVEL_COLOUR)


def _ring(count: int, radius: float, start: float = -math.pi / 2) -> list[tuple[float, float]]:
    if count == 0:
        return []
    step = 2 * math.pi / count
    return [
        (
            round(radius * math.cos(start + i * step), 1),
            round(radius * math.sin(start + i * step), 1),
        )
        for i in range(count)
    ]


class _Builder:
    def __init__(self) -> None:
        self.nodes: dict[str, MapNode] = {}
        self.edges: list[MapEdge] = []

    def node(self, node: MapNode) -> MapNode:
        return self.nodes.setdefault(node.id, node)

    def edge(
        self, kind: EdgeKind, source: str, target: str, label: str, title: str, **style: object
    ) -> None:
        self.edges.append(
            MapEdge.model_validate(
                {
                    "id": f"e{len(self.edges) + 1}",
                    "kind": kind,
                    "source": source,
                    "target": target,
                    "label": label,
                    "title": title,
                    **style,
                }
            )
        )


def _child_node(result: WhoElse) -> MapNode:
    age = "unborn" if result.unborn else (f"{result.age}" if result.age is not None else None)
    title = _lines(
        result.name,
        ", ".join(p for p in (age and f"age {age}", result.gender) if p),
        f"date of birth {result.date_of_birth}" if result.date_of_birth else None,
        ", ".join(p for p in (result.address_line, result.postcode) if p) or None,
        "shielded: whereabouts are not shown to you" if result.shielded_from_viewer else None,
        f"CAF open: {'yes' if result.caf_open else 'no'}",
    )
    label = _lines(result.name or result.child_id, f"({age})" if age else None)
    return MapNode(
        id=f"child:{result.child_id}",
        kind="child",
        label=label,
        title=title,
        colour=CHILD_COLOUR,
        shape=NODE_SHAPES["child"],
        size=40,
    )


def _practitioner_title(view: InvolvementView, *, ended: bool = False) -> str:
    return _lines(
        view.practitioner,
        words(view.role),
        view.agency,
        "Lead Professional" if view.lead and not ended else None,
        f"level of service: {LEVEL_NAMES.get(view.level, words(view.level))}",
        f"email {view.email}" if view.email else None,
        f"phone {view.phone}" if view.phone else None,
        "no longer involved" if ended else None,
    )


def _practitioner_node(view: InvolvementView, *, current: bool) -> MapNode:
    lead = view.lead and current
    return MapNode(
        id=f"practitioner:{view.practitioner_id}",
        kind="practitioner",
        label=_lines(view.practitioner, "Lead Professional" if lead else words(view.role)),
        title=_practitioner_title(view, ended=not current),
        colour=_level_colour(view.level),
        shape=LEAD_SHAPE if lead else NODE_SHAPES["practitioner"],
        size=32 if lead else 18,
        lead=lead,
        level=view.level,
    )


def _agency_node(agency_id: str, name: str) -> MapNode:
    return MapNode(
        id=f"agency:{agency_id}",
        kind="agency",
        label=name,
        title=name,
        colour=NEUTRAL_COLOUR,
        shape=NODE_SHAPES["agency"],
    )


def build_map(result: WhoElse, *, history: bool = False) -> TacMap:
    """The map of one lookup result. Draws ended involvements only when ``history`` is
    true (and the lookup was asked for them). Raises NotFound for an unknown child."""
    if not result.known:
        raise NotFound(
            f"{result.child_id} is not known",
            hint=f"there is no map to draw; contact {result.contact.name or front_door()}",
        )
    b = _Builder()
    child = b.node(_child_node(result))

    # Inner ring: family, the CAFs, the brokers of hidden sensitive services, and whom to
    # contact when that is not a practitioner already on the map.
    inner: list[MapNode] = []
    for relative in result.family:
        flags = [words(relative.relationship)]
        if relative.parental_responsibility:
            flags.append("parental responsibility")
        if relative.carer:
            flags.append("carer")
        node = b.node(
            MapNode(
                id=f"family:{relative.family_member_id}",
                kind="family",
                label=_lines(relative.name, words(relative.relationship)),
                title=_lines(
                    relative.name,
                    ", ".join(flags),
                    f"phone {relative.phone}" if relative.phone else None,
                    ", ".join(p for p in (relative.address_line, relative.postcode) if p) or None,
                ),
                colour=FAMILY_COLOUR,
                shape=NODE_SHAPES["family"],
            )
        )
        inner.append(node)
        b.edge("family", node.id, child.id, words(relative.relationship), ", ".join(flags))
    for caf in result.cafs:
        details = ", ".join(
            p
            for p in (
                caf.state and words(caf.state),
                caf.level and LEVEL_NAMES.get(caf.level, words(caf.level)),
                caf.started_on and f"started {caf.started_on}",
            )
            if p
        )
        node = b.node(
            MapNode(
                id=f"caf:{caf.caf_id}",
                kind="caf",
                label=_lines(caf.caf_id, "Team Around the Child"),
                title=_lines(f"CAF {caf.caf_id}", details or "details withheld"),
                colour=NEUTRAL_COLOUR,
                shape=NODE_SHAPES["caf"],
                size=24,
            )
        )
        inner.append(node)
        b.edge("caf", node.id, child.id, "CAF", _lines(f"CAF {caf.caf_id}", details))
    for i, broker in enumerate(result.sensitive_services, start=1):
        node = b.node(
            MapNode(
                id=f"broker:{i}",
                kind="broker",
                label=BROKER_LABEL,
                title=_lines(BROKER_LABEL, broker),
                colour=NEUTRAL_COLOUR,
                shape=NODE_SHAPES["broker"],
            )
        )
        inner.append(node)
        b.edge("broker", node.id, child.id, "sensitive service", "details withheld without consent")

    # Practitioners: current involvements, then (with history) ended ones.
    current = {v.practitioner_id for v in result.involved}
    views: list[tuple[InvolvementView, bool]] = [(v, True) for v in result.involved]
    if history:
        views += [(v, False) for v in result.ended]
    agencies: dict[str, list[str]] = {}
    agency_level: dict[str, int] = {}
    for view, is_current in views:
        node = b.node(_practitioner_node(view, current=view.practitioner_id in current))
        if is_current and view.lead and not node.lead:  # a second, lead, involvement
            node = b.nodes[node.id] = _practitioner_node(view, current=True)
        members = agencies.setdefault(view.agency_id, [])
        if node.id not in members:
            members.append(node.id)
        rank = LEVEL_RANK.get(ServiceLevel(view.level), 0) if view.level in LEVEL_COLOURS else 0
        agency_level[view.agency_id] = max(agency_level.get(view.agency_id, 0), rank)
        b.node(_agency_node(view.agency_id, view.agency))
    for view in result.involved:
        b.edge(
            "involved",
            f"practitioner:{view.practitioner_id}",
            child.id,
            f"involved since {view.since}",
            _lines(
                f"{view.practitioner} ({view.agency})",
                f"involved since {view.since}",
                f"level of service: {LEVEL_NAMES.get(view.level, words(view.level))}",
            ),
            colour=_level_colour(view.level),
            width=3.0 if view.lead else 2.0,
        )
    if history:
        for ended in result.ended:
            handover = (
                f"handover: {words(ended.handover_kind or 'shared')}"
                if ended.handover
                else "no handover"
            )
            b.edge(
                "ended",
                f"practitioner:{ended.practitioner_id}",
                child.id,
                f"ended {ended.ended_on}; {handover}",
                _lines(
                    f"{ended.practitioner} ({ended.agency})",
                    f"involved {ended.since} to {ended.ended_on}",
                    handover,
                ),
                colour=ENDED_COLOUR if ended.handover else NO_HANDOVER_COLOUR,
                dashed=True,
            )

    contact = result.contact
    on_map = {v.practitioner for v in result.involved} | set(result.sensitive_services)
    if contact.name not in on_map:
        lead = contact.note == "Lead Professional"
        node = b.node(
            MapNode(
                id="contact",
                kind="contact",
                label=_lines(contact.name or front_door(), "whom to contact"),
                title=_lines(
                    "whom to contact",
                    contact.name,
                    contact.role and words(contact.role),
                    contact.agency,
                    f"email {contact.email}" if contact.email else None,
                    f"phone {contact.phone}" if contact.phone else None,
                    contact.note,
                ),
                colour=NEUTRAL_COLOUR,
                shape=LEAD_SHAPE if lead else NODE_SHAPES["contact"],
                size=28 if lead else 18,
                lead=lead,
            )
        )
        inner.append(node)
        b.edge("contact", node.id, child.id, "whom to contact", contact.note, colour=FAINT_COLOUR)

    # TAC membership of each open CAF.
    for member in result.team:
        source = f"practitioner:{member.practitioner_id}"
        target = f"caf:{member.caf_id}"
        if source not in b.nodes or target not in b.nodes:
            continue  # the lookup withheld the practitioner's involvement
        lead_member = member.team_role == "lead"
        b.edge(
            "team",
            source,
            target,
            "Lead Professional of TAC" if lead_member else "member of TAC",
            f"{'Lead Professional' if lead_member else 'member'} of the TAC of {member.caf_id} "
            f"since {member.since}",
            colour=TEAM_COLOUR,
            width=3.0 if lead_member else 1.5,
            arrow=True,
        )

    # Consents in force that this viewer may see. The lookup shows a consent only when
    # its giver and recipient may be seen; one that is not drawn yet gets a plain node
    # (never drawn as the child's, which would misstate who consented).
    outer_extra: list[MapNode] = []
    for consent in result.consents:
        giver = child.id if consent.given_by == "child" else f"family:{consent.given_by}"
        target = f"{consent.to_kind}:{consent.to_id}"
        for party, kind, party_id in (
            (giver, "family member", consent.given_by),
            (target, words(consent.to_kind), consent.to_id),
        ):
            if party not in b.nodes:
                outer_extra.append(
                    b.node(
                        MapNode(
                            id=party,
                            kind="consent_party",
                            label=party_id,
                            title=f"{kind} {party_id}",
                            colour=NEUTRAL_COLOUR,
                            shape=_PARTY_SHAPES.get(party.split(":", 1)[0], "dot"),
                        )
                    )
                )
        b.edge(
            "consent",
            giver,
            target,
            "consent given to",
            _lines(
                f"consent {consent.consent_id} ({consent.kind})",
                f"given {consent.given_on}"
                + (f", expires {consent.expires_on}" if consent.expires_on else ""),
                "to share: " + ", ".join(words(s) for s in consent.scopes),
            ),
            colour=CONSENT_COLOUR,
            arrow=True,
        )

    for agency_id, members in agencies.items():
        for practitioner in members:
            b.edge(
                "works_for",
                practitioner,
                f"agency:{agency_id}",
                "works for",
                b.nodes[f"agency:{agency_id}"].title,
                colour=FAINT_COLOUR,
                width=1.0,
            )

    _lay_out(b, inner, agencies, agency_level, outer_extra)
    viewer = next(
        (v.practitioner for v in result.involved if v.practitioner_id == result.requester_id),
        None,
    )
    seen_by = f"{viewer} ({result.requester_id})" if viewer else result.requester_id
    return TacMap(
        child_id=result.child_id,
        viewer_id=result.requester_id,
        as_of=result.as_of,
        history=history,
        title=f"Team Around the Child: {result.name or result.child_id}",
        subtitle=f"as seen by {seen_by} on {result.as_of}"
        + ("; with ended involvements" if history else ""),
        shielded_from_viewer=result.shielded_from_viewer,
        nodes=list(b.nodes.values()),
        edges=b.edges,
        legend=legend(history),
    )


def _lay_out(
    b: _Builder,
    inner: list[MapNode],
    agencies: dict[str, list[str]],
    agency_level: dict[str, int],
    extra: Iterable[MapNode],
) -> None:
    """Fixed positions: a map reads the same at every meeting."""
    inner_radius = max(190.0, len(inner) * 110 / (2 * math.pi))
    for node, (x, y) in zip(inner, _ring(len(inner), inner_radius), strict=True):
        node.x, node.y = x, y
    # Agencies in order of level (universal first), each followed by a gap slot.
    order = sorted(agencies, key=lambda a: (agency_level[a], b.nodes[f"agency:{a}"].label, a))
    slots: list[str | None] = []
    for agency_id in order:
        slots += agencies[agency_id]
        slots.append(None)
    extras = list(extra)
    slots += [n.id for n in extras]
    outer_radius = max(inner_radius + 260, len(slots) * 95 / (2 * math.pi))
    positions = _ring(len(slots), outer_radius, start=-math.pi / 2 + math.pi / max(len(slots), 1))
    angle_of: dict[str, float] = {}
    for slot, (x, y) in zip(slots, positions, strict=True):
        if slot is None:
            continue
        node = b.nodes[slot]
        node.x, node.y = x, y
        angle_of[slot] = math.atan2(y, x)
    for agency_id in order:
        members = agencies[agency_id]
        # The mean direction of its practitioners, pushed outwards.
        sx = sum(math.cos(angle_of[m]) for m in members)
        sy = sum(math.sin(angle_of[m]) for m in members)
        angle = math.atan2(sy, sx)
        node = b.nodes[f"agency:{agency_id}"]
        node.x = round((outer_radius + 170) * math.cos(angle), 1)
        node.y = round((outer_radius + 170) * math.sin(angle), 1)


def map_for(
    store: Store,
    child_id: str,
    viewer_id: str,
    *,
    as_of: date | None = None,
    history: bool = False,
    purpose: str = "",
    clock: audit.Clock = audit.utc_now,
    channel: str = "library",
) -> TacMap:
    """Look the child up for the viewer through the gate (read path ``map``, audited as
    every lookup) and draw the result. Raises AccessDenied for a viewer who may not look
    up children, NotFound for an unknown child, StoreError if the engine or the access
    log fails."""
    (result,) = who_else_many(
        store,
        [child_id],
        viewer_id,
        purpose=purpose,
        as_of=as_of,
        history=history,
        clock=clock,
        channel=channel,
        path="map",
    )
    return build_map(result, history=history)
