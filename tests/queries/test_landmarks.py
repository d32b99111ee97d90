"""Landmark constraints and the complete MIP start, against enumeration.

The landmarks (``queries._landmarks``) are extra constraints on the solver's
model; they are only allowed if every route of the model meets them. Here
every subset of a small problem's steps is replayed with the plain rules of
the compiled form (a step fires once its preconditions hold, groups and
awards fire as soon as theirs do), and every subset that is a route must use
each goal landmark and, for each action it takes, that action's landmarks.
The planner with and without them must find routes of the same value, and
the start built from a known route must satisfy every row of the model.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from typing import Any

import highspy
import numpy as np
import pytest

import queries.planner as planner_module
from queries._landmarks import Landmarks, landmarks
from queries._solver import Model
from queries._start import start_vector
from queries.planner import PlanRequest, _Planner, _Pruned, plan
from tests.queries.random_catalogs import random_catalog, random_request

SEEDS = range(120)


def _request(kw: dict[str, Any]) -> PlanRequest:
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in kw.items()}
    return PlanRequest(**fields)


def _cases(seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed * 31 + 5)
    cat = random_catalog(seed)
    return [{"have": [], "role": "r0", "objective": "hours"}] + [random_request(cat, rng) for _ in range(4)]


def _routes(p: _Planner, acts: set[int]) -> list[tuple[set[int], set[int], set[int]]]:
    """Every subset of the problem's steps that can be taken in some order, as
    (actions fired, facts used as preconditions, facts held at the end)."""
    cp = p.cp
    steps = sorted(a for a in acts if cp.actions[a].is_step)
    derived = [a for a in acts if not cp.actions[a].is_step]
    out = []
    for k in range(len(steps) + 1):
        for subset in itertools.combinations(steps, k):
            have = set(p.initial)
            fired: set[int] = set()
            changed = True
            while changed:
                changed = False
                for a in [*subset, *derived]:
                    if a not in fired and all(f in have for f in cp.actions[a].pre):
                        fired.add(a)
                        have.update(cp.actions[a].add)
                        changed = True
            if set(subset) <= fired:
                used = {f for a in fired for f in cp.actions[a].pre}
                out.append((fired, used, have))
    return out


def small_problems(seed: int) -> Iterator[tuple[dict[str, Any], _Planner, _Pruned]]:
    """The requests of ``seed`` whose pruned problem has at most 11 steps (few enough to
    enumerate every subset), with their planner and pruned problem."""
    cat = random_catalog(seed)
    for kw in _cases(seed):
        p = _Planner(cat, _request(kw))
        pruned = p._prune()
        if len([a for a in pruned.acts if p.cp.actions[a].is_step]) <= 11:
            yield kw, p, pruned


@pytest.mark.parametrize("seed", SEEDS)
def test_every_route_meets_every_landmark(seed: int) -> None:
    checked = 0
    for kw, p, pruned in small_problems(seed):
        lm = landmarks(p.cp, pruned.acts, pruned.facts, pruned.goals)
        for fired, used, have in _routes(p, pruned.acts):
            if not pruned.goals <= have:
                continue
            used |= pruned.goals
            checked += 1
            assert lm.used <= used, (kw, sorted(lm.used - used))
            for a, f in lm.implied:
                assert a not in fired or f in used, (kw, p.cp.actions[a].ref, f)
            assert not lm.dead & fired, kw
    assert checked > 0 or seed % 7  # most seeds have a small enough problem


def test_the_landmarks_are_not_trivial() -> None:
    """The test above would pass with no landmarks at all: make sure there are some."""
    used = implied = 0
    for seed in SEEDS:
        cat = random_catalog(seed)
        for kw in _cases(seed):
            p = _Planner(cat, _request(kw))
            pruned = p._prune()
            lm = landmarks(p.cp, pruned.acts, pruned.facts, pruned.goals)
            used += len(lm.used - pruned.goals)
            implied += len(lm.implied)
    assert used > 50 and implied > 100, (used, implied)


@pytest.mark.parametrize("seed", SEEDS[::3])
def test_same_optimum_with_and_without_landmarks(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    cat = random_catalog(seed)
    for kw in _cases(seed):
        with_lm = plan(cat, **kw)
        with monkeypatch.context() as m:
            m.setattr(planner_module, "landmarks", lambda *args: Landmarks())
            without = plan(cat, **kw)
        assert (with_lm.feasible, with_lm.optimal) == (without.feasible, without.optimal), kw
        key = {"hours": "total_hours", "cost": "total_cost_usd", "steps": "total_steps"}[kw["objective"]]
        assert getattr(with_lm, key) == pytest.approx(getattr(without, key)), kw
        assert with_lm.total_steps == without.total_steps, kw


@pytest.mark.parametrize("seed", SEEDS[::2])
def test_the_start_satisfies_every_row(seed: int) -> None:
    cat = random_catalog(seed)
    for kw in _cases(seed):
        p = _Planner(cat, _request(kw))
        pruned = p._prune()
        if pruned.start is None or not pruned.acts:
            continue
        model = Model(p.cp, pruned.acts, pruned.facts, pruned.goals, pruned.must, p.primary, p.hours, p.cost,
                      landmarks=landmarks(p.cp, pruned.acts, pruned.facts, pruned.goals))
        x = start_vector(model, pruned.start)
        assert x is not None, kw
        lp = model.h.getLp()
        assert np.all(x >= np.array(lp.col_lower_) - 1e-9) and np.all(x <= np.array(lp.col_upper_) + 1e-9), kw
        start, index, value = (np.array(v) for v in (lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_))
        activity = np.zeros(lp.num_row_)
        rowwise = lp.a_matrix_.format_ == highspy.MatrixFormat.kRowwise
        for j in range(len(start) - 1):
            for k in range(start[j], start[j + 1]):
                if rowwise:
                    activity[j] += value[k] * x[index[k]]
                else:
                    activity[index[k]] += value[k] * x[j]
        assert np.all(activity >= np.array(lp.row_lower_) - 1e-9), kw
        assert np.all(activity <= np.array(lp.row_upper_) + 1e-9), kw


def test_a_start_that_is_no_route_is_refused() -> None:
    cat = random_catalog(3)
    p = _Planner(cat, _request({"have": [], "role": "r0", "objective": "hours"}))
    pruned = p._prune()
    model = Model(p.cp, pruned.acts, pruned.facts, pruned.goals, pruned.must, p.primary, p.hours, p.cost)
    assert pruned.goals
    assert start_vector(model, set()) is None  # reaches no goal
