"""Where each catalog fact comes from: a guide (with its words), a named public page, or the curators.

A fact here is a record as a whole (its ``source``), one field a record's
``provenance`` attributes separately, a learner situation, or one piece of a
situation's advice. Levels taught and role needs are the curators' judgement
unless a record's ``provenance`` says otherwise, so every course's ``teaches``
and every role's ``needs`` is listed as a curator fact of its own.

Examples
--------
>>> from loaders import load_catalog
>>> counts = provenance_counts(load_catalog())
>>> sorted(counts) == ["curator", "guide", "public-page"]
True
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from graph.catalog import Catalog

__all__ = ["CLASSES", "Fact", "facts", "provenance_counts"]

CLASSES = ("guide", "public-page", "curator")
CURATOR_FIELDS = {"course": "teaches", "role": "needs"}  # curator judgement unless provenance says otherwise


class Fact(BaseModel):
    """One fact and its provenance class (``guide``, ``public-page``, ``curator``, or ``unknown``)."""

    kind: str
    id: str
    field: str
    provenance: str
    source: str | None
    quote: str | None = None


def facts(catalog: Catalog) -> list[Fact]:
    """Every fact of the catalog with where it comes from, records in file order."""
    kinds = {s.id: s.kind for s in catalog.sources}
    curator = next((s.id for s in catalog.sources if s.kind == "curator"), None)

    def fact(kind: str, id_: str, field: str, source: str | None, quote: str | None = None) -> Fact:
        cls = (kinds.get(source) if source else None) or "unknown"
        return Fact(kind=kind, id=id_, field=field, provenance=cls, source=source, quote=quote)

    out: list[Fact] = []
    for kind, item in catalog.items():
        out.append(fact(kind, item.id, "record", item.source, item.quote))
        out += [fact(kind, item.id, f, p.source, p.quote) for f, p in item.provenance.items()]
        extra = CURATOR_FIELDS.get(kind)
        if extra and extra not in item.provenance and getattr(item, extra):
            out.append(fact(kind, item.id, extra, curator))
    for sub in catalog.subscriptions:
        out.append(fact("subscription", sub.id, "record", sub.source, sub.quote))
    for s in catalog.situations:
        out.append(fact("situation", s.id, "record", s.source, s.quote))
        out += [fact("situation", s.id, f"expect.{n}", e.source or s.source, e.quote)
                for n, e in enumerate(s.expect)]
    return out


def provenance_counts(catalog: Catalog) -> dict[str, int]:
    """How many facts per provenance class (classes with none are listed with 0)."""
    counts: dict[str, Any] = dict.fromkeys(CLASSES, 0)
    for f in facts(catalog):
        counts[f.provenance] = counts.get(f.provenance, 0) + 1
    return counts
