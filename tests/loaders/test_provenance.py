"""Provenance: a fact attributed to a guide carries the guide's words, and the words are the guide's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.catalog import Catalog
from loaders import load_catalog, validate_file
from loaders.provenance import verify_quotes
from queries.provenance import facts, provenance_counts

CATALOG = {
    "sources": [{"id": "g", "kind": "guide", "title": "A guide", "file": "guide.txt"},
                {"id": "page", "kind": "public-page", "title": "A page"},
                {"id": "us", "kind": "curator", "title": "Curators"}],
    "skills": [{"id": "python", "name": "Python", "source": "g", "quote": "learn Python first"},
               {"id": "ml", "name": "ML", "source": "page"}],
    "courses": [{"id": "c", "title": "C", "hours": 3, "teaches": ["ml"], "source": "page",
                 "provenance": {"requires": {"source": "g", "quote": "needs   Python"}}}],
    "roles": [{"id": "r", "title": "R", "needs": ["ml"], "source": "us"}],
}


def _write(tmp_path: Path, data: dict[str, object]) -> Path:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data))
    (tmp_path / "guide.txt").write_text("Always learn Python first. The course needs\nPython.")
    return path


def test_facts_are_listed_by_provenance(tmp_path: Path) -> None:
    catalog = load_catalog(_write(tmp_path, CATALOG))
    listed = {(f.id, f.field): (f.provenance, f.quote) for f in facts(catalog)}
    assert listed[("python", "record")] == ("guide", "learn Python first")
    assert listed[("c", "requires")] == ("guide", "needs   Python")
    assert listed[("c", "teaches")] == ("curator", None)  # levels taught are the curators' judgement
    assert listed[("r", "needs")] == ("curator", None)
    assert provenance_counts(catalog) == {"guide": 2, "public-page": 2, "curator": 3}


def test_quotes_are_checked_verbatim_up_to_whitespace(tmp_path: Path) -> None:
    catalog = load_catalog(_write(tmp_path, CATALOG))
    assert verify_quotes(catalog, tmp_path) == []
    data = json.loads(json.dumps(CATALOG))
    data["skills"][0]["quote"] = "learn Python second"
    wrong = verify_quotes(load_catalog(_write(tmp_path, data)), tmp_path)
    assert [(i.item, i.field) for i in wrong] == [("python", "quote")]
    assert "not the words of 'g'" in wrong[0].message


def test_a_missing_guide_file_is_named(tmp_path: Path) -> None:
    catalog = load_catalog(_write(tmp_path, CATALOG))
    [issue] = verify_quotes(catalog, tmp_path / "elsewhere")
    assert (issue.item, issue.field) == ("g", "file") and "elsewhere" in issue.message


@pytest.mark.parametrize(("where", "field"), [("skill", "source"), ("provenance", "provenance.requires")])
def test_a_guide_fact_without_a_quote_is_an_error(tmp_path: Path, where: str, field: str) -> None:
    data = json.loads(json.dumps(CATALOG))
    if where == "skill":
        del data["skills"][0]["quote"]
    else:
        del data["courses"][0]["provenance"]["requires"]["quote"]
    report = validate_file(_write(tmp_path, data))
    assert [(e.item, e.field) for e in report.errors] == [("python" if where == "skill" else "c", field)]
    assert "without its words" in report.errors[0].message


def test_an_unknown_provenance_source_is_an_error(tmp_path: Path) -> None:
    data = json.loads(json.dumps(CATALOG))
    data["courses"][0]["provenance"]["requires"]["source"] = "gg"
    report = validate_file(_write(tmp_path, data))
    assert [(e.item, e.field) for e in report.errors] == [("c", "provenance.requires")]
    assert "unknown source 'gg'" in report.errors[0].message


def test_the_seed_has_facts_of_every_class(seed: Catalog) -> None:
    counts = provenance_counts(seed)
    assert all(counts[c] > 0 for c in ("guide", "public-page", "curator"))
    assert counts.get("unknown", 0) == 0
