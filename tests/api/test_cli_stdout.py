"""stdout carries the program's output only: every ``--format json`` command's
stdout parses as JSON, and ``viz -o -`` writes an HTML page and nothing else.

Each command runs in a fresh process, because the solver library's start-up
banner (HiGHS 1.16.0 prints one per process to file descriptor 1) would
otherwise have been spent by an earlier test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from loaders import load_catalog

ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-m", "api.cli", *argv], cwd=ROOT, capture_output=True, text=True,
                           timeout=300, env={**base, **(env or {})})


def json_of(proc: subprocess.CompletedProcess[str]) -> Any:
    assert "Traceback" not in proc.stderr, proc.stderr
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as err:
        pytest.fail(f"stdout is not JSON ({err}); it starts {proc.stdout[:200]!r}")


SERVERLESS = {
    "plan": ["plan", "--role", "ml-engineer-gcp", "--have", "python,sql", "--format", "json"],
    "plan alternatives": ["plan", "--role", "ml-engineer-gcp", "--have", "python,sql", "--alternatives", "2",
                          "--format", "json"],
    "plan infeasible": ["plan", "--role", "ml-engineer-gcp", "--have", "python", "--max-hours", "10",
                        "--format", "json"],
    "plan situation": ["plan", "--situation", "career-changer-from-zero", "--format", "json"],
    "roles": ["roles", "--have", "python,sql", "--format", "json"],
    "gap": ["gap", "--role", "data-scientist", "--have", "python", "--format", "json"],
    "show": ["show", "ml-engineer-gcp", "--format", "json"],
    "validate": ["validate", "--format", "json"],
    "catalog stats": ["catalog", "stats", "--format", "json"],
}


def test_the_commands_are_every_format_json_command() -> None:
    """Guard: when a command gains --format, it joins this list."""
    help_text = {name: run(*argv[:2], "--help").stdout for name, argv in
                 {"plan": ["plan"], "roles": ["roles"], "gap": ["gap"], "show": ["show"], "validate": ["validate"],
                  "catalog stats": ["catalog", "stats"], "db status": ["db", "status"],
                  "db validate": ["db", "validate"], "cypher": ["cypher"]}.items()}
    assert all("--format" in text for text in help_text.values()), help_text


@pytest.mark.parametrize("name", list(SERVERLESS))
def test_json_commands_print_only_json(name: str) -> None:
    argv = SERVERLESS[name]
    if argv[:1] == ["validate"]:
        argv = ["validate", str(ROOT / "loaders" / "seed" / "catalog.yaml"), "--format", "json"]
    proc = run(*argv)
    data = json_of(proc)
    assert data, f"{name}: empty JSON"
    if argv[0] == "plan":
        assert {"feasible", "optimal", "steps", "unreachable"} <= set(data)


def test_viz_to_stdout_is_an_html_page_only() -> None:
    proc = run("viz", "--role", "ml-engineer-gcp", "--have", "python,sql", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.lstrip()
    assert text.lower().startswith(("<!doctype html", "<html")), text[:200]
    assert text.rstrip().lower().endswith("</html>"), text[-200:]


def test_db_json_commands_print_only_json(bolt_server: Any, bolt_driver: Any) -> None:
    from graph.neo4j.store import Neo4jStore
    from tests.bolt import wipe

    wipe(bolt_driver, bolt_server.database)
    store = Neo4jStore(bolt_driver, database=bolt_server.database, uri=bolt_server.uri, user=bolt_server.user)
    store.load(load_catalog())
    env = bolt_server.env()
    for argv in (["db", "status", "--format", "json"], ["db", "validate", "--format", "json"],
                 ["cypher", "MATCH (s:Skill) RETURN s.id AS id ORDER BY id LIMIT 3", "--format", "json"],
                 ["plan", "--db", "--role", "ml-engineer-gcp", "--have", "python,sql", "--format", "json"]):
        proc = run(*argv, env=env)
        assert json_of(proc) is not None, argv
