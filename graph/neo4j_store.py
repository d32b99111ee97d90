"""The catalog in a Neo4j 5 database over Bolt: :class:`Neo4jStore`.

Works the same against a real Neo4j 5 (``NEO4J_URI``) and against the local
ArcadeDB server of :mod:`graph.bolt_server`, which speaks Bolt as Neo4j 5.

Schema (DESIGN.md "Neo4j")
    Nodes ``Skill``, ``Course``, ``Program``, ``Cert``, ``Role`` keyed by a
    unique ``id``; one ``Catalog {id: "catalog"}`` node holds the catalog's
    own fields (name, sources, learner situations). Relationships
    ``REQUIRES {level, group, member}`` (from a skill, course or cert to a
    skill or cert; members of one ``any_of`` share ``group``), ``TEACHES
    {level}``, ``PART_OF`` (course to program), ``PREPARES_FOR``,
    ``VALIDATES``, ``AWARDED_FOR`` (completion cert to its program),
    ``NEEDS {level, importance}``, ``VALUES {importance}``. Every
    relationship carries ``order``, its position in the record's list, so
    lists come back in order. Uniqueness constraints on ``id`` per label and
    name/title indexes are created idempotently when the store connects.

Properties, losslessly
    Scalars and non-empty lists of one scalar type are stored as they are.
    Anything else (a curator's nested map, an empty or mixed list, a null)
    is stored as JSON text and its key listed in the node's ``_json``; a
    node's position in its list is ``_order``. A snapshot reads them back,
    so ``snapshot()`` equals the loaded catalog field by field. Nodes and
    relationships that curators create without ``_order``/``order`` sort
    after the others, by id; relationship properties they leave out take
    the catalog defaults (level 1, essential).

Transactions: one transaction per load
    A load runs in ONE write transaction: (replace only) remove stale nodes,
    drop the relationships the loaded records own, MERGE nodes, MERGE
    relationships, all as batched ``UNWIND $rows`` statements, then commit.
    Any failure (a server error, a broken connection, Ctrl-C in the progress
    callback) rolls everything back, and readers see the previous graph
    until the commit. We chose this over a staging generation because a
    catalog is small for a graph database (the 10,000-course benchmark is
    about 57,000 rows, a few seconds in one transaction), because a
    generation switch would put a generation filter into every read and
    into every curator's Cypher, and because a crashed staging load leaves
    garbage to collect, while an aborted transaction leaves nothing. If
    catalogs ever outgrow one transaction, staging is the next step.

The catalog is checked (:func:`graph.store.reference_issues`) before the
transaction starts, so a catalog with a dangling reference writes nothing.
Labels and types come from a closed set and are backtick-quoted; every value
is a parameter. The driver is injected (``Neo4jStore(driver, ...)``) or built
once from settings (:meth:`Neo4jStore.from_env`), and every call passes the
database.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from graph.catalog import KINDS, Catalog, Kind
from graph.errors import CatalogError, CatalogIssue, CypherRejected, SkillGraphError, StoreUnavailable
from graph.models import Cert, Course, Program, Role, Situation, Skill, Source
from graph.store import (
    DEFAULT_BATCH_SIZE,
    LoadReport,
    Progress,
    Reference,
    check_before_load,
    merge_catalogs,
    references,
)

if TYPE_CHECKING:
    import neo4j

__all__ = [
    "DEFAULT_DATABASE",
    "DEFAULT_URI",
    "DEFAULT_USER",
    "LABELS",
    "META_LABEL",
    "RELATIONSHIP_TYPES",
    "GraphReport",
    "Neo4jSettings",
    "Neo4jStore",
    "Statement",
    "catalog_from_graph",
    "import_driver",
    "translate_error",
    "write_plan",
]

DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_USER = "root"  # the local server's user; a real Neo4j's is usually "neo4j"
DEFAULT_DATABASE = "skillgraph"

LABELS: dict[Kind, str] = {"skill": "Skill", "course": "Course", "program": "Program", "cert": "Cert", "role": "Role"}
KIND_OF_LABEL: dict[str, Kind] = {v: k for k, v in LABELS.items()}
META_LABEL = "Catalog"
META_ID = "catalog"
ORDER_KEY = "_order"
JSON_KEYS = "_json"
LOADED_AT = "_loaded_at"
_INTERNAL = frozenset({ORDER_KEY, JSON_KEYS, LOADED_AT})

#: (type, start kind, end kind) of every relationship the catalog makes.
RELATIONSHIPS: tuple[tuple[str, Kind, Kind], ...] = (
    ("REQUIRES", "skill", "skill"),
    ("REQUIRES", "skill", "cert"),
    ("REQUIRES", "course", "skill"),
    ("REQUIRES", "course", "cert"),
    ("REQUIRES", "cert", "skill"),
    ("REQUIRES", "cert", "cert"),
    ("TEACHES", "course", "skill"),
    ("PREPARES_FOR", "course", "cert"),
    ("PART_OF", "course", "program"),
    ("VALIDATES", "cert", "skill"),
    ("AWARDED_FOR", "cert", "program"),
    ("NEEDS", "role", "skill"),
    ("VALUES", "role", "cert"),
)
RELATIONSHIP_TYPES: tuple[str, ...] = tuple(dict.fromkeys(t for t, _, _ in RELATIONSHIPS))
#: the relationship property names of the schema (others are reported, not kept)
_REL_PROPS = frozenset({"order", "level", "group", "member", "importance"})
#: record fields held as relationships, by kind
_REL_FIELDS: dict[Kind, frozenset[str]] = {
    "skill": frozenset({"requires"}),
    "course": frozenset({"requires", "teaches", "prepares_for"}),
    "program": frozenset({"courses"}),
    "cert": frozenset({"requires", "validates", "program"}),
    "role": frozenset({"needs", "values"}),
}
#: relationship types a record owns: replaced when the record is loaded
_OUT_OWNED: dict[Kind, tuple[str, ...]] = {
    "skill": ("REQUIRES",),
    "course": ("REQUIRES", "TEACHES", "PREPARES_FOR"),
    "cert": ("REQUIRES", "VALIDATES", "AWARDED_FOR"),
    "role": ("NEEDS", "VALUES"),
}
_MODELS: dict[Kind, type[Any]] = {"skill": Skill, "course": Course, "program": Program, "cert": Cert, "role": Role}


def _types(types: tuple[str, ...]) -> str:
    return "|".join(f"`{t}`" for t in types)


# -- Cypher: schema ------------------------------------------------------------------
SCHEMA_STATEMENTS: tuple[str, ...] = (
    *(f"CREATE CONSTRAINT skillgraph_{label.lower()}_id IF NOT EXISTS FOR (n:`{label}`) REQUIRE n.id IS UNIQUE"
      for label in (*LABELS.values(), META_LABEL)),
    *(f"CREATE INDEX skillgraph_{label.lower()}_{prop} IF NOT EXISTS FOR (n:`{label}`) ON (n.{prop})"
      for label, prop in (("Skill", "name"), ("Course", "title"), ("Course", "provider"), ("Program", "title"),
                          ("Cert", "name"), ("Role", "title"))),
)

# -- Cypher: load (one transaction) ------------------------------------------------------
#: stored ids and positions of one label
STORED_IDS: dict[str, str] = {
    label: f"MATCH (n:`{label}`) RETURN n.id AS id, n.`{ORDER_KEY}` AS position" for label in LABELS.values()
}
#: replace: nodes of a label whose id the catalog no longer has
DELETE_STALE_NODES: dict[str, str] = {
    label: f"MATCH (n:`{label}`) WHERE n.id IS NULL OR NOT n.id IN $ids DETACH DELETE n RETURN count(*) AS n"
    for label in LABELS.values()
}
#: the relationships that records being (re)loaded own, dropped before they are merged again
DELETE_OWNED_RELATIONSHIPS: dict[str, str] = {
    **{LABELS[kind]: f"UNWIND $ids AS id MATCH (n:`{LABELS[kind]}` {{id: id}})-[r:{_types(types)}]->() DELETE r"
       for kind, types in _OUT_OWNED.items()},
    "Program": "UNWIND $ids AS id MATCH (n:`Program` {id: id})<-[r:`PART_OF`]-() DELETE r",
}
MERGE_NODES: dict[str, str] = {
    label: f"UNWIND $rows AS row MERGE (n:`{label}` {{id: row.id}}) SET n = row.props RETURN count(n) AS n"
    for label in LABELS.values()
}
MERGE_RELATIONSHIPS: dict[tuple[str, Kind, Kind], str] = {
    (rtype, a, b): (
        f"UNWIND $rows AS row MATCH (a:`{LABELS[a]}` {{id: row.start}}) MATCH (b:`{LABELS[b]}` {{id: row.end}}) "
        f"MERGE (a)-[r:`{rtype}` {{order: row.order}}]->(b) SET r += row.props RETURN count(r) AS n"
    )
    for rtype, a, b in RELATIONSHIPS
}
MERGE_META = f"MERGE (m:`{META_LABEL}` {{id: $id}}) SET m = $props"
READ_META = f"MATCH (m:`{META_LABEL}` {{id: $id}}) RETURN properties(m) AS props"

# -- Cypher: read back ----------------------------------------------------------------------
READ_NODES: dict[str, str] = {
    label: f"MATCH (n:`{label}`) RETURN elementId(n) AS eid, labels(n) AS labels, properties(n) AS props"
    for label in LABELS.values()
}
READ_RELATIONSHIPS: dict[str, str] = {
    rtype: (f"MATCH (a)-[r:`{rtype}`]->(b) RETURN elementId(a) AS start, labels(a) AS start_labels, "
            "a.id AS start_id, properties(r) AS props, elementId(b) AS end, labels(b) AS end_labels, b.id AS end_id")
    for rtype in RELATIONSHIP_TYPES
}
COUNT_NODES: dict[str, str] = {label: f"MATCH (n:`{label}`) RETURN count(n) AS n" for label in LABELS.values()}
COUNT_RELATIONSHIPS: dict[str, str] = {t: f"MATCH ()-[r:`{t}`]->() RETURN count(r) AS n" for t in RELATIONSHIP_TYPES}
READ_LABELS = "CALL db.labels() YIELD label RETURN label"
READ_RELATIONSHIP_TYPES = "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS type"
COUNT_LABEL = "MATCH (n) WHERE $label IN labels(n) RETURN count(n) AS n"
COUNT_TYPE = "MATCH ()-[r]->() WHERE type(r) = $type RETURN count(r) AS n"


# -- driver, settings and errors --------------------------------------------------------------
def import_driver() -> Any:
    """The ``neo4j`` package, or a clear error naming the extra to install."""
    try:
        import neo4j
    except ImportError:
        raise StoreUnavailable(
            "the Neo4j driver is not installed: pip install 'skillgraph[server]'"
        ) from None
    return neo4j


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the graph database is: ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``.

    The password may also come from ``SKILLGRAPH_DB_PASSWORD`` (the variable
    ``skillgraph db serve`` reads). Defaults fit the local server.

    Examples
    --------
    >>> s = Neo4jSettings.from_env({"NEO4J_URI": "bolt://db:7687", "NEO4J_PASSWORD": "s3cret-pass"})
    >>> s.uri, s.user, s.database
    ('bolt://db:7687', 'root', 'skillgraph')
    >>> "s3cret" in repr(s)
    False
    """

    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: str = field(default="", repr=False)
    database: str = DEFAULT_DATABASE

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Neo4jSettings:
        env = os.environ if env is None else env
        return cls.of(env.get("NEO4J_URI"), env.get("NEO4J_USER"),
                      env.get("NEO4J_PASSWORD") or env.get("SKILLGRAPH_DB_PASSWORD"), env.get("NEO4J_DATABASE"))

    @classmethod
    def of(cls, uri: str | None, user: str | None, password: str | None, database: str | None) -> Neo4jSettings:
        """Settings from values that may be unset; unset ones take the local server's defaults."""
        return cls(uri=uri or DEFAULT_URI, user=user or DEFAULT_USER, password=password or "",
                   database=database or DEFAULT_DATABASE)

    def driver(self) -> neo4j.Driver:
        """A new driver for these settings (the caller owns and closes it)."""
        neo4j = import_driver()
        if not self.password:
            raise StoreUnavailable(f"no password for {self.uri}: set NEO4J_PASSWORD (or SKILLGRAPH_DB_PASSWORD)")
        try:
            return neo4j.GraphDatabase.driver(
                self.uri,
                auth=(self.user, self.password),
                user_agent="skillgraph",
                # Fail fast when the server is down instead of retrying for 30 s.
                connection_timeout=10.0,
                connection_acquisition_timeout=30.0,
                max_transaction_retry_time=5.0,
            )
        except (ValueError, neo4j.exceptions.ConfigurationError) as err:
            raise StoreUnavailable(f"invalid NEO4J_URI {self.uri!r}: {err}") from err


def translate_error(err: BaseException, *, uri: str | None = None, user: str | None = None,
                    database: str | None = None) -> SkillGraphError:
    """A driver exception as one of ours, with a one-line message.

    Unreachable server, wrong credentials and a missing database become
    :class:`StoreUnavailable` (naming the URI); a query the server refuses
    (syntax, types, constraints) becomes :class:`CypherRejected` with the
    server's own message.
    """
    if isinstance(err, SkillGraphError):
        return err
    at = f" at {uri}" if uri else ""
    try:
        from neo4j import exceptions as nx
    except ImportError:  # pragma: no cover - only drivers raise what we translate
        return StoreUnavailable(f"graph database{at}: {err}")
    if isinstance(err, nx.AuthError):
        who = f" for user {user!r}" if user else ""
        return StoreUnavailable(f"authentication failed{who}{at}: check NEO4J_USER and NEO4J_PASSWORD")
    if isinstance(err, nx.ServiceUnavailable | nx.SessionExpired | OSError):
        return StoreUnavailable(
            f"cannot reach the graph database{at}; is it running? (start one with: skillgraph db serve)"
        )
    if isinstance(err, nx.Neo4jError):
        code = err.code or ""
        message = (err.message or str(err)).strip()
        if "DatabaseNotFound" in code:
            return StoreUnavailable(f"database {database!r} does not exist{at}: {message}")
        if isinstance(err, nx.TransientError):
            return StoreUnavailable(f"the graph database{at} is busy, try again: {message}")
        if "Security" in code:
            return StoreUnavailable(f"the graph database{at} refused: {message}")
        # One line (the server may add the query and a caret below); the rest stays on .detail.
        rejected = CypherRejected(message.splitlines()[0].strip() if message else code)
        rejected.detail = message
        return rejected
    if isinstance(err, nx.DriverError):
        return StoreUnavailable(f"graph database{at}: {err}")
    return StoreUnavailable(f"graph database{at}: {type(err).__name__}: {err}")


# -- property encoding ---------------------------------------------------------------------------
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


def _record_values(kind: Kind, item: Any) -> dict[str, Any]:
    """A record's own fields (not its relationships) as plain values."""
    extra = item.model_extra or {}
    values: dict[str, Any] = {}
    for key, value in item.model_dump(mode="python", exclude=set(_REL_FIELDS[kind])).items():
        if key in extra:
            values[key] = value  # a curator's field: kept whatever it is
        elif value is not None and value != []:
            values[key] = value  # a known field: None and [] are its defaults
    return values


def _meta_values(catalog: Catalog) -> dict[str, Any]:
    values: dict[str, Any] = {"id": META_ID}
    if catalog.name is not None:
        values["name"] = catalog.name
    if catalog.sources:
        values["sources"] = [s.model_dump(mode="python") for s in catalog.sources]
    if catalog.situations:
        values["situations"] = [s.model_dump(mode="python") for s in catalog.situations]
    values.update(catalog.model_extra or {})
    return values


# -- the write plan ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Statement:
    """One statement of a load: its phase, Cypher, parameters and row count."""

    phase: str
    query: str
    params: dict[str, Any]
    rows: int
    expect: int | None = None  # rows the statement must report (relationships: both ends found)


def _batches(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _endpoints(ref: Reference) -> tuple[tuple[str, Kind, Kind], str, str]:
    if ref.type == "PART_OF":  # owned by the program, pointing from the course
        return (ref.type, ref.dst_kind, ref.src_kind), ref.dst, ref.src
    return (ref.type, ref.src_kind, ref.dst_kind), ref.src, ref.dst


def write_plan(
    catalog: Catalog,
    *,
    stored: Mapping[str, Mapping[str, Any]] | None = None,
    stored_meta: Catalog | None = None,
    replace: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> list[Statement]:
    """The statements that load ``catalog``, in order, batched by ``batch_size``.

    ``stored`` maps each label to ``{id: position}`` of what the database
    holds (empty: a fresh database); ``stored_meta`` is its catalog node.
    :meth:`Neo4jStore.load` runs them in one transaction. (The benchmark runs
    the same statements one row each.)
    """
    stored = stored or {}
    out: list[Statement] = []
    file_ids: dict[Kind, list[str]] = {kind: [i.id for i in getattr(catalog, attr)] for kind, attr in KINDS.items()}
    if replace:
        for kind, label in LABELS.items():
            if stored.get(label):
                out.append(Statement("remove", DELETE_STALE_NODES[label], {"ids": file_ids[kind]}, 0))
    else:
        where = {i: label for label, ids in stored.items() for i in ids}
        clashes = [CatalogIssue(f"is a {KIND_OF_LABEL[where[item.id]]} in the graph but a {kind} in the catalog; "
                                "load with --replace to change its kind", item.id, "id")
                   for kind, item in catalog.items() if where.get(item.id, LABELS[kind]) != LABELS[kind]]
        if clashes:
            raise CatalogError(clashes)
    # Relationships the loaded records own are replaced, not added to.
    for kind, label in LABELS.items():
        existing = [i for i in file_ids[kind] if i in stored.get(label, {})]
        for chunk in _batches(existing, batch_size):
            out.append(Statement("unlink", DELETE_OWNED_RELATIONSHIPS[label], {"ids": chunk}, 0))
    for kind, label in LABELS.items():
        positions = dict(stored.get(label, {})) if not replace else {}
        numbers = [p for p in positions.values() if isinstance(p, int) and not isinstance(p, bool)]
        next_position = max(numbers, default=-1) + 1
        rows = []
        for index, item in enumerate(getattr(catalog, KINDS[kind])):
            if replace:
                position = index
            elif isinstance(positions.get(item.id), int):
                position = positions[item.id]
            else:
                position, next_position = next_position, next_position + 1
            props = encode_props(_record_values(kind, item))
            props[ORDER_KEY] = position
            rows.append({"id": item.id, "props": props})
        for chunk in _batches(rows, batch_size):
            out.append(Statement("records", MERGE_NODES[label], {"rows": chunk}, len(chunk), len(chunk)))
    grouped: dict[tuple[str, Kind, Kind], list[dict[str, Any]]] = {}
    for ref in references(catalog):
        key, start, end = _endpoints(ref)
        grouped.setdefault(key, []).append({"start": start, "end": end, "order": ref.order, "props": dict(ref.props)})
    for key in RELATIONSHIPS:
        for chunk in _batches(grouped.get(key, []), batch_size):
            out.append(Statement("relationships", MERGE_RELATIONSHIPS[key], {"rows": chunk}, len(chunk), len(chunk)))
    meta = catalog if replace or stored_meta is None else merge_catalogs(stored_meta, _meta_only(catalog))
    props = encode_props(_meta_values(meta))
    props[LOADED_AT] = datetime.now(UTC).isoformat(timespec="seconds")
    out.append(Statement("catalog", MERGE_META, {"id": META_ID, "props": props}, 1))
    return out


def _meta_only(catalog: Catalog) -> Catalog:
    return Catalog(name=catalog.name, sources=list(catalog.sources), situations=list(catalog.situations),
                   **(catalog.model_extra or {}))


# -- reading back -----------------------------------------------------------------------------------------
@dataclass
class _Node:
    eid: str
    labels: list[str]
    props: dict[str, Any]


@dataclass
class _Rel:
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

    nodes: list[_Node] = field(default_factory=list)
    relationships: list[_Rel] = field(default_factory=list)
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


def _field_of(rtype: str) -> str:
    return {"PART_OF": "courses", "AWARDED_FOR": "program"}.get(rtype, rtype.lower())


def _describe(labels: list[str], node_id: Any, eid: str) -> str:
    what = ":".join(labels) or "no label"
    return f"{node_id!r} ({what})" if node_id is not None else f"a node without id ({what}, element {eid})"


def _pydantic_issues(err: ValidationError, item: str) -> list[CatalogIssue]:
    out = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"] if not str(p).startswith(("function-", "json-or-python",
                                                                            "lax-or-strict")))
        msg = "required property is missing" if e["type"] == "missing" else e["msg"]
        out.append(CatalogIssue(msg, item, loc or None))
    return out


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
    records: dict[str, tuple[Kind, str, _Node]] = {}
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

    links: dict[str, dict[str, list[tuple[_Rel, str, Kind]]]] = {}
    allowed = {(t, a, b) for t, a, b in RELATIONSHIPS}
    starts = {t: {a for tt, a, _ in RELATIONSHIPS if tt == t} for t in RELATIONSHIP_TYPES}
    ends = {t: {b for tt, _, b in RELATIONSHIPS if tt == t} for t in RELATIONSHIP_TYPES}
    for rel in raw.relationships:
        start, end = records.get(rel.start), records.get(rel.end)
        owner_is_end = rel.type == "PART_OF"
        owner, other = (end, start) if owner_is_end else (start, end)
        field_name = _field_of(rel.type)
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
        unknown = sorted(set(rel.props) - _REL_PROPS)
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
        clash = sorted(set(values) & _REL_FIELDS[kind])
        for key in clash:
            issues.append(CatalogIssue(f"property {key!r} is held as relationships in the graph; "
                                       "the property is ignored", rid, key, severity="warning"))
            del values[key]
        values.update(_fields_from_links(kind, links.get(eid, {}), rid, issues))
        try:
            item = _MODELS[kind].model_validate(values)
        except ValidationError as e:
            issues.extend(_pydantic_issues(e, rid))
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
    for key, model in (("sources", Source), ("situations", Situation)):
        parsed = []
        for i, value in enumerate(meta.pop(key, None) or []):
            try:
                parsed.append(model.model_validate(value))
            except ValidationError as e:
                issues.extend(_pydantic_issues(e, f"{META_ID}.{key}[{i}]"))
        top[key] = parsed
    for kind, attr in KINDS.items():
        top[attr] = [item for _, item in sorted(items[kind], key=lambda pair: pair[0])]
    for label, n in sorted(raw.other_labels.items()):
        issues.append(CatalogIssue(f"{n} node(s) with label {label!r}, which is not part of the catalog schema; "
                                   "snapshot and export ignore them", None, label, severity="warning"))
    for rtype, n in sorted(raw.other_types.items()):
        issues.append(CatalogIssue(f"{n} relationship(s) of type {rtype!r}, which is not part of the catalog "
                                   "schema; snapshot and export ignore them", None, rtype, severity="warning"))
    try:
        catalog = Catalog(**top, **meta)
    except ValidationError as e:  # pragma: no cover - fields were validated one by one
        issues.extend(_pydantic_issues(e, META_ID))
        catalog = None
    issues.sort(key=lambda i: i.severity != "error")
    return GraphReport(catalog, issues, invalid)


def _fields_from_links(kind: Kind, links: dict[str, list[tuple[_Rel, str, Kind]]], rid: str,
                       issues: list[CatalogIssue]) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def ordered(field_name: str) -> list[tuple[_Rel, str, Kind]]:
        return sorted(links.get(field_name, []), key=lambda x: _position(x[0].props.get("order"), x[1]))

    def atom(rel: _Rel, target: str, target_kind: Kind) -> dict[str, Any]:
        if target_kind == "cert":
            return {"cert": target}
        level = rel.props.get("level")
        return {"skill": target} if level is None else {"skill": target, "level": level}

    if "requires" in _REL_FIELDS[kind]:
        slots: list[tuple[tuple[int, float, str], Any]] = []
        groups: dict[str, list[tuple[_Rel, str, Kind]]] = {}
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
    if kind == "course":
        out["teaches"] = [atom(*x) for x in ordered("teaches")]
        out["prepares_for"] = [t for _, t, _ in ordered("prepares_for")]
    if kind == "program":
        out["courses"] = [t for _, t, _ in ordered("courses")]
    if kind == "cert":
        out["validates"] = [t for _, t, _ in ordered("validates")]
        programs = [t for _, t, _ in ordered("program")]
        if len(programs) > 1:
            issues.append(CatalogIssue(f"more than one AWARDED_FOR relationship ({', '.join(programs)})",
                                       rid, "program"))
        out["program"] = programs[0] if programs else None
    if kind == "role":
        out["needs"] = [{"skill": t, **{k: r.props[k] for k in ("level", "importance") if r.props.get(k) is not None}}
                        for r, t, _ in ordered("needs")]
        out["values"] = [{"cert": t, **({"importance": r.props["importance"]}
                                         if r.props.get("importance") is not None else {})}
                         for r, t, _ in ordered("values")]
    return out


# -- the store -----------------------------------------------------------------------------------------------
class Neo4jStore:
    """The catalog in a Neo4j 5 database (or the local Bolt server).

    Parameters
    ----------
    driver : neo4j.Driver
        Injected; closed by whoever built it (by the store when
        ``owns_driver`` is true, as :meth:`from_env` sets).
    database : str
        Passed on every call.
    uri, user : str, optional
        Only for error messages.
    ensure_schema : bool
        Create the constraints and indexes (idempotent) on connect.

    Raises
    ------
    StoreUnavailable
        The server cannot be reached, refuses the credentials, or has no
        such database.
    """

    kind = "neo4j"

    def __init__(
        self,
        driver: neo4j.Driver,
        *,
        database: str = DEFAULT_DATABASE,
        uri: str | None = None,
        user: str | None = None,
        ensure_schema: bool = True,
        owns_driver: bool = False,
    ) -> None:
        self._neo4j = import_driver()
        self._driver: neo4j.Driver | None = driver
        self.database = database
        self.uri = uri
        self.user = user
        self._owns_driver = owns_driver
        with self._errors():
            driver.verify_connectivity()
        if ensure_schema:
            self.ensure_schema()

    @classmethod
    def from_settings(cls, settings: Neo4jSettings, **kwargs: Any) -> Neo4jStore:
        """A store that owns a new driver for ``settings``."""
        driver = settings.driver()
        try:
            return cls(driver, database=settings.database, uri=settings.uri, user=settings.user, owns_driver=True,
                       **kwargs)
        except BaseException:
            driver.close()
            raise

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **kwargs: Any) -> Neo4jStore:
        """A store for ``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE``."""
        return cls.from_settings(Neo4jSettings.from_env(env), **kwargs)

    # -- plumbing ---------------------------------------------------------------
    @property
    def driver(self) -> neo4j.Driver:
        if self._driver is None:
            raise StoreUnavailable("the Neo4j store is closed")
        return self._driver

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except SkillGraphError:
            raise
        except Exception as err:
            if isinstance(err, OSError) or type(err).__module__.startswith("neo4j"):
                raise translate_error(err, uri=self.uri, user=self.user, database=self.database) from err
            raise

    def _read(self, work: Callable[[Any], Any]) -> Any:
        with self._errors(), self.driver.session(database=self.database,
                                                 default_access_mode=self._neo4j.READ_ACCESS) as session:
            return session.execute_read(work)

    def ensure_schema(self) -> None:
        """Create the uniqueness constraints and indexes unless they exist."""
        with self._errors():
            for statement in SCHEMA_STATEMENTS:
                self.driver.execute_query(statement, database_=self.database)

    # -- Store -------------------------------------------------------------------
    def load(
        self,
        catalog: Catalog,
        *,
        replace: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: Progress | None = None,
    ) -> LoadReport:
        """Write ``catalog`` in one transaction (see the module docstring).

        Raises
        ------
        CatalogError
            Before any write: a dangling reference or a duplicate id; or an
            id that changes kind without ``replace``.
        StoreUnavailable, CypherRejected
            The server failed; nothing was written.
        """
        check_before_load(catalog, batch_size)
        started = time.perf_counter()
        with self._errors(), self.driver.session(database=self.database,
                                                 default_access_mode=self._neo4j.WRITE_ACCESS) as session:
            tx = session.begin_transaction()
            try:
                stored = {label: {r["id"]: r["position"] for r in tx.run(STORED_IDS[label])}
                          for label in LABELS.values()}
                meta = tx.run(READ_META, id=META_ID).single()
                stored_meta = _meta_catalog(meta["props"]) if meta is not None else None
                plan = write_plan(catalog, stored=stored, stored_meta=stored_meta, replace=replace,
                                  batch_size=batch_size)
                totals: dict[str, int] = {}
                for st in plan:
                    totals[st.phase] = totals.get(st.phase, 0) + max(st.rows, 1)
                done: dict[str, int] = {}
                removed = 0
                for st in plan:
                    record = tx.run(st.query, st.params).single()
                    if st.phase == "remove" and record is not None:
                        removed += int(record["n"])
                    if st.expect is not None and (record is None or record["n"] != st.expect):
                        got = 0 if record is None else record["n"]
                        raise CatalogError(f"{st.phase}: wrote {got} of {st.expect} rows; a record is missing "
                                           "from the graph (was it deleted during the load?)")
                    done[st.phase] = done.get(st.phase, 0) + max(st.rows, 1)
                    if progress is not None:
                        progress(st.phase, done[st.phase], totals[st.phase])
                tx.commit()
            except BaseException:
                if not tx.closed():
                    try:
                        tx.rollback()
                    except Exception:  # noqa: S110 - the original error is the one to report
                        pass
                raise
        records = sum(1 for _ in catalog.items())
        rels = sum(st.rows for st in plan if st.phase == "relationships")
        return LoadReport(records, rels, removed, len(plan) + 2, time.perf_counter() - started, replace)

    def read_graph(self) -> RawGraph:
        """Every catalog node and relationship, in one read transaction."""
        def work(tx: Any) -> RawGraph:
            raw = RawGraph()
            for label in LABELS.values():
                raw.nodes += [_Node(r["eid"], list(r["labels"]), dict(r["props"])) for r in tx.run(READ_NODES[label])]
            for rtype in RELATIONSHIP_TYPES:
                raw.relationships += [
                    _Rel(rtype, r["start"], r["end"], dict(r["props"] or {}), list(r["start_labels"]), r["start_id"],
                         list(r["end_labels"]), r["end_id"])
                    for r in tx.run(READ_RELATIONSHIPS[rtype])]
            meta = tx.run(READ_META, id=META_ID).single()
            raw.meta = dict(meta["props"]) if meta is not None else None
            known = {*LABELS.values(), META_LABEL}
            for r in list(tx.run(READ_LABELS)):
                if r["label"] not in known:
                    raw.other_labels[r["label"]] = tx.run(COUNT_LABEL, label=r["label"]).single()["n"]
            for r in list(tx.run(READ_RELATIONSHIP_TYPES)):
                if r["type"] not in RELATIONSHIP_TYPES:
                    raw.other_types[r["type"]] = tx.run(COUNT_TYPE, type=r["type"]).single()["n"]
            raw.other_labels = {k: v for k, v in raw.other_labels.items() if v}
            raw.other_types = {k: v for k, v in raw.other_types.items() if v}
            return raw

        return self._read(work)

    def inspect(self) -> GraphReport:
        """A lenient snapshot: the valid records, and every problem found (for ``db validate``)."""
        return catalog_from_graph(self.read_graph())

    def snapshot(self) -> Catalog:
        """The whole graph as a catalog.

        Raises
        ------
        CatalogError
            The graph has records that do not make a valid catalog (run
            ``skillgraph db validate`` for the full list).
        """
        report = self.inspect()
        if report.errors or report.catalog is None:
            n = len(report.errors)
            head = CatalogIssue(f"the graph is not a valid catalog ({n} error{'s' * (n != 1)}); "
                                "run skillgraph db validate for the list")
            raise CatalogError([head, *report.errors])
        return report.catalog

    def status(self) -> dict[str, Any]:
        """Server, database, counts of nodes by label and relationships by type, last load."""
        with self._errors():
            info = self.driver.get_server_info()

        def work(tx: Any) -> dict[str, Any]:
            nodes = {label: tx.run(COUNT_NODES[label]).single()["n"] for label in LABELS.values()}
            rels = {t: tx.run(COUNT_RELATIONSHIPS[t]).single()["n"] for t in RELATIONSHIP_TYPES}
            meta = tx.run(READ_META, id=META_ID).single()
            props = dict(meta["props"]) if meta is not None else {}
            return {"nodes": nodes, "relationships": rels, "name": props.get("name"),
                    "loaded_at": props.get(LOADED_AT)}

        counts = self._read(work)
        return {"store": self.kind, "uri": self.uri, "database": self.database, "server": info.agent,
                "protocol": ".".join(str(x) for x in info.protocol_version), **counts}

    def close(self) -> None:
        if self._driver is not None and self._owns_driver:
            self._driver.close()
        self._driver = None

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _meta_catalog(props: Mapping[str, Any]) -> Catalog | None:
    """The stored catalog node as a catalog of its own fields (None when unreadable)."""
    try:
        values = decode_props(props)
        values.pop("id", None)
        return Catalog(**values)
    except (ValueError, ValidationError):
        return None
