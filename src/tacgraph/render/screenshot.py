"""Headless Chromium: a PNG of a rendered map, and what the page says it drew.

Chromium runs with a throw-away profile and with every network route closed (all
traffic through a proxy on a closed port, loopback included, and every host name
unresolvable), so a map that tried to load anything from outside would show it by
failing here. Debian's ``chromium`` package is what CI installs (``scripts/chromium``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from pydantic import BaseModel

from tacgraph.render import ChromiumMissing, RenderError

BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
NO_NETWORK = (
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
# Time the page's scripts get to run (virtual time: it passes as fast as the page idles).
BUDGET_MS = 10_000


class Drawing(BaseModel):
    """What vis-network reported once it had drawn (``data-*`` of ``#tacmap``)."""

    state: str
    nodes: int | None = None
    edges: int | None = None
    legend_entries: int | None = None
    canvas: str | None = None
    drawn_ms: int | None = None  # from navigation start to the first drawing, in the page
    expected_nodes: int | None = None
    expected_edges: int | None = None


def find_chromium() -> str:
    """The browser binary: ``TACGRAPH_CHROMIUM`` if set, else the first of chromium,
    chromium-browser, google-chrome on the PATH. Raises ChromiumMissing."""
    configured = os.environ.get("TACGRAPH_CHROMIUM")
    if configured:
        found = shutil.which(configured)
        if found is None:
            raise ChromiumMissing(f"TACGRAPH_CHROMIUM={configured} is not an executable")
        return found
    for name in BINARIES:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumMissing("no Chromium found (looked for " + ", ".join(BINARIES) + ")")


def _run(args: list[str], timeout: float) -> str:
    binary = find_chromium()
    with tempfile.TemporaryDirectory(prefix="tacgraph-chromium-") as profile:
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-breakpad",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={BUDGET_MS}",
            *NO_NETWORK,
            *args,
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                env={**os.environ, "HOME": profile},
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderError(f"Chromium did not finish within {timeout:.0f} s") from exc
        except OSError as exc:
            raise ChromiumMissing(f"cannot run {binary}: {exc}") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise RenderError(f"Chromium failed (exit {done.returncode}): {last}")
    return done.stdout


def screenshot(
    html_path: Path,
    png_path: Path,
    *,
    width: int = 1600,
    height: int = 1100,
    timeout: float = 120.0,
) -> Path:
    """Photograph the page at ``html_path`` into ``png_path`` (``width`` x ``height``
    pixels) once its scripts have run. Returns ``png_path``. Raises ChromiumMissing
    when no browser is installed, RenderError when it fails or writes nothing."""
    png_path = png_path.resolve()
    if png_path.exists():
        png_path.unlink()
    _run(
        [
            f"--screenshot={png_path}",
            f"--window-size={width},{height}",
            html_path.resolve().as_uri(),
        ],
        timeout,
    )
    if not png_path.is_file() or png_path.stat().st_size == 0:
        raise RenderError(f"Chromium wrote no screenshot to {png_path}")
    return png_path


def pdf(html_path: Path, pdf_path: Path, *, timeout: float = 120.0) -> Path:
    """Print the page at ``html_path`` to ``pdf_path`` (A4, no header or footer).
    Returns ``pdf_path``. Raises ChromiumMissing when no browser is installed,
    RenderError when it fails or writes nothing."""
    pdf_path = pdf_path.resolve()
    if pdf_path.exists():
        pdf_path.unlink()
    _run(
        [f"--print-to-pdf={pdf_path}", "--no-pdf-header-footer", html_path.resolve().as_uri()],
        timeout,
    )
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        raise RenderError(f"Chromium wrote no PDF to {pdf_path}")
    return pdf_path


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id") == "tacmap":
            self.found = values


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and re.fullmatch(r"\d+", value) else None


def read_drawing(html_path: Path, *, timeout: float = 120.0) -> Drawing:
    """Open the page in headless Chromium and read back what vis-network drew (the
    state stays "loading" if the script never ran). Raises ChromiumMissing or
    RenderError as :func:`screenshot` does."""
    dom = _run(["--dump-dom", "--window-size=1600,1100", html_path.resolve().as_uri()], timeout)
    parser = _Attributes()
    parser.feed(dom)
    if parser.found is None:
        raise RenderError(f"{html_path} has no #tacmap element once loaded")
    a = parser.found
    return Drawing(
        state=a.get("data-state") or "",
        nodes=_int(a.get("data-drawn-nodes")),
        edges=_int(a.get("data-drawn-edges")),
        legend_entries=_int(a.get("data-legend-entries")),
        canvas=a.get("data-canvas"),
        drawn_ms=_int(a.get("data-drawn-ms")),
        expected_nodes=_int(a.get("data-nodes")),
        expected_edges=_int(a.get("data-edges")),
    )
