"""The planner against brute force on hundreds of small random catalogs.

The oracle (``random_catalogs.oracle``) enumerates every subset of steps and
checks it with the plain semantics of ``queries.simulate`` (State, takeable,
parse_have); constraints are applied as plan()'s docstring states them. For
every request the planner must agree on feasibility and on which goal items
are unreachable, its route must be valid (re-checked with ``simulate``) and
cost-optimal for the reachable goal items, with the fewest steps among the
cost-optimal routes.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

import queries._prune as prune_module
import queries._solver as solver_module
from graph.catalog import Catalog
from queries.planner import Plan, plan
from queries.simulate import parse_have, simulate
from tests.queries.random_catalogs import (
    Oracle,
    check_route,
    close,
    expand,
    initial_state,
    oracle,
    plan_value,
    random_catalog,
    random_request,
    route_cost,
    step_cost,
    step_hours,
)

SEEDS = range(250)
RANDOM_REQUESTS = 8

_CATALOGS: dict[int, Catalog] = {}


def catalog(seed: int) -> Catalog:
    if seed not in _CATALOGS:
        _CATALOGS[seed] = random_catalog(seed)
    return _CATALOGS[seed]


def requests(seed: int) -> list[dict[str, Any]]:
    """Fixed requests (every objective, optional goals) plus seeded random ones."""
    cat = catalog(seed)
    out: list[dict[str, Any]] = [
        {"have": [], "role": "r0", "objective": "hours"},
        {"have": [], "role": "r0", "objective": "cost"},
        {"have": [], "role": "r0", "objective": "steps"},
        {"have": [], "role": "r0", "objective": "hours", "include_optional": True},
    ]
    rng = random.Random(seed * 7919 + 17)
    out += [random_request(cat, rng) for _ in range(RANDOM_REQUESTS)]
    return out


def _describe(cat: Catalog, kw: dict[str, Any]) -> str:
    return f"plan(random_catalog(...), **{kw!r})\ncatalog: {cat.to_dict()!r}"


def _id_ranks(cat: Catalog) -> dict[str, int]:
    steps = sorted([c.id for c in cat.courses] + [x.id for x in cat.certs if x.kind == "vendor-exam"])
    return {sid: i + 1 for i, sid in enumerate(steps)}


def _route_ids(p: Plan) -> list[str]:
    return [s.id for s in p.steps]


def _check_route_is_valid(cat: Catalog, kw: dict[str, Any], o: Oracle, p: Plan, where: str) -> None:
    """A returned route: takeable in order, reaches the reachable goals, obeys every constraint."""
    ids = _route_ids(p)
    assert len(set(ids)) == len(ids), f"{where}: a step is taken twice: {ids}"
    free_only = bool(kw.get("free_only"))
    sim = simulate(cat, parse_have(cat, kw["have"]), ids, paid=not free_only)
    assert sim.ok, f"{where}: simulate() rejects the route {ids}: {sim.problems}"
    ok, state = check_route(cat, kw["have"], ids, paid=o.paid, no_award=o.no_award)
    assert ok, f"{where}: route {ids} is not takeable in order (excluded awards not counted)"
    reach = [g for g in o.goals if g not in o.unreachable]
    missing = [g.label for g in reach if not g.holds(state)]
    assert not missing, f"{where}: route {ids} leaves reachable goal items unmet: {missing}"
    assert set(ids) <= o.allowed, f"{where}: steps not allowed by the constraints: {set(ids) - o.allowed}"
    assert o.must <= set(ids), f"{where}: must_include steps missing: {o.must - set(ids)}"
    hours = sum(step_hours(cat, s) for s in ids)
    cost = route_cost(cat, ids, free_only, kw.get("hours_per_week"))
    if kw.get("budget") is not None:
        assert cost <= kw["budget"] + 1e-6, f"{where}: cost {cost} over budget {kw['budget']}"
    if kw.get("max_hours") is not None:
        assert hours <= kw["max_hours"] + 1e-6, f"{where}: {hours} h over max_hours {kw['max_hours']}"
    # totals and step records agree with the catalog
    assert close(p.total_hours, hours), f"{where}: total_hours {p.total_hours} != {hours}"
    assert close(p.total_cost_usd, cost), f"{where}: total_cost_usd {p.total_cost_usd} != {cost}"
    assert p.total_steps == len(ids)
    for s in p.steps:
        expected_kind = "course" if cat.kind_of(s.id) == "course" else "exam"
        assert s.kind == expected_kind, f"{where}: {s.id} has kind {s.kind}"
        assert close(s.hours, step_hours(cat, s.id))
        billed = [b for b in p.subscriptions if s.id in b.steps]
        if not billed:
            assert close(s.cost_usd or 0.0, step_cost(cat, s.id, free_only))
    for b in p.subscriptions:  # a subscription's months, shared by its steps
        assert not free_only and b.steps and set(b.steps) <= set(ids)
        assert close(sum(s.cost_usd or 0.0 for s in p.steps if s.id in b.steps), b.cost_usd)
        assert close(b.cost_usd, route_cost(cat, b.steps, False, kw.get("hours_per_week"))), where


@pytest.mark.parametrize("seed", SEEDS)
def test_route_is_valid_and_optimal_for_the_reachable_goals(seed: int) -> None:
    _valid_and_optimal(seed)


@pytest.mark.parametrize("seed", SEEDS[::2])
def test_the_same_with_dominance_greedy_start_and_mip_only(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """These catalogs are small: by default no dominated steps are removed, no greedy
    start is made and the LP relaxation answers first. The path large problems take
    must hold too."""
    monkeypatch.setattr(prune_module, "SMALL_PROBLEM", 0)
    monkeypatch.setattr(solver_module, "relaxation_route", lambda model, lp=None: None)
    _valid_and_optimal(seed)


@pytest.mark.parametrize("seed", SEEDS[1::4])
def test_the_same_with_pruning_on_numpy(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large catalogs prune on numpy (reachability, relevance, and dominance on the
    catalog's candidate pairs); here every catalog does, with dominance on."""
    monkeypatch.setattr(prune_module, "SMALL_PROBLEM", 0)
    monkeypatch.setattr(prune_module, "NUMPY_ACTIONS", 0)
    monkeypatch.setattr(prune_module, "DOMINANCE_NUMPY_ACTIONS", 0)
    monkeypatch.setattr(solver_module, "relaxation_route", lambda model, lp=None: None)
    _valid_and_optimal(seed)


@pytest.mark.parametrize("seed", SEEDS[1::3])
def test_the_same_with_every_model_narrowed(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large models are narrowed first (queries._narrow: the LP, a route from its
    support, reduced-cost fixing); here every model is."""
    monkeypatch.setattr(prune_module, "SMALL_PROBLEM", 0)
    monkeypatch.setattr(solver_module, "MIN_COLUMNS", 0)
    monkeypatch.setattr(solver_module, "relaxation_route", lambda model, lp=None: None)
    _valid_and_optimal(seed)


@pytest.mark.parametrize("seed", SEEDS[2::3])
def test_the_same_with_every_model_narrowed_after_lm_cut_rows(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large narrowed models get LM-cut's landmarks as rows first (Model.add_cuts);
    here every narrowed model does."""
    monkeypatch.setattr(prune_module, "SMALL_PROBLEM", 0)
    monkeypatch.setattr(solver_module, "MIN_COLUMNS", 0)
    monkeypatch.setattr(solver_module, "LM_CUT_MIN_COLUMNS", 0)
    monkeypatch.setattr(solver_module, "relaxation_route", lambda model, lp=None: None)
    _valid_and_optimal(seed)


@pytest.mark.parametrize("rounds", [0, 1000])
@pytest.mark.parametrize("seed", SEEDS[1::5])
def test_the_same_with_time_labels_at_once_or_cycle_cuts_only(seed: int, rounds: int,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The solver adds acyclicity lazily: cycle cuts for a route with a cycle of
    support, then after ``CUT_ROUNDS`` rounds the exact time labels. Either
    alone must give the optimum (0: labels at the first cycle; 1000: cuts only)."""
    monkeypatch.setattr(solver_module, "CUT_ROUNDS", rounds)
    monkeypatch.setattr(prune_module, "SMALL_PROBLEM", 0)
    monkeypatch.setattr(solver_module, "relaxation_route", lambda model, lp=None: None)
    _valid_and_optimal(seed)


def _valid_and_optimal(seed: int) -> None:
    cat = catalog(seed)
    for kw in requests(seed):
        where = _describe(cat, kw)
        p = plan(cat, **kw)
        o = oracle(cat, **kw)
        best = o.best
        if best is None:
            # No route meets the constraints even for the reachable goal items.
            assert not p.feasible, f"{where}: planner says feasible, brute force finds no route"
            assert p.steps == [], f"{where}: no route exists, yet steps {_route_ids(p)} were returned"
            continue
        objective = kw["objective"]
        assert p.optimal, f"{where}: a route exists but optimal is False"
        _check_route_is_valid(cat, kw, o, p, where)
        want = best.value(objective)
        got = plan_value(p, objective)
        assert close(got, want), (f"{where}: {objective} total {got} for {_route_ids(p)}, brute force finds "
                                  f"{want} with {sorted(best.steps)}")
        fewest = min(len(r.steps) for r in o.routes if close(r.value(objective), want))
        assert len(p.steps) == fewest, (f"{where}: {len(p.steps)} steps {_route_ids(p)}, but a cost-optimal "
                                        f"route has {fewest} steps ({sorted(best.steps)})")
        # Then by id: the smallest sum of id ranks (1-based, in the catalog's sorted step ids).
        rank = _id_ranks(cat)
        ties = [r for r in o.routes if close(r.value(objective), want) and len(r.steps) == fewest]
        least = min(sum(rank[s] for s in r.steps) for r in ties)
        got_rank = sum(rank[s] for s in _route_ids(p))
        lowest = min(ties, key=lambda r: sum(rank[s] for s in r.steps))
        assert got_rank == least, (f"{where}: {_route_ids(p)} has id-rank sum {got_rank}; "
                                   f"{sorted(lowest.steps)} has {least}")
        # The bound is a proven lower bound that proves the route optimal: bound <= value, and equal.
        assert p.bound is not None and p.bound <= got + 1e-6, f"{where}: bound {p.bound} above the value {got}"
        assert close(p.bound, got), f"{where}: optimal, yet the bound {p.bound} does not prove {got}"


@pytest.mark.parametrize("seed", SEEDS)
def test_feasible_and_unreachable_match_brute_force(seed: int) -> None:
    cat = catalog(seed)
    for kw in requests(seed):
        where = _describe(cat, kw)
        p = plan(cat, **kw)
        o = oracle(cat, **kw)
        got = {u.id for u in p.unreachable if u.kind in ("skill", "cert")}
        want = {g.label for g in o.unreachable}
        start = initial_state(cat, kw["have"], o.paid, o.no_award)
        held = sorted(g.label for g in o.goals if g.label in got - want and g.holds(start))
        assert got == want, (f"{where}: unreachable goal items {sorted(got)}, brute force (every allowed step "
                             f"taken) cannot reach exactly {sorted(want)}; held from the start: {held}")
        for u in p.unreachable:
            assert u.reason, f"{where}: {u.id} has no reason"
        got_must = {u.id for u in p.unreachable if u.kind == "step"}
        assert got_must == o.unusable_must, f"{where}: unusable must_include {got_must} != {o.unusable_must}"
        assert p.feasible == o.feasible, (f"{where}: feasible={p.feasible}, brute force says {o.feasible} "
                                          f"(unreachable {sorted(want)}, route {o.best and sorted(o.best.steps)})")


@pytest.mark.parametrize("seed", SEEDS)
def test_every_step_is_explained(seed: int) -> None:
    """Every step of an optimal route is needed, so it serves a goal item or a later step."""
    cat = catalog(seed)
    for kw in requests(seed):
        p = plan(cat, **kw)
        must = set(expand(cat, kw.get("must_include", [])))
        for s in p.steps:
            assert s.reason.strip(), f"{_describe(cat, kw)}: {s.id} has an empty reason"
            if s.id not in must:
                assert s.serves, f"{_describe(cat, kw)}: {s.id} serves nothing (reason {s.reason!r})"
                assert "asked to include" not in s.reason, (
                    f"{_describe(cat, kw)}: {s.id} was not asked for, reason says {s.reason!r}")
        ids = _route_ids(p)
        assert [s.order for s in p.steps] == list(range(1, len(ids) + 1))


@pytest.mark.parametrize("seed", SEEDS[::2])
def test_alternatives_are_valid_distinct_and_no_better(seed: int) -> None:
    cat = catalog(seed)
    rng = random.Random(seed * 31 + 5)
    reqs = [{"have": [], "role": "r0", "objective": rng.choice(["hours", "cost", "steps"])},
            random_request(cat, rng), random_request(cat, rng)]
    for kw in reqs:
        where = _describe(cat, kw)
        p = plan(cat, alternatives=3, **kw)
        o = oracle(cat, **kw)
        assert len(p.alternatives) <= 3
        if not p.steps:
            continue
        objective = kw["objective"]
        earlier = [frozenset(_route_ids(p))]
        for n, alt in enumerate(p.alternatives, 1):
            w = f"{where}\nalternative {n}: {_route_ids(alt)} (earlier: {[sorted(e) for e in earlier]})"
            _check_route_is_valid(cat, kw, o, alt, w)
            steps = frozenset(_route_ids(alt))
            assert steps not in earlier, f"{w}: repeats an earlier route"
            assert not any(steps >= e for e in earlier), f"{w}: a superset of an earlier route"
            assert plan_value(alt, objective) >= plan_value(p, objective) - 1e-6, f"{w}: cheaper than the best"
            earlier.append(steps)


def test_alternatives_are_the_next_best_routes() -> None:
    """plan() docstring: alternatives are the *next-best* routes, each never a superset of an earlier one.

    So alternative k costs exactly the minimum over routes that contain no earlier route, and fewer than
    requested come back only when no such route exists.
    """
    failures = []
    for seed in SEEDS[::2]:
        cat = catalog(seed)
        for kw in requests(seed)[:4]:
            p = plan(cat, alternatives=2, **kw)
            o = oracle(cat, **kw)
            if not p.steps or o.best is None:
                continue
            objective = kw["objective"]
            earlier = [frozenset(_route_ids(p))]
            for alt in [*p.alternatives, None]:
                rest = [r for r in o.routes if not any(r.steps >= e for e in earlier)]
                if alt is None:
                    if len(p.alternatives) < 2 and rest:
                        nxt = min(rest, key=lambda r: (r.value(objective), len(r.steps)))
                        failures.append(f"seed {seed} {kw}: after {[sorted(e) for e in earlier]} no alternative "
                                        f"returned, but {sorted(nxt.steps)} ({nxt.value(objective)}) is a route")
                    break
                want = min(r.value(objective) for r in rest) if rest else None
                if want is None or not close(plan_value(alt, objective), want):
                    failures.append(f"seed {seed} {kw}: alternative {_route_ids(alt)} costs "
                                    f"{plan_value(alt, objective)}, the next best costs {want}")
                    break
                earlier.append(frozenset(_route_ids(alt)))
    assert not failures, f"{len(failures)} requests:\n" + "\n".join(failures[:10])


def test_the_random_catalogs_cover_the_interesting_cases() -> None:
    """Guard the generator: the cases the brute-force tests are meant to exercise do occur."""
    seen: Counter[str] = Counter()
    for seed in SEEDS:
        cat = catalog(seed)
        if any(c.requires and any(hasattr(r, "any_of") for r in c.requires) for c in cat.courses):
            seen["any_of"] += 1
        if any(c.kind == "completion" for c in cat.certs):
            seen["completion"] += 1
        if any(c.kind == "vendor-exam" for c in cat.certs):
            seen["exam"] += 1
        if any(not s.teachable for s in cat.skills):
            seen["untaught"] += 1
        for kw in requests(seed):
            o = oracle(cat, **kw)
            seen["feasible" if o.feasible else "infeasible"] += 1
            if o.unreachable and o.best is not None and o.best.steps:
                seen["partial route"] += 1
            if o.best is not None and len(o.best.steps) >= 3:
                seen["long route"] += 1
            if o.best is None:
                seen["no route"] += 1
            if o.best is not None and any(cat.kind_of(s) == "cert" for s in o.best.steps):
                seen["exam in route"] += 1
            for key in ("budget", "max_hours", "free_only", "exclude", "providers", "must_include",
                        "include_optional", "cert", "skills"):
                if kw.get(key):
                    seen[key] += 1
            if any(":" in h for h in kw["have"]):
                seen["have level"] += 1
    for key in ("any_of", "completion", "exam", "untaught", "partial route", "no route", "exam in route"):
        assert seen[key] >= 10, (key, seen)
    for key in ("feasible", "infeasible", "long route", "budget", "max_hours", "free_only", "exclude", "providers",
                "must_include", "include_optional", "cert", "skills", "have level"):
        assert seen[key] >= 100, (key, seen)


def _acyclicity_spy(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """MIP only (no LP-first path), counting the solver's cycle-cut rounds and time-label additions."""
    monkeypatch.setattr(solver_module, "relaxation_route", lambda model, lp=None: None)
    ran: Counter[str] = Counter()
    for name in ("_cut", "_label"):
        real = getattr(solver_module.Model, name)

        def spy(self: Any, *args: Any, _real: Any = real, _name: str = name) -> None:
            ran[_name] += 1
            _real(self, *args)

        monkeypatch.setattr(solver_module.Model, name, spy)
    return ran


@pytest.mark.parametrize("rounds", [0, 3])
def test_cyclic_support_is_not_accepted(rounds: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Courses that teach each other's prerequisites only work with a third way in.
    The model has no acyclicity until a route needs it: the first answer is the
    cycle a+b, cut off by a cycle cut (``rounds`` 3) or by the time labels (0)."""
    monkeypatch.setattr(solver_module, "CUT_ROUNDS", rounds)
    ran = _acyclicity_spy(monkeypatch)
    cat = Catalog.model_validate({
        "skills": [{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}],
        "courses": [
            {"id": "a", "title": "A", "hours": 1, "requires": ["y"], "teaches": ["x"]},
            {"id": "b", "title": "B", "hours": 1, "requires": ["x"], "teaches": ["y"]},
            {"id": "way-in", "title": "W", "hours": 50, "teaches": ["x"]},
        ],
        "roles": [{"id": "r", "title": "R", "needs": ["x", "y"]}],
    })
    p = plan(cat, role="r")
    assert p.feasible and p.optimal
    assert _route_ids(p) == ["way-in", "b"]  # a+b alone (2 h) would be a support cycle
    assert p.total_hours == 51
    assert ran == (Counter(_cut=1) if rounds else Counter(_label=1))
    o = oracle(cat, role="r")
    assert o.best is not None and o.best.steps == {"way-in", "b"}
    p = plan(cat, role="r", exclude=["way-in"])
    assert not p.feasible
    assert {u.id for u in p.unreachable} == {"x", "y"}


def test_several_cycles_take_cut_rounds_then_the_time_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Five pairs of courses teach each other's prerequisites, each pair with its own
    dearer way in. A cycle cut only says "some way in" for the cycles it sees, so each
    round breaks one more pair: after CUT_ROUNDS (3) rounds the time labels go in, and
    the answer is still the optimum: every way in plus the cheap second course."""
    ran = _acyclicity_spy(monkeypatch)
    pairs = range(1, 6)
    cat = _five_cycles()
    p = plan(cat, role="r")
    assert p.feasible and p.optimal
    assert sorted(_route_ids(p)) == sorted([f"w{i}" for i in pairs] + [f"b{i}" for i in pairs])
    assert p.total_hours == sum(10 + i for i in pairs) + 5 and p.bound == p.total_hours
    assert ran == Counter(_cut=solver_module.CUT_ROUNDS, _label=1)


def test_after_a_slow_run_the_time_labels_come_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that took SLOW_RUN_SHARE of the time limit is not followed by cut rounds
    (each would be as slow, and may return a new cycle at the same cost): the time
    labels go in after the first cyclic answer, and the answer is the same optimum."""
    ran = _acyclicity_spy(monkeypatch)
    monkeypatch.setattr(solver_module, "SLOW_RUN_SHARE", 0.0)  # every run counts as slow
    p = plan(_five_cycles(), role="r")
    assert p.feasible and p.optimal
    assert p.total_hours == sum(10 + i for i in range(1, 6)) + 5 and p.bound == p.total_hours
    assert ran == Counter(_label=1)


def _five_cycles() -> Catalog:
    """Five pairs of courses that teach each other's prerequisites, each pair with its own
    dearer way in (w1-w5, 11-15 h)."""
    pairs = range(1, 6)
    return Catalog.model_validate({
        "skills": [{"id": f"{k}{i}", "name": f"{k}{i}"} for i in pairs for k in "xy"],
        "courses": [c for i in pairs for c in (
            {"id": f"a{i}", "title": "A", "hours": 1, "requires": [f"y{i}"], "teaches": [f"x{i}"]},
            {"id": f"b{i}", "title": "B", "hours": 1, "requires": [f"x{i}"], "teaches": [f"y{i}"]},
            {"id": f"w{i}", "title": "W", "hours": 10 + i, "teaches": [f"x{i}"]},
        )],
        "roles": [{"id": "r", "title": "R", "needs": [f"{k}{i}" for i in pairs for k in "xy"]}],
    })


def test_a_cyclic_answer_is_completed_into_a_route_that_starts_the_next_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each answer with a cycle of support is completed into a route (the greedy route
    with its actions free); that route is the next run's start, and is kept as the
    best route found should the time run out. The answer is still the optimum."""
    from queries.planner import _Planner

    _acyclicity_spy(monkeypatch)
    completed: list[set[int]] = []
    starts: list[set[int] | None] = []
    real_completed, real_start = _Planner._completed, solver_module.Model._start

    def completed_spy(self: Any, chosen: set[int], p: Any) -> set[int] | None:
        route = real_completed(self, chosen, p)
        assert route is not None
        completed.append(route)
        return route

    def start_spy(self: Any, start: set[int] | None) -> None:
        starts.append(start)
        real_start(self, start)

    monkeypatch.setattr(_Planner, "_completed", completed_spy)
    monkeypatch.setattr(solver_module.Model, "_start", start_spy)
    cat = _five_cycles()
    p = plan(cat, role="r")
    assert p.feasible and p.optimal and p.total_hours == sum(10 + i for i in range(1, 6)) + 5
    assert len(completed) == solver_module.CUT_ROUNDS + 1  # every cyclic answer, the labelled run's excepted
    assert starts[1:] == completed  # each completion started the run after it


@pytest.mark.parametrize("lie", ["the cycle itself", "an excluded route"])
def test_a_completion_that_is_not_a_route_of_the_model_is_never_used(lie: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A completion is checked before it is used: one that is not a route (here: the
    cyclic answer returned as it came), or one an earlier alternative excludes, is
    neither claimed nor used as a start; the answers stay the brute-force optimum."""
    from queries.planner import _Planner

    _acyclicity_spy(monkeypatch)
    cat = _five_cycles()
    first = plan(cat, role="r")
    route = set(_route_ids(first))

    def lying(self: Any, chosen: set[int], p: Any) -> set[int] | None:
        if lie == "the cycle itself":
            return set(chosen)
        return {self.cp.step_of[s] for s in route}

    monkeypatch.setattr(_Planner, "_completed", lying)
    p = plan(cat, role="r", alternatives=1)
    assert p.optimal and set(_route_ids(p)) == route and p.total_hours == first.total_hours
    assert all(set(_route_ids(a)) != route for a in p.alternatives)  # here the route is the only one
    o = oracle(cat, role="r")
    assert o.best is not None and o.best.steps == route


def test_out_of_time_after_a_cyclic_answer_the_completed_route_comes_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run after the first stops at the time limit with nothing (fault injected at
    the seam where HiGHS answers): the route completed from the first, cyclic answer
    is the answer, valid, not claimed optimal, with the first run's bound."""
    from queries._solver import _Raw

    _acyclicity_spy(monkeypatch)
    real_run = solver_module.Model._run
    runs: list[str] = []

    def run_once(self: Any, deadline: float) -> Any:
        runs.append("run")
        if len(runs) == 1:
            return real_run(self, deadline)
        return _Raw("timeout", set(), None, None)

    monkeypatch.setattr(solver_module.Model, "_run", run_once)
    cat = _five_cycles()
    p = plan(cat, role="r")
    assert p.feasible and not p.optimal
    assert sorted(_route_ids(p)) == sorted([f"w{i}" for i in range(1, 6)] + [f"b{i}" for i in range(1, 6)])
    assert p.bound is not None and p.bound < p.total_hours == 70
    check = simulate(cat, parse_have(cat, []), _route_ids(p))
    assert check.ok
