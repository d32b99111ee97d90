"""``/certs``: vendor exams and completion certificates."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from api.http.deps import CatalogDep, PageDep
from api.http.routes._records import ERRORS, ID_PATH, NOT_FOUND, QueryText, by_provider, detail, search
from api.http.schemas import CertDetail, CertsPublic

router = APIRouter(prefix="/certs", tags=["certs"], responses=ERRORS)


@router.get("", summary="List certifications")
async def list_certs(
    catalog: CatalogDep,
    page: PageDep,
    q: QueryText = None,
    provider: Annotated[str | None, Query(max_length=200, description="case-insensitive")] = None,
    kind: Annotated[Literal["vendor-exam", "completion"] | None, Query()] = None,
) -> CertsPublic:
    found = search(catalog, "cert", q, by_provider(catalog, provider), lambda c: kind is None or c.kind == kind)
    return CertsPublic(data=page.slice(found), count=len(found))


@router.get("/{id}", summary="One cert, with what it requires, validates and what prepares for it",
            responses=NOT_FOUND)
async def get_cert(catalog: CatalogDep, id: Annotated[str, Path(**ID_PATH)]) -> CertDetail:
    return detail(catalog, "cert", id, CertDetail)
