"""What the routes depend on, as ``Annotated`` aliases: the settings, the
snapshot holder, the live snapshot and its catalog, the planner's context,
pagination, and the curator check.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from anyio import CapacityLimiter
from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.http.settings import Settings
from api.http.snapshots import Planning, Snapshot, SnapshotHolder, Turns, step_count
from graph.catalog import Catalog

__all__ = [
    "CatalogDep",
    "CuratorDep",
    "HolderDep",
    "Page",
    "PageDep",
    "PlanningDep",
    "SettingsDep",
    "SnapshotDep",
]

T = TypeVar("T")


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
    return await run_in_threadpool(holder.current)


SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]


async def get_catalog(snapshot: SnapshotDep) -> Catalog:
    return snapshot.catalog


CatalogDep = Annotated[Catalog, Depends(get_catalog)]


async def get_planning(request: Request) -> Planning:
    # One dependency, not three: FastAPI's resolution of each costs more than its body.
    state = request.app.state
    settings: Settings = state.settings
    snapshot = await get_snapshot(state.snapshots)
    limiter = getattr(state, "planner_limiter", None)
    if limiter is None:  # created in the running loop, once per app
        limiter = state.planner_limiter = CapacityLimiter(settings.planner_threads)
        state.planner_turns = Turns()
    small = step_count(snapshot.catalog) <= settings.inline_max_steps
    return Planning(snapshot, settings.plan_time_limit_s, limiter, small, state.planner_turns)


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


class Page:
    """``limit`` and ``offset`` query parameters, bounded."""

    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=500, description="page size")] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000, description="records to skip")] = 0,
    ):
        self.limit = limit
        self.offset = offset

    def slice(self, items: list[T]) -> list[T]:
        return items[self.offset: self.offset + self.limit]


PageDep = Annotated[Page, Depends()]
