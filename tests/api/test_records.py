"""One JSON shape per thing, whichever interface prints it (:mod:`api.records`).

A record: ``skillgraph show ID --format json`` is ``GET /{kind}s/{id}``. A
curator query's result: ``skillgraph cypher --format json`` and
``POST /cypher`` have the same keys (both against the live graph:
``tests/api/http/test_neo4j_backend.py``).
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.cli import main
from api.http.schemas import CypherResult
from api.records import query_result, record
from graph.catalog import Catalog
from graph.errors import UnknownId
from queries.cypher import CypherResult as QueryAnswer


def _one_of_each(seed: Catalog) -> list[tuple[str, str]]:
    cert = next(c for c in seed.certs if c.kind == "vendor-exam")  # has a ``kind`` field of its own
    return [("skill", "vertex-ai"), ("course", seed.courses[0].id), ("program", seed.programs[0].id),
            ("cert", cert.id), ("role", seed.roles[0].id)]


def test_cli_show_is_the_http_detail(seed: Catalog, seed_client: TestClient,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    for kind, id_ in _one_of_each(seed):
        assert main(["show", id_, "--format", "json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        r = seed_client.get(f"/{kind}s/{id_}")
        assert r.status_code == 200, r.text
        assert shown == r.json(), kind
        assert shown["type"] == kind and shown["id"] == id_ and shown["neighbours"]
        assert list(shown) == list(r.json())  # the same keys in the same order


def test_record_keeps_a_certs_own_kind(seed: Catalog) -> None:
    cert = seed.get("google-pmle", "cert")
    data = record(seed, cert.id)
    assert data["type"] == "cert" and data["kind"] == "vendor-exam"
    assert record(seed, cert.id, "cert") == data
    with pytest.raises(UnknownId, match="unknown skill 'google-pmle'"):
        record(seed, cert.id, "skill")


def test_the_curator_result_shape_is_the_http_schema() -> None:
    data = query_result(QueryAnswer(["id"], [{"id": "python"}], {"properties_set": 0}, truncated=True))
    assert list(data) == list(CypherResult.model_fields)
    assert data == {"columns": ["id"], "data": [{"id": "python"}], "count": 1, "truncated": True, "write": False,
                    "committed": False, "counters": {"properties_set": 0}}
    assert CypherResult(**data).model_dump() == data
