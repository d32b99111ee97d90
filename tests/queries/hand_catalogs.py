"""Small hand-written catalogs for the planner tests, and the checks they share.

Every expected route in the tests is worked out by hand from DESIGN.md's
route semantics and plan()'s docstring, never copied from the planner's
output.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.catalog import Catalog
from queries.planner import Plan
from queries.simulate import parse_have, simulate


def skill(id_: str, **kw: Any) -> dict[str, Any]:
    return {"id": id_, "name": id_.replace("-", " ").title(), **kw}


def course(id_: str, hours: float, **kw: Any) -> dict[str, Any]:
    return {"id": id_, "title": f"Course {id_}", "hours": hours, **kw}


def make(skills: Sequence[Any] = (), courses: Sequence[Any] = (), programs: Sequence[Any] = (),
         certs: Sequence[Any] = (), roles: Sequence[Any] = ()) -> Catalog:
    return Catalog.model_validate({"skills": list(skills), "courses": list(courses), "programs": list(programs),
                                   "certs": list(certs), "roles": list(roles)})


def ids(p: Plan) -> list[str]:
    return [s.id for s in p.steps]


def assert_valid(cat: Catalog, p: Plan, have: Sequence[str] = (), *, paid: bool = True) -> None:
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
