"""The route page (:func:`api.pages.route_page`): its HTML, and the page in headless Chromium.

The browser tests open the page from a ``file://`` URL with the network
offline (:mod:`tests.browser`) at 1280x800 and 1920x1080 and check that every
card is inside the viewport, the steps read in route order, the schedule
strip matches the plan's weeks, the catalog graph appears only when asked
for, and the print layout hides the toggle and keeps cards whole.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from api import pages
from graph.catalog import Catalog
from loaders import parse_catalog
from queries.planner import Plan, plan
from tests.browser import Chromium, HtmlRefs, PageRun, drawn_pixels, off_host_refs, page_data

pytest.importorskip("pyvis")

SIZES = [(1280, 800), (1920, 1080)]


@pytest.fixture(scope="module")
def route(seed: Catalog) -> Plan:
    s = next(s for s in seed.situations if s.role)
    return plan(seed, have=s.have, role=s.role, cert=s.cert, objective=s.objective, hours_per_week=10)


@pytest.fixture(scope="module")
def route_html(seed: Catalog, route: Plan) -> str:
    return pages.route_page(seed, route)


def _catalog(data: dict[str, Any]) -> Catalog:
    catalog, issues = parse_catalog(data)
    assert catalog is not None, issues
    return catalog


def _hostile() -> Catalog:
    evil = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
    return _catalog({
        "skills": [{"id": "basics", "name": f"Basics {evil}"},
                   {"id": "target-skill", "name": "Target & <b>bold</b>", "requires": ["basics"]}],
        "courses": [
            {"id": "c1", "title": f"Course {evil}", "hours": 3, "cost_usd": 10, "teaches": ["basics"]},
            {"id": "c2", "title": "Second -->\u2028<!--", "hours": 4, "cost_usd": 0, "requires": ["basics"],
             "teaches": [{"skill": "target-skill", "level": 2}]},
        ],
        "roles": [{"id": "r", "title": f"Role {evil}", "needs": [{"skill": "target-skill", "level": 2}]}],
    })


def _long_titles() -> Catalog:
    """Titles far wider than a card, one of them a single unbroken word."""
    skills = [{"id": f"s{i}", "name": f"Skill {i}"} for i in range(8)]
    courses = [{"id": f"c{i}", "title": ("Supercalifragilistic" * 8 if i == 3 else
                                         f"Course {i}: " + " ".join(["a very long and winding title"] * 6)),
                "hours": 12 + i, "cost_usd": 5 * i, "teaches": [f"s{i}"],
                "requires": [f"s{i - 1}"] if i else []} for i in range(8)]
    return _catalog({"skills": skills, "courses": courses,
                     "roles": [{"id": "r", "title": "Role " + "with a long name " * 5, "needs": ["s7"]}]})


# -- the HTML -----------------------------------------------------------------------------
def test_route_page_is_an_offline_document_holding_the_plan_json(route_html: str, route: Plan) -> None:
    assert route_html.startswith("<!DOCTYPE html>") and route_html.rstrip().endswith("</html>")
    assert off_host_refs(route_html) == []
    parser = HtmlRefs()
    parser.feed(route_html)
    assert "link" not in parser.tags and "Content-Security-Policy" in route_html
    assert "connect-src 'none'" in route_html
    data = page_data(route_html)
    # exactly the JSON POST /plan answers (Plan.model_dump_json), for the renderer
    assert data["plan"] == json.loads(route.model_dump_json())
    assert "SkillgraphRoute.render(" in route_html and "@media print" in route_html


def test_context_graph_numbers_the_steps_over_a_faded_context(route_html: str, route: Plan) -> None:
    data = page_data(route_html)
    nodes = {n["id"]: n for n in data["nodes"]}
    for s in route.steps:
        assert nodes[s.id]["role"] == "step" and nodes[s.id]["order"] == s.order
        assert nodes[s.id]["label"].startswith(f"{s.order}. ")
    xs = [nodes[s.id]["x"] for s in route.steps]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    chain = [(e["from"], e["to"]) for e in data["edges"] if e["rel"] == "ROUTE"]
    ids = [s.id for s in route.steps] + [route.target["role"]]
    assert chain == list(zip(ids, ids[1:], strict=False))
    assert nodes[route.target["role"]]["role"] == "target"
    assert any(n["role"] == "context" for n in data["nodes"])
    assert all(n["color"]["background"] == "#eeeeee" for n in data["nodes"] if n["role"] == "context")
    assert set(data["labels"]) >= {h.split(":")[0] for h in route.have}


def test_route_to_a_cert_or_to_skills(seed: Catalog) -> None:
    cert = next(c.id for c in seed.certs if c.kind == "vendor-exam")
    p = plan(seed, have=["python:2", "sql"], cert=cert)
    data = page_data(pages.route_page(seed, p))
    chain = [(e["from"], e["to"]) for e in data["edges"] if e["rel"] == "ROUTE"]
    ids = [s.id for s in p.steps] + ([] if p.steps[-1].id == cert else [cert])
    assert chain == list(zip(ids, ids[1:], strict=False)) and all(a != b for a, b in chain)
    assert data["labels"][cert] == seed.get(cert).label  # the goal card's name
    p = plan(seed, have=["python", "python:2"], skills=["gradient-descent:2"])
    data = page_data(pages.route_page(seed, p))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["gradient-descent"]["role"] == "target"
    assert [n["id"] for n in data["nodes"] if n["role"] == "have"] == ["python"]
    assert data["plan"]["target"]["skills"] == ["gradient-descent:2"]


def test_catalog_text_is_escaped() -> None:
    cat = _hostile()
    page = pages.route_page(cat, plan(cat, have=[], role="r"))
    parser = HtmlRefs()
    parser.feed(page)
    assert page.count("</script>") == parser.tags.count("script") == 3  # vis, the renderer, the data
    assert "img" not in parser.tags and "<b>bold</b>" not in page and "\u2028" not in page
    assert off_host_refs(page) == []
    assert "Course </script><script>window.pwned=1</script>" in json.dumps(page_data(page)["plan"])


# -- in Chromium ------------------------------------------------------------------------------
def _open(chromium: Chromium, page: str, name: str, tmp_path: Path, size: tuple[int, int]) -> PageRun:
    path = tmp_path / f"{name}.html"
    path.write_text(page, encoding="utf-8")
    run = chromium.open(path.as_uri())
    assert run.ready, f"{name}: the page never became ready; errors: {run.errors()}"
    _resize(run, size)
    return run


def _resize(run: PageRun, size: tuple[int, int]) -> None:
    run.browser.send("Emulation.setDeviceMetricsOverride", {"width": size[0], "height": size[1],
                                                            "deviceScaleFactor": 1, "mobile": False}, run.session)
    deadline = time.perf_counter() + 5
    while run.js("window.innerWidth") != size[0] and time.perf_counter() < deadline:
        time.sleep(0.05)
    run.js("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))", await_promise=True)


_BOXES = """[...document.querySelectorAll('.sgr-card, .sgr-bar, .sgr-gantt, h1, .sgr-toggle')].map(e => {
  const r = e.getBoundingClientRect();
  return {cls: e.className, left: r.left, right: r.right, top: r.top, width: r.width}; })"""


def _nothing_outside(run: PageRun, width: int) -> list[dict[str, Any]]:
    boxes: list[dict[str, Any]] = run.js(_BOXES)
    outside = [b for b in boxes if b["left"] < 0 or b["right"] > width]
    assert outside == [], f"drawn outside the {width}px viewport: {outside[:3]}"
    assert run.js("document.documentElement.scrollWidth") <= width
    assert run.js("document.body.scrollWidth") <= width
    return boxes


_ARROWS = """[...document.querySelectorAll('.sgr-cards')].flatMap(list => [...list.children].map((c, i, all) =>
  [i > 0 && c.getBoundingClientRect().top === all[i - 1].getBoundingClientRect().top,
   getComputedStyle(c, '::before').content !== 'none']))"""


def _arrows_only_within_rows(run: PageRun) -> bool:
    """An arrow before every card that follows another on its row, and none at the start of a row."""
    pairs = run.js(_ARROWS)
    assert pairs and any(not same for same, _ in pairs[1:]), "the cards should wrap into rows here"
    return all(same == arrow for same, arrow in pairs)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_browser_cards_in_route_order_inside_the_viewport(chromium: Chromium, route_html: str, route: Plan,
                                                          tmp_path: Path, size: tuple[int, int]) -> None:
    run = _open(chromium, route_html, f"route-{size[0]}", tmp_path, size)
    boxes = _nothing_outside(run, size[0])
    cards = [b for b in boxes if "sgr-card" in b["cls"]]
    assert len(cards) == len(route.steps) + 2  # you, the steps, the target
    # reading order: left to right, then row after row
    assert [(round(b["top"]), b["left"]) for b in cards] == sorted((round(b["top"]), b["left"]) for b in cards)
    assert _arrows_only_within_rows(run)
    assert run.js("[...document.querySelectorAll('.sgr-card')].map(c => c.dataset.card)") == \
        ["you", *["step"] * len(route.steps), "target"]
    titles = run.js("[...document.querySelectorAll('.sgr-step .sgr-title')].map(e => e.textContent)")
    assert titles == [s.title for s in route.steps]
    orders = run.js("[...document.querySelectorAll('.sgr-step')].map(e => e.dataset.order)")
    assert orders == [str(s.order) for s in route.steps]
    first = run.js("document.querySelector('.sgr-step').innerText")
    s = route.steps[0]
    assert f"{s.hours:g}" in first and s.reason in first and "Why:" in first
    summary = run.js("document.querySelector('.sgr-summary').textContent")
    assert f"{route.total_steps} steps" in summary and f"{route.weeks} weeks at 10 h/week" in summary
    assert "proven optimal" in summary
    # the schedule strip: one bar per step over its weeks, as the planner laid them out
    spans = run.js("[...document.querySelectorAll('.sgr-bar')].map(b => [b.dataset.id, b.style.gridColumn])")
    assert all(s.week_start is not None and s.week_end is not None for s in route.steps)
    assert spans == [[s.id, f"{(s.week_start or 0) + 1} / {(s.week_end or 0) + 2}"] for s in route.steps]
    axis = run.js("document.querySelectorAll('.sgr-axis').length")
    assert axis == route.weeks
    # the catalog graph is off until asked for
    assert run.js("document.getElementById('sgr-context').hidden") is True
    assert run.js("skillgraph.network") is None
    assert run.errors() == []
    assert all(u.startswith(("file:", "data:")) for u in run.requests()), run.requests()
    run.close()


def test_browser_context_toggle_fades_the_graph_in(chromium: Chromium, route_html: str, route: Plan,
                                                   tmp_path: Path) -> None:
    run = _open(chromium, route_html, "route-context", tmp_path, SIZES[0])
    run.js("document.getElementById('sgr-context-toggle').click()")
    deadline = time.perf_counter() + 30
    while not run.js("skillgraph.contextReady") and time.perf_counter() < deadline:
        time.sleep(0.1)
    assert run.js("skillgraph.contextReady") is True
    time.sleep(0.6)  # the fade
    assert run.js("getComputedStyle(document.getElementById('sgr-context')).opacity") == "1"
    run.js("document.getElementById('sg-network').scrollIntoView()")
    box = run.js("(() => { const r = document.querySelector('#sg-network canvas').getBoundingClientRect();"
                 " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })()")
    png = run.screenshot()
    (tmp_path / "route-context.png").write_bytes(png)
    area = (box["right"] - box["left"]) * (min(box["bottom"], SIZES[0][1]) - max(box["top"], 0))
    assert drawn_pixels(png, {**box, "top": max(box["top"], 0), "bottom": min(box["bottom"], SIZES[0][1])}) \
        > 0.01 * area
    on_graph = run.js("skillgraph.network.body.data.nodes.getIds()")
    assert {s.id for s in route.steps} <= set(on_graph)
    run.js("document.getElementById('sgr-context-toggle').click()")
    assert run.js("document.getElementById('sgr-context').hidden") is True
    assert run.errors() == []
    run.close()


def test_browser_print_layout(chromium: Chromium, route_html: str, tmp_path: Path) -> None:
    run = _open(chromium, route_html, "route-print", tmp_path, SIZES[0])
    run.browser.send("Emulation.setEmulatedMedia", {"media": "print"}, run.session)
    assert run.js("getComputedStyle(document.querySelector('.sgr-toggle')).display") == "none"
    assert run.js("getComputedStyle(document.getElementById('sgr-context')).display") == "none"
    looks = run.js("[...document.querySelectorAll('.sgr-card')].map(c => { const s = getComputedStyle(c);"
                   " return [s.color, s.backgroundColor, s.breakInside]; })")
    assert looks and all(x == ["rgb(0, 0, 0)", "rgb(255, 255, 255)", "avoid"] for x in looks), looks
    pdf = run.browser.send("Page.printToPDF", {"printBackground": False}, run.session)["data"]
    assert len(pdf) > 1000
    assert run.errors() == []
    run.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_browser_long_titles_wrap_in_full(chromium: Chromium, tmp_path: Path, size: tuple[int, int]) -> None:
    cat = _long_titles()
    p = plan(cat, have=[], role="r", hours_per_week=10)
    assert len(p.steps) == 8
    run = _open(chromium, pages.route_page(cat, p), "route-long", tmp_path, size)
    _nothing_outside(run, size[0])
    titles = run.js("[...document.querySelectorAll('.sgr-step .sgr-title')].map(e => e.textContent)")
    assert titles == [s.title for s in p.steps]  # in full, not cut
    clipped = run.js("[...document.querySelectorAll('.sgr-step .sgr-title')]"
                     ".filter(e => e.scrollWidth > e.clientWidth + 1).length")
    assert clipped == 0
    assert run.errors() == []
    run.close()


def test_browser_infeasible_route_says_what_is_unreachable(chromium: Chromium, seed: Catalog,
                                                           tmp_path: Path) -> None:
    p = plan(seed, have=[], role=seed.roles[0].id, budget=0)
    assert not p.feasible and p.unreachable
    run = _open(chromium, pages.route_page(seed, p), "route-infeasible", tmp_path, SIZES[0])
    assert "no complete route" in run.js("document.querySelector('.sgr-summary').textContent")
    listed = run.js("document.querySelector('.sgr-unreachable').innerText")
    for u in p.unreachable:
        assert u.reason in listed
    assert run.errors() == []
    run.close()


def test_browser_hostile_text_runs_no_script(chromium: Chromium, tmp_path: Path) -> None:
    cat = _hostile()
    run = _open(chromium, pages.route_page(cat, plan(cat, have=[], role="r")), "route-hostile", tmp_path, SIZES[0])
    assert run.js("window.pwned === undefined") is True
    assert run.js("document.querySelectorAll('img').length") == 0
    assert "Role </script>" in run.js("document.getElementById('sg-title').textContent")
    assert "Course </script><script>" in run.js("document.querySelector('.sgr-step .sgr-title').textContent")
    run.js("skillgraph.showContext(true)")
    deadline = time.perf_counter() + 30
    while not run.js("skillgraph.contextReady") and time.perf_counter() < deadline:
        time.sleep(0.1)
    assert run.js("window.pwned === undefined") is True and run.js("document.querySelectorAll('img').length") == 0
    assert run.errors() == []
    run.close()


def test_cli_and_api_route_pages_lay_the_schedule_out_at_the_pace(seed: Catalog, seed_client: Any, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from api import cli

    out = tmp_path / "route.html"
    assert cli.main(["viz", "--role", "ml-engineer-gcp", "--have", "python,sql", "--hours-per-week", "5",
                     "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    want = plan(seed, have=["python", "sql"], role="ml-engineer-gcp", hours_per_week=5)
    assert page_data(out.read_text())["plan"]["weeks"] == want.weeks
    assert cli.main(["viz", "--role", "ml-engineer-gcp", "--have", "python,sql", "-o", str(out)]) == 0
    assert page_data(out.read_text())["plan"]["hours_per_week"] == 10  # the CLI's default pace
    r = seed_client.get("/viz/plan", params={"role": "ml-engineer-gcp", "have": "python,sql", "hours_per_week": 5})
    assert r.status_code == 200 and page_data(r.text)["plan"] == json.loads(want.model_dump_json()) | {
        "solve_ms": page_data(r.text)["plan"]["solve_ms"]}
    assert seed_client.get("/viz/plan", params={"role": "ml-engineer-gcp", "hours_per_week": 0}).status_code == 422


def test_browser_card_shows_exam_notes_and_the_monthly_bill(chromium: Chromium, seed: Catalog,
                                                           tmp_path: Path) -> None:
    p = plan(seed, have=["python", "sql"], cert="google-pmle", experience_years=1, hours_per_week=10)
    run = _open(chromium, pages.route_page(seed, p), "route-notes", tmp_path, SIZES[0])
    exam = next(s for s in p.steps if s.id == "google-pmle")
    notes = run.js(f"[...document.querySelectorAll('.sgr-step[data-id=\"{exam.id}\"] .sgr-step-notes li')]"
                   ".map(e => e.textContent)")
    assert [n.lstrip("\u26a0 ") for n in notes] == exam.notes and "isn't realistic" in notes[-1]
    (bill,) = p.subscriptions
    billed = run.js("document.querySelector('.sgr-billing').textContent")
    assert bill.title in billed and bill.how in billed
    step = next(s for s in p.steps if s.id in bill.steps)
    assert run.js(f"document.querySelector('.sgr-step[data-id=\"{step.id}\"] dd[title]').title") == step.cost_basis
    assert run.errors() == []
    run.close()
