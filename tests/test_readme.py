"""The README's console examples are real: each is re-run and compared.

Refresh them after a catalog change with ``python -m tests.test_readme --write``.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def examples(text: str) -> list[tuple[str, str]]:
    """(command line, expected output) for every console block."""
    out = []
    for body in BLOCK.findall(text):
        first, _, rest = body.partition("\n")
        assert first.startswith("$ skillgraph "), first
        out.append((first[2:], rest))
    return out


def run(command: str) -> str:
    argv = shlex.split(command)
    env = {**os.environ, "COLUMNS": "100"}
    proc = subprocess.run([sys.executable, "-m", "api.cli", *argv[1:]], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    return proc.stdout + proc.stderr


@pytest.mark.parametrize(("command", "expected"), examples(README.read_text()), ids=lambda v: v[:60])
def test_readme_example_output_is_real(command: str, expected: str) -> None:
    assert run(command) == expected


def test_readme_opens_with_the_two_commands() -> None:
    text = README.read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    assert "skillgraph plan --role ml-engineer-gcp --have python,sql" in blocks[0]
    assert blocks[1].strip() == "bash scripts/test"
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()


def _write() -> None:
    text = README.read_text()

    def fresh(match: re.Match[str]) -> str:
        first = match.group(1).partition("\n")[0]
        return f"```console\n{first}\n{run(first[2:])}```"

    README.write_text(BLOCK.sub(fresh, text))


if __name__ == "__main__":
    if "--write" in sys.argv:
        _write()
