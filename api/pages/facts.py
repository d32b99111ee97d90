"""What hovering a node shows: a record's facts as plain text lines.

Tooltips are plain text (vis-network 9 sets string titles with
``innerText``), so course URLs are shown, not linked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from api.formatting import level_label, money, price
from graph.catalog import Catalog, Kind

__all__ = ["facts", "short"]


def facts(catalog: Catalog, kind: Kind, item: Any) -> list[str]:
    lines = [item.label, f"{kind} \u00b7 {item.id}"]

    def add(name: str, value: Any) -> None:
        if value not in (None, "", [], ()):
            lines.append(f"{name}: {value}")

    if kind == "course":
        add("provider", item.provider)
        add("platform", item.platform)
        add("format", item.format)
        add("hours", f"{item.hours:g}")
        add("cost", _billed(catalog, item.subscription, item.free_audit) if item.subscription
            else _cost(item.cost_usd, item.free_audit))
        add("rating", _rating(item.rating, item.rating_scale))
        add("teaches", _list([level_label(t.skill, t.level) for t in item.teaches]))
        add("requires", _list([_requirement(r) for r in item.requires]))
        add("part of", item.part_of)
        add("prepares for", _list(item.prepares_for))
    elif kind == "skill":
        add("category", item.category)
        add("about", short(item.description or "", 120))
        add("requires", _list([_requirement(r) for r in item.requires]))
        teachers = catalog.teachers.get(item.id, [])
        add("taught by", f"{len(teachers)} course{'s' * (len(teachers) != 1)}" if item.teachable
            else "learnt on the job")
    elif kind == "program":
        add("provider", item.provider)
        add("platform", item.platform)
        courses = [catalog.course(c) for c in item.courses if c in catalog and catalog.kind_of(c) == "course"]
        add("courses", f"{len(item.courses)} ({sum(c.hours for c in courses):g} h in all)")
        add("rating", _rating(item.rating, item.rating_scale))
    elif kind == "cert":
        add("provider", item.provider)
        add("kind", item.kind)
        add("exam cost", None if item.exam_cost_usd is None else _cost(item.exam_cost_usd, False))
        add("prep hours", f"{item.prep_hours:g}" if item.prep_hours else None)
        add("recommended experience", f"{item.recommended_experience_years:g} years"
            if item.recommended_experience_years else None)
        add("warning", item.caution_quoted)
        add("requires", _list([_requirement(r) for r in item.requires]))
        add("validates", _list(item.validates))
        add("awarded for", item.program)
    elif kind == "role":
        add("about", short(item.description or "", 120))
        essential = [n for n in item.needs if n.importance == "essential"]
        add("needs", f"{len(essential)} essential, {len(item.needs) - len(essential)} optional skills")
        add("values", _list([v.cert + (" (optional)" if v.importance == "optional" else "") for v in item.values]))
    add("source", _source(catalog, item.source))
    add("url", getattr(item, "url", None))
    return lines


def _source(catalog: Catalog, source: str | None) -> str | None:
    if not source:
        return None
    for s in catalog.sources:
        if s.id == source:
            return short(s.title, 90)
    return source


def _cost(usd: float | None, free_audit: bool) -> str:
    # The hover says "free to audit", also when the price is unknown.
    note = " (free to audit)"
    return price(usd, free_audit or False, unknown="unknown" + (note if free_audit else ""), free="free", note=note)


def _billed(catalog: Catalog, subscription: str, free_audit: bool) -> str:
    sub = next((s for s in catalog.subscriptions if s.id == subscription), None)
    rate = f"{money(sub.usd_per_month)}/month, {sub.title}" if sub else subscription
    return f"billed monthly ({rate})" + (" (free to audit)" if free_audit else "")


def _rating(rating: float | None, scale: float | None) -> str | None:
    if rating is None:
        return None
    return f"{rating:g} / {scale:g}" if scale else f"{rating:g}"


def _requirement(r: Any) -> str:
    if hasattr(r, "any_of"):
        return "one of (" + ", ".join(_requirement(m) for m in r.any_of) + ")"
    if hasattr(r, "cert"):
        return f"cert {r.cert}"
    return level_label(r.skill, r.level)


def _list(values: Sequence[str], n: int = 8) -> str:
    more = f" and {len(values) - n} more" if len(values) > n else ""
    return ", ".join(values[:n]) + more


def short(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


