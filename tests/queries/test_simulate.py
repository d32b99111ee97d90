"""The plain route semantics of queries.simulate: State, parse_have, takeable, simulate, unmet_goals."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.catalog import Catalog
from graph.errors import PlanningError, SkillGraphError, UnknownId
from graph.models import AnyOf, CertRef, SkillLevel
from loaders import load_catalog
from queries.simulate import State, parse_have, simulate, unmet_goals, unmet_requirements

CATALOG_YAML = """
skills:
  - {id: python, name: Python}
  - {id: algebra, name: Algebra}
  - {id: statistics, name: Statistics}
  - id: regression
    name: Regression
    requires: [python, {any_of: [algebra, statistics]}]
  - id: deep-learning
    name: Deep learning
    requires: [{skill: regression, level: 2}]
  - {id: mlops, name: MLOps, teachable: false}
courses:
  - id: py-course
    title: Python course
    hours: 10
    cost_usd: 0
    teaches: [{skill: python, level: 3}]
  - id: algebra-course
    title: Algebra
    hours: 5
    cost_usd: 20
    teaches: [algebra]
  - id: reg-course
    title: Regression course
    hours: 8
    cost_usd: 50
    teaches: [{skill: regression, level: 2}]
    part_of: ml-prog
  - id: reg-bundle
    title: Regression with its maths
    hours: 12
    cost_usd: 60
    requires: [python]
    teaches: [algebra, regression]
  - id: dl-course
    title: Deep learning course
    hours: 20
    cost_usd: 80
    teaches: [deep-learning]
    part_of: ml-prog
programs:
  - id: ml-prog
    title: ML program
    courses: [reg-course, dl-course]
certs:
  - id: ml-cert
    name: ML program certificate
    kind: completion
    program: ml-prog
  - id: vendor-exam
    name: Vendor exam
    exam_cost_usd: 150
    prep_hours: 30
    requires: [{skill: deep-learning, level: 1}]
roles:
  - id: ml-engineer
    title: ML engineer
    needs: [{skill: deep-learning, level: 1}]
"""


@pytest.fixture(scope="module")
def cat(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    path: Path = tmp_path_factory.mktemp("routes") / "catalog.yaml"
    path.write_text(CATALOG_YAML, encoding="utf-8")
    return load_catalog(path)


# -- parse_have ------------------------------------------------------------------
def test_a_skill_without_level_counts_as_level_3(cat: Catalog) -> None:
    assert parse_have(cat, ["python"]).skills == {"python": 3}


def test_a_skill_with_level(cat: Catalog) -> None:
    st = parse_have(cat, ["python:1", "algebra:2"])
    assert st.skills == {"python": 1, "algebra": 2}


def test_the_highest_level_given_wins(cat: Catalog) -> None:
    assert parse_have(cat, ["python:2", "python:1"]).skills == {"python": 2}


def test_a_course_counts_as_done_with_its_taught_levels(cat: Catalog) -> None:
    st = parse_have(cat, ["reg-course"])
    assert st.done == {"reg-course"}
    assert st.skills == {"regression": 2}
    assert st.certs == set()


def test_a_cert_counts_as_held(cat: Catalog) -> None:
    st = parse_have(cat, ["vendor-exam"])
    assert st.certs == {"vendor-exam"}
    assert st.skills == {}


def test_blank_entries_and_spaces_are_ignored(cat: Catalog) -> None:
    assert parse_have(cat, ["", "  ", " python:2 "]).skills == {"python": 2}


def test_unknown_have_id_suggests(cat: Catalog) -> None:
    with pytest.raises(UnknownId) as err:
        parse_have(cat, ["pyhton"])
    assert "pyhton" in str(err.value)
    assert "did you mean" in str(err.value) and "python" in str(err.value)
    assert isinstance(err.value, SkillGraphError) and isinstance(err.value, KeyError)


@pytest.mark.parametrize("text", ["python:0", "python:4", "python:x", "python:-1", "python:2.5"])
def test_bad_levels_are_planning_errors(cat: Catalog, text: str) -> None:
    with pytest.raises(PlanningError) as err:
        parse_have(cat, [text])
    assert "level" in str(err.value)


@pytest.mark.parametrize("text", ["py-course:2", "vendor-exam:1"])
def test_only_a_skill_takes_a_level(cat: Catalog, text: str) -> None:
    with pytest.raises(PlanningError):
        parse_have(cat, [text])


@pytest.mark.parametrize("text", ["ml-engineer", "ml-prog"])
def test_roles_and_programs_cannot_be_had(cat: Catalog, text: str) -> None:
    with pytest.raises(PlanningError):
        parse_have(cat, [text])


# -- State.holds -------------------------------------------------------------------
def test_holds_levels_any_of_and_certs() -> None:
    st = State(skills={"a": 2}, certs={"c"})
    assert st.holds(SkillLevel(skill="a", level=1))
    assert st.holds(SkillLevel(skill="a", level=2))
    assert not st.holds(SkillLevel(skill="a", level=3))
    assert not st.holds(SkillLevel(skill="b", level=1))
    assert st.holds(AnyOf(any_of=[SkillLevel(skill="b"), SkillLevel(skill="a", level=2)]))
    assert not st.holds(AnyOf(any_of=[SkillLevel(skill="b"), SkillLevel(skill="a", level=3)]))
    assert st.holds(CertRef(cert="c"))
    assert not st.holds(CertRef(cert="d"))
    assert st.holds(AnyOf(any_of=[SkillLevel(skill="b"), CertRef(cert="c")]))


def test_learn_never_lowers_a_level() -> None:
    st = State()
    st.learn("a", 3)
    st.learn("a", 1)
    assert st.skills == {"a": 3}


def test_copy_is_independent() -> None:
    st = State(skills={"a": 1}, certs={"c"}, done={"x"})
    cp = st.copy()
    cp.learn("a", 2)
    cp.certs.add("d")
    cp.done.add("y")
    assert st == State(skills={"a": 1}, certs={"c"}, done={"x"})


# -- takeable -------------------------------------------------------------------------
def test_a_course_without_requirements_is_takeable(cat: Catalog) -> None:
    assert unmet_requirements(cat, cat.course("py-course"), State()) == []


def test_skill_prerequisites_of_taught_skills_must_hold(cat: Catalog) -> None:
    course = cat.course("reg-course")  # teaches regression, which requires python and algebra|statistics
    missing = unmet_requirements(cat, course, State())
    assert len(missing) == 2
    assert any("python" in m for m in missing)
    assert any("algebra" in m and "statistics" in m for m in missing)
    assert unmet_requirements(cat, course, State(skills={"python": 1, "statistics": 1})) == []
    assert unmet_requirements(cat, course, State(skills={"python": 1, "algebra": 1})) == []
    assert unmet_requirements(cat, course, State(skills={"python": 1})) != []


def test_skill_prerequisites_the_course_teaches_itself_are_not_required(cat: Catalog) -> None:
    course = cat.course("reg-bundle")  # teaches algebra and regression; requires python
    assert unmet_requirements(cat, course, State(skills={"python": 1})) == []
    assert unmet_requirements(cat, course, State()) != []  # its own requires still hold


def test_skill_prerequisite_levels_count(cat: Catalog) -> None:
    course = cat.course("dl-course")  # deep-learning requires regression:2
    assert unmet_requirements(cat, course, State(skills={"regression": 1})) != []
    assert unmet_requirements(cat, course, State(skills={"regression": 2})) == []


# -- simulate ---------------------------------------------------------------------------
def test_simulate_a_valid_route(cat: Catalog) -> None:
    check = simulate(cat, State(), ["py-course", "algebra-course", "reg-course", "dl-course", "vendor-exam"])
    assert check.ok, check.problems
    assert check.state.skills["deep-learning"] == 1
    assert check.state.skills["regression"] == 2
    assert {"vendor-exam", "ml-cert"} <= check.state.certs  # the program is complete: its certificate is earned


def test_simulate_order_matters(cat: Catalog) -> None:
    check = simulate(cat, State(), ["dl-course", "py-course", "algebra-course", "reg-course"])
    assert not check.ok
    assert any("dl-course" in p for p in check.problems)


def test_simulate_an_exam_without_its_requirements(cat: Catalog) -> None:
    check = simulate(cat, State(), ["vendor-exam"])
    assert not check.ok
    assert any("vendor-exam" in p for p in check.problems)


def test_completion_certificates_need_every_course_and_payment(cat: Catalog) -> None:
    start = State(skills={"python": 3, "algebra": 1})
    assert "ml-cert" not in simulate(cat, start, ["reg-course"]).state.certs
    assert "ml-cert" in simulate(cat, start, ["reg-course", "dl-course"]).state.certs
    assert "ml-cert" not in simulate(cat, start, ["reg-course", "dl-course"], paid=False).state.certs


@pytest.mark.parametrize("step", ["python", "ml-prog", "ml-engineer", "ml-cert"])
def test_only_courses_and_exams_are_steps(cat: Catalog, step: str) -> None:
    assert not simulate(cat, State(), [step]).ok


def test_simulate_does_not_change_the_start_state(cat: Catalog) -> None:
    start = State()
    simulate(cat, start, ["py-course"])
    assert start == State()


def test_goal_holds_lists_what_is_missing() -> None:
    st = State(skills={"a": 2}, certs={"c"})
    assert unmet_goals(st, [("a", 2)], ["c"]) == []
    assert unmet_goals(st, [("a", 3), ("b", 1)], ["c", "d"]) == ["a:3", "b:1", "d"]
