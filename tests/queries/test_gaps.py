"""gap() and closest_roles() on a small hand-written catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.catalog import Catalog
from graph.errors import PlanningError, UnknownId
from loaders import load_catalog
from queries.gaps import closest_roles, gap

YAML = """
skills:
  - {id: python, name: Python}
  - {id: sql, name: SQL}
  - {id: ml, name: Machine learning, requires: [python]}
  - {id: cloud, name: Cloud}
  - {id: on-call, name: On call, teachable: false}
courses:
  - {id: py-101, title: Python 101, hours: 8, cost_usd: 50, teaches: [{skill: python, level: 2}]}
  - {id: py-adv, title: Advanced Python, hours: 20, cost_usd: 90, teaches: [{skill: python, level: 3}]}
  - {id: sql-101, title: SQL 101, hours: 5, cost_usd: 0, teaches: [sql]}
  - {id: ml-101, title: ML 101, hours: 10, cost_usd: 0, teaches: [{skill: ml, level: 2}]}
  - {id: cloud-101, title: Cloud 101, hours: 12, cost_usd: 20, teaches: [cloud]}
certs:
  - {id: cloud-exam, name: Cloud exam, exam_cost_usd: 150, prep_hours: 10, requires: [cloud]}
roles:
  - id: analyst
    title: Analyst
    needs: [{skill: python, level: 2}, sql]
  - id: ml-eng
    title: ML engineer
    needs: [{skill: python, level: 2}, {skill: ml, level: 2}, {skill: on-call, importance: optional}]
    values: [cloud-exam]
  - id: sre
    title: Site reliability engineer
    needs: [on-call, cloud]
  - id: data-eng
    title: Data engineer
    needs: [sql, cloud]
"""


@pytest.fixture(scope="module")
def cat(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    path: Path = tmp_path_factory.mktemp("gaps") / "catalog.yaml"
    path.write_text(YAML, encoding="utf-8")
    return load_catalog(path)


# -- gap ---------------------------------------------------------------------------------
def test_gap_statuses_and_closers(cat: Catalog) -> None:
    g = gap(cat, have=["python:1", "sql"], role="ml-eng")
    assert (g.role, g.title) == ("ml-eng", "ML engineer")
    items = {i.id: i for i in g.items}
    assert list(items) == ["python", "ml", "on-call", "cloud-exam"]

    py = items["python"]
    assert (py.status, py.have_level, py.needed_level) == ("partial", 1, 2)
    assert py.closed_by == ["py-101"]  # 8 h beats py-adv's 20 h

    assert (items["ml"].status, items["ml"].have_level) == ("missing", 0)
    assert items["ml"].closed_by == ["ml-101"]

    oc = items["on-call"]
    assert oc.status == "unreachable" and oc.importance == "optional"
    assert oc.reason and "learnt on the job" in oc.reason
    assert oc.closed_by == []

    exam = items["cloud-exam"]
    assert (exam.kind, exam.status, exam.closed_by) == ("cert", "missing", ["cloud-exam"])

    assert (g.met, g.missing) == (0, 4)
    route = [s.id for s in g.plan.steps]
    assert sorted(route) == ["cloud-101", "cloud-exam", "ml-101", "py-101"]
    for item in g.items:
        assert set(item.closed_by) <= set(route)


def test_gap_when_everything_is_met(cat: Catalog) -> None:
    g = gap(cat, have=["python", "sql"], role="analyst")
    assert [i.status for i in g.items] == ["met", "met"]
    assert all(i.closed_by == [] for i in g.items)
    assert (g.met, g.missing) == (2, 0)
    assert g.plan.steps == [] and g.plan.feasible


def test_gap_counts_held_certs_and_courses(cat: Catalog) -> None:
    g = gap(cat, have=["cloud-exam", "py-101", "ml-101"], role="ml-eng")
    status = {i.id: i.status for i in g.items}
    assert status == {"python": "met", "ml": "met", "on-call": "unreachable", "cloud-exam": "met"}
    assert [s.id for s in g.plan.steps] == []
    assert g.met == 3 and g.missing == 1


def test_gap_of_an_essential_unreachable_need(cat: Catalog) -> None:
    g = gap(cat, have=[], role="sre")
    items = {i.id: i for i in g.items}
    assert items["on-call"].status == "unreachable" and items["on-call"].importance == "essential"
    assert items["cloud"].status == "missing" and items["cloud"].closed_by == ["cloud-101"]
    assert not g.plan.feasible


def test_gap_passes_constraints_to_the_planner(cat: Catalog) -> None:
    g = gap(cat, have=["python:1"], role="analyst", exclude=["py-101"])
    items = {i.id: i for i in g.items}
    assert items["python"].closed_by == ["py-adv"]
    assert items["sql"].closed_by == ["sql-101"]
    g = gap(cat, have=["python:1"], role="analyst", objective="cost", exclude=["py-101", "py-adv"])
    assert {i.id: i.status for i in g.items} == {"python": "unreachable", "sql": "missing"}


def test_gap_errors(cat: Catalog) -> None:
    with pytest.raises(UnknownId, match="did you mean"):
        gap(cat, have=[], role="analist")
    with pytest.raises(UnknownId, match="pythn"):
        gap(cat, have=["pythn"], role="analyst")
    with pytest.raises(PlanningError):
        gap(cat, have=["python:5"], role="analyst")


# -- closest_roles ---------------------------------------------------------------------
def test_closest_roles_ranked_by_route_hours(cat: Catalog) -> None:
    # From python:1 -- analyst: py-101 8 + sql-101 5 = 13 h; data-eng: 5 + 12 = 17 h;
    # ml-eng: py-101 8 + ml-101 10 + cloud-101 12 + exam 10 = 40 h; sre: on-call is never taught.
    ranked = closest_roles(cat, ["python:1"], k=10)
    assert [r.role for r in ranked] == ["analyst", "data-eng", "ml-eng", "sre"]
    assert [r.value for r in ranked] == [13, 17, 40, None]
    assert [r.feasible for r in ranked] == [True, True, True, False]
    assert ranked[-1].unreachable == ["on-call"]
    assert ranked[0].missing == 2  # python:2 and sql
    assert ranked[0].total_steps == 2 and ranked[0].total_cost_usd == 50
    assert all(r.objective == "hours" for r in ranked)


def test_closest_roles_by_cost(cat: Catalog) -> None:
    # analyst: $50 + $0; data-eng: $0 + $20; ml-eng: $50 + $0 + $20 + $150.
    ranked = closest_roles(cat, ["python:1"], k=10, objective="cost")
    assert [r.role for r in ranked] == ["data-eng", "analyst", "ml-eng", "sre"]
    assert [r.value for r in ranked] == [20, 50, 220, None]


def test_closest_roles_top_k(cat: Catalog) -> None:
    assert [r.role for r in closest_roles(cat, ["python:1"], k=2)] == ["analyst", "data-eng"]
    assert closest_roles(cat, ["python:1"], k=0) == []


def test_closest_roles_put_infeasible_roles_last(cat: Catalog) -> None:
    ranked = closest_roles(cat, ["python:1"], k=10, exclude=["sql-101"])
    feasible = [r.feasible for r in ranked]
    assert feasible == sorted(feasible, reverse=True)
    assert [r.role for r in ranked if r.feasible] == ["ml-eng"]
    assert {r.role for r in ranked if not r.feasible} == {"analyst", "data-eng", "sre"}
    for r in ranked:
        if not r.feasible:
            assert r.value is None and r.unreachable


def test_closest_roles_when_a_role_is_already_met(cat: Catalog) -> None:
    ranked = closest_roles(cat, ["python", "sql"], k=1)
    assert ranked[0].role == "analyst" and ranked[0].value == 0 and ranked[0].missing == 0


def test_closest_roles_say_which_steps_have_no_price() -> None:
    from loaders import load_catalog
    from queries.gaps import closest_roles
    from queries.planner import plan

    cat = load_catalog()
    rows = closest_roles(cat, ["python", "sql"], k=11)
    assert any(r.unpriced for r in rows)
    for r in rows:
        p = plan(cat, have=["python", "sql"], role=r.role)
        assert r.unpriced == [s.id for s in p.steps if s.cost_usd is None], r.role
