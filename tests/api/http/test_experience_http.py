"""experience_years and constraints.respect_experience over HTTP (the planner: tests/queries/test_experience.py)."""

from __future__ import annotations

from typing import Any

HAVE = ["python", "sql"]


def test_http_takes_experience_years(seed_client: Any) -> None:
    body = {"have": HAVE, "target": {"cert": "google-pmle"}, "experience_years": 1}
    r = seed_client.post("/plan", json=body)
    assert r.status_code == 200
    step = next(s for s in r.json()["steps"] if s["id"] == "google-pmle")
    assert step["recommended_experience_years"] == 3 and step["notes"][0].startswith("over your experience")
    r = seed_client.post("/plan", json={**body, "constraints": {"respect_experience": True}})
    assert r.status_code == 200 and not r.json()["feasible"]
    assert any("over your experience" in u["reason"] for u in r.json()["unreachable"])
    r = seed_client.post("/plan", json={"have": HAVE, "target": {"cert": "google-pmle"},
                                        "constraints": {"respect_experience": True}})
    assert r.status_code == 422
    assert any("respect_experience needs experience_years" in e["msg"] for e in r.json()["errors"])
    r = seed_client.post("/plan", json={**body, "experience_years": -2})
    assert r.status_code == 422 and r.json()["errors"][0]["path"] == "body.experience_years"
