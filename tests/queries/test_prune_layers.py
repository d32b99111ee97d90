"""Reachability and relevance on numpy layers (large catalogs) against the plain
versions (small ones): the same facts and actions on the same requests."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest

import queries._prune as prune_module
from graph.catalog import Catalog
from loaders.synthetic import learners, synthetic_catalog
from queries._prune import forward, relevant
from queries.plan_models import Objective
from queries.planner import PlanRequest, _Planner

T = TypeVar("T")


def _both(monkeypatch: pytest.MonkeyPatch, run: Callable[[], T]) -> tuple[T, T]:
    """``run()`` with the plain versions, then on numpy (layers, and dominance on the candidate pairs)."""
    with monkeypatch.context() as m:
        m.setattr(prune_module, "NUMPY_ACTIONS", 10**9)
        m.setattr(prune_module, "DOMINANCE_NUMPY_ACTIONS", 10**9)
        plain = run()
    with monkeypatch.context() as m:
        m.setattr(prune_module, "NUMPY_ACTIONS", 0)
        m.setattr(prune_module, "DOMINANCE_NUMPY_ACTIONS", 0)
        layers = run()
    return plain, layers


def synthetic_planners(courses: int, seed: int, learners_: int,
                       objective: Objective = "hours") -> Iterator[tuple[Catalog, list[str], str, _Planner]]:
    """A synthetic catalog's learners (catalog, have, role) with a planner of each's request."""
    cat = synthetic_catalog(courses, seed=seed)
    for have, role in learners(cat, learners_, seed=seed):
        yield cat, have, role, _Planner(cat, PlanRequest(have=tuple(have), role=role, objective=objective))


def _pruned(cat: object, have: list[str], role: str) -> object:
    return _Planner(cat, PlanRequest(have=tuple(have), role=role))._prune()  # type: ignore[arg-type]


@pytest.mark.parametrize("courses", [200, 1000])
def test_the_same_facts_and_actions_both_ways(courses: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(courses)
    checked = 0
    for cat, have, role, p in synthetic_planners(courses, 7, 12):
        cp = p.cp
        allowed = [rng.random() > 0.1 for _ in cp.actions]  # some steps blocked by constraints
        plain, layers = _both(monkeypatch, functools.partial(forward, cp, p.initial, allowed))
        assert plain == layers
        _, usable = plain
        goals = sorted({f for f in range(len(cp.facts)) if cp.facts[f][0] == "skill"} - p.initial)[::7]
        must = sorted(a for a in range(len(cp.actions)) if usable[a])[::50]
        plain_r, layers_r = _both(monkeypatch, functools.partial(relevant, cp, goals, p.initial, usable, must))
        assert plain_r == layers_r
        checked += len(plain_r[1])
        # and the planner's own pruning of the request (its goals, constraints and dominance)
        a, b = _both(monkeypatch, functools.partial(_pruned, cat, have, role))
        assert vars(a) == vars(b)
    assert checked > 100
