"""``POST /plan``: the proven-cheapest route (the planner's ``Plan``, the CLI's JSON)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Response
from pydantic import BaseModel

from api.http.deps import PlanningDep
from api.http.routes._records import ERRORS
from api.http.schemas import PlanRequest, have_strings
from queries.planner import Plan, plan

router = APIRouter(prefix="/plan", tags=["plan"], responses=ERRORS)


def finished(result: BaseModel) -> bool:
    """A plan worth caching: proven optimal, or proven to have no route (not cut by the time limit)."""
    # isinstance first: hasattr on a pydantic model that lacks the name raises inside (slow)
    p = result if isinstance(result, Plan) else getattr(result, "plan", None)
    assert isinstance(p, Plan)
    return not p.time_limited and (p.optimal or not p.feasible)


@router.post("", summary="Plan the cheapest route to a role, cert or skills", response_model=Plan,
             description="No route is not an error: the answer is 200 with `feasible: false` and `unreachable` "
                         "saying why. Unknown ids are 422 with suggestions.")
async def create_plan(body: PlanRequest, planning: PlanningDep) -> Response:
    catalog, c = planning.catalog, body.constraints
    have, skills = have_strings(body.have), have_strings(body.target.skills)
    # The normalised request: "python:2" and {"id": "python", "level": 2} ask the same.
    key = json.dumps(["plan", have, body.target.role, body.target.cert, skills, body.objective, c.model_dump(),
                      body.hours_per_week, body.experience_years, body.alternatives])

    def compute() -> Plan:
        return plan(
            catalog, have=have, role=body.target.role, cert=body.target.cert,
            skills=skills or None, objective=body.objective, budget=c.budget,
            max_hours=c.max_hours, free_only=c.free_only, exclude=c.exclude, providers=c.providers,
            must_include=c.must_include, include_optional=c.include_optional,
            hours_per_week=body.hours_per_week, experience_years=body.experience_years,
            respect_experience=c.respect_experience, alternatives=body.alternatives, time_limit=planning.time_limit,
        )

    return await planning.answer(key, compute, finished, inline=True)
