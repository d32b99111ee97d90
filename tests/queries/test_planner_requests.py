"""plan() with what the learner has, constraints, alternatives and bad arguments,
on small hand-written catalogs (see :mod:`tests.queries.hand_catalogs`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graph.catalog import Catalog
from graph.errors import PlanningError, SkillGraphError, UnknownId
from queries.planner import Plan, plan
from queries.simulate import parse_have, simulate
from tests.queries.hand_catalogs import assert_valid, course, ids, make, skill


# ---------------------------------------------------------------------------
# have
# ---------------------------------------------------------------------------
def test_have_course_ids_count_as_done(ml: Catalog) -> None:
    p = plan(ml, skills=["neural-nets"], have=["ml-1"])
    assert ids(p) == ["ml-2"]


def test_have_cert_ids(ml: Catalog) -> None:
    p = plan(ml, role="ml-engineer", have=["cloud-ml-exam", "neural-nets", "cloud:2"])
    assert ids(p) == []
    assert p.feasible
    p = plan(ml, cert="cloud-ml-exam", have=["cloud-ml-exam"])
    assert ids(p) == [] and p.feasible
    assert [g.status for g in p.goals] == ["held"]
    p = plan(ml, role="ml-engineer", include_optional=True, have=["cloud-ml-exam"])
    assert "cloud-ml-exam" not in ids(p)
    assert {g.id: g.status for g in p.goals}["cloud-ml-exam"] == "held"


def test_have_levels_are_parsed(ml: Catalog) -> None:
    # cloud:1 is not enough for cloud:2
    assert ids(plan(ml, skills=["cloud:2"], have=["cloud:1"])) == ["cloud-course"]
    assert ids(plan(ml, skills=["cloud:2"], have=["cloud:2"])) == []
    assert ids(plan(ml, skills=["cloud:2"], have="cloud:2")) == []  # a comma list works too


def test_skills_targets_take_levels(ml: Catalog) -> None:
    p = plan(ml, skills=["python:3", "cloud"])
    assert sorted(ids(p)) == ["cloud-course", "py-intro"]
    assert {(g.id, g.level) for g in p.goals} == {("python", 3), ("cloud", 1)}


# ---------------------------------------------------------------------------
# constraints
# ---------------------------------------------------------------------------
def test_exclude_a_course_takes_the_next_best(ml: Catalog) -> None:
    p = plan(ml, skills=["regression"], have=["python"], exclude=["stats-101"])
    assert ids(p) == ["algebra-101", "ml-1"]


def test_providers_filter_courses_case_insensitively(ml: Catalog) -> None:
    # Only Beta and Coursera courses: algebra-101 (Beta) instead of stats-101 (Acme).
    p = plan(ml, skills=["regression"], have=["python"], providers=["beta", "COURSERA"])
    assert ids(p) == ["algebra-101", "ml-1"]
    p = plan(ml, skills=["regression"], providers=["beta", "coursera"])
    assert not p.feasible  # python is only taught by Acme
    assert "python" in p.unreachable[0].reason or "py-intro" in p.unreachable[0].reason


def test_providers_do_not_filter_exams(ml: Catalog) -> None:
    p = plan(ml, cert="cloud-ml-exam", have=["neural-nets"], providers=["beta"])
    assert ids(p) == ["cloud-course", "cloud-ml-exam"]
    p = plan(ml, cert="cloud-ml-exam", have=["neural-nets", "cloud:2"], providers=["acme"])
    assert ids(p) == ["cloud-ml-exam"]


def test_must_include_a_program(ml: Catalog) -> None:
    p = plan(ml, skills=["python"], must_include=["ml-spec"])
    assert set(ids(p)) >= {"ml-1", "ml-2", "py-intro"}
    assert_valid(ml, p)


def test_must_include_an_exam(ml: Catalog) -> None:
    p = plan(ml, skills=["cloud:2"], have=["neural-nets"], must_include=["cloud-ml-exam"])
    assert ids(p) == ["cloud-course", "cloud-ml-exam"]


def test_must_include_an_unreachable_step(ml: Catalog) -> None:
    p = plan(ml, skills=["python"], must_include=["stats-101"], exclude=["stats-101"])
    assert not p.feasible
    assert [(u.id, u.kind) for u in p.unreachable] == [("stats-101", "step")]


def test_budget_counts_exam_fees(ml: Catalog) -> None:
    p = plan(ml, cert="cloud-ml-exam", have=["neural-nets"], budget=299)
    assert not p.feasible and ids(p) == []
    p = plan(ml, cert="cloud-ml-exam", have=["neural-nets"], budget=300)
    assert p.feasible and p.total_cost_usd == 300


def test_free_only_counts_audits_as_free(ml: Catalog) -> None:
    p = plan(ml, skills=["regression"], have=["python"], free_only=True)
    # stats-101 costs $30 (no audit); algebra-101 is $0; ml-1 ($49) can be audited.
    assert ids(p) == ["algebra-101", "ml-1"]
    assert p.total_cost_usd == 0
    assert all(s.cost_usd == 0 for s in p.steps)


def test_free_only_takes_no_exams(ml: Catalog) -> None:
    p = plan(ml, cert="cloud-ml-exam", have=["neural-nets", "cloud:2"], free_only=True)
    assert not p.feasible and ids(p) == []


def test_free_only_takes_free_exams_but_no_paid_ones() -> None:
    # plan(): "free_only: only free courses or free audits; no paid exams, no paid certificates."
    cat = make(skills=[skill("a")], courses=[course("c", 2, cost_usd=0, teaches=["a"])],
               certs=[{"id": "free-exam", "name": "Free exam", "exam_cost_usd": 0, "requires": ["a"]},
                      {"id": "paid-exam", "name": "Paid exam", "exam_cost_usd": 100, "requires": ["a"]}])
    assert ids(plan(cat, cert="free-exam", free_only=True)) == ["c", "free-exam"]
    p = plan(cat, cert="paid-exam", free_only=True)
    assert "paid-exam" not in ids(p)
    assert not p.feasible
    assert "free only" in p.unreachable[0].reason


def test_free_only_and_unknown_prices() -> None:
    cat = make(skills=[skill("a")], courses=[course("unknown-price", 1, teaches=["a"]),
                                             course("audit", 9, free_audit=True, teaches=["a"])])
    assert ids(plan(cat, skills=["a"], free_only=True)) == ["audit"]
    p = plan(cat, skills=["a"])
    assert ids(p) == ["unknown-price"]
    assert p.steps[0].cost_usd is None and p.total_cost_usd == 0
    assert any("unknown-price" in w and "$0" in w for w in p.warnings)


def test_constraints_are_echoed(ml: Catalog) -> None:
    p = plan(ml, skills=["python"], budget=50, max_hours=30, exclude=["stats-101"], providers=["acme"])
    assert p.constraints["budget"] == 50 and p.constraints["max_hours"] == 30
    assert p.constraints["exclude"] == ["stats-101"]
    assert p.constraints["providers"] == ["acme"]


# ---------------------------------------------------------------------------
# alternatives
# ---------------------------------------------------------------------------
def test_no_alternatives_by_default(ml: Catalog) -> None:
    assert plan(ml, role="ml-engineer").alternatives == []


def test_alternatives_are_next_best_and_never_supersets(ml: Catalog) -> None:
    # regression from python: stats-101+ml-1 (24 h) then algebra-101+ml-1 (26 h); nothing else.
    p = plan(ml, skills=["regression"], have=["python"], alternatives=3)
    assert ids(p) == ["stats-101", "ml-1"]
    assert [sorted(ids(a)) for a in p.alternatives] == [["algebra-101", "ml-1"]]
    assert p.alternatives[0].total_hours == 26


def test_an_alternative_may_use_a_course_another_one_beats() -> None:
    # Two routes to x: a-course (10 h) and b-course (12 h). The next best route after {a-course} is {b-course}.
    cat = make(skills=[skill("x")], courses=[course("a-course", 10, teaches=["x"]),
                                             course("b-course", 12, teaches=["x"])])
    p = plan(cat, skills=["x"], alternatives=1)
    assert ids(p) == ["a-course"]
    assert [ids(a) for a in p.alternatives] == [["b-course"]]


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(("kwargs", "bad"), [
    ({"have": ["pyton"], "skills": ["cloud"]}, "pyton"),
    ({"role": "ml-enginer"}, "ml-enginer"),
    ({"cert": "cloud-ml-exm"}, "cloud-ml-exm"),
    ({"skills": ["regresion"]}, "regresion"),
    ({"skills": ["cloud"], "exclude": ["stats-10"]}, "stats-10"),
    ({"skills": ["cloud"], "must_include": ["cloud-cours"]}, "cloud-cours"),
    ({"skills": ["cloud"], "providers": ["Acm"]}, "Acm"),
])
def test_unknown_ids_name_the_id_and_suggest(ml: Catalog, kwargs: dict[str, Any], bad: str) -> None:
    with pytest.raises(UnknownId) as err:
        plan(ml, **kwargs)
    text = str(err.value)
    assert bad in text
    assert "did you mean" in text
    assert isinstance(err.value, SkillGraphError)


@pytest.mark.parametrize("kwargs", [{"role": "python"}, {"cert": "python"}, {"skills": ["ml-1"]}])
def test_ids_of_the_wrong_kind_are_unknown(ml: Catalog, kwargs: dict[str, Any]) -> None:
    with pytest.raises(UnknownId):
        plan(ml, **kwargs)


@pytest.mark.parametrize("kwargs", [
    {},
    {"have": ["python"]},
    {"skills": []},
    {"role": "ml-engineer", "objective": "time"},
    {"role": "ml-engineer", "objective": "HOURS"},
    {"role": "ml-engineer", "have": ["python:0"]},
    {"role": "ml-engineer", "have": ["python:4"]},
    {"role": "ml-engineer", "have": ["python:x"]},
    {"skills": ["python:0"]},
    {"skills": ["python:4"]},
    {"skills": ["python:x"]},
    {"role": "ml-engineer", "have": ["ml-1:2"]},
    {"role": "ml-engineer", "budget": -1},
    {"role": "ml-engineer", "budget": float("nan")},
    {"role": "ml-engineer", "max_hours": -0.5},
    {"role": "ml-engineer", "alternatives": -1},
    {"role": "ml-engineer", "alternatives": 21},
    {"role": "ml-engineer", "alternatives": 1.5},
    {"role": "ml-engineer", "alternatives": "2"},
    {"role": "ml-engineer", "exclude": ["python"]},
    {"role": "ml-engineer", "must_include": ["python"]},
])
def test_bad_arguments_are_planning_errors(ml: Catalog, kwargs: dict[str, Any]) -> None:
    with pytest.raises(PlanningError):
        plan(ml, **kwargs)


def test_planning_errors_are_value_errors(ml: Catalog) -> None:
    with pytest.raises(ValueError, match="target"):
        plan(ml)


# ---------------------------------------------------------------------------
# the JSON contract
# ---------------------------------------------------------------------------
def test_model_dump_has_the_pinned_keys(ml: Catalog) -> None:
    p = plan(ml, role="researcher", have=["python"])
    data = p.model_dump()
    for key in ("feasible", "optimal", "objective", "total_hours", "total_cost_usd", "steps", "unreachable"):
        assert key in data
    assert isinstance(data["feasible"], bool) and isinstance(data["optimal"], bool)
    assert data["objective"] == "hours"
    assert data["steps"]
    for step in data["steps"]:
        for key in ("id", "kind", "title", "hours", "cost_usd", "gives", "serves"):
            assert key in step
        assert step["kind"] in ("course", "exam")
        assert isinstance(step["gives"], list) and isinstance(step["serves"], list)
    assert data["unreachable"] == [{"id": "quantum", "kind": "skill", "importance": "essential",
                                    "reason": data["unreachable"][0]["reason"]}]
    assert set(data["unreachable"][0]) >= {"id", "reason"}
    again = json.loads(p.model_dump_json())
    assert again["total_hours"] == data["total_hours"] and again["steps"][0]["id"] == data["steps"][0]["id"]
    assert Plan.model_validate(again).steps == p.steps


def test_titles_of_steps(ml: Catalog) -> None:
    p = plan(ml, cert="cloud-ml-exam", have=["neural-nets"])
    assert p.steps[0].title == "Cloud course"
    assert "Cloud ML engineer" in p.steps[1].title


def test_time_limit_returns_the_best_route_found_with_its_bound() -> None:
    # DESIGN.md: a time limit returns the best route found with optimal: false and the proven bound.
    from loaders.synthetic import learners, synthetic_catalog

    cat = synthetic_catalog(1000, seed=0)
    cut_short = 0
    for have, role in learners(cat, 4, seed=0):
        # quick first: once full has proven a problem, the planner remembers the answer (queries._memo)
        quick = plan(cat, have=have, role=role, time_limit=0.01)
        full = plan(cat, have=have, role=role)
        assert full.optimal and quick.feasible and quick.steps
        assert simulate(cat, parse_have(cat, have), [s.id for s in quick.steps]).ok
        assert quick.total_hours >= full.total_hours - 1e-9
        if not quick.optimal:
            cut_short += 1
            assert quick.bound is None or quick.bound <= full.total_hours + 1e-9
        else:
            assert quick.total_hours == pytest.approx(full.total_hours)
    assert cut_short >= 1  # 10 ms is too short to prove every one of these

