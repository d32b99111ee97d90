"""Positions for the catalog and neighbourhood pages, computed in Python: columns by
prerequisite depth, left to right, so the page needs no physics at all.

A node's column is the longest chain of "comes before" relationships that ends at
it, inside the nodes drawn: a skill's prerequisites are left of it, a course sits
right of what it requires and left of what it teaches, a program right of its
courses, a cert right of its prerequisites and of what prepares for it, a role
right of what it needs and values. Cycles (which a valid catalog does not have)
share a column. Inside a column nodes are ordered by the mean row of their
neighbours in the columns beside it (a few barycentre sweeps, which untangles
most crossings), and a column taller than :data:`ROWS` wraps into sub-columns.

Examples
--------
>>> import networkx as nx

from graph.schema import RELATIONSHIP_TYPES
>>> g = nx.MultiDiGraph()
>>> g.add_edge("course", "python", type="REQUIRES"); g.add_edge("course", "ml", type="TEACHES")
0
0
>>> columns(g, ["python", "course", "ml"])
{'python': 0, 'course': 1, 'ml': 2}
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import networkx as nx

from graph.schema import RELATIONSHIP_TYPES

__all__ = ["COLUMN_GAP", "ROWS", "ROW_GAP", "around", "best_rows", "columns", "hierarchical"]

#: relationship types drawn from their end to their start ("b comes before a")
_BACKWARD = {t for t, rel in RELATIONSHIP_TYPES.items() if rel.end_first}
COLUMN_GAP = 260.0  # between prerequisite-depth columns (a box node is at most 170 wide)
SUB_GAP = 210.0  # between the sub-columns of one wrapped column
ROW_GAP = 58.0  # between nodes of one column (labels of dots and diamonds sit under them)
ROWS = 40  # rows of a column when nothing else is known


def _flow(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> nx.DiGraph:
    keep = set(nodes)
    flow = nx.DiGraph()
    flow.add_nodes_from(n for n in nodes if n in keep)
    for src, dst, rel in graph.subgraph(keep).edges(data="type"):
        a, b = (dst, src) if rel in _BACKWARD else (src, dst)
        if a != b:
            flow.add_edge(a, b)
    return flow


def columns(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> dict[str, int]:
    """Each node's prerequisite depth among ``nodes`` (0: nothing drawn comes before it)."""
    flow = _flow(graph, list(nodes))
    dag = nx.condensation(flow)
    depth: dict[int, int] = {}
    for c in nx.topological_sort(dag):
        depth[c] = max((depth[p] + 1 for p in dag.predecessors(c)), default=0)
    members = dag.graph["mapping"]
    return {n: depth[members[n]] for n in flow.nodes}


def around(graph: nx.MultiDiGraph, nodes: Iterable[str], center: str) -> dict[str, float]:
    """Columns relative to ``center`` (column 0): each hop towards a prerequisite is one
    column left, each hop towards what builds on it one column right, along the first
    shortest path found (neighbours taken in id order). A depth-``d`` neighbourhood
    spans columns ``-d..d``: what comes before the centre on its left, what comes after
    on its right, and its siblings (taught by the same course, needed by the same role)
    half a column beside it."""
    flow = _flow(graph, list(nodes))
    col: dict[str, float] = {center: 0}
    first: dict[str, int] = {center: 0}  # the first hop's direction
    frontier = [center]
    while frontier:
        nxt = []
        for u in frontier:
            for v in sorted(set(flow.successors(u)) | set(flow.predecessors(u))):
                if v not in col:
                    step = 1 if flow.has_edge(u, v) else -1
                    col[v] = col[u] + step
                    first[v] = first[u] or step
                    nxt.append(v)
        frontier = nxt
    # siblings (back in the centre's column) sit beside it: left when reached through a
    # prerequisite (taught by the same course), right when through a dependant (needed by the same role)
    return {n: c if c or n == center else first[n] / 2 for n, c in col.items()}


def best_rows(sizes: Iterable[int], aspect: float = 1.2) -> int:
    """How many rows a column may hold before it wraps, so the drawing's width/height is
    closest to ``aspect`` (a page's graph area is about 1.2 times wider than high)."""
    sizes = [k for k in sizes if k]
    best, best_scale = ROWS, 0.0
    for rows in range(6, max(7, max(sizes, default=1) + 1)):
        subs = [math.ceil(k / rows) for k in sizes]
        width = sum((s - 1) * SUB_GAP + COLUMN_GAP for s in subs)
        height = max(math.ceil(k / s) for k, s in zip(sizes, subs, strict=True)) * ROW_GAP
        scale = min(aspect / width, 1 / height)
        if scale > best_scale:
            best, best_scale = rows, scale
    return best


def hierarchical(graph: nx.MultiDiGraph, nodes: list[str], *, center: str | None = None,
                 rows: int | None = None) -> dict[str, tuple[float, float]]:
    """``{node: (x, y)}``: columns left to right, rows untangled.

    Without ``center``, columns by prerequisite depth (:func:`columns`); with it
    (a neighbourhood), columns relative to it (:func:`around`), the centre at (0, 0)
    in the middle of its column.
    A column of more than ``rows`` nodes wraps (default: :func:`best_rows`).
    """
    col: dict[str, float] = {**(around(graph, nodes, center) if center is not None else columns(graph, nodes))}
    if rows is None:
        counts: dict[float, int] = {}
        for c in col.values():
            counts[c] = counts.get(c, 0) + 1
        rows = best_rows(counts.values())
    und = graph.subgraph(nodes).to_undirected(as_view=True)
    start = {n: i for i, n in enumerate(nodes)}
    by_col: dict[float, list[str]] = {}
    for n in sorted(col, key=lambda n: (col[n], start.get(n, 0), n)):
        by_col.setdefault(col[n], []).append(n)
    order = sorted(by_col)
    row: dict[str, float] = {}
    for c in order:
        for i, n in enumerate(by_col[c]):
            row[n] = i - (len(by_col[c]) - 1) / 2
    # barycentre sweeps: left to right, then right to left
    for sweep in (order, order[::-1], order, order[::-1]):
        for c in sweep:
            def bary(n: str, c: float = c) -> float:
                near = [row[m] for m in und.neighbors(n) if m in col and col[m] != c]
                return sum(near) / len(near) if near else row[n]
            by_col[c].sort(key=lambda n: (bary(n), n))
            for i, n in enumerate(by_col[c]):
                row[n] = i - (len(by_col[c]) - 1) / 2
    pos: dict[str, tuple[float, float]] = {}
    x = 0.0
    for c in order:
        members = by_col[c]
        if center is not None and center in members:  # the centre in the middle of its column
            members.remove(center)
            members.insert(len(members) // 2, center)
        subs = math.ceil(len(members) / rows)
        per = math.ceil(len(members) / subs)
        for s in range(subs):
            chunk = members[s * per:(s + 1) * per]
            for i, n in enumerate(chunk):
                pos[n] = (x + s * SUB_GAP, (i - (len(chunk) - 1) / 2) * ROW_GAP)
        x += (subs - 1) * SUB_GAP + COLUMN_GAP
    if center is not None and center in pos:
        cx, cy = pos[center]
        pos = {n: (px - cx, py - cy) for n, (px, py) in pos.items()}
    return pos
