"""Interactive HTML pages of the catalog, drawn with pyvis (vis-network).

Three views, each a complete HTML document returned as a string:

- :func:`catalog_page`: the whole catalog, or only some node kinds;
- :func:`route_page`: a planner :class:`~queries.planner.Plan` as cards in
  the order taken ("You", the steps, the target) with a week-by-week
  schedule, drawn by ``route_view.js`` (shared with the learner's page,
  :mod:`api.pages.route`); the graph around the route behind a toggle;
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
  is rendered into this package's own template (``api/pages/templates/page.html.j2``), with vis-network's JavaScript
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
  (``benchmarks/bench_pages.py`` measures it). Every page switches physics
  off once laid out: a force layout left running slowly rotates the whole
  graph, so nodes would drift from under the mouse.
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

from api.pages.builders import catalog_page, iframe, neighbourhood_page, route_page
from api.pages.styles import EDGE_STYLES, NODE_STYLES, EdgeStyle, NodeStyle
from api.pages.view import LARGE_GRAPH

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
