"""scripts/test: CI's one command. The second pass on the newest solver names paths that exist and
covers the optimality tests (a renamed test file must not silently drop out of it)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = (ROOT / "scripts" / "test").read_text()


def test_the_newest_solver_pass_covers_the_optimality_tests() -> None:
    match = re.search(r"^LATEST_TESTS=\((.*?)\)", SCRIPT, re.S | re.M)
    assert match, "scripts/test has no LATEST_TESTS"
    words = shlex.split(match.group(1))
    paths = [w for w in words if not w.startswith("-")] + [w.split("=", 1)[1] for w in words
                                                            if w.startswith("--ignore=")]
    assert all((ROOT / p).exists() for p in paths), paths
    covered = [p for p in paths if not any(w == f"--ignore={p}" for w in words)]
    for test in ("test_certify.py", "test_seed_optima.py", "test_bruteforce.py", "test_planner.py"):
        assert any((ROOT / "tests" / "queries" / test).is_relative_to(ROOT / p) for p in covered), test


def test_ci_runs_exactly_the_readme_command() -> None:
    assert "exec bash scripts/test" in (ROOT / ".ci" / "run").read_text()
    assert "-c constraints.txt" in SCRIPT and (ROOT / "constraints.txt").exists()
