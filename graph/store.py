"""Stores: where a catalog lives between a load and a snapshot.

A store holds one catalog. :meth:`Store.load` writes a validated catalog into
it and :meth:`Store.snapshot` reads the whole thing back as a
:class:`~graph.catalog.Catalog`; the round trip is lossless (every record,
property, level, ``any_of`` group, importance and list order comes back
equal). Two implementations:

:class:`EmbeddedStore`
    in memory, the default; what the CLI and the API use when no database is
    configured.
:class:`~graph.neo4j_store.Neo4jStore`
    a Neo4j 5 database over Bolt (or the local ArcadeDB server of
    :mod:`graph.bolt_server`): the system of record that curators edit.

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

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from graph.catalog import KINDS, Catalog, Kind
from graph.errors import CatalogError, CatalogIssue, StoreUnavailable
from graph.models import AnyOf, CertRef, SkillLevel

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "EmbeddedStore",
    "LoadReport",
    "Progress",
    "Reference",
    "Store",
    "check_before_load",
    "copy_catalog",
    "merge_catalogs",
    "reference_issues",
    "references",
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

    def status(self) -> dict[str, Any]:
        """Where the store is and what it holds (counts by kind)."""
        ...

    def close(self) -> None:
        """Release resources; a closed store refuses work."""
        ...


# -- references -----------------------------------------------------------------
@dataclass(frozen=True)
class Reference:
    """One link of a record to another, in the catalog's terms.

    ``type`` is the relationship type of the graph schema; ``field`` the
    record's key it comes from; ``order`` its position in that list (the
    position of the ``any_of`` group for a group member, whose place inside
    the group is ``member``); ``props`` the relationship's properties besides
    ``order``.
    """

    type: str
    src_kind: Kind
    src: str
    field: str
    dst_kind: Kind
    dst: str
    order: int
    member: int | None = None
    props: tuple[tuple[str, Any], ...] = ()


def _requirement_refs(kind: Kind, src: str, reqs: list[Any]) -> Iterator[Reference]:
    for order, r in enumerate(reqs):
        grouped = isinstance(r, AnyOf)
        for member, m in enumerate(r.any_of if isinstance(r, AnyOf) else [r]):
            props: list[tuple[str, Any]] = []
            if isinstance(m, SkillLevel):
                dst_kind: Kind = "skill"
                dst = m.skill
                props.append(("level", m.level))
            else:
                assert isinstance(m, CertRef)
                dst_kind, dst = "cert", m.cert
            if grouped:
                props.append(("group", f"g{order}"))
                props.append(("member", member))
            yield Reference("REQUIRES", kind, src, "requires", dst_kind, dst, order,
                            member if grouped else None, tuple(props))


def references(catalog: Catalog) -> Iterator[Reference]:
    """Every link between records, in catalog order (the graph's relationships)."""
    for s in catalog.skills:
        yield from _requirement_refs("skill", s.id, s.requires)
    for c in catalog.courses:
        yield from _requirement_refs("course", c.id, c.requires)
        for i, t in enumerate(c.teaches):
            yield Reference("TEACHES", "course", c.id, "teaches", "skill", t.skill, i, props=(("level", t.level),))
        for i, x in enumerate(c.prepares_for):
            yield Reference("PREPARES_FOR", "course", c.id, "prepares_for", "cert", x, i)
    for p in catalog.programs:
        # The program owns the list, so the reference is the program's even
        # though the relationship points from the course to the program.
        for i, cid in enumerate(p.courses):
            yield Reference("PART_OF", "program", p.id, "courses", "course", cid, i)
    for cert in catalog.certs:
        yield from _requirement_refs("cert", cert.id, cert.requires)
        for i, x in enumerate(cert.validates):
            yield Reference("VALIDATES", "cert", cert.id, "validates", "skill", x, i)
        if cert.program:
            yield Reference("AWARDED_FOR", "cert", cert.id, "program", "program", cert.program, 0)
    for role in catalog.roles:
        for i, n in enumerate(role.needs):
            yield Reference("NEEDS", "role", role.id, "needs", "skill", n.skill, i,
                            props=(("level", n.level), ("importance", n.importance)))
        for i, v in enumerate(role.values):
            yield Reference("VALUES", "role", role.id, "values", "cert", v.cert, i,
                            props=(("importance", v.importance),))


def reference_issues(catalog: Catalog) -> list[CatalogIssue]:
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
    for ref in references(catalog):
        target = kinds.get(ref.dst)
        if target is None:
            issues.append(CatalogIssue(f"unknown {ref.dst_kind} {ref.dst!r}", ref.src, ref.field))
        elif target != ref.dst_kind:
            issues.append(CatalogIssue(f"{ref.dst!r} is a {target}, expected a {ref.dst_kind}", ref.src, ref.field))
    return issues


def check_before_load(catalog: Catalog, batch_size: int) -> None:
    """Raise before any write: ``CatalogError`` for the catalog, ``ValueError`` for the batch size."""
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch size must be a positive integer, not {batch_size!r}")
    issues = reference_issues(catalog)
    if issues:
        raise CatalogError(issues)


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
    stored = {item.id: kind for kind, item in current.items()}
    clashes = [CatalogIssue(f"is a {stored[item.id]} in the store but a {kind} in the catalog; "
                            "load with replace to change its kind", item.id, "id")
               for kind, item in incoming.items() if stored.get(item.id, kind) != kind]
    if clashes:
        raise CatalogError(clashes)
    fields: dict[str, Any] = {attr: _merge_by_id(getattr(current, attr), getattr(incoming, attr))
                              for attr in (*KINDS.values(), "sources", "situations")}
    extra = {**(current.model_extra or {}), **(incoming.model_extra or {})}
    return Catalog(name=incoming.name if incoming.name is not None else current.name, **fields, **extra)


def copy_catalog(catalog: Catalog) -> Catalog:
    """A new catalog with the same records (records are frozen, so shared)."""
    fields: dict[str, Any] = {attr: list(getattr(catalog, attr)) for attr in (*KINDS.values(), "sources", "situations")}
    return Catalog(name=catalog.name, **fields, **(catalog.model_extra or {}))


# -- embedded -------------------------------------------------------------------------
class EmbeddedStore:
    """A store in this process's memory.

    Examples
    --------
    >>> from graph.models import Skill
    >>> store = EmbeddedStore()
    >>> report = store.load(Catalog(skills=[Skill(id="python", name="Python")]))
    >>> store.snapshot().skills[0].name
    'Python'
    >>> store.status()["counts"]["skills"]
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
        check_before_load(catalog, batch_size)
        before = set(self._catalog.ids())
        new = copy_catalog(catalog) if replace else merge_catalogs(self._catalog, catalog)
        n_records = sum(1 for _ in catalog.items())
        n_refs = sum(1 for _ in references(catalog))
        if progress is not None:
            progress("records", n_records, n_records)
            progress("relationships", n_refs, n_refs)
        self._catalog = new  # one assignment: atomic for readers
        removed = len(before - set(new.ids())) if replace else 0
        return LoadReport(n_records, n_refs, removed, 0, time.perf_counter() - started, replace)

    def snapshot(self) -> Catalog:
        self._check_open()
        return copy_catalog(self._catalog)

    def status(self) -> dict[str, Any]:
        self._check_open()
        return {"store": self.kind, "name": self._catalog.name, "counts": self._catalog.counts(),
                "relationships": sum(1 for _ in references(self._catalog))}

    def close(self) -> None:
        self._closed = True
