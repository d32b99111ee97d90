"""``GET /``: the learner's page (:func:`api.pages.route.learner_page`).

One self-contained HTML page, the same for everyone (the state is in its
query string, read in the browser): it lists roles, certs and skills from
``/roles``, ``/certs`` and ``/skills`` and plans with ``POST /plan`` on this
server. Nothing is fetched from anywhere else.
"""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.pages.route import learner_page

router = APIRouter(tags=["pages"])


@cache
def _page() -> bytes:
    return learner_page().encode()


@router.get("/", summary="The learner's page: pick a target, say what you know, see your route",
            response_class=HTMLResponse,
            responses={200: {"content": {"text/html": {}}, "description": "a self-contained HTML page"}})
async def learner() -> HTMLResponse:
    return HTMLResponse(_page())
