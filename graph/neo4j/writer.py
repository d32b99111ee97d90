"""Writing a catalog into Neo4j: :func:`write_plan` and :class:`Neo4jWriter`.

Transactions: one transaction per load
    A load runs in ONE write transaction: (replace only) remove stale nodes,
    drop the relationships the loaded records own, MERGE the nodes the graph
    holds and CREATE the others, CREATE the relationships (none of them
    exists any more), all as batched ``UNWIND $rows`` statements, then commit.
    Any failure (a server error, a broken connection, Ctrl-C in the progress
    callback) rolls everything back, and readers see the previous graph
    until the commit. We chose this over a staging generation because a
    catalog is small for a graph database (the 10,000-course benchmark is
    about 57,000 rows, a few seconds in one transaction), because a
    generation switch would put a generation filter into every read and
    into every curator's Cypher, and because a crashed staging load leaves
    garbage to collect, while an aborted transaction leaves nothing. If
    catalogs ever outgrow one transaction, staging is the next step.

Every relationship carries ``order``, its position in the record's list, so
lists come back in order. The writer is given a driver (it never builds or
closes one) and passes the database on every call; driver errors reach the
caller as they are (:class:`~graph.neo4j.store.Neo4jStore` maps them).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from graph.catalog import KINDS, Catalog, Kind
from graph.errors import CatalogError
from graph.neo4j.codec import encode_props, meta_catalog, meta_values, record_values
from graph.neo4j.cypher import (
    CREATE_NODES,
    DELETE_OWNED_RELATIONSHIPS,
    DELETE_STALE_NODES,
    LOADED_AT,
    MERGE_META,
    MERGE_NODES,
    META_ID,
    ORDER_KEY,
    READ_META,
    SCHEMA_STATEMENTS,
    STORED_IDS,
    create_relationships,
)
from graph.neo4j.settings import DEFAULT_DATABASE, import_driver
from graph.schema import KIND_OF_LABEL, LABELS, RELATIONSHIPS, Reference, Relationship, references
from graph.store import DEFAULT_BATCH_SIZE, LoadReport, Progress, check_before_load, check_kinds, merge_catalogs

if TYPE_CHECKING:
    import neo4j

__all__ = ["Neo4jWriter", "Statement", "write_plan"]


# -- the write plan ------------------------------------------------------------------------
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


def write_plan(
    catalog: Catalog,
    *,
    stored: Mapping[str, Mapping[str, Any]] | None = None,
    stored_meta: Catalog | None = None,
    replace: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    refs: list[Reference] | None = None,
) -> list[Statement]:
    """The statements that load ``catalog``, in order, batched by ``batch_size``.

    ``stored`` maps each label to ``{id: position}`` of what the database
    holds (empty: a fresh database); ``stored_meta`` is its catalog node.
    :meth:`Neo4jWriter.load` runs them in one transaction. (The benchmark runs
    the same statements one row each.) ``refs``: the catalog's references, when
    the caller has them already (:func:`graph.schema.references` otherwise).
    """
    stored = stored or {}
    out: list[Statement] = []
    file_ids: dict[Kind, list[str]] = {kind: [i.id for i in getattr(catalog, attr)] for kind, attr in KINDS.items()}
    if replace:
        for kind, label in LABELS.items():
            if stored.get(label):
                out.append(Statement("remove", DELETE_STALE_NODES[label], {"ids": file_ids[kind]}, 0))
    else:
        check_kinds({i: KIND_OF_LABEL[label] for label, ids in stored.items() for i in ids}, catalog, where="graph")
    # Relationships the loaded records own are replaced, not added to.
    for kind, label in LABELS.items():
        existing = [i for i in file_ids[kind] if i in stored.get(label, {})]
        for chunk in _batches(existing, batch_size):
            out.append(Statement("unlink", DELETE_OWNED_RELATIONSHIPS[label], {"ids": chunk}, 0))
    for kind, label in LABELS.items():
        positions = dict(stored.get(label, {})) if not replace else {}
        numbers = [p for p in positions.values() if isinstance(p, int) and not isinstance(p, bool)]
        next_position = max(numbers, default=-1) + 1
        rows: list[dict[str, Any]] = []
        new_rows: list[dict[str, Any]] = []
        held = stored.get(label, {})
        for index, item in enumerate(getattr(catalog, KINDS[kind])):
            if replace:
                position = index
            elif isinstance(positions.get(item.id), int):
                position = positions[item.id]
            else:
                position, next_position = next_position, next_position + 1
            props = encode_props(record_values(kind, item))
            props[ORDER_KEY] = position
            (rows if item.id in held else new_rows).append({"id": item.id, "props": props})
        for query, some in ((MERGE_NODES[label], rows), (CREATE_NODES[label], new_rows)):
            for chunk in _batches(some, batch_size):
                out.append(Statement("records", query, {"rows": chunk}, len(chunk), len(chunk)))
    # One statement per relationship type and set of properties, the properties inline
    # (graph.neo4j.cypher.create_relationships); a property without a value is not written.
    grouped: dict[Relationship, dict[tuple[str, ...], list[dict[str, Any]]]] = {}
    for ref in references(catalog) if refs is None else refs:
        start, end = ref.ends
        given = [(k, v) for k, v in ref.props if v is not None]
        row: dict[str, Any] = {"start": start, "end": end, "order": ref.order}
        for i, (_, v) in enumerate(given):
            row[f"p{i}"] = v
        grouped.setdefault(ref.relationship, {}).setdefault(tuple(k for k, _ in given), []).append(row)
    for key in RELATIONSHIPS:
        for keys, rows in grouped.get(key, {}).items():
            for chunk in _batches(rows, batch_size):
                out.append(Statement("relationships", create_relationships(key, keys), {"rows": chunk}, len(chunk),
                                     len(chunk)))
    meta = catalog if replace or stored_meta is None else merge_catalogs(stored_meta, _meta_only(catalog))
    props = encode_props(meta_values(meta))
    props[LOADED_AT] = datetime.now(UTC).isoformat(timespec="seconds")
    out.append(Statement("catalog", MERGE_META, {"id": META_ID, "props": props}, 1))
    return out


def _meta_only(catalog: Catalog) -> Catalog:
    return Catalog(name=catalog.name, sources=list(catalog.sources), situations=list(catalog.situations),
                   subscriptions=list(catalog.subscriptions), **(catalog.model_extra or {}))


@dataclass(frozen=True)
class Neo4jWriter:
    """Loads catalogs into ``database`` through ``driver`` (injected: the caller owns and closes it)."""

    driver: neo4j.Driver
    database: str = field(default=DEFAULT_DATABASE, kw_only=True)

    def ensure_schema(self) -> None:
        """Create the uniqueness constraints and indexes unless they exist."""
        for statement in SCHEMA_STATEMENTS:
            self.driver.execute_query(statement, database_=self.database)

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
            id that changes kind without ``replace`` (:class:`~graph.errors.KindChanged`).
        """
        neo4j = import_driver()
        refs = check_before_load(catalog, batch_size)
        started = time.perf_counter()
        with self.driver.session(database=self.database, default_access_mode=neo4j.WRITE_ACCESS) as session:
            tx = session.begin_transaction()
            try:
                stored = {label: {r["id"]: r["position"] for r in tx.run(STORED_IDS[label])}
                          for label in LABELS.values()}
                meta = tx.run(READ_META, id=META_ID).single()
                stored_meta = meta_catalog(meta["props"]) if meta is not None else None
                plan = write_plan(catalog, stored=stored, stored_meta=stored_meta, replace=replace,
                                  batch_size=batch_size, refs=refs)
                removed = _run(tx, plan, progress)
                tx.commit()
            except BaseException:
                if not tx.closed():
                    with contextlib.suppress(Exception):
                        tx.rollback()
                raise
        records = sum(1 for _ in catalog.items())
        rels = len(refs)
        return LoadReport(records, rels, removed, len(plan) + 2, time.perf_counter() - started, replace)


def _run(tx: Any, plan: list[Statement], progress: Progress | None) -> int:
    """Run ``plan`` in ``tx``, reporting progress per batch; the number of nodes removed."""
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
    return removed
