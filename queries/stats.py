"""Facts about a catalog as a whole: counts, providers, roles and situations,
skills no course teaches, the skills roles need most, free hours.

Examples
--------
>>> from loaders import load_catalog
>>> s = catalog_stats(load_catalog())
>>> s["counts"]["roles"] > 0 and s["most_required_skills"][0]["roles"] >= s["most_required_skills"][-1]["roles"]
True
"""

from __future__ import annotations

from typing import Any

from graph.catalog import Catalog

__all__ = ["catalog_stats"]


def catalog_stats(catalog: Catalog, *, top: int = 10) -> dict[str, Any]:
    """The catalog's summary as plain JSON-able data.

    Parameters
    ----------
    catalog : Catalog
    top : int
        How many of the most required skills to list.

    Returns
    -------
    dict
        ``name``, ``version``, ``counts``, ``providers`` (courses per
        provider, most first), ``roles``, ``situations``,
        ``skills_no_course_teaches``, ``most_required_skills`` (how many roles
        need each), ``free_hours`` and the loader's ``warnings``.
    """
    providers: dict[str, int] = {}
    for c in catalog.courses:
        providers[c.provider or "unknown"] = providers.get(c.provider or "unknown", 0) + 1
    untaught = sorted(s.id for s in catalog.skills if s.id not in catalog.teachers)
    required: dict[str, int] = {}
    for r in catalog.roles:
        for n in r.needs:
            required[n.skill] = required.get(n.skill, 0) + 1
    most = sorted(required.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return {
        "name": catalog.name,
        "version": catalog.version,
        "counts": catalog.counts(),
        "providers": dict(sorted(providers.items(), key=lambda kv: (-kv[1], kv[0]))),
        "roles": [{"id": r.id, "title": r.title} for r in catalog.roles],
        "situations": [{"id": x.id, "title": x.title, "role": x.role} for x in catalog.situations],
        "skills_no_course_teaches": untaught,
        "most_required_skills": [{"id": k, "roles": v} for k, v in most],
        "free_hours": sum(c.hours for c in catalog.courses if c.is_free),
        "warnings": [str(w) for w in catalog.load_warnings],
    }
