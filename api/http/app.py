"""The FastAPI application: :func:`create_app` builds it from :class:`Settings`.

Run it with ``skillgraph serve`` (or ``uvicorn --factory api.http.app:create_app``).

Errors: lower layers raise the domain errors of :mod:`graph.errors`;
:mod:`api.http.errors` maps them to status codes. :class:`RequestGuard` gives
every request its id (also the ``X-Request-ID`` header, and in every error
body); an exception nothing handled is logged with its traceback and request
id, and the client gets a plain 500 with the id, never the trace.

The body limit (``SKILLGRAPH_MAX_BODY_BYTES``, 64 KiB by default) is checked
before anything reads the body: a larger ``Content-Length`` or a longer
chunked body gets 413.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.errors import INTERNAL_DETAIL, add_error_handlers
from api.http.routes import ROUTERS
from api.http.settings import Settings
from api.http.snapshots import SnapshotHolder
from api.http.sources import CatalogSource, source_for
from graph.errors import SkillGraphError

__all__ = ["RequestGuard", "create_app"]

log = logging.getLogger("skillgraph.api")

_GOOD_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

DESCRIPTION = """\
Routes into machine learning roles: the proven-cheapest order of courses and
exams from what a learner has, gap analysis, closest roles, and the catalog of
skills, courses, programs, certs and roles behind them.

Every error body has `detail` and `request_id` (also in the `X-Request-ID`
header); unknown ids come with `suggestions`, invalid fields with `errors`
(each with a `path` such as `body.have[3]`).
"""


def create_app(settings: Settings | None = None, *, source: CatalogSource | None = None) -> FastAPI:
    """Build the application.

    Parameters
    ----------
    settings : Settings, optional
        Default: read from the environment.
    source : CatalogSource, optional
        Where snapshots come from; default: what the settings name (seed,
        file or Neo4j). Tests pass their own.
    """
    settings = settings or Settings()
    holder = SnapshotHolder(source or source_for(settings), cache_size=settings.plan_cache_size)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            await run_in_threadpool(holder.refresh)
        except SkillGraphError as err:
            if holder.source.name != "neo4j":
                raise  # a broken catalog file: refuse to start, with the loader's message
            log.warning("starting without a snapshot; will retry: %s", err)
        task = (asyncio.create_task(_refresh_forever(holder, settings.refresh_interval_s))
                if settings.refresh_interval_s > 0 else None)
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            holder.close()

    app = FastAPI(
        title="skillgraph",
        summary="Proven-cheapest learning routes into machine learning roles",
        description=DESCRIPTION,
        version=_version(),
        lifespan=lifespan,
        docs_url=None,  # FastAPI's Swagger UI and ReDoc load from a CDN: blank offline
        redoc_url=None,
    )

    @app.get("/docs", include_in_schema=False)
    async def reference() -> HTMLResponse:
        """The API reference, drawn from the OpenAPI schema on the server; nothing is fetched."""
        from api.pages.reference import api_reference_page

        return HTMLResponse(api_reference_page(app.openapi()))

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> RedirectResponse:
        """Where FastAPI's ReDoc would be: the same offline reference as /docs."""
        return RedirectResponse("/docs", status_code=308)

    app.state.settings = settings
    app.state.snapshots = holder
    for router in ROUTERS:
        app.include_router(router)
    add_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                           expose_headers=["X-Request-ID"])
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("skillgraph")
    except PackageNotFoundError:
        return "0.0.0"


async def _refresh_forever(holder: SnapshotHolder, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        await run_in_threadpool(holder.try_refresh)


# -- middleware ------------------------------------------------------------------------------
class _TooLarge(Exception):
    pass


class RequestGuard:
    """Request ids, the body-size limit, and the last line of defence against 500 traces.

    Pure ASGI (no BaseHTTPMiddleware), so it adds little to each request.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int):
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = given if _GOOD_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            length = headers.get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
                raise _TooLarge
            body = await self._read_body(receive)
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send_with_id)
        except _Disconnected:
            return  # the client left before sending its body
        except _TooLarge:
            if not started:
                await self._json(send_with_id, 413, f"request body larger than {self.max_body_bytes} bytes", rid)
        except Exception:
            log.exception("unhandled error in %s %s [request_id=%s]", scope.get("method"), scope.get("path"), rid)
            if not started:
                await self._json(send_with_id, 500, INTERNAL_DETAIL, rid)

    async def _read_body(self, receive: Receive) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    @staticmethod
    async def _json(send: Send, status: int, detail: str, rid: str) -> None:
        body = json.dumps({"detail": detail, "request_id": rid}).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class _Disconnected(Exception):
    pass
