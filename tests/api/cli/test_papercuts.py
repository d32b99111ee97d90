"""The papercuts a new user hit in the CLI, one test each (the "Papercuts" issue's table)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.bolt import wipe


@pytest.mark.parametrize("constraint", [["--max-hours", "10"], ["--providers", "Google Cloud,Kaggle"]])
def test_a_partial_route_says_what_is_proven_without_contradiction(run_cli: Any, constraint: list[str]) -> None:
    code, out, _ = run_cli("plan", "--role", "ml-engineer-gcp", "--have", "python,sql", *constraint)
    head = " ".join(out.split("\nNot reachable:")[0].split())
    assert "NOT feasible" in head or "NO ROUTE" in head
    assert "; proven optimal" not in head
    if "NOT feasible" in head:
        assert "the route covers the rest and is proven the cheapest that does" in head


@pytest.mark.parametrize("k", ["0", "-2"])
def test_roles_k_out_of_range_is_a_usage_error(run_cli: Any, k: str) -> None:
    code, out, err = run_cli("roles", "--have", "python", "-k", k)
    assert code == 2 and out == ""
    assert "-k" in err and "1 to 100" in err


_ROLE = ["plan", "--role", "ml-engineer-gcp"]


@pytest.mark.parametrize(("argv", "option"), [
    (["roles", "--have", "python", "-k", "101"], "-k"),
    ([*_ROLE, "--alternatives", "-1"], "--alternatives"),
    ([*_ROLE, "--budget", "-1"], "--budget"),
    ([*_ROLE, "--max-hours", "-1"], "--max-hours"),
    ([*_ROLE, "--experience-years", "-1"], "--experience-years"),
    ([*_ROLE, "--time-limit", "-1"], "--time-limit"),
    (["gap", "--role", "ml-engineer-gcp", "--hours-per-week", "-3"], "--hours-per-week"),
    (["viz", "--center", "python", "--depth", "-1", "-o", "x.html"], "--depth"),
    (["viz", "--role", "ml-engineer-gcp", "--hours-per-week", "0", "-o", "x.html"], "--hours-per-week"),
    (["cypher", "RETURN 1", "--max-rows", "-1"], "--max-rows"),
    (["cypher", "RETURN 1", "--timeout", "-1"], "--timeout"),
    (["db", "load", "--batch-size", "-5"], "--batch-size"),
    (["db", "serve", "--tx-timeout", "0"], "--tx-timeout"),
    (["db", "serve", "--http-port", "-1"], "--http-port"),
    (["serve", "--workers", "-1"], "--workers"),
])
def test_every_numeric_option_out_of_range_is_a_usage_error(run_cli: Any, argv: list[str], option: str) -> None:
    """The siblings of -k: a count, limit, depth or size below its range exits 2 before anything runs."""
    code, out, err = run_cli(*argv)
    assert code == 2 and out == "", (argv, out)
    assert f"argument {option}: must be" in err, err


def test_a_role_and_a_cert_are_both_named(run_cli: Any) -> None:
    code, out, _ = run_cli("plan", "--role", "ml-engineer-gcp", "--cert", "aws-mla", "--have", "python,sql")
    assert code == 0
    title = out.splitlines()[0]
    assert title.startswith("Route to ml-engineer-gcp (") and " and aws-mla (" in title
    code, out, _ = run_cli("plan", "--role", "ml-engineer-gcp", "--cert", "aws-mla", "--have", "python,sql",
                       "--format", "json")
    exam = next(s for s in json.loads(out)["steps"] if s["id"] == "aws-mla")
    assert exam["reason"] == "Gives aws-mla for cert aws-mla"  # the role does not value aws-mla
    code, out, _ = run_cli("plan", "--role", "ml-engineer-gcp", "--cert", "google-pmle", "--have", "python,sql",
                       "--format", "json", "--include-optional")
    exam = next(s for s in json.loads(out)["steps"] if s["id"] == "google-pmle")
    assert exam["reason"].startswith("Gives google-pmle for role ml-engineer-gcp and cert google-pmle")


@pytest.mark.parametrize(("make", "says"), [
    (lambda d: (d / "empty.yaml", d.joinpath("empty.yaml").write_text("")), "holds no catalog"),
    (lambda d: (d / "empty.json", d.joinpath("empty.json").write_text("")), "holds no catalog"),
    (lambda d: (d / "blank.json", d.joinpath("blank.json").write_text("\n  \n")), "holds no catalog"),
    (lambda d: (d / "comment.yaml", d.joinpath("comment.yaml").write_text("# nothing yet\n")), "holds no catalog"),
    (lambda d: (d / "adir", d.joinpath("adir").mkdir()), "adir: is a directory"),
])
def test_validate_refuses_an_empty_file_and_a_directory(run_cli: Any, tmp_path: Path, make: Any, says: str) -> None:
    path, _ = make(tmp_path)
    for argv in (["validate", str(path)], ["roles", "--catalog", str(path), "--have", "x"],
                 ["catalog", "stats", "--catalog", str(path)], ["show", "python", "--catalog", str(path)],
                 ["viz", "--catalog", str(path), "-o", str(tmp_path / "out.html")]):
        code, out, err = run_cli(*argv)
        assert code == 1, argv
        assert says in out + err, (argv, out, err)
        assert "unsupported file type" not in out + err and "invalid JSON" not in out + err
    assert not (tmp_path / "out.html").exists()
    code, out, _ = run_cli("validate", str(path))
    assert out.splitlines()[-1] == f"{path}: 1 error, 0 warnings"  # not "1 error(s)"


@pytest.mark.parametrize("value", ["-3", "0", "200"])
def test_hours_per_week_has_one_rule_and_one_message(run_cli: Any, value: str) -> None:
    code, _, err = run_cli("plan", "--role", "ml-engineer-gcp", "--hours-per-week", value)
    assert code == 2
    assert "--hours-per-week: must be a number from 0.5 to 168" in err, err


def test_show_lists_a_roles_needs_once_and_readably(run_cli: Any) -> None:
    code, out, _ = run_cli("show", "ml-engineer-gcp")
    assert code == 0
    assert "{" not in out and '"skill"' not in out
    assert out.count("needs:") == 1
    assert max(len(line) for line in out.splitlines()) <= 120
    assert "python L2" in out and "drift-detection (optional)" in out


def test_catalog_stats_summarises_its_warnings(run_cli: Any) -> None:
    code, out, _ = run_cli("catalog", "stats")
    assert code == 0
    assert "warning:" not in out
    summary = [line for line in out.splitlines() if line.strip().startswith("warnings:")]
    assert len(summary) == 1 and "--verbose" in summary[0]
    n = int(summary[0].split(":")[1].split()[0])
    code, out, _ = run_cli("catalog", "stats", "--verbose")
    assert out.count("warning:") == n > 0


def test_one_step_is_one_step(run_cli: Any, tmp_path: Path) -> None:
    code, out, _ = run_cli("plan", "--situation", "ml-practitioner-wants-credential")
    assert code == 0
    assert "total: 1 step, " in out and "1 steps" not in out
    have = "python,sql,ml-fundamentals:2,vertex-ai:2,bigquery:2,ml-pipelines:2,model-serving:2,model-monitoring:2," \
           "ml-system-design:2,gcp-basics:2,tensorflow:2,ml-problem-framing:2,feature-engineering:2,model-evaluation:2"
    code, out, _ = run_cli("viz", "--cert", "google-pmle", "--have", have, "-o", str(tmp_path / "route.html"))
    assert code == 0 and "route of 1 step (" in out, out
    code, out, _ = run_cli("viz", "--center", "python", "--depth", "0", "-o", str(tmp_path / "node.html"))
    assert code == 0
    page = (tmp_path / "node.html").read_text()
    assert "within 0 hops: 1 node, 0 relationships" in page, page[:2000]


def test_counts_of_one_are_singular_everywhere() -> None:
    """Every count the CLI and pages print goes through counted(): never "1 steps" nor "1 warning(s)"."""
    from api.formatting import counted

    assert [counted(n, "warning") for n in (0, 1, 2)] == ["0 warnings", "1 warning", "2 warnings"]
    assert counted(1, "skills") == "1 skill" and counted(1_234, "record") == "1,234 records"
    root = Path(__file__).resolve().parents[3]
    lazy = [f"{p.relative_to(root)}: {line.strip()}" for top in ("api", "graph", "loaders", "queries")
            for p in sorted((root / top).rglob("*.py")) for line in p.read_text().splitlines()
            if any(f"{noun}(s)" in line for noun in ("step", "error", "warning", "record", "node", "relationship",
                                                     "skill", "course", "role", "hour", "week", "month"))]
    assert not lazy, lazy


def test_export_counts_its_errors_consistently(bolt_env: dict[str, str], bolt_driver: Any, run_cli: Any,
                                               monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key, value in bolt_env.items():
        monkeypatch.setenv(key, value)
    database = bolt_env["NEO4J_DATABASE"]
    wipe(bolt_driver, database)
    code, _, err = run_cli("db", "load", "--quiet")
    assert code == 0, err
    bolt_driver.execute_query("MATCH (c:Course {id: 'py4e'}) CREATE (c)-[:TEACHES {level: 1}]->(:Skill)",
                              database_=database)
    code, out, err = run_cli("export", str(tmp_path / "out.yaml"))
    assert code == 1 and not (tmp_path / "out.yaml").exists()
    first, *listed = err.strip().splitlines()
    assert first.startswith("skillgraph: error: the graph is not a valid catalog: "), err
    n = int(first.split("valid catalog: ")[1].split()[0])  # "1 error" or "2 errors": said once, and it agrees
    assert "(and " not in err and len(listed) == n >= 1, err
    assert first.split("valid catalog: ")[1].startswith(f"{n} error{'s' * (n != 1)} ("), err
    assert all(line.startswith("  ") for line in listed)


def test_a_catalog_error_with_a_summary_lists_every_issue_under_it(run_cli: Any, tmp_path: Path) -> None:
    from graph.errors import CatalogError, CatalogIssue

    issues = [CatalogIssue("first"), CatalogIssue("second")]
    err = CatalogError(issues, summary="the graph is not a valid catalog: 2 errors")
    assert str(err) == "the graph is not a valid catalog: 2 errors" and err.listed == issues
    plain = CatalogError(issues)
    assert str(plain) == "first (and 1 more error)" and plain.listed == issues[1:]
    broken = tmp_path / "many.yaml"
    broken.write_text("skills:\n" + "".join(f"  - {{id: s{i}}}\n" for i in range(25)))
    code, _, err_text = run_cli("roles", "--catalog", str(broken))
    first, *rest = err_text.strip().splitlines()
    assert code == 1 and first.endswith("(and 24 more errors)")
    assert len(rest) == 20 and rest[-1] == "  ... and 5 more"  # 19 listed + 5 = the 24 the message counts
