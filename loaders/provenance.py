"""Check that every quote attributed to a guide is the guide's own words.

The catalog's ``sources`` of kind ``guide`` name their text file (``file``,
relative to the folder that holds the guides). :func:`verify_quotes` reads each
file and reports every record, field, situation or expectation whose quote is
not in it, verbatim up to whitespace.
"""

from __future__ import annotations

import os
from pathlib import Path

from graph.catalog import Catalog
from graph.errors import CatalogIssue

__all__ = ["guide_quotes", "verify_quotes"]


def guide_quotes(catalog: Catalog) -> list[tuple[str, str, str, str]]:
    """(item id, field, guide source id, quote) for every quote attributed to a guide."""
    guides = {s.id for s in catalog.sources if s.kind == "guide"}
    out = [(i.id, "quote", i.source, i.quote) for _, i in catalog.items()]
    out += [(i.id, f"provenance.{f}.quote", p.source, p.quote) for _, i in catalog.items()
            for f, p in i.provenance.items()]
    out += [(s.id, "quote", s.source, s.quote) for s in catalog.situations]
    out += [(s.id, "quote", s.source, s.quote) for s in catalog.subscriptions]
    out += [(s.id, f"expect.{n}.quote", e.source or s.source, e.quote)
            for s in catalog.situations for n, e in enumerate(s.expect)]
    return [(i, f, s, q) for i, f, s, q in out if s in guides and q]


def verify_quotes(catalog: Catalog, folder: str | os.PathLike[str]) -> list[CatalogIssue]:
    """Errors for quotes not found verbatim (up to whitespace) in their guide's file under ``folder``.

    A guide whose file is missing is one error naming the source and the path.
    """
    texts: dict[str, str] = {}
    issues = []
    for s in catalog.sources:
        if s.kind != "guide":
            continue
        if not s.file:
            issues.append(CatalogIssue("a guide needs its 'file' to check quotes against", s.id, "file"))
            continue
        path = Path(folder) / Path(s.file).name
        try:
            texts[s.id] = " ".join(path.read_text(encoding="utf-8").split())
        except OSError as err:
            issues.append(CatalogIssue(f"cannot read the guide at {path}: {err.strerror or err}", s.id, "file"))
    for item, field, source, quote in guide_quotes(catalog):
        if source in texts and " ".join(quote.split()) not in texts[source]:
            issues.append(CatalogIssue(f"not the words of {source!r}: {quote[:80]!r}", item, field))
    return issues
