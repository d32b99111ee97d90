"""LM-cut's landmarks (``queries._lmcut``) against enumeration.

A landmark row ``sum of x[a] over the cut >= 1`` may only be added to the model
when every route uses an action of the cut. Here every set of actions of small
random problems that can be taken in some order and reaches the goals is
enumerated, and each cut must meet each of them; then the same on the planner's
own models of random catalogs, with the rows as :meth:`Model.add_cuts` adds them.
"""

from __future__ import annotations

import itertools
import random

import highspy
import numpy as np
import pytest

import queries._solver as solver_module
from queries._compile import Local
from queries._landmarks import landmarks
from queries._lmcut import lm_cut
from queries._solver import Model
from queries.planner import _Planner
from tests.queries.random_catalogs import random_catalog
from tests.queries.test_landmarks import _cases, _request, _routes, small_problems

SEEDS = range(300)


def _problem(seed: int) -> tuple[list[list[int]], list[list[int]], list[int], list[int], int]:
    rng = random.Random(seed)
    nf = rng.randint(3, 9)
    n = rng.randint(3, 11)
    pre = [sorted(rng.sample(range(nf), rng.choice([0, 0, 1, 1, 2, 3]))) for _ in range(n)]
    add = [sorted(rng.sample(range(nf), rng.choice([1, 1, 2, 3]))) for _ in range(n)]
    cost = [rng.choice([0, 1, 2, 3, 5, 8]) for _ in range(n)]
    goals = sorted(rng.sample(range(nf), rng.randint(1, min(3, nf))))
    return pre, add, cost, goals, nf


def _cuts(pre: list[list[int]], add: list[list[int]], cost: list[int], goals: list[int], nf: int,
          max_cuts: int) -> list[list[int]]:
    """``lm_cut`` on a problem given as lists (actions and facts numbered from 0)."""
    users: list[list[int]] = [[] for _ in range(nf)]
    achievers: list[list[int]] = [[] for _ in range(nf)]
    for a in range(len(pre)):
        for f in pre[a]:
            users[f].append(a)
        for f in add[a]:
            achievers[f].append(a)
    problem = Local(list(range(len(pre))), list(range(nf)), pre, add, users, achievers)
    before = [[list(x) for x in lists] for lists in (pre, add, users, achievers)]
    out = lm_cut(problem, cost, goals, max_cuts)
    after = [[list(x) for x in lists] for lists in (problem.pre, problem.adds, problem.users, problem.achievers)]
    assert after == before  # the problem's lists are left as they were (landmarks reads them too)
    return out


def _plans(pre: list[list[int]], add: list[list[int]], goals: list[int]) -> list[set[int]]:
    """Every set of actions that can be taken in some order and reaches every goal."""
    out = []
    for k in range(len(pre) + 1):
        for subset in itertools.combinations(range(len(pre)), k):
            have: set[int] = set()
            fired: set[int] = set()
            changed = True
            while changed:
                changed = False
                for a in subset:
                    if a not in fired and set(pre[a]) <= have:
                        fired.add(a)
                        have.update(add[a])
                        changed = True
            if len(fired) == k and set(goals) <= have:
                out.append(fired)
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_every_plan_meets_every_cut(seed: int) -> None:
    pre, add, cost, goals, nf = _problem(seed)
    cuts = _cuts(pre, add, cost, goals, nf, 1000)
    plans = _plans(pre, add, goals)
    if not plans:
        assert cuts == []  # the goals are out of reach: h^max is infinite, no cut is made
        return
    cheapest = min(sum(cost[a] for a in p) for p in plans)
    if cheapest == 0:
        assert cuts == []  # a free route: nothing is a landmark of positive cost
    for cut in cuts:
        assert cut and len(set(cut)) == len(cut)
        for p in plans:
            assert p & set(cut), (seed, cut, sorted(p))


def test_the_cuts_are_not_trivial() -> None:
    """The test above would pass with no cuts: there must be many, most with more than
    one action, and the cuts must not be the whole action set."""
    cuts = several = partial = 0
    for seed in SEEDS:
        pre, add, cost, goals, nf = _problem(seed)
        for cut in _cuts(pre, add, cost, goals, nf, 1000):
            cuts += 1
            several += len(cut) > 1
            partial += len(cut) < len(pre)
    assert cuts > 200 and several > 100 and partial > 200, (cuts, several, partial)


def test_at_most_max_cuts() -> None:
    pre, add, cost, goals, nf = _problem(next(s for s in SEEDS if len(_cuts(*_problem(s), 1000)) >= 3))
    assert len(_cuts(pre, add, cost, goals, nf, 2)) == 2
    assert _cuts(pre, add, cost, goals, nf, 0) == []


MODEL_SEEDS = range(0, 120, 2)


@pytest.mark.parametrize("seed", MODEL_SEEDS)
def test_every_route_of_a_model_meets_its_cut_rows(seed: int) -> None:
    """The rows :meth:`Model.add_cuts` adds to the planner's own models, against every
    route of the pruned problem (enumerated as in ``test_landmarks``)."""
    _check_rows(seed)


def _check_rows(seed: int) -> int:
    """Check every route of each small problem of ``seed`` against every cut row; returns
    how many (route, row) pairs were checked."""
    checked = 0
    for kw, p, pruned in small_problems(seed):
        model = Model(p.cp, pruned.acts, pruned.facts, pruned.goals, pruned.must, p.primary, p.hours, p.cost,
                      landmarks=landmarks(p.cp, pruned.acts, pruned.facts, pruned.goals))
        if model.weighted is None or not model.acts:
            model.release()
            continue
        before = model.h.getNumRow()
        added = model.add_cuts(1000)
        lp = model.h.getLp()
        model.release()
        assert lp.num_row_ == before + added
        rows = _rows(lp)[before:]
        for fired, _, have in _routes(p, pruned.acts):
            if not pruned.goals <= have:
                continue
            cols = {model.col[a] for a in fired if a in model.col}
            for row in rows:
                checked += 1
                assert cols & row, (kw, sorted(row))
    return checked


def _rows(lp: highspy.HighsLp) -> list[set[int]]:
    """The column sets of an LP's rows, whichever way HiGHS stores its matrix."""
    start, index = (np.array(v) for v in (lp.a_matrix_.start_, lp.a_matrix_.index_))
    rows: list[set[int]] = [set() for _ in range(lp.num_row_)]
    if lp.a_matrix_.format_ == highspy.MatrixFormat.kRowwise:
        for r in range(lp.num_row_):
            rows[r] = {int(c) for c in index[start[r]:start[r + 1]]}
    else:
        for c in range(lp.num_col_):
            for k in range(start[c], start[c + 1]):
                rows[index[k]].add(c)
    return rows


def test_the_model_cut_rows_are_not_trivial() -> None:
    """The model test above would pass with no rows, or with no route to check."""
    assert sum(_check_rows(seed) for seed in MODEL_SEEDS) > 1000
    added = 0
    for seed in MODEL_SEEDS:
        cat = random_catalog(seed)
        for kw in _cases(seed):
            p = _Planner(cat, _request(kw))
            pruned = p._prune()
            model = Model(p.cp, pruned.acts, pruned.facts, pruned.goals, pruned.must, p.primary, p.hours, p.cost)
            if model.weighted is not None and model.acts:
                added += model.add_cuts(1000)
            model.release()
    assert added > 200, added


def test_large_narrowed_models_get_the_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """From ``LM_CUT_MIN_COLUMNS`` columns a narrowed model gets the rows before its LP."""
    calls: list[int] = []
    original = Model.add_cuts

    def counting(self: Model, max_cuts: int | None = None) -> int:
        calls.append(self.ncols)
        return original(self, max_cuts)

    monkeypatch.setattr(Model, "add_cuts", counting)
    monkeypatch.setattr(solver_module, "MIN_COLUMNS", 0)
    monkeypatch.setattr(solver_module, "LM_CUT_MIN_COLUMNS", 12)
    seen = small = 0
    for seed in range(20):
        cat = random_catalog(seed)
        for kw in _cases(seed):
            p = _Planner(cat, _request(kw))
            pruned = p._prune()
            model = p._model(pruned, p.primary, months_priced=False)
            model.narrowing = True
            model.solve()
            model.release()
            seen += model.narrows() and model.ncols >= 12
            small += model.narrows() and model.ncols < 12
    assert seen > 0 and small > 0 and len(calls) == seen, (seen, small, calls)


def test_goals_given_twice_count_once() -> None:
    seed = next(s for s in SEEDS if len(_cuts(*_problem(s), 1000)) >= 2)
    pre, add, cost, goals, nf = _problem(seed)
    assert _cuts(pre, add, cost, goals + goals, nf, 1000) == _cuts(pre, add, cost, goals, nf, 1000)
