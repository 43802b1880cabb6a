"""Drawing: Team Around the Child maps as self-contained HTML (pyvis and vis-network)
and PNG screenshots by headless Chromium. The only package that imports pyvis."""

from __future__ import annotations

from tacgraph.errors import ChromiumMissing as ChromiumMissing
from tacgraph.errors import RenderError as RenderError
