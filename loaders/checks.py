"""Integrity checks on a parsed catalog.

:func:`check_catalog` returns every finding at once, errors and warnings,
each naming the file, the item id and the field:

errors
    duplicate ids, references to unknown ids (with a "did you mean"),
    references to the wrong kind of record, prerequisite cycles among skills,
    completion certs without a program.
warnings
    a role needing a skill nothing teaches (or nothing teaches at the level
    it needs), a course listed in a program it does not name as ``part_of``,
    keys that look like typos of known fields, unknown ``source`` ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.catalog import Catalog, Kind
from graph.errors import CatalogIssue, CycleIssue, suggest
from graph.models import AnyOf, CertRef, Item, SkillLevel, parse_level_ref

__all__ = ["check_catalog", "duplicate_ids", "provenance_issues", "skill_cycle"]


def duplicate_ids(records: Iterable[tuple[str, Any]], file: str | None = None) -> list[CatalogIssue]:
    """Issues for ids used more than once; ``records`` yields (section, raw record)."""
    seen: dict[str, str] = {}
    issues = []
    for section, raw in records:
        rid = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(rid, str):
            continue
        if rid in seen:
            issues.append(CatalogIssue(f"duplicate id (first used in {seen[rid]})", rid, "id", file))
        else:
            seen[rid] = section
    return issues


def skill_cycle(catalog: Catalog) -> list[str] | None:
    """One cycle among skill ``requires`` (as a list of ids), or None."""
    g = nx.DiGraph()
    skill_ids = set(catalog.ids("skill"))
    for s in catalog.skills:
        for r in s.requires:
            for m in r.any_of if isinstance(r, AnyOf) else [r]:
                if isinstance(m, SkillLevel) and m.skill in skill_ids:
                    g.add_edge(s.id, m.skill)
    try:
        edges = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return None
    return [u for u, _ in edges]


def check_catalog(
    catalog: Catalog, file: str | None = None, *, also_known: Iterable[str] = ()
) -> list[CatalogIssue]:
    """Every integrity finding for ``catalog``; errors first, then warnings.

    ``also_known`` are ids of records that failed to parse: references to
    them are not reported again as unknown.
    """
    skip = set(also_known)
    issues: list[CatalogIssue] = []
    kinds: dict[str, Kind] = {}
    for kind, item in catalog.items():
        kinds.setdefault(item.id, kind)

    def err(msg: str, item: str, field: str) -> None:
        issues.append(CatalogIssue(msg, item, field, file))

    def warn(msg: str, item: str, field: str) -> None:
        issues.append(CatalogIssue(msg, item, field, file, "warning"))

    def ref(item: str, field: str, target: str, want: Kind | tuple[Kind, ...]) -> None:
        wanted = want if isinstance(want, tuple) else (want,)
        have = kinds.get(target)
        if have is None and target in skip:
            return
        if have is None:
            pool = [i for i, k in kinds.items() if k in wanted]
            hint = suggest(target, pool)
            extra = f" (did you mean {', '.join(hint)}?)" if hint else ""
            err(f"unknown {'/'.join(wanted)} {target!r}{extra}", item, field)
        elif have not in wanted:
            err(f"{target!r} is a {have}, expected a {' or '.join(wanted)}", item, field)

    def requirements(item: str, field: str, reqs: list[Any]) -> None:
        for r in reqs:
            for m in r.any_of if isinstance(r, AnyOf) else [r]:
                if isinstance(m, SkillLevel):
                    ref(item, field, m.skill, ("skill", "cert"))
                elif isinstance(m, CertRef):
                    ref(item, field, m.cert, "cert")

    for s in catalog.skills:
        requirements(s.id, "requires", s.requires)
    for c in catalog.courses:
        requirements(c.id, "requires", c.requires)
        for t in c.teaches:
            ref(c.id, "teaches", t.skill, "skill")
        if c.part_of:
            ref(c.id, "part_of", c.part_of, "program")
        for x in c.prepares_for:
            ref(c.id, "prepares_for", x, "cert")
    for p in catalog.programs:
        for cid in p.courses:
            ref(p.id, "courses", cid, "course")
        if len(set(p.courses)) != len(p.courses):
            err("a course is listed twice", p.id, "courses")
    for cert in catalog.certs:
        requirements(cert.id, "requires", cert.requires)
        for x in cert.validates:
            ref(cert.id, "validates", x, "skill")
        if cert.program:
            ref(cert.id, "program", cert.program, "program")
        elif cert.kind == "completion":
            err("a completion certificate needs the program that awards it", cert.id, "program")
    for role in catalog.roles:
        for n in role.needs:
            ref(role.id, "needs", n.skill, "skill")
        for v in role.values:
            ref(role.id, "values", v.cert, "cert")
    for sit in catalog.situations:
        for h in sit.have:
            have = parse_level_ref(h)
            ref(sit.id, "have", have.id, ("skill", "cert", "course"))
            try:
                have.level  # noqa: B018 - parsed for its ValueError
            except ValueError as bad:
                err(f"{h!r}: {bad}", sit.id, "have")
        if sit.role:
            ref(sit.id, "role", sit.role, "role")
        if sit.cert:
            ref(sit.id, "cert", sit.cert, "cert")
        for goal in sit.skills:
            ref(sit.id, "skills", parse_level_ref(goal).id, "skill")
        for index, e in enumerate(sit.expect):
            for step in e.ids:
                ref(sit.id, f"expect.{index}.{e.check}", step, ("course", "cert"))

    subscriptions = {s.id for s in catalog.subscriptions}
    for c in catalog.courses:
        if c.subscription is None:
            continue
        if c.subscription not in subscriptions:
            hint = suggest(c.subscription, subscriptions)
            extra = f" (did you mean {', '.join(hint)}?)" if hint else ""
            err(f"subscription {c.subscription!r} is not in the catalog's subscriptions{extra}", c.id,
                "subscription")
        elif c.cost_usd:
            err(f"billed by subscription {c.subscription!r} and also priced once (cost_usd {c.cost_usd:g}): "
                "give one of the two", c.id, "cost_usd")

    cycle = skill_cycle(catalog)
    if cycle:
        issues.append(CycleIssue(cycle, file))

    # -- warnings ---------------------------------------------------------
    best_level: dict[str, int] = {}
    for c in catalog.courses:
        for t in c.teaches:
            best_level[t.skill] = max(best_level.get(t.skill, 0), t.level)
    for role in catalog.roles:
        for n in role.needs:
            if kinds.get(n.skill) != "skill":
                continue
            got = best_level.get(n.skill, 0)
            if got == 0:
                why = "learnt on the job" if not catalog.skill(n.skill).teachable else "nothing teaches it"
                warn(f"needs skill {n.skill!r} ({n.importance}): {why}; routes report it as a gap",
                     role.id, "needs")
            elif got < n.level:
                warn(f"needs {n.skill!r} at level {n.level} but courses teach it only up to level {got}",
                     role.id, "needs")
    programs = {p.id: p for p in catalog.programs}
    for c in catalog.courses:
        if c.part_of in programs and c.id not in programs[c.part_of].courses:
            warn(f"part_of {c.part_of!r}, but that program does not list it", c.id, "part_of")
    source_ids = {s.id for s in catalog.sources}
    for _, item in catalog.items():
        _typo_keys(item, issues, file)
        if source_ids and item.source and item.source not in source_ids:
            hint = suggest(item.source, source_ids)
            extra = f" (did you mean {', '.join(hint)}?)" if hint else ""
            warn(f"source {item.source!r} is not in the catalog's sources{extra}", item.id, "source")
    issues += provenance_issues(catalog, file)
    issues.sort(key=lambda i: i.severity != "error")
    return issues


def provenance_issues(catalog: Catalog, file: str | None = None) -> list[CatalogIssue]:
    """Errors for facts attributed to a guide without its words, and for unknown provenance sources.

    A record (or a field in its ``provenance``) whose source is of kind
    ``guide`` must quote the guide in ``quote``: nothing is labelled a guide's
    without the words that state it. Whether each quote is really in the guide
    is checked against the guide files by :func:`loaders.provenance.verify_quotes`.
    """
    kinds = {s.id: s.kind for s in catalog.sources}
    issues = []
    facts: list[tuple[str, str, str | None, str | None]] = [(i.id, "source", i.source, i.quote)
                                                           for _, i in catalog.items()]
    facts += [(i.id, f"provenance.{f}", p.source, p.quote) for _, i in catalog.items() for f, p in i.provenance.items()]
    facts += [(s.id, "source", s.source, s.quote) for s in catalog.situations]
    facts += [(s.id, "source", s.source, s.quote) for s in catalog.subscriptions]
    facts += [(s.id, f"expect.{n}.source", e.source or s.source, e.quote)
              for s in catalog.situations for n, e in enumerate(s.expect)]
    for item, field, source, quote in facts:
        if source is None:
            continue
        if field != "source" and source not in kinds:
            hint = suggest(source, kinds)
            extra = f" (did you mean {', '.join(hint)}?)" if hint else ""
            issues.append(CatalogIssue(f"unknown source {source!r}{extra}", item, field, file))
        elif kinds.get(source) == "guide" and not quote:
            issues.append(CatalogIssue(f"attributed to the guide {source!r} without its words: add a verbatim "
                                       "'quote', or name a public page or the curators as the source", item,
                                       field, file))
    return issues


def _typo_keys(item: Item, issues: list[CatalogIssue], file: str | None) -> None:
    known = type(item).model_fields
    for key in item.model_extra or {}:
        hint = suggest(key, known, n=1)
        if hint:
            issues.append(CatalogIssue(f"unknown key {key!r} (did you mean {hint[0]!r}?); kept as extra data",
                                       item.id, key, file, "warning"))

