"""The catalog back out of the system: a catalog written to a file, and the
integrity checks of the live graph database.

- :func:`export_catalog` writes a :class:`~graph.catalog.Catalog` as YAML or
  JSON, atomically, and checks that it reads back identically.
- :func:`validate_db` runs the graph-level checks and the loader's integrity
  checks on the database ``NEO4J_URI`` (and friends) name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import yaml

from graph.catalog import Catalog
from graph.errors import CatalogError, CatalogIssue
from graph.neo4j.store import Neo4jStore
from loaders.checks import check_catalog
from loaders.files import parse_catalog, read_catalog_data

__all__ = ["EXPORT_SUFFIXES", "export_catalog", "validate_db"]

#: the file types a catalog can be exported to
EXPORT_SUFFIXES = (".yaml", ".yml", ".json")


def validate_db(env: Mapping[str, str] | None = None) -> tuple[list[CatalogIssue], list[CatalogIssue]]:
    """(errors, warnings) of the live graph (``skillgraph validate --db``, ``skillgraph db validate``).

    The graph-level checks (dangling relationships, nodes without an id or
    with missing properties, duplicate ids, labels and types outside the
    schema) and then the loader's integrity checks
    (:func:`loaders.checks.check_catalog`: references, skill prerequisite
    cycles, roles needing skills nothing teaches...) on the valid records.
    """
    with Neo4jStore.from_env(env, ensure_schema=False) as store:
        report = store.inspect()
        where = f"{store.uri} ({store.database})"
    issues = list(report.issues)
    if report.catalog is not None:
        issues += check_catalog(report.catalog, where, also_known=report.invalid_ids)
    seen: set[str] = set()
    unique = []
    for issue in issues:
        if str(issue) + issue.severity not in seen:
            seen.add(str(issue) + issue.severity)
            unique.append(issue)
    return ([i for i in unique if i.severity == "error"], [i for i in unique if i.severity == "warning"])


def export_catalog(catalog: Catalog, path: str | os.PathLike[str], *, header: str | None = None,
                   verify: bool = True) -> Path:
    """Write ``catalog`` as YAML or JSON (by extension), atomically; check it reads back identically.

    Raises
    ------
    CatalogError
        Unsupported extension, or the file would not read back equal.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise CatalogError([CatalogIssue(f"unsupported file type {suffix or '(none)'!r}: use .yaml, .yml or .json",
                                         file=str(path))])
    data = catalog.to_dict()
    if suffix == ".json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        body = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=120)
        text = "".join(f"# {line}\n" for line in (header or "").splitlines()) + body
    tmp = target.with_name(f".{target.stem}.tmp{target.suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text(text, encoding="utf-8")
    back, issues = parse_catalog(read_catalog_data(tmp), str(path)) if verify else (catalog, [])
    if back is None or back.to_dict() != data:
        tmp.unlink(missing_ok=True)
        errors = [i for i in issues if i.severity == "error"]
        raise CatalogError(errors or [CatalogIssue("the exported file would not read back identically",
                                                   file=str(path))])
    os.replace(tmp, target)
    return target


