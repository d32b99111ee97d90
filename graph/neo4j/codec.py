"""Rows <-> models: node properties, and the graph read back as a catalog.

Properties, losslessly
    Scalars and non-empty lists of one scalar type are stored as they are.
    Anything else (a curator's nested map, an empty or mixed list, a null)
    is stored as JSON text and its key listed in the node's ``_json``; a
    node's position in its list is ``_order``. A snapshot reads them back,
    so ``snapshot()`` equals the loaded catalog field by field. Nodes and
    relationships that curators create without ``_order``/``order`` sort
    after the others, by id; relationship properties they leave out take
    the catalog defaults (level 1, essential).

:func:`catalog_from_graph` is lenient: it keeps the valid records and
reports what does not fit the schema of :mod:`graph.schema` (for
``db validate``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from graph.catalog import KINDS, Catalog, Kind
from graph.errors import CatalogIssue, validation_issues
from graph.models import Cert, Course, Program, Role, Situation, Skill, Source, Subscription
from graph.neo4j.cypher import JSON_KEYS, LOADED_AT, META_ID, ORDER_KEY
from graph.schema import (
    FIELDS,
    KIND_OF_LABEL,
    LABELS,
    RELATIONSHIP_PROPS,
    RELATIONSHIP_TYPES,
    RELATIONSHIPS,
    TYPE_OF_FIELD,
)

__all__ = [
    "GraphReport",
    "RawGraph",
    "RawNode",
    "RawRel",
    "catalog_from_graph",
    "decode_props",
    "encode_props",
    "meta_catalog",
    "meta_values",
    "record_values",
]

_INTERNAL = frozenset({ORDER_KEY, JSON_KEYS, LOADED_AT})
_MODELS: dict[Kind, type[Any]] = {"skill": Skill, "course": Course, "program": Program, "cert": Cert, "role": Role}


# -- properties ------------------------------------------------------------------------------
_INT64 = (-(2**63), 2**63 - 1)


def _native(value: Any) -> bool:
    """True when Neo4j stores ``value`` as it is and gives it back equal."""
    t = type(value)
    if t is int:
        return _INT64[0] <= value <= _INT64[1]
    if t in (str, bool, float):
        return True
    if t is list and value:
        first = type(value[0])
        return first in (str, bool, int, float) and all(type(v) is first and _native(v) for v in value)
    return False


def encode_props(values: Mapping[str, Any]) -> dict[str, Any]:
    """Node properties for ``values``: natives as they are, the rest as JSON listed in ``_json``.

    Examples
    --------
    >>> encode_props({"name": "x", "tags": ["a", "b"], "extra": {"k": [1, None]}, "empty": []})
    {'name': 'x', 'tags': ['a', 'b'], 'extra': '{"k": [1, null]}', 'empty': '[]', '_json': ['extra', 'empty']}
    >>> decode_props(encode_props({"extra": {"k": 1}, "n": 2}))
    {'extra': {'k': 1}, 'n': 2}
    """
    props: dict[str, Any] = {}
    encoded: list[str] = []
    for key, value in values.items():
        if _native(value):
            props[key] = value
        else:
            props[key] = json.dumps(value, ensure_ascii=False)
            encoded.append(key)
    if encoded:
        props[JSON_KEYS] = encoded
    return props


def decode_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`encode_props`; internal keys are dropped. Raises ``ValueError`` on bad JSON."""
    encoded = props.get(JSON_KEYS) or []
    if isinstance(encoded, str):
        encoded = [encoded]
    out = {k: v for k, v in props.items() if k not in _INTERNAL}
    for key in encoded:
        if key in out and isinstance(out[key], str):
            try:
                out[key] = json.loads(out[key])
            except json.JSONDecodeError as err:
                raise ValueError(f"property {key!r} is listed in {JSON_KEYS} but is not JSON: {err.msg}") from err
    return out


def record_values(kind: Kind, item: Any) -> dict[str, Any]:
    """A record's own fields (not its relationships) as plain values."""
    extra = item.model_extra or {}
    values: dict[str, Any] = {}
    for key, value in item.model_dump(mode="python", exclude=set(FIELDS[kind])).items():
        if key in extra:
            values[key] = value  # a curator's field: kept whatever it is
        elif value is not None and value != []:
            values[key] = value  # a known field: None and [] are its defaults
    return values


def meta_values(catalog: Catalog) -> dict[str, Any]:
    values: dict[str, Any] = {"id": META_ID}
    if catalog.name is not None:
        values["name"] = catalog.name
    if catalog.sources:
        values["sources"] = [s.model_dump(mode="python") for s in catalog.sources]
    if catalog.situations:
        values["situations"] = [s.model_dump(mode="python") for s in catalog.situations]
    if catalog.subscriptions:
        values["subscriptions"] = [s.model_dump(mode="python") for s in catalog.subscriptions]
    values.update(catalog.model_extra or {})
    return values



def meta_catalog(props: Mapping[str, Any]) -> Catalog | None:
    """The stored catalog node as a catalog of its own fields (None when unreadable)."""
    try:
        values = decode_props(props)
        values.pop("id", None)
        return Catalog(**values)
    except (ValueError, ValidationError):
        return None



# -- reading back ------------------------------------------------------------------------------
@dataclass
class RawNode:
    """A node as read: element id, labels, properties."""

    eid: str
    labels: list[str]
    props: dict[str, Any]


@dataclass
class RawRel:
    """A relationship as read, with the labels and ids of both ends."""

    type: str
    start: str
    end: str
    props: dict[str, Any]
    start_labels: list[str] = field(default_factory=list)
    start_id: Any = None
    end_labels: list[str] = field(default_factory=list)
    end_id: Any = None


@dataclass
class RawGraph:
    """What a snapshot reads: catalog nodes, catalog relationships, the catalog node, other labels/types."""

    nodes: list[RawNode] = field(default_factory=list)
    relationships: list[RawRel] = field(default_factory=list)
    meta: dict[str, Any] | None = None
    other_labels: dict[str, int] = field(default_factory=dict)
    other_types: dict[str, int] = field(default_factory=dict)


@dataclass
class GraphReport:
    """A lenient read of the graph: the catalog of its valid records, and every issue found."""

    catalog: Catalog | None
    issues: list[CatalogIssue]
    invalid_ids: set[str] = field(default_factory=set)  # records left out of ``catalog``

    @property
    def errors(self) -> list[CatalogIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[CatalogIssue]:
        return [i for i in self.issues if i.severity == "warning"]


def _position(value: Any, tiebreak: str) -> tuple[int, float, str]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, float(value), tiebreak)
    return (1, 0.0, tiebreak)


def _describe(labels: list[str], node_id: Any, eid: str) -> str:
    what = ":".join(labels) or "no label"
    return f"{node_id!r} ({what})" if node_id is not None else f"a node without id ({what}, element {eid})"


#: the graph holds properties, not keys: pydantic's "Field required" in the words of a graph
_WORDING = {"missing": "required property is missing"}


def catalog_from_graph(raw: RawGraph) -> GraphReport:
    """Assemble a catalog from what the graph holds; report what does not fit.

    Errors (the record is left out): a node without a usable id, an id used
    by two nodes, a node with two catalog labels, a relationship to a node
    that is not a catalog record of the right kind ("dangling"), a missing or
    invalid property. Warnings: relationship properties and labels/types
    outside the schema (a snapshot cannot keep them).
    """
    issues: list[CatalogIssue] = []
    err = issues.append
    records: dict[str, tuple[Kind, str, RawNode]] = {}
    seen_eids: set[str] = set()
    by_id: dict[str, str] = {}
    for node in raw.nodes:
        if node.eid in seen_eids:
            continue
        seen_eids.add(node.eid)
        managed = [lbl for lbl in node.labels if lbl in KIND_OF_LABEL]
        rid = node.props.get("id")
        name = rid if isinstance(rid, str) else f"{managed[0] if managed else 'node'} {node.eid}"
        if len(managed) > 1:
            err(CatalogIssue(f"has more than one catalog label ({', '.join(managed)})", name, "labels"))
            continue
        if not isinstance(rid, str) or not rid:
            err(CatalogIssue("node has no id property (or it is not a string)", name, "id"))
            continue
        if rid in by_id:
            first = records[by_id[rid]][0] if by_id[rid] in records else "?"
            err(CatalogIssue(f"id used by more than one node (a {first} and a {KIND_OF_LABEL[managed[0]]})", rid, "id"))
            continue
        by_id[rid] = node.eid
        records[node.eid] = (KIND_OF_LABEL[managed[0]], rid, node)

    links: dict[str, dict[str, list[tuple[RawRel, str, Kind]]]] = {}
    allowed = {(t, a, b) for t, a, b in RELATIONSHIPS}
    starts = {t: {a for tt, a, _ in RELATIONSHIPS if tt == t} for t in RELATIONSHIP_TYPES}
    ends = {t: {b for tt, _, b in RELATIONSHIPS if tt == t} for t in RELATIONSHIP_TYPES}
    for rel in raw.relationships:
        start, end = records.get(rel.start), records.get(rel.end)
        owner_is_end = RELATIONSHIP_TYPES[rel.type].owned_by_end
        owner, other = (end, start) if owner_is_end else (start, end)
        field_name = RELATIONSHIP_TYPES[rel.type].field
        if owner is None:
            if not (set(rel.end_labels if owner_is_end else rel.start_labels) & set(KIND_OF_LABEL)):
                node_id = rel.end_id if owner_is_end else rel.start_id
                labels = rel.end_labels if owner_is_end else rel.start_labels
                eid = rel.end if owner_is_end else rel.start
                err(CatalogIssue(f"{rel.type} relationship of {_describe(labels, node_id, eid)}, "
                                 "which is not a catalog record", str(node_id or eid), rel.type))
            continue  # an invalid record: reported with the node
        if other is None:
            labels = rel.start_labels if owner_is_end else rel.end_labels
            node_id = rel.start_id if owner_is_end else rel.end_id
            eid = rel.start if owner_is_end else rel.end
            err(CatalogIssue(f"dangling {rel.type} relationship to {_describe(labels, node_id, eid)}, "
                             "not a valid catalog record", owner[1], field_name))
            continue
        assert start is not None and end is not None
        if (rel.type, start[0], end[0]) not in allowed:
            want_start, want_end = "/".join(sorted(starts[rel.type])), "/".join(sorted(ends[rel.type]))
            err(CatalogIssue(f"{rel.type} from a {start[0]} {start[1]!r} to a {end[0]} {end[1]!r}; "
                             f"the schema has {rel.type} from a {want_start} to a {want_end}", owner[1], field_name))
            continue
        unknown = sorted(set(rel.props) - RELATIONSHIP_PROPS)
        if unknown:
            issues.append(CatalogIssue(f"{rel.type} to {other[1]!r} has properties outside the schema "
                                       f"({', '.join(unknown)}); snapshot and export drop them",
                                       owner[1], field_name, severity="warning"))
        links.setdefault(owner[2].eid, {}).setdefault(field_name, []).append((rel, other[1], other[0]))

    items: dict[Kind, list[tuple[tuple[int, float, str], Any]]] = {k: [] for k in LABELS}
    invalid: set[str] = {str(n.props["id"]) for n in raw.nodes if n.eid not in records and n.props.get("id")}
    for eid, (kind, rid, node) in records.items():
        try:
            values = decode_props(node.props)
        except ValueError as e:
            err(CatalogIssue(str(e), rid, JSON_KEYS))
            invalid.add(rid)
            continue
        clash = sorted(set(values) & set(FIELDS[kind]))
        for key in clash:
            issues.append(CatalogIssue(f"property {key!r} is held as relationships in the graph; "
                                       "the property is ignored", rid, key, severity="warning"))
            del values[key]
        values.update(_fields_from_links(kind, links.get(eid, {}), rid, issues))
        try:
            item = _MODELS[kind].model_validate(values)
        except ValidationError as e:
            issues.extend(validation_issues(e, rid, wording=_WORDING))
            invalid.add(rid)
            continue
        items[kind].append((_position(node.props.get(ORDER_KEY), rid), item))

    meta: dict[str, Any] = {}
    if raw.meta is not None:
        try:
            meta = decode_props(raw.meta)
        except ValueError as e:
            err(CatalogIssue(str(e), META_ID, JSON_KEYS))
        meta.pop("id", None)
    top: dict[str, Any] = {"name": meta.pop("name", None)}
    for key, model in (("sources", Source), ("situations", Situation), ("subscriptions", Subscription)):
        parsed = []
        for i, value in enumerate(meta.pop(key, None) or []):
            try:
                parsed.append(model.model_validate(value))
            except ValidationError as e:
                issues.extend(validation_issues(e, f"{META_ID}.{key}[{i}]", wording=_WORDING))
        top[key] = parsed
    for kind, attr in KINDS.items():
        top[attr] = [item for _, item in sorted(items[kind], key=lambda pair: pair[0])]
    for label, n in sorted(raw.other_labels.items()):
        issues.append(CatalogIssue(f"{n} node{'s' * (n != 1)} with label {label!r}, which is not part of the catalog "
                                   "schema; snapshot and export ignore them", None, label, severity="warning"))
    for rtype, n in sorted(raw.other_types.items()):
        issues.append(CatalogIssue(f"{n} relationship{'s' * (n != 1)} of type {rtype!r}, which is not part of the "
                                   "catalog schema; snapshot and export ignore them", None, rtype, severity="warning"))
    try:
        catalog = Catalog(**top, **meta)
    except ValidationError as e:  # pragma: no cover - fields were validated one by one
        issues.extend(validation_issues(e, META_ID, wording=_WORDING))
        catalog = None
    issues.sort(key=lambda i: i.severity != "error")
    return GraphReport(catalog, issues, invalid)


def _fields_from_links(kind: Kind, links: dict[str, list[tuple[RawRel, str, Kind]]], rid: str,
                       issues: list[CatalogIssue]) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def ordered(field_name: str) -> list[tuple[RawRel, str, Kind]]:
        return sorted(links.get(field_name, []), key=lambda x: _position(x[0].props.get("order"), x[1]))

    def atom(rel: RawRel, target: str, target_kind: Kind) -> dict[str, Any]:
        if target_kind == "cert":
            return {"cert": target}
        level = rel.props.get("level")
        return {"skill": target} if level is None else {"skill": target, "level": level}

    if "requires" in FIELDS[kind]:  # any_of groups: members share ``group``, ordered by ``member``
        slots: list[tuple[tuple[int, float, str], Any]] = []
        groups: dict[str, list[tuple[RawRel, str, Kind]]] = {}
        for rel, target, target_kind in ordered("requires"):
            group = rel.props.get("group")
            if group is None:
                slots.append((_position(rel.props.get("order"), target), atom(rel, target, target_kind)))
            else:
                groups.setdefault(str(group), []).append((rel, target, target_kind))
        for name, members in groups.items():
            members.sort(key=lambda x: _position(x[0].props.get("member"), x[1]))
            key = min(_position(m[0].props.get("order"), name) for m in members)
            slots.append((key, {"any_of": [atom(*m) for m in members]}))
        slots.sort(key=lambda pair: pair[0])
        out["requires"] = [r for _, r in slots]
    for field_name in FIELDS[kind]:
        rt = RELATIONSHIP_TYPES[TYPE_OF_FIELD[kind, field_name]]
        if field_name == "requires":
            continue
        if not rt.props:
            ids = [t for _, t, _ in ordered(field_name)]
            if rt.single and len(ids) > 1:
                issues.append(CatalogIssue(f"more than one {rt.type} relationship ({', '.join(ids)})", rid,
                                           field_name))
            out[field_name] = (ids[0] if ids else None) if rt.single else ids
            continue
        out[field_name] = [{target_kind: t, **{k: r.props[k] for k in rt.props if r.props.get(k) is not None}}
                           for r, t, target_kind in ordered(field_name)]
    return out


