"""``POST /admin/reload``: refresh the snapshot now (curators only)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.http.deps import CuratorDep, HolderDep
from api.http.routes._records import ERRORS
from api.http.schemas import ErrorBody, ReloadResult

router = APIRouter(prefix="/admin", tags=["admin"], responses={
    **ERRORS,
    401: {"model": ErrorBody, "description": "missing or wrong bearer token"},
    403: {"model": ErrorBody, "description": "curator endpoints are disabled (no SKILLGRAPH_ADMIN_TOKEN)"},
    503: {"model": ErrorBody, "description": "the reload failed; the last good snapshot is still served"},
})


@router.post("/reload", summary="Reload the catalog snapshot from the backend")
async def reload_snapshot(_: CuratorDep, holder: HolderDep) -> ReloadResult:
    before = holder.snapshot.version if holder.snapshot else None
    changed = await run_in_threadpool(holder.refresh)  # raises on failure; the old snapshot stays
    snap = holder.snapshot
    assert snap is not None
    return ReloadResult(changed=changed, version=snap.version, previous_version=before,
                        counts=snap.catalog.counts())
