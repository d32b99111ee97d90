"""Interactive HTML pages of the catalog, drawn with pyvis (vis-network).

Three views, each a complete HTML document returned as a string:

- :func:`catalog_page`: the whole catalog, or only some node kinds;
- :func:`route_page`: a planner :class:`~queries.planner.Plan` drawn over its
  part of the graph: the learner's skills, the numbered steps, the target,
  and a faded context (the alternatives the planner did not pick);
- :func:`neighbourhood_page`: one node and everything within ``depth`` hops,
  edges taken in either direction.

Every node kind has its own shape and colour, every relationship type its own
colour and dash pattern (levels in the edge labels and widths), and the page
carries a legend, a search box and filters by node kind and relationship.
Hovering shows a record's facts (hours, cost, rating, provider, source).

Caveats
-------
- Pages are fully offline. pyvis builds the node, edge and option data and
  ships vis-network, but its page template links Bootstrap (and tom-select in
  "remote" mode) from CDNs even with ``cdn_resources="in_line"``, so the data
  is rendered into this module's own template, with vis-network's JavaScript
  and CSS inlined from the files bundled in the pyvis package. A
  Content-Security-Policy forbids every network load.
- Catalog text is escaped everywhere: HTML-escaped in markup, and in the
  embedded JSON ``<``, ``>`` and ``&`` are written as ``\\u003c``... so no
  string can close the script. Tooltips are plain text (vis-network 9 sets
  string titles with ``innerText``), so course URLs are shown, not linked.
- Above :data:`LARGE_GRAPH` nodes the layout runs a number of physics
  iterations inversely proportional to the node count (an iteration costs
  about n log n), then physics is switched off; edges are straight and hidden
  while dragging or zooming. A 2,000-node page does not hang the browser
  (``benchmarks/bench_pages.py`` measures it). Route pages pin the learner,
  the steps and the target, and switch physics off once laid out too.
- When the layout has settled and the first frame is drawn, the page sets
  ``window.skillgraph.ready`` (and ``<body data-ready="true">``),
  ``readyMs`` (since its script started) and ``readyAt`` (since navigation
  started), which the browser tests and the benchmark read.

Examples
--------
>>> from loaders import load_catalog
>>> page = catalog_page(load_catalog(), kinds=["role"])
>>> page.startswith("<!DOCTYPE html>") and "vis.Network" in page
True
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import jinja2
import networkx as nx
from markupsafe import Markup

from graph.catalog import KINDS, Catalog, Kind
from graph.errors import UnknownId, suggest
from queries.planner import Plan

__all__ = [
    "EDGE_STYLES",
    "LARGE_GRAPH",
    "NODE_STYLES",
    "EdgeStyle",
    "NodeStyle",
    "catalog_page",
    "iframe",
    "neighbourhood_page",
    "route_page",
]

#: Above this many nodes a page uses the large-graph layout (see the module docstring).
LARGE_GRAPH = 300
_MAX_CONTEXT = 80  # faded context nodes around a route
_YOU = "@you"  # the learner's node on a route page; "@" cannot start a catalog id


@dataclass(frozen=True)
class NodeStyle:
    """How a node kind is drawn: a vis-network shape, a fill and a border colour."""

    label: str
    shape: str
    color: str
    border: str
    size: int = 16


@dataclass(frozen=True)
class EdgeStyle:
    """How a relationship type is drawn; ``dashes`` is a vis-network dash pattern."""

    label: str
    color: str
    dashes: bool | list[int] = False


NODE_STYLES: dict[Kind, NodeStyle] = {
    "skill": NodeStyle("Skill", "dot", "#4e8ff7", "#1d5fc4", 12),
    "course": NodeStyle("Course, book or project", "box", "#6cc07a", "#2e7d32"),
    "program": NodeStyle("Program (specialization)", "hexagon", "#b48be0", "#6a3d9a", 20),
    "cert": NodeStyle("Certification", "diamond", "#f6c343", "#b7860b", 18),
    "role": NodeStyle("Job role", "star", "#ef6a5b", "#b3261e", 26),
}

EDGE_STYLES: dict[str, EdgeStyle] = {
    "REQUIRES": EdgeStyle("requires (prerequisite)", "#d62728", [8, 5]),
    "TEACHES": EdgeStyle("teaches", "#2ca02c"),
    "PART_OF": EdgeStyle("part of (program)", "#9467bd", [2, 4]),
    "PREPARES_FOR": EdgeStyle("prepares for (exam)", "#ff7f0e"),
    "VALIDATES": EdgeStyle("validates", "#17becf", [12, 4, 2, 4]),
    "AWARDED_FOR": EdgeStyle("awarded for (program)", "#8c564b", [2, 2]),
    "NEEDS": EdgeStyle("needs (role)", "#1f77b4"),
    "VALUES": EdgeStyle("values (role)", "#e377c2", [10, 3]),
}
_ROUTE_EDGE = EdgeStyle("route order", "#111111")
_FADED = {"background": "#eeeeee", "border": "#d4d4d4"}
_FADED_FONT = "#a8a8a8"
_FADED_EDGE = "#e2e2e2"


# -- public builders -------------------------------------------------------------
def catalog_page(catalog: Catalog, *, kinds: Iterable[str] | None = None, title: str | None = None) -> str:
    """The catalog as an interactive page.

    Parameters
    ----------
    catalog : Catalog
    kinds : list of str, optional
        Only these node kinds (``skill``, ``course``, ``program``, ``cert``,
        ``role``); default all.
    title : str, optional
        The page heading; default the catalog's name.

    Returns
    -------
    str
        A complete, offline HTML document.

    Raises
    ------
    UnknownId
        A kind that is not a node kind.
    ImportError
        pyvis is not installed (``pip install 'skillgraph[server]'``).
    """
    wanted = _check_kinds(kinds)
    g = catalog.graph
    ids = [n for n, d in g.nodes(data=True) if d["type"] in wanted]
    view = _View(catalog, title=title or f"Catalog: {catalog.name or 'skillgraph'}")
    for n in ids:
        view.add_node(n)
    view.add_edges_among()
    shown = ", ".join(f"{len([i for i in ids if g.nodes[i]['type'] == k])} {KINDS[k]}" for k in KINDS if k in wanted)
    view.subtitle = f"{shown}; {len(view.edges)} relationships; catalog version {catalog.version}"
    return view.render()


def route_page(catalog: Catalog, plan: Plan, *, title: str | None = None) -> str:
    """A planned route drawn over its part of the catalog.

    The learner ("you") and the skills they have sit on the left, the steps
    follow left to right numbered in route order, the target is on the right;
    the skills each step gives and the goal items are in full colour, and the
    courses that could also have served the goal are drawn faded as context.
    The totals are in the header and the steps are listed beside the graph.

    Parameters
    ----------
    catalog : Catalog
        The catalog the plan was made from.
    plan : queries.planner.Plan
    title : str, optional

    Returns
    -------
    str
        A complete, offline HTML document.
    """
    view = _View(catalog, title="")
    target = plan.target or {}
    role, cert, skills = target.get("role"), target.get("cert"), list(target.get("skills") or [])
    target_ids = [t for t in (role, cert) if t and t in catalog]
    target_ids += [sid for sid in (t.split(":", 1)[0] for t in skills) if sid in catalog]
    label = ", ".join(catalog.get(t).label for t in target_ids) or "the target"
    view.title = title or f"Route to {label}"
    start = ", ".join(plan.have) if plan.have else "nothing yet"
    proof = "proven optimal" if plan.optimal else "best found (not proven optimal)"
    view.subtitle = f"From: {start}. Objective: {plan.objective}, {proof}."
    view.totals = [
        ("steps", str(plan.total_steps)),
        ("hours", f"{plan.total_hours:g}"),
        ("USD", f"{plan.total_cost_usd:,.2f}".removesuffix(".00")),
    ]
    if plan.weeks:
        view.totals.append(("weeks", f"{plan.weeks} at {plan.hours_per_week:g} h/week"))
    if not plan.feasible:
        view.totals.append(("status", "no complete route"))
    view.notes = [f"Not reachable: {u.id}: {u.reason}" for u in plan.unreachable]

    spacing = 150.0
    have = list(dict.fromkeys(h.split(":", 1)[0] for h in plan.have if h.split(":", 1)[0] in catalog))
    view.add_special(_YOU, "You", shape="circle", color="#263238", font_color="#ffffff",
                     tooltip=["You: the learner", f"have: {start}"], x=-spacing, y=0.0)
    for j, h in enumerate(have):
        y = (j - (len(have) - 1) / 2) * 55.0
        view.add_node(h, role="have", x=-spacing * 1.8, y=y)
        view.add_edge(_YOU, h, "HAS", title=f"you have {h}", color="#90a4ae", width=1.0, dashes=[3, 3])
    prev = _YOU
    for s in plan.steps:
        node = s.id
        if node not in catalog:
            continue
        view.add_node(node, role="step", order=s.order, x=spacing * (s.order - 1), y=0.0,
                      extra=[f"route step {s.order}: {s.title}", f"gives: {', '.join(s.gives) or 'nothing new'}",
                             f"why: {s.reason}"])
        view.add_edge(prev, node, "ROUTE", label=str(s.order), color=_ROUTE_EDGE.color, width=4.0)
        prev = node
        view.steps.append(_StepRow(s.order, node, s.title, s.kind, s.hours, s.cost_usd, s.free_audit,
                                   list(s.gives)))
    x_end = spacing * len(plan.steps)
    for k, t in enumerate(target_ids):
        view.add_node(t, role="target", x=x_end, y=k * 120.0)
        if t != prev:  # a cert target is often the route's last step, its exam
            view.add_edge(prev, t, "ROUTE", label="goal", color=_ROUTE_EDGE.color, width=4.0)
    for s in plan.steps:
        for gained in [*s.gives, *s.earns]:
            view.add_node(gained.split(":", 1)[0], role="gives")
    for goal in plan.goals:
        status = goal.status
        view.add_node(goal.id, role="unreachable" if status == "unreachable" else
                      "have" if status == "held" else "gives" if status == "route" else "optional")
    # Faded context: the alternatives, what else teaches a goal skill or prepares for a goal cert,
    # and the programs the steps belong to.
    g = catalog.graph
    context: dict[str, None] = {}
    for goal in plan.goals:
        if goal.id in g and goal.status in ("route", "unreachable"):
            for m in sorted(g.predecessors(goal.id)):
                if g.nodes[m]["type"] in ("course", "cert"):
                    context[m] = None
    for s in plan.steps:
        pos = catalog.program_position(s.id)
        if pos:
            context[pos[0]] = None
    for m in [m for m in context if m not in view.nodes][:_MAX_CONTEXT]:
        view.add_node(m, role="context")
    view.add_edges_among()
    view.freeze_after_layout = True
    view.focus = [n for n, d in view.nodes.items() if d["role"] in ("you", "have", "step", "target")]
    return view.render()


def neighbourhood_page(catalog: Catalog, center: str, depth: int = 1, *, title: str | None = None) -> str:
    """One node and every node within ``depth`` hops of it (edges in either direction).

    Parameters
    ----------
    catalog : Catalog
    center : str
        A node id.
    depth : int
        Hops from ``center``; 0 draws the node alone.

    Returns
    -------
    str
        A complete, offline HTML document.

    Raises
    ------
    UnknownId
        ``center`` is not in the catalog (with suggestions).
    ValueError
        ``depth`` is not a whole number >= 0.
    """
    item = catalog.get(center)
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
        raise ValueError(f"depth must be a whole number >= 0, not {depth!r}")
    dist = nx.single_source_shortest_path_length(catalog.graph.to_undirected(as_view=True), center, cutoff=depth)
    view = _View(catalog, title=title or f"Neighbourhood of {item.label}")
    view.add_node(center, role="center")
    for n in sorted(dist, key=lambda n: (dist[n], n)):
        if n != center:
            view.add_node(n, extra=[f"{dist[n]} hop{'s' * (dist[n] > 1)} from {center}"])
    view.add_edges_among()
    hops = f"{depth} hop{'s' * (depth != 1)}"
    view.subtitle = f"{catalog.kind_of(center)} {center} and everything within {hops}: {len(view.nodes)} nodes, " \
                    f"{len(view.edges)} relationships"
    return view.render()


def iframe(page: str, *, height: int = 650) -> str:
    """An ``<iframe srcdoc>`` holding ``page``, for notebooks (their HTML outputs do not run scripts)."""
    return (f'<div class="skillgraph-page"><iframe srcdoc="{html.escape(page, quote=True)}" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #ddd" sandbox="allow-scripts"></iframe></div>')


# -- the engine ------------------------------------------------------------------
@dataclass
class _StepRow:
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
        if self.cost_usd is None:
            return "price unknown"
        text = "free" if self.cost_usd == 0 else f"${self.cost_usd:,.2f}".removesuffix(".00")
        return text + (" (audit free)" if self.free_audit and self.cost_usd else "")


@dataclass
class _View:
    """Nodes and edges of one page, before pyvis and the template."""

    catalog: Catalog
    title: str
    subtitle: str = ""
    totals: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    steps: list[_StepRow] = field(default_factory=list)
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[dict[str, Any]] = field(default_factory=list)
    freeze_after_layout: bool = False
    focus: list[str] = field(default_factory=list)  # nodes the first view fits; default all

    def add_node(self, id_: str, *, role: str = "plain", order: int | None = None, x: float | None = None,
                 y: float | None = None, extra: Sequence[str] = ()) -> None:
        if id_ in self.nodes or id_ not in self.catalog:
            return
        kind = self.catalog.kind_of(id_)
        item = self.catalog.get(id_)
        style = NODE_STYLES[kind]
        label = _short(item.label, 40)
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
            "title": "\n".join([*_facts(self.catalog, kind, item), *extra]),
        }
        if style.shape == "box":
            node["widthConstraint"] = {"maximum": 170}
        if role == "step":
            node["label"] = f"{order}. {_short(item.label, 48)}"
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
            node["color"] = {**_FADED, "highlight": {"background": style.color, "border": style.border},
                             "hover": {"background": style.color, "border": style.border}}
            node["font"] = {"color": _FADED_FONT}
            if role == "optional":
                node["title"] += "\noptional for the role, not planned"
        if x is not None and y is not None:
            # Pinned, and heavy so the floating nodes keep clear of it.
            node.update(x=x, y=y, fixed={"x": True, "y": True}, mass=4)
        self.nodes[id_] = node

    def add_special(self, id_: str, label: str, *, shape: str, color: str, font_color: str, tooltip: list[str],
                    x: float, y: float) -> None:
        self.nodes[id_] = {"label": label, "shape": shape, "color": {"background": color, "border": color},
                           "font": {"color": font_color, "size": 18}, "kind": "you", "role": "you",
                           "search": f"{id_} {label}".casefold(), "title": "\n".join(tooltip),
                           "x": x, "y": y, "fixed": {"x": True, "y": True}}

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
            style = EDGE_STYLES.get(rel, EdgeStyle(rel.lower(), "#999999"))
            label, width = _edge_label(rel, data)
            faded = self.nodes[src]["role"] in faded_roles or self.nodes[dst]["role"] in faded_roles
            title = f"{src} {label} {dst}"
            if data.get("group"):
                title += " (one of a group of alternatives)"
            # Faded context keeps its relationships on hover but draws no labels over the route.
            self.add_edge(src, dst, rel, label="" if faded else label, color=_FADED_EDGE if faded else style.color,
                          width=width, dashes=style.dashes, title=title)

    # -- rendering -----------------------------------------------------------------
    def render(self) -> str:
        Network = _pyvis_network()
        large = len(self.nodes) > LARGE_GRAPH
        net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line", heading=self.title)
        for id_, node in self.nodes.items():
            attrs = dict(node)
            net.add_node(id_, label=attrs.pop("label"), shape=attrs.pop("shape"), color=attrs.pop("color"), **attrs)
        _spread_parallel(self.edges)
        known = set(self.nodes)
        for i, edge in enumerate(self.edges):
            if edge["from"] not in known or edge["to"] not in known:  # pragma: no cover - add_edge checks
                continue
            attrs = {k: v for k, v in edge.items() if k not in ("from", "to")}
            # pyvis' add_edge scans its node list per call (quadratic); the ids were checked above.
            net.edges.append(_pyvis_edge()(edge["from"], edge["to"], True, id=f"e{i}", **attrs).options)
        net.options = _options(len(self.nodes), large=large)
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
        }
        return _template().render(
            title=self.title,
            subtitle=self.subtitle,
            totals=self.totals,
            notes=self.notes,
            steps=self.steps,
            node_count=len(nodes),
            kinds=[(k, s, n, _legend_shape(s)) for k, s, n in kinds if n],
            rels=[(r, _rel_style(r), _legend_line(_rel_style(r))) for r in rels],
            route_legend=bool(self.steps) or any(n["role"] == "you" for n in self.nodes.values()),
            options_search=sorted((n["label"], i) for i, n in self.nodes.items()),
            data=_script_json(data),
            vis_js=_asset("vis-network.min.js"),
            vis_css=_asset("vis-network.css"),
            large=large,
        )


def _rel_style(rel: str) -> EdgeStyle:
    if rel == "ROUTE":
        return _ROUTE_EDGE
    if rel == "HAS":
        return EdgeStyle("you have", "#90a4ae", [3, 3])
    return EDGE_STYLES.get(rel, EdgeStyle(rel.lower(), "#999999"))


def _edge_label(rel: str, data: dict[str, Any]) -> tuple[str, float]:
    level = data.get("level")
    optional = data.get("importance") == "optional"
    text = {"REQUIRES": "requires", "TEACHES": "teaches", "NEEDS": "needs", "VALUES": "values",
            "PART_OF": "part of", "PREPARES_FOR": "prepares for", "VALIDATES": "validates",
            "AWARDED_FOR": "awarded for"}.get(rel, rel.lower())
    if level:
        text += f" L{level}"
    if rel == "PART_OF" and data.get("order") is not None:
        text += f" #{data['order'] + 1}"
    if data.get("group"):
        text += " (any of)"
    if optional:
        text += " (optional)"
    width = 1.0 + 0.8 * ((level or 1) - 1)
    return text, width


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


def _options(n: int, *, large: bool) -> dict[str, Any]:
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
    return options


def _check_kinds(kinds: Iterable[str] | None) -> set[str]:
    if kinds is None:
        return set(KINDS)
    wanted = {k.strip() for k in ([kinds] if isinstance(kinds, str) else kinds) if k.strip()}
    for k in sorted(wanted):
        if k not in KINDS:
            raise UnknownId(k, "node kind", suggest(k, KINDS) or list(KINDS))
    return wanted or set(KINDS)


# -- facts shown on hover ----------------------------------------------------------
def _facts(catalog: Catalog, kind: Kind, item: Any) -> list[str]:
    lines = [item.label, f"{kind} \u00b7 {item.id}"]

    def add(name: str, value: Any) -> None:
        if value not in (None, "", [], ()):
            lines.append(f"{name}: {value}")

    if kind == "course":
        add("provider", item.provider)
        add("platform", item.platform)
        add("format", item.format)
        add("hours", f"{item.hours:g}")
        add("cost", _cost(item.cost_usd, item.free_audit))
        add("rating", _rating(item.rating, item.rating_scale))
        add("teaches", _list([_level(t.skill, t.level) for t in item.teaches]))
        add("requires", _list([_requirement(r) for r in item.requires]))
        add("part of", item.part_of)
        add("prepares for", _list(item.prepares_for))
    elif kind == "skill":
        add("category", item.category)
        add("about", _short(item.description or "", 120))
        add("requires", _list([_requirement(r) for r in item.requires]))
        teachers = catalog.teachers.get(item.id, [])
        add("taught by", f"{len(teachers)} course{'s' * (len(teachers) != 1)}" if item.teachable
            else "learnt on the job")
    elif kind == "program":
        add("provider", item.provider)
        add("platform", item.platform)
        courses = [catalog.course(c) for c in item.courses if c in catalog and catalog.kind_of(c) == "course"]
        add("courses", f"{len(item.courses)} ({sum(c.hours for c in courses):g} h in all)")
        add("rating", _rating(item.rating, item.rating_scale))
    elif kind == "cert":
        add("provider", item.provider)
        add("kind", item.kind)
        add("exam cost", None if item.exam_cost_usd is None else _cost(item.exam_cost_usd, False))
        add("prep hours", f"{item.prep_hours:g}" if item.prep_hours else None)
        add("recommended experience", f"{item.recommended_experience_years:g} years"
            if item.recommended_experience_years else None)
        add("requires", _list([_requirement(r) for r in item.requires]))
        add("validates", _list(item.validates))
        add("awarded for", item.program)
    elif kind == "role":
        add("about", _short(item.description or "", 120))
        essential = [n for n in item.needs if n.importance == "essential"]
        add("needs", f"{len(essential)} essential, {len(item.needs) - len(essential)} optional skills")
        add("values", _list([v.cert + (" (optional)" if v.importance == "optional" else "") for v in item.values]))
    add("source", _source(catalog, item.source))
    add("url", getattr(item, "url", None))
    return lines


def _source(catalog: Catalog, source: str | None) -> str | None:
    if not source:
        return None
    for s in catalog.sources:
        if s.id == source:
            return _short(s.title, 90)
    return source


def _cost(usd: float | None, free_audit: bool) -> str:
    if usd is None:
        return "unknown" + (" (free to audit)" if free_audit else "")
    if usd == 0:
        return "free"
    return f"${usd:,.2f}".removesuffix(".00") + (" (free to audit)" if free_audit else "")


def _rating(rating: float | None, scale: float | None) -> str | None:
    if rating is None:
        return None
    return f"{rating:g} / {scale:g}" if scale else f"{rating:g}"


def _level(skill: str, level: int) -> str:
    return skill if level == 1 else f"{skill} L{level}"


def _requirement(r: Any) -> str:
    if hasattr(r, "any_of"):
        return "one of (" + ", ".join(_requirement(m) for m in r.any_of) + ")"
    if hasattr(r, "cert"):
        return f"cert {r.cert}"
    return _level(r.skill, r.level)


def _list(values: Sequence[str], n: int = 8) -> str:
    more = f" and {len(values) - n} more" if len(values) > n else ""
    return ", ".join(values[:n]) + more


def _short(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


# -- legend drawings (fixed markup; no catalog text) ---------------------------------
def _legend_shape(style: NodeStyle) -> Markup:
    f, b = style.color, style.border
    body = {
        "dot": f'<circle cx="11" cy="11" r="7" fill="{f}" stroke="{b}"/>',
        "box": f'<rect x="2" y="5" width="18" height="12" rx="3" fill="{f}" stroke="{b}"/>',
        "hexagon": f'<polygon points="6,3 16,3 21,11 16,19 6,19 1,11" fill="{f}" stroke="{b}"/>',
        "diamond": f'<polygon points="11,2 20,11 11,20 2,11" fill="{f}" stroke="{b}"/>',
        "star": (f'<polygon points="11,1 13.6,7.8 21,8.2 15.2,12.8 17.2,20 11,16 4.8,20 6.8,12.8 1,8.2 8.4,7.8" '
                 f'fill="{f}" stroke="{b}"/>'),
    }.get(style.shape, f'<circle cx="11" cy="11" r="7" fill="{f}" stroke="{b}"/>')
    return Markup(f'<svg width="22" height="22" viewBox="0 0 22 22" aria-hidden="true">{body}</svg>')


def _legend_line(style: EdgeStyle) -> Markup:
    dash = ""
    if isinstance(style.dashes, list):
        dash = f' stroke-dasharray="{" ".join(str(d) for d in style.dashes)}"'
    elif style.dashes:
        dash = ' stroke-dasharray="5 5"'
    width = 4 if style is _ROUTE_EDGE else 2
    return Markup(f'<svg width="40" height="12" viewBox="0 0 40 12" aria-hidden="true">'
                  f'<line x1="1" y1="6" x2="32" y2="6" stroke="{style.color}" stroke-width="{width}"{dash}/>'
                  f'<polygon points="32,2 39,6 32,10" fill="{style.color}"/></svg>')


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
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    return env.from_string(_PAGE)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; \
style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'">
<meta name="generator" content="skillgraph api.pages (pyvis, vis-network 9.1.2)">
<title>{{ title }}</title>
<style>{{ vis_css }}</style>
<style>
  html, body { margin: 0; height: 100%; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial,
    sans-serif; color: #222; background: #fff; }
  body { display: flex; flex-direction: column; }
  #sg-header { padding: 8px 16px; border-bottom: 1px solid #ddd; background: #fafafa; }
  #sg-header h1 { font-size: 20px; margin: 0; }
  #sg-header .sub { margin: 2px 0 0; color: #555; font-size: 13px; }
  #sg-totals { list-style: none; display: flex; gap: 18px; margin: 6px 0 0; padding: 0; font-size: 14px; }
  #sg-totals b { font-size: 18px; }
  .sg-note { color: #b00020; font-size: 13px; margin: 4px 0 0; }
  main { flex: 1; display: flex; min-height: 0; }
  #sg-graph { flex: 1; position: relative; min-width: 0; }
  #sg-network { position: absolute; inset: 0; }
  #sg-loading { position: absolute; top: 12px; left: 12px; background: rgba(255,255,255,.92); padding: 6px 10px;
    border: 1px solid #ddd; border-radius: 4px; font-size: 13px; }
  #sg-side { width: 290px; overflow-y: auto; border-left: 1px solid #ddd; padding: 8px 12px; font-size: 13px; }
  #sg-side h2 { font-size: 14px; margin: 12px 0 4px; }
  #sg-side label { display: flex; align-items: center; gap: 6px; margin: 2px 0; cursor: pointer; }
  #sg-side input[type=search] { width: 100%; box-sizing: border-box; padding: 4px 6px; }
  #sg-find-status { color: #555; min-height: 1.2em; margin: 2px 0; }
  #sg-route-steps { padding-left: 0; list-style: none; margin: 0; }
  #sg-route-steps li { margin: 0 0 6px; cursor: pointer; }
  #sg-route-steps .n { display: inline-block; min-width: 1.6em; font-weight: bold; }
  #sg-route-steps .meta { color: #555; display: block; margin-left: 1.6em; }
  .vis-tooltip { white-space: pre-line !important; max-width: 440px; line-height: 1.35;
    font-family: system-ui, Arial, sans-serif !important; font-size: 12px !important; }
  .sg-swatch { display: inline-block; width: 18px; height: 12px; border-radius: 2px; border: 1px solid #999; }
  .count { color: #777; }
</style>
</head>
<body data-ready="false">
<header id="sg-header">
  <h1 id="sg-title">{{ title }}</h1>
  {% if subtitle %}<p class="sub">{{ subtitle }}</p>{% endif %}
  {% if totals %}
  <ul id="sg-totals">
    {% for name, value in totals %}<li data-total="{{ name }}"><b>{{ value }}</b> {{ name }}</li>{% endfor %}
  </ul>
  {% endif %}
  {% for note in notes %}<p class="sg-note">{{ note }}</p>{% endfor %}
</header>
<main>
  <div id="sg-graph">
    <div id="sg-network" role="img" aria-label="{{ title }}"></div>
    <div id="sg-loading">Laying out {{ node_count }} nodes&hellip;</div>
  </div>
  <aside id="sg-side">
    <section>
      <h2><label for="sg-find">Find a node</label></h2>
      <input id="sg-find" type="search" list="sg-ids" placeholder="id or name, then Enter" autocomplete="off">
      <datalist id="sg-ids">
        {% for label, id in options_search %}<option value="{{ id }}">{{ label }}</option>{% endfor %}
      </datalist>
      <div id="sg-find-status" aria-live="polite"></div>
    </section>
    {% if steps %}
    <section>
      <h2>Route, in order</h2>
      <ol id="sg-route-steps">
        {% for s in steps %}
        <li data-id="{{ s.id }}" data-order="{{ s.order }}"><span class="n">{{ s.order }}.</span>{{ s.title }}
          <span class="meta">{{ s.kind }} {{ s.id }} &middot; {{ '%g' % s.hours }} h &middot; {{ s.cost }}</span>
        </li>
        {% endfor %}
      </ol>
    </section>
    {% endif %}
    <section id="sg-legend">
      <h2>Node types</h2>
      {% for kind, style, count, shape in kinds %}
      <label class="sg-kind"><input type="checkbox" checked data-kind="{{ kind }}">{{ shape }}
        <span>{{ style.label }}</span> <span class="count">{{ count }}</span></label>
      {% endfor %}
      {% if route_legend %}
      <h2>On this route</h2>
      <div><span class="sg-swatch" style="background:#263238"></span> you (the learner)</div>
      <div><span class="sg-swatch" style="border:3px solid #1b5e20"></span> &#10003; a skill you have</div>
      <div><span class="sg-swatch" style="border:3px solid #111"></span> n. a step, in route order</div>
      <div><span class="sg-swatch" style="border:3px dashed #b00020"></span> goal no step reaches</div>
      <div><span class="sg-swatch" style="background:#eee;border-color:#d4d4d4"></span> faded: context
        (alternatives, optional goals)</div>
      {% endif %}
      {% if rels %}
      <h2>Relationships</h2>
      {% for rel, style, line in rels %}
      <label class="sg-rel"><input type="checkbox" checked data-rel="{{ rel }}">{{ line }}
        <span>{{ style.label }}</span></label>
      {% endfor %}
      <p class="count">Edge labels give levels: L1 basic, L2 working, L3 advanced.</p>
      {% endif %}
    </section>
  </aside>
</main>
<script>{{ vis_js }}</script>
<script>
(function () {
  "use strict";
  var SG = {{ data }};
  var started = performance.now();
  var nodes = new vis.DataSet(SG.nodes);
  var edges = new vis.DataSet(SG.edges);
  var container = document.getElementById("sg-network");
  var loading = document.getElementById("sg-loading");
  var network = new vis.Network(container, {}, SG.options);
  var state = window.skillgraph = {network: network, nodes: nodes, edges: edges, ready: false, readyMs: null,
                                   layoutMs: null, large: SG.large};

  function ready() {
    if (state.ready) { return; }
    if (SG.freeze) { network.setOptions({physics: {enabled: false}}); }
    state.layoutMs = performance.now() - started;
    network.once("afterDrawing", function () {
      state.readyMs = performance.now() - started;
      state.readyAt = performance.now();  // since navigation started
      state.ready = true;
      loading.style.display = "none";
      document.body.setAttribute("data-ready", "true");
    });
    network.fit(SG.focus.length ? {nodes: SG.focus, animation: false} : {animation: false});
    network.redraw();
  }
  var physics = SG.options.physics && SG.options.physics.enabled !== false;
  if (physics && SG.nodes.length) {
    network.on("stabilizationProgress", function (p) {
      var done = Math.round(100 * p.iterations / p.total);
      loading.textContent = "Laying out " + SG.nodes.length + " nodes: " + done + "%";
    });
    network.once("stabilizationIterationsDone", ready);
  }
  network.setData({nodes: nodes, edges: edges});
  if (!physics || !SG.nodes.length) { setTimeout(ready, 0); }

  // Filters by node kind and by relationship type.
  function toggle(dataset, field, value, shown) {
    var ids = dataset.getIds({filter: function (item) { return item[field] === value; }});
    dataset.update(ids.map(function (id) { return {id: id, hidden: !shown}; }));
  }
  document.querySelectorAll("input[data-kind]").forEach(function (box) {
    box.addEventListener("change", function () { toggle(nodes, "kind", box.dataset.kind, box.checked); });
  });
  document.querySelectorAll("input[data-rel]").forEach(function (box) {
    box.addEventListener("change", function () { toggle(edges, "rel", box.dataset.rel, box.checked); });
  });

  // Search by id or name; Enter (or picking a suggestion) focuses the first match.
  var find = document.getElementById("sg-find");
  var status = document.getElementById("sg-find-status");
  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(network.getScale(), 1.0), animation: false});
  }
  function search() {
    var q = find.value.trim().toLowerCase();
    if (!q) { status.textContent = ""; network.unselectAll(); return; }
    var hit = nodes.get(q) ? [q] : nodes.getIds({filter: function (n) {
      return !n.hidden && n.search.indexOf(q) >= 0;
    }});
    if (!hit.length) { status.textContent = "No node matches \\u201c" + find.value + "\\u201d."; return; }
    status.textContent = hit.length === 1 ? "Found " + hit[0] + "." : hit.length + " matches; showing " + hit[0] + ".";
    focusNode(hit[0]);
    state.found = hit;
  }
  state.search = function (text) { find.value = text; search(); return state.found || []; };
  find.addEventListener("keydown", function (e) { if (e.key === "Enter") { search(); } });
  find.addEventListener("change", search);
  document.querySelectorAll("#sg-route-steps li").forEach(function (li) {
    li.addEventListener("click", function () { focusNode(li.dataset.id); });
  });
})();
</script>
</body>
</html>
"""
