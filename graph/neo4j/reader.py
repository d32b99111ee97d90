"""Reading the catalog back from Neo4j: :class:`Neo4jReader`.

Each method is one read transaction (``READ`` access mode, the database on
every call) on an injected driver; it returns the rows as they are, for
:func:`graph.neo4j.codec.catalog_from_graph` to assemble. Driver errors reach
the caller as they are (:class:`~graph.neo4j.store.Neo4jStore` maps them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.neo4j.codec import RawGraph, RawNode, RawRel
from graph.neo4j.cypher import (
    COUNT_LABEL,
    COUNT_NODES,
    COUNT_RELATIONSHIPS,
    COUNT_TYPE,
    LOADED_AT,
    META_ID,
    META_LABEL,
    READ_LABELS,
    READ_META,
    READ_NODES,
    READ_RELATIONSHIP_TYPES,
    READ_RELATIONSHIPS,
)
from graph.neo4j.settings import DEFAULT_DATABASE, import_driver
from graph.schema import LABELS, RELATIONSHIP_TYPES

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

__all__ = ["Neo4jReader"]


@dataclass(frozen=True)
class Neo4jReader:
    """Reads ``database`` through ``driver`` (injected: the caller owns and closes it)."""

    driver: neo4j.Driver
    database: str = field(default=DEFAULT_DATABASE, kw_only=True)

    def _read(self, work: Callable[[Any], Any]) -> Any:
        neo4j = import_driver()
        with self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(work)

    def read_graph(self) -> RawGraph:
        """Every catalog node and relationship, the catalog node, and other labels and types."""
        return self._read(_read_graph)

    def counts(self) -> dict[str, Any]:
        """Nodes by label, relationships by type (schema order), the catalog's name and load time."""
        return self._read(_counts)


def _read_graph(tx: Any) -> RawGraph:
    raw = RawGraph()
    for label in LABELS.values():
        raw.nodes += [RawNode(r["eid"], list(r["labels"]), dict(r["props"])) for r in tx.run(READ_NODES[label])]
    for rtype in RELATIONSHIP_TYPES:
        raw.relationships += [
            RawRel(rtype, r["start"], r["end"], dict(r["props"] or {}), list(r["start_labels"]), r["start_id"],
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


def _counts(tx: Any) -> dict[str, Any]:
    nodes = {label: tx.run(COUNT_NODES[label]).single()["n"] for label in LABELS.values()}
    rels = {t: tx.run(COUNT_RELATIONSHIPS[t]).single()["n"] for t in RELATIONSHIP_TYPES}
    meta = tx.run(READ_META, id=META_ID).single()
    props = dict(meta["props"]) if meta is not None else {}
    return {"nodes": nodes, "relationships": rels, "name": props.get("name"), "loaded_at": props.get(LOADED_AT)}
