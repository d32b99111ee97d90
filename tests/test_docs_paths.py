"""The README and docs are read by users who have only the repository: every
relative path they name resolves inside it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELATIVE = re.compile(r"(?<![\w/.])((?:\.\./)+[\w./-]*)")


def test_no_document_points_outside_the_repository() -> None:
    outside = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for path in RELATIVE.findall(doc.read_text()):
            target = (doc.parent / path).resolve()
            if not target.is_relative_to(ROOT):
                outside.append(f"{doc.relative_to(ROOT)}: {path}")
    assert not outside, outside
