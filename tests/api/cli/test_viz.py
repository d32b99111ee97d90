"""``skillgraph viz``: each view written to a file, and its errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from api import cli
from tests.browser import off_host_refs, page_data

pytest.importorskip("pyvis")


@pytest.fixture()
def viz() -> Any:
    return cli.main


def test_cli_viz_writes_each_view(viz: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "catalog.html"
    assert viz(["viz", "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert off_host_refs(out.read_text()) == []
    out = tmp_path / "skills.html"
    assert viz(["viz", "--kinds", "skill,role", "-o", str(out)]) == 0
    assert {n["kind"] for n in page_data(out.read_text())["nodes"]} == {"skill", "role"}
    out = tmp_path / "route.html"
    assert viz(["viz", "--role", "ml-engineer-gcp", "--have", "python,sql:2", "-o", str(out)]) == 0
    assert any(n["role"] == "step" for n in page_data(out.read_text())["nodes"])
    out = tmp_path / "nb.html"
    assert viz(["viz", "--center", "python", "--depth", "0", "-o", str(out)]) == 0
    assert [n["id"] for n in page_data(out.read_text())["nodes"]] == ["python"]
    capsys.readouterr()
    assert viz(["viz", "--center", "python", "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("argv", "message", "code"),
    [
        (["--role", "ml-enginer-gcp"], "skillgraph: error: unknown role 'ml-enginer-gcp' (did you mean", 1),
        (["--center", "pythn"], "skillgraph: error: unknown id 'pythn' (did you mean python", 1),
        (["--role", "ml-engineer-gcp", "--have", "pyton"], "unknown", 1),
        (["--kinds", "skil"], "unknown node kind 'skil'", 1),
        (["--center", "python", "--role", "ml-engineer-gcp"], "not both", 2),
        (["--have", "python"], "--have needs --role or --cert", 2),
        (["--depth", "2"], "--depth needs --center", 2),
        (["--center", "python", "--kinds", "skill"], "--kinds applies to the catalog view only", 2),
    ],
)
def test_cli_viz_errors_are_one_line(viz: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     argv: list[str], message: str, code: int) -> None:
    out = tmp_path / "x.html"
    assert viz(["viz", *argv, "-o", str(out)]) == code
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()


def test_cli_viz_bad_depth_and_unwritable_file(viz: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        viz(["viz", "--center", "python", "--depth", "-1", "-o", str(tmp_path / "x.html")])
    assert exc.value.code == 2
    assert "whole number from 0 to 5" in capsys.readouterr().err
    assert viz(["viz", "--kinds", "role", "-o", str(tmp_path / "no" / "such" / "dir.html")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_cli_viz_without_pyvis_says_what_to_install(viz: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "pyvis", None)
    assert viz(["viz", "-o", str(tmp_path / "x.html")]) == 1
    err = capsys.readouterr().err
    assert "pyvis is not installed" in err and "skillgraph[server]" in err
    assert len(err.strip().splitlines()) == 1


def test_cli_viz_infeasible_route_exits_3(viz: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    cat = tmp_path / "cat.json"
    cat.write_text(json.dumps({
        "skills": [{"id": "a", "name": "A"}, {"id": "b", "name": "B", "teachable": False}],
        "courses": [{"id": "c", "title": "C", "hours": 1, "teaches": ["a"]}],
        "roles": [{"id": "r", "title": "R", "needs": ["a", "b"]}],
    }))
    assert viz(["viz", "--catalog", str(cat), "--role", "r", "-o", str(out)]) == 3
    assert "no route reaches every essential goal: b" in capsys.readouterr().out
    assert out.exists()
