"""The snapshot the planner runs on, its response cache, and how it is refreshed.

The planner never talks to a store: it runs on a :class:`Snapshot`, an
immutable :class:`~graph.catalog.Catalog` the app holds in memory.
:class:`SnapshotHolder` refreshes it from the
:class:`~api.http.sources.CatalogSource` (on an interval and on
``POST /admin/reload``); a refresh that fails records the error and keeps the
last good snapshot, so ``/plan`` keeps answering while Neo4j is down. A new
snapshot is warmed up (its graph views and the planner's index built) before
threads share it. :class:`Planning` serves planner answers from the snapshot's
cache or computes them off the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi import Response
from pydantic import BaseModel

from api.http.sources import CatalogSource
from graph.catalog import Catalog
from graph.errors import SkillGraphError, StoreUnavailable
from graph.lru import Lru

__all__ = ["Planning", "ResponseCache", "Snapshot", "SnapshotHolder", "step_count"]

log = logging.getLogger("skillgraph.api")
_T = TypeVar("_T")


class ResponseCache(Lru[str, bytes]):
    """A bounded, thread-safe LRU of response bodies, one per snapshot.

    Plans are pure functions of the catalog and the request, so a body is
    valid for as long as its snapshot is; a new snapshot starts empty.
    """


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
        with contextlib.suppress(SkillGraphError):  # compiles the planner's index; the plan is thrown away
            plan(catalog, role=catalog.roles[0].id, time_limit=5.0)


def step_count(catalog: Catalog) -> int:
    """The steps a route can take in ``catalog``: courses and vendor exams."""
    return catalog.derived("api.step_count",
                           lambda c: len(c.courses) + sum(1 for x in c.certs if x.kind == "vendor-exam"))


class Turns:
    """Work run on the event loop one piece per loop iteration, in the order it arrived.

    Without it, the requests read in one poll of the sockets run back to back
    in the order of their sockets, not of their arrival: a request that
    arrives just after a poll waits for the whole next round as well (with 16
    connections, a p99 of about twice the median). Between two turns the loop
    polls the sockets again, so a request queues behind the ones that came
    before it, not behind the ones on lower-numbered sockets.
    """

    def __init__(self) -> None:
        self._queue: deque[asyncio.Future[None]] = deque()
        self._active = False  # a turn is running or granted

    async def run(self, work: Callable[[], _T]) -> _T:
        loop = asyncio.get_running_loop()
        turn: asyncio.Future[None] = loop.create_future()
        self._queue.append(turn)
        if not self._active:  # the first of a batch: the others read in this poll queue behind it
            self._active = True
            loop.call_soon(self._grant)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # granted, then cancelled: pass the turn on
                self._grant()
            raise
        try:
            return work()
        finally:
            self._grant()  # the next waiter resumes after the loop has polled the sockets

    def _grant(self) -> None:
        while self._queue:
            turn = self._queue.popleft()
            if not turn.done():  # a cancelled waiter's turn is skipped
                turn.set_result(None)
                return
        self._active = False


@dataclass(frozen=True)
class Planning:
    """What a planner endpoint needs: the snapshot, the solver's time limit, and
    :meth:`answer`, which serves a cached body or computes one off the event loop."""

    snapshot: Snapshot
    time_limit: float
    limiter: CapacityLimiter
    small: bool = False  # the catalog has at most SKILLGRAPH_INLINE_MAX_STEPS steps
    turns: Turns | None = None  # inline work in arrival order (the app's one Turns)

    @property
    def catalog(self) -> Catalog:
        return self.snapshot.catalog

    async def answer(self, key: str, compute: Callable[[], BaseModel],
                     cacheable: Callable[[BaseModel], bool] = lambda _: True, *, inline: bool = False) -> Response:
        """The JSON body of ``compute()``, cached in the snapshot under ``key``.

        Plans, gaps and role rankings are pure functions of the catalog and
        the request, so ``key`` is the endpoint and the validated request; a
        result the solver did not finish is not cached (``cacheable``).
        ``inline``: the caller's work is small on a small catalog (:attr:`small`),
        so it runs on the event loop.
        """
        body = self.snapshot.cache.get(key)
        if body is None:
            if inline and self.small:
                # A plan on a catalog this small takes about 1.5 ms; handing it to a worker
                # thread and back cost 0.65 ms more a request (346 against 445 plans/s,
                # benchmarks.bench_api, 3,000 learners on the seed catalog).
                result = await self.turns.run(compute) if self.turns is not None else compute()
            else:
                # CPU-bound and synchronous: worker threads keep the loop serving, and the
                # limiter keeps them from fighting over the GIL (same throughput, lower p99).
                result = await anyio.to_thread.run_sync(compute, limiter=self.limiter)
            body = result.model_dump_json().encode()
            if cacheable(result):
                self.snapshot.cache.put(key, body)
        return Response(body, media_type="application/json")

