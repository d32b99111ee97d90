"""``skillgraph show``, ``validate`` and ``catalog stats``: records, integrity checks, the catalog at a glance.

``show --format json`` prints the record as ``GET /{kind}s/{id}`` does
(:func:`api.records.record`). ``validate FILE``, ``validate --db`` and
``db validate`` share :func:`run_validate`: the same checks, the same output,
exit 1 on errors.
"""

from __future__ import annotations

import argparse
import json
import shutil
import textwrap
from typing import Any

from api.cli.options import UsageError, add_catalog, add_format, emit, load
from api.formatting import counted, level_label
from api.records import record
from loaders import ValidationReport, validate_file
from loaders.provenance import verify_quotes
from queries.provenance import CLASSES, facts, provenance_counts
from queries.stats import catalog_stats

__all__ = ["register", "run_validate"]

#: how ``validate`` names the database in its summary line
LIVE_GRAPH = "the live graph"


def register(sub: Any) -> None:
    """Add ``show``, ``validate`` and ``catalog`` to the CLI's subparsers."""
    p = sub.add_parser("show", help="one record and its neighbours")
    add_catalog(p)
    p.add_argument("id")
    add_format(p)
    p.set_defaults(handler=run_show)

    p = sub.add_parser("validate", help="check a catalog file (or the live graph with --db); exit 1 on errors")
    p.add_argument("file", nargs="?")
    p.add_argument("--db", action="store_true", help="check the live graph database instead of a file")
    add_format(p)
    p.set_defaults(handler=run_validate)

    p = sub.add_parser("catalog", help="about the catalog")
    csub = p.add_subparsers(dest="catalog_command", metavar="SUBCOMMAND")
    csub.required = True
    s = csub.add_parser("stats", help="counts, providers, roles and their reachability")
    add_catalog(s)
    s.add_argument("-v", "--verbose", action="store_true", help="list every warning (default: how many)")
    add_format(s)
    s.set_defaults(handler=run_stats)
    s = csub.add_parser("sources", help="every fact by provenance: a guide's words, a public page, or the curators")
    add_catalog(s)
    s.add_argument("--provenance", choices=CLASSES, help="list only facts of this class")
    s.add_argument("--guides", metavar="DIR", help="check every guide quote verbatim against the guide files in DIR")
    add_format(s)
    s.set_defaults(handler=run_sources)


def run_show(args: argparse.Namespace) -> int:
    data = record(load(args), args.id)
    emit(args, data, lambda: _render_show(data))
    return 0


def run_stats(args: argparse.Namespace) -> int:
    data = catalog_stats(load(args))
    emit(args, data, lambda: _render_stats(data, verbose=args.verbose))
    return 0


def run_sources(args: argparse.Namespace) -> int:
    """List facts by provenance class; with ``--guides``, exit 1 when a quote is not in its guide."""
    catalog = load(args)
    listed = [f for f in facts(catalog) if args.provenance in (None, f.provenance)]
    wrong = verify_quotes(catalog, args.guides) if args.guides else []
    data = {"counts": provenance_counts(catalog), "sources": [s.model_dump(exclude_none=True) for s in catalog.sources],
            "facts": [f.model_dump() for f in listed], "quote_errors": [str(i) for i in wrong]}
    emit(args, data, lambda: _render_sources(data, checked=bool(args.guides)))
    return 1 if wrong else 0


def _render_sources(d: dict[str, Any], *, checked: bool) -> str:
    out = ["facts by provenance: " + ", ".join(f"{k} {n}" for k, n in d["counts"].items())]
    kinds = {s["id"]: s.get("kind", "unknown") for s in d["sources"]}
    for cls in (*CLASSES, "unknown"):
        rows = [f for f in d["facts"] if f["provenance"] == cls]
        if not rows:
            continue
        out += ["", f"{cls} ({len(rows)})"]
        for source in dict.fromkeys(f["source"] for f in rows):
            title = next((s["title"] for s in d["sources"] if s["id"] == source), "")
            out.append(f"  {source} ({kinds.get(source, 'unknown')}): {title}"[:200])
            for f in (f for f in rows if f["source"] == source):
                what = f"{f['kind']} {f['id']}" + ("" if f["field"] == "record" else f" [{f['field']}]")
                out.append(f"    {what}" + (f': "{f["quote"]}"' if f["quote"] else ""))
    if checked:
        out.append("")
        out += [f"error: {e}" for e in d["quote_errors"]] or ["every guide quote is verbatim in its guide"]
    return "\n".join(out)


def run_validate(args: argparse.Namespace) -> int:
    """Check a catalog file, or the live graph with ``--db``; print the issues and a summary line."""
    if args.db == bool(args.file):
        raise UsageError("give a catalog FILE or --db (the live graph), one of the two")
    if args.db:
        from loaders.export import validate_db

        errors, warnings = validate_db()
        # The summary line names the graph; each issue keeps its record and field.
        report = ValidationReport([i.in_file(None) for i in (*errors, *warnings)], None)
        where = LIVE_GRAPH
    else:
        report = validate_file(args.file)
        where = args.file
    counts = report.catalog.counts() if report.catalog else None
    emit(args, {"ok": report.ok, "errors": [vars(i) for i in report.errors],
                "warnings": [vars(i) for i in report.warnings], "counts": counts},
         lambda: _render_report(report, where, counts, checked=report.catalog is not None or args.db))
    return 0 if report.ok else 1


def _render_report(report: ValidationReport, where: str, counts: dict[str, int] | None, *, checked: bool) -> str:
    out = [f"error: {i}" for i in report.errors] + [f"warning: {i}" for i in report.warnings]
    if report.ok and checked:
        shown = ", ".join(counted(n, k) for k, n in counts.items()) + "; " if counts else ""
        out.append(f"{where}: OK ({shown}{counted(len(report.warnings), 'warning')})")
    else:
        out.append(f"{where}: {counted(len(report.errors), 'error')}, {counted(len(report.warnings), 'warning')}")
    return "\n".join(out)


def _render_show(data: dict[str, Any]) -> str:
    """One line per field; lists (requirements, teachings, neighbours) as readable items, each once."""
    width = shutil.get_terminal_size((100, 20)).columns
    out = [f"{data['type']} {data['id']}"]

    def line(key: str, text: str) -> None:
        out.extend(textwrap.wrap(f"{key}: {text}", width=max(72, min(120, width)), initial_indent="  ",
                                 subsequent_indent="      ", break_on_hyphens=False))

    for k, v in data.items():
        if k in ("type", "id", "neighbours") or v is None or v == [] or v == {}:
            continue
        if k == "provenance":
            for name, where in v.items():
                quote = f': "{where["quote"]}"' if where.get("quote") else ""
                line(f"{name} from", where["source"] + quote)
            continue
        line(k, ", ".join(_item(x) for x in v) if isinstance(v, list) else str(v))
    for rel, items in data["neighbours"].items():
        if rel not in data:  # the record's own fields are shown above
            line(rel, ", ".join(_item(i) for i in items))
    return "\n".join(out)


def _item(x: Any) -> str:
    """``python L2``, ``one of (algebra, statistics-basics)``, ``mlflow (optional)``."""
    if not isinstance(x, dict):
        return str(x)
    if "any_of" in x:
        return "one of (" + ", ".join(_item(m) for m in x["any_of"]) + ")"
    name = x.get("skill") or x.get("cert") or x.get("id") or json.dumps(x)
    extras = ["optional"] if x.get("importance") == "optional" else []
    extras += [f"{k} {v}" for k, v in x.items() if k not in ("skill", "cert", "id", "level", "importance")]
    return level_label(name, x.get("level")) + (f" ({', '.join(extras)})" if extras else "")


def _render_stats(d: dict[str, Any], *, verbose: bool = False) -> str:
    out = [f"catalog {d['name'] or ''} (version {d['version']})".replace("  ", " ")]
    out.append("  " + ", ".join(counted(n, k) for k, n in d["counts"].items()))
    out.append("  providers: " + ", ".join(f"{k} ({v})" for k, v in d["providers"].items()))
    out.append("  roles: " + ", ".join(r["id"] for r in d["roles"]))
    out.append("  situations (plan --situation ID): " + ", ".join(x["id"] for x in d["situations"]))
    out.append("  most required skills: " + ", ".join(f"{s['id']} ({s['roles']})" for s in d["most_required_skills"]))
    out.append("  skills no course teaches: " + (", ".join(d["skills_no_course_teaches"]) or "none"))
    if verbose:
        out.extend(f"  warning: {w}" for w in d["warnings"])
    elif d["warnings"]:
        out.append(f"  warnings: {len(d['warnings'])} (catalog stats --verbose lists them; validate checks the file)")
    return "\n".join(out)
