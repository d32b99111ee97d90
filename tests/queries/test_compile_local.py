"""A pruned problem numbered locally (``Compiled.local``): the numpy path of large
problems and the plain loops of small ones must give the same lists."""

from __future__ import annotations

import random

import numpy as np
import pytest

import queries._compile as compile_module
import queries._solver as solver_module
from loaders.synthetic import learners, synthetic_catalog
from queries._solver import Model
from queries.planner import PlanRequest, _Planner
from tests.queries.random_catalogs import random_catalog, random_request
from tests.queries.test_landmarks import _request


def _both(p: _Planner, monkeypatch: pytest.MonkeyPatch) -> tuple[compile_module.Local, compile_module.Local]:
    pruned = p._prune()
    with monkeypatch.context() as m:
        m.setattr(compile_module, "PLAIN_MAX", 10**9)
        plain = p.cp.local(pruned.acts, pruned.facts)
    with monkeypatch.context() as m:
        m.setattr(compile_module, "PLAIN_MAX", -1)
        arrays = p.cp.local(pruned.acts, pruned.facts)
    return plain, arrays


def _same(a: compile_module.Local, b: compile_module.Local) -> None:
    assert (a.acts, a.facts) == (b.acts, b.facts)
    assert a.pre == b.pre and a.adds == b.adds and a.users == b.users and a.achievers == b.achievers


@pytest.mark.parametrize("seed", range(40))
def test_the_same_lists_both_ways_on_random_catalogs(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    cat = random_catalog(seed)
    rng = random.Random(seed)
    for _ in range(4):
        _same(*_both(_Planner(cat, _request(random_request(cat, rng))), monkeypatch))


def test_the_same_lists_both_ways_on_a_large_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    cat = synthetic_catalog(1000, seed=4)
    sizes = []
    for have, role in learners(cat, 6, seed=4):
        plain, arrays = _both(_Planner(cat, PlanRequest(have=tuple(have), role=role)), monkeypatch)
        _same(plain, arrays)
        sizes.append(len(plain.acts))
    assert max(sizes) > compile_module.PLAIN_MAX, sizes  # past the size where the planner uses numpy


def test_the_model_rows_the_same_every_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Model._structure: plain loops, numpy from the catalog's tables, and numpy from the
    caller's numbered problem give the same arrays."""
    cat = synthetic_catalog(1000, seed=5)
    compared = 0
    for have, role in learners(cat, 5, seed=5):
        p = _Planner(cat, PlanRequest(have=tuple(have), role=role))
        pruned = p._prune()
        problem = p.cp.local(pruned.acts, pruned.facts)
        assert problem.pairs is not None
        ways = []
        for plain_max, given in ((10**9, None), (-1, None), (-1, problem)):
            with monkeypatch.context() as m:
                m.setattr(solver_module, "PLAIN_MAX", plain_max)
                model = Model(p.cp, pruned.acts, pruned.facts, pruned.goals, pruned.must, p.primary, p.hours,
                              p.cost, problem=given)
                ways.append(model._structure())
                model.release()
        for other in ways[1:]:
            assert all(np.array_equal(x, y) and x.dtype == y.dtype for x, y in zip(ways[0], other, strict=True))
        compared += 1
    assert compared == 5
