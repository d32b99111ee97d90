"""``/programs``: specializations and professional certificates (bundles of courses)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.http.deps import CatalogDep, PageDep
from api.http.routes._records import ERRORS, ID_PATH, NOT_FOUND, QueryText, by_provider, detail, search
from api.http.schemas import ProgramDetail, ProgramsPublic

router = APIRouter(prefix="/programs", tags=["programs"], responses=ERRORS)


@router.get("", summary="List programs")
async def list_programs(
    catalog: CatalogDep,
    page: PageDep,
    q: QueryText = None,
    provider: Annotated[str | None, Query(max_length=200, description="case-insensitive")] = None,
) -> ProgramsPublic:
    found = search(catalog, "program", q, by_provider(catalog, provider))
    return ProgramsPublic(data=page.slice(found), count=len(found))


@router.get("/{id}", summary="One program, with its courses", responses=NOT_FOUND)
async def get_program(catalog: CatalogDep, id: Annotated[str, Path(**ID_PATH)]) -> ProgramDetail:
    return detail(catalog, "program", id, ProgramDetail)
