"""Cypher for curators: named read queries and a guarded runner.

Named queries (constants below, and functions that run them with
``routing_=RoutingControl.READ``) answer the questions curators ask while
editing the graph, and the API reuses them:

==========================  ======================================================  ==============
name                        what                                                    parameters
==========================  ======================================================  ==============
``prerequisite-chain``      every prerequisite of a skill, with its depth and the   ``skill``
                            shortest ``REQUIRES`` path to it (``shortestPath``)
``prerequisite-path``       the shortest ``REQUIRES`` path between two skills (a    ``skill``, ``prerequisite``
                            skill to itself: the skill alone, depth 0)
``courses-teaching``        courses that teach a skill, best level first            ``skill``
``cert-overview``           what a cert validates and which courses prepare for it  ``cert``
``roles-needing``           roles that need a skill, essential first                ``skill``
``untaught-skills``         skills no course teaches, with the roles needing them   (none)
==========================  ======================================================  ==============

:func:`run_cypher` runs a curator's own query. It is read-only unless
``write=True``, and truly so even on a server that does not enforce READ
access mode (the local ArcadeDB server does not): the query runs in an
explicit transaction, and when the summary counters show any update the
transaction is rolled back and :class:`~graph.errors.CypherRejected` is
raised. Before that, in read-only mode, anything that is not a read is
refused before it runs (:func:`queries.cypher_guard.read_only_violation`,
decided on tokens): updates, ``IN TRANSACTIONS`` (which commits batch by
batch), ``LOAD CSV``, ``USE``, schema and administration commands, ``SHOW``
of anything but indexes and constraints, and procedures outside an
allowlist, because that server applies some of them even on rollback. A query
the server refuses (syntax, types) raises ``CypherRejected`` with the
server's message. ``timeout`` is sent to the server and also enforced by the
client, since the local server ignores it; an abandoned query is never
committed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.errors import CypherRejected
from graph.neo4j.errors import map_driver_errors
from graph.neo4j.settings import DEFAULT_DATABASE, import_driver
from queries.cypher_guard import read_only_violation

__all__ = [
    "read_only_refusal",
    "CERT_OVERVIEW",
    "COURSES_TEACHING",
    "NAMED_QUERIES",
    "PREREQUISITE_CHAIN",
    "PREREQUISITE_PATH",
    "ROLES_NEEDING",
    "UNTAUGHT_SKILLS",
    "CypherResult",
    "NamedQuery",
    "cert_overview",
    "courses_teaching",
    "prerequisite_chain",
    "prerequisite_path",
    "roles_needing",
    "run_cypher",
    "run_named",
    "to_plain",
    "untaught_skills",
]

# shortestPath refuses start = end on Neo4j ("does not work when the start and end nodes are the same"):
# a skill on a REQUIRES cycle is not listed as its own prerequisite, and a path from a skill to itself is
# the skill alone (depth 0), filtered on the parameters before any path is sought.
PREREQUISITE_CHAIN = """
MATCH (s:`Skill` {id: $skill})-[:`REQUIRES`*1..]->(pre:`Skill`)
WITH DISTINCT s, pre
WHERE pre.id <> $skill
MATCH p = shortestPath((s)-[:`REQUIRES`*]->(pre))
RETURN pre.id AS id, pre.name AS name, length(p) AS depth, [n IN nodes(p) | n.id] AS path
ORDER BY depth, id
"""

PREREQUISITE_PATH = """
MATCH (s:`Skill` {id: $skill})
WHERE $skill = $prerequisite
RETURN [s.id] AS path, 0 AS depth
UNION ALL
MATCH (s:`Skill` {id: $skill}), (pre:`Skill` {id: $prerequisite})
WHERE $skill <> $prerequisite
MATCH p = shortestPath((s)-[:`REQUIRES`*]->(pre))
RETURN [n IN nodes(p) | n.id] AS path, length(p) AS depth
"""

COURSES_TEACHING = """
MATCH (c:`Course`)-[t:`TEACHES`]->(:`Skill` {id: $skill})
RETURN c.id AS id, c.title AS title, coalesce(t.level, 1) AS level, c.hours AS hours, c.cost_usd AS cost_usd,
       c.provider AS provider
ORDER BY level DESC, hours, id
"""

CERT_OVERVIEW = """
MATCH (x:`Cert` {id: $cert})-[:`VALIDATES`]->(s:`Skill`)
RETURN 'validates' AS relation, s.id AS id, s.name AS name
UNION ALL
MATCH (c:`Course`)-[:`PREPARES_FOR`]->(x:`Cert` {id: $cert})
RETURN 'prepared_by' AS relation, c.id AS id, c.title AS name
"""

ROLES_NEEDING = """
MATCH (r:`Role`)-[n:`NEEDS`]->(:`Skill` {id: $skill})
RETURN r.id AS id, r.title AS title, coalesce(n.level, 1) AS level, coalesce(n.importance, 'essential') AS importance
ORDER BY importance, id
"""

UNTAUGHT_SKILLS = """
MATCH (s:`Skill`)
WHERE NOT (s)<-[:`TEACHES`]-(:`Course`)
OPTIONAL MATCH (r:`Role`)-[:`NEEDS`]->(s)
WITH s, r ORDER BY r.id
RETURN s.id AS id, s.name AS name, coalesce(s.teachable, true) AS teachable, collect(r.id) AS needed_by
ORDER BY id
"""


@dataclass(frozen=True)
class NamedQuery:
    """A read query curators run by name (``skillgraph cypher :NAME``)."""

    name: str
    cypher: str
    params: tuple[str, ...]
    description: str
    sort: tuple[str, ...] = ()  # keys to sort rows by (for UNION queries, which cannot ORDER BY as a whole)


NAMED_QUERIES: dict[str, NamedQuery] = {q.name: q for q in (
    NamedQuery("prerequisite-chain", PREREQUISITE_CHAIN, ("skill",),
               "every prerequisite of a skill, its depth and shortest REQUIRES path"),
    NamedQuery("prerequisite-path", PREREQUISITE_PATH, ("skill", "prerequisite"),
               "the shortest REQUIRES path from a skill to one of its prerequisites"),
    NamedQuery("courses-teaching", COURSES_TEACHING, ("skill",), "courses that teach a skill, best level first"),
    NamedQuery("cert-overview", CERT_OVERVIEW, ("cert",),
               "what a cert validates and which courses prepare for it", sort=("relation", "id")),
    NamedQuery("roles-needing", ROLES_NEEDING, ("skill",), "roles that need a skill, essential first"),
    NamedQuery("untaught-skills", UNTAUGHT_SKILLS, (), "skills no course teaches, with the roles that need them"),
)}


def run_named(driver: Any, name: str, params: Mapping[str, Any] | None = None, *,
              database: str = DEFAULT_DATABASE, timeout: float | None = 30.0) -> list[dict[str, Any]]:
    """Rows of the named query ``name`` (a read, routed as one, in READ access mode).

    ``timeout`` (seconds) goes to the server with the query; Neo4j ends the
    transaction when it runs out. The local ArcadeDB server ignores it, so
    the client enforces it too: past it, the query is abandoned (a read, it
    changes nothing) and ``CypherRejected`` is raised.

    Raises
    ------
    CypherRejected
        Unknown name or missing parameter.
    StoreUnavailable
        The server cannot be reached.
    """
    query = NAMED_QUERIES.get(name)
    if query is None:
        raise CypherRejected(f"no named query {name!r}; known: {', '.join(NAMED_QUERIES)}")
    params = dict(params or {})
    missing = [p for p in query.params if p not in params]
    if missing:
        raise CypherRejected(f"query {name!r} needs parameter(s) {', '.join(missing)} (--param NAME=VALUE)")
    neo4j = import_driver()
    with map_driver_errors(database=database, only_driver=False):
        result = _within(timeout, lambda: driver.execute_query(
            neo4j.Query(query.cypher, timeout=timeout), params, routing_=neo4j.RoutingControl.READ,
            database_=database))
    rows = [{k: to_plain(v) for k, v in r.items()} for r in result.records]
    if query.sort:
        rows.sort(key=lambda r: tuple(str(r.get(k)) for k in query.sort))
    return rows


def _within(timeout: float | None, call: Callable[[], Any]) -> Any:
    """``call()``, given up after ``timeout`` seconds (None: no limit) with :class:`CypherRejected`."""
    if timeout is None:
        return call()
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = call()
        except BaseException as err:  # handed to the caller's thread
            box["error"] = err

    worker = threading.Thread(target=work, name="skillgraph-named-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise CypherRejected(f"the query did not finish within {timeout:g} s and was abandoned; "
                             "nothing was changed (allow a longer timeout)")
    if "error" in box:
        raise box["error"]
    return box["value"]


def prerequisite_chain(driver: Any, skill: str, *, database: str = DEFAULT_DATABASE) -> list[dict[str, Any]]:
    """Every prerequisite of ``skill``: ``{id, name, depth, path}``, nearest first."""
    return run_named(driver, "prerequisite-chain", {"skill": skill}, database=database)


def prerequisite_path(driver: Any, skill: str, prerequisite: str, *,
                      database: str = DEFAULT_DATABASE) -> list[str] | None:
    """The shortest ``REQUIRES`` path from ``skill`` to ``prerequisite`` (ids), or None."""
    rows = run_named(driver, "prerequisite-path", {"skill": skill, "prerequisite": prerequisite}, database=database)
    return list(rows[0]["path"]) if rows else None


def courses_teaching(driver: Any, skill: str, *, database: str = DEFAULT_DATABASE) -> list[dict[str, Any]]:
    """Courses teaching ``skill``: ``{id, title, level, hours, cost_usd, provider}``."""
    return run_named(driver, "courses-teaching", {"skill": skill}, database=database)


def cert_overview(driver: Any, cert: str, *, database: str = DEFAULT_DATABASE) -> dict[str, list[str]]:
    """``{"validates": [skill ids], "prepared_by": [course ids]}`` of ``cert``."""
    out: dict[str, list[str]] = {"validates": [], "prepared_by": []}
    for row in run_named(driver, "cert-overview", {"cert": cert}, database=database):
        out[row["relation"]].append(row["id"])
    return out


def roles_needing(driver: Any, skill: str, *, database: str = DEFAULT_DATABASE) -> list[dict[str, Any]]:
    """Roles that need ``skill``: ``{id, title, level, importance}``."""
    return run_named(driver, "roles-needing", {"skill": skill}, database=database)


def untaught_skills(driver: Any, *, database: str = DEFAULT_DATABASE) -> list[dict[str, Any]]:
    """Skills no course teaches: ``{id, name, teachable, needed_by}``."""
    rows = run_named(driver, "untaught-skills", database=database)
    for row in rows:
        row["needed_by"] = sorted(row["needed_by"] or [])
    return rows


# -- curator queries ------------------------------------------------------------------------------------
@dataclass
class CypherResult:
    """Rows of a curator query and what it changed."""

    keys: list[str]
    rows: list[dict[str, Any]]
    counters: dict[str, int] = field(default_factory=dict)
    committed: bool = False
    truncated: bool = False
    seconds: float = 0.0


def read_only_refusal(query: str) -> str | None:
    """Why ``query`` may not run without write access (None: it is a read).

    Examples
    --------
    >>> read_only_refusal("MATCH (n:Skill) RETURN count(n)")
    >>> read_only_refusal("MATCH (n) DETACH DELETE n")[:53]
    'read-only: the query has DETACH DELETE (an update); n'
    """
    violation = read_only_violation(query)
    if violation is None:
        return None
    return (f"read-only: the query has {violation}; nothing was run "
            "(ask for write access: --write, or \"write\": true over HTTP)")


def to_plain(value: Any) -> Any:
    """A driver value as plain JSON-able data (nodes, relationships and paths as dicts)."""
    ng: Any
    try:
        from neo4j import graph as ng
    except ImportError:  # pragma: no cover
        ng = None
    if ng is not None:
        if isinstance(value, ng.Node):
            return {"labels": sorted(value.labels), "properties": {k: to_plain(v) for k, v in value.items()}}
        if isinstance(value, ng.Relationship):
            start, end = value.start_node, value.end_node
            return {"type": value.type, "start": start.get("id") if start is not None else None,
                    "end": end.get("id") if end is not None else None,
                    "properties": {k: to_plain(v) for k, v in value.items()}}
        if isinstance(value, ng.Path):
            return {"nodes": [to_plain(n) for n in value.nodes],
                    "relationships": [to_plain(r) for r in value.relationships]}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return str(value)


def _counters(summary: Any) -> dict[str, int]:
    c = summary.counters
    names = ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted", "properties_set",
             "labels_added", "labels_removed", "indexes_added", "indexes_removed", "constraints_added",
             "constraints_removed", "system_updates")
    return {n: int(getattr(c, n, 0) or 0) for n in names if getattr(c, n, 0)}


def run_cypher(
    driver: Any,
    query: str,
    params: Mapping[str, Any] | None = None,
    *,
    write: bool = False,
    timeout: float | None = 30.0,
    database: str = DEFAULT_DATABASE,
    max_rows: int | None = 10_000,
) -> CypherResult:
    """Run a curator's query: read-only (rolled back, refused on any update) unless ``write``.

    Parameters
    ----------
    driver : neo4j.Driver
    query : str
        One Cypher statement; values belong in ``params``.
    params : mapping, optional
        Query parameters: always data, never Cypher.
    write : bool
        Commit the query's updates. Without it a query that would update
        anything is rolled back and refused.
    timeout : float or None
        Seconds; None waits for ever.
    database : str
    max_rows : int or None
        Rows kept (the rest are read and dropped; ``truncated`` says so).

    Raises
    ------
    CypherRejected
        An update in read-only mode (nothing changed), a syntax or type
        error (the server's message), or the timeout.
    StoreUnavailable
        The server cannot be reached or refuses the credentials.
    """
    refusal = None if write else read_only_refusal(query)
    if refusal:
        raise CypherRejected(refusal)
    neo4j = import_driver()
    state: dict[str, Any] = {"abandoned": False}
    lock = threading.Lock()

    def work() -> None:
        started = time.perf_counter()
        try:
            mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
            with driver.session(database=database, default_access_mode=mode) as session:
                tx = session.begin_transaction(timeout=timeout)
                try:
                    result = tx.run(query, dict(params or {}))
                    keys = list(result.keys())
                    rows: list[dict[str, Any]] = []
                    truncated = False
                    for record in result:
                        if max_rows is not None and len(rows) >= max_rows:
                            truncated = True
                            continue
                        rows.append({k: to_plain(v) for k, v in record.items()})
                    summary = result.consume()
                    counters = _counters(summary)
                    updated = summary.counters.contains_updates or summary.counters.contains_system_updates
                    with lock:
                        if state["abandoned"] or not write:
                            tx.rollback()
                        else:
                            tx.commit()
                        state["result"] = CypherResult(keys, rows, counters, committed=write and not
                                                       state["abandoned"], truncated=truncated,
                                                       seconds=time.perf_counter() - started)
                        state["updated"] = updated
                finally:
                    if not tx.closed():
                        tx.rollback()
        except BaseException as err:  # handed to the caller's thread
            state["error"] = err

    if timeout is None:
        work()
    else:
        worker = threading.Thread(target=work, name="skillgraph-cypher", daemon=True)
        worker.start()
        worker.join(timeout)
        with lock:
            if worker.is_alive() and "result" not in state and "error" not in state:
                state["abandoned"] = True
                raise CypherRejected(f"the query did not finish within {timeout:g} s and was abandoned; "
                                     "nothing was committed (allow a longer timeout)")
        worker.join()
    if "error" in state:
        with map_driver_errors(database=database, only_driver=False):
            raise state["error"]
    result: CypherResult = state["result"]
    if state.get("updated") and not write:
        changes = ", ".join(f"{k}={v}" for k, v in result.counters.items()) or "updates"
        raise CypherRejected(f"read-only: the query would change the graph ({changes}); it was rolled back "
                             "(ask for write access: --write, or \"write\": true over HTTP)")
    return result
