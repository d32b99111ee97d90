"""What the catalog routers share: search, documented errors and detail pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, TypeVar

from fastapi import Query
from pydantic import BaseModel

from api.http.schemas import ErrorBody
from api.records import record
from graph.catalog import Catalog, Kind
from graph.errors import UnknownId, suggest

__all__ = ["ERRORS", "ID_PATH", "NOT_FOUND", "QueryText", "detail", "same", "search"]

M = TypeVar("M", bound=BaseModel)

#: documented on every route: bad input, oversized body, no snapshot, and the logged 500
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "the body could not be read (not UTF-8 text)"},
    413: {"model": ErrorBody, "description": "request body too large"},
    422: {"model": ErrorBody, "description": "invalid input: field paths in `errors`, unknown ids with suggestions"},
    500: {"model": ErrorBody, "description": "internal error, logged with the request id"},
    503: {"model": ErrorBody, "description": "no catalog snapshot could be loaded yet"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "no record with this id; `suggestions` lists near misses"},
}

QueryText = Annotated[str | None, Query(max_length=200, description="search id, name/title and aliases")]
ID_PATH = {"max_length": 200, "description": "record id"}


def search(catalog: Catalog, kind: Kind, q: str | None, *tests: Callable[[Any], bool]) -> list[Any]:
    """Records of ``kind`` matching ``q`` (id, label, aliases) and every test."""
    items: Iterable[Any] = catalog.find(q, kind) if q else getattr(catalog, f"{kind}s")
    return [i for i in items if all(t(i) for t in tests)]


def same(value: str | None, field: str) -> Callable[[Any], bool]:
    """A case-insensitive equality test on ``field``; passes everything when ``value`` is None."""
    if value is None:
        return lambda item: True
    want = value.casefold()
    return lambda item: (getattr(item, field, None) or "").casefold() == want


def known(value: str | None, field: str, records: Iterable[Any]) -> Callable[[Any], bool]:
    """:func:`same`, for a value some record has: one none has is a mistake (UnknownId: 422 with
    suggestions, as for an unknown id), not an empty list."""
    if value is not None:
        seen = {v.casefold(): v for r in records if (v := getattr(r, field, None))}
        if value.casefold() not in seen:
            raise UnknownId(value, field, suggest(value, sorted(seen.values())))
    return same(value, field)


def by_provider(catalog: Catalog, value: str | None) -> Callable[[Any], bool]:
    """The ``provider`` filter: a provider of some course, program or cert (not only of the kind listed)."""
    return known(value, "provider", [*catalog.courses, *catalog.programs, *catalog.certs])


def detail(catalog: Catalog, kind: Kind, id_: str, model: type[M]) -> M:
    """One record with its neighbours (:func:`api.records.record`); an unknown id raises UnknownId (404 here)."""
    return model.model_validate(record(catalog, id_, kind))
