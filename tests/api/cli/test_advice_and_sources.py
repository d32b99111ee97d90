"""``plan --situation`` prints the guide's advice and where the route departs from it;
``catalog sources`` lists facts by provenance and checks guide quotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main

GUIDES = Path("/work/shared/sources")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_situation_prints_agreeing_advice_with_the_guides_words(capsys) -> None:
    code, out, _ = run(capsys, "plan", "--situation", "data-scientist-to-engineering")
    assert code == 0
    advice = out[out.index("Guide's advice for data-scientist-to-engineering"):]
    assert "[agrees] production-ml-systems must come before google-pmle" in advice
    assert '"The Production Machine Learning Systems course addresses this directly."' in advice
    assert advice.rstrip().endswith("Route and advice agree on all 4 checks.")


def test_plan_situation_says_where_route_and_advice_differ_and_why(capsys) -> None:
    code, out, _ = run(capsys, "plan", "--situation", "swe-no-ml")
    assert code == 0
    assert "[DIFFERS] dl-structuring-ml-projects must come before applied-ml-python" in out
    assert "why: Structuring Machine Learning Projects (course 3 of the Deep Learning Specialization)" in out
    assert "Route and advice differ on 1 of 3 checks" in out


def test_plan_situation_json_carries_the_advice(capsys) -> None:
    code, out, _ = run(capsys, "plan", "--situation", "rl-aspirant", "--format", "json")
    data = json.loads(out)
    assert code == 3 and not data["feasible"]  # reinforcement learning beyond an intro: nothing teaches it
    assert [(a["check"], a["agrees"]) for a in data["advice"]] == [("must_include", True), ("must_warn", True)]
    assert all(a["quote"] and a["source"] == "review-ml-specialization" for a in data["advice"])


def test_plan_without_a_situation_prints_no_advice(capsys) -> None:
    code, out, _ = run(capsys, "plan", "--role", "ml-engineer-gcp", "--have", "python,sql")
    assert code == 0 and "Guide's advice" not in out


def test_catalog_sources_lists_facts_by_provenance(capsys) -> None:
    code, out, _ = run(capsys, "catalog", "sources")
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("facts by provenance: guide ") and "public-page" in first and "curator" in first
    assert '    course uw-ml-regression [requires]: "without requiring a PhD to follow"' in out
    assert "    skill docker\n" in out[out.index("\ncurator ("):]


def test_catalog_sources_filters_by_class(capsys) -> None:
    code, out, _ = run(capsys, "catalog", "sources", "--provenance", "public-page", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["facts"] and {f["provenance"] for f in data["facts"]} == {"public-page"}
    assert {"dl-neural-networks", "dl-cnns", "batch-data-pipelines"} <= {f["id"] for f in data["facts"]}


def test_catalog_sources_checks_quotes_against_the_guides(capsys, tmp_path: Path) -> None:
    if not GUIDES.is_dir():
        pytest.skip("the shared sources folder is not on this machine")
    code, out, _ = run(capsys, "catalog", "sources", "--guides", str(GUIDES))
    assert code == 0 and out.rstrip().endswith("every guide quote is verbatim in its guide")
    for f in GUIDES.iterdir():
        (tmp_path / f.name).write_text(f.read_text().replace("without requiring a PhD", "without a PhD"))
    code, out, _ = run(capsys, "catalog", "sources", "--guides", str(tmp_path))
    assert code == 1
    assert "error: uw-ml-regression:provenance.requires.quote: not the words of" in out
