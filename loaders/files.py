"""Read catalog files (YAML or JSON, chosen by extension) into a validated
:class:`~graph.catalog.Catalog`.

Every record is validated on its own so that one run reports all mistakes,
each naming the file, the item id and the field. A catalog with errors is
never returned: :class:`~graph.errors.CatalogError` carries the full list.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from graph.catalog import KINDS, Catalog
from graph.errors import CatalogError, CatalogIssue, CycleIssue, PrerequisiteCycle, suggest, validation_issues
from graph.models import Cert, Course, Program, Role, Situation, Skill, Source, Subscription
from loaders.checks import check_catalog, duplicate_ids

__all__ = ["SEED_PATH", "ValidationReport", "load_catalog", "parse_catalog", "read_catalog_data", "validate_file"]

SEED_PATH = Path(__file__).resolve().parent / "seed" / "catalog.yaml"

_MODELS: dict[str, type[Any]] = {
    "sources": Source,
    "subscriptions": Subscription,
    "skills": Skill,
    "courses": Course,
    "programs": Program,
    "certs": Cert,
    "roles": Role,
    "situations": Situation,
}
_TOP_KEYS = {"name", "description", "version", *_MODELS}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_WORDING = {"missing": "required field is missing", "extra_forbidden": "unknown key"}
_PLACEHOLDERS: dict[str, Any] = {"title": "?", "name": "?", "hours": 0}


class ValidationReport:
    """The outcome of validating a catalog: errors, warnings and (if clean) the catalog."""

    def __init__(self, issues: list[CatalogIssue], catalog: Catalog | None):
        self.errors = [i for i in issues if i.severity == "error"]
        self.warnings = [i for i in issues if i.severity == "warning"]
        self.catalog = catalog

    @property
    def ok(self) -> bool:
        return not self.errors


_RECORD_SECTIONS = tuple(KINDS.values())  # skills, courses, programs, certs, roles
_EMPTY = "the file holds no catalog (it is empty): expected keys such as skills, courses, roles"


def read_catalog_data(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a catalog file into plain data; errors name the file (and line)."""
    p = Path(path)
    name = str(path)
    suffix = p.suffix.lower()
    if p.is_dir():
        raise CatalogError([CatalogIssue("is a directory, not a catalog file", file=name)])
    if suffix not in {".yaml", ".yml", ".json"}:
        raise CatalogError([CatalogIssue(f"unsupported file type {suffix or '(none)'!r}: use .yaml, .yml or .json",
                                         file=name)])
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError([CatalogIssue("no such file", file=name)]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise CatalogError([CatalogIssue(f"cannot read: {err}", file=name)]) from err
    if not text.strip():  # JSON would call it invalid; for either format it is no catalog at all
        raise CatalogError([CatalogIssue(_EMPTY, file=name)])
    try:
        data = json.loads(text) if suffix == ".json" else yaml.load(text, Loader=_Loader)
    except json.JSONDecodeError as err:
        raise CatalogError([CatalogIssue(f"invalid JSON at line {err.lineno} column {err.colno}: {err.msg}",
                                         file=name)]) from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise CatalogError([CatalogIssue(f"invalid YAML{where}: {problem}", file=name)]) from err
    if data is None or data == {}:
        raise CatalogError([CatalogIssue(_EMPTY, file=name)])
    if not isinstance(data, dict):
        raise CatalogError([CatalogIssue("the top level must be a mapping with keys such as skills, courses, roles",
                                         file=name)])
    if not any(key in data for key in _RECORD_SECTIONS):
        raise CatalogError([CatalogIssue("the file holds no catalog: none of the keys " + ", ".join(_RECORD_SECTIONS)
                                         + " is there", file=name)])
    return data


def parse_catalog(data: dict[str, Any], file: str | None = None) -> tuple[Catalog | None, list[CatalogIssue]]:
    """Validate plain catalog data. Returns the catalog (None on errors) and all issues."""
    issues: list[CatalogIssue] = []
    for key in data:
        if key not in _TOP_KEYS:
            hint = suggest(key, _TOP_KEYS, n=1)
            if hint:  # a misspelt section would silently drop its records
                issues.append(CatalogIssue(f"unknown top-level key {key!r} (did you mean {hint[0]!r}?)", None, key,
                                           file))
            else:
                issues.append(CatalogIssue(f"unknown top-level key {key!r}; ignored", None, key, file, "warning"))
    parsed: dict[str, list[Any]] = {}
    shadows: dict[str, list[Any]] = {}  # failed records minus their bad fields, for reference checks only
    for section, model in _MODELS.items():
        raw_items = data.get(section) or []
        if not isinstance(raw_items, list):
            issues.append(CatalogIssue(f"{section!r} must be a list", None, section, file))
            continue
        out = []
        for index, raw in enumerate(raw_items):
            rid = raw.get("id") if isinstance(raw, dict) else None
            label = rid if isinstance(rid, str) else f"{section}[{index}]"
            if not isinstance(raw, dict):
                issues.append(CatalogIssue("each record must be a mapping", label, None, file))
                continue
            try:
                out.append(model.model_validate(raw))
            except ValidationError as err:
                issues.extend(validation_issues(err, label, file, wording=_WORDING, show_input=True))
                shadow = _shadow(model, raw, err)
                if shadow is not None:
                    shadows.setdefault(section, []).append(shadow)
        parsed[section] = out
    issues += duplicate_ids(
        ((section, raw) for section in (*KINDS.values(),) for raw in (data.get(section) or [])
         if isinstance(data.get(section), list)),
        file,
    )
    # Check references even when some records failed, so one run reports
    # everything; ids of the failed records still count as known.
    raw_ids = {raw["id"] for section in KINDS.values() for raw in (data.get(section) or [])
               if isinstance(raw, dict) and isinstance(raw.get("id"), str)}
    if shadows:
        checked = Catalog(**{k: v + shadows.get(k, []) for k, v in parsed.items()})
        issues += [i for i in check_catalog(checked, file, also_known=raw_ids) if i.severity == "error"]
        return None, sorted(issues, key=lambda i: i.severity != "error")
    catalog = Catalog(name=data.get("name"), **parsed)
    issues += check_catalog(catalog, file, also_known=raw_ids)
    issues.sort(key=lambda i: i.severity != "error")
    if any(i.severity == "error" for i in issues):
        return None, issues
    return catalog, issues


def _shadow(model: type[Any], raw: dict[str, Any], err: ValidationError) -> Any:
    """The record without the fields that failed, so its references can still be checked."""
    bad = {e["loc"][0] for e in err.errors() if e["loc"]}
    patched = {k: v for k, v in raw.items() if k not in bad}
    for key, value in _PLACEHOLDERS.items():
        if key in model.model_fields and key not in patched:
            patched[key] = value
    try:
        return model.model_validate(patched)
    except ValidationError:
        return None


def validate_file(path: str | os.PathLike[str]) -> ValidationReport:
    """Run every check on a file; never raises for catalog mistakes."""
    try:
        data = read_catalog_data(path)
    except CatalogError as err:
        return ValidationReport(err.issues, None)
    catalog, issues = parse_catalog(data, str(path))
    return ValidationReport(issues, catalog)


def load_catalog(path: str | os.PathLike[str] | None = None) -> Catalog:
    """Load and validate a catalog file (YAML or JSON); no path: the shipped seed.

    Raises
    ------
    CatalogError
        With every error found, each naming file, item id and field.
    """
    p = Path(path) if path is not None else SEED_PATH
    try:
        st = p.stat()
    except OSError:
        st = None
    if st is None:
        read_catalog_data(p)  # raises the right "no such file" error
    assert st is not None
    shown = str(path) if path is not None else "seed:catalog.yaml"
    return _load_cached(str(p.resolve()), shown, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=8)
def _load_cached(resolved: str, shown: str, mtime_ns: int, size: int) -> Catalog:
    data = read_catalog_data(resolved)
    catalog, issues = parse_catalog(data, shown)
    if catalog is None:
        errors = [i for i in issues if i.severity == "error"]
        cycle = next((i for i in errors if isinstance(i, CycleIssue)), None)
        if cycle is not None:
            raise PrerequisiteCycle(cycle.cycle, shown, issues=errors)
        raise CatalogError(errors)
    catalog.load_warnings = [i for i in issues if i.severity == "warning"]
    return catalog
