"""``/viz``: the interactive, offline pages (:mod:`api.pages`) served as HTML.

``GET /viz`` the whole catalog (optionally some node kinds), ``GET /viz/plan``
a learner's route as cards in route order with its week-by-week schedule (the
graph around it behind a toggle), ``GET /viz/node/{id}`` one node and
its neighbourhood. Pages are built off the event loop and cached per
snapshot, like plans.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, cast

import pyvis.network  # noqa: F401  - imported at start-up: it pulls in IPython and jedi, which change
from fastapi import APIRouter, Path, Query, Response  # the recursion limit; not in the middle of a request

from api import pages
from api.http.deps import PlanningDep
from api.http.routes._records import ERRORS, ID_PATH, NOT_FOUND
from api.http.schemas import MAX_DEPTH, MAX_HAVE, query_levels_checked
from queries.plan_models import Objective
from queries.planner import OBJECTIVES, plan

router = APIRouter(prefix="/viz", tags=["pages"], responses=ERRORS)

_HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "a self-contained HTML page (no network needed)"},
}
_CSV = r"^[A-Za-z0-9._:,-]*$"


def _split(text: str | None, what: str, most: int) -> list[str]:
    items = [p.strip() for p in (text or "").split(",") if p.strip()]
    if len(items) > most:
        from graph.errors import PlanningError

        raise PlanningError(f"{what}: at most {most} items, got {len(items)}")
    return items


async def _page(planning: PlanningDep, key: str, build: Callable[[], str]) -> Response:
    import anyio

    cache = planning.snapshot.cache
    body = cache.get(key)
    if body is None:
        body = (await anyio.to_thread.run_sync(build, limiter=planning.limiter)).encode()
        cache.put(key, body)
    return Response(body, media_type="text/html; charset=utf-8")


@router.get("", summary="The whole catalog as an interactive graph page", response_class=Response, responses=_HTML)
async def catalog_view(
    planning: PlanningDep,
    kinds: Annotated[str | None, Query(max_length=100, pattern=_CSV, examples=["skill,course"],
                                       description="only these node kinds, comma-separated")] = None,
) -> Response:
    chosen = _split(kinds, "kinds", 5) or None
    return await _page(planning, json.dumps(["viz", chosen]),
                       lambda: pages.catalog_page(planning.catalog, kinds=chosen))


@router.get("/plan", summary="A learner's cheapest route as cards in route order, with its schedule",
            response_class=Response, responses=_HTML)
async def plan_view(
    planning: PlanningDep,
    role: Annotated[str | None, Query(max_length=120, examples=["ml-engineer-gcp"])] = None,
    cert: Annotated[str | None, Query(max_length=120)] = None,
    have: Annotated[str, Query(max_length=20_000, pattern=_CSV, examples=["python,sql"],
                               description="what the learner has: id or id:level, comma-separated")] = "",
    objective: Annotated[str, Query(pattern="^(" + "|".join(OBJECTIVES) + ")$")] = "hours",
    hours_per_week: Annotated[float, Query(ge=0.5, le=168, description="the schedule's pace")] = 10.0,
) -> Response:
    have_list = query_levels_checked(_split(have, "have", MAX_HAVE))

    def build() -> str:
        route = plan(planning.catalog, have=have_list, role=role, cert=cert,
                     objective=cast(Objective, objective),  # the query's pattern admits only OBJECTIVES
                     hours_per_week=hours_per_week, time_limit=planning.time_limit)
        return pages.route_page(planning.catalog, route)

    return await _page(planning, json.dumps(["viz/plan", role, cert, have_list, objective, hours_per_week]), build)


@router.get("/node/{id}", summary="One record and everything within `depth` hops", response_class=Response,
            responses={**_HTML, **NOT_FOUND})
async def node_view(
    planning: PlanningDep,
    id: Annotated[str, Path(**ID_PATH)],
    depth: Annotated[int, Query(ge=0, le=MAX_DEPTH)] = 1,
) -> Response:
    planning.catalog.get(id)  # unknown id: 404 with suggestions before any work
    return await _page(planning, json.dumps(["viz/node", id, depth]),
                       lambda: pages.neighbourhood_page(planning.catalog, id, depth))
