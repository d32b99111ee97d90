"""The route page and the learner's page: a planner route as readable cards.

Both pages draw the route with one small JavaScript renderer shipped beside
this module (``route_view.js`` and ``route_view.css``, inlined into each
page; no build step, nothing fetched). It takes the planner's
:class:`~queries.planner.Plan` JSON exactly as ``POST /plan`` returns it and
draws a "You" card, one card per step in route order (number, title, kind,
hours, cost, weeks at the learner's pace, what it gives, why it is there,
which later steps need it), the goal card, and a week-by-week schedule strip.

- :func:`route_page` (``skillgraph viz --role``, ``GET /viz/plan``) embeds the
  plan and, off by default behind a toggle, the catalog around the route as a
  vis-network graph (the steps numbered and pinned left to right over a
  faded context).
- :func:`learner_page` (``GET /`` of the API) is a form: pick a role or a cert,
  say what you know, set the pace and limits; it calls ``POST /plan`` on the
  server that served it and keeps its state in the URL.

Caveats
-------
Catalog text reaches the pages only as JSON (``<``, ``>`` and ``&`` written as
``\\u003c``...), and the renderer sets it with ``textContent``: no text is
parsed as HTML. A Content-Security-Policy forbids every load; the learner's
page may only talk to its own origin.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from api.pages.facts import facts, short
from api.pages.styles import EDGE_STYLES, FADED, FADED_EDGE, FADED_FONT, NODE_STYLES, ROUTE_EDGE
from api.pages.view import _script_json
from graph.catalog import Catalog
from graph.models import parse_level_ref
from queries.plan_models import Plan

__all__ = ["DEFAULT_PACE", "learner_page", "route_page"]

#: hours a week the schedule assumes when the plan has none (the CLI's and the API's default)
DEFAULT_PACE = 10.0
_MAX_CONTEXT = 80  # faded context nodes around a route


def route_page(catalog: Catalog, plan: Plan, *, title: str | None = None) -> str:
    """A planned route as cards in the order taken, with its schedule; the graph behind it on request.

    Parameters
    ----------
    catalog : Catalog
        The catalog the plan was made from.
    plan : queries.planner.Plan
    title : str, optional
        The page heading; default "Route to <the target's names>".

    Returns
    -------
    str
        A complete, offline HTML document.

    Raises
    ------
    ImportError
        pyvis (which ships vis-network) is not installed.
    """
    target = plan.target or {}
    ids = [t for t in (target.get("role"), target.get("cert")) if t and t in catalog]
    ids += [r for r in (parse_level_ref(s).id for s in target.get("skills") or []) if r in catalog]
    names = ", ".join(catalog.get(t).label for t in ids) or "the target"
    heading = title or f"Route to {names}"
    plan_json = plan.model_dump(mode="json")
    data = {**_context_graph(catalog, plan, ids), "plan": plan_json, "labels": _labels(catalog, plan)}
    return _env().get_template("route.html.j2").render(
        title=heading, data=_script_json(data), vis_js=_vis("vis-network.min.js"), vis_css=_vis("vis-network.css"),
        view_js=_own("route_view.js"), view_css=_own("route_view.css"))


def learner_page(*, title: str = "Plan your route") -> str:
    """The learner's page: a form over ``POST /plan``, the route drawn as on :func:`route_page`.

    It reads roles, certs and skills from the API's own listings, and keeps
    its state in the query string (``role`` or ``cert``, ``have``, ``hpw``,
    ``budget``, ``free``, ``objective``, ``exp``) so a route can be bookmarked.
    """
    return _env().get_template("learner.html.j2").render(
        title=title, pace=f"{DEFAULT_PACE:g}", view_js=_own("route_view.js"), view_css=_own("route_view.css"),
        learner_js=_own("learner.js"))


# -- the data --------------------------------------------------------------------------
def _labels(catalog: Catalog, plan: Plan) -> dict[str, str]:
    """Names of everything the plan mentions by id, for the cards."""
    refs = [*plan.have, *(g.id for g in plan.goals), *(u.id for u in plan.unreachable)]
    for s in plan.steps:
        refs += [*s.gives, *s.earns, *s.serves]
    target = plan.target or {}
    refs += [t for t in (target.get("role"), target.get("cert")) if t]
    refs += [s if isinstance(s, str) else str(s.get("id", "")) for s in target.get("skills") or []]
    out = {}
    for ref in refs:
        i = parse_level_ref(ref).id
        if i in catalog:
            out[i] = catalog.get(i).label
    return out


def _node(catalog: Catalog, id_: str, role: str, **extra: Any) -> dict[str, Any]:
    kind = catalog.kind_of(id_)
    item = catalog.get(id_)
    style = NODE_STYLES[kind]
    node: dict[str, Any] = {
        "id": id_, "label": short(item.label, 40), "shape": style.shape, "size": style.size, "kind": kind,
        "role": role, "title": "\n".join(facts(catalog, kind, item)), "borderWidth": 1,
        "color": {"background": style.color, "border": style.border},
    }
    if style.shape == "box":
        node["widthConstraint"] = {"maximum": 170}
    if role in ("context", "optional"):
        node["color"] = dict(FADED)
        node["font"] = {"color": FADED_FONT}
    elif role in ("step", "target", "have"):
        node["borderWidth"] = 3
        node["color"]["border"] = "#1b5e20" if role == "have" else "#111111"
    node.update(extra)
    return node


def _context_graph(catalog: Catalog, plan: Plan, target_ids: list[str]) -> dict[str, Any]:
    """The catalog around the route: held items, numbered steps, the target, and faded alternatives."""
    nodes: dict[str, dict[str, Any]] = {}
    spacing = 170.0

    def add(id_: str, role: str, **extra: Any) -> None:
        if id_ in catalog and id_ not in nodes:
            nodes[id_] = _node(catalog, id_, role, **extra)

    have = list(dict.fromkeys(parse_level_ref(h).id for h in plan.have))
    for j, h in enumerate(have):
        add(h, "have", x=-spacing, y=(j - (len(have) - 1) / 2) * 55.0, fixed=True)
    steps = [s for s in plan.steps if s.id in catalog]
    for s in steps:
        add(s.id, "step", order=s.order, label=f"{s.order}. {short(s.title, 48)}", x=spacing * (s.order - 1), y=0.0,
            fixed=True, widthConstraint={"minimum": 100, "maximum": 130})
    for k, t in enumerate(target_ids):
        add(t, "target", x=spacing * len(plan.steps), y=k * 120.0, fixed=True, size=30)
    for s in steps:
        for gained in [*s.gives, *s.earns]:
            add(parse_level_ref(gained).id, "gives")
    for goal in plan.goals:
        add(goal.id, {"unreachable": "unreachable", "held": "have", "route": "gives"}.get(goal.status, "optional"))
    g = catalog.graph
    context: list[str] = []
    for goal in plan.goals:
        if goal.id in g and goal.status in ("route", "unreachable"):
            context += [m for m in sorted(g.predecessors(goal.id)) if g.nodes[m]["type"] in ("course", "cert")]
    context += [pos[0] for s in steps if (pos := catalog.program_position(s.id))]
    for m in [m for m in dict.fromkeys(context) if m not in nodes][:_MAX_CONTEXT]:
        add(m, "context")
    faded = {"context", "optional"}
    edges = []
    for src, dst, d in g.subgraph(list(nodes)).edges(data=True):
        dim = nodes[src]["role"] in faded or nodes[dst]["role"] in faded
        style = EDGE_STYLES.get(d["type"])
        edges.append({"from": src, "to": dst, "rel": d["type"], "title": f"{src} {d['type'].lower()} {dst}",
                      "color": {"color": FADED_EDGE if dim or style is None else style.color},
                      "dashes": False if style is None else style.dashes})
    chain = [s.id for s in steps] + [t for t in target_ids if not steps or t != steps[-1].id]
    for a, b in zip(chain, chain[1:], strict=False):
        edges.append({"from": a, "to": b, "rel": "ROUTE", "title": "route order", "width": 4,
                      "color": {"color": ROUTE_EDGE.color}, "dashes": False})
    focus = [n for n, d in nodes.items() if d["role"] in ("have", "step", "target")]
    return {"nodes": list(nodes.values()), "edges": edges, "focus": focus}


# -- assets ------------------------------------------------------------------------------
@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("api.pages", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _inline(text: str, name: str) -> Markup:
    closing = "</script" if name.endswith(".js") else "</style"
    if closing in text.lower():  # pragma: no cover - a file we cannot inline safely
        raise RuntimeError(f"{name} contains {closing!r}; cannot inline it")
    return Markup(text)


@cache
def _own(name: str) -> Markup:
    return _inline(resources.files("api.pages").joinpath(name).read_text(encoding="utf-8"), name)


@cache
def _vis(name: str) -> Markup:
    try:
        lib = resources.files("pyvis").joinpath("templates", "lib", "vis-9.1.2", name)
    except ModuleNotFoundError as err:  # pragma: no cover - the CLI checks first
        raise ImportError("pyvis is not installed; install skillgraph[server] (pip install 'skillgraph[server]')"
                          ) from err
    return _inline(lib.read_text(encoding="utf-8"), name)
