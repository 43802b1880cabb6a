"""Drawing: Team Around the Child maps as self-contained HTML (pyvis and vis-network)
and PNG screenshots by headless Chromium. The only package that imports pyvis."""

from __future__ import annotations

from tacgraph.errors import TacgraphError


class RenderError(TacgraphError):
    """A map could not be drawn, written or photographed."""

    hint = "check the output path and try again"


class ChromiumMissing(RenderError):
    """No Chromium (or Chrome) binary was found for a screenshot."""

    hint = (
        "install Debian's chromium (apt-get install chromium), or set TACGRAPH_CHROMIUM "
        "to a Chromium or Chrome binary"
    )
