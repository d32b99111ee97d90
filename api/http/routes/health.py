"""``GET /health``: backend, reachability, catalog version and counts, snapshot age."""

from __future__ import annotations

import time

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.http.deps import HolderDep, SettingsDep
from api.http.schemas import CatalogInfo, Health, SnapshotInfo

router = APIRouter(prefix="/health", tags=["health"])


@router.get("", summary="Service health (always 200 when the service runs; read `status`)")
async def get_health(holder: HolderDep, settings: SettingsDep) -> Health:
    source = holder.source
    reachable = True if source.name == "seed" else await run_in_threadpool(holder.reachable)
    snap = holder.snapshot
    if snap is None:
        status = "unavailable"
    elif not reachable or holder.last_error:
        status = "degraded"
    else:
        status = "ok"
    now = time.time()
    return Health(
        status=status,
        backend=source.name,
        reachable=reachable,
        catalog=CatalogInfo(name=snap.catalog.name, version=snap.version, counts=snap.catalog.counts())
        if snap else None,
        snapshot=SnapshotInfo(
            loaded_at=snap.loaded_at if snap else None,
            refreshed_at=holder.refreshed_at,
            age_s=round(now - holder.refreshed_at, 3) if holder.refreshed_at else None,
            refresh_interval_s=settings.refresh_interval_s,
            last_error=holder.last_error,
            cached_responses=len(snap.cache) if snap else 0,
            cache_hits=snap.cache.hits if snap else 0,
            cache_misses=snap.cache.misses if snap else 0,
        ),
    )
