"""The README opens with the two commands a newcomer needs.

Its examples (console blocks: ``skillgraph`` and ``curl`` with their real output) are
re-run by tests/test_docs_examples.py, with the other pages of docs/. Refresh them after
a catalog change with ``python -m tests.test_readme --write`` (the README) or
``python -m tests.docs_examples --write`` (every page).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def test_readme_opens_with_the_two_commands() -> None:
    text = README.read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    assert "skillgraph plan --role ml-engineer-gcp --have python,sql" in blocks[0]
    assert blocks[1].strip() == "bash scripts/test"
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()


if __name__ == "__main__":
    if "--write" in sys.argv:
        from tests.docs_examples import write

        print(f"README.md: {write('README.md')} example(s) rewritten")
