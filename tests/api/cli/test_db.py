"""``skillgraph db ...``, ``cypher`` and ``export`` through the real CLI, against the local Bolt server."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from api import cli
from api.cli.db import snapshot_from_env
from graph.catalog import Catalog
from graph.errors import CatalogError, StoreUnavailable
from graph.models import AnyOf, SkillLevel
from graph.neo4j.local_server import BoltEndpoint, free_port
from loaders import load_catalog
from loaders.export import export_catalog, validate_db
from queries.planner import plan
from tests.bolt import assert_same_catalog, rich_catalog, wait_until_logins_work, wipe

# The curator's edits of docs/curators.md (the query is read from the page, so page and test agree):
# add a course with its prerequisites; mark a role's skill optional.
CURATORS_MD = Path(__file__).resolve().parents[3] / "docs" / "curators.md"
ADD_COURSE = CURATORS_MD.read_text(encoding="utf-8").split("```cypher\n", 1)[1].split("```", 1)[0]
MAKE_OPTIONAL = """
MATCH (:Role {id: $role})-[n:NEEDS]->(:Skill {id: $skill})
SET n.importance = 'optional'
RETURN n.importance AS importance
"""


@pytest.fixture
def run(bolt_env: dict[str, str], bolt_driver: Any, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Any:
    """``run(*argv) -> (exit code, stdout, stderr)`` of ``skillgraph``, on an emptied database."""
    wipe(bolt_driver, bolt_env["NEO4J_DATABASE"])

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return invoke


def _one_line_error(err: str) -> str:
    assert err.startswith("skillgraph: error: ") and err.count("\n") == 1, err
    return err


def _needs(seed: Catalog, skills: list[str]) -> None:
    missing = [s for s in skills if s not in seed]
    if missing:
        pytest.skip(f"the seed catalog has no {', '.join(missing)}")


def test_load_status_and_reload(run: Any, bolt_env: dict[str, str], seed: Catalog) -> None:
    code, out, err = run("db", "load")
    assert code == 0, err
    n = sum(1 for _ in seed.items())
    assert f"loaded the seed catalog into {bolt_env['NEO4J_URI']} (database skillgraph): {n} records and" in out
    assert "records:" in err and "relationships:" in err  # progress
    code, out, _ = run("db", "status")
    assert code == 0
    assert f"{len(seed.skills)} Skill, {len(seed.courses)} Course" in out and seed.name in out
    code, out, _ = run("db", "status", "--format", "json")
    assert json.loads(out)["nodes"]["Role"] == len(seed.roles)
    code, out, err = run("db", "load", "--quiet", "--batch-size", "25")
    assert code == 0 and err == ""
    assert_same_catalog(snapshot_from_env(), seed)


def test_load_replace_with_a_file(run: Any, tmp_path: Path, seed: Catalog) -> None:
    rich_file = tmp_path / "rich.json"
    export_catalog(rich_catalog(), rich_file)
    assert run("db", "load")[0] == 0
    code, out, _ = run("db", "load", str(rich_file), "--replace", "--quiet")
    stale = len(set(seed.ids()) - set(rich_catalog().ids()))
    assert code == 0 and f"removed {stale} stale records" in out and stale > 1
    # the file, not rich_catalog(): Catalog.to_dict() leaves out extras whose value is null
    assert_same_catalog(snapshot_from_env(), load_catalog(rich_file))


def test_load_of_a_broken_file_writes_nothing(run: Any, tmp_path: Path, seed: Catalog) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("skills:\n  - id: a\n    name: A\n    requires: [ghost]\n")
    assert run("db", "load", "--quiet")[0] == 0
    code, _, err = run("db", "load", str(bad), "--replace")
    assert code == 1 and "ghost" in err
    assert_same_catalog(snapshot_from_env(), seed)
    with pytest.raises(SystemExit) as info:  # argparse refuses it
        run("db", "load", "--batch-size", "0")
    assert info.value.code == 2


def test_cypher_read_table_and_json(run: Any, seed: Catalog) -> None:
    run("db", "load", "--quiet")
    code, out, _ = run("cypher", "MATCH (r:Role) RETURN r.id AS id ORDER BY id LIMIT 2")
    ids = sorted(r.id for r in seed.roles)[:2]
    assert code == 0 and out.splitlines()[0].startswith("id") and ids[0] in out and "(2 rows)" in out
    code, out, _ = run("cypher", "MATCH (s:Skill {id: $id}) RETURN s.name AS name", "--param", "id=python",
                       "--format", "json")
    assert json.loads(out)["data"] == [{"name": seed.skill("python").name}]


def test_cypher_named_query(run: Any, seed: Catalog) -> None:
    run("db", "load", "--quiet")
    code, out, _ = run("cypher", ":courses-teaching", "--param", "skill=python", "--format", "json")
    assert code == 0
    assert {r["id"] for r in json.loads(out)["data"]} == {c for c, _ in seed.teachers["python"]}
    code, out, _ = run("cypher", ":help")
    assert code == 0 and ":prerequisite-chain --param skill=..." in out


def test_cypher_write_is_refused_without_write_flag(run: Any) -> None:
    run("db", "load", "--quiet")
    code, _, err = run("cypher", "MATCH (s:Skill {id: 'python'}) DETACH DELETE s")
    assert code == 1 and "read-only" in _one_line_error(err) and "--write" in err
    assert "python" in snapshot_from_env()
    code, out, _ = run("cypher", "MATCH (s:Skill {id: 'python'}) SET s.category = 'x'", "--write")
    assert code == 0 and "committed: properties_set=1" in out
    assert snapshot_from_env().skill("python").category == "x"


def test_cypher_syntax_error_is_one_line_with_the_servers_message(run: Any) -> None:
    code, _, err = run("cypher", "MATC (n) RETURN n")
    assert code == 1 and "MATC" in _one_line_error(err)
    code, _, err = run("cypher", "MATCH (c:Course) RETURN c.id LIMT 3")  # the server adds the query and a caret
    # the position is each server's own: ArcadeDB "'LIMT' at line 1, column 29", Neo4j "(line 1, column 30 ..."
    line = _one_line_error(err)
    assert code == 1 and "'LIMT'" in line and ("line 1, column 29" in line or "line 1, column 30" in line)


def test_cypher_parameters_are_data(run: Any, seed: Catalog) -> None:
    run("db", "load", "--quiet")
    evil = "x'}) MATCH (n) DETACH DELETE n //"
    code, _, _ = run("cypher", "MATCH (s:Skill {id: 'python'}) SET s.notes = $v", "--param", f"v={evil}", "--write")
    assert code == 0
    snap = snapshot_from_env()
    assert snap.skill("python").notes == evil and len(snap.skills) == len(seed.skills)


def test_wrong_password_is_one_clear_line(run: Any, bolt_env: dict[str, str], bolt_server: BoltEndpoint,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", "wrong-password")
    user = bolt_env["NEO4J_USER"]  # root on ArcadeDB, neo4j on Neo4j
    for argv in (["db", "status"], ["db", "load"], ["cypher", "RETURN 1"], ["db", "validate"]):
        code, _, err = run(*argv)
        assert code == 1 and f"authentication failed for user '{user}'" in _one_line_error(err)
    wait_until_logins_work(bolt_server)


def test_server_not_running_names_the_uri(run: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    uri = f"bolt://localhost:{free_port()}"
    monkeypatch.setenv("NEO4J_URI", uri)
    for argv in (["db", "status"], ["cypher", "RETURN 1"], ["export", str(tmp_path / "x.yaml")]):
        code, _, err = run(*argv)
        assert code == 1 and f"cannot reach the graph database at {uri}" in _one_line_error(err)
    assert not (tmp_path / "x.yaml").exists()
    with pytest.raises(StoreUnavailable, match=uri):
        snapshot_from_env()


def test_no_password_configured(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_PASSWORD")
    code, _, err = run("db", "status")
    assert code == 1 and "set NEO4J_PASSWORD" in _one_line_error(err)


def test_without_the_server_extra_the_message_says_what_to_install(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "neo4j", None)  # as if not installed
    code, _, err = run("db", "status")
    assert code == 1 and "pip install 'skillgraph[server]'" in _one_line_error(err)


def test_curator_edits_survive_export_and_reimport(run: Any, tmp_path: Path, seed: Catalog) -> None:
    _needs(seed, ["python", "ml-fundamentals", "pandas", "numpy", "scikit-learn", "feature-engineering",
                  "ml-engineer-gcp", "sql"])
    role, skill = seed.role("ml-engineer-gcp"), "sql"
    assert {n.skill: n.importance for n in role.needs}[skill] == "essential"
    assert run("db", "load", "--quiet")[0] == 0
    code, out, err = run("cypher", ADD_COURSE, "--write")
    assert code == 0, err
    assert "kaggle-learn-intermediate-ml" in out and "relationships_created=6" in out
    code, out, err = run("cypher", MAKE_OPTIONAL, "--param", f"role={role.id}", "--param", f"skill={skill}", "--write")
    assert code == 0 and "optional" in out, err
    code, out, err = run("db", "validate")
    assert code == 0, out + err
    exported = tmp_path / "edited.yaml"
    code, out, err = run("export", str(exported))
    assert code == 0, err
    assert f"to {exported}" in out

    edited = load_catalog(exported)
    added = edited.course("kaggle-learn-intermediate-ml")
    assert [type(r).__name__ for r in added.requires] == ["SkillLevel", "SkillLevel", "AnyOf"]
    first, _, group = added.requires
    assert isinstance(first, SkillLevel) and first.level == 2
    assert isinstance(group, AnyOf) and [getattr(m, "skill", m) for m in group.any_of] == ["pandas", "numpy"]
    assert added.teaches[0].skill == "scikit-learn" and added.teaches[0].level == 2
    assert {n.skill: n.importance for n in edited.role(role.id).needs}[skill] == "optional"
    assert_same_catalog(snapshot_from_env(), edited)

    # Re-import into a fresh database: the same graph comes back.
    code, _, err = run("db", "load", str(exported), "--replace", "--quiet")
    assert code == 0, err
    snap = snapshot_from_env()
    assert_same_catalog(snap, edited)
    situation = next((s for s in seed.situations if s.role), None)
    if situation is not None:
        args: dict[str, Any] = {"have": situation.have, "role": situation.role, "objective": situation.objective}
        assert plan(snap, **args).model_dump(exclude={"solve_ms"}) == \
            plan(edited, **args).model_dump(exclude={"solve_ms"})


def test_validate_reports_graph_problems_by_id(run: Any, tmp_path: Path, seed: Catalog) -> None:
    _needs(seed, ["python"])
    assert run("db", "load", "--quiet")[0] == 0
    run("cypher", "MATCH (c:Course) WITH c LIMIT 1 CREATE (c)-[:TEACHES]->(:Skil {id: 'typo'})", "--write")
    run("cypher", "CREATE (:Course {id: 'no-hours', title: 'Unfinished'})", "--write")
    run("cypher", "CREATE (a:Skill {id: 'loop-a', name: 'A'})-[:REQUIRES]->(b:Skill {id: 'loop-b', name: 'B'}) "
                  "CREATE (b)-[:REQUIRES]->(a)", "--write")
    run("cypher", "MATCH (r:Role) WITH r LIMIT 1 CREATE (r)-[:NEEDS {level: 1}]->(:Skill {id: 'untaught-x', "
                  "name: 'Nobody teaches this'})", "--write")
    code, out, _ = run("db", "validate")
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("error: ")]
    assert any("teaches: dangling TEACHES relationship to 'typo' (Skil)" in e for e in errors)
    assert any(e.startswith("error: no-hours:hours: required property is missing") for e in errors)
    assert any("prerequisite cycle among skills" in e and "loop-a" in e for e in errors)
    assert any("untaught-x" in w and "nothing teaches it" in w for w in out.splitlines() if w.startswith("warning"))
    errors_, warnings_ = validate_db()
    assert len(errors_) == len(errors) and warnings_
    code, out, _ = run("db", "validate", "--format", "json")
    assert code == 1 and json.loads(out)["ok"] is False
    code, _, err = run("export", str(tmp_path / "out.yaml"))
    assert code == 1 and "(skillgraph db validate lists every problem)" in err.splitlines()[0]
    assert not (tmp_path / "out.yaml").exists()


def test_export_refuses_an_unknown_extension(run: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:  # argparse refuses the file name: bad usage
        run("export", str(tmp_path / "out.txt"))
    assert info.value.code == 2 and "use .yaml, .yml or .json" in capsys.readouterr().err
    assert not (tmp_path / "out.txt").exists()


def test_export_json_reads_back_identically(run: Any, tmp_path: Path, seed: Catalog) -> None:
    assert run("db", "load", "--quiet")[0] == 0
    target = tmp_path / "graph.json"
    assert run("export", str(target))[0] == 0
    assert_same_catalog(load_catalog(target), seed)


def test_export_catalog_checks_the_file(tmp_path: Path, seed: Catalog) -> None:
    with pytest.raises(CatalogError, match="unsupported file type"):
        export_catalog(seed, tmp_path / "x.csv")
    path = export_catalog(seed, tmp_path / "seed.yaml", header="a header")
    assert path.read_text().startswith("# a header\n")
    assert_same_catalog(load_catalog(path), seed)


def test_plan_db_gives_the_same_route_as_the_file(run: Any, seed: Catalog) -> None:
    assert run("db", "load", "--quiet")[0] == 0
    code, out, err = run("plan", "--db", "--role", "ml-engineer-gcp", "--have", "python,sql", "--format", "json")
    assert code == 0, err
    live = json.loads(out)
    embedded = plan(seed, have=["python", "sql"], role="ml-engineer-gcp").model_dump(mode="json")
    assert [s["id"] for s in live["steps"]] == [s["id"] for s in embedded["steps"]]
    assert live["total_hours"] == embedded["total_hours"] and live["optimal"]


def test_plan_db_and_catalog_together_is_refused(run: Any) -> None:
    code, _, err = run("plan", "--db", "--catalog", "x.yaml", "--role", "ml-engineer-gcp")
    assert code == 2 and "not both" in _one_line_error(err)


def test_validate_db_through_the_validate_command(run: Any, bolt_driver: Any, bolt_env: dict[str, str]) -> None:
    assert run("db", "load", "--quiet")[0] == 0
    code, out, _ = run("validate", "--db")
    assert code == 0 and "the live graph: OK" in out
    with bolt_driver.session(database=bolt_env["NEO4J_DATABASE"]) as s:
        s.run("MATCH (c:Course {id: 'applied-ml-python'})-[t:TEACHES]->(:Skill) SET t.level = 7").consume()
    code, out, _ = run("validate", "--db")
    assert code == 1 and "applied-ml-python" in out
    code, _, err = run("validate")
    assert code == 2 and "FILE or --db" in _one_line_error(err)
