"""A Team Around the Child map as one self-contained HTML page.

The network is assembled with pyvis and drawn by the vis-network script that pyvis
ships, inlined into the page with the data, the legend and the title. pyvis's own
template is not used: it loads Bootstrap from a CDN even when its resources are inlined.
The page makes no network request at all (its Content-Security-Policy forbids one), so
it opens offline and on locked-down machines.

Once vis-network has drawn, the page records what it drew on the ``#tacmap`` element
(``data-drawn-nodes``, ``data-drawn-edges``, ``data-legend-entries``, ``data-state``),
so a headless browser can check the drawing without a person looking at it.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from tacgraph.files import whole_or_nothing
from tacgraph.render import RenderError
from tacgraph.render.tacmap import LEAD_BORDER, LegendEntry, MapEdge, MapNode, TacMap

_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:"
)

_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 0; color: #111; }
header { padding: 10px 18px 6px; border-bottom: 1px solid #ccc; }
header h1 { font-size: 20px; margin: 0 0 2px; }
header p { margin: 0; font-size: 13px; color: #333; }
#tacmap { display: flex; height: calc(100vh - 64px); min-height: 480px; }
#mynetwork { flex: 1 1 auto; position: relative; }
#legend { flex: 0 0 250px; padding: 10px 14px; border-left: 1px solid #ccc;
  font-size: 12px; overflow-y: auto; background: #fafafa; }
#legend h2 { font-size: 13px; margin: 10px 0 4px; }
#legend ul { list-style: none; margin: 0; padding: 0; }
#legend li { display: flex; align-items: center; margin: 3px 0; }
#legend svg { width: 22px; height: 16px; margin-right: 8px; flex: 0 0 22px; }
#legend p { margin: 8px 0 0; color: #444; }
div.vis-tooltip { position: absolute; visibility: hidden; padding: 6px 8px;
  white-space: nowrap; font-size: 13px; color: #000; background: #fffbe6;
  border: 1px solid #808074; border-radius: 3px; box-shadow: 3px 3px 10px rgba(0,0,0,.2);
  pointer-events: none; z-index: 5; }
@media print { #tacmap { height: 180mm; } }
"""

_SCRIPT = """
(function () {
  var container = document.getElementById("mynetwork");
  var data = {
    nodes: new vis.DataSet(%(nodes)s),
    edges: new vis.DataSet(%(edges)s)
  };
  var network = new vis.Network(container, data, %(options)s);
  network.once("afterDrawing", function () {
    var el = document.getElementById("tacmap");
    var canvas = container.querySelector("canvas");
    el.setAttribute("data-drawn-nodes", String(network.body.nodeIndices.length));
    el.setAttribute("data-drawn-edges", String(network.body.edgeIndices.length));
    el.setAttribute("data-legend-entries",
      String(document.querySelectorAll("#legend li").length));
    el.setAttribute("data-canvas", canvas ? canvas.width + "x" + canvas.height : "none");
    el.setAttribute("data-drawn-ms", String(Math.round(performance.now())));
    el.setAttribute("data-state", "drawn");
  });
  network.fit();
  window.tacmap = network;
})();
"""


@cache
def vis_network_path() -> Path:
    """The minified vis-network that pyvis ships (the newest it bundles), found without
    importing pyvis. Raises RenderError if there is none."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or spec.origin is None:
        raise RenderError("pyvis is not installed", "pip install pyvis")
    lib = Path(spec.origin).parent / "templates" / "lib"
    found = sorted(
        lib.glob("vis-*/vis-network.min.js"),
        key=lambda p: tuple(int(n) for n in re.findall(r"\d+", p.parent.name)),
    )
    if not found:
        raise RenderError(
            f"pyvis bundles no vis-network under {lib}",
            "reinstall tacgraph's dependencies (pip install --force-reinstall pyvis)",
        )
    return found[-1]


@cache
def vis_network_js() -> str:
    """The vis-network script, without its source-map comment (a browser's developer
    tools would try to fetch the map). Raises RenderError if it cannot be read or could
    not be inlined safely."""
    path = vis_network_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RenderError(
            f"cannot read vis-network from {path}: {exc}",
            "reinstall tacgraph's dependencies (pip install --force-reinstall pyvis)",
        ) from exc
    if re.search(r"</script|<!--", text, re.IGNORECASE):
        raise RenderError(f"{path} cannot be inlined: it would end its <script> element")
    return re.sub(r"//# sourceMappingURL=\S*", "", text)


def _node(node: MapNode) -> dict[str, Any]:
    border = LEAD_BORDER if node.lead else "#333333"
    return {
        "label": node.label,
        "title": node.title,
        "shape": node.shape,
        "size": node.size,
        "x": node.x,
        "y": node.y,
        "borderWidth": 4 if node.lead else 1,
        "color": {
            "background": node.colour,
            "border": border,
            "highlight": {"background": node.colour, "border": "#000000"},
            "hover": {"background": node.colour, "border": "#000000"},
        },
        "font": {"size": 16 if node.kind == "child" else 12},
    }


def _edge(edge: MapEdge) -> dict[str, Any]:
    return {
        "id": edge.id,
        "label": edge.label,
        "title": edge.title,
        "color": {"color": edge.colour, "highlight": edge.colour, "hover": edge.colour},
        "dashes": edge.dashed,
        "width": edge.width,
        "arrows": {"to": {"enabled": edge.arrow, "scaleFactor": 0.6}},
        "font": {"size": 10, "align": "middle", "color": "#333333", "strokeWidth": 3},
    }


def network(tacmap: TacMap) -> Any:
    """The pyvis network of a map: nodes at their fixed positions, physics off."""
    # Imported here: pyvis (with IPython and jsonpickle) takes 0.3 s to import, which
    # every other command of the CLI would otherwise pay.
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, heading=tacmap.title)
    for node in tacmap.nodes:
        net.add_node(node.id, **_node(node))
    for edge in tacmap.edges:
        net.add_edge(edge.source, edge.target, **_edge(edge))
    net.options = {
        "physics": {"enabled": False},
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "dragNodes": True,
            "navigationButtons": False,
            "keyboard": False,
        },
        "edges": {"smooth": False},
        "nodes": {"font": {"face": "DejaVu Sans, Arial, sans-serif"}},
        "layout": {"randomSeed": 1, "improvedLayout": False},
    }
    return net


def _script_json(value: Any) -> str:
    """JSON that cannot end the <script> element it is written into."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_SHAPES = {
    "dot": '<circle cx="11" cy="8" r="6.5"/>',
    "ellipse": '<ellipse cx="11" cy="8" rx="10" ry="6.5"/>',
    "diamond": '<polygon points="11,1 18,8 11,15 4,8"/>',
    "box": '<rect x="1.5" y="3" width="19" height="10" rx="2"/>',
    "square": '<rect x="4.5" y="1.5" width="13" height="13"/>',
    "hexagon": '<polygon points="7,1.5 15,1.5 19,8 15,14.5 7,14.5 3,8"/>',
    "triangle": '<polygon points="11,1.5 18.5,14.5 3.5,14.5"/>',
    "star": '<polygon points="11,0.5 13.2,5.8 19,6.2 14.6,9.9 16,15.5 11,12.5 6,15.5 7.4,9.9 '
    '3,6.2 8.8,5.8"/>',
}


def _swatch(entry: LegendEntry) -> str:
    """A small picture of a node shape or a line, in SVG (no image files)."""
    colour = html.escape(entry.colour)
    if entry.shape in ("line", "dashed"):
        dash = ' stroke-dasharray="4 3"' if entry.shape == "dashed" else ""
        body = f'<line x1="1" y1="8" x2="21" y2="8" stroke="{colour}" stroke-width="3"{dash}/>'
    else:
        shape = _SHAPES.get(entry.shape, _SHAPES["dot"])
        body = f'<g fill="{colour}" stroke="#333333" stroke-width="1.2">{shape}</g>'
    return f'<svg viewBox="0 0 22 16" aria-hidden="true">{body}</svg>'


def _legend(entries: list[LegendEntry], tacmap: TacMap) -> str:
    sections = {"level": "Level of service", "node": "Who and what", "edge": "Lines"}
    parts = ['<aside id="legend" aria-label="legend"><h2>Legend</h2>']
    for section, heading in sections.items():
        items = [e for e in entries if e.section == section]
        if not items:
            continue
        parts.append(f"<h2>{html.escape(heading)}</h2><ul>")
        for e in items:
            parts.append(f"<li>{_swatch(e)}{html.escape(e.label)}</li>")
        parts.append("</ul>")
    if tacmap.shielded_from_viewer:
        parts.append("<p>The child is shielded: nothing that could locate them is shown.</p>")
    parts.append(
        "<p>Only what this viewer may see on this date is drawn. Hover over a person "
        "for their role, agency and, where shared, contact details.</p></aside>"
    )
    return "".join(parts)


def to_html(tacmap: TacMap) -> str:
    """The page: title, the drawn network and its legend, with every script and style
    inline and no reference to anything outside the file. Raises RenderError if
    pyvis's vis-network script cannot be read."""
    net = network(tacmap)
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    script = _SCRIPT % {
        "nodes": _script_json(nodes),
        "edges": _script_json(edges),
        "options": _script_json(json.loads(options)),
    }
    title = html.escape(tacmap.title)
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f"<title>{title}, {html.escape(tacmap.subtitle)}</title>\n",
            f"<style>{_STYLE}</style>\n",
            f"<script>{vis_network_js()}</script>\n</head>\n<body>\n",
            f"<header><h1>{title}</h1><p>{html.escape(tacmap.subtitle)}</p></header>\n",
            f'<main id="tacmap" data-child="{html.escape(tacmap.child_id)}" '
            f'data-viewer="{html.escape(tacmap.viewer_id)}" data-as-of="{tacmap.as_of}" '
            f'data-nodes="{len(tacmap.nodes)}" data-edges="{len(tacmap.edges)}" '
            'data-state="loading">',
            '<div id="mynetwork"></div>',
            _legend(tacmap.legend, tacmap),
            "</main>\n",
            f"<script>{script}</script>\n</body>\n</html>\n",
        ]
    )


def write_html(tacmap: TacMap, path: Path) -> int:
    """Write the page to ``path``, whole or not at all; returns its size in bytes.
    Raises InvalidArgument if the file cannot be written."""
    text = to_html(tacmap).encode("utf-8")
    with whole_or_nothing(path) as tmp:
        tmp.write_bytes(text)
    return len(text)
