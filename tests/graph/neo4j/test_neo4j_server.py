"""Real Neo4j 5.26 Community, started by the project: ``skillgraph db serve --engine neo4j``.

One server of its own (not the session's): served through the real CLI entry
point, loaded with the seed, planned on with ``plan --db``, validated,
stopped with Ctrl-C; then restarted on its data directory with another
password and another database name, which it refuses. Under ``CI=true`` a
missing Java or Maven fails; elsewhere it skips.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.errors import StoreUnavailable
from graph.neo4j.local_server import bolt_answers, free_port
from graph.neo4j.neo4j_server import Neo4jServer, ToolMissing, build_launcher, missing_tools
from tests.bolt import _unavailable, read_until

ROOT = Path(__file__).resolve().parents[3]


def test_without_java_or_maven_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # neither java nor mvn
    monkeypatch.setenv("SKILLGRAPH_CACHE", str(tmp_path / "cache"))
    assert missing_tools() == ["java", "mvn"]
    with pytest.raises(ToolMissing) as info:
        build_launcher()
    message = str(info.value)
    assert "java not found" in message and "Java 17" in message and "docker run" in message
    assert "neo4j:5.26" in message and "NEO4J_URI" in message
    assert isinstance(info.value, StoreUnavailable)


def _cli(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    code = "import sys; from api import cli; sys.exit(cli.main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def test_db_serve_engine_neo4j_loads_the_seed_plans_and_stops_cleanly(tmp_path: Path) -> None:
    if missing_tools():
        _unavailable(f"Neo4j needs {' and '.join(missing_tools())}")
    build_launcher()  # outside the timed start (scripts/test builds it before pytest)
    data, port, password = tmp_path / "neo4j", free_port(), "curator-password-1"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "SKILLGRAPH_DB_"))}
    base["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    code = "import sys; from api import cli; sys.exit(cli.main(sys.argv[1:]))"
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", code, "db", "serve", "--engine", "neo4j", "--data", str(data),
                             "--port", str(port), "--heap", "512m", "--pagecache", "64m"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(tmp_path),
                            stdin=subprocess.DEVNULL, env={**base, "SKILLGRAPH_DB_PASSWORD": password,
                                                           "PYTHONUNBUFFERED": "1"})
    try:
        out = "".join(read_until(proc, "press Ctrl-C", timeout=240))
        assert f"Bolt server ready at bolt://localhost:{port} (database skillgraph, user neo4j)" in out, (
            out + (proc.stderr.read() if proc.poll() is not None and proc.stderr else ""))
        print(f"neo4j via db serve: ready in {time.monotonic() - started:.1f} s")
        assert password not in out
        env = {**base, "NEO4J_URI": f"bolt://localhost:{port}", "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": password}
        loaded = _cli("db", "load", "--quiet", env=env)
        assert loaded.returncode == 0 and "loaded the seed catalog" in loaded.stdout, loaded.stderr
        status = _cli("db", "status", env=env)
        assert "Neo4j/5.26" in status.stdout, status.stdout + status.stderr
        planned = _cli("plan", "--db", "--role", "ml-engineer-gcp", "--have", "python:3", "--format", "json", env=env)
        assert planned.returncode == 0, planned.stderr
        route = json.loads(planned.stdout)
        assert route["feasible"] and route["optimal"] and route["steps"]
        in_process = _cli("plan", "--role", "ml-engineer-gcp", "--have", "python:3", "--format", "json", env=env)
        assert json.loads(in_process.stdout)["total_hours"] == route["total_hours"]
        valid = _cli("validate", "--db", env=env)
        assert valid.returncode == 0, valid.stdout + valid.stderr
        assert planned.stderr == "" and "Received notification" not in valid.stderr
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        rest, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "stopped; data kept in" in rest and "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert not bolt_answers("localhost", port, timeout=0.5)
    assert (data / "data" / "databases" / "skillgraph").is_dir() and (data / "logs").is_dir()

    # Community Neo4j would make a new, empty default database; refused before Java starts
    other = Neo4jServer(data, password=password, port=0, database="other", heap="512m", pagecache="64m")
    with pytest.raises(StoreUnavailable, match="created with database 'skillgraph', not 'other'"):
        other.start()
    assert not other.running and not (data / "data" / "databases" / "other").exists()
    server = Neo4jServer(data, password="another-password-2", port=0, heap="512m", pagecache="64m")
    try:
        with pytest.raises(StoreUnavailable, match="different password"):
            server.start()
        assert not server.running
    finally:
        server.stop()
