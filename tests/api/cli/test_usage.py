"""Bad usage exits 2 with a message on stderr, in every command group; errors in
what was asked (an unknown id, a broken catalog) keep exit 1.

Bad values, unknown options and missing arguments are argparse's (it raises
``SystemExit(2)`` after printing usage and the error); options that exclude or
need each other are :class:`api.cli.options.UsageError` (``main`` returns 2
after one line). None of these cases reaches a database, so no server is needed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from api.cli import main

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(("argv", "message"), [
    (["plan", "--role", "ml-engineer-gcp", "--budget", "-1"], "--budget: must be a number >= 0"),
    (["plan", "--role", "ml-engineer-gcp", "--max-hours", "lots"], "--max-hours: not a number: 'lots'"),
    (["plan", "--role", "ml-engineer-gcp", "--hours-per-week", "0"], "--hours-per-week: must be a number from 0.5"),
    (["plan", "--role", "ml-engineer-gcp", "--alternatives", "21"], "--alternatives: must be a whole number from 0"),
    (["plan", "--role", "ml-engineer-gcp", "--time-limit", "0"], "--time-limit: must be a number > 0"),
    (["plan", "--role", "ml-engineer-gcp", "--objective", "fastest"], "--objective: invalid choice"),
    (["roles", "-k", "0"], "-k: must be a whole number from 1 to 100"),
    (["gap", "--have", "python"], "the following arguments are required: --role"),
    (["show"], "the following arguments are required: id"),
    (["catalog"], "the following arguments are required: SUBCOMMAND"),
    (["viz", "--center", "python", "--depth", "6", "-o", "x.html"], "--depth: must be a whole number from 0 to 5"),
    (["viz", "--kinds", "skill"], "the following arguments are required: -o/--output"),
    (["db", "load", "--batch-size", "0"], "--batch-size: must be at least 1"),
    (["db", "serve", "--port", "70000"], "--port: must be a whole number from 0 to 65535"),
    (["cypher", "RETURN 1", "--max-rows", "0"], "--max-rows: must be at least 1"),
    (["export", "out.txt"], "unsupported file type '.txt': use .yaml, .yml or .json"),
    (["serve", "--workers", "0"], "--workers: must be at least 1"),
    (["serve", "--port", "-1"], "--port: must be a whole number from 0 to 65535"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_bad_values_and_missing_arguments_exit_2(argv: list[str], message: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(("argv", "message"), [
    (["plan", "--have", "python"], "no target: give --role, --cert, --skills or --situation"),
    (["plan", "--db", "--catalog", "x.yaml", "--role", "ml-engineer-gcp"], "give --catalog FILE or --db, not both"),
    (["validate"], "give a catalog FILE or --db (the live graph), one of the two"),
    (["validate", "some.yaml", "--db"], "give a catalog FILE or --db (the live graph), one of the two"),
    (["cypher", ":courses-teaching", "--write"], "named queries only read; drop --write"),
    (["viz", "--center", "python", "--role", "ml-engineer-gcp", "-o", "x.html"], "not both"),
    (["viz", "--depth", "2", "-o", "x.html"], "--depth needs --center"),
])
def test_options_that_do_not_fit_together_exit_2_with_one_line(argv: list[str], message: str, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert err.startswith("skillgraph: error: ") and message in err and err.count("\n") == 1
    assert out == "" and not any(tmp_path.iterdir())


def test_errors_in_what_was_asked_keep_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "pyhton"]) == 1
    assert capsys.readouterr().err.startswith("skillgraph: error: unknown id 'pyhton'")
    assert main(["plan", "--role", "ml-enginer-gcp"]) == 1
    assert main(["validate", "no-such-file.yaml"]) == 1


def test_usage_errors_exit_2_from_the_installed_command() -> None:
    for argv in (["plan", "--have", "python"], ["roles", "-k", "zero"], ["validate"]):
        proc = subprocess.run([sys.executable, "-m", "api.cli", *argv], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == 2, (argv, proc.stderr)
        assert "error:" in proc.stderr and "Traceback" not in proc.stderr and proc.stdout == "", argv


def test_bad_serve_settings_are_usage_errors_one_line_each(run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Raised to main's one handler: each bad setting on its own line, exit 2, before uvicorn starts."""
    pytest.importorskip("uvicorn")
    monkeypatch.setenv("SKILLGRAPH_CYPHER_TIMEOUT_S", "0")
    monkeypatch.setenv("SKILLGRAPH_PLAN_TIME_LIMIT_S", "lots")
    code, out, err = run_cli("serve")
    lines = err.strip().splitlines()
    assert code == 2 and out == ""
    assert len(lines) == 2 and all(line.startswith("skillgraph: error: settings: ") for line in lines), err
    assert "cypher_timeout_s: Input should be greater than 0" in lines[0]
    assert lines[1].startswith("skillgraph: error: settings: plan_time_limit_s: ")
