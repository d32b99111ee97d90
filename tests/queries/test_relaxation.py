"""The LP-first path (``queries._relaxation``): an integral LP optimum it accepts is
a true optimum of the integer model, tie-breaks included."""

from __future__ import annotations

import random
from typing import Any

import pytest

import queries._solver as solver_module
from loaders import load_catalog
from queries._landmarks import landmarks
from queries._relaxation import LpOptimum, relaxation_route
from queries._solver import Model, Solution
from queries.planner import PlanRequest, _Planner, plan
from tests.queries.random_catalogs import random_catalog, random_request


def _models(seed: int) -> list[Model]:
    rng = random.Random(seed)
    cat = random_catalog(seed)
    out = []
    for _ in range(4):
        kw: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in random_request(cat, rng).items()}
        p = _Planner(cat, PlanRequest(**kw))
        pr = p._prune()
        if pr.acts:
            out.append(Model(p.cp, pr.acts, pr.facts, pr.goals, pr.must, p.primary, p.hours, p.cost,
                             budget=p.request.budget, max_hours=p.request.max_hours,
                             landmarks=landmarks(p.cp, pr.acts, pr.facts, pr.goals)))
    return out


def test_an_accepted_relaxation_is_the_mip_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    accepted = rejected = 0
    for seed in range(150):
        for model in _models(seed):
            lp = relaxation_route(model)
            monkeypatch.setattr(solver_module, "relaxation_route", lambda m, lp=None: None)
            mip = model.solve()
            monkeypatch.undo()
            if lp is None:
                rejected += 1
                continue
            accepted += 1
            assert mip.status == "optimal"
            tie = float(sum(model.weighted[model.col[a]] for a in lp.chosen))  # type: ignore[index]
            best = float(sum(model.weighted[model.col[a]] for a in mip.chosen))  # type: ignore[index]
            assert tie == pytest.approx(best), seed
            assert lp.value == pytest.approx(mip.value) and lp.bound == pytest.approx(mip.bound), seed
    assert accepted > 100 and rejected > 0, (accepted, rejected)


def test_the_mip_after_the_relaxation_runs_on_integer_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    model = _models(7)[0]
    assert not any(int(v) for v in model.h.getLp().integrality_)  # passed as an LP, marked when a MIP runs
    relaxation_route(model)
    monkeypatch.setattr(solver_module, "relaxation_route", lambda m, lp=None: None)
    sol = model.solve()
    marks = [int(v) for v in model.h.getLp().integrality_]
    assert sol.status == "optimal" and marks == [int(v) for v in model.integer] and any(marks)
    relaxation_route(model)  # and back: the LP again, then the MIP again
    assert not any(int(v) for v in model.h.getLp().integrality_)
    assert model.solve().chosen == sol.chosen


def test_a_budget_one_dollar_under_the_cheapest_route_has_no_route() -> None:
    """Subscription months are whole in a route and fractional in the LP: an LP optimum
    with fractional months must not pass for a route (it would break the budget)."""
    cat = load_catalog()
    checked = 0
    for s in cat.situations:
        if not (s.role or s.cert):
            continue
        target: dict[str, Any] = {"have": s.have, "role": s.role, "cert": s.cert}
        cheapest = plan(cat, objective="cost", **target)
        if not cheapest.feasible or cheapest.total_cost_usd < 1:
            continue
        within = plan(cat, budget=cheapest.total_cost_usd, **target)
        assert within.feasible and within.total_cost_usd <= cheapest.total_cost_usd + 1e-9, s.id
        under = plan(cat, budget=cheapest.total_cost_usd - 1, **target)
        assert not under.feasible, (s.id, under.total_cost_usd, [x.id for x in under.steps])
        checked += 1
    assert checked >= 5


def test_the_lp_path_answers_most_seed_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    cat = load_catalog()
    answers: list[bool] = []
    real = solver_module.relaxation_route

    def counted(model: Model, lp: LpOptimum | None = None) -> Solution | None:
        out = real(model, lp)
        answers.append(out is not None)
        return out

    monkeypatch.setattr(solver_module, "relaxation_route", counted)
    for s in cat.situations:
        if s.role or s.cert:
            assert plan(cat, have=s.have, role=s.role, cert=s.cert).optimal
    assert answers and sum(answers) >= len(answers) // 2, answers
