"""``/courses``: list, search, filter and look up courses (and books, free courses, projects)."""

from typing import Annotated, get_args

from fastapi import APIRouter, Path, Query

from api.http.deps import CatalogDep, PageDep
from api.http.routes._records import ERRORS, ID_PATH, NOT_FOUND, QueryText, by_provider, detail, search
from api.http.schemas import CourseDetail, CoursesPublic
from graph.models import Course, CourseFormat

router = APIRouter(prefix="/courses", tags=["courses"], responses=ERRORS)
_FORMATS = get_args(CourseFormat)


def _top_level(course: Course) -> int:
    return max((t.level for t in course.teaches), default=0)


@router.get("", summary="List courses")
async def list_courses(
    catalog: CatalogDep,
    page: PageDep,
    q: QueryText = None,
    provider: Annotated[str | None, Query(max_length=200, examples=["Google Cloud"],
                                          description="case-insensitive")] = None,
    format: Annotated[CourseFormat | None, Query(description="the kind of course")] = None,
    level: Annotated[int | None, Query(ge=1, le=3, description="the highest level the course teaches")] = None,
    teaches: Annotated[str | None, Query(max_length=200, description="a skill id it teaches")] = None,
    free: Annotated[bool | None, Query(description="free outright or free to audit")] = None,
) -> CoursesPublic:
    if teaches is not None:
        catalog.skill(teaches)  # an unknown id is a mistake (422 with suggestions), not an empty list
    found = search(
        catalog, "course", q, by_provider(catalog, provider),
        lambda c: format is None or c.format == format,
        lambda c: level is None or _top_level(c) == level,
        lambda c: teaches is None or any(t.skill == teaches for t in c.teaches),
        lambda c: free is None or c.is_free == free,
    )
    return CoursesPublic(data=page.slice(found), count=len(found))


@router.get("/{id}", summary="One course, with what it requires, teaches, belongs to and prepares for",
            responses=NOT_FOUND)
async def get_course(catalog: CatalogDep, id: Annotated[str, Path(**ID_PATH)]) -> CourseDetail:
    return detail(catalog, "course", id, CourseDetail)
