"""How long catalog pages take to build and to become interactive in headless Chromium.

Usage::

    python -m benchmarks.bench_pages [--sizes 200,500,1000,2000] [--repeat 3] [--seed 3] [--keep DIR]

For synthetic catalogs (:func:`loaders.synthetic.synthetic_catalog`) sized to
about each node count, plus the shipped seed catalog as a baseline, it
builds :func:`api.pages.catalog_page` and opens it from a ``file://`` URL in
headless Debian Chromium (network offline, fresh profile; driven over the
DevTools pipe by the browser client in ``tests/browser.py``). It
reports, per page:

* ``build ms``: Python time to build the HTML, and its size;
* ``ready ms``: from navigation start to the first frame drawn after the
  layout settled and physics was switched off (the page's own
  ``performance.now()`` at ``window.skillgraph.ready``), median of the runs;
* ``wall ms``: the same seen from outside (``Page.navigate`` until the page
  reports ready, polled every 50 ms), median;
* ``frame ms``: one redraw after a zoom once ready (what panning and zooming
  cost), median;
* ``errors``: console errors or uncaught exceptions (must be 0).

Catalog pages are laid out in Python (columns by prerequisite depth,
:mod:`api.pages.layout`; ``layout`` reads ``columns``) and run no physics, so
``ready ms`` is loading the data and drawing once; pages above
``api.pages.LARGE_GRAPH`` nodes also draw straight edges and hide them while
dragging or zooming (``large``). Machine: whatever runs it; the numbers in the
README came from 2 shared cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from api import pages
from graph.catalog import Catalog
from loaders import load_catalog
from tests.browser import Chromium, find_chromium, page_data


def sized_catalog(n_nodes: int, seed: int) -> Catalog:
    """A synthetic catalog with about ``n_nodes`` nodes (courses are ~78% of the nodes)."""
    from loaders.synthetic import synthetic_catalog

    n = max(60, int(n_nodes * 0.78))
    cat = synthetic_catalog(n, seed=seed)
    for _ in range(20):
        total = sum(cat.counts().values())
        if abs(total - n_nodes) <= max(10, n_nodes // 50):
            break
        n = max(60, int(n * n_nodes / total))
        cat = synthetic_catalog(n, seed=seed)
    return cat


def measure(browser: Chromium, catalog: Catalog, name: str, repeat: int, workdir: Path,
            keep: Path | None) -> dict[str, Any]:
    started = time.perf_counter()
    page = pages.catalog_page(catalog)
    build_ms = (time.perf_counter() - started) * 1000
    path = workdir / f"{name}.html"
    path.write_text(page, encoding="utf-8")
    ready, wall, frame, errors = [], [], [], 0
    nodes = edges = 0
    placed = page_data(page)["options"]["physics"].get("enabled") is False
    for i in range(repeat):
        run = browser.open(path.as_uri(), timeout=300)
        if not run.ready:
            raise SystemExit(f"{name}: the page never became ready; errors: {run.errors()}")
        ready.append(run.js("skillgraph.readyAt"))
        wall.append(run.wall_s * 1000)
        frame.append(run.js(
            "new Promise(done => { const n = skillgraph.network, t = performance.now();"
            " n.once('afterDrawing', () => done(performance.now() - t));"
            " n.moveTo({scale: n.getScale() * 1.25}); })", await_promise=True))
        nodes, edges = run.js("[skillgraph.nodes.length, skillgraph.edges.length]")
        errors += len(run.errors())
        if keep is not None and i == 0:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"{name}.png").write_bytes(run.screenshot())
        run.close()
    return {"page": name, "nodes": nodes, "edges": edges, "large": nodes > pages.LARGE_GRAPH, "placed": placed,
            "html_kb": len(page.encode()) / 1024, "build_ms": build_ms, "ready_ms": statistics.median(ready),
            "wall_ms": statistics.median(wall), "frame_ms": statistics.median(frame), "errors": errors}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="200,500,1000,2000", help="node counts of the synthetic catalogs")
    ap.add_argument("--repeat", type=int, default=3, help="page loads per catalog (median reported)")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="write a screenshot of each page here")
    args = ap.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        print("Chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    catalogs: list[tuple[str, Catalog]] = []
    try:
        catalogs.append(("seed", load_catalog()))
    except Exception as err:
        print(f"note: seed catalog skipped: {err}", file=sys.stderr)
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        catalogs.append((f"synthetic-{size}", sized_catalog(size, args.seed)))
    browser = Chromium(chromium, timeout=300)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, cat in catalogs:
                rows.append(measure(browser, cat, name, args.repeat, Path(tmp), args.keep))
                r = rows[-1]
                print(f"  measured {name}: {r['nodes']} nodes, ready in {r['ready_ms']:.0f} ms", file=sys.stderr)
    finally:
        browser.close()
    print(f"{browser.version}; median of {args.repeat} loads; large-graph drawing above {pages.LARGE_GRAPH} nodes")
    head = ("page", "nodes", "edges", "layout", "html KB", "build ms", "ready ms", "wall ms", "frame ms", "errors")
    table = [head]
    for r in rows:
        layout = ("columns" if r["placed"] else "physics") + (", large" if r["large"] else "")
        table.append((r["page"], str(r["nodes"]), str(r["edges"]), layout,
                      f"{r['html_kb']:.0f}", f"{r['build_ms']:.0f}", f"{r['ready_ms']:.0f}", f"{r['wall_ms']:.0f}",
                      f"{r['frame_ms']:.1f}", str(r["errors"])))
    widths = [max(len(t[i]) for t in table) for i in range(len(head))]
    for i, t in enumerate(table):
        print("  ".join(c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(t, widths, strict=True))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
