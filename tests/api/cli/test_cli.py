"""The ``skillgraph`` command line, end to end: in-process through ``main`` and as a subprocess.

Most tests use a small catalog whose cheapest routes are easy to work out by hand:

* ``ml-eng`` needs python, ml-basics:2 and mlops (deep-learning and cloud-cert optional).
  ml-basics needs python and statistics or linear-algebra (nothing teaches linear-algebra).
  From ``python``: stats-course (10 h, $30) + ml-a (30 h, $49) + mlops-c (15 h, $60) = 55 h, $139;
  or ml-b (50 h, $0, teaches statistics too) + mlops-c = 65 h, $60 in 2 steps.
* ``cloud-eng`` needs cloud-ml and the cloud-cert exam: stats-course, ml-a, cloud-c (25 h, $80),
  then the exam (10 h prep, $200) = 75 h, $359.
* ``ops`` needs a skill learnt on the job: no route.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli import main
from loaders import load_catalog

ROOT = Path(__file__).resolve().parents[3]

SMALL = """\
name: tiny
sources:
  - {id: guide, title: A guide}
skills:
  - {id: python, name: Python, source: guide}
  - {id: statistics, name: Statistics}
  - {id: linear-algebra, name: Linear algebra}
  - id: ml-basics
    name: ML basics
    requires: [python, {any_of: [statistics, linear-algebra]}]
  - {id: deep-learning, name: Deep learning, requires: [ml-basics]}
  - {id: mlops, name: MLOps, requires: [ml-basics]}
  - {id: cloud-ml, name: Cloud ML, requires: [ml-basics]}
  - {id: on-call, name: On-call, teachable: false}
courses:
  - {id: py101, title: Python 101, hours: 20, cost_usd: 0, provider: Acme, teaches: [{skill: python, level: 2}]}
  - {id: stats-course, title: Statistics course, hours: 10, cost_usd: 30, free_audit: true, provider: Acme,
     teaches: [statistics]}
  - {id: ml-a, title: ML A, hours: 30, cost_usd: 49, free_audit: true, provider: Acme, requires: [python],
     teaches: [{skill: ml-basics, level: 2}]}
  - {id: ml-b, title: ML B, hours: 50, cost_usd: 0, provider: Beta,
     teaches: [statistics, {skill: ml-basics, level: 2}]}
  - {id: dl, title: Deep learning course, hours: 40, cost_usd: 100, provider: Beta,
     requires: [{skill: ml-basics, level: 2}], teaches: [deep-learning]}
  - {id: mlops-c, title: MLOps course, hours: 15, cost_usd: 60, free_audit: true, provider: Cloudy,
     teaches: [mlops], part_of: prog}
  - {id: cloud-c, title: Cloud ML course, hours: 25, cost_usd: 80, provider: Cloudy, teaches: [cloud-ml],
     part_of: prog, prepares_for: [cloud-cert]}
programs:
  - {id: prog, title: Cloud program, provider: Cloudy, courses: [mlops-c, cloud-c]}
certs:
  - {id: cloud-cert, name: Cloud Cert, provider: Cloudy, exam_cost_usd: 200, prep_hours: 10,
     requires: [cloud-ml], validates: [cloud-ml]}
  - {id: prog-cert, name: Program certificate, kind: completion, program: prog}
roles:
  - id: ml-eng
    title: ML engineer
    needs: [python, {skill: ml-basics, level: 2}, mlops, {skill: deep-learning, importance: optional}]
    values: [{cert: cloud-cert, importance: optional}]
  - {id: cloud-eng, title: Cloud engineer, needs: [cloud-ml], values: [cloud-cert]}
  - {id: ops, title: Operator, needs: [on-call]}
situations:
  - {id: swe, title: Software engineer, have: [python], role: ml-eng}
"""

PINNED = {"feasible", "optimal", "objective", "total_hours", "total_cost_usd", "steps", "unreachable"}
STEP_KEYS = {"id", "kind", "title", "hours", "cost_usd", "gives", "serves"}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("cli") / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return str(path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def plan_json(capsys, small: str, *argv: str) -> tuple[int, dict]:
    code, out, err = run(capsys, "plan", "--catalog", small, "--format", "json", *argv)
    assert "Traceback" not in err
    return code, json.loads(out)


def cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "api.cli", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "COLUMNS": "100"})


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_user_error(code: int, err: str, *contains: str, status: int = 1) -> None:
    assert code == status
    assert "Traceback" not in err
    first = err.strip().splitlines()[0]
    assert first.startswith("skillgraph: error: ")
    for c in contains:
        assert c in first



def assert_usage_error(code: int, err: str, *contains: str) -> None:
    """Bad usage: exit status 2 and one line on stderr."""
    assert_user_error(code, err, *contains, status=2)
    assert len(err.strip().splitlines()) == 1

# -- plan: output ----------------------------------------------------------------------------------
def test_plan_table_shows_steps_hours_and_reasons(capsys, small):
    code, out, err = run(capsys, "plan", "--catalog", small, "--role", "ml-eng", "--have", "python")
    assert code == 0 and err == ""
    ids = ["stats-course", "ml-a", "mlops-c"]
    positions = [out.index(i) for i in ids]
    assert positions == sorted(positions)  # in route order
    for h in ("10 h", "30 h", "15 h", "55 h"):
        assert h in out
    assert "$139" in out
    _, data = plan_json(capsys, small, "--role", "ml-eng", "--have", "python")
    for step in data["steps"]:
        assert step["reason"] and flat(step["reason"]) in flat(out)
    assert "ml-eng" in out and "ML engineer" in out


def test_plan_json_has_the_pinned_keys(capsys, small):
    code, data = plan_json(capsys, small, "--role", "ml-eng", "--have", "python")
    assert code == 0
    assert set(data) >= PINNED
    assert data["feasible"] is True and data["optimal"] is True
    assert data["objective"] == "hours"
    assert data["total_hours"] == 55 and data["total_cost_usd"] == 139
    assert [s["id"] for s in data["steps"]] == ["stats-course", "ml-a", "mlops-c"]
    for s in data["steps"]:
        assert set(s) >= STEP_KEYS
        assert s["kind"] == "course"
        assert isinstance(s["gives"], list) and isinstance(s["serves"], list)
    by_id = {s["id"]: s for s in data["steps"]}
    assert by_id["ml-a"]["hours"] == 30 and by_id["ml-a"]["cost_usd"] == 49 and by_id["ml-a"]["title"] == "ML A"
    assert by_id["stats-course"]["gives"] == ["statistics"]
    assert "ml-a" in by_id["stats-course"]["serves"]  # its skill is a prerequisite of ml-a
    assert "ml-basics:2" in by_id["ml-a"]["gives"] and "ml-basics:2" in by_id["ml-a"]["serves"]
    assert "mlops" in by_id["mlops-c"]["serves"]
    assert data["unreachable"] == []
    assert data["total_hours"] == sum(s["hours"] for s in data["steps"])
    assert data["total_cost_usd"] == sum(s["cost_usd"] for s in data["steps"])


def test_plan_with_an_exam_step(capsys, small):
    code, data = plan_json(capsys, small, "--role", "cloud-eng", "--have", "python")
    assert code == 0 and data["feasible"]
    assert [(s["id"], s["kind"]) for s in data["steps"]] == [
        ("stats-course", "course"), ("ml-a", "course"), ("cloud-c", "course"), ("cloud-cert", "exam")]
    assert data["total_hours"] == 75 and data["total_cost_usd"] == 359
    assert "cloud-cert" in data["steps"][-1]["gives"]


def test_plan_include_optional(capsys, small):
    code, data = plan_json(capsys, small, "--role", "ml-eng", "--have", "python", "--include-optional")
    assert code == 0 and data["feasible"]
    ids = {s["id"] for s in data["steps"]}
    assert {"dl", "cloud-c", "cloud-cert", "mlops-c"} <= ids
    assert data["total_hours"] == 130  # 55 + dl 40 + cloud-c 25 + exam prep 10


def test_plan_have_levels_and_courses(capsys, small):
    # python:1 satisfies every python requirement; having done ml-a gives ml-basics:2.
    code, data = plan_json(capsys, small, "--role", "ml-eng", "--have", "python:1,ml-a")
    assert code == 0 and [s["id"] for s in data["steps"]] == ["mlops-c"]
    assert data["total_hours"] == 15


def test_plan_with_nothing_to_do(capsys, small):
    code, data = plan_json(capsys, small, "--role", "ml-eng", "--have", "python,ml-basics:2,mlops")
    assert code == 0 and data["feasible"] and data["steps"] == [] and data["total_hours"] == 0


# -- plan: objectives and constraints ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("objective", "steps", "hours", "cost"),
    [
        ("hours", ["stats-course", "ml-a", "mlops-c"], 55, 139),
        ("cost", ["ml-b", "mlops-c"], 65, 60),
        ("steps", ["ml-b", "mlops-c"], 65, 60),
    ],
)
def test_plan_objectives(capsys, small, objective, steps, hours, cost):
    code, data = plan_json(capsys, small, "--role", "ml-eng", "--have", "python", "--objective", objective)
    assert code == 0
    assert data["objective"] == objective and data["optimal"]
    assert [s["id"] for s in data["steps"]] == steps
    assert (data["total_hours"], data["total_cost_usd"]) == (hours, cost)


def test_plan_budget(capsys, small):
    code, data = plan_json(capsys, small, "--role", "ml-eng", "--have", "python", "--budget", "100")
    assert code == 0 and data["feasible"]
    assert [s["id"] for s in data["steps"]] == ["ml-b", "mlops-c"]  # the 55 h route costs $139
    assert data["total_cost_usd"] <= 100


def test_plan_budget_too_small_is_infeasible(capsys, small):
    code, out, err = run(capsys, "plan", "--catalog", small, "--role", "ml-eng", "--have", "python",
                         "--budget", "50")
    assert code == 3 and "Traceback" not in err
    assert "NOT feasible" in out
    assert "mlops" in out and "budget" in out


def test_plan_free_only(capsys, small):
    code, data = plan_json(capsys, small, "--role", "ml-eng", "--have", "python", "--free-only")
    assert code == 0 and data["feasible"]
    assert [s["id"] for s in data["steps"]] == ["stats-course", "ml-a", "mlops-c"]  # all free to audit
    assert data["total_cost_usd"] == 0
    assert all(s["cost_usd"] == 0 for s in data["steps"])


def test_plan_free_only_cannot_take_paid_exams(capsys, small):
    code, data = plan_json(capsys, small, "--role", "cloud-eng", "--have", "python", "--free-only")
    assert code == 3 and not data["feasible"]
    reasons = {u["id"]: u["reason"] for u in data["unreachable"]}
    assert "cloud-cert" in reasons and "free only" in reasons["cloud-cert"]


def test_plan_exclude(capsys, small):
    code, data = plan_json(capsys, small, "--role", "ml-eng", "--have", "python", "--exclude", "stats-course")
    assert code == 0
    assert [s["id"] for s in data["steps"]] == ["ml-b", "mlops-c"]
    code, data = plan_json(capsys, small, "--role", "ml-eng", "--have", "python", "--exclude", "ml-b,stats-course")
    assert code == 3 and not data["feasible"]  # nothing teaches linear-algebra, so ml-a is out of reach too
    assert "ml-basics:2" in {u["id"] for u in data["unreachable"]}


def test_plan_excluded_course_is_reported_unreachable(capsys, small):
    code, out, err = run(capsys, "plan", "--catalog", small, "--role", "ml-eng", "--have", "python",
                         "--exclude", "mlops-c")
    assert code == 3 and "Traceback" not in err
    assert "Not reachable" in out
    assert re.search(r"mlops \(essential skill\): .*excluded", out)
    _, data = plan_json(capsys, small, "--role", "ml-eng", "--have", "python", "--exclude", "mlops-c")
    assert data["feasible"] is False
    (u,) = data["unreachable"]
    assert set(u) >= {"id", "reason"} and u["id"] == "mlops" and "excluded" in u["reason"]


def test_plan_alternatives(capsys, small):
    code, out, _ = run(capsys, "plan", "--catalog", small, "--role", "ml-eng", "--have", "python",
                       "--alternatives", "1")
    assert code == 0
    assert "Alternative 1" in out and "ml-b -> mlops-c" in out
    _, data = plan_json(capsys, small, "--role", "ml-eng", "--have", "python", "--alternatives", "1")
    (alt,) = data["alternatives"]
    assert [s["id"] for s in alt["steps"]] == ["ml-b", "mlops-c"]
    assert alt["total_hours"] >= data["total_hours"]


def test_infeasible_plan_exits_3_with_reasons(capsys, small):
    code, out, err = run(capsys, "plan", "--catalog", small, "--role", "ops")
    assert code == 3 and "Traceback" not in err
    assert "on-call" in out and "learnt on the job" in out
    code, data = plan_json(capsys, small, "--role", "ops")
    assert code == 3
    assert data["feasible"] is False
    assert [u["id"] for u in data["unreachable"]] == ["on-call"]
    assert "learnt on the job" in data["unreachable"][0]["reason"]


# -- other commands ----------------------------------------------------------------------------------
def test_roles_ranks_by_route_cost(capsys, small):
    code, out, _ = run(capsys, "roles", "--catalog", small, "--have", "python")
    assert code == 0
    assert out.index("ml-eng") < out.index("cloud-eng") < out.index("ops")
    code, out, _ = run(capsys, "roles", "--catalog", small, "--have", "python", "--format", "json")
    data = json.loads(out)
    assert data["count"] == 3
    rows = {r["role"]: r for r in data["data"]}
    assert [r["role"] for r in data["data"]] == ["ml-eng", "cloud-eng", "ops"]
    assert rows["ml-eng"]["feasible"] and rows["ml-eng"]["total_hours"] == 55
    assert rows["cloud-eng"]["total_hours"] == 75
    assert not rows["ops"]["feasible"] and rows["ops"]["unreachable"] == ["on-call"]


def test_roles_k(capsys, small):
    code, out, _ = run(capsys, "roles", "--catalog", small, "--have", "python", "-k", "1", "--format", "json")
    assert code == 0 and [r["role"] for r in json.loads(out)["data"]] == ["ml-eng"]


def test_gap(capsys, small):
    code, out, _ = run(capsys, "gap", "--catalog", small, "--role", "ml-eng", "--have", "python")
    assert code == 0
    assert "ml-eng" in out and "python" in out and "ml-basics" in out
    code, out, _ = run(capsys, "gap", "--catalog", small, "--role", "ml-eng", "--have", "python",
                       "--format", "json")
    data = json.loads(out)
    items = {i["id"]: i for i in data["items"]}
    assert items["python"]["status"] == "met"
    assert items["ml-basics"]["status"] == "missing" and items["ml-basics"]["closed_by"]
    assert items["mlops"]["closed_by"] == ["mlops-c"]
    assert data["met"] == 1


def test_gap_with_partial_skill(capsys, small):
    code, out, _ = run(capsys, "gap", "--catalog", small, "--role", "ml-eng", "--have", "python,ml-basics:1",
                       "--format", "json")
    assert code == 0
    items = {i["id"]: i for i in json.loads(out)["items"]}
    assert items["ml-basics"]["status"] == "partial" and items["ml-basics"]["have_level"] == 1


def test_show_lists_neighbours(capsys, small):
    code, out, _ = run(capsys, "show", "--catalog", small, "ml-basics")
    assert code == 0
    assert out.startswith("skill ml-basics")
    taught = next(line for line in out.splitlines() if "taught_by" in line)
    assert "ml-a" in taught and "ml-b" in taught
    assert any("needed_by" in line and "ml-eng" in line for line in out.splitlines())
    code, out, _ = run(capsys, "show", "--catalog", small, "ml-basics", "--format", "json")
    data = json.loads(out)
    assert data["type"] == "skill" and data["id"] == "ml-basics"
    n = data["neighbours"]
    assert {x["id"] for x in n["taught_by"]} == {"ml-a", "ml-b"}
    assert {x["id"] for x in n["required_by"]} >= {"deep-learning", "mlops", "cloud-ml", "dl"}


def test_show_program(capsys, small):
    code, out, _ = run(capsys, "show", "--catalog", small, "prog", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["type"] == "program"
    assert data["neighbours"]["has_part"] == [{"id": "mlops-c", "order": 0}, {"id": "cloud-c", "order": 1}]


def test_show_cert_says_it_is_a_cert(capsys, small):
    # Every record is shown with its record type; a cert's own ``kind`` field
    # (vendor-exam / completion) must not replace it.
    code, out, _ = run(capsys, "show", "--catalog", small, "cloud-cert", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["type"] == "cert" and data["kind"] == "vendor-exam"
    assert {x["id"] for x in data["neighbours"]["prepared_by"]} == {"cloud-c"}


def test_show_unknown_id(capsys, small):
    code, _, err = run(capsys, "show", "--catalog", small, "mlop")
    assert_user_error(code, err, "unknown", "'mlop'", "did you mean", "mlops")


def test_catalog_stats(capsys, small):
    code, out, _ = run(capsys, "catalog", "stats", "--catalog", small)
    assert code == 0
    assert "8 skills" in out and "7 courses" in out and "1 program," in out and "2 certs" in out
    assert "3 roles" in out
    code, out, _ = run(capsys, "catalog", "stats", "--catalog", small, "--format", "json")
    data = json.loads(out)
    assert data["counts"] == {"skills": 8, "courses": 7, "programs": 1, "certs": 2, "roles": 3}
    assert data["version"] == load_catalog(small).version
    assert data["skills_no_course_teaches"] == ["linear-algebra", "on-call"]
    assert data["providers"] == {"Acme": 3, "Beta": 2, "Cloudy": 2}
    assert [r["id"] for r in data["roles"]] == ["ml-eng", "cloud-eng", "ops"]
    assert any("on-call" in w for w in data["warnings"])


# -- validate ------------------------------------------------------------------------------------------
def test_validate_clean_file(capsys, small):
    code, out, _ = run(capsys, "validate", small)
    assert code == 0
    assert "OK" in out and "error:" not in out
    code, out, _ = run(capsys, "validate", small, "--format", "json")
    data = json.loads(out)
    assert data["ok"] is True and data["errors"] == []
    assert data["counts"]["skills"] == 8


BROKEN = """\
skills:
  - {id: python, name: Python}
  - {id: a, name: A, requires: [b]}
  - {id: b, name: B, requires: [a]}
courses:
  - {id: c1, title: C1, hours: -4, teaches: [python]}
  - {id: c2, title: C2, hours: 3, teaches: [pyhton]}
  - {id: c3, title: C3, teaches: [python]}
roles:
  - {id: r, title: R, needs: [{skill: python, level: 5}]}
  - {id: r2, title: R2, needs: [python], values: [python]}
"""


def test_validate_file_with_errors(capsys, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1 and "Traceback" not in err
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    expected = {("c1", "hours"), ("c3", "hours"), ("c2", "teaches"), ("r2", "values"), ("a", "requires")}
    seen = set()
    for line in errors:
        m = re.match(rf"error: {re.escape(str(path))}:([^:]+):([^:]+): .+", line)
        assert m, f"error line does not name file:item:field: {line!r}"
        seen.add((m.group(1), m.group(2)))
    assert expected <= seen
    assert any(item == "r" and field.startswith("needs") for item, field in seen)
    assert "did you mean python" in out
    code, out, _ = run(capsys, "validate", str(path), "--format", "json")
    data = json.loads(out)
    assert data["ok"] is False and data["counts"] is None
    assert all(e["file"] == str(path) and e["item"] and e["field"] for e in data["errors"])


def test_validate_missing_and_invalid_files(capsys, tmp_path):
    code, out, err = run(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert code == 1 and "no such file" in out and "Traceback" not in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("skills:\n\t- id: a\n", encoding="utf-8")
    code, out, err = run(capsys, "validate", str(bad))
    assert code == 1 and "invalid YAML" in out and "line 2" in out and "Traceback" not in err


# -- user mistakes ----------------------------------------------------------------------------------------
def test_unknown_role_is_one_line(capsys, small):
    code, out, err = run(capsys, "plan", "--catalog", small, "--role", "ml-engg", "--have", "python")
    assert_user_error(code, err, "unknown role", "'ml-engg'", "did you mean", "ml-eng")
    assert len(err.strip().splitlines()) == 1
    assert out == ""


def test_bad_level(capsys, small):
    code, _, err = run(capsys, "plan", "--catalog", small, "--role", "ml-eng", "--have", "python:7")
    assert_user_error(code, err, "python:7")


def test_level_on_a_course(capsys, small):
    code, _, err = run(capsys, "plan", "--catalog", small, "--role", "ml-eng", "--have", "ml-a:2")
    assert_user_error(code, err, "ml-a")


def test_unknown_have(capsys, small):
    code, _, err = run(capsys, "plan", "--catalog", small, "--role", "ml-eng", "--have", "pyhton")
    assert_user_error(code, err, "'pyhton'", "did you mean", "python")


def test_unknown_exclude(capsys, small):
    code, _, err = run(capsys, "plan", "--catalog", small, "--role", "ml-eng", "--exclude", "ml-z")
    assert_user_error(code, err, "'ml-z'")


def test_no_target(capsys, small):
    code, _, err = run(capsys, "plan", "--catalog", small, "--have", "python")
    assert_usage_error(code, err, "target")


def test_negative_budget(capsys, small):
    with pytest.raises(SystemExit) as info:  # argparse refuses the value
        run(capsys, "plan", "--catalog", small, "--role", "ml-eng", "--budget", "-1")
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--budget" in err and "must be a number >= 0" in err and "Traceback" not in err


def test_missing_catalog_file(capsys, tmp_path):
    missing = str(tmp_path / "missing.yaml")
    code, _, err = run(capsys, "plan", "--catalog", missing, "--role", "x")
    assert_user_error(code, err, missing, "no such file")


def test_invalid_yaml_catalog(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("skills:\n  - id: a\n    name: A: B\n", encoding="utf-8")
    code, _, err = run(capsys, "plan", "--catalog", str(bad), "--role", "x")
    assert_user_error(code, err, "invalid YAML", "line 3")


def test_catalog_with_many_errors_lists_them(capsys, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    code, _, err = run(capsys, "plan", "--catalog", str(path), "--role", "r")
    assert_user_error(code, err, "more error")
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) >= 5  # the first error, then the rest indented


def test_bad_usage_exits_2(capsys, small):
    with pytest.raises(SystemExit) as info:
        main(["plan", "--catalog", small, "--role", "ml-eng", "--objective", "fastest"])
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2


# -- the shipped seed ---------------------------------------------------------------------------------------
def test_plan_on_the_seed_by_default(capsys):
    code, out, err = run(capsys, "plan", "--role", "ml-engineer-gcp", "--have", "python,sql", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) >= PINNED
    assert data["feasible"] and data["optimal"] and data["steps"]
    assert all(set(s) >= STEP_KEYS and s["kind"] in ("course", "exam") for s in data["steps"])


def test_seed_stats_by_default(capsys):
    code, out, _ = run(capsys, "catalog", "stats", "--format", "json")
    assert code == 0
    assert json.loads(out)["version"] == load_catalog().version


# -- as a real process --------------------------------------------------------------------------------------
def test_subprocess_plan_json(small):
    proc = cli("plan", "--catalog", small, "--role", "ml-eng", "--have", "python", "--objective", "cost",
               "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= PINNED
    assert [s["id"] for s in data["steps"]] == ["ml-b", "mlops-c"]
    assert data["total_cost_usd"] == 60


def test_subprocess_plan_table_on_the_seed():
    proc = cli("plan", "--role", "ml-engineer-gcp", "--have", "python,sql")
    assert proc.returncode == 0, proc.stderr
    assert "ml-engineer-gcp" in proc.stdout and " h" in proc.stdout and "why:" in proc.stdout


def test_subprocess_infeasible_exit_code(small):
    proc = cli("plan", "--catalog", small, "--role", "ops")
    assert proc.returncode == 3
    assert "learnt on the job" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_subprocess_unknown_role(small):
    proc = cli("plan", "--catalog", small, "--role", "ml-engg", "--have", "python")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("skillgraph: error: unknown role 'ml-engg'") and "did you mean" in lines[0]


def test_subprocess_user_mistakes_have_no_traceback(small, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("skills: [\n", encoding="utf-8")
    for argv in (["plan", "--catalog", small, "--role", "ml-eng", "--have", "python:7"],
                 ["plan", "--catalog", str(tmp_path / "missing.yaml"), "--role", "ml-eng"],
                 ["plan", "--catalog", str(bad), "--role", "ml-eng"],
                 ["show", "--catalog", small, "nothing-here"]):
        proc = cli(*argv)
        assert proc.returncode == 1, argv
        assert "Traceback" not in proc.stderr, argv
        assert proc.stderr.startswith("skillgraph: error: "), argv


def test_subprocess_validate(small, tmp_path):
    assert cli("validate", small).returncode == 0
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    proc = cli("validate", str(path))
    assert proc.returncode == 1
    assert f"error: {path}:c1:hours:" in proc.stdout
