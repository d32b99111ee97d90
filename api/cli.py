"""The ``skillgraph`` command line.

Commands: ``plan``, ``roles``, ``gap``, ``show``, ``validate``, ``catalog stats``.
User mistakes print one line on stderr (``skillgraph: error: ...``) and exit
with status 1 (2 for bad usage); no tracebacks.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

from graph.catalog import Catalog
from graph.errors import CatalogError, PlanningError, SkillGraphError, UnknownId, suggest
from loaders import ValidationReport, load_catalog, validate_file
from queries.gaps import closest_roles, gap
from queries.planner import OBJECTIVES, Plan, plan

__all__ = ["main", "render_plan"]


def _csv(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def _add_catalog(p: argparse.ArgumentParser) -> None:
    p.add_argument("--catalog", metavar="FILE", help="catalog file (YAML or JSON); default: the shipped seed")


def _add_format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="skillgraph",
        description="Plan the proven-cheapest learning route into machine learning roles.",
    )
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("plan", help="the cheapest route from your skills to a role, cert or skills")
    _add_catalog(p)
    p.add_argument("--db", action="store_true", help="plan on the live graph database (NEO4J_URI ...)")
    p.add_argument("--situation", help="a learner situation from the catalog (sets have, role, cert, objective)")
    p.add_argument("--role", help="target role id (see: skillgraph catalog stats / show)")
    p.add_argument("--cert", help="target cert id")
    p.add_argument("--skills", type=_csv, help="target skills, comma-separated id or id:level")
    p.add_argument("--have", type=_csv, default=[], help="what you have: skills (id or id:level), courses, certs")
    p.add_argument("--objective", choices=OBJECTIVES, help="what to minimise (default: hours)")
    p.add_argument("--budget", type=float, help="most USD to spend")
    p.add_argument("--max-hours", type=float, help="most hours in total")
    p.add_argument("--free-only", action="store_true", help="only free courses or free audits; no exams")
    p.add_argument("--exclude", type=_csv, default=[], help="course, program or cert ids never to take")
    p.add_argument("--providers", type=_csv, help="take courses only from these providers")
    p.add_argument("--must-include", type=_csv, default=[], help="course, program or exam ids to include")
    p.add_argument("--include-optional", action="store_true", help="also plan the role's optional needs")
    p.add_argument("--hours-per-week", type=float, default=10.0, help="for the weekly schedule (default: 10)")
    p.add_argument("--alternatives", type=int, default=0, help="also show this many next-best routes")
    p.add_argument("--time-limit", type=float, default=10.0, help="solver seconds (default: 10)")
    _add_format(p)

    p = sub.add_parser("roles", help="roles ranked by the cost of their cheapest route from your skills")
    _add_catalog(p)
    p.add_argument("--have", type=_csv, default=[], help="what you have")
    p.add_argument("-k", type=int, default=5, help="how many roles (default: 5)")
    p.add_argument("--objective", choices=OBJECTIVES, default="hours")
    _add_format(p)

    p = sub.add_parser("gap", help="what you lack for a role and which steps close each gap")
    _add_catalog(p)
    p.add_argument("--role", required=True)
    p.add_argument("--have", type=_csv, default=[])
    p.add_argument("--objective", choices=OBJECTIVES, default="hours")
    _add_format(p)

    p = sub.add_parser("show", help="one record and its neighbours")
    _add_catalog(p)
    p.add_argument("id")
    _add_format(p)

    p = sub.add_parser("validate", help="check a catalog file (or the live graph with --db); exit 1 on errors")
    p.add_argument("file", nargs="?")
    p.add_argument("--db", action="store_true", help="check the live graph database instead of a file")
    _add_format(p)

    p = sub.add_parser("catalog", help="about the catalog")
    csub = p.add_subparsers(dest="catalog_command", metavar="SUBCOMMAND")
    csub.required = True
    s = csub.add_parser("stats", help="counts, providers, roles and their reachability")
    _add_catalog(s)
    _add_format(s)
    for name in _EXTENSIONS:
        importlib.import_module(name).register(sub)
    return ap


# Modules that add their own subcommands: each has ``register(subparsers)``,
# which adds parsers and sets ``handler=callable(args) -> int`` on them. They
# import optional dependencies (neo4j, pyvis, ...) inside their handlers.
_EXTENSIONS: list[str] = ["api.cli_viz", "api.cli_db", "api.cli_api"]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except SkillGraphError as err:
        print(f"skillgraph: error: {err}", file=sys.stderr)
        if isinstance(err, CatalogError) and len(err.issues) > 1:
            for issue in err.issues[1:20]:
                print(f"  {issue}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("skillgraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _run(args: argparse.Namespace) -> int:
    cmd = args.command
    handler = getattr(args, "handler", None)
    if handler is not None:
        return int(handler(args))
    if cmd == "validate":
        return _validate(args)
    if getattr(args, "db", False):
        if args.catalog:
            raise PlanningError("give --catalog FILE or --db, not both")
        from api.cli_db import snapshot_from_env

        catalog = snapshot_from_env()
    else:
        catalog = load_catalog(args.catalog)
    if cmd == "plan":
        if args.situation:
            sit = next((x for x in catalog.situations if x.id == args.situation), None)
            if sit is None:
                raise UnknownId(args.situation, "situation", suggest(args.situation,
                                                                     [x.id for x in catalog.situations]))
            args.have = args.have or list(sit.have)
            args.role = args.role or sit.role
            args.cert = args.cert or sit.cert
            args.objective = args.objective or sit.objective
        result = plan(
            catalog, have=args.have, role=args.role, cert=args.cert, skills=args.skills,
            objective=args.objective or "hours",
            budget=args.budget, max_hours=args.max_hours, free_only=args.free_only, exclude=args.exclude,
            providers=args.providers, must_include=args.must_include, include_optional=args.include_optional,
            hours_per_week=args.hours_per_week, alternatives=args.alternatives, time_limit=args.time_limit,
        )
        _emit(args, result.model_dump(mode="json"), lambda: render_plan(result, catalog))
        return 0 if result.feasible else 3
    if cmd == "roles":
        rows = closest_roles(catalog, args.have, args.k, objective=args.objective)
        _emit(args, {"data": [r.model_dump() for r in rows], "count": len(rows)}, lambda: _render_roles(rows))
        return 0
    if cmd == "gap":
        g = gap(catalog, have=args.have, role=args.role, objective=args.objective)
        _emit(args, g.model_dump(mode="json"), lambda: _render_gap(g))
        return 0
    if cmd == "show":
        kind, item = catalog.kind_of(args.id), catalog.get(args.id)
        fields = item.model_dump(mode="json", exclude_none=True)
        if "kind" in fields:  # a cert's own kind (vendor-exam, completion)
            fields[f"{kind}_kind"] = fields.pop("kind")
        data = {"kind": kind, **fields, "neighbours": catalog.neighbours(args.id)}
        _emit(args, data, lambda: _render_show(data))
        return 0
    if cmd == "catalog":
        data = _stats(catalog)
        _emit(args, data, lambda: _render_stats(data))
        return 0
    raise AssertionError(cmd)


def _emit(args: argparse.Namespace, data: Any, table: Any) -> None:
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(table())


def _validate(args: argparse.Namespace) -> int:
    if args.db == bool(args.file):
        raise PlanningError("give a catalog FILE or --db (the live graph), one of the two")
    if args.db:
        from api.cli_db import validate_db

        errors, warnings = validate_db()
        report = ValidationReport([*errors, *warnings], None)
        args.file = "the live graph"
    else:
        report = validate_file(args.file)
    if args.format == "json":
        print(json.dumps({
            "ok": report.ok,
            "errors": [vars(i) for i in report.errors],
            "warnings": [vars(i) for i in report.warnings],
            "counts": report.catalog.counts() if report.catalog else None,
        }, indent=2))
    else:
        for i in report.errors:
            print(f"error: {i}")
        for i in report.warnings:
            print(f"warning: {i}")
        if report.ok and (report.catalog is not None or args.db):
            counts = ", ".join(f"{n} {k}" for k, n in report.catalog.counts().items()) if report.catalog else ""
            print(f"{args.file}: OK ({counts + '; ' if counts else ''}{len(report.warnings)} warning(s))")
        else:
            print(f"{args.file}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    return 0 if report.ok else 1


# -- rendering ------------------------------------------------------------------
def _width() -> int:
    return max(72, min(120, shutil.get_terminal_size((100, 20)).columns))


def _money(x: float | None) -> str:
    return "?" if x is None else f"${x:,.0f}" if float(x).is_integer() else f"${x:,.2f}"


def _hours(x: float) -> str:
    return f"{x:g} h"


def _wrapper(width: int, first: str, rest: str) -> textwrap.TextWrapper:
    return textwrap.TextWrapper(width=width, break_on_hyphens=False, initial_indent=first, subsequent_indent=rest)


def render_plan(p: Plan, catalog: Catalog | None = None) -> str:
    """The plan as a readable table with reasons."""
    width = _width()
    lines = []
    target = p.target.get("role") or p.target.get("cert") or ", ".join(p.target.get("skills") or [])
    title = ""
    if catalog is not None and target in catalog:
        title = f" ({catalog.get(target).label})"
    start = ", ".join(p.have) if p.have else "nothing"
    lines.append(f"Route to {target}{title}")
    lines.extend(_wrapper(width, "from: ", "      ").wrap(start))
    if not p.steps and not p.feasible:
        lines.append("NO ROUTE: see 'Not reachable' below")
    else:
        status = "feasible" if p.feasible else "NOT feasible (some goals unreachable; route covers the rest)"
        proof = "proven optimal" if p.optimal else f"best found, not proven (lower bound {p.bound:g})"
        lines.append(f"{status}; {proof} for objective '{p.objective}'")
    weeks = f", {p.weeks} weeks at {p.hours_per_week:g} h/week" if p.weeks is not None and p.hours_per_week else ""
    lines.append(f"total: {p.total_steps} steps, {_hours(p.total_hours)}, {_money(p.total_cost_usd)}{weeks}")
    lines.append("")
    if p.steps:
        rows = [("#", "step", "kind", "hours", "cost", "weeks")]
        for s in p.steps:
            wk = "" if s.week_start is None else (f"{s.week_start}" if s.week_start == s.week_end
                                                  else f"{s.week_start}-{s.week_end}")
            cost = _money(s.cost_usd) + (" (audit free)" if s.free_audit and s.cost_usd else "")
            rows.append((str(s.order), s.id, s.kind if s.format in (None, "course", "exam") else s.format,
                         _hours(s.hours), cost, wk))
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
    else:
        lines.append("No steps needed." if p.feasible else "No steps could be planned.")
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
        lines.append(f"Alternative {n}: {alt.total_steps} steps, {_hours(alt.total_hours)}, "
                     f"{_money(alt.total_cost_usd)}: " + " -> ".join(s.id for s in alt.steps))
    return "\n".join(lines)


def _render_roles(rows: list[Any]) -> str:
    table = [("role", "route", "hours", "cost", "steps", "missing")]
    for r in rows:
        table.append((r.role, "yes" if r.feasible else "no: " + ", ".join(r.unreachable), _hours(r.total_hours),
                      _money(r.total_cost_usd), str(r.total_steps), str(r.missing)))
    widths = [max(len(t[i]) for t in table) for i in range(len(table[0]))]
    out = ["  ".join(c.ljust(w) for c, w in zip(t, widths, strict=True)).rstrip() for t in table]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def _render_gap(g: Any) -> str:
    out = [f"Gap to {g.role} ({g.title}): {g.met} met, {g.missing} to close", ""]
    for i in g.items:
        lvl = f" level {i.needed_level}" if i.needed_level else ""
        have = f" (you: {i.have_level})" if i.have_level else ""
        line = f"  [{i.status:>11}] {i.id}{lvl}{have}, {i.importance}"
        if i.closed_by:
            line += " <- " + ", ".join(i.closed_by)
        if i.reason:
            line += f": {i.reason}"
        out.append(line)
    out += ["", render_plan(g.plan)]
    return "\n".join(out)


def _render_show(data: dict[str, Any]) -> str:
    out = [f"{data['kind']} {data['id']}"]
    for k, v in data.items():
        if k in ("kind", "id", "neighbours"):
            continue
        out.append(f"  {k}: {json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v}")
    for rel, items in data["neighbours"].items():
        out.append(f"  -> {rel}: " + ", ".join(
            i["id"] + "".join(f" {k}={v}" for k, v in i.items() if k != "id") for i in items))
    return "\n".join(out)


def _stats(catalog: Catalog) -> dict[str, Any]:
    providers: dict[str, int] = {}
    for c in catalog.courses:
        providers[c.provider or "unknown"] = providers.get(c.provider or "unknown", 0) + 1
    untaught = sorted(s.id for s in catalog.skills if s.id not in catalog.teachers)
    required: dict[str, int] = {}
    for r in catalog.roles:
        for n in r.needs:
            required[n.skill] = required.get(n.skill, 0) + 1
    top = sorted(required.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    return {
        "name": catalog.name,
        "version": catalog.version,
        "counts": catalog.counts(),
        "providers": dict(sorted(providers.items(), key=lambda kv: (-kv[1], kv[0]))),
        "roles": [{"id": r.id, "title": r.title} for r in catalog.roles],
        "situations": [{"id": x.id, "title": x.title, "role": x.role} for x in catalog.situations],
        "skills_no_course_teaches": untaught,
        "most_required_skills": [{"id": k, "roles": v} for k, v in top],
        "free_hours": sum(c.hours for c in catalog.courses if c.is_free),
        "warnings": [str(w) for w in catalog.load_warnings],
    }


def _render_stats(d: dict[str, Any]) -> str:
    out = [f"catalog {d['name'] or ''} (version {d['version']})".replace("  ", " ")]
    out.append("  " + ", ".join(f"{n} {k}" for k, n in d["counts"].items()))
    out.append("  providers: " + ", ".join(f"{k} ({v})" for k, v in d["providers"].items()))
    out.append("  roles: " + ", ".join(r["id"] for r in d["roles"]))
    out.append("  situations (plan --situation ID): " + ", ".join(x["id"] for x in d["situations"]))
    out.append("  most required skills: " + ", ".join(f"{s['id']} ({s['roles']})" for s in d["most_required_skills"]))
    out.append("  skills no course teaches: " + (", ".join(d["skills_no_course_teaches"]) or "none"))
    for w in d["warnings"]:
        out.append(f"  warning: {w}")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
