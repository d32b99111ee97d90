"""Metacademy's concept graph as a skillgraph catalog.

Metacademy (metacademy.org) published its graph of machine-learning and
mathematics concepts as a Django fixture: concepts with an estimated
``learn_time`` in hours, ``dependency`` records (the target concept needs the
source concept first, with a ``reason``), ``globalresource`` records (a
textbook, course, paper... with ``access`` free, paid or reg) and
``conceptresource`` records (this resource teaches that concept; several per
concept). Content licence: CC BY-SA 3.0, attribute Metacademy; the catalog's
``sources`` carries that attribution and every record names it.

The mapping, and every choice in it:

* **concept -> skill.** id: the concept's ``tag`` with ``_`` as ``-``; name:
  its title; ``requires``: the concepts its dependency records point from
  (in Metacademy's order); ``category``: its first tag; ``url`` and
  ``metacademy_id`` kept as extra fields.
* **concept-resource link -> step (a course record).** Each way a resource
  teaches a concept is one step that teaches that concept (level 1: the
  data has no levels). Its **hours are the concept's ``learn_time``**,
  rounded to 0.1 h: Metacademy estimates the time to learn a concept, not
  the time per resource, so every resource for a concept costs the same
  hours (the choice between them is then by cost and tie-break).
* **cost.** ``access: free`` -> $0; ``reg`` (free with registration) -> $0;
  ``paid`` -> unknown (``cost_usd`` left empty: the planner counts it as $0
  and warns, and ``--free-only`` leaves it out).
* **requires of a step.** Only the link's ``additional_dependencies`` (the
  extra concepts that particular resource assumes, matched by title); the
  concept's own prerequisites already bind every step that teaches it,
  through the skill's ``requires``. A title that matches no concept is
  reported and dropped.
* **core.** Metacademy marks its recommended resources ``core``; the others
  are supplementary. Both are kept as alternative steps (a supplementary one
  says so in its notes); ``core_only=True`` keeps only the core ones.
* **format.** textbooks -> ``book``, online courses -> ``course``, anything
  else (lecture notes, papers, videos, tutorials) -> ``tutorial``.
* No roles (Metacademy has none): plan to concepts with ``--skills``.

Concepts no resource teaches stay skills that nothing teaches; the planner
reports them, and what needs them, as unreachable.
"""

from __future__ import annotations

import ast
import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.catalog import Catalog
from graph.errors import CatalogError, CatalogIssue
from graph.models import slug
from loaders.export import export_catalog
from loaders.files import parse_catalog

__all__ = ["ImportSummary", "import_metacademy", "metacademy_catalog"]

SOURCE_ID = "metacademy"
SOURCE = {
    "id": SOURCE_ID,
    "title": "Metacademy concept graph (metacademy/metacademy-application, dev_utils/graph_data.json, commit 2f1508e)",
    "url": "https://github.com/metacademy/metacademy-application",
    "licence": "CC BY-SA 3.0",
    "attribution": "Concepts, dependencies, learning times and resources by Metacademy (metacademy.org), "
                   "CC BY-SA 3.0; adapted by skillgraph's importer (loaders/metacademy.py)",
}
_BOOKS = {"textbook", "online textbook", "book"}
_COURSES = {"online course"}


@dataclass
class ImportSummary:
    """What an import made, and what it could not map."""

    skills: int = 0
    steps: int = 0
    core_steps: int = 0
    untaught: list[str] = field(default_factory=list)
    extra_requires: int = 0
    unmatched: list[str] = field(default_factory=list)  # additional-dependency titles that name no concept
    paid_steps: int = 0

    def lines(self, out: str | None = None) -> list[str]:
        text = [f"{_n(self.skills, 'concept')} as skills, {_n(self.steps, 'resource link')} as steps "
                f"({self.core_steps:,} core, {self.paid_steps:,} paid at an unknown price)",
                f"{_n(len(self.untaught), 'concept')} no resource teaches; "
                f"{_n(self.extra_requires, 'extra prerequisite')} of single resources matched by title, "
                f"{len(self.unmatched):,} unmatched (dropped)"]
        if out:
            text.append(f"wrote {out}")
        return text


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"



def _names(text: Any) -> list[str]:
    """Metacademy's Python-literal lists (``"[u'S. Amari']"``) as a list of strings."""
    if isinstance(text, list):
        return [str(t) for t in text]
    if not text:
        return []
    try:
        value = ast.literal_eval(str(text))
    except (ValueError, SyntaxError):
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def _titles(text: Any) -> list[str]:
    try:
        value = ast.literal_eval(str(text)) if text else []
    except (ValueError, SyntaxError):
        return []
    return [str(v.get("title", "")).strip() for v in value if isinstance(v, dict) and v.get("title")]


def _read(path: Path) -> dict[str, list[dict[str, Any]]]:
    name = str(path)
    if path.is_dir():
        raise CatalogError([CatalogIssue("is a directory, not a Metacademy fixture", file=name)])
    try:
        with path.open(encoding="utf-8") as f:
            records = json.load(f)
    except FileNotFoundError:
        raise CatalogError([CatalogIssue("no such file", file=name)]) from None
    except json.JSONDecodeError as err:
        raise CatalogError([CatalogIssue(f"invalid JSON at line {err.lineno} column {err.colno}: {err.msg}",
                                         file=name)]) from err
    except (OSError, UnicodeDecodeError) as err:
        raise CatalogError([CatalogIssue(f"cannot read: {err}", file=name)]) from err
    if not isinstance(records, list):
        raise CatalogError([CatalogIssue("expected a list of fixture records (model, pk, fields)", file=name)])
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n, r in enumerate(records):
        if not isinstance(r, dict) or "model" not in r or "pk" not in r or not isinstance(r.get("fields"), dict):
            raise CatalogError([CatalogIssue("not a fixture record (needs model, pk and fields)",
                                             item=f"record {n}", file=name)])
        by[r["model"]].append(r)
    if not by.get("graph.concept"):
        raise CatalogError([CatalogIssue("no graph.concept records: not Metacademy's graph_data.json", file=name)])
    return by


def _field(record: dict[str, Any], key: str, name: str, kinds: tuple[type, ...]) -> Any:
    value = record["fields"].get(key)
    if not isinstance(value, kinds) or isinstance(value, bool) and bool not in kinds:
        raise CatalogError([CatalogIssue(f"{record['model']} {record['pk']!r}: field {key!r} is missing or not "
                                         f"{' or '.join(k.__name__ for k in kinds)} ({value!r})", file=name)])
    return value


def metacademy_catalog(path: str | os.PathLike[str], *, core_only: bool = False) -> tuple[Catalog, ImportSummary]:
    """Read Metacademy's fixture and map it (see the module docstring); errors name the file, record and field."""
    p = Path(path)
    name = str(path)
    by = _read(p)
    summary = ImportSummary()
    concepts: dict[str, dict[str, Any]] = {}
    ids: dict[str, str] = {}  # concept pk -> skill id
    for r in by["graph.concept"]:
        title = _field(r, "title", name, (str,)).strip()
        tag = _field(r, "tag", name, (str,))
        _field(r, "learn_time", name, (int, float))
        sid = slug(tag) or slug(str(r["pk"]))
        if sid in ids.values():
            sid = f"{sid}-{slug(str(r['pk']))}"
        ids[r["pk"]] = sid
        concepts[r["pk"]] = {"id": sid, "name": title or tag, "source": SOURCE_ID, "requires": [],
                             "metacademy_id": r["pk"], "url": f"https://metacademy.org/graphs/concepts/{tag}"}
        tags = r["fields"].get("tags") or []
        if tags:
            concepts[r["pk"]]["category"] = str(tags[0])
        summary_text = (r["fields"].get("summary") or "").strip()
        if summary_text:
            concepts[r["pk"]]["description"] = summary_text[:500]
    by_title = {c["name"].casefold(): c["id"] for c in concepts.values()}
    for r in sorted(by["graph.dependency"], key=lambda d: (d["fields"].get("ordering") or 0, d["pk"])):
        source, target = _field(r, "source", name, (str,)), _field(r, "target", name, (str,))
        if source not in ids or target not in ids:
            raise CatalogError([CatalogIssue(f"graph.dependency {r['pk']!r}: names an unknown concept "
                                             f"({source if source not in ids else target!r})", file=name)])
        requires = concepts[target]["requires"]
        if ids[source] not in requires:
            requires.append(ids[source])
    resources = {r["pk"]: r["fields"] for r in by["graph.globalresource"]}
    locations: dict[str, list[str]] = defaultdict(list)
    for r in sorted(by.get("graph.resourcelocation", []), key=lambda x: (x["fields"].get("ordering") or 0)):
        text = (r["fields"].get("location_text") or "").strip()
        if text:
            locations[str(r["fields"].get("cresource"))].append(text)
    hours = {r["pk"]: round(float(r["fields"]["learn_time"]), 1) for r in by["graph.concept"]}
    courses: list[dict[str, Any]] = []
    used: set[str] = set()
    taught: Counter[str] = Counter()
    for r in sorted(by["graph.conceptresource"], key=lambda x: (x["fields"].get("ordering") or 0, x["pk"])):
        concept = _field(r, "concept", name, (str,))
        res_pk = _field(r, "global_resource", name, (str,))
        if concept not in concepts or res_pk not in resources:
            raise CatalogError([CatalogIssue(f"graph.conceptresource {r['pk']!r}: names an unknown "
                                             f"{'concept' if concept not in concepts else 'resource'}", file=name)])
        core = bool(r["fields"].get("core"))
        if core_only and not core:
            continue
        res = resources[res_pk]
        skill = concepts[concept]
        res_title = (res.get("title") or "").strip() or f"Metacademy resource {res_pk}"
        cid = f"{skill['id']}--{slug(res_title)[:40].strip('-') or slug(res_pk)}"
        while cid in used:
            cid = f"{cid}-{slug(r['pk'])}"
        used.add(cid)
        access = str(res.get("access") or "").lower()
        authors = _names(res.get("authors"))
        kind = str(res.get("resource_type") or "").lower()
        notes = locations.get(r["pk"], [])
        if not core:
            notes = ["supplementary (Metacademy does not mark it core)", *notes]
        if access == "reg":
            notes.append("free with registration")
        requires = []
        for t in _titles(r["fields"].get("additional_dependencies")):
            dep = by_title.get(t.casefold())
            if dep is None:
                summary.unmatched.append(t)
            elif dep != skill["id"] and dep not in requires:
                requires.append(dep)
                summary.extra_requires += 1
        course: dict[str, Any] = {
            "id": cid, "title": f"{res_title}: {skill['name']}", "source": SOURCE_ID,
            "format": "book" if kind in _BOOKS else "course" if kind in _COURSES else "tutorial",
            "hours": hours[concept],
            "cost_usd": None if access == "paid" else 0.0, "teaches": [skill["id"]], "requires": requires,
        }
        if authors:
            course["provider"] = ", ".join(authors[:3]) + (" et al." if len(authors) > 3 else "")
        if res.get("url"):
            course["url"] = res["url"]
        if notes:
            course["notes"] = "; ".join(notes)
        courses.append(course)
        taught[concept] += 1
        summary.core_steps += core
        summary.paid_steps += access == "paid"
    summary.skills = len(concepts)
    summary.steps = len(courses)
    summary.untaught = sorted(concepts[pk]["id"] for pk in concepts if not taught[pk])
    data = {"name": "Metacademy concept graph (imported)", "sources": [SOURCE],
            "skills": list(concepts.values()), "courses": courses}
    catalog, issues = parse_catalog(data, name)
    errors = [i for i in issues if i.severity == "error"]
    if catalog is None or errors:
        raise CatalogError(errors or [CatalogIssue("the mapped catalog does not validate", file=name)])
    return catalog, summary


def import_metacademy(path: str | os.PathLike[str], out: str | os.PathLike[str], *, core_only: bool = False,
                      say: Callable[[str], None] | None = None) -> ImportSummary:
    """Map the fixture at ``path`` and write the catalog to ``out`` (YAML or JSON by extension), atomically:
    on any error, or an interruption, no file is left at ``out``."""
    catalog, summary = metacademy_catalog(path, core_only=core_only)
    header = (f"Imported from Metacademy's concept graph by skillgraph.\n{SOURCE['attribution']}\n"
              "The mapping and its choices: loaders/metacademy.py")
    if say:
        say(f"validated {summary.skills:,} skills and {summary.steps:,} steps; writing {out}")
    export_catalog(catalog, out, header=header)
    return summary
