"""The graph schema: node labels and THE table of relationship types.

Every view of the catalog as a graph derives from :data:`RELATIONSHIPS`:
the networkx view (:attr:`graph.catalog.Catalog.graph`), the stores'
references (:func:`references`), the Neo4j Cypher and codecs
(:mod:`graph.neo4j`), and the pages' edge legends (:attr:`RelType.legend` as the readable text) and
their layouts (:attr:`RelType.end_first`).

A row is one (type, start kind, end kind) the catalog makes, with the record
field that holds it. The record that owns the field is the start of the
relationship, except ``PART_OF``: a program's ``courses`` list, drawn from
each course to the program (``owned_by_end``).

Examples
--------
>>> [r.end for r in RELATIONSHIPS if r.type == "REQUIRES" and r.start == "course"]
['skill', 'cert']
>>> RELATIONSHIP_TYPES["PART_OF"].field, RELATIONSHIP_TYPES["PART_OF"].owned_by_end
('courses', True)
>>> FIELDS["cert"]
('requires', 'validates', 'program')
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from graph.models import AnyOf, CertRef

if TYPE_CHECKING:
    from graph.catalog import Catalog

__all__ = [
    "FIELDS",
    "KINDS",
    "KIND_OF_LABEL",
    "LABELS",
    "RELATIONSHIPS",
    "RELATIONSHIP_PROPS",
    "RELATIONSHIP_TYPES",
    "Kind",
    "Reference",
    "TYPE_OF_FIELD",
    "RelType",
    "Relationship",
    "references",
]

Kind = Literal["skill", "course", "program", "cert", "role"]
#: catalog attribute of each record kind, in catalog order
KINDS: dict[Kind, str] = {"skill": "skills", "course": "courses", "program": "programs", "cert": "certs",
                          "role": "roles"}

#: node label of each record kind
LABELS: dict[Kind, str] = {"skill": "Skill", "course": "Course", "program": "Program", "cert": "Cert", "role": "Role"}
KIND_OF_LABEL: dict[str, Kind] = {v: k for k, v in LABELS.items()}


@dataclass(frozen=True)
class RelType:
    """One relationship type: the record field it comes from and its properties.

    ``props`` are the relationship's properties besides ``order`` (its
    position in the field's list); ``graph_props`` those the networkx view
    keeps on an edge; ``verb`` and ``inverse`` name it in either direction,
    and ``gloss`` what its far end is, for a legend (:attr:`legend`).
    ``end_first``: the end comes before the start on a learner's way (a
    prerequisite before what requires it, a skill before the role that needs
    it), so a drawing of the flow runs from end to start.
    """

    type: str
    field: str
    props: tuple[str, ...]
    graph_props: tuple[str, ...]
    verb: str
    inverse: str
    owned_by_end: bool = False
    single: bool = False  # the field holds one id, not a list
    end_first: bool = False
    gloss: str = ""

    @property
    def legend(self) -> str:
        """The verb with its gloss: ``requires (prerequisite)``."""
        return f"{self.verb} ({self.gloss})" if self.gloss else self.verb


class Relationship(NamedTuple):
    """One (type, start kind, end kind) of the schema (equal to the plain tuple)."""

    type: str
    start: Kind
    end: Kind

    @property
    def rel(self) -> RelType:
        return RELATIONSHIP_TYPES[self.type]

    @property
    def owner(self) -> Kind:
        """The kind whose record holds the list."""
        return self.end if self.rel.owned_by_end else self.start


_REQUIRES_PROPS = ("level", "group", "member")
#: every relationship type, in the order loads write them and status counts them
RELATIONSHIP_TYPES: dict[str, RelType] = {t.type: t for t in (
    RelType("REQUIRES", "requires", _REQUIRES_PROPS, ("level", "group"), "requires", "required_by", end_first=True,
            gloss="prerequisite"),
    RelType("TEACHES", "teaches", ("level",), ("level",), "teaches", "taught_by"),
    RelType("PREPARES_FOR", "prepares_for", (), (), "prepares for", "prepared_by", gloss="exam"),
    RelType("PART_OF", "courses", (), ("order",), "part of", "has_part", owned_by_end=True, gloss="program"),
    RelType("VALIDATES", "validates", (), (), "validates", "validated_by", end_first=True),
    RelType("AWARDED_FOR", "program", (), (), "awarded for", "awards", single=True, end_first=True,
            gloss="program"),
    RelType("NEEDS", "needs", ("level", "importance"), ("level", "importance"), "needs", "needed_by",
            end_first=True, gloss="role"),
    RelType("VALUES", "values", ("importance",), ("importance",), "values", "valued_by", end_first=True,
            gloss="role"),
)}

#: (type, start kind, end kind) of every relationship the catalog makes
RELATIONSHIPS: tuple[Relationship, ...] = (
    Relationship("REQUIRES", "skill", "skill"),
    Relationship("REQUIRES", "skill", "cert"),
    Relationship("REQUIRES", "course", "skill"),
    Relationship("REQUIRES", "course", "cert"),
    Relationship("REQUIRES", "cert", "skill"),
    Relationship("REQUIRES", "cert", "cert"),
    Relationship("TEACHES", "course", "skill"),
    Relationship("PREPARES_FOR", "course", "cert"),
    Relationship("PART_OF", "course", "program"),
    Relationship("VALIDATES", "cert", "skill"),
    Relationship("AWARDED_FOR", "cert", "program"),
    Relationship("NEEDS", "role", "skill"),
    Relationship("VALUES", "role", "cert"),
)

#: every relationship property name of the schema, ``order`` included
RELATIONSHIP_PROPS: frozenset[str] = frozenset({"order", *(p for t in RELATIONSHIP_TYPES.values() for p in t.props)})


def _fields() -> dict[Kind, tuple[str, ...]]:
    out: dict[Kind, list[str]] = {kind: [] for kind in LABELS}
    for r in RELATIONSHIPS:
        if r.rel.field not in out[r.owner]:
            out[r.owner].append(r.rel.field)
    return {kind: tuple(fields) for kind, fields in out.items()}


#: record fields held as relationships, by kind, in the order their references come
FIELDS: dict[Kind, tuple[str, ...]] = _fields()
#: (owner kind, record field) -> relationship type
TYPE_OF_FIELD: dict[tuple[Kind, str], str] = {(r.owner, r.rel.field): r.type for r in RELATIONSHIPS}


# -- references --------------------------------------------------------------------
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

    @property
    def relationship(self) -> Relationship:
        """The schema row, with the relationship's own direction."""
        if RELATIONSHIP_TYPES[self.type].owned_by_end:
            return Relationship(self.type, self.dst_kind, self.src_kind)
        return Relationship(self.type, self.src_kind, self.dst_kind)

    @property
    def ends(self) -> tuple[str, str]:
        """(start id, end id) of the relationship."""
        if RELATIONSHIP_TYPES[self.type].owned_by_end:
            return self.dst, self.src
        return self.src, self.dst


_END_KINDS: dict[str, Kind] = {r.type: r.end for r in RELATIONSHIPS if r.type != "REQUIRES"}
_START_KINDS: dict[str, Kind] = {r.type: r.start for r in RELATIONSHIPS if r.rel.owned_by_end}


_SHAPES: dict[tuple[str, type], tuple[Kind, tuple[str, ...]]] = {}


def _shape(rtype: str, cls: type) -> tuple[Kind, tuple[str, ...]]:
    """For an entry class of a field: the kind it points at (also the attribute naming
    its id) and the relationship properties it carries, computed once per pair: a
    ``hasattr`` on a pydantic model that lacks the attribute raises inside, and
    ESCO-sized catalogs have a quarter of a million entries."""
    key = (rtype, cls)
    shape = _SHAPES.get(key)
    if shape is None:
        fields = getattr(cls, "model_fields", {})
        kind: Kind = "cert" if "cert" in fields else "skill"
        shape = _SHAPES[key] = (kind, tuple(p for p in RELATIONSHIP_TYPES[rtype].props if p in fields))
    return shape


def _target(rtype: str, value: Any) -> tuple[Kind, str, list[tuple[str, Any]]]:
    """The kind, id and properties a field's entry points at."""
    if isinstance(value, str):
        kind = _START_KINDS.get(rtype) or _END_KINDS[rtype]
        return kind, value, []
    if isinstance(value, CertRef):
        return "cert", value.cert, []
    dst_kind, props = _shape(rtype, type(value))
    return dst_kind, getattr(value, dst_kind), [(p, getattr(value, p)) for p in props]


def _field_refs(kind: Kind, src: str, field: str, entries: Any) -> Iterator[Reference]:
    rtype = TYPE_OF_FIELD[(kind, field)]
    if entries is None:
        return
    if RELATIONSHIP_TYPES[rtype].single:
        entries = [entries]
    for order, entry in enumerate(entries):
        grouped = isinstance(entry, AnyOf)
        for member, m in enumerate(entry.any_of if isinstance(entry, AnyOf) else [entry]):
            dst_kind, dst, props = _target(rtype, m)
            if grouped:
                props += [("group", f"g{order}"), ("member", member)]
            yield Reference(rtype, kind, src, field, dst_kind, dst, order, member if grouped else None, tuple(props))


def references(catalog: Catalog) -> Iterator[Reference]:
    """Every link between records, in catalog order (the graph's relationships).

    Examples
    --------
    >>> from graph.catalog import Catalog
    >>> from graph.models import Course
    >>> cat = Catalog(courses=[Course(id="c", title="C", hours=1, teaches=[{"skill": "s", "level": 2}])])
    >>> [(r.type, r.src, r.dst, r.props) for r in references(cat)]
    [('TEACHES', 'c', 's', (('level', 2),))]
    """
    for kind, attr in KINDS.items():
        for item in getattr(catalog, attr):
            for field in FIELDS[kind]:
                yield from _field_refs(kind, item.id, field, getattr(item, field))

