"""``GET /graph``: nodes and edges for front ends, whole or around one record."""

from __future__ import annotations

from typing import Annotated

import networkx as nx
from fastapi import APIRouter, Query

from api.http.deps import CatalogDep
from api.http.routes._records import ERRORS
from api.http.schemas import MAX_DEPTH, GraphEdge, GraphNode, GraphPublic

router = APIRouter(prefix="/graph", tags=["graph"], responses=ERRORS)


@router.get("", summary="The catalog graph as nodes and edges")
def get_graph(
    catalog: CatalogDep,
    center: Annotated[str | None, Query(max_length=200, description="only the neighbourhood of this id",
                                        examples=["vertex-ai"])] = None,
    depth: Annotated[int, Query(ge=0, le=MAX_DEPTH, description="hops from `center`, either direction")] = 1,
    limit: Annotated[int, Query(ge=1, le=50_000, description="most nodes")] = 5000,
) -> GraphPublic:
    g = catalog.graph
    if center is None:
        ids = list(g.nodes)
    else:
        catalog.get(center)  # UnknownId with suggestions
        # Breadth-first, so a cut by `limit` keeps the nearest nodes.
        lengths = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), center, cutoff=depth)
        ids = sorted(lengths, key=lambda n: (lengths[n], n))
    truncated = len(ids) > limit
    keep = set(ids[:limit])
    nodes = [GraphNode(id=n, type=g.nodes[n]["type"], label=g.nodes[n]["label"]) for n in ids[:limit]]
    edges = [GraphEdge(source=u, target=v, **{k: x for k, x in d.items() if x is not None})
             for u, v, d in g.edges(ids[:limit], data=True) if v in keep]  # in node order: stable between starts
    return GraphPublic(nodes=nodes, edges=edges, count=len(nodes), truncated=truncated)
