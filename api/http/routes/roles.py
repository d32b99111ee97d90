"""``/roles``: list and look up roles, and rank them by distance from what a learner has."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from fastapi.exceptions import RequestValidationError

from api.http.deps import CatalogDep, PageDep, PlanningDep
from api.http.routes._records import ERRORS, ID_PATH, NOT_FOUND, QueryText, detail, search
from api.http.schemas import MAX_HAVE, RoleDetail, RoleDistancesPublic, RolesPublic, query_levels_checked
from queries.gaps import closest_roles

router = APIRouter(prefix="/roles", tags=["roles"], responses=ERRORS)


@router.get("", summary="List roles")
async def list_roles(
    catalog: CatalogDep,
    page: PageDep,
    q: QueryText = None,
    needs: Annotated[str | None, Query(max_length=200, description="a skill id the role needs")] = None,
    values: Annotated[str | None, Query(max_length=200, description="a cert id the role values")] = None,
) -> RolesPublic:
    if needs is not None:
        catalog.skill(needs)  # an unknown id is a mistake (422 with suggestions), not an empty list
    if values is not None:
        catalog.cert(values)
    found = search(catalog, "role", q,
                   lambda r: needs is None or any(n.skill == needs for n in r.needs),
                   lambda r: values is None or any(v.cert == values for v in r.values))
    return RolesPublic(data=page.slice(found), count=len(found))


@router.get("/closest", summary="Roles ranked by the cost of their cheapest route from `have`",
            response_model=RoleDistancesPublic)
async def get_closest_roles(
    planning: PlanningDep,
    have: Annotated[list[str], Query(max_length=MAX_HAVE, description=(
        "what you have: repeat the parameter or separate ids with commas; 'id' or 'id:level'"),
        examples=["python,sql,algebra:2"])] = [],  # noqa: B006 - FastAPI copies query defaults
    k: Annotated[int, Query(ge=1, le=100, description="how many roles")] = 5,
    objective: Annotated[Literal["hours", "cost", "steps"], Query()] = "hours",
) -> Response:
    items = [p.strip() for text in have for p in text.split(",") if p.strip()]
    if len(items) > MAX_HAVE or any(len(i) > 130 for i in items):
        raise RequestValidationError([{
            "type": "too_long", "loc": ("query", "have"),
            "msg": f"at most {MAX_HAVE} ids of at most 130 characters each", "input": None}])
    query_levels_checked(items)
    catalog = planning.catalog

    def compute() -> RoleDistancesPublic:
        rows = closest_roles(catalog, items, k, objective=objective, time_limit=planning.time_limit)
        return RoleDistancesPublic(data=rows, count=len(rows))

    return await planning.answer("closest:" + repr((items, k, objective)), compute)


@router.get("/{id}", summary="One role, with the skills it needs and the certs it values", responses=NOT_FOUND)
async def get_role(catalog: CatalogDep, id: Annotated[str, Path(**ID_PATH)]) -> RoleDetail:
    return detail(catalog, "role", id, RoleDetail)
