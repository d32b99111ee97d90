"""Behaviour of plan() on small hand-written catalogs.

Every expected route below is worked out by hand from DESIGN.md's route
semantics and plan()'s docstring (the comments give the arithmetic), never
copied from the planner's output.
"""

from __future__ import annotations

import math

import pytest

from graph.catalog import Catalog
from graph.errors import PlanningError
from queries.planner import plan
from tests.queries.hand_catalogs import assert_valid, course, ids, make, skill


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
        assert s.week_start is not None and s.week_end is not None
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
