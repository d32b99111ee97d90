"""``/skills``: list, search and look up skills."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.http.deps import CatalogDep, PageDep
from api.http.routes._records import ERRORS, ID_PATH, NOT_FOUND, QueryText, detail, known, search
from api.http.schemas import SkillDetail, SkillsPublic

router = APIRouter(prefix="/skills", tags=["skills"], responses=ERRORS)


@router.get("", summary="List skills")
async def list_skills(
    catalog: CatalogDep,
    page: PageDep,
    q: QueryText = None,
    category: Annotated[str | None, Query(max_length=100, examples=["mlops"])] = None,
    teachable: Annotated[bool | None, Query(description="false: learnt on the job, no course teaches it")] = None,
) -> SkillsPublic:
    found = search(catalog, "skill", q, known(category, "category", catalog.skills),
                   lambda s: teachable is None or s.teachable == teachable)
    return SkillsPublic(data=page.slice(found), count=len(found))


@router.get("/{id}", summary="One skill, with what requires it and what teaches it", responses=NOT_FOUND)
async def get_skill(catalog: CatalogDep, id: Annotated[str, Path(**ID_PATH)]) -> SkillDetail:
    return detail(catalog, "skill", id, SkillDetail)
