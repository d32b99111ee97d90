"""The in-memory store: :class:`EmbeddedStore`.

What the CLI and the API use when no database is configured, and the
reference the Neo4j store is tested against: the same load semantics
(:mod:`graph.store`), with the catalog held as one immutable value that a
load swaps in one assignment.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Literal

from graph.catalog import Catalog
from graph.errors import StoreUnavailable
from graph.store import (
    DEFAULT_BATCH_SIZE,
    LoadReport,
    Progress,
    StoreStatus,
    check_before_load,
    copy_catalog,
    merge_catalogs,
)

__all__ = ["EmbeddedStore"]


class EmbeddedStore:
    """A store in this process's memory.

    Examples
    --------
    >>> from graph.models import Skill
    >>> store = EmbeddedStore()
    >>> report = store.load(Catalog(skills=[Skill(id="python", name="Python")]))
    >>> store.snapshot().skills[0].name
    'Python'
    >>> store.status().nodes["Skill"]
    1
    >>> store.close(); store.snapshot()
    Traceback (most recent call last):
    ...
    graph.errors.StoreUnavailable: the embedded store is closed
    """

    kind: Literal["embedded"] = "embedded"

    def __init__(self, catalog: Catalog | None = None) -> None:
        self._catalog = copy_catalog(catalog) if catalog is not None else Catalog()
        self._closed = False
        self._loaded_at: str | None = None

    def _check_open(self) -> None:
        if self._closed:
            raise StoreUnavailable("the embedded store is closed")

    def load(
        self,
        catalog: Catalog,
        *,
        replace: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: Progress | None = None,
    ) -> LoadReport:
        self._check_open()
        started = time.perf_counter()
        n_refs = len(check_before_load(catalog, batch_size))
        before = set(self._catalog.ids())
        new = copy_catalog(catalog) if replace else merge_catalogs(self._catalog, catalog)
        n_records = sum(1 for _ in catalog.items())
        if progress is not None:
            progress("records", n_records, n_records)
            progress("relationships", n_refs, n_refs)
        self._catalog = new  # one assignment: atomic for readers
        self._loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
        removed = len(before - set(new.ids())) if replace else 0
        return LoadReport(n_records, n_refs, removed, 0, time.perf_counter() - started, replace)

    def snapshot(self) -> Catalog:
        self._check_open()
        return copy_catalog(self._catalog)

    def status(self) -> StoreStatus:
        self._check_open()
        return StoreStatus.of_catalog(self._catalog, store=self.kind, loaded_at=self._loaded_at)

    def close(self) -> None:
        self._closed = True
