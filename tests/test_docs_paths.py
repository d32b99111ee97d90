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


def test_the_readme_names_the_three_guides_by_what_they_are() -> None:
    """A reader with only a clone learns what the guides are, not where they lay on the maintainer's machine."""
    text = " ".join((ROOT / "README.md").read_text().split())
    for guide in ("guide to which of Coursera's machine learning specializations fits which learner",
                  "review of Andrew Ng's Machine Learning Specialization",
                  "guide to machine learning engineer certifications"):
        assert guide in text
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        local = re.findall(r"(?:shared/sources|/work/|/home/)\S*", doc.read_text())
        assert not local, (doc.name, local)
