"""Dominance on the catalog's candidate pairs (numpy, large catalogs) against the plain
loop (small ones): the same steps dropped, for every combination of what is compared,
with and without subscriptions, steps kept, and hours or money as the objective."""

from __future__ import annotations

import random

import pytest

import queries._prune as prune_module
from queries._prune import dominated, relevant
from queries.plan_models import Objective
from queries.planner import PlanRequest, _Planner
from tests.queries.hand_catalogs import course, make, skill
from tests.queries.random_catalogs import random_catalog, random_request
from tests.queries.test_prune_layers import _both as plain_and_numpy
from tests.queries.test_prune_layers import synthetic_planners


def _both(monkeypatch: pytest.MonkeyPatch, p: _Planner, acts: set[int], facts: set[int], keep: set[int],
          flags: tuple[bool, bool, bool]) -> tuple[set[int], set[int]]:
    """``dominated`` by the plain loop, then on the candidate pairs, for planner ``p``'s
    request; ``flags``: by_hours, by_cost, exact."""
    by_hours, by_cost, exact = flags

    def run() -> set[int]:
        return dominated(p.cp, acts, facts, p.initial, keep, p.primary, p.cost, by_hours=by_hours, by_cost=by_cost,
                         billing=p.billing, exact=exact)

    plain, pairs = plain_and_numpy(monkeypatch, run)
    assert p.cp.dominance is not None and p.cp.dominance.get(by_hours) is not None  # the numpy path ran
    return plain, pairs


def _relevant(p: _Planner) -> tuple[set[int], set[int]]:
    """The relevant facts and actions of planner ``p``'s request (its goals not held)."""
    goals = {fid for _, fid in p.goal_items if fid is not None and fid not in p.initial}
    return relevant(p.cp, goals, p.initial, p.usable)


FLAGS = [(h, c, e) for h in (True, False) for c in (True, False) for e in (True, False)]  # by_hours, by_cost, exact


@pytest.mark.parametrize("courses", [120, 600])
def test_synthetic_catalogs_both_ways(courses: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(courses)
    dropped = 0
    objectives: tuple[Objective, ...] = ("hours", "cost")
    for objective in objectives:
        for *_, p in synthetic_planners(courses, 3, 6, objective=objective):
            facts, acts = _relevant(p)
            keep = {a for a in acts if rng.random() < 0.05}
            for flags in FLAGS:
                plain, pairs = _both(monkeypatch, p, acts, facts, keep, flags)
                assert plain == pairs, flags
                assert not plain & keep
                dropped += len(plain)
    assert dropped > 100  # the comparison is not between two empty sets


def test_random_catalogs_with_subscriptions_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    """The brute-force suite's catalogs: subscriptions (money not a sum of prices),
    free-only requests, caps; every action relevant."""
    compared = dropped = with_subs = 0
    for seed in range(40):
        cat = random_catalog(seed)
        rng = random.Random(seed)
        for _ in range(3):
            kw = random_request(cat, rng)
            try:
                p = _Planner(cat, PlanRequest(**kw))
            except ValueError:
                continue  # a request the planner turns down (an unknown id): nothing to prune
            acts = {a for a in range(len(p.cp.actions)) if p.usable[a]}
            facts = set(range(len(p.cp.facts))) - p.initial
            for flags in FLAGS:
                plain, pairs = _both(monkeypatch, p, acts, facts, set(), flags)
                assert plain == pairs, (seed, kw, flags)
                compared += 1
                dropped += len(plain)
                with_subs += bool(p.billing.subs and plain)
    assert compared > 500 and dropped > 100 and with_subs > 5


@pytest.mark.parametrize("numpy_actions", [0, 10**9])
def test_a_dominated_dominator_still_drops_what_it_dominates(numpy_actions: int,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Three courses teaching the same skill, each shorter than the last: the longest
    two are dropped, whichever is looked at first (the answer does not depend on order)."""
    cat = make(skills=[skill("s")], courses=[course(f"c{i}", h, teaches=["s"]) for i, h in enumerate([30, 20, 10])],
               roles=[{"id": "r", "title": "R", "needs": ["s"]}])
    monkeypatch.setattr(prune_module, "DOMINANCE_NUMPY_ACTIONS", numpy_actions)
    p = _Planner(cat, PlanRequest(role="r"))
    facts, acts = _relevant(p)
    out = dominated(p.cp, acts, facts, p.initial, set(), p.primary, p.cost)
    assert {p.cp.actions[a].ref for a in out} == {"c0", "c1"}


def test_a_catalog_with_too_many_pairs_keeps_the_plain_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ``DOMINANCE_PAIRS_MAX`` no table is built, and the plain loop answers."""
    *_, p = next(synthetic_planners(120, 5, 1))
    facts, acts = _relevant(p)
    monkeypatch.setattr(prune_module, "DOMINANCE_NUMPY_ACTIONS", 10**9)
    plain = dominated(p.cp, acts, facts, p.initial, set(), p.primary, p.cost)
    monkeypatch.setattr(prune_module, "DOMINANCE_NUMPY_ACTIONS", 0)
    monkeypatch.setattr(prune_module, "DOMINANCE_PAIRS_MAX", 0)
    assert dominated(p.cp, acts, facts, p.initial, set(), p.primary, p.cost) == plain
    assert plain and p.cp.dominance == {True: None}
