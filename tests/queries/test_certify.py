"""A solver's "optimal" is a claim: the planner certifies it or says it could not.

Three kinds of evidence:

* real HiGHS on small set covers started from a poor (but valid) route, the
  case HiGHS 1.16.0 gets wrong with presolve on: the answer must cost what
  brute force says and what the solver reports;
* a solver that lies (fault injected at the one seam where HiGHS answers,
  ``Model._run``): the lie is caught, the model re-solved, and when every run
  lies the plan says "not proven" with the real bound;
* redundancy removal repeats until no step can go.
"""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import queries._prune as prune_module
import queries._solver as solver_module
from graph.catalog import Catalog
from loaders import load_catalog
from queries._compile import compiled
from queries._prune import forward, relevant, without_redundant
from queries._solver import Model, _Raw
from queries.planner import plan


def _set_cover(seed: int) -> tuple[Catalog, list[list[int]], list[int]] | None:
    """Six courses (sets) covering 3-6 skills (elements), one role needing every skill."""
    rng = random.Random(seed)
    elements = rng.randint(3, 6)
    sets = [sorted(rng.sample(range(elements), rng.randint(1, elements))) for _ in range(6)]
    if set().union(*map(set, sets)) != set(range(elements)):
        return None
    hours = [rng.randint(1, 20) for _ in sets]
    cat = Catalog.model_validate({
        "skills": [{"id": f"e{e}", "name": f"E{e}"} for e in range(elements)],
        "courses": [{"id": f"s{j}", "title": f"S{j}", "hours": hours[j], "teaches": [f"e{e}" for e in s]}
                    for j, s in enumerate(sets)],
        "roles": [{"id": "r", "title": "R", "needs": [f"e{e}" for e in range(elements)]}],
    })
    return cat, sets, hours


def _brute_force(sets: list[list[int]], hours: list[int], elements: int) -> int:
    best = None
    for k in range(1, len(sets) + 1):
        for combo in itertools.combinations(range(len(sets)), k):
            if set().union(*(set(sets[j]) for j in combo)) == set(range(elements)):
                total = sum(hours[j] for j in combo)
                best = total if best is None else min(best, total)
    assert best is not None
    return best


def _model(cat: Catalog) -> tuple[Model, dict[str, int], set[int]]:
    cp = compiled(cat)
    goals = {cp.fact_id[("skill", s.id, 1)] for s in cat.skills}
    _, usable = forward(cp, set(), [True] * len(cp.actions))
    facts, acts = relevant(cp, goals, set(), usable, set())
    primary = [a.hours if a.is_step else 0.0 for a in cp.actions]
    model = Model(cp, acts, facts, goals, set(), primary, [a.hours for a in cp.actions],
                  [a.cost for a in cp.actions])
    return model, cp.step_of, goals


def _poor_start(sets: list[list[int]], seed: int) -> list[int]:
    """A valid cover built in a random order: usually not the cheapest."""
    order = list(range(len(sets)))
    random.Random(seed + 1).shuffle(order)
    covered: set[int] = set()
    elements = set().union(*map(set, sets))
    picked = []
    for j in order:
        if not set(sets[j]) <= covered:
            picked.append(j)
            covered |= set(sets[j])
        if covered == elements:
            break
    return picked


def test_set_covers_from_a_poor_start_are_solved_to_the_true_optimum() -> None:
    checked = 0
    for seed in range(1500):
        made = _set_cover(seed)
        if made is None:
            continue
        cat, sets, hours = made
        model, step_of, _ = _model(cat)
        start = {step_of[f"s{j}"] for j in _poor_start(sets, seed)}
        sol = model.solve(start)
        want = _brute_force(sets, hours, len(cat.skills))
        assert sol.status == "optimal", (seed, sol)
        assert sol.value == want == model.value_of(sol.chosen), (seed, sol, want)
        assert sol.bound is not None and want - 1e-9 <= sol.bound <= want + 1e-9, (seed, sol)
        checked += 1
    assert checked > 500


@pytest.fixture
def lying_solver(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """HiGHS as 1.16.0 misbehaves: the true objective and bound, but the start route as the answer.

    ``state["lies"]`` is how many runs lie (then the solver tells the truth).
    The LP-first path (``queries._relaxation``) is turned off and every problem
    gets its greedy start (``SMALL_PROBLEM``): the LP runs no MIP and takes no
    start, so these requests must reach the MIP runs that lie.
    """
    state: dict[str, Any] = {"lies": 1, "runs": 0, "route": None}
    real_run = Model._run
    real_start = Model._start

    def remember_start(self: Model, start: set[int] | None) -> None:
        if start and state["route"] is None:
            state["route"] = set(start)
        real_start(self, start)

    def run(self: Model, deadline: float) -> _Raw:
        raw = real_run(self, deadline)
        state["runs"] += 1
        if state["runs"] <= state["lies"] and state["route"] is not None and raw.status == "optimal":
            return _Raw("optimal", set(state["route"]), raw.objective, raw.dual)
        return raw

    monkeypatch.setattr(Model, "_run", run)
    monkeypatch.setattr(Model, "_start", remember_start)
    monkeypatch.setattr(solver_module, "relaxation_route", lambda model, lp=None: None)
    monkeypatch.setattr(prune_module, "SMALL_PROBLEM", 0)
    return state


def _main_job() -> dict[str, Any]:
    return {"have": ["python", "sql"], "role": "ml-engineer-gcp"}


def test_the_start_route_passed_off_as_optimal_is_caught_and_resolved(lying_solver: dict[str, Any]) -> None:
    cat = load_catalog()
    truth = plan(cat, **_main_job())
    lying_solver.update(lies=1, runs=0, route=None)
    p = plan(cat, **_main_job())
    assert lying_solver["route"] is not None, "the planner gave the solver no start route to lie with"
    assert lying_solver["runs"] >= 2, "the lie was not followed by a second solve"
    assert p.optimal and p.total_hours == truth.total_hours
    assert [s.id for s in p.steps] == [s.id for s in truth.steps]
    assert not any("not proven" in w for w in p.warnings)


def test_a_solver_that_always_lies_gives_not_proven_with_its_real_bound(lying_solver: dict[str, Any]) -> None:
    cat = load_catalog()
    truth = plan(cat, **_main_job())
    lying_solver.update(lies=10**6, runs=0, route=None)
    p = plan(cat, **_main_job())
    cp = compiled(cat)
    start = {cp.actions[a].ref for a in lying_solver["route"] if cp.actions[a].is_step}
    assert p.feasible and not p.optimal
    assert {s.id for s in p.steps} == start and p.total_hours > truth.total_hours
    # The bound is the solver's (true) dual bound, not the route's own cost.
    assert p.bound == truth.total_hours
    assert any(w.startswith("not proven optimal") and "reported objective" in w for w in p.warnings)


def test_alternatives_are_never_cheaper_than_the_best() -> None:
    cat = load_catalog()
    for objective in ("hours", "cost", "steps"):
        p = plan(cat, objective=objective, alternatives=3, **_main_job())
        best = {"hours": p.total_hours, "cost": p.total_cost_usd, "steps": p.total_steps}[objective]
        for alt in p.alternatives:
            value = {"hours": alt.total_hours, "cost": alt.total_cost_usd, "steps": alt.total_steps}[objective]
            assert value >= best, (objective, [s.id for s in alt.steps])


def test_redundancy_removal_repeats_until_nothing_can_go() -> None:
    """c alone reaches the goal; b (also giving the goal) is what keeps a in the route.

    One pass drops b, after which a serves nothing: a second pass must drop it.
    """
    cat = Catalog.model_validate({
        "skills": [{"id": "g", "name": "G"}, {"id": "x", "name": "X"}],
        "courses": [
            {"id": "a", "title": "A", "hours": 3, "teaches": ["x"]},
            {"id": "b", "title": "B", "hours": 5, "requires": ["x"], "teaches": ["g"]},
            {"id": "c", "title": "C", "hours": 1, "teaches": ["g"]},
        ],
        "roles": [{"id": "r", "title": "R", "needs": ["g"]}],
    })
    cp = compiled(cat)
    route = {cp.step_of[i] for i in ("a", "b", "c")}
    goal = {cp.fact_id[("skill", "g", 1)]}
    primary = [a.hours for a in cp.actions]
    kept = without_redundant(cp, set(), route, goal, primary, set(), set(range(len(cp.actions))))
    assert {cp.actions[a].ref for a in kept} == {"c"}


def test_the_first_highs_instance_prints_nothing_on_stdout() -> None:
    """Whatever banner a HiGHS release prints at start-up stays off file descriptor 1
    (the banner is printed once per process, so each check is a fresh process)."""
    bare = subprocess.run([sys.executable, "-c", "import highspy; highspy.Highs()"],
                          capture_output=True, text=True, check=True)
    ours = subprocess.run([sys.executable, "-c", "from queries._solver import new_highs; new_highs(); new_highs()"],
                          capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2])
    assert ours.stdout == "", f"stdout: {ours.stdout!r} (highspy alone prints {bare.stdout!r})"


def test_a_route_that_replays_but_misses_a_goal_is_refused() -> None:
    """The check of a solver's route (``_Planner._check_route``): a route whose steps
    can all be taken in order, but that leaves a goal unmet, is no route; the same
    route whole passes. On every seed role from nothing, dropping the route's last
    step (nothing after it needs it, so the rest still replays)."""
    from queries.planner import PlanRequest, _Planner

    cat = load_catalog()
    refused = 0
    for role in cat.roles:
        p = plan(cat, role=role.id)
        if not p.feasible or not p.steps:
            continue
        planner = _Planner(cat, PlanRequest(role=role.id))
        pruned = planner._prune()
        route = {planner.cp.step_of[s.id] for s in p.steps}
        assert planner._check_route(route, pruned).problems == [], role.id
        verdict = planner._check_route(route - {planner.cp.step_of[p.steps[-1].id]}, pruned)
        assert verdict.problems == ["the route does not reach every goal"] and verdict.route is None, role.id
        refused += 1
    assert refused >= 5
