"""Metacademy's concept graph imported as a catalog: a hand-made sample whose mapping is
worked out below, the full data set from ../shared/data, and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from api import cli
from graph.errors import CatalogError
from loaders import load_catalog, validate_file
from loaders.metacademy import import_metacademy, metacademy_catalog
from queries.planner import plan
from tests.conftest import shared_data

SAMPLE = Path(__file__).parent / "data" / "metacademy_sample.json"


def test_the_sample_maps_as_the_module_docstring_says() -> None:
    cat, summary = metacademy_catalog(SAMPLE)
    assert [s.id for s in cat.skills] == ["linear-algebra", "linear-regression", "ridge-regression", "measure-theory",
                                          "probability"]
    assert [getattr(r, "skill", r) for r in cat.skill("ridge-regression").requires] == ["linear-regression"]
    assert [getattr(r, "skill", r) for r in cat.skill("probability").requires] == ["measure-theory"]
    assert cat.skill("linear-algebra").category == "linearalgebra"
    by_id = {c.id: c for c in cat.courses}
    assert set(by_id) == {"linear-algebra--free-linear-algebra-notes",
                          "linear-regression--the-elements-of-statistical-learning",
                          "linear-regression--paid-ml-course",
                          "ridge-regression--the-elements-of-statistical-learning",
                          "probability--metacademy-resource-r4"}
    esl = by_id["linear-regression--the-elements-of-statistical-learning"]
    # hours are the concept's learn_time (2.0), rounded to 0.1 h; free access is $0
    assert (esl.hours, esl.cost_usd, esl.format) == (2.0, 0.0, "book")
    assert esl.provider == "T. Hastie, R. Tibshirani, J. Friedman et al."
    assert esl.notes == "Section 3.2, pages 44-49"
    paid = by_id["linear-regression--paid-ml-course"]
    assert paid.cost_usd is None and paid.format == "course"
    assert paid.notes is not None and paid.notes.startswith("supplementary")
    assert by_id["linear-algebra--free-linear-algebra-notes"].hours == 3.0  # 3.04 rounded
    assert by_id["ridge-regression--the-elements-of-statistical-learning"].hours == 1.2  # 1.25 rounded half to even
    # a resource's own extra prerequisite, matched by title; an unknown title is reported and dropped
    ridge = by_id["ridge-regression--the-elements-of-statistical-learning"]
    assert [getattr(r, "skill", r) for r in ridge.requires] == ["probability"]
    assert summary.unmatched == ["no such concept"] and summary.extra_requires == 1
    assert by_id["probability--metacademy-resource-r4"].notes == "free with registration"
    assert summary.untaught == ["measure-theory"]
    assert (summary.skills, summary.steps, summary.core_steps, summary.paid_steps) == (5, 5, 4, 1)
    assert cat.sources[0].id == "metacademy" and "CC BY-SA 3.0" in cat.sources[0].model_dump()["licence"]
    assert all(x.source == "metacademy" for x in [*cat.skills, *cat.courses])


def test_core_only_keeps_the_recommended_resources() -> None:
    cat, summary = metacademy_catalog(SAMPLE, core_only=True)
    assert "linear-regression--paid-ml-course" not in {c.id for c in cat.courses}
    assert summary.steps == 4


def test_planning_on_the_sample(tmp_path: Path) -> None:
    out = tmp_path / "mc.yaml"
    import_metacademy(SAMPLE, out)
    cat = load_catalog(out)
    p = plan(cat, skills=["linear-regression"], free_only=True)
    # free only: the notes (3.0 h) then the free textbook (2.0 h); the paid course is out
    assert p.optimal and [s.id for s in p.steps] == ["linear-algebra--free-linear-algebra-notes",
                                                     "linear-regression--the-elements-of-statistical-learning"]
    assert p.total_hours == 5.0
    p = plan(cat, skills=["ridge-regression"])
    # its only resource assumes probability, which needs measure theory, which nothing teaches
    assert not p.feasible and p.optimal
    assert [u.id for u in p.unreachable] == ["ridge-regression"]


def test_the_cli_writes_a_file_that_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mc.json"
    assert cli.main(["import", "metacademy", str(SAMPLE), "-o", str(out), "--verbose"]) == 0
    printed = capsys.readouterr().out
    assert "5 concepts as skills, 5 resource links as steps (4 core, 1 paid at an unknown price)" in printed
    assert "1 concept no resource teaches; 1 extra prerequisite of" in printed
    assert "unmatched extra prerequisite: no such concept" in printed and f"wrote {out}" in printed
    assert validate_file(out).ok
    assert json.loads(out.read_text())["sources"][0]["id"] == "metacademy"


@pytest.mark.parametrize(("content", "says"), [
    ("not json", "invalid JSON at line 1"),
    ('{"a": 1}', "expected a list of fixture records"),
    ('[{"model": "graph.concept"}]', "record 0: not a fixture record"),
    ('[{"model": "graph.tag", "pk": "t", "fields": {}}]', "no graph.concept records"),
    ('[{"model": "graph.concept", "pk": "c1", "fields": {"tag": "x", "learn_time": 1}}]',
     "graph.concept 'c1': field 'title' is missing"),
    ('[{"model": "graph.concept", "pk": "c1", "fields": {"title": "X", "tag": "x", "learn_time": "soon"}}]',
     "graph.concept 'c1': field 'learn_time' is missing or not int or float"),
])
def test_bad_input_names_the_file_record_and_field_and_writes_nothing(tmp_path: Path, content: str,
                                                                      says: str) -> None:
    bad, out = tmp_path / "bad.json", tmp_path / "out.yaml"
    bad.write_text(content)
    with pytest.raises(CatalogError) as info:
        import_metacademy(bad, out)
    assert str(bad) in str(info.value) and says in str(info.value), str(info.value)
    assert not out.exists() and not list(tmp_path.glob(".out*"))


def test_an_unknown_concept_in_a_dependency_is_named(tmp_path: Path) -> None:
    data: list[Any] = json.loads(SAMPLE.read_text())
    data.append({"model": "graph.dependency", "pk": "dx", "fields": {"source": "c1", "target": "nope"}})
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(CatalogError, match="graph.dependency 'dx': names an unknown concept"):
        metacademy_catalog(bad)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Any:
    full = shared_data("metacademy", "graph_data.json")
    out = tmp_path_factory.mktemp("metacademy") / "metacademy.yaml"
    summary = import_metacademy(full, out)
    return load_catalog(out), summary


def test_the_full_set_imports_with_the_readmes_counts(full: Any) -> None:
    cat, summary = full
    # ../shared/data/README.md: 487 concepts, 1,208 dependencies, 1,442 resource links
    assert cat.counts()["skills"] == 487 and cat.counts()["courses"] == 1442
    assert sum(len(s.requires) for s in cat.skills) == 1208
    assert summary.core_steps == 1066 and len(summary.untaught) == 32


def test_every_concept_is_planned_from_nothing_and_proven(full: Any) -> None:
    cat, summary = full
    untaught = set(summary.untaught)
    feasible = 0
    for skill in cat.skills:
        p = plan(cat, skills=[skill.id])
        assert p.optimal, skill.id
        if p.feasible:
            feasible += 1
            assert p.steps and p.steps[-1].gives[0].split(":")[0] == skill.id or skill.id in p.steps[-1].gives
        else:
            assert skill.id in untaught or p.unreachable[0].reason.startswith("what teaches it needs"), skill.id
    assert feasible == 340  # the rest need a concept no resource teaches
