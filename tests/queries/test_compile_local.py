"""A pruned problem numbered locally (``Compiled.local``): the numpy path of large
problems and the plain loops of small ones must give the same lists."""

from __future__ import annotations

import random

import pytest

import queries._compile as compile_module
from loaders.synthetic import learners, synthetic_catalog
from queries.planner import PlanRequest, _Planner
from tests.queries.random_catalogs import random_catalog, random_request
from tests.queries.test_landmarks import _request


def _both(p: _Planner) -> tuple[compile_module.Local, compile_module.Local]:
    pruned = p._prune()
    saved = compile_module.PLAIN_MAX
    try:
        compile_module.PLAIN_MAX = 10**9
        plain = p.cp.local(pruned.acts, pruned.facts)
        compile_module.PLAIN_MAX = -1
        arrays = p.cp.local(pruned.acts, pruned.facts)
    finally:
        compile_module.PLAIN_MAX = saved
    return plain, arrays


def _same(a: compile_module.Local, b: compile_module.Local) -> None:
    assert (a.acts, a.facts) == (b.acts, b.facts)
    assert a.pre == b.pre and a.adds == b.adds and a.users == b.users and a.achievers == b.achievers


@pytest.mark.parametrize("seed", range(40))
def test_the_same_lists_both_ways_on_random_catalogs(seed: int) -> None:
    cat = random_catalog(seed)
    rng = random.Random(seed)
    for _ in range(4):
        _same(*_both(_Planner(cat, _request(random_request(cat, rng)))))


def test_the_same_lists_both_ways_on_a_large_catalog() -> None:
    cat = synthetic_catalog(1000, seed=4)
    sizes = []
    for have, role in learners(cat, 6, seed=4):
        plain, arrays = _both(_Planner(cat, PlanRequest(have=tuple(have), role=role)))
        _same(plain, arrays)
        sizes.append(len(plain.acts))
    assert max(sizes) > compile_module.PLAIN_MAX, sizes  # past the size where the planner uses numpy
