"""The view model of a page: its nodes, edges, header and step list, and how
it becomes one HTML document (pyvis' node and edge data, vis-network inlined,
the ``templates/page.html.j2`` template).

pyvis builds the node, edge and option data and ships vis-network, but its
page template links Bootstrap from CDNs even with ``cdn_resources="in_line"``,
so the data is rendered into this package's own template, with vis-network's
JavaScript and CSS inlined from the files bundled in the pyvis package.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from api.formatting import price
from api.pages.facts import facts, short
from api.pages.styles import (
    EDGE_STYLES,
    FADED,
    FADED_EDGE,
    FADED_FONT,
    NODE_STYLES,
    edge_label,
    legend_line,
    legend_shape,
    rel_style,
)
from graph.catalog import Catalog

__all__ = ["LABEL_MIN_PX", "LARGE_GRAPH", "StepRow", "View"]

#: Above this many nodes a page uses the large-graph layout (see :mod:`api.pages`).
LARGE_GRAPH = 300


@dataclass
class StepRow:
    """One route step in the page's side list."""

    order: int
    id: str
    title: str
    kind: str
    hours: float
    cost_usd: float | None
    free_audit: bool
    gives: list[str]

    @property
    def cost(self) -> str:
        return price(self.cost_usd, self.free_audit, unknown="price unknown", free="free")


@dataclass
class View:
    """Nodes and edges of one page, before pyvis and the template."""

    catalog: Catalog
    title: str
    subtitle: str = ""
    totals: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    steps: list[StepRow] = field(default_factory=list)
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[dict[str, Any]] = field(default_factory=list)
    freeze_after_layout: bool = True  # physics off once laid out, so nothing drifts under the mouse
    focus: list[str] = field(default_factory=list)  # nodes the first view fits; default all
    #: computed positions (:mod:`api.pages.layout`): drawn there with no physics at all
    positions: dict[str, tuple[float, float]] | None = None
    center: str | None = None  # the first view is centred on this node, everything else in view
    edge_labels: bool = False  # edge labels drawn from the start (a toggle shows them either way)

    def add_node(self, id_: str, *, role: str = "plain", order: int | None = None, x: float | None = None,
                 y: float | None = None, extra: Sequence[str] = ()) -> None:
        if id_ in self.nodes or id_ not in self.catalog:
            return
        kind = self.catalog.kind_of(id_)
        item = self.catalog.get(id_)
        style = NODE_STYLES[kind]
        label = short(item.label, 40)
        node: dict[str, Any] = {
            "label": label,
            "shape": style.shape,
            "size": style.size,
            "color": {"background": style.color, "border": style.border,
                      "highlight": {"background": style.color, "border": "#000000"},
                      "hover": {"background": style.color, "border": "#000000"}},
            "borderWidth": 1,
            "kind": kind,
            "role": role,
            "search": f"{id_} {item.label}".casefold(),
            "title": "\n".join([*facts(self.catalog, kind, item), *extra]),
        }
        if style.shape == "box":
            node["widthConstraint"] = {"maximum": 170}
        if role == "step":
            node["label"] = f"{order}. {short(item.label, 48)}"
            node["borderWidth"] = 3
            node["color"]["border"] = "#111111"
            node["font"] = {"size": 13, "face": "arial", "multi": False}
            node["widthConstraint"] = {"minimum": 100, "maximum": 118}
            node["order"] = order
            if kind == "cert":
                node["size"] = 26
        elif role == "have":
            node["label"] = f"\u2713 {label}"
            node["borderWidth"] = 3
            node["color"]["border"] = "#1b5e20"
        elif role in ("target", "center"):
            node["size"] = style.size + 14
            node["borderWidth"] = 4
            node["color"]["border"] = "#111111"
            node["font"] = {"size": 20, "bold": True, "face": "arial"}
        elif role == "unreachable":
            node["borderWidth"] = 3
            node["color"]["border"] = "#b00020"
            node["shapeProperties"] = {"borderDashes": [4, 3]}
        elif role in ("context", "optional"):
            node["color"] = {**FADED, "highlight": {"background": style.color, "border": style.border},
                             "hover": {"background": style.color, "border": style.border}}
            node["font"] = {"color": FADED_FONT}
            if role == "optional":
                node["title"] += "\noptional for the role, not planned"
        if x is not None and y is not None:
            # Pinned, and heavy so the floating nodes keep clear of it.
            node.update(x=x, y=y, fixed={"x": True, "y": True}, mass=4)
        self.nodes[id_] = node

    def add_edge(self, src: str, dst: str, rel: str, *, label: str = "", color: str = "#999999", width: float = 1.0,
                 dashes: bool | list[int] = False, title: str = "") -> None:
        if src not in self.nodes or dst not in self.nodes:
            return
        self.edges.append({"from": src, "to": dst, "rel": rel, "label": label, "title": title or label,
                           "color": {"color": color, "highlight": "#000000", "hover": "#000000"},
                           "width": width, "dashes": dashes})

    def add_edges_among(self) -> None:
        """Every catalog relationship between two nodes of the view."""
        g = self.catalog.graph
        faded_roles = {"context", "optional"}
        for src, dst, data in g.subgraph([n for n in self.nodes if n in g]).edges(data=True):
            rel = data["type"]
            style = rel_style(rel)
            label, width = edge_label(rel, data)
            faded = self.nodes[src]["role"] in faded_roles or self.nodes[dst]["role"] in faded_roles
            title = f"{src} {label} {dst}"
            if data.get("group"):
                title += " (one of a group of alternatives)"
            # Faded context keeps its relationships on hover but draws no labels over the route.
            self.add_edge(src, dst, rel, label="" if faded else label, color=FADED_EDGE if faded else style.color,
                          width=width, dashes=style.dashes, title=title)

    # -- rendering -----------------------------------------------------------------
    def render(self) -> str:
        Network = _pyvis_network()
        large = len(self.nodes) > LARGE_GRAPH
        net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line", heading=self.title)
        for id_, node in self.nodes.items():
            attrs = dict(node)
            if self.positions and id_ in self.positions:
                attrs["x"], attrs["y"] = self.positions[id_]
            net.add_node(id_, label=attrs.pop("label"), shape=attrs.pop("shape"), color=attrs.pop("color"), **attrs)
        _spread_parallel(self.edges)
        known = set(self.nodes)
        for i, edge in enumerate(self.edges):
            if edge["from"] not in known or edge["to"] not in known:  # pragma: no cover - add_edge checks
                continue
            attrs = {k: v for k, v in edge.items() if k not in ("from", "to")}
            attrs["text"] = attrs["label"]  # the edge-label toggle puts it back
            if not self.edge_labels:
                attrs["label"] = ""
            # pyvis' add_edge scans its node list per call (quadratic); the ids were checked above.
            net.edges.append(_pyvis_edge()(edge["from"], edge["to"], True, id=f"e{i}", **attrs).options)
        net.options = _options(len(self.nodes), large=large, placed=bool(self.positions))
        nodes, edges, _heading, _height, _width, options = net.get_network_data()
        kinds = [(k, NODE_STYLES[k], sum(1 for n in self.nodes.values() if n["kind"] == k)) for k in NODE_STYLES]
        rels = sorted({e["rel"] for e in self.edges}, key=lambda r: (r not in EDGE_STYLES, list(EDGE_STYLES).index(r)
                                                                      if r in EDGE_STYLES else 0, r))
        data = {
            "nodes": nodes,
            "edges": edges,
            "options": json.loads(options),
            "freeze": large or self.freeze_after_layout,
            "large": large,
            "focus": self.focus,
            "center": self.center,
            "edgeLabels": self.edge_labels,
        }
        return _template().render(
            title=self.title,
            subtitle=self.subtitle,
            totals=self.totals,
            notes=self.notes,
            steps=self.steps,
            node_count=len(nodes),
            kinds=[(k, s, n, legend_shape(s)) for k, s, n in kinds if n],
            rels=[(r, rel_style(r), legend_line(rel_style(r))) for r in rels],
            route_legend=bool(self.steps) or any(n["role"] == "you" for n in self.nodes.values()),
            options_search=sorted((n["label"], i) for i, n in self.nodes.items()),
            data=_script_json(data),
            vis_js=_asset("vis-network.min.js"),
            vis_css=_asset("vis-network.css"),
            large=large,
            edge_labels=self.edge_labels,
            has_labels=any(e["label"] for e in self.edges),
        )


def _spread_parallel(edges: list[dict[str, Any]]) -> None:
    """Curve edges that share their two end nodes, so they do not draw on top of each other."""
    seen: dict[frozenset[str], int] = {}
    for e in edges:
        key = frozenset((e["from"], e["to"]))
        k = seen.get(key, 0)
        seen[key] = k + 1
        if k:
            e["smooth"] = {"enabled": True, "type": "curvedCW" if k % 2 else "curvedCCW",
                           "roundness": 0.2 * math.ceil(k / 2)}


#: a node label is drawn only when its text is at least this many pixels high on screen
#: (font 14: from zoom 0.79 up; the centre's font 20: from 0.55); hovering draws it anyway
LABEL_MIN_PX = 12


def _options(n: int, *, large: bool, placed: bool = False) -> dict[str, Any]:
    options: dict[str, Any] = {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": n <= 100},
        "nodes": {"font": {"size": 14, "face": "arial", "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"drawThreshold": 5}}},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "font": {"size": 10, "align": "middle", "strokeWidth": 3, "strokeColor": "#ffffff", "color": "#444444"},
            "smooth": False if large else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "selectionWidth": 2,
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": large, "hideEdgesOnZoom": large,
                        "navigationButtons": False, "keyboard": False},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "centralGravity": 0.008, "springLength": 110,
                                 "springConstant": 0.06, "avoidOverlap": 0.4, "damping": 0.5},
            "minVelocity": 1.0,
            # An iteration costs about n log n: bound the whole layout, not each step.
            "stabilization": {"enabled": True, "iterations": max(50, min(250, 120_000 // n)) if large else 600,
                              "updateInterval": 10, "fit": True},
        },
    }
    if placed:  # positions computed in Python: no physics, no layout pass
        options["physics"] = {"enabled": False}
        options["layout"] = {"improvedLayout": False}
        options["nodes"]["scaling"]["label"]["drawThreshold"] = LABEL_MIN_PX + 1  # vis hides below threshold - 1
        options["edges"]["color"] = {"opacity": 0.45}  # the nodes stand out; a selected node's edges are drawn dark
        if not large:
            options["edges"]["smooth"] = {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal",
                                          "roundness": 0.45}
    return options




# -- assets and template -------------------------------------------------------------
def _pyvis_network() -> Any:
    try:
        from pyvis.network import Network
    except ImportError as err:  # pragma: no cover - exercised by the CLI test with pyvis hidden
        raise ImportError("pyvis is not installed; install skillgraph[server] (pip install 'skillgraph[server]')"
                          ) from err
    return Network


def _pyvis_edge() -> Any:
    from pyvis.edge import Edge

    return Edge


@cache
def _asset(name: str) -> Markup:
    _pyvis_network()
    text = resources.files("pyvis").joinpath("templates", "lib", "vis-9.1.2", name).read_text(encoding="utf-8")
    closing = "</script" if name.endswith(".js") else "</style"
    if closing in text.lower():  # pragma: no cover - a bundled file we cannot inline safely
        raise RuntimeError(f"pyvis' bundled {name} contains {closing!r}; cannot inline it")
    return Markup(text)


def _script_json(value: Any) -> Markup:
    """JSON that is safe inside ``<script>``: no string can end the element or open a comment."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                     ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return Markup(text)


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.PackageLoader("api.pages", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("page.html.j2")
