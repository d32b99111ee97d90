"""Read-only curator Cypher: an attack table, refused on tokens before anything runs.

Every hostile query is refused by :func:`read_only_violation`, then run through
the CLI (``skillgraph cypher`` without ``--write``) and ``POST /cypher`` against
the local Bolt server; afterwards the graph is identical (counts, labels,
relationship types, a hash of every property) and no file content came back.
Benign queries whose strings, comments, backticks or property names look like
clauses are not refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest

from queries.cypher_guard import read_only_violation, tokens

HOSTILE: list[tuple[str, str]] = [  # (query, what the refusal names)
    ("MATCH (n:Skill {id:'python'}) CALL (n) { DETACH DELETE n } IN TRANSACTIONS", "DETACH DELETE"),
    ("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS", "DETACH DELETE"),
    ("MATCH (n) CALL (n) { RETURN n.id AS i } IN TRANSACTIONS RETURN i", "IN TRANSACTIONS"),
    ("MATCH (n) CALL (n) { RETURN n.id AS i } IN 2 CONCURRENT TRANSACTIONS RETURN i", "IN TRANSACTIONS"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row", "LOAD CSV"),
    ("load csv from '/etc/passwd' as row return row", "LOAD CSV"),
    ("LOAD CSV WITH HEADERS FROM 'https://example.org/x.csv' AS r RETURN r", "LOAD CSV"),
    ("USE system SHOW USERS", "USE"),
    ("SHOW TRANSACTIONS", "SHOW"),
    ("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery", "SHOW"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE"),
    ("SHOW SETTINGS", "SHOW"),
    ("SHOW USERS", "SHOW"),
    ("SHOW DATABASES", "SHOW"),
    ("CREATE (:Pwned)", "CREATE"),
    ("MATCH (s:Skill {id:'python'}) SET s:Extra", "SET"),
    ("MATCH (s:Skill {id:'python'}) SET s.name = 'changed'", "SET"),
    ("MATCH (s:Skill {id:'python'}) REMOVE s.name", "REMOVE"),
    ("MATCH (s:Skill {id:'python'}) DELETE s", "DELETE"),
    ("MATCH (n) detach delete n", "DETACH DELETE"),
    ("MATCH (n) DeTaCh DeLeTe n", "DETACH DELETE"),
    ("MATCH (n)\n/* harmless */ DETACH\n\tDELETE n", "DETACH DELETE"),
    ("MATCH (n) // just reading\nDETACH DELETE n", "DETACH DELETE"),
    ("MERGE (s:Skill {id:'python'}) ON MATCH SET s.name = 'x'", "MERGE"),
    ("MATCH (n:Skill) WITH collect(n) AS ns FOREACH (x IN ns | SET x.name = 'x')", "FOREACH"),
    ("MATCH (n) WITH n WHERE n.id = 'DELETE' DELETE n", "DELETE"),
    ("CREATE INDEX sneaky IF NOT EXISTS FOR (n:Skill) ON (n.category)", "CREATE INDEX"),
    ("DROP CONSTRAINT skillgraph_skill_id", "DROP"),
    ("CALL merge.node(['Skill'], {id: 'x'}, {}, {})", "CALL merge.node"),
    ("CALL apoc.create.node(['Pwned'], {}) YIELD node RETURN node", "CALL apoc.create.node"),
    ("CALL `apoc`.`load`.`json`('file:///etc/passwd')", "CALL apoc.load.json"),
    ("CALL dbms.setConfigValue('db.transaction.timeout', '0')", "CALL dbms.setconfigvalue"),
    ("RETURN apoc.text.join(['a'], ',') AS x", "apoc.text.join()"),
    ("MATCH (n) RETURN n UNION MATCH (m) DETACH DELETE m RETURN m AS n", "DETACH DELETE"),
    ("MATCH (n) RETURN n; CREATE (:Pwned)", "CREATE"),
    ("PROFILE MATCH (n:Skill {id:'python'}) DETACH DELETE n", "DETACH DELETE"),
    ("EXPLAIN CREATE (:Pwned)", "CREATE"),
    ("USING PERIODIC COMMIT LOAD CSV FROM 'file:///etc/passwd' AS r CREATE (:Row)", "PERIODIC"),
    ("MATCH (n) CALL { MATCH (m) WHERE m.id = n.id SET m.touched = true } RETURN n", "SET"),
    # unicode: no-break, ideographic and em spaces between words; a zero-width space splitting DETACH DELETE
    ("MATCH\u00a0(n:Skill {id:'python'})\u3000DETACH\u2003DELETE n", "DETACH DELETE"),
    ("MATCH (n:Skill {id:'python'}) DETACH\u200bDELETE n", "DETACH"),
    ("MATCH (s:Skill {id:'python'}) SET s.name = 'Pýthon ✓'", "SET"),
    # a // comment ends at \r for the server, so what follows is code (the guard also ends one at \u2028...)
    ("MATCH (n) RETURN count(n) AS c //\rCREATE (:Pwned)", "CREATE"),
    ("MATCH (n) RETURN count(n) AS c /* \u2028 */ CREATE (:Pwned)", "CREATE"),
    ("INSERT (:Pwned)", "INSERT"),  # GQL's CREATE (Neo4j 5.18+)
    ("MATCH (n) CALL (n) { RETURN n.id AS i } IN (1 + 1) CONCURRENT TRANSACTIONS RETURN i", "IN TRANSACTIONS"),
]

BENIGN = [
    "MATCH (n:Skill) WHERE n.note = 'DETACH DELETE n' RETURN n.id AS id",
    'MATCH (n:Skill) WHERE n.name CONTAINS "LOAD CSV" RETURN n.id AS id',
    "MATCH (n:Skill) // CREATE (:Pwned)\nRETURN count(n) AS n",
    "MATCH (n:Skill) /* SET n.x = 1 */ RETURN count(n) AS n",
    "MATCH (n:Skill) RETURN n.id AS `DELETE`, n.name AS `set` LIMIT 1",
    "MATCH (n:Skill) RETURN {create: n.id, delete: 1} AS m LIMIT 1",
    "MATCH (n:Skill) RETURN n {.id, .name} AS m LIMIT 1",
    "MATCH (c:Course)-[t:TEACHES]->(s:Skill) RETURN c.id, t.level, s.id LIMIT 3",
    "MATCH (n:Skill) WHERE n.id IN $ids RETURN n.id",
    "MATCH p = (a:Skill)-[:REQUIRES*1..3]->(b:Skill) RETURN length(p) AS d LIMIT 3",
    "CALL db.labels() YIELD label RETURN label",
    "RETURN date.truncate('month', date('2026-11-30')) AS d, duration.between(date('2026-01-01'), date()) AS e",
    "MATCH (n:Skill) WITH n ORDER BY n.id RETURN collect(n.id)[0..3] AS first",
    "MATCH (n:Skill) CALL (n) { RETURN n.id AS i } RETURN i LIMIT 2",
    "SHOW INDEXES",
    "MATCH (n:Skill) WHERE n.name = 'Pýthon — ✓ CREATE' RETURN n.id AS `ünïcode DELETE`",
    "MATCH (transactions:Skill) RETURN transactions.id AS concurrent LIMIT 1",
]


@pytest.mark.parametrize(("query", "named"), HOSTILE, ids=[q[:50] for q, _ in HOSTILE])
def test_every_hostile_query_is_refused_naming_the_clause(query: str, named: str) -> None:
    found = read_only_violation(query)
    assert found is not None and found.upper().startswith(named.upper()), (query, found)


@pytest.mark.parametrize("query", BENIGN)
def test_strings_comments_and_names_neither_hide_nor_trigger_a_refusal(query: str) -> None:
    assert read_only_violation(query) is None


def test_the_table_is_large_and_varied() -> None:
    assert len(HOSTILE) >= 30
    assert {named.split()[0] for _, named in HOSTILE} >= {
        "DETACH", "IN", "LOAD", "USE", "SHOW", "TERMINATE", "CREATE", "SET", "REMOVE", "DELETE", "MERGE", "FOREACH",
        "DROP", "CALL", "PERIODIC"}


def test_tokens_keep_strings_and_quoted_names_whole() -> None:
    kinds = [(t.kind, t.text) for t in tokens("MATCH (n) WHERE n.x = 'a // b' RETURN n AS `c /* d */`")]
    assert ("string", "'a // b'") in kinds and ("quoted", "`c /* d */`") in kinds


# -- against the server: CLI and HTTP ---------------------------------------------------------------
def _fingerprint(driver: Any, database: str) -> dict[str, Any]:
    """Counts, labels, types and a hash of every node's and relationship's properties."""
    def rows(q: str) -> list[Any]:
        return [r.data() for r in driver.execute_query(q, database_=database).records]

    nodes = rows("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    rels = rows("MATCH (a)-[r]->(b) RETURN type(r) AS t, properties(r) AS p, a.id AS a, b.id AS b")
    digest = hashlib.sha256(json.dumps(sorted(json.dumps(x, sort_keys=True, default=str) for x in nodes + rels))
                            .encode()).hexdigest()
    return {"nodes": len(nodes), "rels": len(rels), "labels": sorted({lbl for n in nodes for lbl in n["l"]}),
            "types": sorted({r["t"] for r in rels}), "hash": digest}


@pytest.fixture(scope="module")
def loaded(bolt_server: Any, bolt_driver: Any, seed: Any) -> Iterator[dict[str, str]]:
    from graph.neo4j.store import Neo4jStore
    from tests.bolt import wipe

    wipe(bolt_driver, bolt_server.database)
    with Neo4jStore.from_env(bolt_server.env()) as store:
        store.load(seed)
    yield bolt_server.env()
    wipe(bolt_driver, bolt_server.database)


def test_the_attack_table_changes_nothing_through_the_cli_and_http(loaded: dict[str, str], bolt_driver: Any,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from fastapi.testclient import TestClient

    from api import cli
    from api.http.app import create_app
    from api.http.settings import Settings

    database = loaded["NEO4J_DATABASE"]
    before = _fingerprint(bolt_driver, database)
    for key, value in loaded.items():
        monkeypatch.setenv(key, value)
    token = "attack-table-token-0123456789"
    settings = Settings(environment="test", refresh_interval_s=0, catalog=None, admin_token=token, cypher_write=True,
                        neo4j_uri=loaded["NEO4J_URI"], neo4j_user=loaded["NEO4J_USER"],
                        neo4j_password=loaded["NEO4J_PASSWORD"], neo4j_database=database)
    outputs = []
    with TestClient(create_app(settings)) as client:
        for query, named in HOSTILE:
            code = cli.main(["cypher", query])
            out, err = capsys.readouterr()
            assert code == 1, (query, out, err)
            assert "nothing was run" in err and named.split()[0].upper() in err.upper(), (query, err)
            r = client.post("/cypher", headers={"Authorization": f"Bearer {token}"}, json={"query": query})
            assert r.status_code == 400, (query, r.text)
            assert "nothing was run" in r.json()["detail"], (query, r.text)
            outputs += [out, err, r.text]
    assert _fingerprint(bolt_driver, database) == before
    assert not any("root:" in o for o in outputs), "file content came back"


def test_the_refusals_shown_in_the_docs_are_the_real_ones() -> None:
    """Every `$ skillgraph cypher "..."` in docs/curators.md followed by a read-only error shows our message."""
    import re
    import shlex
    from pathlib import Path

    from queries.cypher import read_only_refusal

    text = (Path(__file__).resolve().parents[2] / "docs" / "curators.md").read_text()
    shown = re.findall(r"^\$ skillgraph cypher (\"[^\n]*\")\nskillgraph: error: (read-only: [^\n]*)$", text, re.M)
    checked = 0
    for quoted, message in shown:
        query = shlex.split(quoted)[0]
        if "$(cat" in query:
            continue  # the query is a file of the guide's; its refusal is checked below
        assert read_only_refusal(query) == message, query
        checked += 1
    assert checked >= 3
    add_course = re.search(r"```cypher\n(.*?)```", text, re.S)
    assert add_course
    refusal = read_only_refusal(add_course.group(1))
    assert refusal and refusal in text


_UPDATES = ("CREATE", "INSERT", "SET", "REMOVE", "DELETE", "DETACH", "MERGE", "FOREACH", "DROP")


def test_without_the_guard_neo4j_itself_refuses_every_update_in_read_mode(loaded: dict[str, str], bolt_server: Any,
                                                                          bolt_driver: Any) -> None:
    """Defence in depth on Neo4j (ArcadeDB does not enforce READ access mode, so the guard is all there).

    Each hostile query goes straight to the server in a READ transaction, as run_cypher opens it, with no
    guard: every update is refused by the server, LOAD CSV of a file is refused (file URLs off), and the
    graph is identical afterwards. What the server answered is printed per query (``pytest -s``).
    """
    import neo4j

    database = loaded["NEO4J_DATABASE"]
    before = _fingerprint(bolt_driver, database)
    if bolt_server.engine == "arcadedb":
        # engine-aware: ArcadeDB runs an update in READ access mode (only our rollback undoes it), and the
        # table's schema commands would outlive a rollback there, so only the plain CREATE goes unguarded
        with bolt_driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            tx = session.begin_transaction(timeout=10)
            tx.run("CREATE (:Pwned)").consume()
            tx.rollback()
        assert _fingerprint(bolt_driver, database) == before
        return
    outcomes: list[tuple[str, str]] = []
    for query, named in HOSTILE:
        with bolt_driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            tx = session.begin_transaction(timeout=10)
            try:
                rows = [r.data() for r in tx.run(query)]
                outcome = f"ran, {len(rows)} row(s), rolled back"
                assert not any("root:" in json.dumps(r, default=str) for r in rows), query
            except neo4j.exceptions.Neo4jError as err:
                outcome = f"refused: {err.code}"
            finally:
                if not tx.closed():
                    tx.rollback()
        outcomes.append((query, outcome))
        if named.split()[0].upper() in _UPDATES and not query.startswith("EXPLAIN"):  # EXPLAIN runs nothing
            assert outcome.startswith("refused"), (query, outcome)
        if "LOAD CSV" in query.upper() and "file:" in query:
            assert outcome.startswith("refused"), (query, outcome)
    for query, outcome in outcomes:
        print(f"{outcome:70} {query}")
    assert _fingerprint(bolt_driver, database) == before
