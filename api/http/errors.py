"""The one place errors become HTTP answers.

Lower layers raise the domain errors of :mod:`graph.errors`;
:func:`add_error_handlers` maps them to status codes: an unknown id 404 in a
path and 422 elsewhere; bad planner input 422; an unreachable or broken
backend (or catalog) 503; a refused Cypher query 400 (403 when the server denies a permission); an internal planner
fault 500. Invalid requests are 422 with one entry per field in ``errors``.
Every error body is :class:`~api.http.schemas.ErrorBody` and carries the
request id. An internal error is logged with its traceback and request id,
and the client gets a plain 500 with the id, never the trace.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (
    AccessDenied,
    CatalogError,
    CypherRejected,
    PlanningBug,
    PlanningError,
    SkillGraphError,
    StoreUnavailable,
    UnknownId,
    field_errors,
)

__all__ = ["INTERNAL_DETAIL", "add_error_handlers"]

log = logging.getLogger("skillgraph.api")

#: what a client sees of an internal error
INTERNAL_DETAIL = "internal server error; quote the request id when you report it"


def add_error_handlers(app: FastAPI) -> None:
    """Install the handlers: domain errors, invalid requests, and HTTP errors raised by routes."""
    app.add_exception_handler(SkillGraphError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]


def _request_id(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def _error(request: Request, status: int, detail: str, headers: dict[str, str] | None = None,
           **extra: Any) -> JSONResponse:
    body = {"detail": detail, "request_id": _request_id(request), **extra}
    return JSONResponse(body, status_code=status, headers=headers)


async def _domain_error(request: Request, exc: SkillGraphError) -> JSONResponse:
    """The one place domain errors become status codes."""
    if isinstance(exc, UnknownId):
        # An id in the URL path names the resource: 404. Elsewhere (body, query) the input is wrong: 422.
        status = 404 if exc.id in request.path_params.values() else 422
        return _error(request, status, str(exc), id=exc.id, kind=exc.kind, suggestions=exc.suggestions)
    if isinstance(exc, PlanningBug):
        return _internal(request, exc)
    if isinstance(exc, PlanningError):
        return _error(request, 422, str(exc))
    if isinstance(exc, StoreUnavailable | CatalogError):
        return _error(request, 503, str(exc))
    if isinstance(exc, AccessDenied):
        return _error(request, 403, str(exc))
    if isinstance(exc, CypherRejected):
        return _error(request, 400, str(exc))
    return _error(request, 400, str(exc))


def _path(loc: tuple[Any, ...] | list[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors: list[dict[str, Any]] = []
    branches: list[bool] = []
    for e in field_errors(exc.errors()):  # locations without the union-branch markers ("HaveLevel"...)
        loc = list(e.loc)
        errors.append({"path": _path(loc), "loc": loc, "msg": e.msg.removeprefix("Value error, "), "type": e.type})
        branches.append(e.in_branch)
    errors = _merge_branches(errors, branches)[:50]
    first = errors[0] if errors else {"path": "", "msg": "invalid request"}
    detail = f"{first['path']}: {first['msg']}" if first["path"] else first["msg"]
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return _error(request, 422, detail, errors=errors)


def _merge_branches(errors: list[dict[str, Any]], branches: list[bool]) -> list[dict[str, Any]]:
    """One message per field for union inputs ('id' or {id, level}).

    A branch's type mismatch is noise when another branch got deeper (an
    object with a bad level is not "not a string"); branch errors left on the
    same field are joined with "or".
    """
    paths = [e["path"] for e in errors]
    out: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for e, branch in zip(errors, branches, strict=True):
        if branch and any(p.startswith((e["path"] + ".", e["path"] + "[")) for p in paths):
            continue
        prior = seen.get(e["path"])
        if branch and prior is not None:
            if e["msg"] not in prior["msg"]:
                prior["msg"] += f", or {e['msg'][:1].lower()}{e['msg'][1:]}"
            continue
        if branch:
            e = dict(e)
            seen[e["path"]] = e
        out.append(e)
    return out


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return _error(request, exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))


def _internal(request: Request, exc: BaseException) -> JSONResponse:
    log.error("internal error in %s %s [request_id=%s]", request.method, request.url.path, _request_id(request),
              exc_info=exc)
    return _error(request, 500, INTERNAL_DETAIL)
