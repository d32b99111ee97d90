"""What the routes depend on: the settings, the catalog source, the live
snapshot and its response cache, and the curator check.

The planner never talks to a store: it runs on a :class:`Snapshot`, an
immutable :class:`~graph.catalog.Catalog` the app holds in memory.
:class:`SnapshotHolder` refreshes it from the :class:`CatalogSource` (on an
interval and on ``POST /admin/reload``); a refresh that fails records the
error and keeps the last good snapshot, so ``/plan`` keeps answering while
Neo4j is down.

Sources are small adapters behind one protocol: the shipped seed, a catalog
file, or Neo4j (through :mod:`graph.neo4j.store`, imported only when used).
Tests inject their own source into :func:`api.app.create_app`.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi import Depends, HTTPException, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from api.settings import Settings
from graph.catalog import Catalog
from graph.errors import SkillGraphError, StoreUnavailable
from graph.neo4j.settings import DEFAULT_PORT, Neo4jSettings
from loaders import load_catalog

__all__ = [
    "CatalogDep",
    "CatalogSource",
    "CuratorDep",
    "CypherSource",
    "FileSource",
    "HolderDep",
    "Neo4jSource",
    "Planning",
    "PlanningDep",
    "ResponseCache",
    "SettingsDep",
    "Snapshot",
    "SnapshotDep",
    "SnapshotHolder",
    "source_for",
]

log = logging.getLogger("skillgraph.api")


# -- sources ---------------------------------------------------------------------
@runtime_checkable
class CatalogSource(Protocol):
    """Where snapshots come from."""

    name: str  # "seed", "file" or "neo4j"

    def load(self) -> Catalog:
        """A fresh catalog; raises :class:`StoreUnavailable` or :class:`CatalogError`."""
        ...

    def reachable(self) -> bool:
        """Whether the source answers right now (cheap; never raises)."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class CypherSource(CatalogSource, Protocol):
    """A source that can also run curator Cypher (the Neo4j backend)."""

    def cypher(self, query: str, parameters: Mapping[str, Any], *, write: bool, timeout: float,
               limit: int) -> dict[str, Any]:
        """Run one query; returns ``{"columns", "rows", "truncated", "counters", "committed"}``."""
        ...


class FileSource:
    """The embedded store over a catalog file, or over the shipped seed (``path=None``)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else None
        self.name = "file" if path is not None else "seed"

    def load(self) -> Catalog:
        # load_catalog caches by (path, mtime, size): an unchanged file costs a stat.
        return load_catalog(self.path)

    def reachable(self) -> bool:
        return self.path is None or self.path.is_file()

    def close(self) -> None:
        return None


class Neo4jSource:
    """Snapshots and curator Cypher from Neo4j (or the local Bolt server).

    The driver is built here, once, and closed by :meth:`close`; the store
    connects on first use, so the service starts (and says so on ``/health``)
    while the database is down, and picks it up when it comes back. The API
    never writes the schema: ``ensure_schema=False``.
    """

    name = "neo4j"

    def __init__(self, settings: Settings):
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
        self.config = Neo4jSettings.of(settings.neo4j_uri, settings.neo4j_user, password, settings.neo4j_database)
        self._driver: Any = None
        self._store: Any = None
        self._lock = threading.Lock()

    @property
    def store(self) -> Any:
        """The connected :class:`~graph.neo4j.store.Neo4jStore`; raises StoreUnavailable."""
        with self._lock:
            if self._store is None:
                from graph.neo4j.store import Neo4jStore

                if self._driver is None:
                    self._driver = self.config.driver()
                self._store = Neo4jStore(self._driver, database=self.config.database, uri=self.config.uri,
                                         user=self.config.user, ensure_schema=False)
            return self._store

    def load(self) -> Catalog:
        return self.store.snapshot()

    def reachable(self) -> bool:
        """Whether the server accepts a TCP connection (1 s at most; credentials are the refresh's business)."""
        parts = urlsplit(self.config.uri)
        try:
            with socket.create_connection((parts.hostname or "localhost", parts.port or DEFAULT_PORT), timeout=1.0):
                return True
        except (OSError, ValueError):
            return False

    def cypher(self, query: str, parameters: Mapping[str, Any], *, write: bool, timeout: float,
               limit: int) -> dict[str, Any]:
        from queries.cypher import run_cypher

        result = run_cypher(self.store.driver, query, dict(parameters), write=write, timeout=timeout,
                            database=self.config.database, max_rows=limit)
        return {"columns": result.keys, "rows": result.rows, "truncated": result.truncated,
                "counters": result.counters, "committed": result.committed}

    def close(self) -> None:
        with self._lock:
            if self._driver is not None:
                self._driver.close()
            self._driver = self._store = None


def source_for(settings: Settings) -> CatalogSource:
    """The source the settings ask for."""
    if settings.backend == "neo4j":
        return Neo4jSource(settings)
    return FileSource(settings.catalog)


# -- snapshots ---------------------------------------------------------------------
class ResponseCache:
    """A bounded, thread-safe LRU of response bodies, one per snapshot.

    Plans are pure functions of the catalog and the request, so a body is
    valid for as long as its snapshot is; a new snapshot starts empty.
    """

    def __init__(self, size: int):
        self.size = size
        self.hits = 0
        self.misses = 0
        self._data: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._data.get(key)
            if body is None:
                self.misses += 1
            else:
                self.hits += 1
                self._data.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = body
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


@dataclass(frozen=True)
class Snapshot:
    """One immutable catalog the planner runs on, with when it was loaded."""

    catalog: Catalog
    loaded_at: float  # time.time() when this version was first loaded
    cache: ResponseCache = field(compare=False)

    @property
    def version(self) -> str:
        return self.catalog.version


class SnapshotHolder:
    """Holds the current snapshot of a source and refreshes it."""

    #: seconds between two load attempts made on demand while no snapshot exists
    RETRY_S = 5.0

    def __init__(self, source: CatalogSource, *, cache_size: int = 2048):
        self.source = source
        self.cache_size = cache_size
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self.refreshed_at: float | None = None  # last successful load (changed or not)
        self.attempted_at: float | None = None
        self.last_error: str | None = None
        self._reachable: tuple[float, bool] | None = None

    @property
    def snapshot(self) -> Snapshot | None:
        return self._snapshot

    def current(self) -> Snapshot:
        """The snapshot to serve; loads one on first use. Raises StoreUnavailable without one."""
        snap = self._snapshot
        if snap is not None:
            return snap
        if self.attempted_at is None or time.monotonic() - self.attempted_at >= self.RETRY_S:
            # One attempt at a time: requests arriving meanwhile get the 503 at once.
            with contextlib.suppress(SkillGraphError):
                self.refresh(blocking=False)
        snap = self._snapshot
        if snap is None:
            raise StoreUnavailable(f"no catalog snapshot yet: the {self.source.name} backend failed: "
                                   f"{self.last_error}")
        return snap

    def refresh(self, *, blocking: bool = True) -> bool:
        """Load from the source; swap in a new snapshot if the catalog changed.

        Returns whether the version changed. On failure the error is recorded,
        the last good snapshot stays, and the error is raised again. With
        ``blocking=False`` it returns False at once when a refresh is running.
        """
        if not self._lock.acquire(blocking=blocking):
            return False
        try:
            self.attempted_at = time.monotonic()
            try:
                catalog = self.source.load()
                _warm(catalog)
            except SkillGraphError as err:
                self.last_error = str(err)
                self._reachable = (time.monotonic(), not isinstance(err, StoreUnavailable))
                raise
            except Exception as err:  # a driver's own error: report it as the store's
                self.last_error = f"{type(err).__name__}: {err}"
                self._reachable = (time.monotonic(), False)
                raise StoreUnavailable(f"the {self.source.name} backend failed: {self.last_error}") from err
            self.refreshed_at = time.time()
            self.last_error = None
            self._reachable = (time.monotonic(), True)
            old = self._snapshot
            if old is not None and old.version == catalog.version:
                return False
            self._snapshot = Snapshot(catalog, time.time(), ResponseCache(self.cache_size))
            if old is not None:
                log.info("catalog snapshot %s replaced %s", catalog.version, old.version)
            return True
        finally:
            self._lock.release()

    def try_refresh(self) -> None:
        """Refresh, logging instead of raising (for the background loop)."""
        try:
            self.refresh()
        except SkillGraphError as err:
            serving = self._snapshot.version if self._snapshot else "nothing"
            log.warning("snapshot refresh failed, still serving %s: %s", serving, err)

    def reachable(self, max_age_s: float = 2.0) -> bool:
        """The source's reachability, probed at most every ``max_age_s`` seconds."""
        now = time.monotonic()
        if self._reachable is None or now - self._reachable[0] > max_age_s:
            self._reachable = (now, self.source.reachable())
        return self._reachable[1]

    def close(self) -> None:
        self.source.close()


def _warm(catalog: Catalog) -> None:
    """Build the catalog's cached views once, before threads share it."""
    from queries.planner import plan

    _ = catalog.version, catalog.graph, catalog.teachers
    if catalog.roles:
        try:  # compiles the planner's index; the plan itself is thrown away
            plan(catalog, role=catalog.roles[0].id, time_limit=5.0)
        except SkillGraphError:
            pass


# -- dependencies -------------------------------------------------------------------
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_holder(request: Request) -> SnapshotHolder:
    return request.app.state.snapshots


SettingsDep = Annotated[Settings, Depends(get_settings)]
HolderDep = Annotated[SnapshotHolder, Depends(get_holder)]


async def get_snapshot(holder: HolderDep) -> Snapshot:
    snap = holder.snapshot
    if snap is not None:
        return snap
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(holder.current)


SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]


async def get_catalog(snapshot: SnapshotDep) -> Catalog:
    return snapshot.catalog


CatalogDep = Annotated[Catalog, Depends(get_catalog)]


@dataclass(frozen=True)
class Planning:
    """What a planner endpoint needs: the snapshot, the solver's time limit, and
    :meth:`answer`, which serves a cached body or computes one off the event loop."""

    snapshot: Snapshot
    time_limit: float
    limiter: CapacityLimiter

    @property
    def catalog(self) -> Catalog:
        return self.snapshot.catalog

    async def answer(self, key: str, compute: Callable[[], BaseModel],
                     cacheable: Callable[[BaseModel], bool] = lambda _: True) -> Response:
        """The JSON body of ``compute()``, cached in the snapshot under ``key``.

        Plans, gaps and role rankings are pure functions of the catalog and
        the request, so ``key`` is the endpoint and the validated request; a
        result the solver did not finish is not cached (``cacheable``).
        """
        body = self.snapshot.cache.get(key)
        if body is None:
            # CPU-bound and synchronous: worker threads keep the loop serving, and the
            # limiter keeps them from fighting over the GIL (same throughput, lower p99).
            result = await anyio.to_thread.run_sync(compute, limiter=self.limiter)
            body = result.model_dump_json().encode()
            if cacheable(result):
                self.snapshot.cache.put(key, body)
        return Response(body, media_type="application/json")


async def get_planning(request: Request, snapshot: SnapshotDep, settings: SettingsDep) -> Planning:
    state = request.app.state
    limiter = getattr(state, "planner_limiter", None)
    if limiter is None:  # created in the running loop, once per app
        limiter = state.planner_limiter = CapacityLimiter(settings.planner_threads)
    return Planning(snapshot, settings.plan_time_limit_s, limiter)


PlanningDep = Annotated[Planning, Depends(get_planning)]

_bearer = HTTPBearer(auto_error=False, description="SKILLGRAPH_ADMIN_TOKEN, for curators")


async def require_curator(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Admit a request only with ``Authorization: Bearer <SKILLGRAPH_ADMIN_TOKEN>``."""
    if settings.admin_token is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            "curator endpoints are disabled: the server has no SKILLGRAPH_ADMIN_TOKEN")
    if credentials is None or not settings.token_matches(credentials.credentials):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a valid curator bearer token is required",
                            headers={"WWW-Authenticate": "Bearer"})


CuratorDep = Annotated[None, Depends(require_curator)]

