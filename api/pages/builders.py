"""The three page builders: the catalog, a planned route, one node's neighbourhood.

Each returns a complete, offline HTML document (see :mod:`api.pages`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import networkx as nx

from api.formatting import money
from api.pages.layout import hierarchical
from api.pages.styles import ROUTE_EDGE
from api.pages.view import StepRow, View
from graph.catalog import KINDS, Catalog
from graph.errors import UnknownId, suggest
from graph.models import parse_level_ref
from queries.planner import Plan

__all__ = ["catalog_page", "iframe", "neighbourhood_page", "route_page"]

_MAX_CONTEXT = 80  # faded context nodes around a route
_YOU = "@you"  # the learner's node on a route page; "@" cannot start a catalog id


def catalog_page(catalog: Catalog, *, kinds: Iterable[str] | None = None, title: str | None = None) -> str:
    """The catalog as an interactive page, in columns by prerequisite depth (left to right).

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
    view = View(catalog, title=title or f"Catalog: {catalog.name or 'skillgraph'}")
    for n in ids:
        view.add_node(n)
    view.add_edges_among()
    view.positions = hierarchical(g, list(view.nodes))
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
    view = View(catalog, title="")
    target = plan.target or {}
    role, cert, skills = target.get("role"), target.get("cert"), list(target.get("skills") or [])
    target_ids = [t for t in (role, cert) if t and t in catalog]
    target_ids += [sid for sid in (parse_level_ref(t).id for t in skills) if sid in catalog]
    label = ", ".join(catalog.get(t).label for t in target_ids) or "the target"
    view.title = title or f"Route to {label}"
    start = ", ".join(plan.have) if plan.have else "nothing yet"
    proof = "proven optimal" if plan.optimal else "best found (not proven optimal)"
    view.subtitle = f"From: {start}. Objective: {plan.objective}, {proof}."
    view.totals = [
        ("steps", str(plan.total_steps)),
        ("hours", f"{plan.total_hours:g}"),
        ("USD", money(plan.total_cost_usd, symbol="")),
    ]
    if plan.weeks:
        view.totals.append(("weeks", f"{plan.weeks} at {plan.hours_per_week:g} h/week"))
    if not plan.feasible:
        view.totals.append(("status", "no complete route"))
    view.notes = [f"Not reachable: {u.id}: {u.reason}" for u in plan.unreachable]

    spacing = 150.0
    held = [parse_level_ref(h).id for h in plan.have]
    have = list(dict.fromkeys(h for h in held if h in catalog))
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
        view.add_edge(prev, node, "ROUTE", label=str(s.order), color=ROUTE_EDGE.color, width=4.0)
        prev = node
        view.steps.append(StepRow(s.order, node, s.title, s.kind, s.hours, s.cost_usd, s.free_audit,
                                   list(s.gives)))
    x_end = spacing * len(plan.steps)
    for k, t in enumerate(target_ids):
        view.add_node(t, role="target", x=x_end, y=k * 120.0)
        if t != prev:  # a cert target is often the route's last step, its exam
            view.add_edge(prev, t, "ROUTE", label="goal", color=ROUTE_EDGE.color, width=4.0)
    for s in plan.steps:
        for gained in [*s.gives, *s.earns]:
            view.add_node(parse_level_ref(gained).id, role="gives")
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

    The node is in the middle: what comes before it (its prerequisites, the courses
    that teach it) in columns to its left, what builds on it to its right, its
    siblings (taught or needed alongside it) just beside it (:func:`api.pages.layout.around`).

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
    view = View(catalog, title=title or f"Neighbourhood of {item.label}")
    view.add_node(center, role="center")
    for n in sorted(dist, key=lambda n: (dist[n], n)):
        if n != center:
            view.add_node(n, extra=[f"{dist[n]} hop{'s' * (dist[n] > 1)} from {center}"])
    view.add_edges_among()
    view.positions = hierarchical(catalog.graph, list(view.nodes), center=center)
    view.center = center
    hops = f"{depth} hop{'s' * (depth != 1)}"
    view.subtitle = f"{catalog.kind_of(center)} {center} and everything within {hops}: {len(view.nodes)} nodes, " \
                    f"{len(view.edges)} relationships"
    return view.render()


def iframe(page: str, *, height: int = 650) -> str:
    """An ``<iframe srcdoc>`` holding ``page``, for notebooks (their HTML outputs do not run scripts)."""
    return (f'<div class="skillgraph-page"><iframe srcdoc="{html.escape(page, quote=True)}" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #ddd" sandbox="allow-scripts"></iframe></div>')


def _check_kinds(kinds: Iterable[str] | None) -> set[str]:
    if kinds is None:
        return set(KINDS)
    wanted = {k.strip() for k in ([kinds] if isinstance(kinds, str) else kinds) if k.strip()}
    for k in sorted(wanted):
        if k not in KINDS:
            raise UnknownId(k, "node kind", suggest(k, KINDS) or list(KINDS))
    return wanted or set(KINDS)

