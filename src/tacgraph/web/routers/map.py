"""The Team Around the Child map, drawn from the same lookup as the child's page: the
full map (vis-network, which needs JavaScript) and the meeting view for a screen the
family sees (server-drawn, large type, no sensitive services, no contact details)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Form
from fastapi.responses import HTMLResponse, Response

from tacgraph import casework
from tacgraph.lookup import WhoElse
from tacgraph.render.html import to_html
from tacgraph.render.tacmap import build_map
from tacgraph.web import directory
from tacgraph.web.deps import PageDep, role_router

router = role_router("directory_user")
# The map page is one self-contained file: its scripts and styles are inline, and it
# makes no request at all.
MAP_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


def _looked_up(history: bool) -> Any:
    """The child's lookup for the signed-in practitioner, with the purpose the child's
    page carried: no default stands in for it (directory.who_else)."""

    def lookup(
        page: PageDep, child_id: Annotated[str, Form()], purpose: Annotated[str, Form()] = ""
    ) -> WhoElse:
        return directory.who_else(
            page.store, page.user, child_id, purpose=purpose, clock=page.clock, history=history
        )

    return Depends(lookup)


@router.post("/map")
def full_map(result: Annotated[WhoElse, _looked_up(True)]) -> Response:
    page = to_html(build_map(result, history=True))
    return HTMLResponse(page, headers={"Content-Security-Policy": MAP_CSP})


@router.post("/map/meeting")
def meeting(page: PageDep, result: Annotated[WhoElse, _looked_up(False)]) -> Response:
    sensitive = {str(a["id"]) for a in casework.agencies(page.store) if a["sensitive"]}
    tacmap, shown = directory.meeting_map(result, sensitive)
    xs = [n.x for n in tacmap.nodes] or [0.0]
    ys = [n.y for n in tacmap.nodes] or [0.0]
    width = max(xs) - min(xs) or 400.0
    font = round(width / 34, 1)  # about 30 px of text on a 1280-pixel screen
    pad_x, pad_y = font * 6, font * 1.5
    box = (
        min(xs) - pad_x,
        min(ys) - pad_y,
        width + 2 * pad_x,
        max(ys) - min(ys) + pad_y + font * 4,
    )
    where = {n.id: n for n in tacmap.nodes}
    return page.render(
        "meeting.html",
        tacmap=tacmap,
        box=box,
        where=where,
        people=shown.involved,
        font=font,
        child_name=result.name,
    )
