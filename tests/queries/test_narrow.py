"""Narrowing a model before its MIP run (``queries._narrow``): the LP relaxation, a
route from its support, and reduced-cost fixing must never lose the optimum, and a
route that is not a solution of the model must never set the ceiling."""

from __future__ import annotations

import numpy as np
import pytest

import queries._narrow as narrow_module
import queries._solver as solver_module
from queries._narrow import narrow
from queries._relaxation import lp_optimum
from queries._solver import Held, Model
from tests.queries.test_relaxation import _models

SEEDS = range(120)


def _weighted(model: Model, chosen: set[int]) -> float:
    assert model.weighted is not None
    return model._own(model.weighted, chosen)


def _pairs(seed: int) -> list[tuple[Model, Model]]:
    """The same problems twice: one model to narrow, one to solve whole."""
    out = []
    for model, whole in zip(_models(seed), _models(seed), strict=True):
        if model.weighted is not None:
            model.narrowing = True
            out.append((model, whole))
    return out


@pytest.mark.parametrize("cut_rows", [False, True])
def test_a_narrowed_model_gives_the_optimum_of_the_whole(cut_rows: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every model narrowed (no size floor), against the same model solved whole;
    with LM-cut's rows (Model.add_cuts) first or not."""
    monkeypatch.setattr(solver_module, "MIN_COLUMNS", 0)
    monkeypatch.setattr(solver_module, "LM_CUT_MIN_COLUMNS", 0 if cut_rows else 10**9)
    monkeypatch.setattr(solver_module, "relaxation_route", lambda model, lp=None: None)
    compared = fixed = ceilings = 0
    for seed in SEEDS:
        for narrowed, whole in _pairs(seed):
            a = narrowed.solve()
            b = whole.solve()
            assert a.status == b.status, seed
            if b.status != "optimal":
                continue
            compared += 1
            fixed += narrowed.fixed > 0
            ceilings += narrowed.ceiling is not None
            assert _weighted(narrowed, a.chosen) == _weighted(whole, b.chosen), seed  # tie-breaks included
            assert a.value == pytest.approx(b.value) and a.bound == pytest.approx(b.bound), seed
    assert compared > 180 and ceilings > 150 and fixed > 100, (compared, ceilings, fixed)


def test_with_only_a_dear_route_known_the_narrowed_model_still_holds_the_optimum(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The ceiling from a route dearer than the optimum fixes only what that route's
    cost allows: the MIP after it still finds the optimum."""
    monkeypatch.setattr(narrow_module, "_support_route", lambda *args: None)
    checked = 0
    for seed in SEEDS:
        for model, whole in _pairs(seed):
            best = whole.solve()
            if best.status != "optimal" or not best.chosen:
                continue
            dear = set(best.chosen) | set(model.acts)  # every action: a route, as dear as it gets
            if model._vector(dear) is None or not Held(model.h).meets(model._vector(dear)):  # type: ignore[arg-type]
                continue
            lp = lp_optimum(model)
            assert lp is not None
            start = narrow(model, lp, dear, float("inf"))
            assert start == dear and model.ceiling == _weighted(model, dear)
            model.narrowing = False  # solve the narrowed model as it stands
            got = model.solve(start)
            assert got.status == "optimal", seed
            assert _weighted(model, got.chosen) == _weighted(whole, best.chosen), seed
            checked += 1
    assert checked > 100, checked


def test_a_route_that_is_not_a_solution_never_sets_the_ceiling(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 'route' short of a step of the optimum (cheaper than it, and no route) or with
    an action outside the model is not used: nothing is fixed."""
    checked = 0
    for seed in SEEDS:
        for model, whole in _pairs(seed):
            best = whole.solve()
            steps = [a for a in best.chosen if model.cp.actions[a].is_step]
            if best.status != "optimal" or not steps:
                continue
            outside = [a for a in range(len(model.cp.actions)) if a not in model.col and model.cp.actions[a].is_step]
            lies = [set(best.chosen) - {steps[0]}] + [set(best.chosen) | {a} for a in outside[:1]]
            for lie in lies:
                monkeypatch.setattr(narrow_module, "_support_route", lambda *args, _lie=lie: _lie)
                model.repair = lambda chosen, _lie=lie: _lie
                lp = lp_optimum(model)
                assert lp is not None
                assert narrow(model, lp, None, float("inf")) is None
                assert model.ceiling is None and model.fixed == 0
                checked += 1
    assert checked > 200, checked


def test_the_lp_runs_on_an_instance_with_a_long_run_time() -> None:
    """HiGHS counts an LP run's time limit against the instance's whole run time; a
    pooled instance that ran past a model's time limit must still solve its LP."""
    model = _pairs(3)[0][0]
    model.integral(True)
    while model.h.getRunTime() < 0.2:
        model.h.clearSolver()
        model.h.run()
    model.time_limit = 0.1
    lp = lp_optimum(model)
    assert lp is not None and np.isfinite(lp.objective)


def test_a_long_used_instance_is_not_pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    model = _models(5)[0]
    model.solve()
    solver_module._idle.pool = []
    monkeypatch.setattr(solver_module, "_REUSE_SECONDS", 0.0)
    model.release()
    assert solver_module._idle.pool == []


def test_a_cheaper_route_fixes_again_and_the_optimum_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    """``tighten``: narrowed against a dear route, then against the optimum (as a run's
    completed answer would be), the ceiling drops to the optimum's cost, nothing that
    was fixed comes loose, and the model still solves to the optimum; a set of steps
    that is not a route changes nothing."""
    monkeypatch.setattr(narrow_module, "_support_route", lambda *args: None)
    checked = tightened = 0
    for seed in SEEDS:
        for model, whole in _pairs(seed):
            best = whole.solve()
            steps = [a for a in best.chosen if model.cp.actions[a].is_step]
            dear = set(best.chosen) | set(model.acts)
            if best.status != "optimal" or not steps or model._vector(dear) is None:
                continue
            lp = lp_optimum(model)
            assert lp is not None
            narrow(model, lp, dear, float("inf"))
            if model.ceiling is None:
                continue  # the dearest route breaks a cap: not a solution, nothing narrowed
            first, fixed = model.ceiling, model.fixed
            narrow_module.tighten(model, set(best.chosen) - {steps[0]}, Held(model.h))  # not a route
            assert (model.ceiling, model.fixed) == (first, fixed)
            narrow_module.tighten(model, set(best.chosen), Held(model.h))
            assert model.ceiling == _weighted(model, set(best.chosen)) <= first
            assert model.fixed >= fixed
            tightened += model.fixed > fixed
            model.narrowing = False
            got = model.solve(set(best.chosen))
            assert got.status == "optimal" and _weighted(model, got.chosen) == _weighted(whole, best.chosen), seed
            checked += 1
    assert checked > 100 and tightened > 50, (checked, tightened)


def test_a_restricted_model_holds_exactly_the_routes_within_its_actions() -> None:
    """``Model.restricted`` (the support search's model): over the actions of the whole
    model's optimum it has the same optimum; without one of that route's steps (one it
    need not take) it costs at least as much, and its answer is a route of the whole
    model."""
    same = dearer = 0
    for seed in SEEDS[:60]:
        for model in _models(seed):
            best = model.solve()
            if best.status != "optimal" or not best.chosen:
                continue
            sub = model.restricted(set(best.chosen))
            try:
                again = sub.solve()
            finally:
                sub.release()
            assert again.status == "optimal" and again.value == pytest.approx(best.value), seed
            same += 1
            must = model.must
            steps = sorted(a for a in best.chosen if model.cp.actions[a].is_step and a not in must)
            if not steps or len(model.acts) == 1:
                continue  # (a model of no actions is one of no goals: solve() answers it without HiGHS)
            smaller = model.restricted(set(model.acts) - {steps[0]})
            try:
                other = smaller.solve()
            finally:
                smaller.release()
            if other.status == "optimal":
                assert other.value is not None and best.value is not None
                assert other.value >= best.value - 1e-9, seed
                assert steps[0] not in other.chosen
                assert not model.unsupported(other.chosen)  # a route of the whole model too
                dearer += other.value > best.value + 1e-9
    assert same > 100 and dearer > 10, (same, dearer)
