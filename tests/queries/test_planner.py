"""Behaviour of plan() on small hand-written catalogs.

Every expected route below is worked out by hand from DESIGN.md's route
semantics and plan()'s docstring (the comments give the arithmetic), never
copied from the planner's output.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from graph.catalog import Catalog
from graph.errors import PlanningError, SkillGraphError, UnknownId
from loaders import load_catalog
from queries.planner import Plan, plan
from queries.simulate import parse_have, simulate


def skill(id_: str, **kw: Any) -> dict[str, Any]:
    return {"id": id_, "name": id_.replace("-", " ").title(), **kw}


def course(id_: str, hours: float, **kw: Any) -> dict[str, Any]:
    return {"id": id_, "title": f"Course {id_}", "hours": hours, **kw}


def make(skills: list[Any] = (), courses: list[Any] = (), programs: list[Any] = (), certs: list[Any] = (),
         roles: list[Any] = ()) -> Catalog:
    return Catalog.model_validate({"skills": list(skills), "courses": list(courses), "programs": list(programs),
                                   "certs": list(certs), "roles": list(roles)})


def ids(p: Plan) -> list[str]:
    return [s.id for s in p.steps]


def assert_valid(cat: Catalog, p: Plan, have: list[str] = (), *, paid: bool = True) -> None:
    check = simulate(cat, parse_have(cat, list(have)), ids(p), paid=paid)
    assert check.ok, check.problems


# ---------------------------------------------------------------------------
# a YAML catalog loaded through loaders.load_catalog
# ---------------------------------------------------------------------------
ML_YAML = """
skills:
  - {id: python, name: Python}
  - {id: algebra, name: Linear algebra}
  - {id: statistics, name: Statistics}
  - id: regression
    name: Regression
    requires: [python, {any_of: [algebra, statistics]}]
  - id: neural-nets
    name: Neural networks
    requires: [{skill: regression, level: 2}]
  - {id: cloud, name: Cloud}
  - {id: on-call, name: Being on call, teachable: false}
  - {id: quantum, name: Quantum ML}
courses:
  - id: py-intro
    title: Python intro
    provider: Acme
    hours: 10
    cost_usd: 0
    teaches: [{skill: python, level: 3}]
  - id: stats-101
    title: Statistics 101
    provider: Acme
    hours: 4
    cost_usd: 30
    teaches: [statistics]
  - id: algebra-101
    title: Algebra 101
    provider: Beta
    hours: 6
    cost_usd: 0
    teaches: [algebra]
  - id: ml-1
    title: ML part 1
    provider: Coursera
    hours: 20
    cost_usd: 49
    free_audit: true
    teaches: [{skill: regression, level: 2}]
    part_of: ml-spec
  - id: ml-2
    title: ML part 2
    provider: Coursera
    hours: 25
    cost_usd: 49
    free_audit: true
    teaches: [neural-nets]
    part_of: ml-spec
  - id: cloud-course
    title: Cloud course
    provider: Beta
    hours: 15
    cost_usd: 100
    teaches: [{skill: cloud, level: 2}]
programs:
  - id: ml-spec
    title: ML specialization
    courses: [ml-1, ml-2]
certs:
  - id: ml-spec-cert
    name: ML specialization certificate
    kind: completion
    program: ml-spec
  - id: cloud-ml-exam
    name: Cloud ML engineer
    provider: Beta
    exam_cost_usd: 200
    prep_hours: 40
    recommended_experience_years: 2
    requires: [neural-nets, {skill: cloud, level: 2}]
roles:
  - id: ml-engineer
    title: ML engineer
    needs:
      - {skill: neural-nets, level: 1}
      - {skill: cloud, level: 2}
      - {skill: on-call, importance: optional}
    values:
      - {cert: cloud-ml-exam, importance: optional}
  - id: researcher
    title: Researcher
    needs: [quantum, regression]
  - id: certified
    title: Certified ML practitioner
    needs: [regression]
    values: [ml-spec-cert]
"""


@pytest.fixture(scope="module")
def ml(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    path: Path = tmp_path_factory.mktemp("planner") / "ml.yaml"
    path.write_text(ML_YAML, encoding="utf-8")
    return load_catalog(path)


def test_route_through_a_yaml_catalog(ml: Catalog) -> None:
    # neural-nets needs regression:2 (ml-1), regression needs python and algebra|statistics.
    # Cheapest hours: py-intro 10 + stats-101 4 (< algebra 6) + ml-1 20 + ml-2 25 + cloud-course 15 = 74.
    p = plan(ml, role="ml-engineer")
    assert p.feasible and p.optimal
    assert sorted(ids(p)) == ["cloud-course", "ml-1", "ml-2", "py-intro", "stats-101"]
    assert p.total_hours == 74
    assert p.total_cost_usd == 0 + 30 + 49 + 49 + 100
    assert p.total_steps == 5
    assert_valid(ml, p)
    order = ids(p)
    assert order.index("py-intro") < order.index("ml-1") < order.index("ml-2")
    assert order.index("stats-101") < order.index("ml-1")


def test_cost_objective_prefers_the_free_course(ml: Catalog) -> None:
    # algebra-101 is $0 where stats-101 is $30: cost 0+0+49+49+100 = 198.
    p = plan(ml, role="ml-engineer", objective="cost")
    assert "algebra-101" in ids(p) and "stats-101" not in ids(p)
    assert p.total_cost_usd == 198
    assert p.objective == "cost"


# ---------------------------------------------------------------------------
# levels
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def levels() -> Catalog:
    return make(
        skills=[skill("x")],
        courses=[course("basic", 1, teaches=["x"]), course("advanced", 10, teaches=[{"skill": "x", "level": 3}])],
        roles=[{"id": "needs-2", "title": "R", "needs": [{"skill": "x", "level": 2}]}],
    )


@pytest.mark.parametrize(("target", "route"), [("x", ["basic"]), ("x:1", ["basic"]), ("x:2", ["advanced"]),
                                               ("x:3", ["advanced"])])
def test_teaching_level_k_gives_levels_1_to_k(levels: Catalog, target: str, route: list[str]) -> None:
    p = plan(levels, skills=[target])
    assert p.feasible and ids(p) == route


def test_level_1_teaching_does_not_satisfy_level_2() -> None:
    cat = make(skills=[skill("x")], courses=[course("basic", 1, teaches=["x"])],
               roles=[{"id": "r", "title": "R", "needs": [{"skill": "x", "level": 2}]}])
    p = plan(cat, role="r")
    assert not p.feasible
    assert [u.id for u in p.unreachable] == ["x:2"]
    assert "level 2" in p.unreachable[0].reason


@pytest.mark.parametrize(("have", "route"), [([], ["advanced"]), (["x:1"], ["advanced"]), (["x:2"], []),
                                             (["x"], []), (["basic"], ["advanced"]), (["advanced"], [])])
def test_have_levels(levels: Catalog, have: list[str], route: list[str]) -> None:
    p = plan(levels, role="needs-2", have=have)
    assert p.feasible and ids(p) == route


def test_a_held_skill_meets_a_need_nothing_teaches_at_that_level() -> None:
    # The learner already has x at level 2; no course teaches x at level 2, so none is needed.
    cat = make(skills=[skill("x"), skill("y")], courses=[course("y-course", 3, teaches=["y"])],
               roles=[{"id": "r", "title": "R", "needs": [{"skill": "x", "level": 2}]}])
    p = plan(cat, role="r", have=["x:2"])
    assert p.unreachable == []
    assert p.feasible
    assert ids(p) == []
    assert [g.status for g in p.goals] == ["held"]


# ---------------------------------------------------------------------------
# any_of groups and skill prerequisites
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def groups() -> Catalog:
    return make(
        skills=[skill("algebra"), skill("statistics"), skill("ml")],
        courses=[course("alg", 10, teaches=["algebra"]), course("stats", 3, teaches=["statistics"]),
                 course("ml-course", 5, requires=[{"any_of": ["algebra", {"skill": "statistics", "level": 2}]}],
                        teaches=["ml"]),
                 course("stats-2", 4, teaches=[{"skill": "statistics", "level": 2}])],
    )


def test_any_of_takes_the_cheapest_member(groups: Catalog) -> None:
    # algebra (alg, 10 h) or statistics:2 (stats-2, 4 h; stats gives only level 1): 4 + 5 = 9.
    p = plan(groups, skills=["ml"])
    assert ids(p) == ["stats-2", "ml-course"]
    assert p.total_hours == 9


@pytest.mark.parametrize("have", [["algebra"], ["statistics:2"], ["alg"]])
def test_any_of_holds_with_one_member(groups: Catalog, have: list[str]) -> None:
    p = plan(groups, skills=["ml"], have=have)
    assert ids(p) == ["ml-course"]


def test_any_of_member_levels_count(groups: Catalog) -> None:
    p = plan(groups, skills=["ml"], have=["statistics:1"])
    assert ids(p) == ["stats-2", "ml-course"]


def test_skill_prerequisites_taught_by_the_same_course_are_not_required() -> None:
    # y requires x. "both" teaches x and y (5 h) and needs nothing; "only-y" needs x first.
    # If x were wrongly required for "both", the best route would be only-x + only-y (11 h).
    cat = make(skills=[skill("x"), skill("y", requires=["x"])],
               courses=[course("both", 5, teaches=["x", "y"]), course("only-x", 10, teaches=["x"]),
                        course("only-y", 1, teaches=["y"])])
    p = plan(cat, skills=["y"])
    assert ids(p) == ["both"]
    assert p.total_hours == 5


def test_skill_prerequisites_must_hold_for_a_course_teaching_the_skill() -> None:
    cat = make(skills=[skill("x"), skill("y", requires=["x"])],
               courses=[course("only-x", 10, teaches=["x"]), course("only-y", 1, teaches=["y"])])
    p = plan(cat, skills=["y"])
    assert ids(p) == ["only-x", "only-y"]
    assert p.steps[0].serves == ["only-y"]


def test_a_taught_prerequisite_must_reach_the_required_level() -> None:
    # y requires x:2; "both" teaches x only at level 1, so x:2 must come first from x-2.
    cat = make(skills=[skill("x"), skill("y", requires=[{"skill": "x", "level": 2}])],
               courses=[course("both", 5, teaches=["x", "y"]), course("x-2", 7, teaches=[{"skill": "x", "level": 2}])])
    p = plan(cat, skills=["y"])
    assert ids(p) == ["x-2", "both"]


# ---------------------------------------------------------------------------
# exams and certificates
# ---------------------------------------------------------------------------
def test_an_exam_is_a_step_that_earns_its_cert(ml: Catalog) -> None:
    p = plan(ml, cert="cloud-ml-exam", have=["neural-nets"])
    assert ids(p) == ["cloud-course", "cloud-ml-exam"]
    exam = p.steps[-1]
    assert exam.kind == "exam"
    assert exam.hours == 40 and exam.cost_usd == 200
    assert exam.earns == ["cloud-ml-exam"]
    assert "cloud-ml-exam" in exam.gives
    assert "cloud-ml-exam" in exam.serves
    assert p.total_hours == 15 + 40 and p.total_cost_usd == 100 + 200
    assert p.steps[0].serves == ["cloud-ml-exam"]  # the course is a prerequisite of the exam


def test_an_exam_counts_in_the_role_goal_when_optional_ones_are_asked_for(ml: Catalog) -> None:
    p = plan(ml, role="ml-engineer", include_optional=True)
    assert "cloud-ml-exam" in ids(p)
    assert ids(p)[-1] == "cloud-ml-exam"
    assert_valid(ml, p)


def test_a_held_cert_is_not_retaken(ml: Catalog) -> None:
    p = plan(ml, cert="cloud-ml-exam", have=["cloud-ml-exam"])
    assert p.feasible and ids(p) == []


def test_experience_warning_for_an_exam(ml: Catalog) -> None:
    p = plan(ml, cert="cloud-ml-exam", have=["neural-nets"])
    assert any("cloud-ml-exam" in w and "2" in w for w in p.warnings)


def test_an_exam_can_require_another_cert() -> None:
    cat = make(skills=[skill("x")], courses=[course("c", 2, teaches=["x"])],
               certs=[{"id": "assoc", "name": "Associate", "exam_cost_usd": 100, "prep_hours": 5, "requires": ["x"]},
                      {"id": "pro", "name": "Professional", "exam_cost_usd": 200, "prep_hours": 10,
                       "requires": [{"cert": "assoc"}]}])
    p = plan(cat, cert="pro")
    assert ids(p) == ["c", "assoc", "pro"]
    assert [s.kind for s in p.steps] == ["course", "exam", "exam"]
    assert p.total_hours == 17 and p.total_cost_usd == 300


def test_completion_cert_is_earned_by_finishing_the_program(ml: Catalog) -> None:
    # "certified" needs regression and values ml-spec-cert: both program courses are needed.
    p = plan(ml, role="certified", have=["python"])
    assert sorted(ids(p)) == ["ml-1", "ml-2", "stats-101"]
    assert p.feasible
    last = [s for s in p.steps if s.id in ("ml-1", "ml-2")][-1]
    assert last.earns == ["ml-spec-cert"]
    assert p.total_cost_usd == 30 + 49 + 49
    assert_valid(ml, p, ["python"])


def test_completion_cert_with_part_of_the_program_done(ml: Catalog) -> None:
    p = plan(ml, cert="ml-spec-cert", have=["ml-1"])
    assert ids(p) == ["ml-2"]
    assert p.steps[0].earns == ["ml-spec-cert"]


def test_no_completion_cert_under_free_only(ml: Catalog) -> None:
    p = plan(ml, role="certified", have=["python"], free_only=True)
    assert not p.feasible
    [u] = [u for u in p.unreachable if u.id == "ml-spec-cert"]
    assert "free only" in u.reason
    assert "regression" not in {u.id for u in p.unreachable}
    # The rest (regression) is still planned, for free: algebra-101 is $0, ml-1 is audited.
    assert sorted(ids(p)) == ["algebra-101", "ml-1"]
    assert p.total_cost_usd == 0


def test_excluding_a_completion_cert(ml: Catalog) -> None:
    p = plan(ml, cert="ml-spec-cert", exclude=["ml-spec-cert"])
    assert not p.feasible
    assert [u.id for u in p.unreachable] == ["ml-spec-cert"]
    assert "exclude" in p.unreachable[0].reason


# ---------------------------------------------------------------------------
# essential and optional goals
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def optional() -> Catalog:
    return make(
        skills=[skill("a"), skill("b")],
        courses=[course("a-course", 3, teaches=["a"]), course("b-course", 4, teaches=["b"])],
        certs=[{"id": "exam", "name": "Exam", "prep_hours": 2, "exam_cost_usd": 50, "requires": ["a"]}],
        roles=[{"id": "r", "title": "R", "needs": ["a", {"skill": "b", "importance": "optional"}],
                "values": [{"cert": "exam", "importance": "optional"}]},
               {"id": "r-essential-cert", "title": "R2", "needs": ["a"], "values": ["exam"]}],
    )


def test_optional_goals_are_not_planned_by_default(optional: Catalog) -> None:
    p = plan(optional, role="r")
    assert ids(p) == ["a-course"]
    status = {g.id: g.status for g in p.goals}
    assert status == {"a": "route", "b": "not-planned", "exam": "not-planned"}
    assert any("include_optional" in w and "b" in w for w in p.warnings)


def test_include_optional_plans_them(optional: Catalog) -> None:
    p = plan(optional, role="r", include_optional=True)
    assert sorted(ids(p)) == ["a-course", "b-course", "exam"]
    assert {g.id: g.status for g in p.goals} == {"a": "route", "b": "route", "exam": "route"}
    assert {g.id: g.by for g in p.goals} == {"a": "a-course", "b": "b-course", "exam": "exam"}


def test_essential_valued_certs_are_planned(optional: Catalog) -> None:
    p = plan(optional, role="r-essential-cert")
    assert ids(p) == ["a-course", "exam"]


def test_optional_unreachable_goals_are_reported_as_optional() -> None:
    cat = make(skills=[skill("a"), skill("b")], courses=[course("a-course", 3, teaches=["a"])],
               roles=[{"id": "r", "title": "R", "needs": ["a", {"skill": "b", "importance": "optional"}]}])
    p = plan(cat, role="r", include_optional=True)
    assert ids(p) == ["a-course"]
    [u] = p.unreachable
    assert (u.id, u.importance) == ("b", "optional")
    p = plan(cat, role="r")
    assert p.unreachable == [] and p.feasible


# ---------------------------------------------------------------------------
# tie-breaking
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("file_order", [["b-course", "a-course"], ["a-course", "b-course"]])
def test_equal_cost_ties_break_by_id(file_order: list[str]) -> None:
    cat = make(skills=[skill("x")], courses=[course(c, 5, cost_usd=10, teaches=["x"]) for c in file_order])
    for objective in ("hours", "cost", "steps"):
        assert ids(plan(cat, skills=["x"], objective=objective)) == ["a-course"]


def test_equal_cost_ties_break_to_fewer_steps() -> None:
    # Route {x-only, y-only} is 4 + 6 = 10 h; {one} is 10 h too, in one step; "a-..." ids sort first.
    cat = make(skills=[skill("x"), skill("y")],
               courses=[course("a-x-only", 4, teaches=["x"]), course("a-y-only", 6, teaches=["y"]),
                        course("z-one", 10, teaches=["x", "y"])])
    p = plan(cat, skills=["x", "y"])
    assert ids(p) == ["z-one"]
    assert p.total_hours == 10


def test_the_answer_is_reproducible(ml: Catalog) -> None:
    first = plan(ml, role="ml-engineer", include_optional=True).model_dump(exclude={"solve_ms"})
    for _ in range(3):
        assert plan(ml, role="ml-engineer", include_optional=True).model_dump(exclude={"solve_ms"}) == first


def test_objectives_pick_different_routes() -> None:
    # slow-cheap: 30 h $0; fast-dear: 2 h $300; two-step: 2 x (12 h, $20).
    cat = make(skills=[skill("x"), skill("h")],
               courses=[course("slow-cheap", 30, cost_usd=0, teaches=["x"]),
                        course("fast-dear", 2, cost_usd=300, teaches=["x"]),
                        course("half", 12, cost_usd=20, teaches=["h"]),
                        course("rest", 12, cost_usd=20, requires=["h"], teaches=["x"])])
    assert ids(plan(cat, skills=["x"], objective="hours")) == ["fast-dear"]
    assert ids(plan(cat, skills=["x"], objective="cost")) == ["slow-cheap"]
    # steps: three one-step routes; tie to the lowest id.
    assert ids(plan(cat, skills=["x"], objective="steps")) == ["fast-dear"]
    assert ids(plan(cat, skills=["x"], objective="hours", budget=100)) == ["half", "rest"]
    assert ids(plan(cat, skills=["x"], objective="cost", max_hours=25)) == ["half", "rest"]


# ---------------------------------------------------------------------------
# the weekly schedule
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chain() -> Catalog:
    return make(skills=[skill("a"), skill("b"), skill("c")],
                courses=[course("first", 3, teaches=["a"]), course("second", 12, requires=["a"], teaches=["b"]),
                         course("third", 5, requires=["b"], teaches=["c"])])


def test_weekly_schedule(chain: Catalog) -> None:
    # 0-3 h, 3-15 h, 15-20 h at 10 h a week: weeks 1, 1-2, 2.
    p = plan(chain, skills=["c"], hours_per_week=10)
    assert ids(p) == ["first", "second", "third"]
    assert [(s.week_start, s.week_end) for s in p.steps] == [(1, 1), (1, 2), (2, 2)]
    assert p.weeks == 2 and p.hours_per_week == 10
    assert [(w.week, w.hours, w.steps) for w in p.schedule] == [(1, 10, ["first", "second"]),
                                                              (2, 10, ["second", "third"])]
    assert math.isclose(sum(w.hours for w in p.schedule), p.total_hours)


def test_weekly_schedule_partial_last_week(chain: Catalog) -> None:
    p = plan(chain, skills=["c"], hours_per_week=6)
    # 0-3, 3-15, 15-20 at 6 h a week: weeks 1, 1-3, 3-4; 4 weeks, the last with 2 h.
    assert [(s.week_start, s.week_end) for s in p.steps] == [(1, 1), (1, 3), (3, 4)]
    assert p.weeks == 4
    assert [w.hours for w in p.schedule] == [6, 6, 6, 2]
    assert math.isclose(sum(w.hours for w in p.schedule), p.total_hours)


def test_no_schedule_without_hours_per_week(chain: Catalog) -> None:
    p = plan(chain, skills=["c"])
    assert p.schedule == [] and p.weeks is None
    assert all(s.week_start is None and s.week_end is None for s in p.steps)


def test_every_step_falls_in_the_scheduled_weeks() -> None:
    # A 10 h course then an exam with no prep hours, at 10 h a week.
    cat = make(skills=[skill("a")], courses=[course("c", 10, cost_usd=5, teaches=["a"])],
               certs=[{"id": "exam", "name": "Exam", "prep_hours": 0, "exam_cost_usd": 50, "requires": ["a"]}])
    p = plan(cat, cert="exam", hours_per_week=10)
    assert ids(p) == ["c", "exam"]
    assert p.weeks is not None
    for s in p.steps:
        assert 1 <= s.week_start <= s.week_end <= p.weeks, (s.id, s.week_start, s.week_end, p.weeks)
    scheduled = {sid for w in p.schedule for sid in w.steps}
    assert scheduled == set(ids(p))


@pytest.mark.parametrize("hpw", [0, -5])
def test_hours_per_week_must_be_positive(chain: Catalog, hpw: float) -> None:
    with pytest.raises(PlanningError):
        plan(chain, skills=["c"], hours_per_week=hpw)


# ---------------------------------------------------------------------------
# explanations
# ---------------------------------------------------------------------------
def test_every_step_has_a_reason_and_serves_something(ml: Catalog) -> None:
    p = plan(ml, role="ml-engineer", include_optional=True)
    for s in p.steps:
        assert s.reason.strip()
        assert s.serves
        assert "asked to include" not in s.reason
    by_id = {s.id: s for s in p.steps}
    assert "ml-2" in by_id["ml-1"].serves
    assert "neural-nets" in by_id["ml-2"].serves
    assert "cloud-ml-exam" in by_id["cloud-ml-exam"].serves
    assert "cloud:2" in by_id["cloud-course"].serves
    assert "regression:2" in by_id["ml-1"].gives
    assert by_id["py-intro"].gives == ["python:3"]


def test_program_courses_needed_only_for_the_certificate_are_explained() -> None:
    cat = make(skills=[skill("a"), skill("b")],
               courses=[course("p1", 3, cost_usd=10, teaches=["a"], part_of="p"),
                        course("p2", 3, cost_usd=10, teaches=["b"], part_of="p")],
               programs=[{"id": "p", "title": "P", "courses": ["p1", "p2"]}],
               certs=[{"id": "p-cert", "name": "P certificate", "kind": "completion", "program": "p"}])
    p = plan(cat, cert="p-cert")
    assert ids(p) == ["p1", "p2"]
    for s in p.steps:
        assert s.serves, f"{s.id} serves nothing; reason {s.reason!r}"
        assert "asked to include" not in s.reason, f"{s.id} was not asked for: {s.reason!r}"


def test_must_include_reason(chain: Catalog) -> None:
    p = plan(chain, skills=["a"], must_include=["third"])
    assert ids(p) == ["first", "second", "third"]
    assert "asked to include" in p.steps[-1].reason
    assert "asked to include" not in p.steps[0].reason


# ---------------------------------------------------------------------------
# unreachable goals and their reasons
# ---------------------------------------------------------------------------
def test_nothing_teaches_it(ml: Catalog) -> None:
    p = plan(ml, role="researcher", have=["python"])
    assert not p.feasible
    [u] = p.unreachable
    assert u.id == "quantum" and "nothing teaches it" in u.reason
    # the reachable rest is still planned: regression via stats-101 (4 h) + ml-1 (20 h)
    assert sorted(ids(p)) == ["ml-1", "stats-101"]
    assert p.optimal


def test_learnt_on_the_job(ml: Catalog) -> None:
    p = plan(ml, role="ml-engineer", include_optional=True)
    [u] = p.unreachable
    assert u.id == "on-call" and "learnt on the job" in u.reason
    assert u.importance == "optional"


def test_excluded_by_a_constraint(ml: Catalog) -> None:
    p = plan(ml, skills=["cloud:2"], exclude=["cloud-course"])
    assert not p.feasible and ids(p) == []
    [u] = p.unreachable
    assert u.id == "cloud:2"
    assert "excluded by a constraint" in u.reason and "cloud-course" in u.reason


def test_excluding_a_program_excludes_its_courses(ml: Catalog) -> None:
    p = plan(ml, skills=["regression"], exclude=["ml-spec"])
    assert not p.feasible
    assert "excluded" in p.unreachable[0].reason and "ml-1" in p.unreachable[0].reason


def test_needs_something_unreachable() -> None:
    cat = make(skills=[skill("x"), skill("y")], courses=[course("y-course", 3, requires=["x"], teaches=["y"])])
    p = plan(cat, skills=["y"])
    assert not p.feasible
    [u] = p.unreachable
    assert u.id == "y"
    assert "needs something unreachable" in u.reason and "y-course" in u.reason and "x" in u.reason


def test_budget_too_small_names_the_cheapest_cost() -> None:
    # Two $60 courses are needed: $120 at least, over a $100 budget.
    cat = make(skills=[skill("a"), skill("b")],
               courses=[course("ca", 1, cost_usd=60, teaches=["a"]), course("cb", 1, cost_usd=60, teaches=["b"]),
                        course("cb-dear", 1, cost_usd=90, teaches=["b"])])
    p = plan(cat, skills=["a", "b"], budget=100)
    assert not p.feasible and ids(p) == []
    reasons = [u.reason for u in p.unreachable if u.id == "budget"]
    assert reasons and "120" in reasons[0] and "100" in reasons[0]
    p = plan(cat, skills=["a", "b"], budget=120)
    assert p.feasible and sorted(ids(p)) == ["ca", "cb"]


def test_a_single_step_over_the_budget() -> None:
    cat = make(skills=[skill("a")], courses=[course("dear", 1, cost_usd=500, teaches=["a"])])
    p = plan(cat, skills=["a"], budget=100)
    assert not p.feasible
    [u] = p.unreachable
    assert u.id == "a" and "budget" in u.reason and "dear" in u.reason


def test_max_hours_too_small_names_the_least_hours(chain: Catalog) -> None:
    p = plan(chain, skills=["c"], max_hours=15)  # the chain needs 20 h
    assert not p.feasible and ids(p) == []
    reasons = [u.reason for u in p.unreachable if u.id == "max_hours"]
    assert reasons and "20" in reasons[0]
    assert plan(chain, skills=["c"], max_hours=20).feasible


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
    from queries.simulate import parse_have, simulate

    cat = synthetic_catalog(1000, seed=0)
    cut_short = 0
    for have, role in learners(cat, 4, seed=0):
        full = plan(cat, have=have, role=role)
        quick = plan(cat, have=have, role=role, time_limit=0.01)
        assert full.optimal and quick.feasible and quick.steps
        assert simulate(cat, parse_have(cat, have), [s.id for s in quick.steps]).ok
        assert quick.total_hours >= full.total_hours - 1e-9
        if not quick.optimal:
            cut_short += 1
            assert quick.bound is None or quick.bound <= full.total_hours + 1e-9
        else:
            assert quick.total_hours == pytest.approx(full.total_hours)
    assert cut_short >= 1  # 10 ms is too short to prove every one of these
