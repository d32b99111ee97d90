"""Named read queries and the guarded curator runner, against the real local Bolt server."""

from __future__ import annotations

import threading
import time
from typing import Any

import networkx as nx
import pytest

from graph.catalog import Catalog
from graph.errors import CypherRejected
from graph.models import AnyOf, Cert, CertRef, Skill, SkillLevel
from graph.neo4j.store import Neo4jStore
from loaders import load_catalog
from queries.cypher import (
    NAMED_QUERIES,
    cert_overview,
    courses_teaching,
    prerequisite_chain,
    prerequisite_path,
    roles_needing,
    run_cypher,
    run_named,
    to_plain,
    untaught_skills,
)
from tests.bolt import graph_counts, rich_catalog

RICH = rich_catalog()


@pytest.fixture
def loaded(neo4j_store: Neo4jStore) -> Neo4jStore:
    neo4j_store.load(RICH)
    return neo4j_store


def _requires_graph(catalog: Catalog) -> nx.DiGraph:
    g = nx.DiGraph()
    items: list[Skill | Cert] = [*catalog.skills, *catalog.certs]
    for item in items:
        for r in item.requires:
            for m in r.any_of if isinstance(r, AnyOf) else [r]:
                g.add_edge(item.id, m.skill if isinstance(m, SkillLevel) else m.cert if isinstance(m, CertRef) else "")
    return g


# -- named queries ---------------------------------------------------------------------------------
@pytest.mark.parametrize("skill", ["vertex-ai", "gradient-descent", "mlops", "python"])
def test_prerequisite_chain_is_the_shortest_requires_path_to_each_prerequisite(loaded: Neo4jStore,
                                                                               skill: str) -> None:
    g = _requires_graph(RICH)
    skills = set(RICH.ids("skill"))
    depths = nx.single_source_shortest_path_length(g, skill) if skill in g else {}
    want = sorted(((d, s) for s, d in depths.items() if s != skill and s in skills))
    rows = prerequisite_chain(loaded.driver, skill, database=loaded.database)
    assert [(r["depth"], r["id"]) for r in rows] == want
    for r in rows:
        path = r["path"]
        assert path[0] == skill and path[-1] == r["id"] and len(path) == r["depth"] + 1
        assert all(g.has_edge(a, b) for a, b in zip(path, path[1:], strict=False))
    assert prerequisite_path(loaded.driver, "vertex-ai", "python", database=loaded.database) in (
        ["vertex-ai", "mlops", "python"], ["vertex-ai", "gcp-ace", "python"])
    assert prerequisite_path(loaded.driver, "python", "vertex-ai", database=loaded.database) is None


def test_shortest_paths_from_a_skill_to_itself_and_around_a_cycle(loaded: Neo4jStore) -> None:
    """Neo4j's shortestPath refuses start = end; the named queries never ask it to (ArcadeDB accepted it)."""
    db = loaded.database
    assert prerequisite_path(loaded.driver, "python", "python", database=db) == ["python"]
    assert run_named(loaded.driver, "prerequisite-path", {"skill": "algebra", "prerequisite": "algebra"},
                     database=db) == [{"path": ["algebra"], "depth": 0}]
    # a curator's edit closes a REQUIRES cycle: python -> gradient-descent -> python
    run_cypher(loaded.driver, "MATCH (a:Skill {id: $a}), (b:Skill {id: $b}) MERGE (a)-[:REQUIRES {level: 1}]->(b)",
               {"a": "python", "b": "gradient-descent"}, write=True, database=db)
    rows = prerequisite_chain(loaded.driver, "python", database=db)
    assert "python" not in [r["id"] for r in rows]
    assert rows[0]["id"] == "gradient-descent" and rows[0]["path"] == ["python", "gradient-descent"]
    assert prerequisite_path(loaded.driver, "gradient-descent", "python", database=db) == ["gradient-descent",
                                                                                           "python"]


def test_courses_teaching_a_skill(loaded: Neo4jStore) -> None:
    for skill in RICH.ids("skill"):
        want = sorted(((-lvl, RICH.course(c).hours, c) for c, lvl in RICH.teachers.get(skill, [])))
        rows = courses_teaching(loaded.driver, skill, database=loaded.database)
        assert [(-r["level"], r["hours"], r["id"]) for r in rows] == want, skill
    top = courses_teaching(loaded.driver, "statistics", database=loaded.database)[0]
    assert top == {"id": "math-101", "title": "Maths for ML", "level": 2, "hours": 33.5, "cost_usd": 49.0,
                   "provider": "Uni"}


def test_what_a_cert_validates_and_which_courses_prepare_for_it(loaded: Neo4jStore) -> None:
    for cert in RICH.certs:
        got = cert_overview(loaded.driver, cert.id, database=loaded.database)
        assert got["validates"] == sorted(cert.validates)
        assert got["prepared_by"] == sorted(c.id for c in RICH.courses if cert.id in c.prepares_for)
    assert cert_overview(loaded.driver, "pmle", database=loaded.database)["prepared_by"] == ["ml-201", "ops-301"]


def test_roles_that_need_a_skill(loaded: Neo4jStore) -> None:
    rows = roles_needing(loaded.driver, "python", database=loaded.database)
    assert [(r["id"], r["level"], r["importance"]) for r in rows] == [("analyst", 1, "essential"),
                                                                       ("ml-engineer", 1, "essential")]
    rows = roles_needing(loaded.driver, "on-the-job", database=loaded.database)
    assert [(r["id"], r["importance"]) for r in rows] == [("ml-engineer", "optional")]


def test_skills_no_course_teaches(loaded: Neo4jStore) -> None:
    rows = untaught_skills(loaded.driver, database=loaded.database)
    want = sorted(s.id for s in RICH.skills if s.id not in RICH.teachers)
    assert [r["id"] for r in rows] == want == ["on-the-job"]
    assert rows[0]["teachable"] is False and rows[0]["needed_by"] == ["ml-engineer"]


def test_named_queries_on_the_seed_catalog(neo4j_store: Neo4jStore) -> None:
    seed = load_catalog()
    neo4j_store.load(seed)
    rows = untaught_skills(neo4j_store.driver, database=neo4j_store.database)
    assert [r["id"] for r in rows] == sorted(s.id for s in seed.skills if s.id not in seed.teachers)
    skill = max(seed.teachers, key=lambda s: len(seed.teachers[s]))
    got = {r["id"] for r in courses_teaching(neo4j_store.driver, skill, database=neo4j_store.database)}
    assert got == {c for c, _ in seed.teachers[skill]}


def test_named_query_errors_are_clear(loaded: Neo4jStore) -> None:
    with pytest.raises(CypherRejected, match="no named query 'nope'; known: prerequisite-chain"):
        run_named(loaded.driver, "nope")
    with pytest.raises(CypherRejected, match="needs parameter"):
        run_named(loaded.driver, "courses-teaching", {}, database=loaded.database)
    assert set(NAMED_QUERIES) >= {"prerequisite-chain", "courses-teaching", "cert-overview", "roles-needing",
                                  "untaught-skills"}


# -- run_cypher -----------------------------------------------------------------------------------------------
def test_a_read_query_returns_rows_and_changes_nothing(loaded: Neo4jStore) -> None:
    result = run_cypher(loaded.driver, "MATCH (s:Skill) WHERE s.id STARTS WITH $p RETURN s.id AS id, s.aliases AS a "
                        "ORDER BY id", {"p": "py"}, database=loaded.database)
    assert result.keys == ["id", "a"] and result.rows == [{"id": "python", "a": ["py", "python3"]}]
    assert not result.committed and result.counters == {}


def test_a_write_in_read_only_mode_is_refused_before_it_runs(loaded: Neo4jStore) -> None:
    db = loaded.database
    before = graph_counts(loaded.driver, db)
    with pytest.raises(CypherRejected, match=r"read-only: the query has CREATE \(an update\); nothing was run"):
        run_cypher(loaded.driver, "CREATE (n:Skill {id: 'sneaky', name: 'x'}) RETURN n", database=db)
    with pytest.raises(CypherRejected, match="read-only"):
        run_cypher(loaded.driver, "MATCH (s:Skill {id: 'python'}) SET s.name = 'changed'", database=db)
    with pytest.raises(CypherRejected, match="read-only"):
        run_cypher(loaded.driver, "MATCH (n) DETACH DELETE n", database=db)
    assert graph_counts(loaded.driver, db) == before
    assert loaded.snapshot().skill("python").name == RICH.skill("python").name


def test_schema_commands_are_refused_in_read_only_mode_before_they_run(loaded: Neo4jStore) -> None:
    def indexes() -> set[str]:
        return {r["name"] for r in loaded.driver.execute_query("SHOW INDEXES", database_=loaded.database).records}

    before = indexes()
    with pytest.raises(CypherRejected, match=r"CREATE INDEX \(a schema or administration command\); nothing was run"):
        run_cypher(loaded.driver, "CREATE INDEX sneaky IF NOT EXISTS FOR (n:Skill) ON (n.category)",
                   database=loaded.database)
    with pytest.raises(CypherRejected, match="schema"):
        run_cypher(loaded.driver, "DROP CONSTRAINT skillgraph_skill_id", database=loaded.database)
    assert indexes() == before


def test_write_mode_commits(loaded: Neo4jStore) -> None:
    result = run_cypher(loaded.driver, "MATCH (s:Skill {id: $id}) SET s.category = $c RETURN s.category AS c",
                        {"id": "python", "c": "languages"}, write=True, database=loaded.database)
    assert result.committed and result.counters.get("properties_set") == 1 and result.rows == [{"c": "languages"}]
    assert loaded.snapshot().skill("python").category == "languages"


def test_a_syntax_error_gives_the_servers_message(loaded: Neo4jStore) -> None:
    with pytest.raises(CypherRejected) as info:
        run_cypher(loaded.driver, "MATC (n) RETURN n", database=loaded.database)
    message = str(info.value)
    assert "MATC" in message and "\n" not in message.strip()
    with pytest.raises(CypherRejected) as info:
        run_cypher(loaded.driver, "MATCH (c:Course) RETURN c.id LIMT 3", database=loaded.database)
    assert "LIMT" in str(info.value) and "\n" not in str(info.value)
    assert info.value.detail and "^" in info.value.detail  # the server's full message


def test_a_parameter_cannot_inject_cypher(loaded: Neo4jStore) -> None:
    db = loaded.database
    before = graph_counts(loaded.driver, db)
    evil = "x'}) WITH 1 AS x MATCH (n) DETACH DELETE n //"
    run_cypher(loaded.driver, "MATCH (s:Skill {id: 'python'}) SET s.description = $text", {"text": evil},
               write=True, database=db)
    assert graph_counts(loaded.driver, db) == before
    assert loaded.snapshot().skill("python").description == evil
    rows = run_cypher(loaded.driver, "MATCH (s:Skill) WHERE s.id = $id RETURN s.id AS id",
                      {"id": "python' OR 1=1 //"}, database=db).rows
    assert rows == []


def test_a_slow_query_times_out_and_an_abandoned_write_is_not_committed(loaded: Neo4jStore) -> None:
    db = loaded.database
    slow = "UNWIND range(1, 1000000) AS x UNWIND range(1, 4) AS y WITH count(*) AS c "
    with pytest.raises(CypherRejected, match="did not finish within 0.2 s"):
        run_cypher(loaded.driver, slow + "RETURN c", timeout=0.2, database=db)
    with pytest.raises(CypherRejected, match="nothing was committed"):
        run_cypher(loaded.driver, slow + "CREATE (:Slow {c: c})", write=True, timeout=0.2, database=db)
    deadline = time.monotonic() + 60
    while any(t.name == "skillgraph-cypher" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.2)  # the abandoned worker finishes, and must roll back instead of committing
    assert not any(t.name == "skillgraph-cypher" for t in threading.enumerate())
    assert loaded.driver.execute_query("MATCH (n:Slow) RETURN count(n) AS n", database_=db).records[0]["n"] == 0


def test_rows_are_capped(loaded: Neo4jStore) -> None:
    result = run_cypher(loaded.driver, "MATCH (s:Skill) RETURN s.id AS id ORDER BY id", max_rows=2,
                        database=loaded.database)
    assert len(result.rows) == 2 and result.truncated


def test_nodes_relationships_and_paths_become_plain_data(loaded: Neo4jStore) -> None:
    rows = run_cypher(loaded.driver, "MATCH p = (c:Course {id: 'py-101'})-[t:TEACHES]->(s:Skill) "
                      "RETURN c, t, p", database=loaded.database).rows
    c, t, p = rows[0]["c"], rows[0]["t"], rows[0]["p"]
    assert c["labels"] == ["Course"] and c["properties"]["id"] == "py-101"
    assert t["type"] == "TEACHES" and t["properties"]["level"] == 3
    assert [n["properties"]["id"] for n in p["nodes"]] == ["py-101", "python"]
    assert to_plain({"a": (1, None)}) == {"a": [1, None]}


def test_run_cypher_without_a_timeout(loaded: Any) -> None:
    assert run_cypher(loaded.driver, "RETURN 1 AS one", timeout=None, database=loaded.database).rows == [{"one": 1}]


def test_a_named_query_is_bounded_by_its_timeout_on_every_server(loaded: Neo4jStore, bolt_server: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """ArcadeDB ignores the timeout sent with the query, so the client gives up on a slow named query too.
    Neo4j ends it itself; warm, it counts 4 million rows within 0.2 s now and then, so it gets 100 million."""
    from queries import cypher

    inner = 100 if bolt_server.engine == "neo4j" else 4
    text = f"UNWIND range(1, 1000000) AS x UNWIND range(1, {inner}) AS y RETURN count(*) AS c"
    slow = cypher.NamedQuery("slow", text, (), "slow")
    monkeypatch.setitem(cypher.NAMED_QUERIES, "slow", slow)
    with pytest.raises(CypherRejected, match="did not finish within 0.2 s"):
        run_named(loaded.driver, "slow", timeout=0.2, database=loaded.database)
    deadline = time.monotonic() + 60
    while any(t.name == "skillgraph-named-query" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.2)  # the abandoned read finishes (or the server ends it) before the next test
    assert run_named(loaded.driver, "untaught-skills", database=loaded.database) is not None
