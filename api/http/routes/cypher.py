"""``POST /cypher``: curator Cypher over the Neo4j backend (bearer token).

Read-only unless the body says ``write: true`` and the server allows writes
(``SKILLGRAPH_CYPHER_WRITE``); read-only is enforced by
:func:`queries.cypher.run_cypher` (rolled back when the query changed
anything). Values travel as parameters; the timeout and row limit are capped
by the server's settings. A committed write refreshes the snapshot after the
answer is sent.
"""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, HTTPException, status
from starlette.concurrency import run_in_threadpool

from api.http.deps import CuratorDep, HolderDep, SettingsDep
from api.http.routes._records import ERRORS
from api.http.schemas import CypherRequest, CypherResult, ErrorBody
from api.http.sources import CypherSource
from api.records import query_result

router = APIRouter(prefix="/cypher", tags=["curators"], responses={
    **ERRORS,
    400: {"model": ErrorBody, "description": "the query was refused (a write in read-only mode) or failed"},
    401: {"model": ErrorBody, "description": "missing or wrong bearer token"},
    403: {"model": ErrorBody, "description": "curator endpoints disabled, or writes not allowed on this server"},
    503: {"model": ErrorBody, "description": "the backend is not Neo4j, or Neo4j cannot be reached"},
})


@router.post("", summary="Run a curator's Cypher query (Neo4j backend only)")
async def run_query(body: CypherRequest, _: CuratorDep, holder: HolderDep, settings: SettingsDep,
                    background: BackgroundTasks) -> CypherResult:
    source = holder.source
    if not isinstance(source, CypherSource):
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            f"POST /cypher needs the Neo4j backend (set NEO4J_URI); this server runs the "
                            f"{source.name} backend")
    if body.write and not settings.cypher_write:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            "writes are disabled on this server (SKILLGRAPH_CYPHER_WRITE is off)")
    timeout = min(body.timeout_s or settings.cypher_timeout_s, settings.cypher_timeout_s)
    limit = min(body.limit or settings.cypher_max_rows, settings.cypher_max_rows)
    out = await run_in_threadpool(source.cypher, body.query, body.parameters, write=body.write, timeout=timeout,
                                  limit=limit)
    if out.committed and out.counters:
        background.add_task(holder.try_refresh)  # the planner's snapshot follows the curator's edit
    return CypherResult(**query_result(out, write=body.write))
