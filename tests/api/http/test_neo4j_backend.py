"""The API on the Neo4j backend, against the real local Bolt server.

Uses the session-scoped ``bolt_server`` fixture of :mod:`tests.bolt`
(``pytest_plugins = ["tests.bolt"]`` in ``tests/conftest.py``), which skips
when the server extra is missing, except under ``CI=true``, where it fails.
The seed catalog is loaded into the server for this module and put back
afterwards, so curator writes here do not leak into other modules.
"""

from __future__ import annotations

import dataclasses
import json
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.settings import Settings
from api.http.sources import Neo4jSource
from graph.catalog import Catalog
from graph.neo4j.local_server import BoltEndpoint, free_port
from graph.neo4j.store import Neo4jStore
from queries.planner import plan

TOKEN = "curator-token-for-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def neo4j_env(bolt_server: BoltEndpoint, seed: Catalog) -> Iterator[dict[str, str]]:
    env = bolt_server.env()
    with Neo4jStore.from_env(env) as store:
        store.load(seed, replace=True)
    yield env
    with Neo4jStore.from_env(env) as store:
        store.load(seed, replace=True)


def _settings(env: dict[str, str], **kw: Any) -> Settings:
    """Settings for the test server, everything that matters given (the caller's environment cannot leak in)."""
    given = {"environment": "test", "refresh_interval_s": 0, "catalog": None, "admin_token": None,
             "cypher_write": False, "plan_cache_size": 2048, "neo4j_uri": env["NEO4J_URI"],
             "neo4j_user": env["NEO4J_USER"], "neo4j_password": env["NEO4J_PASSWORD"],
             "neo4j_database": env["NEO4J_DATABASE"]}
    return Settings(**{**given, **kw})


@pytest.fixture(scope="module")
def client(neo4j_env: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(neo4j_env, admin_token=TOKEN, cypher_write=True))) as c:
        yield c


def test_health_on_neo4j(client: TestClient, seed: Catalog) -> None:
    h = client.get("/health").json()
    assert h["status"] == "ok" and h["backend"] == "neo4j" and h["reachable"] is True
    assert h["catalog"]["counts"] == seed.counts()
    assert h["catalog"]["version"] == seed.version  # the store's round trip is lossless


def test_plan_from_the_neo4j_snapshot_equals_the_embedded_plan(client: TestClient, seed: Catalog) -> None:
    s = seed.situations[0]
    r = client.post("/plan", json={"have": s.have, "target": {"role": s.role}, "objective": s.objective})
    assert r.status_code == 200
    expected = plan(seed, have=s.have, role=s.role, objective=s.objective, hours_per_week=10).model_dump(mode="json")
    got = r.json()
    got.pop("solve_ms"), expected.pop("solve_ms")
    assert got == expected
    assert client.get("/skills/python").json()["neighbours"] == json.loads(json.dumps(seed.neighbours("python")))


def test_cypher_read_with_parameters_and_row_limit(client: TestClient) -> None:
    r = client.post("/cypher", headers=AUTH, json={
        "query": "MATCH (s:Skill {id: $id}) RETURN s.id AS id, s.name AS name", "parameters": {"id": "python"}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["columns"] == ["id", "name"] and body["data"] == [{"id": "python", "name": "Python programming"}]
    assert body["write"] is False and body["committed"] is False
    # a value that looks like Cypher stays a value
    r = client.post("/cypher", headers=AUTH, json={
        "query": "MATCH (s:Skill) WHERE s.id = $id RETURN s.id AS id", "parameters": {"id": "x' OR 1=1 //"}})
    assert r.status_code == 200 and r.json()["data"] == []
    r = client.post("/cypher", headers=AUTH, json={"query": "MATCH (s:Skill) RETURN s.id AS id ORDER BY id",
                                                   "limit": 5})
    assert r.json()["count"] == 5 and r.json()["truncated"] is True


def test_cli_cypher_json_is_the_http_answer(client: TestClient, neo4j_env: dict[str, str],
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # One curator result shape: {columns, data, count, truncated, write, committed, counters} (api.records).
    from api.cli import main

    for key, value in neo4j_env.items():
        monkeypatch.setenv(key, value)
    query = "MATCH (s:Skill) WHERE s.id STARTS WITH $p RETURN s.id AS id, s.name AS name ORDER BY id"
    assert main(["cypher", query, "--param", "p=py", "--max-rows", "1", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    r = client.post("/cypher", headers=AUTH, json={"query": query, "parameters": {"p": "py"}, "limit": 1})
    assert r.status_code == 200, r.text
    assert shown == r.json()
    assert list(shown) == ["columns", "data", "count", "truncated", "write", "committed", "counters"]
    assert shown["columns"] == ["id", "name"] and shown["count"] == 1 and shown["truncated"] is True


def test_cypher_is_read_only_unless_write(client: TestClient) -> None:
    query = "MATCH (s:Skill {id: $id}) SET s.name = $name RETURN s.name AS name"
    r = client.post("/cypher", headers=AUTH, json={"query": query, "parameters": {"id": "python", "name": "X"}})
    assert r.status_code == 400 and "read-only" in r.json()["detail"]
    check = client.post("/cypher", headers=AUTH, json={"query": "MATCH (s:Skill {id: 'python'}) RETURN s.name AS n"})
    assert check.json()["data"] == [{"n": "Python programming"}]
    r = client.post("/cypher", headers=AUTH, json={"query": "CREATE INDEX nope IF NOT EXISTS FOR (n:Skill) ON (n.x)"})
    assert r.status_code == 400


def test_cypher_write_commits_and_refreshes_the_snapshot(client: TestClient) -> None:
    query = "MATCH (s:Skill {id: $id}) SET s.name = $name RETURN s.name AS name"
    r = client.post("/cypher", headers=AUTH, json={"query": query, "write": True,
                                                   "parameters": {"id": "python", "name": "Python (edited)"}})
    assert r.status_code == 200, r.text
    assert r.json()["committed"] is True and r.json()["counters"]
    try:
        deadline = time.monotonic() + 30
        while client.get("/skills/python").json()["name"] != "Python (edited)" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert client.get("/skills/python").json()["name"] == "Python (edited)"
    finally:
        client.post("/cypher", headers=AUTH, json={"query": query, "write": True,
                                                   "parameters": {"id": "python", "name": "Python programming"}})
        assert client.post("/admin/reload", headers=AUTH).status_code == 200


def test_cypher_errors(client: TestClient, neo4j_env: dict[str, str]) -> None:
    r = client.post("/cypher", headers=AUTH, json={"query": "MATCH (n RETURN n"})
    assert r.status_code == 400 and r.json()["detail"] and "Traceback" not in r.text
    assert client.post("/cypher", json={"query": "RETURN 1"}).status_code == 401
    with TestClient(create_app(_settings(neo4j_env, admin_token=TOKEN))) as ro:
        r = ro.post("/cypher", headers=AUTH, json={"query": "RETURN 1 AS one", "write": True})
        assert r.status_code == 403
        assert ro.post("/cypher", headers=AUTH, json={"query": "RETURN 1 AS one"}).json()["data"] == [{"one": 1}]


def test_neo4j_going_down_keeps_serving_the_last_snapshot(neo4j_env: dict[str, str]) -> None:
    with TestClient(create_app(_settings(neo4j_env, admin_token=TOKEN))) as c:
        assert c.get("/health").json()["status"] == "ok"
        source = c.app.state.snapshots.source  # type: ignore[attr-defined]
        assert isinstance(source, Neo4jSource)
        source.close()
        source.config = dataclasses.replace(source.config, uri=f"bolt://127.0.0.1:{free_port()}")
        r = c.post("/admin/reload", headers=AUTH)
        assert r.status_code == 503 and "cannot reach" in r.json()["detail"]
        time.sleep(2.1)  # past the reachability probe's cache
        h = c.get("/health").json()
        assert h["status"] == "degraded" and h["reachable"] is False and h["snapshot"]["last_error"]
        r = c.post("/plan", json={"have": ["python"], "target": {"role": "ml-engineer-gcp"}})
        assert r.status_code == 200 and r.json()["feasible"]
        assert c.post("/cypher", headers=AUTH, json={"query": "RETURN 1"}).status_code == 503


def test_reload_right_after_the_database_stops_says_it_cannot_be_reached(tmp_path: Any, seed: Catalog) -> None:
    """A server of its own (the session's must keep running): loaded, then stopped, then /admin/reload."""
    from graph.neo4j.local_server import spawn

    server = spawn(tmp_path / "db", password="reload-test-password-1", heap="1g")
    try:
        env = server.endpoint.env()
        with Neo4jStore.from_env(env) as store:
            store.load(seed)
        with TestClient(create_app(_settings(env, admin_token=TOKEN))) as c:
            assert c.get("/health").json()["reachable"] is True
            server.process.send_signal(signal.SIGTERM)  # as Ctrl-C on `db serve`: it shuts down, slowly
            details = []
            for _ in range(3):
                time.sleep(1.0)
                r = c.post("/admin/reload", headers=AUTH)
                assert r.status_code == 503, r.text
                details.append(r.json()["detail"])
            assert all(d.startswith("cannot reach the graph database") for d in details), details
            assert not any("authentication" in d or "NEO4J_PASSWORD" in d or "state" in d for d in details), details
            assert c.post("/plan", json={"target": {"role": "ml-engineer-gcp"}}).status_code == 200  # last snapshot
    finally:
        server.stop(timeout=15)
