"""Tests of the interactive pages: the HTML itself, ``skillgraph viz``, and
each view opened in headless Chromium.

The browser tests drive Debian's ``chromium`` over the DevTools protocol on a
pipe (``--remote-debugging-pipe``), so they need no extra Python package and
download nothing. Each page is opened from a ``file://`` URL with network
emulation set to offline; the tests assert that the graph canvas drew
(non-background pixels in a PNG screenshot, decoded here with zlib), that no
console error or uncaught exception happened, that every request was
``file:`` or ``data:``, and that the route view shows its numbered steps.
Without Chromium these tests skip, except under ``CI=true`` where they fail.
``CHROMIUM=/path/to/chromium`` picks another executable; set
``SKILLGRAPH_SCREENSHOTS=DIR`` to keep the screenshots.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from api import cli, pages
from api.pages.facts import short
from graph.catalog import Catalog
from graph.errors import UnknownId
from loaders import load_catalog, parse_catalog
from queries.planner import plan

pyvis = pytest.importorskip("pyvis")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--hide-scrollbars",
    "--disable-dev-shm-usage",
]
WINDOW = (1280, 900)


# -- helpers on the HTML ------------------------------------------------------------
def page_data(page: str) -> dict[str, Any]:
    """The JSON the page hands to vis-network (nodes, edges, options)."""
    m = re.search(r"var SG = (\{.*?\});\n", page)
    assert m, "no embedded graph data"
    data: dict[str, Any] = json.loads(m.group(1))
    return data


class _Refs(HTMLParser):
    """Every src/href attribute, every url(...) in CSS, and the text of <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self._in: str | None = None
        self.css: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if value is None:
                continue
            if name in ("src", "href", "srcset", "action", "formaction", "poster", "data", "background"):
                self.refs.append((f"{tag}[{name}]", value))
            if name == "style":
                self.css.append(value)
        self._in = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.css.append(data)


def off_host_refs(page: str, host: str = "") -> list[str]:
    """src/href/url() values that would load from another host (http(s)://other or //other)."""
    parser = _Refs()
    parser.feed(page)
    refs = list(parser.refs)
    for css in parser.css:
        refs += [("css url()", m.strip("'\" ")) for m in re.findall(r"url\(\s*([^)]*?)\s*\)", css)]
        refs += [("css @import", m) for m in re.findall(r"@import\s+['\"]([^'\"]+)", css)]
    bad = []
    for where, ref in refs:
        url = urlparse(ref.strip())
        if ref.strip().startswith("//") or (url.scheme in ("http", "https", "ws", "wss", "ftp") and
                                            url.hostname not in (host or None, "localhost", "127.0.0.1")):
            bad.append(f"{where}={ref[:80]}")
    return bad


def test_off_host_detector_catches_cdn_links() -> None:
    # The detector itself: pyvis' own page (in_line) links Bootstrap from a CDN.
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    net.add_node("a")
    bad = off_host_refs(net.generate_html())
    assert any("cdn.jsdelivr.net" in b for b in bad)
    assert off_host_refs('<img src="//evil.example/x.png">') == ["img[src]=//evil.example/x.png"]
    assert off_host_refs('<style>a{background:url("https://x.example/a.png")}</style>')
    assert off_host_refs('<div style="background: url(http://x.example/a.png)"></div>')
    assert off_host_refs('<a href="#x"></a><img src="data:image/png;base64,AAAA">') == []


# -- fixtures -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed() -> Catalog:
    return load_catalog()


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
        parser = _Refs()
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
    course = next(c for c in seed.courses if c.rating and c.provider and c.cost_usd and c.source)
    title = nodes[course.id]["title"]
    assert course.title in title
    assert f"hours: {course.hours:g}" in title
    assert "cost: $" in title
    assert f"rating: {course.rating:g}" in title
    assert f"provider: {course.provider}" in title
    source = next(s for s in seed.sources if s.id == course.source)
    assert "source: " + source.title[:40] in title
    cert = next(c for c in seed.certs if c.kind == "vendor-exam" and c.exam_cost_usd)
    assert "exam cost: $" in nodes[cert.id]["title"] and "prep hours" in nodes[cert.id]["title"]
    role = seed.roles[0]
    assert "essential" in nodes[role.id]["title"]


def test_kinds_filter_and_errors(seed: Catalog) -> None:
    data = page_data(pages.catalog_page(seed, kinds=["skill", "role"]))
    assert {n["kind"] for n in data["nodes"]} == {"skill", "role"}
    assert {e["rel"] for e in data["edges"]} == {"REQUIRES", "NEEDS"}
    with pytest.raises(UnknownId, match="unknown node kind 'skils' \\(did you mean skill"):
        pages.catalog_page(seed, kinds=["skils"])


def test_route_view_numbers_the_steps_over_a_faded_context(route_html: str, route: Any) -> None:
    data = page_data(route_html)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert route.steps
    for s in route.steps:
        n = nodes[s.id]
        assert n["role"] == "step" and n["order"] == s.order
        assert n["label"].startswith(f"{s.order}. ")
        assert n["color"]["border"] == "#111111"
    # steps left to right in route order, pinned in place
    xs = [nodes[s.id]["x"] for s in route.steps]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    # the route edges chain you -> 1 -> 2 ... -> target
    chain = [(e["from"], e["to"]) for e in data["edges"] if e["rel"] == "ROUTE"]
    ids = ["@you", *[s.id for s in route.steps], route.target["role"]]
    assert chain == list(zip(ids, ids[1:], strict=False))
    assert nodes[route.target["role"]]["role"] == "target"
    for h in route.have:
        assert nodes[h.split(":")[0]]["role"] == "have"
        assert nodes[h.split(":")[0]]["label"].startswith("\u2713 ")
    faded = [n for n in data["nodes"] if n["role"] in ("context", "optional")]
    assert faded and all(n["color"]["background"] == "#eeeeee" for n in faded)
    # the step list and the totals in the header
    items = re.findall(r'<li data-id="([^"]+)" data-order="(\d+)">', route_html)
    assert items == [(s.id, str(s.order)) for s in route.steps]
    assert f'data-total="steps"><b>{route.total_steps}</b>' in route_html
    assert f'data-total="hours"><b>{route.total_hours:g}</b>' in route_html
    assert 'data-total="USD"><b>' in route_html
    assert "proven optimal" in route_html


def test_route_view_to_a_cert_or_to_skills(seed: Catalog) -> None:
    cert = next(c.id for c in seed.certs if c.kind == "vendor-exam")
    p = plan(seed, have=["python:2", "sql"], cert=cert)
    data = page_data(pages.route_page(seed, p))
    chain = [(e["from"], e["to"]) for e in data["edges"] if e["rel"] == "ROUTE"]
    ids = ["@you", *[s.id for s in p.steps]]
    if p.steps[-1].id != cert:
        ids.append(cert)
    assert chain == list(zip(ids, ids[1:], strict=False))
    assert all(a != b for a, b in chain)
    p = plan(seed, have=["python", "python:2"], skills=["gradient-descent:2"])
    data = page_data(pages.route_page(seed, p))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["gradient-descent"]["role"] == "target"
    assert [n["id"] for n in data["nodes"] if n["role"] == "have"] == ["python"]


def test_route_view_of_an_infeasible_plan_says_so(seed: Catalog) -> None:
    p = plan(seed, have=[], role=seed.roles[0].id, budget=0)
    page = pages.route_page(seed, p)
    assert not p.feasible
    assert "no complete route" in page and "Not reachable:" in page


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
    p = plan(cat, have=[], role="r")
    for page in (pages.catalog_page(cat), pages.route_page(cat, p), pages.neighbourhood_page(cat, "c1", 2)):
        assert "<script>window.pwned" not in page
        assert "<img src=x" not in page
        assert "<b>bold</b>" not in page
        parser = _Refs()
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
    assert small["large"] is False and small["freeze"] is False
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


# -- skillgraph viz -------------------------------------------------------------------
@pytest.fixture()
def viz(monkeypatch: pytest.MonkeyPatch) -> Any:
    if "api.cli_viz" not in cli._EXTENSIONS:
        monkeypatch.setattr(cli, "_EXTENSIONS", [*cli._EXTENSIONS, "api.cli_viz"])
    return cli.main


def test_cli_viz_writes_each_view(viz: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "catalog.html"
    assert viz(["viz", "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert off_host_refs(out.read_text()) == []
    out = tmp_path / "skills.html"
    assert viz(["viz", "--kinds", "skill,role", "-o", str(out)]) == 0
    assert {n["kind"] for n in page_data(out.read_text())["nodes"]} == {"skill", "role"}
    out = tmp_path / "route.html"
    assert viz(["viz", "--role", "ml-engineer-gcp", "--have", "python,sql:2", "-o", str(out)]) == 0
    assert any(n["role"] == "step" for n in page_data(out.read_text())["nodes"])
    out = tmp_path / "nb.html"
    assert viz(["viz", "--center", "python", "--depth", "0", "-o", str(out)]) == 0
    assert [n["id"] for n in page_data(out.read_text())["nodes"]] == ["python"]
    capsys.readouterr()
    assert viz(["viz", "--center", "python", "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("argv", "message", "code"),
    [
        (["--role", "ml-enginer-gcp"], "skillgraph: error: unknown role 'ml-enginer-gcp' (did you mean", 1),
        (["--center", "pythn"], "skillgraph: error: unknown id 'pythn' (did you mean python", 1),
        (["--role", "ml-engineer-gcp", "--have", "pyton"], "unknown", 1),
        (["--kinds", "skil"], "unknown node kind 'skil'", 1),
        (["--center", "python", "--role", "ml-engineer-gcp"], "not both", 2),
        (["--have", "python"], "--have needs --role or --cert", 2),
        (["--depth", "2"], "--depth needs --center", 2),
        (["--center", "python", "--kinds", "skill"], "--kinds applies to the catalog view only", 2),
    ],
)
def test_cli_viz_errors_are_one_line(viz: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     argv: list[str], message: str, code: int) -> None:
    out = tmp_path / "x.html"
    assert viz(["viz", *argv, "-o", str(out)]) == code
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()


def test_cli_viz_bad_depth_and_unwritable_file(viz: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        viz(["viz", "--center", "python", "--depth", "-1", "-o", str(tmp_path / "x.html")])
    assert exc.value.code == 2
    assert "whole number from 0 to 10" in capsys.readouterr().err
    assert viz(["viz", "--kinds", "role", "-o", str(tmp_path / "no" / "such" / "dir.html")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_cli_viz_without_pyvis_says_what_to_install(viz: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "pyvis", None)
    assert viz(["viz", "-o", str(tmp_path / "x.html")]) == 1
    err = capsys.readouterr().err
    assert "pyvis is not installed" in err and "skillgraph[server]" in err
    assert len(err.strip().splitlines()) == 1


def test_cli_viz_infeasible_route_exits_3(viz: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    cat = tmp_path / "cat.json"
    cat.write_text(json.dumps({
        "skills": [{"id": "a", "name": "A"}, {"id": "b", "name": "B", "teachable": False}],
        "courses": [{"id": "c", "title": "C", "hours": 1, "teaches": ["a"]}],
        "roles": [{"id": "r", "title": "R", "needs": ["a", "b"]}],
    }))
    assert viz(["viz", "--catalog", str(cat), "--role", "r", "-o", str(out)]) == 3
    assert "no route reaches every essential goal: b" in capsys.readouterr().out
    assert out.exists()


# -- headless Chromium over the DevTools protocol ---------------------------------------
def find_chromium() -> str | None:
    """The Chromium executable: ``$CHROMIUM`` if set, else Debian's ``chromium`` on PATH."""
    override = os.environ.get("CHROMIUM")
    for name in [override] if override else ["chromium", "/usr/bin/chromium", "chromium-browser"]:
        if path := shutil.which(name):
            return path
    return None


class Chromium:
    """Headless Chromium driven over ``--remote-debugging-pipe`` (fd 3: commands in, fd 4: replies out).

    One browser, a fresh user-data dir; :meth:`open` loads a page in a new
    tab, offline, and returns what happened there.
    """

    def __init__(self, executable: str, *, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="skillgraph-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def fds() -> None:  # in the child, before exec: put the pipe ends on fds 3 and 4
            a = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [executable, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
                f"--window-size={WINDOW[0]},{WINDOW[1]}", "about:blank"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, pass_fds=(3, 4), preexec_fn=fds)
        os.close(to_child_r)
        os.close(from_child_w)
        self._next = 0
        self._lock = threading.Lock()
        self._replies: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self._stderr_thread = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_thread.start()
        self.version = self.send("Browser.getVersion")["product"]

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line.decode(errors="replace"))

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_child, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self._lock:
                        q = self._replies.get(msg["id"])
                    if q is not None:
                        q.put(msg)
                else:
                    self.events.append(msg)

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float | None = None) -> dict[str, Any]:
        with self._lock:
            self._next += 1
            mid = self._next
            q: queue.Queue[dict[str, Any]] = queue.Queue()
            self._replies[mid] = q
        msg: dict[str, Any] = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        try:
            reply = q.get(timeout=timeout or self.timeout)
        except queue.Empty:
            raise TimeoutError(f"Chromium did not answer {method} in {timeout or self.timeout:g} s; stderr: "
                               + "".join(self.stderr[-5:])) from None
        finally:
            with self._lock:
                self._replies.pop(mid, None)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def evaluate(self, session: str, expression: str, *, await_promise: bool = False) -> Any:
        res = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                             "awaitPromise": await_promise}, session)
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expression[:60]}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def open(self, url: str, *, timeout: float = 60.0, wait_ready: bool = True) -> PageRun:
        """Load ``url`` in a new tab with the network offline; wait for the graph to be ready."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        first_event = len(self.events)
        for method, params in (
            ("Runtime.enable", {}),
            ("Log.enable", {}),
            ("Network.enable", {}),
            ("Page.enable", {}),
            ("Network.emulateNetworkConditions", {"offline": True, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1}),
            ("Emulation.setDeviceMetricsOverride", {"width": WINDOW[0], "height": WINDOW[1], "deviceScaleFactor": 1,
                                                    "mobile": False}),
        ):
            self.send(method, params, session)
        started = time.perf_counter()
        self.send("Page.navigate", {"url": url}, session)
        ready = False
        while wait_ready and time.perf_counter() - started < timeout:
            ready = bool(self.evaluate(session, "!!(window.skillgraph && window.skillgraph.ready)"))
            if ready:
                break
            time.sleep(0.05)
        wall = time.perf_counter() - started
        run = PageRun(self, session, target, ready=ready, wall_s=wall)
        run.events = [e for e in self.events[first_event:] if e.get("sessionId") == session]
        return run

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._stderr_thread.join(timeout=5)
        if self.proc.stderr is not None:
            self.proc.stderr.close()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


class PageRun:
    """One page opened in a tab: its events, and helpers to look at it."""

    def __init__(self, browser: Chromium, session: str, target: str, *, ready: bool, wall_s: float) -> None:
        self.browser, self.session, self.target = browser, session, target
        self.ready, self.wall_s = ready, wall_s
        self.events: list[dict[str, Any]] = []

    def js(self, expression: str, *, await_promise: bool = False) -> Any:
        return self.browser.evaluate(self.session, expression, await_promise=await_promise)

    def refresh_events(self) -> None:
        self.events = [e for e in self.browser.events if e.get("sessionId") == self.session]

    def errors(self) -> list[str]:
        """Uncaught exceptions, console.error/assert calls, and error log entries (CSP, failed loads)."""
        self.refresh_events()
        out = []
        for e in self.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.exceptionThrown":
                d = p["exceptionDetails"]
                out.append("Uncaught " + (d.get("exception", {}).get("description") or d.get("text", "")))
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append("console." + p["type"] + ": " + " ".join(str(a.get("value", a.get("description")))
                                                                  for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append(f"log ({p['entry'].get('source')}): {p['entry'].get('text')}")
        return out

    def requests(self) -> list[str]:
        self.refresh_events()
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def hover(self, node: str) -> str:
        """Move the mouse onto ``node`` and return the tooltip's text ("" if none shows)."""
        x, y = self.js(f"(() => {{ const n = skillgraph.network, id = {json.dumps(node)};"
                       " n.focus(id, {scale: 1.5, animation: false}); n.redraw();"
                       " const p = n.canvasToDOM(n.getPositions([id])[id]);"
                       " const r = document.querySelector('#sg-network canvas').getBoundingClientRect();"
                       " return [r.left + p.x, r.top + p.y]; })()")
        for dx in (0, 1, 2):
            self.browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x + dx, "y": y}, self.session)
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline:
            text = self.js("(() => { const t = document.querySelector('.vis-tooltip');"
                           " return t && t.style.visibility !== 'hidden' ? t.innerText : ''; })()")
            if text:
                return str(text)
            time.sleep(0.1)
        return ""

    def screenshot(self) -> bytes:
        data = self.browser.send("Page.captureScreenshot", {"format": "png"}, self.session)["data"]
        return base64.b64decode(data)

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})


def png_pixels(png: bytes) -> tuple[int, int, int, list[bytes]]:
    """Decode an 8-bit, non-interlaced RGB/RGBA PNG: (width, height, channels, rows)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and colour in (2, 6), (depth, colour, interlace)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def drawn_pixels(png: bytes, box: dict[str, float], background: tuple[int, int, int] = (255, 255, 255)) -> int:
    """How many pixels inside ``box`` (CSS px, scale 1) differ from the background colour."""
    width, height, channels, rows = png_pixels(png)
    x0, y0 = max(0, int(box["left"]) + 2), max(0, int(box["top"]) + 2)
    x1, y1 = min(width, int(box["right"]) - 2), min(height, int(box["bottom"]) - 2)
    count = 0
    for y in range(y0, y1):
        row = rows[y]
        for x in range(x0, x1):
            px = row[x * channels:x * channels + 3]
            if max(abs(px[k] - background[k]) for k in range(3)) > 24:
                count += 1
    return count


@pytest.fixture(scope="module")
def chromium() -> Any:
    path = find_chromium()
    if path is None:
        message = "Chromium is not installed (apt-get install chromium); the browser tests need it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    browser = Chromium(path)
    yield browser
    browser.close()


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


def test_png_decoder_reads_every_filter() -> None:
    # A 3x2 RGB image, one row per filter type, checked against known pixels.
    pixels = [[(255, 0, 0), (0, 255, 0), (0, 0, 255)], [(10, 20, 30), (40, 50, 60), (70, 80, 90)]]
    for f in range(5):
        raw = b""
        prev = bytes(9)
        for row in pixels:
            line = bytes(v for px in row for v in px)
            enc = bytearray(line)
            for i in range(9):
                a = line[i - 3] if i >= 3 else 0
                b, c = prev[i], prev[i - 3] if i >= 3 else 0
                pred = [0, a, b, (a + b) >> 1, 0][f]
                if f == 4:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                enc[i] = (line[i] - pred) & 0xFF
            raw += bytes([f]) + bytes(enc)
            prev = line

        def chunk(kind: bytes, body: bytes) -> bytes:
            return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

        png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 2, 8, 2, 0, 0, 0))
               + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
        w, h, ch, rows = png_pixels(png)
        assert (w, h, ch) == (3, 2, 3)
        assert rows == [bytes(v for px in row for v in px) for row in pixels], f
        assert drawn_pixels(png, {"left": -2, "top": -2, "right": 5, "bottom": 4}) == 6


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
    # hovering a node shows its facts
    run.js("document.querySelector('input[data-kind=course]').click()")
    course = next(c for c in seed.courses if c.cost_usd and c.provider)
    tip = run.hover(course.id)
    assert course.title in tip and f"hours: {course.hours:g}" in tip and f"provider: {course.provider}" in tip
    assert run.errors() == []
    run.close()


def test_browser_route_view_shows_numbered_steps(chromium: Chromium, route_html: str, route: Any,
                                                 tmp_path: Path) -> None:
    run = _open(chromium, route_html, "route", tmp_path)
    _check_drawn(run, "route", tmp_path)
    labels = run.js("skillgraph.nodes.get({filter: n => n.role === 'step'}).sort((a, b) => a.order - b.order)"
                    ".map(n => n.label)")
    assert labels == [f"{s.order}. {short(s.title, 48)}" for s in route.steps]
    listed = run.js("[...document.querySelectorAll('#sg-route-steps li')].map(li => li.innerText.split('\\n')[0])")
    assert [x.strip() for x in listed] == [f"{s.order}.{s.title}" for s in route.steps]
    totals = run.js("document.getElementById('sg-totals').innerText")
    assert f"{route.total_steps} steps" in totals and f"{route.total_hours:g} hours" in totals
    # the steps are on screen, left to right in route order
    xs = run.js("(() => { const p = skillgraph.network.getPositions(); return "
                + json.dumps([s.id for s in route.steps]) + ".map(id => skillgraph.network.canvasToDOM(p[id]).x); })()")
    assert xs == sorted(xs) and 0 <= xs[0] and xs[-1] <= WINDOW[0]
    assert run.js("skillgraph.network.physics.physicsEnabled") is False
    run.close()


def test_browser_neighbourhood_view(chromium: Chromium, seed: Catalog, tmp_path: Path) -> None:
    run = _open(chromium, pages.neighbourhood_page(seed, "gradient-descent", 1), "neighbourhood", tmp_path)
    _check_drawn(run, "neighbourhood", tmp_path)
    assert run.js("skillgraph.nodes.get('gradient-descent').role") == "center"
    run.close()


def test_browser_hostile_text_runs_no_script(chromium: Chromium, tmp_path: Path) -> None:
    cat = _hostile()
    run = _open(chromium, pages.route_page(cat, plan(cat, have=[], role="r")), "hostile", tmp_path)
    assert run.js("window.pwned === undefined") is True
    assert run.js("document.querySelectorAll('img').length") == 0
    assert "Role </script>" in run.js("document.getElementById('sg-title').textContent")
    tip = run.hover("c1")  # the tooltip shows the text, it does not parse it
    assert '<img src=x onerror="window.pwned=2">' in tip
    assert run.js("document.querySelectorAll('img').length") == 0 and run.js("window.pwned === undefined")
    assert run.errors() == []
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
