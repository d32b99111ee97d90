"""``POST /gap``: what a learner lacks for a role, and which steps close each gap."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.http.deps import PlanningDep
from api.http.routes._records import ERRORS
from api.http.routes.plan import finished
from api.http.schemas import GapRequest, have_strings
from queries.gaps import Gap, gap

router = APIRouter(prefix="/gap", tags=["gap"], responses=ERRORS)


@router.post("", summary="Gap analysis for a role", response_model=Gap)
async def create_gap(body: GapRequest, planning: PlanningDep) -> Response:
    catalog = planning.catalog

    def compute() -> Gap:
        return gap(catalog, have=have_strings(body.have), role=body.role, objective=body.objective,
                   include_optional=body.include_optional, time_limit=planning.time_limit)

    return await planning.answer("gap:" + body.model_dump_json(), compute, finished)
