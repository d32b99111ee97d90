"""Stores: where a catalog lives between a load and a snapshot.

A store holds one catalog. :meth:`Store.load` writes a validated catalog into
it and :meth:`Store.snapshot` reads the whole thing back as a
:class:`~graph.catalog.Catalog`; the round trip is lossless (every record,
property, level, ``any_of`` group, importance and list order comes back
equal). Two implementations:

:class:`~graph.embedded.EmbeddedStore`
    in memory, the default; what the CLI and the API use when no database is
    configured.
:class:`~graph.neo4j.store.Neo4jStore`
    a Neo4j 5 database over Bolt (or the local ArcadeDB server of
    :mod:`graph.neo4j.local_server`): the system of record that curators edit.

Both answer :meth:`Store.status` with one :class:`StoreStatus`.

Load semantics, shared by both:

* The catalog is checked before anything is written
  (:func:`reference_issues`: ids unique across kinds, every reference names a
  record of the right kind); a catalog that fails is refused with
  :class:`~graph.errors.CatalogError` and the store is unchanged.
* ``replace=False`` *upserts*: each record in the catalog replaces the stored
  record with the same id (properties and outgoing links alike); records the
  catalog does not mention stay. New records go after the stored ones,
  stored records keep their place.
* ``replace=True`` *syncs*: afterwards the store holds exactly the catalog,
  in the catalog's order.
* A load is atomic: when it fails part-way the previous content is intact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from graph.catalog import KINDS, Catalog, Kind
from graph.errors import CatalogError, CatalogIssue, KindChanged
from graph.schema import LABELS, RELATIONSHIP_TYPES, Reference, references

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "LoadReport",
    "Progress",
    "Store",
    "StoreStatus",
    "check_before_load",
    "check_kinds",
    "copy_catalog",
    "merge_catalogs",
    "reference_issues",
]

DEFAULT_BATCH_SIZE = 1000

#: ``progress(phase, done, total)``: called after each written batch.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class LoadReport:
    """What a load did."""

    records: int
    relationships: int
    removed: int
    statements: int
    seconds: float
    replace: bool


class StoreStatus(BaseModel):
    """What :meth:`Store.status` says, the same shape for every store.

    ``nodes`` counts records by label (``Skill``, ``Course`` ...) and
    ``relationships`` by type (``REQUIRES``, ``TEACHES`` ...), both in schema
    order with zeros; ``name`` is the catalog's name and ``loaded_at`` when
    it was last loaded (ISO 8601). Where the store is (``uri``,
    ``database``, ``server``, ``protocol``) is None in memory.
    """

    model_config = ConfigDict(frozen=True)

    store: Literal["embedded", "neo4j"]
    uri: str | None = None
    database: str | None = None
    server: str | None = None
    protocol: str | None = None
    nodes: dict[str, int]
    relationships: dict[str, int]
    name: str | None = None
    loaded_at: str | None = None

    @classmethod
    def of_catalog(cls, catalog: Catalog, **where: Any) -> StoreStatus:
        """The counts of ``catalog`` (what a store holding it says)."""
        rels = dict.fromkeys(RELATIONSHIP_TYPES, 0)
        for ref in references(catalog):
            rels[ref.type] += 1
        nodes = {LABELS[kind]: n for kind, n in zip(KINDS, catalog.counts().values(), strict=True)}
        return cls(nodes=nodes, relationships=rels, name=catalog.name, **where)


@runtime_checkable
class Store(Protocol):
    """Where a catalog is kept; see the module docstring for load semantics."""

    def load(
        self,
        catalog: Catalog,
        *,
        replace: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: Progress | None = None,
    ) -> LoadReport:
        """Write ``catalog`` (upsert, or sync with ``replace=True``); atomic."""
        ...

    def snapshot(self) -> Catalog:
        """Everything stored, as a catalog equal to what was loaded."""
        ...

    def status(self) -> StoreStatus:
        """Where the store is and what it holds (nodes by label, relationships by type)."""
        ...

    def close(self) -> None:
        """Release resources; a closed store refuses work."""
        ...


# -- checks ------------------------------------------------------------------------
def reference_issues(catalog: Catalog, refs: list[Reference] | None = None) -> list[CatalogIssue]:
    """What would leave the store inconsistent: duplicate ids, dangling references.

    A store keeps one record per id and links records, so it refuses a
    catalog where an id is used twice (in any kinds) or a reference names no
    record, or a record of the wrong kind. (The loaders' fuller checks, with
    warnings, are :func:`loaders.checks.check_catalog`.)

    Examples
    --------
    >>> from graph.models import Course
    >>> cat = Catalog(courses=[Course(id="c", title="C", hours=1, teaches=["nope"])])
    >>> [str(i) for i in reference_issues(cat)]
    ["c:teaches: unknown skill 'nope'"]
    """
    issues: list[CatalogIssue] = []
    kinds: dict[str, Kind] = {}
    for kind, item in catalog.items():
        if item.id in kinds:
            issues.append(CatalogIssue(f"duplicate id (a {kinds[item.id]} and a {kind})", item.id, "id"))
        else:
            kinds[item.id] = kind
    for ref in references(catalog) if refs is None else refs:
        target = kinds.get(ref.dst)
        if target is None:
            issues.append(CatalogIssue(f"unknown {ref.dst_kind} {ref.dst!r}", ref.src, ref.field))
        elif target != ref.dst_kind:
            issues.append(CatalogIssue(f"{ref.dst!r} is a {target}, expected a {ref.dst_kind}", ref.src, ref.field))
    return issues


def check_before_load(catalog: Catalog, batch_size: int) -> list[Reference]:
    """Raise before any write: ``CatalogError`` for the catalog, ``ValueError`` for the batch size.
    Returns the catalog's references it checked (a writer need not list them again)."""
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch size must be a positive integer, not {batch_size!r}")
    refs = list(references(catalog))
    issues = reference_issues(catalog, refs)
    if issues:
        raise CatalogError(issues)
    return refs


def check_kinds(stored: Mapping[str, Kind], catalog: Catalog, *, where: str) -> None:
    """Raise :class:`~graph.errors.KindChanged` for ids ``catalog`` gives another kind than ``stored``.

    ``where`` names the store in the message ("store", "graph").

    Examples
    --------
    >>> from graph.models import Course
    >>> check_kinds({"python": "skill"}, Catalog(courses=[Course(id="python", title="P", hours=1)]), where="store")
    Traceback (most recent call last):
    ...
    graph.errors.KindChanged: python:id: is a skill in the store but a course in the catalog; load with replace \
to change its kind
    """
    clashes = [CatalogIssue(f"is a {stored[item.id]} in the {where} but a {kind} in the catalog; "
                            "load with replace to change its kind", item.id, "id")
               for kind, item in catalog.items() if stored.get(item.id, kind) != kind]
    if clashes:
        raise KindChanged(clashes)


# -- upsert -----------------------------------------------------------------------
def _merge_by_id(old: list[Any], new: list[Any]) -> list[Any]:
    incoming = {x.id: x for x in new}
    out = [incoming.pop(x.id, x) for x in old]
    return out + [x for x in new if x.id in incoming]


def merge_catalogs(current: Catalog, incoming: Catalog) -> Catalog:
    """``incoming`` upserted into ``current`` (the ``replace=False`` load).

    Raises :class:`~graph.errors.CatalogError` when an id changes kind (a
    skill in the store, a course in the file): load with ``replace=True``
    to do that.

    Examples
    --------
    >>> from graph.models import Skill
    >>> a = Catalog(skills=[Skill(id="a", name="A"), Skill(id="b", name="B")])
    >>> b = Catalog(skills=[Skill(id="c", name="C"), Skill(id="a", name="A2")])
    >>> [(s.id, s.name) for s in merge_catalogs(a, b).skills]
    [('a', 'A2'), ('b', 'B'), ('c', 'C')]
    """
    check_kinds({item.id: kind for kind, item in current.items()}, incoming, where="store")
    fields: dict[str, Any] = {attr: _merge_by_id(getattr(current, attr), getattr(incoming, attr))
                              for attr in (*KINDS.values(), "sources", "situations", "subscriptions")}
    extra = {**(current.model_extra or {}), **(incoming.model_extra or {})}
    return Catalog(name=incoming.name if incoming.name is not None else current.name, **fields, **extra)


def copy_catalog(catalog: Catalog) -> Catalog:
    """A new catalog with the same records (records are frozen, so shared)."""
    fields: dict[str, Any] = {attr: list(getattr(catalog, attr))
                              for attr in (*KINDS.values(), "sources", "situations", "subscriptions")}
    return Catalog(name=catalog.name, **fields, **(catalog.model_extra or {}))
