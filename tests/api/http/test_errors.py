"""Every documented error of the HTTP API: bad ids, bad bodies, oversized input,
missing tokens, broken backends and internal faults."""

from __future__ import annotations

import logging
import shutil
import socket
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient
from pydantic import ValidationError

import api.http.routes.plan as plan_route
from api.http.app import create_app
from api.http.settings import Settings
from graph.catalog import Catalog
from graph.errors import AccessDenied, CatalogError, CypherRejected, PlanningBug, StoreUnavailable
from loaders import SEED_PATH, load_catalog
from queries.cypher import CypherResult as QueryAnswer

TOKEN = "curator-token-for-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROLE = {"role": "ml-engineer-gcp"}


def settings(**kw: Any) -> Settings:
    """Settings for a test: everything that matters given, so the caller's environment cannot leak in."""
    defaults = {"environment": "test", "refresh_interval_s": 0, "catalog": None, "neo4j_uri": None,
                "admin_token": None, "cypher_write": False, "plan_cache_size": 2048, "max_body_bytes": 64 * 1024,
                "plan_time_limit_s": 10.0}
    return Settings(**{**defaults, **kw})


class FlakySource:
    """A Neo4j-like source that can go down, and runs curator queries from a script."""

    name = "neo4j"

    def __init__(self, catalog: Catalog | None):
        self.catalog = catalog
        self.up = catalog is not None
        self.queries: list[tuple[str, dict[str, Any], bool, float, int]] = []
        self.answer: QueryAnswer | Exception = QueryAnswer(["n"], [{"n": 1}])

    def load(self) -> Catalog:
        if not self.up or self.catalog is None:
            raise StoreUnavailable("cannot reach Neo4j at bolt://127.0.0.1:1: connection refused")
        return self.catalog

    def reachable(self) -> bool:
        return self.up

    def close(self) -> None:
        pass

    def cypher(self, query: str, parameters: Mapping[str, Any], *, write: bool, timeout: float,
               limit: int) -> QueryAnswer:
        self.queries.append((query, dict(parameters), write, timeout, limit))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(settings(admin_token=TOKEN))) as c:
        yield c


def _error(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["request_id"] == r.headers["x-request-id"]
    assert "Traceback" not in r.text
    return body


# -- unknown ids --------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "near"), [
    ("/skills/pyhton", "python"),
    ("/courses/py4e-x", "py4e"),
    ("/programs/ml-specialisation", "ml-specialization"),
    ("/certs/google-pmle2", "google-pmle"),
    ("/roles/ml-engineer-gpc", "ml-engineer-gcp"),
])
def test_unknown_id_in_path_is_404_with_suggestions(client: TestClient, path: str, near: str) -> None:
    body = _error(client.get(path), 404)
    wrong = path.rsplit("/", 1)[1]
    assert body["id"] == wrong and wrong in body["detail"] and near in body["suggestions"]
    assert "did you mean" in body["detail"]


def test_id_of_another_kind_is_404(client: TestClient) -> None:
    body = _error(client.get("/certs/python"), 404)
    assert body["kind"] == "cert"


def test_unknown_ids_in_bodies_and_queries_are_422(client: TestClient) -> None:
    body = _error(client.post("/plan", json={"have": ["pyhton"], "target": ROLE}), 422)
    assert body["id"] == "pyhton" and "python" in body["suggestions"]
    body = _error(client.post("/plan", json={"target": {"role": "ml-enginer-gcp"}}), 422)
    assert body["id"] == "ml-enginer-gcp" and "ml-engineer-gcp" in body["suggestions"]
    body = _error(client.post("/plan", json={"target": ROLE, "constraints": {"exclude": ["py4"]}}), 422)
    assert body["id"] == "py4"
    body = _error(client.post("/gap", json={"role": "nope-role"}), 422)
    assert "nope-role" in body["detail"]
    body = _error(client.get("/roles/closest", params={"have": "python,sqll"}), 422)
    assert body["id"] == "sqll" and "sql" in body["suggestions"]
    body = _error(client.get("/graph", params={"center": "vertx-ai"}), 422)
    assert "vertex-ai" in body["suggestions"]


def test_planner_argument_errors_are_422(client: TestClient) -> None:
    body = _error(client.post("/plan", json={"have": ["python:7"], "target": ROLE}), 422)
    assert "python:7" in body["detail"]
    body = _error(client.post("/plan", json={"have": ["py4e:2"], "target": ROLE}), 422)
    assert "only a skill takes a level" in body["detail"]
    body = _error(client.post("/plan", json={"target": ROLE, "constraints": {"providers": ["Nowhere U"]}}), 422)
    assert body["id"] == "Nowhere U"


# -- invalid bodies -------------------------------------------------------------------------------
@pytest.mark.parametrize(("payload", "path"), [
    ({"have": ["python"]}, "body.target"),
    ({"target": {}}, "body.target"),
    ({"target": ROLE, "have": [{"id": "python", "level": 9}]}, "body.have[0].level"),
    ({"target": ROLE, "have": ["python", 5]}, "body.have[1]"),
    ({"target": ROLE, "have": ["python:9"]}, "body.have[0]"),
    ({"target": ROLE, "have": ["sql", "python:9"]}, "body.have[1]"),
    ({"target": ROLE, "objective": "fun"}, "body.objective"),
    ({"target": ROLE, "alternatives": 99}, "body.alternatives"),
    ({"target": ROLE, "alternatives": True}, "body.alternatives"),
    ({"target": ROLE, "hours_per_week": 0}, "body.hours_per_week"),
    ({"target": ROLE, "constraints": {"budget": -1}}, "body.constraints.budget"),
    ({"target": ROLE, "constraints": {"budgett": 5}}, "body.constraints.budgett"),
    ({"target": ROLE, "surprise": 1}, "body.surprise"),
    ({"target": {"role": "x" * 500}}, "body.target.role"),
])
def test_invalid_plan_bodies_are_422_with_field_paths(client: TestClient, payload: dict[str, Any],
                                                      path: str) -> None:
    body = _error(client.post("/plan", json=payload), 422)
    assert path in [e["path"] for e in body["errors"]], body
    assert body["detail"].startswith(body["errors"][0]["path"])


def test_malformed_json_is_422(client: TestClient) -> None:
    r = client.post("/plan", content=b'{"target": ', headers={"Content-Type": "application/json"})
    body = _error(r, 422)
    assert body["errors"][0]["type"] == "json_invalid"


def test_wrong_method_and_route(client: TestClient) -> None:
    assert _error(client.get("/plan"), 405)["detail"]
    assert _error(client.get("/no/such/route"), 404)["detail"] == "Not Found"


# -- oversized and absurd input ------------------------------------------------------------------------
def test_oversized_body_is_413(client: TestClient) -> None:
    huge = {"have": ["python"] * 100_000, "target": ROLE}
    body = _error(client.post("/plan", json=huge), 413)
    assert "65536" in body["detail"]


def test_oversized_chunked_body_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"have": ['
        for _ in range(20_000):
            yield b'"python",'
        yield b'"sql"], "target": {"role": "ml-engineer-gcp"}}'

    r = client.post("/plan", content=chunks(), headers={"Content-Type": "application/json"})
    _error(r, 413)


def test_huge_have_list_is_422_even_within_the_size_limit() -> None:
    with TestClient(create_app(settings(max_body_bytes=16 * 1024 * 1024))) as c:
        body = _error(c.post("/plan", json={"have": ["python"] * 100_000, "target": ROLE}), 422)
        assert body["errors"][0]["path"] == "body.have" and body["errors"][0]["type"] == "too_long"


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/graph", {"depth": 1000}, "query.depth"),
    ("/graph", {"limit": 10**9}, "query.limit"),
    ("/roles/closest", {"k": 10**9}, "query.k"),
    ("/roles/closest", {"k": 0}, "query.k"),
    ("/skills", {"limit": 100_000}, "query.limit"),
    ("/skills", {"offset": -1}, "query.offset"),
    ("/courses", {"level": 9}, "query.level"),
    ("/courses", {"format": "podcast"}, "query.format"),
    ("/skills", {"q": "x" * 1000}, "query.q"),
])
def test_absurd_parameters_are_422(client: TestClient, path: str, params: dict[str, Any], field: str) -> None:
    body = _error(client.get(path, params=params), 422)
    assert body["errors"][0]["path"] == field


def test_closest_with_too_many_ids_is_422(client: TestClient) -> None:
    body = _error(client.get("/roles/closest", params={"have": ",".join(["python"] * 600)}), 422)
    assert body["errors"][0]["path"] == "query.have"


# -- curators -----------------------------------------------------------------------------------------
def test_curator_endpoints_need_the_token(client: TestClient) -> None:
    for method, path, kw in (("post", "/admin/reload", {}), ("post", "/cypher", {"json": {"query": "RETURN 1"}})):
        r = getattr(client, method)(path, **kw)
        _error(r, 401)
        assert r.headers["www-authenticate"] == "Bearer"
        _error(getattr(client, method)(path, headers={"Authorization": "Bearer wrong-token"}, **kw), 401)
        _error(getattr(client, method)(path, headers={"Authorization": f"Basic {TOKEN}"}, **kw), 401)


def test_curator_endpoints_are_off_without_a_token() -> None:
    with TestClient(create_app(settings())) as c:
        assert "SKILLGRAPH_ADMIN_TOKEN" in _error(c.post("/admin/reload", headers=AUTH), 403)["detail"]
        _error(c.post("/cypher", json={"query": "RETURN 1"}, headers=AUTH), 403)


def test_cypher_needs_the_neo4j_backend(client: TestClient) -> None:
    body = _error(client.post("/cypher", json={"query": "RETURN 1"}, headers=AUTH), 503)
    assert "needs the Neo4j backend" in body["detail"] and "NEO4J_URI" in body["detail"]


def test_cypher_limits_writes_and_refusals() -> None:
    source = FlakySource(load_catalog())
    with TestClient(create_app(settings(admin_token=TOKEN, cypher_timeout_s=5, cypher_max_rows=10),
                               source=source)) as c:
        r = c.post("/cypher", json={"query": "MATCH (n) RETURN n", "parameters": {"x": 1}, "timeout_s": 60,
                                    "limit": 1000}, headers=AUTH)
        assert r.status_code == 200 and r.json() == {"columns": ["n"], "data": [{"n": 1}], "count": 1,
                                                     "truncated": False, "write": False, "committed": False,
                                                     "counters": {}}
        assert source.queries[-1] == ("MATCH (n) RETURN n", {"x": 1}, False, 5, 10)
        body = _error(c.post("/cypher", json={"query": "CREATE (n)", "write": True}, headers=AUTH), 403)
        assert "SKILLGRAPH_CYPHER_WRITE" in body["detail"]
        source.answer = CypherRejected("the query writes (1 node created) but write is false: rolled back")
        assert "rolled back" in _error(c.post("/cypher", json={"query": "CREATE (n)"}, headers=AUTH), 400)["detail"]
        source.answer = AccessDenied("the graph database refused the query: permission denied")
        assert "refused" in _error(c.post("/cypher", json={"query": "RETURN 1"}, headers=AUTH), 403)["detail"]
        _error(c.post("/cypher", json={"query": ""}, headers=AUTH), 422)
        _error(c.post("/cypher", json={"query": "RETURN 1", "limit": 0}, headers=AUTH), 422)


@pytest.mark.usefixtures("clean_env")
def test_settings_refuse_writes_without_a_token_and_weak_secrets() -> None:
    with pytest.raises(ValidationError, match="write access and no token"):
        Settings(cypher_write=True)
    with pytest.raises(ValidationError, match="placeholder or shorter"):
        Settings(environment="production", admin_token="changethis")
    with pytest.warns(UserWarning, match="placeholder or shorter"):
        Settings(environment="development", admin_token="short")
    assert Settings(environment="production", admin_token=TOKEN, cypher_write=True).cypher_write


@pytest.mark.usefixtures("clean_env")
def test_settings_choose_the_backend(tmp_path: Path) -> None:
    assert Settings().backend == "seed"
    assert Settings(catalog=tmp_path / "c.yaml").backend == "file"
    assert Settings(neo4j_uri="bolt://127.0.0.1:7687").backend == "neo4j"


# -- broken backends ----------------------------------------------------------------------------------
def test_neo4j_down_health_says_so_and_plan_serves_the_last_snapshot() -> None:
    source = FlakySource(load_catalog())
    with TestClient(create_app(settings(admin_token=TOKEN), source=source)) as c:
        assert c.get("/health").json()["status"] == "ok"
        source.up = False
        h = c.get("/health").json()
        # reachability is probed at most every 2 s; a failed reload updates it at once
        _error(c.post("/admin/reload", headers=AUTH), 503)
        h = c.get("/health").json()
        assert h["status"] == "degraded" and h["reachable"] is False
        assert "connection refused" in h["snapshot"]["last_error"] and h["catalog"]["version"]
        r = c.post("/plan", json={"have": ["python"], "target": ROLE})
        assert r.status_code == 200 and r.json()["feasible"]
        source.up = True
        assert c.post("/admin/reload", headers=AUTH).status_code == 200
        assert c.get("/health").json()["status"] == "ok"


def test_no_snapshot_yet_is_503_and_health_unavailable() -> None:
    source = FlakySource(None)
    with TestClient(create_app(settings(), source=source)) as c:
        h = c.get("/health").json()
        assert h["status"] == "unavailable" and h["catalog"] is None and h["reachable"] is False
        body = _error(c.post("/plan", json={"target": ROLE}), 503)
        assert "no catalog snapshot yet" in body["detail"]
        _error(c.get("/skills"), 503)


def test_starting_while_neo4j_is_down() -> None:
    pytest.importorskip("neo4j")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    dead = settings(neo4j_uri=f"bolt://127.0.0.1:{port}", neo4j_password="not-used-password")
    with TestClient(create_app(dead)) as c:
        h = c.get("/health").json()
        assert h["status"] == "unavailable" and h["backend"] == "neo4j" and h["reachable"] is False
        assert "cannot reach" in h["snapshot"]["last_error"]
        r = c.post("/plan", json={"target": {"role": "ml-engineer-gcp"}})
        assert r.status_code == 503 and "no catalog snapshot yet" in r.json()["detail"]
        r = c.post("/cypher", json={"query": "RETURN 1"})
        assert r.status_code == 403  # no token configured: curators are off before anything else


@pytest.mark.usefixtures("clean_env")
def test_neo4j_settings_map_to_the_stores_defaults() -> None:
    pytest.importorskip("neo4j")
    from api.http.sources import Neo4jSource
    from graph.neo4j.settings import Neo4jSettings

    source = Neo4jSource(Settings(neo4j_uri="bolt://127.0.0.1:1", neo4j_password="pw-for-the-test"))
    assert source.config == Neo4jSettings(uri="bolt://127.0.0.1:1", password="pw-for-the-test")
    source.close()


def test_broken_catalog_file_refuses_to_start(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("skills:\n  - id: Not A Slug\n", encoding="utf-8")
    with pytest.raises(CatalogError), TestClient(create_app(settings(catalog=bad))):
        pass


def test_failed_reload_keeps_the_last_good_file_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    shutil.copy(SEED_PATH, path)
    with TestClient(create_app(settings(catalog=path, admin_token=TOKEN))) as c:
        version = c.get("/health").json()["catalog"]["version"]
        path.write_text("skills: [{id: BAD}]\n", encoding="utf-8")
        body = _error(c.post("/admin/reload", headers=AUTH), 503)
        assert "BAD" in body["detail"] or "id" in body["detail"]
        h = c.get("/health").json()
        assert h["catalog"]["version"] == version and h["status"] == "degraded" and h["snapshot"]["last_error"]
        assert c.post("/plan", json={"target": ROLE}).status_code == 200


# -- internal faults ---------------------------------------------------------------------------------
def test_internal_error_is_a_logged_500_without_trace(client: TestClient, monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    def explode(*args: Any, **kw: Any) -> Any:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(plan_route, "plan", explode)
    with caplog.at_level(logging.ERROR, logger="skillgraph.api"):
        r = client.post("/plan", json={"have": ["git"], "target": ROLE}, headers={"X-Request-ID": "req-500"})
    body = _error(r, 500)
    assert body["request_id"] == "req-500" and "secret" not in r.text
    assert any("req-500" in rec.getMessage() and rec.exc_info for rec in caplog.records)


def test_solver_fault_is_500_not_422(client: TestClient, monkeypatch: pytest.MonkeyPatch,
                                     caplog: pytest.LogCaptureFixture) -> None:
    def fault(*args: Any, **kw: Any) -> Any:
        raise PlanningBug("internal check failed, the solver's route does not hold: x")

    monkeypatch.setattr(plan_route, "plan", fault)
    with caplog.at_level(logging.ERROR, logger="skillgraph.api"):
        body = _error(client.post("/plan", json={"have": ["linux-cli"], "target": ROLE}), 500)
    assert "solver" not in body["detail"]
    assert any(body["request_id"] in rec.getMessage() for rec in caplog.records)


@pytest.mark.parametrize(("url", "bad", "near"), [
    ("/courses?teaches=pyhton", "pyhton", "python"),
    ("/roles?needs=pyhton", "pyhton", "python"),
    ("/roles?values=google-pmel", "google-pmel", "google-pmle"),
    ("/courses?provider=Kagle", "Kagle", "Kaggle"),
    ("/certs?provider=Amazon%20Web%20Service", "Amazon Web Service", "Amazon Web Services"),
    ("/programs?provider=DeepLearning.A", "DeepLearning.A", "DeepLearning.AI"),
    ("/skills?category=mathz", "mathz", "math"),
])
def test_an_unknown_id_in_a_list_filter_is_422_with_suggestions(client: TestClient, url: str, bad: str,
                                                                 near: str) -> None:
    body = _error(client.get(url), 422)
    assert body["id"] == bad and near in body["suggestions"]


def test_a_known_provider_or_category_with_no_match_is_still_an_empty_list(client: TestClient) -> None:
    assert client.get("/certs", params={"provider": "KAGGLE"}).json() == {"data": [], "count": 0}  # courses only
    assert client.get("/courses", params={"provider": "kaggle"}).json()["count"] > 0


@pytest.mark.parametrize("url", ["/roles/closest?have=python:9", "/roles/closest?have=sql,python:9",
                                 "/viz/plan?role=ml-engineer-gcp&have=python:9"])
def test_a_bad_level_in_a_query_is_422_with_the_errors_list(client: TestClient, url: str) -> None:
    body = _error(client.get(url), 422)
    assert [e["path"] for e in body["errors"]] == ["query.have"], body
    assert body["detail"] == "query.have: 'python:9': the level must be 1, 2 or 3, not 9"
