"""``/viz`` pages served by the API: HTML, offline, cached, with clear 4xx errors."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from loaders import load_catalog
from queries.planner import plan


def _offline(html: str) -> None:
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert not [r for r in refs if r.startswith(("http:", "https:", "//"))], refs


def test_catalog_page(seed_client: TestClient) -> None:
    r = seed_client.get("/viz")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "vis-network" in r.text or "vis.Network" in r.text
    _offline(r.text)
    only = seed_client.get("/viz", params={"kinds": "role,skill"})
    assert only.status_code == 200 and len(only.text) < len(r.text)


def test_route_page_numbers_the_steps_of_the_plan(seed_client: TestClient) -> None:
    r = seed_client.get("/viz/plan", params={"role": "ml-engineer-gcp", "have": "python,sql"})
    assert r.status_code == 200
    expected = plan(load_catalog(), have=["python", "sql"], role="ml-engineer-gcp")
    for step in expected.steps:
        assert step.id in r.text
    assert f"{expected.total_steps}" in r.text
    _offline(r.text)
    assert seed_client.get("/viz/plan", params={"role": "ml-engineer-gcp", "have": "python,sql"}).text == r.text


def test_node_page_and_its_errors(seed_client: TestClient) -> None:
    r = seed_client.get("/viz/node/gradient-descent", params={"depth": 2})
    assert r.status_code == 200 and "gradient-descent" in r.text
    missing = seed_client.get("/viz/node/gradient-decent")
    assert missing.status_code == 404
    assert "gradient-descent" in missing.json()["suggestions"]
    assert seed_client.get("/viz/node/gradient-descent", params={"depth": 1000}).status_code == 422


def test_route_page_errors_are_4xx(seed_client: TestClient) -> None:
    bad_role = seed_client.get("/viz/plan", params={"role": "ml-enginer-gcp", "have": "python"})
    assert bad_role.status_code == 422 and "ml-engineer-gcp" in bad_role.json()["suggestions"]
    assert seed_client.get("/viz/plan", params={"have": "python"}).status_code == 422  # no target
    assert seed_client.get("/viz/plan", params={"role": "ml-engineer-gcp", "have": "<script>"}).status_code == 422
    huge = ",".join(f"s{i}" for i in range(2000))
    assert seed_client.get("/viz/plan", params={"role": "ml-engineer-gcp", "have": huge}).status_code == 422
