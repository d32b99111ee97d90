"""Strongly connected components of a problem's fact/action graph.

The solver needs them to know where a cycle of support can appear (only
inside a component of more than one node). A request's problem is a subgraph
of the catalog's compiled graph, and a subgraph's components refine the
whole graph's: two nodes in different components of the catalog are in
different components of any part of it. So the catalog's components are
computed once (cached on its compiled form) and, per request, Tarjan's
algorithm runs only on the nodes that sit in a catalog component of more than
one node, with the edges inside it; every other node is a component alone.
"""

from __future__ import annotations

from typing import Any

from queries._compile import Compiled

__all__ = ["components", "tarjan"]

Node = tuple[str, int]  # ("a", action) or ("f", fact)


def catalog_components(cp: Compiled) -> dict[Node, int]:
    """The components of the whole compiled graph, computed once per compiled catalog."""
    if cp.components is None:
        nodes: list[Node] = [("a", a.idx) for a in cp.actions] + [("f", f) for f in range(len(cp.facts))]
        succ: dict[Node, list[Node]] = {n: [] for n in nodes}
        for a in cp.actions:
            for f in a.pre:
                succ[("f", f)].append(("a", a.idx))
            succ[("a", a.idx)].extend(("f", f) for f in a.add)
        cp.components = tarjan(nodes, succ)
    return cp.components


def _cyclic(cp: Compiled) -> dict[Node, int]:
    """The nodes of the catalog's components of more than one node, with their component."""
    if cp.cyclic is None:
        whole = catalog_components(cp)
        size: dict[int, int] = {}
        for c in whole.values():
            size[c] = size.get(c, 0) + 1
        cp.cyclic = {n: c for n, c in whole.items() if size[c] > 1}
    return cp.cyclic


def components(cp: Compiled, acts: set[int], facts: set[int]) -> dict[Node, int]:
    """The components of the subgraph of ``acts`` and ``facts`` (node -> number)."""
    whole = _cyclic(cp)
    nodes: list[Node] = [("a", a) for a in sorted(acts)] + [("f", f) for f in sorted(facts)]
    inner = [n for n in nodes if n in whole]
    succ: dict[Node, list[Node]] = {n: [] for n in inner}
    for kind, i in inner:
        if kind != "a":
            continue
        act = cp.actions[i]
        here = whole[("a", i)]
        for f in act.pre:
            if f in facts and whole.get(("f", f)) == here:
                succ[("f", f)].append(("a", i))
        for f in act.add:
            if f in facts and whole.get(("f", f)) == here:
                succ[("a", i)].append(("f", f))
    out = tarjan(inner, succ)
    n = max(out.values(), default=-1) + 1
    for node in nodes:
        if node not in out:
            out[node] = n
            n += 1
    return out


def tarjan(nodes: list[Any], succ: dict[Any, list[Any]]) -> dict[Any, int]:
    """Strongly connected components, iteratively (node -> component number). Kept
    over networkx's on measure (2026-11-30, median of 15, networkx 3.6.1, Python
    3.11, shared machine): on the compiled graph of the seed catalog (256 nodes,
    609 edges) 0.34 ms against 1.26 ms for building an ``nx.DiGraph`` and running
    ``strongly_connected_components``; on that of ``synthetic_catalog(10000,
    seed=0)`` (22,866 nodes, 96,000 edges) 158 ms against 837 ms."""
    index: dict[Any, int] = {}
    low: dict[Any, int] = {}
    on_stack: set[Any] = set()
    stack: list[Any] = []
    comp: dict[Any, int] = {}
    counter = 0
    ncomp = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            recurse = False
            edges = succ[v]
            while i < len(edges):
                w = edges[i]
                i += 1
                if w not in index:
                    work.append((v, i))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp[w] = ncomp
                    if w == v:
                        break
                ncomp += 1
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return comp
