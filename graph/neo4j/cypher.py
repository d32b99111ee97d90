"""The Cypher of the Neo4j store: schema, load and read-back statements.

Named read queries for curators are in :mod:`queries.cypher`; these are the
store's own. Labels and relationship types come from the closed set of
:mod:`graph.schema` and are backtick-quoted; every value is a parameter.
Statements that differ only by label or type are built once per label or
type here, as dicts of constants.

Internal node properties: ``_order`` (a record's position in its list),
``_json`` (keys stored as JSON text), ``_loaded_at`` (on the catalog node).
"""

from __future__ import annotations

import functools
import re

from graph.schema import LABELS, RELATIONSHIP_TYPES, RELATIONSHIPS, Kind, Relationship

__all__ = [
    "COUNT_LABEL",
    "COUNT_NODES",
    "COUNT_RELATIONSHIPS",
    "COUNT_TYPE",
    "CREATE_NODES",
    "DELETE_OWNED_RELATIONSHIPS",
    "DELETE_STALE_NODES",
    "JSON_KEYS",
    "LOADED_AT",
    "MERGE_META",
    "MERGE_NODES",
    "META_ID",
    "META_LABEL",
    "ORDER_KEY",
    "READ_LABELS",
    "READ_META",
    "READ_NODES",
    "READ_RELATIONSHIPS",
    "READ_RELATIONSHIP_TYPES",
    "SCHEMA_STATEMENTS",
    "STORED_IDS",
    "create_relationships",
]

META_LABEL = "Catalog"
META_ID = "catalog"
ORDER_KEY = "_order"
JSON_KEYS = "_json"
LOADED_AT = "_loaded_at"

#: name/title indexes: (label, property)
_INDEXED = (("Skill", "name"), ("Course", "title"), ("Course", "provider"), ("Program", "title"),
            ("Cert", "name"), ("Role", "title"))


def _types(types: tuple[str, ...]) -> str:
    return "|".join(f"`{t}`" for t in types)


def _owned_out(kind: Kind) -> tuple[str, ...]:
    """Types of the relationships a record of ``kind`` owns and starts."""
    return tuple(dict.fromkeys(r.type for r in RELATIONSHIPS if r.start == kind and not r.rel.owned_by_end))


def _owned_in(kind: Kind) -> tuple[str, ...]:
    """Types of the relationships a record of ``kind`` owns and ends (a program's PART_OF)."""
    return tuple(dict.fromkeys(r.type for r in RELATIONSHIPS if r.end == kind and r.rel.owned_by_end))


# -- schema -----------------------------------------------------------------------------
SCHEMA_STATEMENTS: tuple[str, ...] = (
    *(f"CREATE CONSTRAINT skillgraph_{label.lower()}_id IF NOT EXISTS FOR (n:`{label}`) REQUIRE n.id IS UNIQUE"
      for label in (*LABELS.values(), META_LABEL)),
    *(f"CREATE INDEX skillgraph_{label.lower()}_{prop} IF NOT EXISTS FOR (n:`{label}`) ON (n.{prop})"
      for label, prop in _INDEXED),
)

# -- load (one transaction) -------------------------------------------------------------
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
    **{LABELS[kind]: f"UNWIND $ids AS id MATCH (n:`{LABELS[kind]}` {{id: id}})-[r:{_types(_owned_out(kind))}]->() "
       "DELETE r" for kind in LABELS if _owned_out(kind)},
    **{LABELS[kind]: f"UNWIND $ids AS id MATCH (n:`{LABELS[kind]}` {{id: id}})<-[r:{_types(_owned_in(kind))}]-() "
       "DELETE r" for kind in LABELS if _owned_in(kind)},
}
#: records the graph already holds: updated in place
MERGE_NODES: dict[str, str] = {
    label: f"UNWIND $rows AS row MERGE (n:`{label}` {{id: row.id}}) SET n = row.props RETURN count(n) AS n"
    for label in LABELS.values()
}
#: records the graph does not hold yet (the id constraint still refuses a duplicate): no lookup first
CREATE_NODES: dict[str, str] = {
    label: f"UNWIND $rows AS row CREATE (n:`{label}` {{id: row.id}}) SET n = row.props RETURN count(n) AS n"
    for label in LABELS.values()
}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # a property name create_relationships accepts


#: every relationship of a load is new: the loaded records' own were dropped first (DELETE_OWNED_RELATIONSHIPS),
#: so CREATE, without MERGE's search of each start node's relationships (25-35% of an ESCO load)
@functools.cache
def create_relationships(r: Relationship, keys: tuple[str, ...] = ()) -> str:
    """The statement that creates relationships ``r`` with the properties ``keys``
    (besides ``order``), each row giving ``start``, ``end``, ``order`` and ``p0``,
    ``p1``... for the keys in order.

    The properties are written inside CREATE, not SET after it: on ArcadeDB the
    SET made the commit of the ESCO import take 2.75 s, against 0.38 s inline
    (the whole load: 7.95 s against 4.48 s). The keys are the schema's property
    names (graph.schema.RELATIONSHIP_TYPES), never data."""
    for k in keys:
        if not _NAME.match(k):
            raise ValueError(f"not a property name: {k!r}")
    props = "".join(f", `{k}`: row.p{i}" for i, k in enumerate(keys))
    return (f"UNWIND $rows AS row MATCH (a:`{LABELS[r.start]}` {{id: row.start}}) MATCH (b:`{LABELS[r.end]}` "
            f"{{id: row.end}}) CREATE (a)-[r:`{r.type}` {{order: row.order{props}}}]->(b) RETURN count(r) AS n")


MERGE_META = f"MERGE (m:`{META_LABEL}` {{id: $id}}) SET m = $props"
READ_META = f"MATCH (m:`{META_LABEL}` {{id: $id}}) RETURN properties(m) AS props"

# -- read back ------------------------------------------------------------------------------
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
