"""Tests of the interactive pages: the HTML itself, and each view opened in
headless Chromium (:mod:`tests.browser`).

Each page is opened from a ``file://`` URL with network emulation set to
offline; the browser tests assert that the graph canvas drew (non-background
pixels in a PNG screenshot), that no console error or uncaught exception
happened, that every request was ``file:`` or ``data:``, and that the route
view shows its numbered steps. Without Chromium they skip, except under
``CI=true`` where they fail. Set ``SKILLGRAPH_SCREENSHOTS=DIR`` to keep the
screenshots. ``skillgraph viz`` is tested in ``tests/api/cli/test_viz.py``.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

from api import pages
from graph.catalog import Catalog
from graph.errors import UnknownId
from loaders import parse_catalog
from queries.planner import plan
from tests.browser import WINDOW, Chromium, HtmlRefs, PageRun, drawn_pixels, off_host_refs, page_data

pyvis = pytest.importorskip("pyvis")

# -- fixtures -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def route(seed: Catalog) -> Any:
    s = next(s for s in seed.situations if s.role)
    return plan(seed, have=s.have, role=s.role, cert=s.cert, objective=s.objective)


@pytest.fixture(scope="module")
def catalog_html(seed: Catalog) -> str:
    return pages.catalog_page(seed)


@pytest.fixture(scope="module")
def route_html(seed: Catalog, route: Any) -> str:
    return pages.route_page(seed, route)


def _hostile() -> Catalog:
    evil = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
    data = {
        "name": f"evil {evil}",
        "skills": [
            {"id": "basics", "name": f"Basics {evil}"},
            {"id": "target-skill", "name": "Target & <b>bold</b>", "requires": ["basics"],
             "description": "-->\u2028<!--"},
        ],
        "courses": [
            {"id": "c1", "title": f"Course {evil}", "hours": 3, "cost_usd": 10, "provider": "P\"'<>",
             "teaches": ["basics"], "url": "javascript:alert(1)"},
            {"id": "c2", "title": "Second", "hours": 4, "cost_usd": 0, "requires": ["basics"],
             "teaches": [{"skill": "target-skill", "level": 2}]},
        ],
        "roles": [{"id": "r", "title": f"Role {evil}", "needs": [{"skill": "target-skill", "level": 2}]}],
    }
    catalog, issues = parse_catalog(data)
    assert catalog is not None, issues
    return catalog


# -- the HTML -----------------------------------------------------------------------
def test_pages_are_complete_offline_documents(seed: Catalog, catalog_html: str, route_html: str) -> None:
    views = {
        "catalog": catalog_html,
        "route": route_html,
        "neighbourhood": pages.neighbourhood_page(seed, "gradient-descent", 2),
        "skills only": pages.catalog_page(seed, kinds=["skill"]),
    }
    for name, page in views.items():
        assert page.startswith("<!DOCTYPE html>"), name
        assert page.rstrip().endswith("</html>"), name
        assert off_host_refs(page) == [], name
        parser = HtmlRefs()
        parser.feed(page)
        assert "link" not in parser.tags, name  # no stylesheet or preload links at all
        assert not re.search(r"<script[^>]*\bsrc=", page), name  # every script inline
        assert "vis.Network" in page and "Content-Security-Policy" in page, name
        assert "bootstrap" not in page.lower() and "cdnjs" not in page and "jsdelivr" not in page, name


def test_every_node_kind_has_its_shape_colour_and_legend(seed: Catalog, catalog_html: str) -> None:
    shapes = {s.shape for s in pages.NODE_STYLES.values()}
    colours = {s.color for s in pages.NODE_STYLES.values()}
    assert len(shapes) == len(pages.NODE_STYLES) and len(colours) == len(pages.NODE_STYLES)
    data = page_data(catalog_html)
    assert len(data["nodes"]) == sum(seed.counts().values())
    for node in data["nodes"]:
        style = pages.NODE_STYLES[node["kind"]]
        assert node["shape"] == style.shape, node["id"]
        assert node["color"]["background"] == style.color, node["id"]
    for kind, style in pages.NODE_STYLES.items():
        count = sum(1 for n in data["nodes"] if n["kind"] == kind)
        assert re.search(rf'data-kind="{kind}">\s*<svg[^>]*>.*?{re.escape(style.color)}.*?</svg>\s*'
                         rf'<span>{re.escape(style.label)}</span> <span class="count">{count}</span>',
                         catalog_html, re.S), kind


def test_relationship_types_are_distinguishable_with_levels(seed: Catalog, catalog_html: str) -> None:
    data = page_data(catalog_html)
    by_rel: dict[str, list[dict[str, Any]]] = {}
    for e in data["edges"]:
        by_rel.setdefault(e["rel"], []).append(e)
    kinds_in_graph = {d["type"] for _, _, d in seed.graph.edges(data=True)}
    assert set(by_rel) == kinds_in_graph
    assert len(data["edges"]) == seed.graph.number_of_edges()
    looks = {(pages.EDGE_STYLES[r].color, json.dumps(pages.EDGE_STYLES[r].dashes)) for r in pages.EDGE_STYLES}
    assert len(looks) == len(pages.EDGE_STYLES)  # no two relationship types drawn alike
    for rel, edges in by_rel.items():
        style = pages.EDGE_STYLES[rel]
        assert {e["color"]["color"] for e in edges} == {style.color}, rel
        assert all(e["dashes"] == style.dashes for e in edges), rel
        assert f'data-rel="{rel}"' in catalog_html, rel  # legend entry with its filter box
    teaches = {(e["from"], e["to"]): e for e in by_rel["TEACHES"]}
    for c in seed.courses:
        for t in c.teaches:
            e = teaches[(c.id, t.skill)]
            assert e["label"] == f"teaches L{t.level}"
            assert e["width"] == pytest.approx(1 + 0.8 * (t.level - 1))
    assert any(e["label"].startswith("requires L") for e in by_rel["REQUIRES"])
    assert any("(any of)" in e["label"] for e in by_rel["REQUIRES"])
    assert any(e["label"].endswith("(optional)") for e in by_rel["NEEDS"])
    assert {e["label"] for e in by_rel["PREPARES_FOR"]} == {"prepares for"}


def test_hover_shows_the_facts(seed: Catalog, catalog_html: str) -> None:
    nodes = {n["id"]: n for n in page_data(catalog_html)["nodes"]}
    course = next(c for c in seed.courses if c.rating and c.provider and c.subscription and c.source)
    title = nodes[course.id]["title"]
    assert course.title in title
    assert f"hours: {course.hours:g}" in title
    assert "cost: billed monthly ($49/month, Coursera paid access) (free to audit)" in title
    book = next(c for c in seed.courses if c.cost_usd and not c.free_audit)
    assert f"cost: ${book.cost_usd:,.2f}" in nodes[book.id]["title"]
    assert f"rating: {course.rating:g}" in title
    assert f"provider: {course.provider}" in title
    source = next(s for s in seed.sources if s.id == course.source)
    assert "source: " + source.title[:40] in title
    cert = next(c for c in seed.certs if c.kind == "vendor-exam" and c.exam_cost_usd)
    assert "exam cost: $" in nodes[cert.id]["title"] and "prep hours" in nodes[cert.id]["title"]
    assert "warning: \"Attempting the exam without relevant hands-on experience first isn't realistic" in \
        nodes["google-pmle"]["title"]
    role = seed.roles[0]
    assert "essential" in nodes[role.id]["title"]


def test_kinds_filter_and_errors(seed: Catalog) -> None:
    data = page_data(pages.catalog_page(seed, kinds=["skill", "role"]))
    assert {n["kind"] for n in data["nodes"]} == {"skill", "role"}
    assert {e["rel"] for e in data["edges"]} == {"REQUIRES", "NEEDS"}
    with pytest.raises(UnknownId, match="unknown node kind 'skils' \\(did you mean skill"):
        pages.catalog_page(seed, kinds=["skils"])








def test_neighbourhood_is_everything_within_depth(seed: Catalog) -> None:
    import networkx as nx

    und = seed.graph.to_undirected(as_view=True)
    for depth in (0, 1, 2):
        data = page_data(pages.neighbourhood_page(seed, "gradient-descent", depth))
        want = set(nx.ego_graph(und, "gradient-descent", radius=depth))
        assert {n["id"] for n in data["nodes"]} == want
        center = next(n for n in data["nodes"] if n["id"] == "gradient-descent")
        assert center["role"] == "center"
    with pytest.raises(UnknownId, match="gradient-decent"):
        pages.neighbourhood_page(seed, "gradient-decent", 1)
    with pytest.raises(ValueError, match="depth"):
        pages.neighbourhood_page(seed, "gradient-descent", -1)


def test_catalog_text_is_escaped() -> None:
    cat = _hostile()
    for page in (pages.catalog_page(cat), pages.neighbourhood_page(cat, "c1", 2)):
        assert "<script>window.pwned" not in page
        assert "<img src=x" not in page
        assert "<b>bold</b>" not in page
        parser = HtmlRefs()
        parser.feed(page)
        assert page.count("</script>") == parser.tags.count("script") == 2
        assert "img" not in parser.tags
        assert "\u2028" not in page
        assert off_host_refs(page) == []
        data = page_data(page)  # the escaped JSON still parses back to the text
        assert any("</script><script>window.pwned=1</script>" in n["label"] or
                   "</script><script>window.pwned=1</script>" in n["title"] for n in data["nodes"])


def test_large_graphs_switch_physics_off(seed: Catalog) -> None:
    small = page_data(pages.catalog_page(seed, kinds=["role"]))
    assert small["large"] is False and small["freeze"] is True  # every page stops its physics once laid out
    big = _big_catalog(pages.LARGE_GRAPH + 50)
    data = page_data(pages.catalog_page(big))
    assert len(data["nodes"]) > pages.LARGE_GRAPH
    assert data["large"] is True and data["freeze"] is True
    assert data["options"]["edges"]["smooth"] is False
    assert data["options"]["physics"]["stabilization"]["iterations"] <= 300
    assert data["options"]["interaction"]["hideEdgesOnDrag"] is True


def test_iframe_wraps_a_page_for_notebooks(seed: Catalog) -> None:
    page = pages.catalog_page(seed, kinds=["role"])
    frame = pages.iframe(page, height=400)
    assert frame.startswith('<div class="skillgraph-page"><iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert "height:400px" in frame
    assert "<script" not in frame


def _big_catalog(n_nodes: int) -> Catalog:
    """A synthetic catalog of at least ``n_nodes`` nodes (courses are about 78% of them)."""
    from loaders.synthetic import synthetic_catalog

    n = max(100, int(n_nodes * 0.78))
    cat = synthetic_catalog(n, seed=3)
    while sum(cat.counts().values()) < n_nodes:
        n += max(10, n // 20)
        cat = synthetic_catalog(n, seed=3)
    return cat


def _open(chromium: Chromium, page: str, name: str, tmp_path: Path) -> PageRun:
    path = tmp_path / f"{name}.html"
    path.write_text(page, encoding="utf-8")
    run = chromium.open(path.as_uri())
    assert run.ready, f"{name}: the graph never became ready; errors: {run.errors()}"
    return run


def _keep(png: bytes, name: str, tmp_path: Path) -> None:
    (tmp_path / f"{name}.png").write_bytes(png)
    keep = os.environ.get("SKILLGRAPH_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{name}.png").write_bytes(png)


def _check_drawn(run: PageRun, name: str, tmp_path: Path) -> int:
    box = run.js("(() => { const r = document.querySelector('#sg-network canvas').getBoundingClientRect();"
                 " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })()")
    assert box["right"] - box["left"] > 600 and box["bottom"] - box["top"] > 500, box
    png = run.screenshot()
    _keep(png, name, tmp_path)
    drawn = drawn_pixels(png, box)
    area = (box["right"] - box["left"]) * (box["bottom"] - box["top"])
    assert drawn > 0.01 * area, f"{name}: the canvas looks blank ({drawn} drawn pixels of {area:.0f})"
    assert run.errors() == [], name
    assert all(u.startswith(("file:", "data:")) for u in run.requests()), run.requests()
    return drawn


def test_browser_catalog_view(chromium: Chromium, catalog_html: str, seed: Catalog, tmp_path: Path) -> None:
    run = _open(chromium, catalog_html, "catalog", tmp_path)
    _check_drawn(run, "catalog", tmp_path)
    assert run.js("skillgraph.nodes.length") == sum(seed.counts().values())
    # the type filter hides a kind, the search finds a node by name
    run.js("document.querySelector('input[data-kind=course]').click()")
    assert run.js("skillgraph.nodes.get({filter: n => n.kind === 'course' && !n.hidden}).length") == 0
    assert run.js("skillgraph.search('gradient descent')") == ["gradient-descent"]
    assert run.js("skillgraph.network.getSelectedNodes()") == ["gradient-descent"]
    assert run.js("document.getElementById('sg-find-status').textContent") == "Found gradient-descent."
    # hovering a node shows its facts; the layout is frozen, so re-showing a kind moves nothing
    course = next(c for c in seed.courses if c.cost_usd and c.provider)
    where = f"skillgraph.network.getPositions([{json.dumps(course.id)}])[{json.dumps(course.id)}]"
    before = run.js(where)
    run.js("document.querySelector('input[data-kind=course]').click()")
    assert run.js("skillgraph.network.physics.physicsEnabled") is False
    time.sleep(0.5)
    assert run.js(where) == before, "a node moved after its kind was shown again"
    tip = run.hover(course.id)
    assert course.title in tip and f"hours: {course.hours:g}" in tip and f"provider: {course.provider}" in tip
    assert run.errors() == []
    run.close()




def test_browser_neighbourhood_view(chromium: Chromium, seed: Catalog, tmp_path: Path) -> None:
    run = _open(chromium, pages.neighbourhood_page(seed, "gradient-descent", 1), "neighbourhood", tmp_path)
    _check_drawn(run, "neighbourhood", tmp_path)
    assert run.js("skillgraph.nodes.get('gradient-descent').role") == "center"
    run.close()




def test_browser_large_graph_becomes_interactive(chromium: Chromium, tmp_path: Path) -> None:
    big = _big_catalog(600)
    run = _open(chromium, pages.catalog_page(big), "large", tmp_path)
    _check_drawn(run, "large", tmp_path)
    assert run.js("skillgraph.network.physics.physicsEnabled") is False
    assert run.wall_s < 30, f"the 600-node page took {run.wall_s:.1f} s to become interactive"
    run.close()


def test_browser_notebook_iframe_draws(chromium: Chromium, seed: Catalog, route: Any, tmp_path: Path) -> None:
    # What a notebook shows: the page inside a sandboxed <iframe srcdoc>, scripts allowed, no same origin.
    frame = pages.iframe(pages.route_page(seed, route), height=700)
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><body style='margin:0'>{frame}</body></html>", encoding="utf-8")
    run = chromium.open(path.as_uri(), wait_ready=False)
    box = {"left": 0, "top": 0, "right": WINDOW[0], "bottom": 700}
    drawn, deadline = 0, time.perf_counter() + 60
    while drawn < 0.01 * WINDOW[0] * 700 and time.perf_counter() < deadline:
        time.sleep(0.5)
        png = run.screenshot()
        # only the graph area: left of the side panel, below the header
        drawn = drawn_pixels(png, {**box, "top": 120, "right": WINDOW[0] - 320})
    _keep(png, "notebook-iframe", tmp_path)
    assert drawn >= 0.01 * WINDOW[0] * 700, "the page in the iframe did not draw"
    assert run.errors() == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in run.requests()), run.requests()
    run.close()
