"""``skillgraph viz``: write an interactive, offline HTML page of the graph.

Three views, chosen by the options given:

- the catalog (default), optionally only some node kinds (``--kinds``);
- a route (``--role`` and/or ``--cert``, with ``--have``): the planner's
  cheapest route as cards in route order, with a week-by-week schedule at
  ``--hours-per-week`` (the graph around it behind a toggle);
- a neighbourhood (``--center ID --depth n``): one node and everything
  within n hops.

A command group of :mod:`api.cli`: :func:`register` adds the parser and sets
its handler. pyvis is imported only when the command runs, so the CLI works
without the ``server`` extra until a page is asked for. Exit codes: 0
written, 1 an error (unknown id, missing pyvis, unwritable file), 2 bad
usage (conflicting options, a depth outside 0-:data:`~api.http.schemas.MAX_DEPTH`,
the limit of the API's pages too), 3 a route page was written but the route
does not reach every essential goal (as ``skillgraph plan``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from api.cli.options import UsageError, add_catalog, csv, number, whole
from api.formatting import counted, hours, money
from api.http.schemas import MAX_DEPTH
from graph.errors import SkillGraphError

__all__ = ["register", "run"]

_INSTALL = "install skillgraph[server] (pip install 'skillgraph[server]')"


def register(sub: Any) -> None:
    """Add ``viz`` to the CLI's subparsers."""
    p = sub.add_parser(
        "viz",
        help="write an interactive HTML page: the catalog, a route, or one node's neighbourhood",
        description="Write an interactive, offline HTML page (pyvis). Default: the whole catalog. "
                    "With --role/--cert: your cheapest route as cards in the order taken, with a week-by-week "
                    "schedule. With --center: one node "
                    "and everything within --depth hops.",
    )
    add_catalog(p)
    r = p.add_argument_group("route view")
    r.add_argument("--role", help="target role id")
    r.add_argument("--cert", help="target cert id")
    r.add_argument("--have", type=csv, default=[], help="what you have: skills (id or id:level), courses, certs")
    r.add_argument("--objective", choices=("hours", "cost", "steps"), default="hours",
                   help="what the route minimises (default: hours)")
    r.add_argument("--hours-per-week", type=number(0.5, 168), default=10.0,
                   help="the pace of the week-by-week schedule, 0.5-168 (default: 10)")
    n = p.add_argument_group("neighbourhood view")
    n.add_argument("--center", metavar="ID", help="the node at the centre")
    n.add_argument("--depth", type=whole(0, MAX_DEPTH), default=None,
                   help=f"hops from the centre, 0-{MAX_DEPTH} (default: 1)")
    p.add_argument("--kinds", type=csv, help="catalog view: only these node kinds (skill,course,program,cert,role)")
    p.add_argument("-o", "--output", required=True, metavar="FILE.html", help="where to write the page ('-': stdout)")
    p.set_defaults(handler=run)


def _conflict(args: argparse.Namespace) -> str | None:
    route = bool(args.role or args.cert)
    if route and args.center:
        return "give either --role/--cert (route view) or --center (neighbourhood view), not both"
    if args.have and not route:
        return "--have needs --role or --cert (the route view)"
    if args.depth is not None and not args.center:
        return "--depth needs --center (the neighbourhood view)"
    if args.kinds and (route or args.center):
        return "--kinds applies to the catalog view only"
    return None


def run(args: argparse.Namespace) -> int:
    """Build the page the options ask for and write it."""
    problem = _conflict(args)
    if problem:
        raise UsageError(problem)
    try:
        import pyvis  # noqa: F401

        from api import pages
    except ImportError as err:
        raise SkillGraphError(f"pyvis is not installed; {_INSTALL}") from err
    from loaders import load_catalog
    from queries.planner import plan

    catalog = load_catalog(args.catalog)
    status = 0
    if args.role or args.cert:
        route = plan(catalog, have=args.have, role=args.role, cert=args.cert, objective=args.objective,
                     hours_per_week=args.hours_per_week)
        page = pages.route_page(catalog, route)
        what = (f"route of {counted(route.total_steps, 'step')} ({hours(route.total_hours)}, "
                f"{money(route.total_cost_usd)})")
        if not route.feasible:
            what += "; no route reaches every essential goal: " + ", ".join(u.id for u in route.unreachable)
            status = 3
    elif args.center:
        depth = 1 if args.depth is None else args.depth
        page = pages.neighbourhood_page(catalog, args.center, depth)
        what = f"neighbourhood of {args.center}, depth {depth}"
    else:
        page = pages.catalog_page(catalog, kinds=args.kinds)
        what = "catalog" + (f" ({', '.join(args.kinds)})" if args.kinds else "")
    if args.output == "-":
        sys.stdout.write(page)
        return status
    out = Path(args.output)
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as err:
        raise SkillGraphError(f"cannot write {out}: {err.strerror or err}") from err
    print(f"wrote {out}: {what}")
    return status
