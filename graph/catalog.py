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
These are the relationship types the Neo4j store uses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any, Literal, TypeVar

import networkx as nx
from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator

from graph.errors import CatalogIssue, UnknownId, suggest
from graph.models import AnyOf, Cert, CertRef, Course, Item, Program, Role, Situation, Skill, SkillLevel, Source

__all__ = ["KINDS", "Catalog", "Kind"]

T = TypeVar("T")
Kind = Literal["skill", "course", "program", "cert", "role"]
KINDS: dict[Kind, str] = {
    "skill": "skills",
    "course": "courses",
    "program": "programs",
    "cert": "certs",
    "role": "roles",
}


class Catalog(BaseModel):
    """Skills, courses, programs, certs and roles of one catalog."""

    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True)

    name: str | None = None
    sources: list[Source] = []
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
        if key not in self._derived:
            self._derived[key] = build(self)
        return self._derived[key]

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

        def add_requires(src: str, reqs: list[Any]) -> None:
            for gi, r in enumerate(reqs):
                members = r.any_of if isinstance(r, AnyOf) else [r]
                group = f"g{gi}" if isinstance(r, AnyOf) else None
                for m in members:
                    dst = m.skill if isinstance(m, SkillLevel) else m.cert
                    attrs: dict[str, Any] = {"level": getattr(m, "level", None)}
                    if group:
                        attrs["group"] = group
                    g.add_edge(src, dst, key=f"REQUIRES:{dst}:{group}", type="REQUIRES", **attrs)

        for s in self.skills:
            add_requires(s.id, s.requires)
        for c in self.courses:
            add_requires(c.id, c.requires)
            for t in c.teaches:
                g.add_edge(c.id, t.skill, type="TEACHES", level=t.level)
            for cid in c.prepares_for:
                g.add_edge(c.id, cid, type="PREPARES_FOR")
        for p in self.programs:
            for order, cid in enumerate(p.courses):
                g.add_edge(cid, p.id, type="PART_OF", order=order)
        for x in self.certs:
            add_requires(x.id, x.requires)
            for sid in x.validates:
                g.add_edge(x.id, sid, type="VALIDATES")
            if x.program:
                g.add_edge(x.id, x.program, type="AWARDED_FOR")
        for role in self.roles:
            for n in role.needs:
                g.add_edge(role.id, n.skill, type="NEEDS", level=n.level, importance=n.importance)
            for v in role.values:
                g.add_edge(role.id, v.cert, type="VALUES", importance=v.importance)
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
            key = _INVERSE[data["type"]]
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


_INVERSE = {
    "REQUIRES": "required_by",
    "TEACHES": "taught_by",
    "PART_OF": "has_part",
    "PREPARES_FOR": "prepared_by",
    "VALIDATES": "validated_by",
    "AWARDED_FOR": "awards",
    "NEEDS": "needed_by",
    "VALUES": "valued_by",
}


def _edge_props(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "type" and v is not None}
