"""The :class:`Catalog`: every record of one catalog, indexed by id, with a
networkx view for traversal.

A catalog is built once (by :func:`loaders.load_catalog` or a store's
snapshot) and then treated as immutable: the id index, the graph and the
planner's compiled form are derived from it on first use and cached.

Graph view (``Catalog.graph``, a ``networkx.MultiDiGraph``): one node per
record with attribute ``type`` (skill, course, program, cert, role); edges
``REQUIRES`` (from the dependent to what it needs; attribute ``level`` and,
for an ``any_of`` member, ``group``), ``TEACHES {level}``, ``PART_OF {order}``,
``PREPARES_FOR``, ``VALIDATES``, ``NEEDS {level, importance}``,
``VALUES {importance}``, ``AWARDED_FOR`` (a completion cert to its program).
These are the relationship types of :mod:`graph.schema`, which the stores use too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any, TypeVar, cast

import networkx as nx
from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator

from graph.errors import CatalogIssue, UnknownId, suggest
from graph.models import (
    AnyOf,
    Cert,
    CertRef,
    Course,
    Item,
    Program,
    Role,
    Situation,
    Skill,
    SkillLevel,
    Source,
    Subscription,
)
from graph.schema import KINDS, RELATIONSHIP_TYPES, Kind, references

__all__ = ["KINDS", "Catalog", "Kind"]

T = TypeVar("T")


class Catalog(BaseModel):
    """Skills, courses, programs, certs and roles of one catalog."""

    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True)

    name: str | None = None
    sources: list[Source] = []
    subscriptions: list[Subscription] = []
    skills: list[Skill] = []
    courses: list[Course] = []
    programs: list[Program] = []
    certs: list[Cert] = []
    roles: list[Role] = []
    situations: list[Situation] = []
    _load_warnings: list[CatalogIssue] = PrivateAttr(default_factory=list)
    _derived: dict[str, Any] = PrivateAttr(default_factory=dict)

    def derived(self, key: str, build: Callable[[Catalog], T]) -> T:
        """A value computed from this catalog once and cached (e.g. the planner's index)."""
        # Straight from pydantic's private slot: ``self._derived`` goes through
        # BaseModel.__getattr__, several microseconds on every plan's many lookups.
        cache: dict[str, Any] = self.__pydantic_private__["_derived"]  # type: ignore[index]
        try:
            return cast(T, cache[key])
        except KeyError:
            value = cache[key] = build(self)
            return value

    @property
    def load_warnings(self) -> list[CatalogIssue]:
        """Warnings found when the catalog was loaded (gaps, typo-like keys...)."""
        return self._load_warnings

    @load_warnings.setter
    def load_warnings(self, value: list[CatalogIssue]) -> None:
        self._load_warnings = list(value)

    @model_validator(mode="after")
    def _retype_cert_refs(self) -> Catalog:
        # A bare id in ``requires`` parses as a skill; ids are unique across
        # the file, so one that names a cert is a cert requirement.
        cert_ids = {c.id for c in self.certs}
        if not cert_ids:
            return self

        def fix(reqs: list[Any]) -> list[Any] | None:
            changed, out = False, []
            for r in reqs:
                if isinstance(r, SkillLevel) and r.skill in cert_ids:
                    r, changed = CertRef(cert=r.skill), True
                elif isinstance(r, AnyOf) and any(isinstance(m, SkillLevel) and m.skill in cert_ids for m in r.any_of):
                    members = [CertRef(cert=m.skill) if isinstance(m, SkillLevel) and m.skill in cert_ids else m
                               for m in r.any_of]
                    r, changed = AnyOf(any_of=members), True
                out.append(r)
            return out if changed else None

        for attr in ("skills", "courses", "certs"):
            items = getattr(self, attr)
            for i, item in enumerate(items):
                new = fix(item.requires)
                if new is not None:
                    items[i] = item.model_copy(update={"requires": new})
        return self

    def __eq__(self, other: object) -> bool:
        # By content: caches and load warnings (which name the file) do not count.
        if not isinstance(other, Catalog):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]

    # -- lookup ---------------------------------------------------------
    @cached_property
    def _index(self) -> dict[str, tuple[Kind, Item]]:
        index: dict[str, tuple[Kind, Item]] = {}
        for kind, attr in KINDS.items():
            for item in getattr(self, attr):
                index.setdefault(item.id, (kind, item))
        return index

    def __contains__(self, id_: object) -> bool:
        return id_ in self._index

    def items(self) -> Iterator[tuple[Kind, Item]]:
        """Every record with its kind, in file order, skills first."""
        for kind, attr in KINDS.items():
            for item in getattr(self, attr):
                yield kind, item

    def kind_of(self, id_: str) -> Kind:
        return self._lookup(id_)[0]

    def get(self, id_: str, kind: Kind | None = None) -> Any:
        """The record with this id; raises :class:`UnknownId` with suggestions."""
        found_kind, item = self._lookup(id_, kind)
        if kind is not None and found_kind != kind:
            raise UnknownId(id_, kind, suggest(id_, self.ids(kind)))
        return item

    def _lookup(self, id_: str, kind: Kind | None = None) -> tuple[Kind, Item]:
        try:
            return self._index[id_]
        except KeyError:
            raise UnknownId(id_, kind or "id", suggest(id_, self.ids(kind))) from None

    def ids(self, kind: Kind | None = None) -> list[str]:
        if kind is None:
            return list(self._index)
        return [i.id for i in getattr(self, KINDS[kind])]

    def skill(self, id_: str) -> Skill:
        return self.get(id_, "skill")

    def course(self, id_: str) -> Course:
        return self.get(id_, "course")

    def cert(self, id_: str) -> Cert:
        return self.get(id_, "cert")

    def role(self, id_: str) -> Role:
        return self.get(id_, "role")

    def program(self, id_: str) -> Program:
        return self.get(id_, "program")

    def find(self, text: str, kind: Kind | None = None) -> list[Item]:
        """Records whose id, name/title or an alias contains ``text`` (case-insensitive)."""
        needle = text.casefold()
        out = []
        for k, item in self.items():
            if kind is not None and k != kind:
                continue
            hay = [item.id, item.label, *getattr(item, "aliases", [])]
            if any(needle in h.casefold() for h in hay):
                out.append(item)
        return out

    # -- derived views ---------------------------------------------------
    @cached_property
    def version(self) -> str:
        """A short content hash: equal catalogs have equal versions."""
        blob = json.dumps(self.to_dict(), sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:12]

    def to_dict(self) -> dict[str, Any]:
        """The catalog as file data (what ``load_catalog`` reads back)."""
        return self.model_dump(mode="json", exclude_none=True, exclude_defaults=True, by_alias=True)

    def counts(self) -> dict[str, int]:
        return {attr: len(getattr(self, attr)) for attr in KINDS.values()}

    @cached_property
    def teachers(self) -> dict[str, list[tuple[str, int]]]:
        """skill id -> [(course id, level)] of the courses that teach it."""
        out: dict[str, list[tuple[str, int]]] = {}
        for c in self.courses:
            for t in c.teaches:
                out.setdefault(t.skill, []).append((c.id, t.level))
        return out

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The catalog as a typed multigraph (see the module docstring)."""
        g = nx.MultiDiGraph()
        for kind, item in self.items():
            g.add_node(item.id, type=kind, label=item.label)
        for ref in references(self):
            props = dict(ref.props, order=ref.order)
            attrs = {p: props.get(p) for p in RELATIONSHIP_TYPES[ref.type].graph_props}
            start, end = ref.ends
            # One REQUIRES edge per target and group (a group may name a target twice).
            key = f"REQUIRES:{end}:{attrs.get('group')}" if ref.type == "REQUIRES" else None
            g.add_edge(start, end, key=key, type=ref.type, **{k: v for k, v in attrs.items() if v is not None})
        return g

    def neighbours(self, id_: str) -> dict[str, list[dict[str, Any]]]:
        """What a record links to and what links to it, grouped by relationship."""
        self._lookup(id_)
        g = self.graph
        out: dict[str, list[dict[str, Any]]] = {}
        for _, dst, data in g.out_edges(id_, data=True):
            key = data["type"].lower()
            out.setdefault(key, []).append({"id": dst, **_edge_props(data)})
        for src, _, data in g.in_edges(id_, data=True):
            key = RELATIONSHIP_TYPES[data["type"]].inverse
            out.setdefault(key, []).append({"id": src, **_edge_props(data)})
        return out

    def program_position(self, course_id: str) -> tuple[str, int] | None:
        """(program id, position) of a course listed in a program."""
        return self._program_positions.get(course_id)

    @cached_property
    def _program_positions(self) -> dict[str, tuple[str, int]]:
        out: dict[str, tuple[str, int]] = {}
        for p in self.programs:
            for i, cid in enumerate(p.courses):
                out.setdefault(cid, (p.id, i))
        return out


def _edge_props(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "type" and v is not None}
