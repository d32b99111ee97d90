"""The three page builders: the catalog, a planned route, one node's neighbourhood.

Each returns a complete, offline HTML document (see :mod:`api.pages`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import networkx as nx

from api.formatting import counted
from api.pages.layout import hierarchical
from api.pages.route import route_page as _route_page
from api.pages.view import View
from graph.catalog import KINDS, Catalog
from graph.errors import UnknownId, suggest
from queries.planner import Plan

__all__ = ["catalog_page", "iframe", "neighbourhood_page", "route_page"]



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
    shown = ", ".join(counted(len([i for i in ids if g.nodes[i]['type'] == k]), KINDS[k]) for k in KINDS if k in wanted)
    view.subtitle = f"{shown}; {counted(len(view.edges), 'relationship')}; catalog version {catalog.version}"
    return view.render()


def route_page(catalog: Catalog, plan: Plan, *, title: str | None = None) -> str:
    """A planned route as readable cards in the order taken, with a week-by-week schedule.

    "You" (what you have), then each step (number, title, kind, hours, cost,
    weeks at the learner's pace, what it gives, why it is there), then the
    target; the catalog around the route is a vis-network graph behind a
    toggle, off by default. See :mod:`api.pages.route`.

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
    return _route_page(catalog, plan, title=title)


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
            view.add_node(n, extra=[f"{counted(dist[n], 'hop')} from {center}"])
    view.add_edges_among()
    view.positions = hierarchical(catalog.graph, list(view.nodes), center=center)
    view.center = center
    view.subtitle = f"{catalog.kind_of(center)} {center} and everything within {counted(depth, 'hop')}: " \
                    f"{counted(len(view.nodes), 'node')}, {counted(len(view.edges), 'relationship')}"
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

