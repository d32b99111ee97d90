"""``skillgraph plan``, ``roles`` and ``gap``: routes, closest roles and gaps, as tables or JSON.

``plan`` exits 0 with a route to every essential goal and 3 when some goal is
unreachable (the route covers the rest).
"""

from __future__ import annotations

import argparse
import shutil
import textwrap
from typing import Any

from api.cli.options import UsageError, add_catalog, add_format, csv, emit, load, number, whole
from api.formatting import counted, hours, level_label, level_tag, money, price
from graph.catalog import Catalog
from graph.models import Situation
from queries.advice import Verdict, check_advice, describe, situation
from queries.gaps import Gap, RoleDistance, closest_roles, gap
from queries.planner import OBJECTIVES, Plan, plan

__all__ = ["register", "render_plan"]


def register(sub: Any) -> None:
    """Add ``plan``, ``roles`` and ``gap`` to the CLI's subparsers."""
    p = sub.add_parser("plan", help="the cheapest route from your skills to a role, cert or skills")
    add_catalog(p)
    p.add_argument("--db", action="store_true", help="plan on the live graph database (NEO4J_URI ...)")
    p.add_argument("--situation", help="a learner situation from the catalog (sets have, role, cert, objective)")
    p.add_argument("--role", help="target role id (see: skillgraph catalog stats / show)")
    p.add_argument("--cert", help="target cert id")
    p.add_argument("--skills", type=csv, help="target skills, comma-separated id or id:level")
    p.add_argument("--have", type=csv, default=[], help="what you have: skills (id or id:level), courses, certs")
    p.add_argument("--objective", choices=OBJECTIVES, help="what to minimise (default: hours)")
    p.add_argument("--budget", type=number(0), help="most USD to spend")
    p.add_argument("--max-hours", type=number(0), help="most hours in total")
    p.add_argument("--free-only", action="store_true", help="only free courses or free audits; no exams")
    p.add_argument("--exclude", type=csv, default=[], help="course, program or cert ids never to take")
    p.add_argument("--providers", type=csv, help="take courses only from these providers")
    p.add_argument("--must-include", type=csv, default=[], help="course, program or exam ids to include")
    p.add_argument("--include-optional", action="store_true", help="also plan the role's optional needs")
    p.add_argument("--hours-per-week", type=number(0.5, 168), default=10.0,
                   help="for the weekly schedule, 0.5-168 (default: 10)")
    p.add_argument("--experience-years", type=number(0, 80), metavar="N",
                   help="your years of hands-on experience; exams recommending more are flagged")
    p.add_argument("--respect-experience", action="store_true",
                   help="leave out exams that recommend more experience than --experience-years")
    p.add_argument("--alternatives", type=whole(0, 20), default=0, help="also show this many next-best routes")
    p.add_argument("--time-limit", type=number(0, above=True), default=10.0, help="solver seconds (default: 10)")
    add_format(p)
    p.set_defaults(handler=run_plan)

    p = sub.add_parser("roles", help="roles ranked by the cost of their cheapest route from your skills")
    add_catalog(p)
    p.add_argument("--have", type=csv, default=[], help="what you have")
    p.add_argument("-k", type=whole(1, 100), default=5, help="how many roles, 1-100 (default: 5)")
    p.add_argument("--objective", choices=OBJECTIVES, default="hours")
    p.add_argument("--hours-per-week", type=number(0.5, 168), default=10.0,
                   help="your pace: monthly subscriptions are billed by it (default: 10)")
    add_format(p)
    p.set_defaults(handler=run_roles)

    p = sub.add_parser("gap", help="what you lack for a role and which steps close each gap")
    add_catalog(p)
    p.add_argument("--role", required=True)
    p.add_argument("--have", type=csv, default=[])
    p.add_argument("--objective", choices=OBJECTIVES, default="hours")
    p.add_argument("--hours-per-week", type=number(0.5, 168), default=10.0,
                   help="your pace: the route's schedule, and monthly subscriptions are billed by it (default: 10)")
    add_format(p)
    p.set_defaults(handler=run_gap)


def run_plan(args: argparse.Namespace) -> int:
    if not (args.situation or args.role or args.cert or args.skills):
        raise UsageError("no target: give --role, --cert, --skills or --situation")
    if args.respect_experience and args.experience_years is None:
        raise UsageError("--respect-experience needs --experience-years N (your years of hands-on experience)")
    catalog = load(args)
    sit = situation(catalog, args.situation) if args.situation else None
    if sit is not None:
        args.have = args.have or list(sit.have)
        args.role = args.role or sit.role
        args.cert = args.cert or sit.cert
        args.skills = args.skills or list(sit.skills) or None
        args.objective = args.objective or sit.objective
    result = plan(
        catalog, have=args.have, role=args.role, cert=args.cert, skills=args.skills,
        objective=args.objective or "hours",
        budget=args.budget, max_hours=args.max_hours, free_only=args.free_only, exclude=args.exclude,
        providers=args.providers, must_include=args.must_include, include_optional=args.include_optional,
        hours_per_week=args.hours_per_week, experience_years=args.experience_years,
        respect_experience=args.respect_experience, alternatives=args.alternatives, time_limit=args.time_limit,
    )
    if sit is None:
        emit(args, result.model_dump(mode="json"), lambda: render_plan(result, catalog))
        return 0 if result.feasible else 3
    verdicts = check_advice(sit, result)
    data = {**result.model_dump(mode="json"), "advice": [
        {"check": v.expectation.check, "ids": v.expectation.ids, "text": v.expectation.must_warn,
         "quote": v.expectation.quote, "source": v.expectation.source or sit.source, "agrees": v.holds,
         "found": v.why, "differs": v.expectation.differs} for v in verdicts]}
    emit(args, data, lambda: render_plan(result, catalog) + _render_advice(sit, verdicts))
    return 0 if result.feasible else 3


def _render_advice(sit: Situation, verdicts: list[Verdict]) -> str:
    """The guide's advice for the situation, check by check, and where the route departs from it."""
    if not verdicts:
        return ""
    width = _width()
    lines = ["", f"Guide's advice for {sit.id} (each check against the route above):"]
    for v in verdicts:
        e = v.expectation
        mark = "agrees" if v.holds else "DIFFERS"
        lines.extend(_wrapper(width, f"  [{mark}] ", "      ").wrap(f"{describe(e)}: {v.why}"))
        lines.extend(_wrapper(width, "      ", "        ").wrap(f'"{e.quote}" ({e.source or sit.source})'))
        if not v.holds and e.differs:
            lines.extend(_wrapper(width, "      why: ", "        ").wrap(e.differs))
    differ = [v for v in verdicts if not v.holds]
    lines.append("")
    lines.extend(_wrapper(width, "", "  ").wrap(
        f"Route and advice differ on {len(differ)} of {len(verdicts)} checks: "
        + "; ".join(describe(v.expectation) for v in differ) if differ
        else f"Route and advice agree on all {len(verdicts)} checks."))
    return "\n" + "\n".join(lines)


def run_roles(args: argparse.Namespace) -> int:
    rows = closest_roles(load(args), args.have, args.k, objective=args.objective,
                         hours_per_week=args.hours_per_week)
    emit(args, {"data": [r.model_dump() for r in rows], "count": len(rows)}, lambda: _render_roles(rows))
    return 0


def run_gap(args: argparse.Namespace) -> int:
    g = gap(load(args), have=args.have, role=args.role, objective=args.objective,
            hours_per_week=args.hours_per_week)
    emit(args, g.model_dump(mode="json"), lambda: _render_gap(g))
    return 0


# -- rendering ------------------------------------------------------------------
def _width() -> int:
    return max(72, min(120, shutil.get_terminal_size((100, 20)).columns))


def _wrapper(width: int, first: str, rest: str) -> textwrap.TextWrapper:
    return textwrap.TextWrapper(width=width, break_on_hyphens=False, initial_indent=first, subsequent_indent=rest)


def render_plan(p: Plan, catalog: Catalog | None = None) -> str:
    """The plan as a readable table with reasons."""
    width = _width()
    lines = []
    targets = [t for t in (p.target.get("role"), p.target.get("cert")) if t]
    named = [f"{t} ({catalog.get(t).label})" if catalog is not None and t in catalog else t for t in targets]
    if p.target.get("skills"):
        named.append(", ".join(p.target["skills"]))
    start = ", ".join(p.have) if p.have else "nothing"
    lines.append(f"Route to {' and '.join(named)}")
    lines.extend(_wrapper(width, "from: ", "      ").wrap(start))
    if not p.steps and not p.feasible:
        lines.append("NO ROUTE: see 'Not reachable' below")
    else:
        lines.extend(_wrapper(width, "", "  ").wrap(_verdict(p)))
    weeks = (f", {p.weeks} week{'' if p.weeks == 1 else 's'} at {p.hours_per_week:g} h/week"
             if p.weeks is not None and p.hours_per_week else "")
    lines.append(f"total: {_steps(p.total_steps)}, {hours(p.total_hours)}, {money(p.total_cost_usd)}{weeks}")
    years = p.experience_years
    flagged = [s for s in p.steps if years is not None and (s.recommended_experience_years or 0) > years + 1e-9]
    for s in flagged:
        lines.extend(_wrapper(width, "! ", "  ").wrap(
            f"step {s.order} {s.id} is over your experience: recommended {s.recommended_experience_years:g}+ years, "
            f"you have {p.experience_years:g}"))
    lines.append("")
    if p.steps:
        rows = [("#", "step", "kind", "hours", "cost", "weeks")]
        for s in p.steps:
            wk = "" if s.week_start is None else (f"{s.week_start}" if s.week_start == s.week_end
                                                  else f"{s.week_start}-{s.week_end}")
            cost = price(s.cost_usd, s.free_audit)
            rows.append((str(s.order), s.id, s.kind if s.format in (None, "course", "exam") else s.format,
                         hours(s.hours), cost, wk))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for i, r in enumerate(rows):
            lines.append("  ".join(c.rjust(w) if j in (0, 3) else c.ljust(w) for j, (c, w) in
                                   enumerate(zip(r, widths, strict=True))).rstrip())
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
                continue
            s = p.steps[i - 1]
            pad = " " * (widths[0] + 2)
            wrap = _wrapper(width, pad, pad + "  ")
            lines.extend(wrap.wrap(s.title))
            if s.gives:
                lines.extend(wrap.wrap("gives: " + ", ".join(s.gives)))
            lines.extend(wrap.wrap("why: " + s.reason))
            for b in p.subscriptions:
                if s.id in b.steps:
                    lines.extend(wrap.wrap(f"cost: its share by hours of {b.title}, {s.hours:g} of {b.hours:g} h "
                                           "(see 'Billed monthly')"))
            for note in s.notes:
                lines.extend(wrap.wrap("! " + note))
    else:
        lines.append("No steps needed." if p.feasible else "No steps could be planned.")
    if p.subscriptions:
        lines.append("")
        lines.append("Billed monthly:")
        wrap = _wrapper(width, "  - ", "    ")
        for b in p.subscriptions:
            lines.extend(wrap.wrap(f"{b.title} for steps {', '.join(str(s.order) for s in p.steps if s.id in b.steps)}"
                                   f": {b.how}"))
    if p.unreachable:
        lines.append("")
        lines.append("Not reachable:")
        wrap = _wrapper(width, "  - ", "    ")
        for u in p.unreachable:
            label = u.id if u.kind in ("constraint", "step") else f"{u.id} ({u.importance} {u.kind})"
            lines.extend(wrap.wrap(f"{label}: {u.reason}"))
    if p.warnings:
        lines.append("")
        lines.append("Notes:")
        wrap = _wrapper(width, "  - ", "    ")
        for w in p.warnings:
            lines.extend(wrap.wrap(w))
    for n, alt in enumerate(p.alternatives, 1):
        lines.append("")
        lines.append(f"Alternative {n}: {_steps(alt.total_steps)}, {hours(alt.total_hours)}, "
                     f"{money(alt.total_cost_usd)}: " + " -> ".join(s.id for s in alt.steps))
    return "\n".join(lines)


def _steps(n: int) -> str:
    return counted(n, "step")


def _verdict(p: Plan) -> str:
    """What is feasible and what is proven, in words that never contradict each other."""
    objective = f"for objective '{p.objective}'"
    if p.optimal:
        if p.feasible:
            return f"feasible; proven optimal {objective}"
        return (f"NOT feasible: some goals are unreachable (see 'Not reachable'); the route covers the rest and is "
                f"proven the cheapest that does, {objective}")
    status = "feasible" if p.feasible else "NOT feasible: some goals are unreachable; the route covers the rest"
    bound = f", proven lower bound {p.bound:g}" if p.bound is not None else ""
    cut = ", the solver's time limit cut the search" if p.time_limited else ""
    return f"{status}; best found, not proven optimal ({objective}{bound}{cut})"


def _render_roles(rows: list[RoleDistance]) -> str:
    table = [("role", "route", "hours", "cost", "steps", "missing")]
    for r in rows:
        table.append((r.role, "yes" if r.feasible else "no: " + ", ".join(r.unreachable), hours(r.total_hours),
                      money(r.total_cost_usd) + (" + ?" if r.unpriced else ""), str(r.total_steps), str(r.missing)))
    widths = [max(len(t[i]) for t in table) for i in range(len(table[0]))]
    out = ["  ".join(c.ljust(w) for c, w in zip(t, widths, strict=True)).rstrip() for t in table]
    out.insert(1, "  ".join("-" * w for w in widths))
    unpriced = sorted({s for r in rows for s in r.unpriced})
    if unpriced:
        out += ["", f"+ ?: the route has steps with no price in the catalog, counted as $0: {', '.join(unpriced)}"]
    return "\n".join(out)


def _render_gap(g: Gap) -> str:
    out = [f"Gap to {g.role} ({g.title}): {g.met} met, {g.missing} to close", ""]
    for i in g.items:
        have = f" (you: {level_tag(i.have_level)})" if i.have_level else ""
        line = f"  [{i.status:>11}] {level_label(i.id, i.needed_level)}{have}, {i.importance}"
        if i.closed_by:
            line += " <- " + ", ".join(i.closed_by)
        if i.reason:
            line += f": {i.reason}"
        out.append(line)
    out += ["", render_plan(g.plan)]
    return "\n".join(out)


