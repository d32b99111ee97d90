"""The JSON shapes the command line and the HTTP API share, built in one place.

- :func:`record`: one catalog record with its ``type`` and ``neighbours``
  (``skillgraph show --format json`` and ``GET /skills/{id}``, ``/roles/{id}``...).
- :func:`query_result`: a curator query's answer, ``{columns, data, count,
  truncated, write, committed, counters}`` (``skillgraph cypher --format json``
  and ``POST /cypher``).

Examples
--------
>>> from loaders import load_catalog
>>> r = record(load_catalog(), "python")
>>> r["type"], r["id"], "taught_by" in r["neighbours"]
('skill', 'python', True)
>>> from queries.cypher import CypherResult
>>> sorted(query_result(CypherResult(["n"], [{"n": 1}])).items())[:4]
[('columns', ['n']), ('committed', False), ('count', 1), ('counters', {})]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph.catalog import Catalog, Kind

if TYPE_CHECKING:
    from queries.cypher import CypherResult

__all__ = ["query_result", "record"]


def record(catalog: Catalog, id_: str, kind: Kind | None = None) -> dict[str, Any]:
    """Every field of the record, its ``type`` (skill, course, program, cert, role) and its ``neighbours``.

    ``type``, not ``kind``: a cert has a ``kind`` of its own (vendor-exam or
    completion). An unknown id (or one of another kind) raises
    :class:`~graph.errors.UnknownId` with suggestions.
    """
    item = catalog.get(id_, kind)
    return {**item.model_dump(mode="json"), "type": kind or catalog.kind_of(id_),
            "neighbours": catalog.neighbours(id_)}


def query_result(result: CypherResult, *, write: bool = False) -> dict[str, Any]:
    """A curator query's answer: its ``columns``, the rows as ``data`` and their ``count``, and
    whether the row limit cut it, it could ``write``, it committed, and what it changed."""
    return {"columns": list(result.keys), "data": [dict(r) for r in result.rows], "count": len(result.rows),
            "truncated": result.truncated, "write": write, "committed": result.committed,
            "counters": dict(result.counters)}
