"""Every endpoint of the HTTP API on the seed catalog, through FastAPI's TestClient."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from api import cli
from api.http.app import create_app
from api.http.settings import Settings
from graph.catalog import Catalog
from loaders import SEED_PATH
from queries.gaps import closest_roles, gap
from queries.planner import plan

TOKEN = "curator-token-for-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def settings(**kw: Any) -> Settings:
    """Settings for a test: everything that matters given, so the caller's environment cannot leak in."""
    defaults = {"environment": "test", "refresh_interval_s": 0, "catalog": None, "neo4j_uri": None,
                "admin_token": None, "cypher_write": False, "plan_cache_size": 2048, "max_body_bytes": 64 * 1024,
                "plan_time_limit_s": 10.0}
    return Settings(**{**defaults, **kw})


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(settings(admin_token=TOKEN))) as c:
        yield c


@pytest.fixture()
def catalog_file(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.yaml"
    shutil.copy(SEED_PATH, path)
    return path


def _no_timing(p: dict[str, Any]) -> dict[str, Any]:
    p = dict(p)
    p.pop("solve_ms", None)
    p["alternatives"] = [_no_timing(a) for a in p.get("alternatives", [])]
    return p


# -- health ------------------------------------------------------------------------------
def test_health_reports_backend_version_counts_and_age(client: TestClient, seed: Catalog) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    h = r.json()
    assert h["status"] == "ok" and h["backend"] == "seed" and h["reachable"] is True
    assert h["catalog"] == {"name": seed.name, "version": seed.version, "counts": seed.counts()}
    assert 0 <= h["snapshot"]["age_s"] < 600 and h["snapshot"]["last_error"] is None
    assert r.headers["x-request-id"]


def test_request_id_is_echoed_when_given(client: TestClient) -> None:
    r = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    r = client.get("/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert r.headers["x-request-id"] != "bad id\twith spaces" and len(r.headers["x-request-id"]) == 32


# -- catalog records ------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["skills", "courses", "programs", "certs", "roles"])
def test_list_returns_data_and_count(client: TestClient, seed: Catalog, kind: str) -> None:
    r = client.get(f"/{kind}", params={"limit": 500})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == len(getattr(seed, kind)) == len(body["data"])
    assert [i["id"] for i in body["data"]] == [i.id for i in getattr(seed, kind)]


@pytest.mark.parametrize("kind", ["skills", "courses", "programs", "certs", "roles"])
def test_detail_has_neighbours(client: TestClient, seed: Catalog, kind: str) -> None:
    item = getattr(seed, kind)[0]
    r = client.get(f"/{kind}/{item.id}")
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == item.id and body["type"] == kind[:-1]
    assert body["neighbours"] == json.loads(json.dumps(seed.neighbours(item.id)))


def test_cert_detail_keeps_its_own_kind(client: TestClient, seed: Catalog) -> None:
    for cert in seed.certs:
        body = client.get(f"/certs/{cert.id}").json()
        assert body["type"] == "cert" and body["kind"] == cert.kind


def test_pagination(client: TestClient, seed: Catalog) -> None:
    ids = [s.id for s in seed.skills]
    page = client.get("/skills", params={"limit": 5, "offset": 10}).json()
    assert page["count"] == len(ids) and [s["id"] for s in page["data"]] == ids[10:15]
    past = client.get("/skills", params={"offset": 10_000}).json()
    assert past == {"data": [], "count": len(ids)}


def test_search_by_name_and_alias(client: TestClient, seed: Catalog) -> None:
    skill = next(s for s in seed.skills if s.aliases)
    by_alias = client.get("/skills", params={"q": skill.aliases[0].upper()}).json()
    assert skill.id in [s["id"] for s in by_alias["data"]]
    by_name = client.get("/courses", params={"q": "machine learning"}).json()
    assert by_name["count"] > 0
    assert all("machine learning" in (c["title"] + c["id"]).lower() for c in by_name["data"])


def test_course_filters(client: TestClient, seed: Catalog) -> None:
    gcp = client.get("/courses", params={"provider": "google cloud", "limit": 500}).json()
    assert gcp["count"] == sum(c.provider == "Google Cloud" for c in seed.courses) > 0
    free = client.get("/courses", params={"free": True, "format": "free-course", "limit": 500}).json()
    assert free["count"] > 0 and all(c["format"] == "free-course" for c in free["data"])
    level3 = client.get("/courses", params={"level": 3, "limit": 500}).json()
    assert all(max(t["level"] for t in c["teaches"]) == 3 for c in level3["data"])
    python = client.get("/courses", params={"teaches": "python", "limit": 500}).json()
    assert {c["id"] for c in python["data"]} == {cid for cid, _ in seed.teachers["python"]}


def test_cert_skill_role_and_program_filters(client: TestClient, seed: Catalog) -> None:
    exams = client.get("/certs", params={"kind": "vendor-exam"}).json()
    assert exams["count"] == sum(c.kind == "vendor-exam" for c in seed.certs)
    aws = client.get("/certs", params={"provider": "AMAZON WEB SERVICES"}).json()
    assert aws["count"] >= 1
    mlops = client.get("/skills", params={"category": "mlops", "limit": 500}).json()
    assert mlops["count"] == sum(s.category == "mlops" for s in seed.skills)
    untaught = client.get("/skills", params={"teachable": False}).json()
    assert all(not s["teachable"] for s in untaught["data"])
    needs = client.get("/roles", params={"needs": "vertex-ai"}).json()
    assert "ml-engineer-gcp" in [r["id"] for r in needs["data"]]
    values = client.get("/roles", params={"values": "google-pmle"}).json()
    assert values["count"] >= 1
    programs = client.get("/programs", params={"provider": seed.programs[0].provider}).json()
    assert seed.programs[0].id in [p["id"] for p in programs["data"]]


# -- plan -----------------------------------------------------------------------------------
def test_plan_is_the_clis_json(client: TestClient, seed: Catalog, capsys: pytest.CaptureFixture[str]) -> None:
    situation = seed.situations[0]
    r = client.post("/plan", json={"have": situation.have, "target": {"role": situation.role},
                                   "objective": situation.objective})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    cli.main(["plan", "--role", str(situation.role), "--have", ",".join(situation.have), "--objective",
              situation.objective, "--format", "json"])
    assert _no_timing(r.json()) == _no_timing(json.loads(capsys.readouterr().out))


def test_plan_every_situation(client: TestClient, seed: Catalog) -> None:
    for s in seed.situations:
        target = {k: v for k, v in (("role", s.role), ("cert", s.cert), ("skills", s.skills)) if v}
        r = client.post("/plan", json={"have": s.have, "target": target, "objective": s.objective})
        assert r.status_code == 200, (s.id, r.text)
        expected = plan(seed, have=s.have, role=s.role, cert=s.cert, skills=s.skills or None, objective=s.objective,
                        hours_per_week=10)
        assert _no_timing(r.json()) == _no_timing(expected.model_dump(mode="json")), s.id


def test_plan_have_objects_skills_target_constraints_schedule(client: TestClient, seed: Catalog) -> None:
    body = {
        "have": [{"id": "python", "level": 2}, "sql", {"id": "algebra"}],
        "target": {"skills": ["gradient-descent", {"id": "neural-networks", "level": 2}]},
        "objective": "cost",
        "constraints": {"budget": 1000, "exclude": ["ml-specialization"], "include_optional": False},
        "hours_per_week": 8,
        "alternatives": 1,
    }
    r = client.post("/plan", json=body)
    assert r.status_code == 200, r.text
    p = r.json()
    expected = plan(seed, have=["python:2", "sql", "algebra"], skills=["gradient-descent", "neural-networks:2"],
                    objective="cost", budget=1000, exclude=["ml-specialization"], hours_per_week=8, alternatives=1)
    assert _no_timing(p) == _no_timing(expected.model_dump(mode="json"))
    assert p["feasible"] and p["schedule"] and p["hours_per_week"] == 8
    assert all(s["id"] not in seed.program("ml-specialization").courses for s in p["steps"])


def test_plan_cert_target(client: TestClient) -> None:
    r = client.post("/plan", json={"have": ["python", "sql"], "target": {"cert": "google-pmle"}})
    assert r.status_code == 200 and r.json()["target"]["cert"] == "google-pmle"
    assert r.json()["steps"][-1]["kind"] == "exam"


def test_no_route_is_200_with_reasons(client: TestClient) -> None:
    r = client.post("/plan", json={"target": {"cert": "google-pmle"}, "constraints": {"budget": 1}})
    assert r.status_code == 200
    p = r.json()
    assert p["feasible"] is False and p["unreachable"]
    assert all(u["reason"] for u in p["unreachable"])


def test_plans_are_cached_per_snapshot(seed: Catalog) -> None:
    with TestClient(create_app(settings())) as c:
        body = {"have": ["python"], "target": {"role": "ml-engineer-gcp"}}
        first = c.post("/plan", json=body)
        second = c.post("/plan", json=body)
        assert first.content == second.content
        same = c.post("/plan", json={"have": [{"id": "python"}], "target": {"role": "ml-engineer-gcp"},
                                     "objective": "hours"})
        assert same.content == first.content
        snap = c.get("/health").json()["snapshot"]
        assert snap["cache_hits"] == 2 and snap["cache_misses"] == 1 and snap["cached_responses"] == 1
    with TestClient(create_app(settings(plan_cache_size=0))) as c:
        c.post("/plan", json=body)
        assert c.get("/health").json()["snapshot"]["cached_responses"] == 0


@pytest.mark.parametrize(("inline_max_steps", "on_loop"), [(200, True), (65, False), (0, False)])
def test_plans_on_a_small_catalog_run_on_the_event_loop(inline_max_steps: int, on_loop: bool,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed has 66 steps: at most SKILLGRAPH_INLINE_MAX_STEPS of them, POST /plan runs
    on the event loop (a thread hop costs more than such a plan); above, in a worker thread.
    /gap always runs in a worker thread."""
    import asyncio

    import api.http.routes.gap as gap_route
    import api.http.routes.plan as plan_route

    where: list[bool] = []

    def on_event_loop() -> bool:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    def spy(real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            where.append(on_event_loop())
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(plan_route, "plan", spy(plan_route.plan))
    monkeypatch.setattr(gap_route, "gap", spy(gap_route.gap))
    with TestClient(create_app(settings(inline_max_steps=inline_max_steps))) as c:
        assert c.post("/plan", json={"have": ["python"], "target": {"role": "ml-engineer-gcp"}}).status_code == 200
        assert c.post("/gap", json={"have": ["python"], "role": "ml-engineer-gcp"}).status_code == 200
    assert where == [on_loop, False]


# -- roles/closest and gap ------------------------------------------------------------------------
def test_closest_roles(client: TestClient, seed: Catalog) -> None:
    have = ["python", "sql", "algebra:2"]
    a = client.get("/roles/closest", params={"have": ",".join(have), "k": 3})
    repeated: list[tuple[str, str | int | float | bool | None]] = [("have", h) for h in have]
    b = client.get("/roles/closest", params=[*repeated, ("k", 3)])
    assert a.status_code == b.status_code == 200 and a.json() == b.json()
    expected = closest_roles(seed, have, 3)
    assert a.json() == {"data": [r.model_dump(mode="json") for r in expected], "count": 3}


def test_gap(client: TestClient, seed: Catalog) -> None:
    have = ["sql", "spreadsheets", "statistics-basics:2"]
    r = client.post("/gap", json={"have": have, "role": "applied-ml-analyst"})
    assert r.status_code == 200
    g = r.json()
    expected = gap(seed, have=have, role="applied-ml-analyst").model_dump(mode="json")
    g["plan"], expected["plan"] = _no_timing(g["plan"]), _no_timing(expected["plan"])
    assert g == expected
    assert any(i["status"] == "met" for i in g["items"]) and any(i["closed_by"] for i in g["items"])


# -- graph -------------------------------------------------------------------------------------
def test_graph_whole_and_neighbourhood(client: TestClient, seed: Catalog) -> None:
    whole = client.get("/graph").json()
    assert whole["count"] == len(whole["nodes"]) == seed.graph.number_of_nodes()
    assert len(whole["edges"]) == seed.graph.number_of_edges() and not whole["truncated"]
    ids = {n["id"] for n in whole["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in whole["edges"])
    near = client.get("/graph", params={"center": "vertex-ai", "depth": 1}).json()
    expected = {"vertex-ai"} | set(seed.graph.successors("vertex-ai")) | set(seed.graph.predecessors("vertex-ai"))
    assert {n["id"] for n in near["nodes"]} == expected
    assert near["nodes"][0]["id"] == "vertex-ai"
    only = client.get("/graph", params={"center": "vertex-ai", "depth": 0}).json()
    assert [n["id"] for n in only["nodes"]] == ["vertex-ai"]
    cut = client.get("/graph", params={"limit": 3}).json()
    assert cut["count"] == 3 and cut["truncated"]


# -- snapshots ---------------------------------------------------------------------------------------
def test_reload_picks_up_a_changed_catalog_file(catalog_file: Path) -> None:
    with TestClient(create_app(settings(catalog=catalog_file, admin_token=TOKEN))) as c:
        before = c.get("/health").json()
        assert before["backend"] == "file"
        same = c.post("/admin/reload", headers=AUTH)
        assert same.status_code == 200 and same.json()["changed"] is False
        text = catalog_file.read_text(encoding="utf-8")
        catalog_file.write_text(text.replace("name: Python programming", "name: Python (programming)", 1),
                                encoding="utf-8")
        r = c.post("/admin/reload", headers=AUTH)
        assert r.status_code == 200, r.text
        assert r.json()["changed"] is True and r.json()["previous_version"] == before["catalog"]["version"]
        assert c.get("/skills/python").json()["name"] == "Python (programming)"
        assert c.get("/health").json()["catalog"]["version"] == r.json()["version"]


def test_interval_refresh(catalog_file: Path) -> None:
    with TestClient(create_app(settings(catalog=catalog_file, refresh_interval_s=0.05))) as c:
        version = c.get("/health").json()["catalog"]["version"]
        text = catalog_file.read_text(encoding="utf-8")
        catalog_file.write_text(text.replace("name: Python programming", "name: Python, refreshed", 1),
                                encoding="utf-8")
        deadline = time.monotonic() + 10
        while c.get("/health").json()["catalog"]["version"] == version and time.monotonic() < deadline:
            time.sleep(0.05)
        assert c.get("/skills/python").json()["name"] == "Python, refreshed"


def test_openapi_and_docs(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    for path in ("/skills", "/courses/{id}", "/plan", "/gap", "/roles/closest", "/graph", "/cypher",
                 "/admin/reload", "/health"):
        assert path in doc["paths"]
    assert client.get("/docs").status_code == 200


# -- serve -------------------------------------------------------------------------------------------
@pytest.mark.usefixtures("clean_env")
def test_serve_runs_uvicorn_with_the_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from api.cli import serve

    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    assert cli.main(["serve", "--host", "127.0.0.1", "--port", "8123", "--workers", "2"]) == 0
    app, kw = calls[0]
    assert app == "api.http.app:create_app" and kw["factory"] is True
    assert (kw["host"], kw["port"], kw["workers"]) == ("127.0.0.1", 8123, 2)
    assert serve.register is not None


@pytest.mark.usefixtures("clean_env")
def test_serve_refuses_unsafe_settings(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SKILLGRAPH_CYPHER_WRITE", "true")
    monkeypatch.delenv("SKILLGRAPH_ADMIN_TOKEN", raising=False)
    assert cli.main(["serve"]) == 2
    assert "refusing to start with write access and no token" in capsys.readouterr().err


@pytest.mark.usefixtures("clean_env")
def test_serve_refuses_a_broken_catalog_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("skills:\n  - id: Bad Id\n", encoding="utf-8")

    def never(*args: Any, **kw: Any) -> None:
        raise AssertionError("uvicorn started with a broken catalog")

    monkeypatch.setattr("uvicorn.run", never)
    monkeypatch.setenv("SKILLGRAPH_CATALOG", str(bad))
    assert cli.main(["serve"]) == 1
    assert "bad.yaml:Bad Id:id" in capsys.readouterr().err


def test_docs_is_an_offline_reference_of_every_endpoint(seed_client: Any) -> None:
    """FastAPI's Swagger UI loads from a CDN; /docs is drawn on the server from the schema instead."""
    import re

    r = seed_client.get("/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert page.startswith("<!DOCTYPE html>")
    assert re.findall(r'(?:src|href)="([^"#]*)"', page) == ["openapi.json"]  # nothing fetched from elsewhere
    assert "<script" not in page
    spec = seed_client.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        for method in item:
            assert f'id="{method}-{path}"' in page, (method, path)


def test_redoc_leads_to_the_offline_reference(seed_client: Any) -> None:
    r = seed_client.get("/redoc", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/docs"
    assert seed_client.get("/redoc").text == seed_client.get("/docs").text
