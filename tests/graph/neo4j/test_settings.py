"""Settings: one place for the defaults and one password precedence, for clients and the local server."""

from __future__ import annotations

import pytest

from graph.neo4j import local_server
from graph.neo4j.settings import (
    DEFAULT_DATABASE,
    DEFAULT_HEAP,
    DEFAULT_PORT,
    DEFAULT_URI,
    DEFAULT_USER,
    PASSWORD_VARS,
    Neo4jSettings,
    password_from_env,
)


def test_the_defaults_are_the_documented_ones() -> None:
    # docs/curators.md: bolt://localhost:7687, user root, database skillgraph, heap 2g
    assert (DEFAULT_URI, DEFAULT_PORT, DEFAULT_USER, DEFAULT_DATABASE, DEFAULT_HEAP) == (
        "bolt://localhost:7687", 7687, "root", "skillgraph", "2g")
    assert Neo4jSettings() == Neo4jSettings.of(None, None, "", None, env={})


def test_neo4j_password_wins_then_skillgraph_db_password() -> None:
    assert PASSWORD_VARS == ("NEO4J_PASSWORD", "SKILLGRAPH_DB_PASSWORD")
    both = {"NEO4J_PASSWORD": "client-pw-1", "SKILLGRAPH_DB_PASSWORD": "server-pw-1"}
    assert Neo4jSettings.from_env(both).password == "client-pw-1"
    assert Neo4jSettings.from_env({"SKILLGRAPH_DB_PASSWORD": "server-pw-1"}).password == "server-pw-1"
    assert Neo4jSettings.from_env({}).password == ""
    assert password_from_env(both) == "client-pw-1"


def test_an_explicit_password_wins_over_the_environment() -> None:
    env = {"NEO4J_PASSWORD": "from-env-1"}
    assert Neo4jSettings.of(None, None, "given-pw-1", None, env=env).password == "given-pw-1"
    assert Neo4jSettings.of(None, None, None, None, env=env).password == "from-env-1"


def test_the_local_server_reads_the_same_password(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                  tmp_path: object) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", "neo4j")  # weak: refused before anything starts
    monkeypatch.setenv("SKILLGRAPH_DB_PASSWORD", "a-strong-server-password")
    assert local_server.main(["--data", str(tmp_path), "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert "weak database password" in err and "(or pass --dev for a throwaway local server)" in err
