"""The planner's memory of solved problems (queries._memo): same answers, fewer solves,
and a remembered route is still checked."""

from __future__ import annotations

import random

import pytest

import queries.planner as planner_module
from graph.catalog import Catalog
from loaders import load_catalog
from queries._compile import compiled
from queries._memo import Solved, solved
from queries._solver import Model, Solution
from queries.planner import plan

pytestmark = pytest.mark.memo


def _learners(cat: Catalog, n: int, seed: int) -> list[tuple[list[str], str]]:
    rng = random.Random(seed)
    skills = [s.id for s in cat.skills if s.teachable]
    roles = [r.id for r in cat.roles]
    return [(sorted(f"{s}:{rng.randint(1, 3)}" for s in rng.sample(skills, rng.randint(0, 6))), rng.choice(roles))
            for _ in range(n)]


def _solves(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = Model.solve

    def counted(self: Model, *args: object, **kwargs: object) -> Solution:
        calls.append(1)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Model, "solve", counted)
    return calls


def _same(a: object, b: object) -> None:
    assert a.model_dump(exclude={"solve_ms"}) == b.model_dump(exclude={"solve_ms"})  # type: ignore[attr-defined]


def test_remembered_answers_equal_fresh_ones_with_fewer_solves(monkeypatch: pytest.MonkeyPatch) -> None:
    cat = load_catalog()
    memory = Solved(4096)
    solves = _solves(monkeypatch)
    requests = _learners(cat, 150, seed=3)
    monkeypatch.setattr(planner_module, "solved", lambda cp: Solved(0))
    fresh = [plan(cat, have=have, role=role, objective=obj) for have, role in requests for obj in ("hours", "cost")]
    fresh_solves = len(solves)
    monkeypatch.setattr(planner_module, "solved", lambda cp: memory)
    kept = [plan(cat, have=have, role=role, objective=obj) for have, role in requests for obj in ("hours", "cost")]
    remembered_solves = len(solves) - fresh_solves
    for a, b in zip(fresh, kept, strict=True):
        _same(a, b)
    assert fresh_solves == len(fresh)
    # learners who differ only in what the target never needs share one problem
    assert 0 < len(memory) == remembered_solves < fresh_solves * 0.8, (len(memory), remembered_solves, fresh_solves)


def test_a_remembered_route_is_replayed_and_a_wrong_one_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    cat = load_catalog()
    memory = Solved(16)
    monkeypatch.setattr(planner_module, "solved", lambda cp: memory)
    first = plan(cat, have=["python", "sql"], role="ml-engineer-gcp")
    assert first.optimal and len(memory) == 1
    ((key, sol),) = memory._items.items()
    cp = compiled(cat)
    steps = sorted(a for a in sol.chosen if cp.actions[a].is_step)
    # a route missing its first step does not replay; one with a spare step is not minimal
    for bad in (set(sol.chosen) - {steps[0]},
                set(sol.chosen) | {cp.step_of[s] for s in ("aws-cloud-practitioner-essentials",)}):
        memory._items[key] = Solution("optimal", bad, sol.value, sol.bound)
        solves = _solves(monkeypatch)
        again = plan(cat, have=["python", "sql"], role="ml-engineer-gcp")
        assert solves, "a wrong remembered route must send the problem back to the solver"
        _same(first, again)
        monkeypatch.undo()
        monkeypatch.setattr(planner_module, "solved", lambda cp: memory)


def test_only_proven_untouched_answers_are_kept() -> None:
    memory = Solved(2)
    memory.put("feasible", Solution("feasible", {1}, 3.0, 2.0))
    memory.put("timed out", Solution("optimal", {1}, 3.0, 3.0, timed_out=True))
    memory.put("repaired", Solution("optimal", {1}, 3.0, 3.0, notes=["cold: ..."]))
    assert len(memory) == 0
    for k in "abc":
        memory.put(k, Solution("optimal", {1}, 3.0, 3.0))
    assert memory.get("a") is None and memory.get("c") is not None  # least recently used out first
    got = memory.get("c")
    assert got is not None
    got.chosen.add(99)  # a copy: the caller cannot change what is remembered
    again = memory.get("c")
    assert again is not None and again.chosen == {1}


def test_alternatives_and_time_limits_do_not_come_from_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    cat = load_catalog()
    memory = Solved(16)
    monkeypatch.setattr(planner_module, "solved", lambda cp: memory)
    plan(cat, have=["python", "sql"], role="ml-engineer-gcp")
    solves = _solves(monkeypatch)
    p = plan(cat, have=["python", "sql"], role="ml-engineer-gcp", alternatives=2)
    assert len(solves) >= 3 and len(p.alternatives) == 2


def test_size_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    cat = load_catalog()
    cp = compiled(cat)
    saved = cp.solved
    try:
        cp.solved = None
        monkeypatch.setenv("SKILLGRAPH_SOLVED_CACHE_SIZE", "0")
        assert solved(cp).size == 0
        cp.solved = None
        monkeypatch.setenv("SKILLGRAPH_SOLVED_CACHE_SIZE", "lots")
        with pytest.raises(ValueError, match="SKILLGRAPH_SOLVED_CACHE_SIZE must be a whole number, not 'lots'"):
            solved(cp)
    finally:
        cp.solved = saved
