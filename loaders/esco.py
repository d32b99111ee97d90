"""ESCO v1.1.1 occupations and skills as a skillgraph catalog.

ESCO (the European Commission's classification of European Skills,
Competences, Qualifications and Occupations) links 3,007 occupations to the
skills and knowledge they need, each link ``essential`` or ``optional``. It
is free to reuse with attribution; the catalog's ``sources`` says where the
data is adapted from.

The mapping:

* **occupation -> role.** id: a slug of its preferred label (a short piece of
  its URI added when two labels collide); ``needs``: its skill links, at
  level 1 (ESCO has no levels), ``importance`` as ESCO says. ``esco_uri``
  and ``isco_group`` are kept.
* **skill or knowledge concept -> skill**, with ``esco_uri``,
  ``skill_type`` and ``reuse_level`` kept. Only skills some chosen
  occupation needs are written.
* **What ESCO does not say, the catalog does not invent.** ESCO has no
  courses and no learn-first order: its skill-to-skill relations say two
  skills go together, not that one comes first, so they are not made
  prerequisites. A role from ESCO alone has every need untaught: ``roles``
  ranks occupations by how many essential needs you lack, and ``gap`` lists
  essential and optional needs. Merge with a catalog that has courses
  (``merge``: a catalog file, or ``"seed"`` for the shipped one) to plan
  routes: its skills replace ESCO's where id or name (or an alias) match,
  and the unmatched ones are reported.

Subsets: ``occupations`` keeps occupations whose ISCO group starts with one of
the given codes (``"25"``: ICT professionals) or whose label contains one of
the given words; ``collection`` keeps only needs on skills of one ESCO
collection (``digital``, ``green``, ``transversal``, ``language``,
``research``, ``digComp``).
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.catalog import Catalog
from graph.errors import CatalogError, CatalogIssue
from graph.models import slug
from loaders.export import export_catalog
from loaders.files import load_catalog, parse_catalog

__all__ = ["COLLECTIONS", "EscoSummary", "esco_catalog", "import_esco"]

SOURCE = {
    "id": "esco",
    "title": "ESCO v1.1.1 classification and relations, English CSV (European Commission), as mirrored by "
             "tabiya-tech/tabiya-esco-datasets-and-tools",
    "url": "https://esco.ec.europa.eu/",
    "attribution": "Occupations, skills and their essential/optional links from ESCO v1.1.1, European Commission; "
                   "adapted by skillgraph's importer (loaders/esco.py)",
}
#: the ESCO skill collections a subset can be taken from
COLLECTIONS = {"digital": "digitalSkillsCollection_en.csv", "green": "greenSkillsCollection_en.csv",
               "transversal": "transversalSkillsCollection_en.csv", "language": "languageSkillsCollection_en.csv",
               "research": "researchSkillsCollection_en.csv", "digcomp": "digCompSkillsCollection_en.csv"}
Progress = Callable[[str], None]


@dataclass
class EscoSummary:
    """What an ESCO import made and what it matched."""

    roles: int = 0
    skills: int = 0
    links: int = 0
    essential: int = 0
    matched: int = 0
    unmatched: list[str] = field(default_factory=list)  # ESCO skills no merged catalog skill matched

    def lines(self, out: str | None = None, *, merged: bool = False) -> list[str]:
        text = [f"{self.roles:,} occupations as roles, {self.skills:,} skills, {self.links:,} occupation-skill "
                f"links ({self.essential:,} essential)"]
        if merged:
            text.append(f"merged: {self.matched:,} ESCO skills matched the catalog's skills, "
                        f"{len(self.unmatched):,} did not (added as skills nothing teaches)")
        if out:
            text.append(f"wrote {out}")
        return text



def _rows(archive: Path, member: str, progress: Progress | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, row) of one CSV inside a zip, streamed."""
    try:
        zf = zipfile.ZipFile(archive)
    except FileNotFoundError:
        raise CatalogError([CatalogIssue("no such file", file=str(archive))]) from None
    except (zipfile.BadZipFile, OSError) as err:
        raise CatalogError([CatalogIssue(f"not a zip archive: {err}", file=str(archive))]) from err
    with zf:
        if member not in zf.namelist():
            raise CatalogError([CatalogIssue(f"has no {member} (is this the right ESCO archive?)",
                                             file=str(archive))])
        with zf.open(member) as raw:
            reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
            for n, row in enumerate(reader, start=2):
                if progress and n % 25_000 == 0:
                    progress(f"{member}: {n - 1:,} rows")
                yield n, row


def _need(row: dict[str, str], key: str, where: str, n: int) -> str:
    value = (row.get(key) or "").strip()
    if not value:
        raise CatalogError([CatalogIssue(f"row {n}: field {key!r} is empty or missing", file=where)])
    return value


def _unique(base: str, uri: str, taken: set[str]) -> str:
    sid = base or slug(uri.rsplit("/", 1)[-1])
    if sid in taken:
        sid = f"{sid}-{slug(uri.rsplit('/', 1)[-1])[:8]}"
    taken.add(sid)
    return sid


def esco_catalog(classification: str | os.PathLike[str], relations: str | os.PathLike[str], *,
                 occupations: Sequence[str] = (), collection: str | None = None,
                 merge: str | os.PathLike[str] | None = None,
                 progress: Progress | None = None) -> tuple[Catalog, EscoSummary]:
    """Read ESCO's two archives and map them (see the module docstring)."""
    cls, rel = Path(classification), Path(relations)
    wanted = [o.strip().casefold() for o in occupations if o.strip()]
    if collection is not None and collection.casefold() not in COLLECTIONS:
        raise CatalogError([CatalogIssue(f"unknown collection {collection!r}: one of {', '.join(COLLECTIONS)}")])
    occ: dict[str, dict[str, Any]] = {}
    where = f"{cls}:occupations_en.csv"
    for n, row in _rows(cls, "occupations_en.csv", progress):
        uri, label = _need(row, "conceptUri", where, n), _need(row, "preferredLabel", where, n)
        isco = (row.get("iscoGroup") or "").strip()
        if wanted and not any(isco.startswith(w) if w.isdigit() else w in label.casefold() for w in wanted):
            continue
        occ[uri] = {"title": label, "esco_uri": uri, "isco_group": isco, "needs": []}
    if not occ:
        raise CatalogError([CatalogIssue(f"no occupation matches {', '.join(occupations)}", file=where)])
    keep: set[str] | None = None
    if collection is not None:
        member = COLLECTIONS[collection.casefold()]
        keep = {_need(r, "conceptUri", f"{cls}:{member}", n) for n, r in _rows(cls, member, progress)}
    summary = EscoSummary()
    where = f"{rel}:occupationSkillRelations.csv"
    used: set[str] = set()
    for n, row in _rows(rel, "occupationSkillRelations.csv", progress):
        o = _need(row, "occupationUri", where, n)
        if o not in occ:
            continue
        s = _need(row, "skillUri", where, n)
        kind = _need(row, "relationType", where, n)
        if kind not in ("essential", "optional"):
            raise CatalogError([CatalogIssue(f"row {n}: field 'relationType' is {kind!r}, not essential or "
                                             "optional", file=where)])
        if keep is not None and s not in keep:
            continue
        occ[o]["needs"].append((s, kind))
        used.add(s)
        summary.links += 1
        summary.essential += kind == "essential"
    skills: dict[str, dict[str, Any]] = {}
    where = f"{cls}:skills_en.csv"
    for n, row in _rows(cls, "skills_en.csv", progress):
        uri = _need(row, "conceptUri", where, n)
        if uri in used:
            skills[uri] = {"name": _need(row, "preferredLabel", where, n), "esco_uri": uri,
                           "skill_type": (row.get("skillType") or "").strip() or None,
                           "reuse_level": (row.get("reuseLevel") or "").strip() or None,
                           "aliases": [a.strip() for a in (row.get("altLabels") or "").splitlines() if a.strip()][:10]}
    missing = sorted(used - set(skills))
    if missing:
        raise CatalogError([CatalogIssue(f"occupationSkillRelations.csv names {len(missing)} "
                                         f"skill{'s' * (len(missing) != 1)} that skills_en.csv lacks, "
                                         f"e.g. {missing[0]}",
                                         file=str(rel))])
    base = None if merge is None else load_catalog(None if str(merge) == "seed" else merge)
    return _assemble(occ, skills, base, summary)


def _assemble(occ: dict[str, dict[str, Any]], skills: dict[str, dict[str, Any]], base: Catalog | None,
              summary: EscoSummary) -> tuple[Catalog, EscoSummary]:
    data: dict[str, Any] = base.to_dict() if base is not None else {"name": "ESCO v1.1.1 occupations (imported)"}
    data.setdefault("sources", [])
    data["sources"] = [*data["sources"], SOURCE]
    data.setdefault("skills", [])
    taken = {x["id"] for section in ("skills", "courses", "programs", "certs", "roles") for x in data.get(section, [])}
    by_name: dict[str, str] = {}
    if base is not None:
        for known in base.skills:
            for name in (known.id, known.name, *known.aliases):
                by_name.setdefault(name.casefold(), known.id)
    ids: dict[str, str] = {}
    for uri, s in sorted(skills.items(), key=lambda kv: kv[1]["name"]):
        match = next((by_name[n.casefold()] for n in (slug(s["name"]), s["name"], *s["aliases"])
                      if n.casefold() in by_name), None)
        if match is not None:
            ids[uri] = match
            summary.matched += 1
            continue
        if base is not None:
            summary.unmatched.append(s["name"])
        sid = _unique(slug(s["name"]), uri, taken)
        ids[uri] = sid
        record = {"id": sid, "name": s["name"], "source": "esco", "esco_uri": uri}
        for key in ("skill_type", "reuse_level"):
            if s[key]:
                record[key] = s[key]
        if s["aliases"]:
            record["aliases"] = s["aliases"]
        data["skills"].append(record)
    data.setdefault("roles", [])
    for uri, o in sorted(occ.items(), key=lambda kv: kv[1]["title"]):
        needs: dict[str, str] = {}
        for s, kind in o["needs"]:
            sid = ids[s]
            if needs.get(sid) != "essential":  # two ESCO skills matched to one: essential wins
                needs[sid] = kind
        data["roles"].append({"id": _unique(slug(o["title"]), uri, taken), "title": o["title"], "source": "esco",
                              "esco_uri": uri, "isco_group": o["isco_group"],
                              "needs": [{"skill": sid, "importance": kind} for sid, kind in needs.items()]})
    summary.roles = len(occ)
    summary.skills = len(skills)
    catalog, issues = parse_catalog(data, "esco import")
    errors = [i for i in issues if i.severity == "error"]
    if catalog is None or errors:
        raise CatalogError(errors or [CatalogIssue("the mapped catalog does not validate")])
    return catalog, summary


def import_esco(classification: str | os.PathLike[str], relations: str | os.PathLike[str],
                out: str | os.PathLike[str], **options: Any) -> EscoSummary:
    """Map ESCO and write the catalog to ``out`` atomically (nothing is left there on an error or interrupt)."""
    catalog, summary = esco_catalog(classification, relations, **options)
    header = f"Imported from ESCO v1.1.1 by skillgraph.\n{SOURCE['attribution']}\nThe mapping: loaders/esco.py"
    export_catalog(catalog, out, header=header)
    return summary
