"""The Bolt servers for the Neo4j tests, and catalogs to load into them.

``bolt_server`` (session scope) is parametrized over :data:`ENGINES`: every
test that uses it (or ``bolt_driver``, ``bolt_env``, ``neo4j_store``) runs
once on ArcadeDB with its Bolt plugin (in a child process,
:func:`graph.neo4j.local_server.spawn`) and once on real Neo4j 5.26
Community (:class:`graph.neo4j.neo4j_server.Neo4jServer`). Each server is
started once per run, on a free port in a temporary directory, and stopped
when the run moves on (pytest keeps one parameter of a session fixture at a
time). Under ``CI=true`` a server that cannot start, a missing ``server``
extra or a missing Java/Maven fails the tests; elsewhere the missing pieces
skip. Tests never mock the driver: they talk to these servers.

``SKILLGRAPH_TEST_ENGINES=arcadedb`` (comma-separated) runs a subset.
Startup times are printed at the end of the run.

Enable with ``pytest_plugins = ["tests.bolt"]`` in ``tests/conftest.py``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from graph.catalog import Catalog
from graph.neo4j.local_server import BoltEndpoint
from loaders import parse_catalog

PASSWORD = "skillgraph-test-password"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(message: str) -> None:
    if _in_ci():
        pytest.fail(f"{message} (CI=true: the Neo4j tests must run)", pytrace=False)
    pytest.skip(message)


ENGINES = ("arcadedb", "neo4j")
#: seconds each server took to start in this run (printed by pytest_terminal_summary)
STARTUP_SECONDS: dict[str, float] = {}


def _engines() -> list[str]:
    chosen = [e.strip() for e in os.environ.get("SKILLGRAPH_TEST_ENGINES", "").split(",") if e.strip()]
    return [e for e in ENGINES if not chosen or e in chosen]


@pytest.fixture(scope="session", params=_engines())
def bolt_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltEndpoint]:
    """A running Bolt server (ArcadeDB, then Neo4j): its uri, user, password, database and engine."""
    engine: str = request.param
    missing = [m for m in ("neo4j", "arcadedb_embedded") if importlib.util.find_spec(m) is None]
    if missing:
        _unavailable(f"the server extra is not installed ({', '.join(missing)}): pip install 'skillgraph[server]'")
    data = tmp_path_factory.mktemp(f"bolt-{engine}")
    started = time.monotonic()
    server: Any
    if engine == "neo4j":
        from graph.neo4j.neo4j_server import Neo4jServer, ToolMissing

        server = Neo4jServer(data, password=PASSWORD, port=0, heap="1g", pagecache="128m")
        try:
            server.start()
        except ToolMissing as err:
            server.stop()
            _unavailable(str(err))
        except Exception as err:
            server.stop()
            pytest.fail(f"Neo4j did not start: {err}", pytrace=False)
    else:
        from graph.neo4j.local_server import spawn

        try:
            server = spawn(data, password=PASSWORD, heap="2g")
        except Exception as err:  # the wheel is there but the server did not start: always a failure
            pytest.fail(f"the local Bolt server did not start: {err}", pytrace=False)
    STARTUP_SECONDS[engine] = time.monotonic() - started
    try:
        yield server.endpoint
    finally:
        server.stop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if STARTUP_SECONDS:
        shown = ", ".join(f"{engine} {s:.1f} s" for engine, s in STARTUP_SECONDS.items())
        terminalreporter.write_line(f"Bolt servers started in: {shown}")


@pytest.fixture(scope="session")
def bolt_driver(bolt_server: BoltEndpoint) -> Iterator[Any]:
    """One driver for the whole run (as in production: one per process)."""
    import neo4j

    driver = neo4j.GraphDatabase.driver(bolt_server.uri, auth=(bolt_server.user, bolt_server.password))
    try:
        yield driver
    finally:
        driver.close()


@pytest.fixture
def bolt_env(bolt_server: BoltEndpoint, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """``NEO4J_*`` pointing at the test server (and no stray password variable)."""
    monkeypatch.delenv("SKILLGRAPH_DB_PASSWORD", raising=False)
    env = bolt_server.env()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def wait_until_logins_work(endpoint: BoltEndpoint, timeout: float = 30.0) -> None:
    """After a test of wrong passwords: Neo4j locks the user for a few seconds after 3 failed logins
    (``dbms.security.auth_lock_time``); wait until the right password works again."""
    import neo4j

    deadline = time.monotonic() + timeout
    while True:
        try:
            with neo4j.GraphDatabase.driver(endpoint.uri, auth=(endpoint.user, endpoint.password)) as driver:
                driver.verify_connectivity()
            return
        except neo4j.exceptions.ClientError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)


def wipe(driver: Any, database: str) -> None:
    driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)


def graph_counts(driver: Any, database: str) -> tuple[int, int]:
    """(nodes, relationships) in the database."""
    nodes = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=database).records[0]["n"]
    rels = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS n", database_=database).records[0]["n"]
    return int(nodes), int(rels)


@pytest.fixture
def neo4j_store(bolt_server: BoltEndpoint, bolt_driver: Any) -> Iterator[Any]:
    """A :class:`~graph.neo4j.store.Neo4jStore` on an emptied database, driver injected."""
    from graph.neo4j.store import Neo4jStore

    wipe(bolt_driver, bolt_server.database)
    store = Neo4jStore(bolt_driver, database=bolt_server.database, uri=bolt_server.uri, user=bolt_server.user)
    try:
        yield store
    finally:
        store.close()


def assert_same_catalog(got: Catalog, want: Catalog) -> None:
    """Equal field by field (``Catalog ==`` also compares caches and load warnings)."""
    for attr in ("name", "sources", "situations", "subscriptions", "skills", "courses", "programs", "certs", "roles"):
        a, b = getattr(got, attr), getattr(want, attr)
        if isinstance(a, list) and a != b:
            assert [x.id for x in a] == [x.id for x in b], f"{attr}: ids or their order differ"
            for x, y in zip(a, b, strict=True):
                assert x.model_dump() == y.model_dump(), f"{attr}: {x.id} differs"
                assert x == y, f"{attr}: {x.id} differs"
        assert a == b, attr
    assert (got.model_extra or {}) == (want.model_extra or {})
    assert got.to_dict() == want.to_dict()
    assert got.version == want.version


RICH_CATALOG: dict[str, Any] = {
    "name": "rich test catalog",
    "sources": [{"id": "guide-a", "title": "Guide A", "file": "sources/a.txt", "publisher": "Somebody"},
                {"id": "pages", "title": "Course pages"}],
    "skills": [
        # not in id order, to check that order survives
        {"id": "python", "name": "Python", "aliases": ["py", "python3"], "category": "programming",
         "source": "guide-a"},
        {"id": "algebra", "name": "Linear algebra", "description": "Vectors & matrices — “quoted”, ünïcode"},
        {"id": "statistics", "name": "Statistics", "teachable": True},
        {"id": "gradient-descent", "name": "Gradient descent",
         "requires": ["algebra", {"any_of": ["statistics", {"skill": "python", "level": 2}]}]},
        {"id": "mlops", "name": "MLOps", "requires": [{"skill": "python", "level": 2}, "python"],
         "curator_tags": ["ops", "prod"], "weight": 0.5, "rank": 3, "flagged": False,
         "review": {"by": "ana", "scores": [1, 2.5, None], "ok": True}, "empty_list": [], "nothing": None,
         "mixed": [1, "two", 3.0], "tricky": "'}) MATCH (n) DETACH DELETE n //"},
        {"id": "on-the-job", "name": "Production judgement", "teachable": False},
        {"id": "vertex-ai", "name": "Vertex AI", "requires": [{"any_of": [{"cert": "gcp-ace"}, "mlops"]}]},
    ],
    "courses": [
        {"id": "py-101", "title": "Python 101", "hours": 20, "cost_usd": 0, "free_audit": True, "format": "free-course",
         "provider": "Acme", "teaches": [{"skill": "python", "level": 3}], "rating": 4.5, "rating_scale": 5,
         "url": "https://example.org/py?x=1&y='2'"},
        {"id": "math-101", "title": "Maths for ML", "hours": 33.5, "cost_usd": 49, "provider": "Uni",
         "teaches": ["algebra", {"skill": "statistics", "level": 2}], "part_of": "ml-spec"},
        {"id": "ml-201", "title": "ML 201", "hours": 40, "cost_usd": 49, "provider": "Uni", "part_of": "ml-spec",
         "requires": ["python", {"any_of": ["algebra", "statistics"]}, {"cert": "gcp-ace"}],
         "teaches": [{"skill": "gradient-descent", "level": 2}, "statistics"], "prepares_for": ["pmle", "gcp-ace"],
         "notes": "multi\nline\nnotes", "syllabus": [{"week": 1, "topic": "GD"}, {"week": 2, "topic": "SGD"}]},
        {"id": "ops-301", "title": "MLOps in practice", "hours": 12, "format": "project",
         "requires": [{"skill": "python", "level": 2}], "teaches": [{"skill": "mlops", "level": 3}, "vertex-ai"],
         "prepares_for": ["pmle"]},
        {"id": "ace-prep", "title": "ACE prep", "hours": 8, "cost_usd": 0, "format": "exam-prep",
         "prepares_for": ["gcp-ace"], "part_of": "ml-spec"},
    ],
    "programs": [
        # course order in the program is not file order
        {"id": "ml-spec", "title": "ML Specialization", "provider": "Uni", "courses": ["ml-201", "math-101"],
         "rating": 4.8, "rating_scale": 5},
    ],
    "certs": [
        {"id": "gcp-ace", "name": "Associate Cloud Engineer", "exam_cost_usd": 125, "prep_hours": 30,
         "requires": ["python"], "validates": ["python"]},
        {"id": "pmle", "name": "Professional ML Engineer", "kind": "vendor-exam", "exam_cost_usd": 200,
         "prep_hours": 80, "recommended_experience_years": 3, "requires": [{"skill": "mlops", "level": 2}, "gcp-ace"],
         "validates": ["vertex-ai", "mlops", "gradient-descent"]},
        {"id": "ml-spec-cert", "name": "ML Specialization certificate", "kind": "completion", "program": "ml-spec"},
    ],
    "roles": [
        {"id": "ml-engineer", "title": "ML engineer",
         "needs": ["python", {"skill": "mlops", "level": 2},
                   {"skill": "vertex-ai", "level": 1, "importance": "optional"},
                   {"skill": "on-the-job", "importance": "optional"}, {"skill": "gradient-descent", "level": 2}],
         "values": [{"cert": "pmle", "importance": "optional"}, "gcp-ace"], "seniority": "mid"},
        {"id": "analyst", "title": "Analyst", "description": "Reads data", "needs": ["statistics", "python"]},
    ],
    "situations": [
        {"id": "swe", "title": "Software engineer", "have": ["python:3", "algebra"], "role": "ml-engineer",
         "objective": "hours", "notes": "from guide A"},
        {"id": "analyst-to-ml", "title": "Analyst", "have": ["statistics:2"], "role": "analyst", "objective": "cost"},
    ],
}


def rich_catalog() -> Catalog:
    """A small catalog with every feature the store must keep (see RICH_CATALOG)."""
    catalog, issues = parse_catalog(RICH_CATALOG, "rich")
    assert catalog is not None, [str(i) for i in issues if i.severity == "error"]
    return catalog


def read_until(proc: subprocess.Popen[str], needle: str, timeout: float = 120) -> list[str]:
    """The lines a server process prints up to the first containing ``needle`` (or all it printed
    within ``timeout`` seconds); the process keeps running."""
    lines: list[str] = []
    done = threading.Event()

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if needle in line:
                break
        done.set()

    threading.Thread(target=reader, daemon=True).start()
    done.wait(timeout)
    return lines
