"""Pruning a compiled problem per request, and the relaxed estimates behind it.

Constraint filters happen in the planner (exclude, providers, free only,
budget/hours caps on single steps); here: forward reachability from what the
learner has, backward relevance from the goals, and removal of dominated
steps (another step needs no more, gives no less and is no worse on every
measure); each preserves at least one optimal route. A greedy route (the
h_add relaxed plan, without its redundant steps) starts the solver, and
h_max of the goals bounds an answer the solver did not prove.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable

import numpy as np

from queries._compile import Compiled, StepSets, derive, gather

__all__ = ["NUMPY_ACTIONS", "SMALL_PROBLEM", "dominated", "executable", "forward", "greedy_route", "large_problem",
           "maybe_spare", "relaxed_costs", "relevant", "without_redundant"]

#: Up to this many actions, no dominance pruning and no greedy start: the LP or the
#: MIP alone answers in well under a millisecond (seed catalog learners: 26 actions
#: median, 40 at most), and those passes cost more (dominance alone: 1.53 against
#: 1.42 ms a plan, 1,950 seed learners in process, memory of solved problems on).
SMALL_PROBLEM = 60


def large_problem(acts: set[int]) -> bool:
    """Whether a problem of ``acts`` is large enough for dominance pruning and a greedy start."""
    return len(acts) > SMALL_PROBLEM


#: From this many actions in the catalog, reachability and relevance run layer by layer on
#: numpy arrays (the catalog's tables, built once); below, on Python lists and sets.
NUMPY_ACTIONS = 3000


def forward(cp: Compiled, initial: set[int], allowed: list[bool]) -> tuple[set[int], list[bool]]:
    """Relaxed reachability: facts and allowed actions reachable from ``initial``."""
    if len(cp.actions) >= NUMPY_ACTIONS:
        return _forward_layers(cp, initial, allowed)
    actions, users = cp.actions, cp.users
    missing = list(cp.pre_counts)
    reached = set(initial)
    usable = [False] * len(actions)
    stack = list(initial)  # the order facts are taken in does not change the fixpoint
    for ai in cp.no_pre:
        if allowed[ai]:
            usable[ai] = True
            for f in actions[ai].add:
                if f not in reached:
                    reached.add(f)
                    stack.append(f)
    while stack:
        for ai in users[stack.pop()]:
            missing[ai] -= 1
            if missing[ai] == 0 and allowed[ai] and not usable[ai]:
                usable[ai] = True
                for f in actions[ai].add:
                    if f not in reached:
                        reached.add(f)
                        stack.append(f)
    return reached, usable


def _forward_layers(cp: Compiled, initial: set[int], allowed: list[bool]) -> tuple[set[int], list[bool]]:
    """:func:`forward` on numpy, one layer of newly reached facts at a time."""
    u_start, u_index, add_start, add_index, no_pre, pre_counts = cp.reach_tables()
    can = np.array(allowed, dtype=bool)
    missing = pre_counts.copy()
    reached = np.zeros(len(cp.facts), dtype=bool)
    usable = np.zeros(len(cp.actions), dtype=bool)
    start = np.array(sorted(initial), dtype=np.int64)
    reached[start] = True
    fire = no_pre[can[no_pre]]
    frontier = start
    while True:
        usable[fire] = True
        new = np.unique(gather(add_start, add_index, fire)[0])
        new = new[~reached[new]]
        reached[new] = True
        frontier = np.concatenate([frontier, new])
        if not len(frontier):
            break
        users = gather(u_start, u_index, frontier)[0]
        missing -= np.bincount(users, minlength=len(missing))
        fire = np.unique(users[missing[users] == 0])
        fire = fire[can[fire] & ~usable[fire]]
        frontier = frontier[:0]
    return set(np.flatnonzero(reached).tolist()), usable.tolist()


def relevant(cp: Compiled, goals: Iterable[int], initial: set[int], usable: list[bool],
             must: Iterable[int] = ()) -> tuple[set[int], set[int]]:
    """Backward relevance: the facts and usable actions that can matter for ``goals``."""
    if len(cp.actions) >= NUMPY_ACTIONS:
        return _relevant_layers(cp, goals, initial, usable, must)
    actions, achievers = cp.actions, cp.achievers
    facts: set[int] = set()
    acts: set[int] = set(must)
    stack = [f for f in goals if f not in initial]
    for ai in acts:
        stack.extend(actions[ai].pre)
    while stack:  # the order facts are taken in does not change the fixpoint
        f = stack.pop()
        if f in facts or f in initial:
            continue
        facts.add(f)
        for ai in achievers[f]:
            if usable[ai] and ai not in acts:
                acts.add(ai)
                stack.extend(actions[ai].pre)
    return facts, acts


def _relevant_layers(cp: Compiled, goals: Iterable[int], initial: set[int], usable: list[bool],
                     must: Iterable[int]) -> tuple[set[int], set[int]]:
    """:func:`relevant` on numpy, one layer of newly relevant facts at a time."""
    ach_start, ach_index, pre_start, pre_index = cp.tables()
    can = np.array(usable, dtype=bool)
    held = np.zeros(len(cp.facts), dtype=bool)
    held[np.array(sorted(initial), dtype=np.int64)] = True
    facts = np.zeros(len(cp.facts), dtype=bool)
    acts = np.zeros(len(cp.actions), dtype=bool)
    pinned = np.array(sorted(set(must)), dtype=np.int64)
    acts[pinned] = True
    frontier = np.concatenate([np.array(sorted(set(goals)), dtype=np.int64), gather(pre_start, pre_index, pinned)[0]])
    while True:
        frontier = np.unique(frontier)
        frontier = frontier[~facts[frontier] & ~held[frontier]]
        if not len(frontier):
            break
        facts[frontier] = True
        new = np.unique(gather(ach_start, ach_index, frontier)[0])
        new = new[can[new] & ~acts[new]]
        acts[new] = True
        frontier = gather(pre_start, pre_index, new)[0]
    return set(np.flatnonzero(facts).tolist()), set(np.flatnonzero(acts).tolist())


def dominated(cp: Compiled, acts: set[int], facts: set[int], initial: set[int], keep: set[int],
              primary: list[float], cost: list[float], *, by_hours: bool = True, by_cost: bool = True,
              cheaper: Callable[[int, int], bool] | None = None, exact: bool = True) -> set[int]:
    """Steps that another relevant step dominates (see the module docstring).

    ``primary`` is each action's cost in the request's objective, ``cost`` its
    cost in USD as this request counts it; hours and
    cost are compared only where they matter (``by_hours``, ``by_cost``: the
    objective or a cap); ``cheaper(b, a)``, when given, replaces comparing
    ``cost`` (money that is not a sum of step prices: b must add no more than
    a to any route's cost). Without ``exact`` the primary values are only
    shares of it (monthly billing prorated), so two steps may cost the same in
    a route whatever their shares: a step then only dominates one after it in
    id order, and ties still go to the smaller id. A precondition also counts as held when the same
    skill at a higher level is.
    """
    adds, pres, implied, cheapest = _step_sets(cp)
    steps = {ai for ai in acts if cp.actions[ai].is_step}
    own: dict[int, frozenset[int]] = {}  # a step's preconditions not held from the start, as needed
    out: set[int] = set()
    for ai in steps:
        if ai in keep:
            continue
        effects = adds[ai] & facts
        if not effects:
            continue
        a = cp.actions[ai]
        # Held from the start or not, a precondition of b is enough when a's implied ones have it;
        # initial facts are closed downwards (lower levels of a held skill are held), so
        # ``implied`` needs no per-request filtering.
        below = implied[ai]
        probe = min(effects, key=lambda f: len(cheapest[f]))  # the effect with the fewest achievers
        # by hours: the probe's achievers in order of hours, up to a's own (the rest take longer)
        for bi in cheapest[probe] if by_hours else cp.achievers[probe]:
            b = cp.actions[bi]
            if by_hours and b.hours > a.hours:
                break
            if bi == ai or bi not in steps or bi in out:
                continue
            if by_cost and not (cheaper(bi, ai) if cheaper is not None else cost[bi] <= cost[ai]):
                continue
            pb, pa = primary[bi], primary[ai]
            if pb > pa or (pb == pa and b.rank > a.rank) or (not exact and b.rank > a.rank):
                continue
            needs = own.get(bi)
            if needs is None:
                needs = own[bi] = pres[bi] - initial
            if needs <= below and effects <= adds[bi]:
                out.add(ai)
                break
    return out


def _step_sets(cp: Compiled) -> StepSets:
    """Per catalog, once: each action's effects and preconditions as sets, its
    preconditions with the lower levels they imply, and each fact's achievers in order
    of hours."""
    if cp.step_sets is None:
        adds = [frozenset(a.add) for a in cp.actions]
        pres = [frozenset(a.pre) for a in cp.actions]
        implied = []
        for a in cp.actions:
            more = set(a.pre)
            for f in a.pre:
                key = cp.facts[f]
                if key[0] == "skill":
                    more.update(lower for k in range(1, key[2])
                                if (lower := cp.fact_id.get(("skill", key[1], k))) is not None)
            implied.append(frozenset(more))
        by_hours = [sorted(x, key=lambda b: (cp.actions[b].hours, b)) for x in cp.achievers]
        cp.step_sets = (adds, pres, implied, by_hours)
    return cp.step_sets


def relaxed_costs(cp: Compiled, initial: set[int], usable: list[bool], cost: list[float],
                  combine: str = "add") -> tuple[dict[int, float], dict[int, int]]:
    """Cheapest-achievement estimates of every reachable fact (Dijkstra over the
    relaxed problem): ``add`` sums the preconditions' costs (h_add, for a good
    greedy route), ``max`` takes the largest (h_max, a lower bound). Returns the
    costs and, for h_add, the achiever each fact was first reached by."""
    h: dict[int, float] = dict.fromkeys(initial, 0.0)
    best: dict[int, int] = {}
    missing = [len(a.pre) for a in cp.actions]
    acc = [0.0] * len(cp.actions)
    heap: list[tuple[float, int]] = [(0.0, f) for f in initial]
    done: set[int] = set()

    def relax(ai: int) -> None:
        a = cp.actions[ai]
        value = cost[ai] + acc[ai]
        for f in a.add:
            if f not in done and value < h.get(f, float("inf")):
                h[f] = value
                best[f] = ai
                heapq.heappush(heap, (value, f))

    for a in cp.actions:
        if usable[a.idx] and not a.pre:
            relax(a.idx)
    add = combine == "add"
    while heap:
        value, f = heapq.heappop(heap)
        if f in done or value > h.get(f, float("inf")):
            continue
        done.add(f)
        for ai in cp.users[f]:
            if not usable[ai]:
                continue
            missing[ai] -= 1
            acc[ai] = acc[ai] + value if add else max(acc[ai], value)
            if missing[ai] == 0:
                relax(ai)
    return h, best


def greedy_route(cp: Compiled, initial: set[int], best: dict[int, int], goals: Iterable[int],
                 must: Iterable[int] = ()) -> set[int]:
    """The actions of the h_add relaxed plan: each needed fact's first achiever,
    recursively. Well-founded because Dijkstra fixed every precondition first."""
    chosen: set[int] = set()
    stack = [f for f in goals if f not in initial]
    for ai in must:
        if ai not in chosen:
            chosen.add(ai)
            stack.extend(cp.actions[ai].pre)
    while stack:
        f = stack.pop()
        if f in initial:
            continue
        ai = best[f]
        if ai not in chosen:
            chosen.add(ai)
            stack.extend(p for p in cp.actions[ai].pre if p not in initial)
    return chosen


def executable(cp: Compiled, initial: set[int], chosen: set[int], goals: Iterable[int],
               allowed: set[int]) -> bool:
    """Whether the steps in ``chosen`` can be ordered so each is takeable when
    taken, ending with every goal held. ``initial`` must already be closed
    under the derived (group and award) actions; only derived actions in
    ``allowed`` fire."""
    have = set(initial)
    waiting: dict[int, list[int]] = {}
    missing: dict[int, int] = {}
    for ai in chosen:
        gaps = [p for p in cp.actions[ai].pre if p not in have]
        missing[ai] = len(gaps)
        for p in gaps:
            waiting.setdefault(p, []).append(ai)
    ready = [ai for ai, n in missing.items() if n == 0]
    taken = 0
    while ready:
        ai = ready.pop()
        taken += 1
        new = [f for f in cp.actions[ai].add if f not in have]
        have.update(new)
        new += [g for g, _ in derive(cp, have, new, allowed.__contains__)]
        for f in new:
            for bi in waiting.get(f, ()):
                missing[bi] -= 1
                if missing[bi] == 0:
                    ready.append(bi)
    return taken == len(chosen) and all(g in have for g in goals)


def maybe_spare(cp: Compiled, initial: set[int], route: set[int], goals: Iterable[int], keep: set[int]) -> list[int]:
    """The steps of ``route`` that might be dropped with ``goals`` still met: every
    other step is the route's only source of something the route or the goals need.

    Skill, cert and done facts come only from steps (groups and awards add
    other facts), so a needed fact with one source in the route pins it; the
    steps returned still need checking with :func:`executable`.
    """
    sources: dict[int, int] = {}
    for ai in route:
        for f in cp.actions[ai].add:
            sources[f] = sources.get(f, 0) + 1
    needed = set(goals)
    for ai in route:
        needed.update(cp.actions[ai].pre)
    return [a for a in route if cp.actions[a].is_step and a not in keep
            and all(sources[f] > 1 or f not in needed for f in cp.actions[a].add if f not in initial)]


def without_redundant(cp: Compiled, initial: set[int], route: set[int], goals: set[int], primary: list[float],
                      keep: set[int], allowed: set[int]) -> set[int]:
    """Drop steps the route can do without, most expensive first, until none can go.

    Only steps :func:`maybe_spare` finds are tried, so most are ruled out
    without replaying the route. Dropping a step can make another one spare
    (what it needed is needed no more), so passes repeat until one drops
    nothing.
    """
    route = set(route)
    while True:
        dropped = False
        for ai in sorted(maybe_spare(cp, initial, route, goals, keep), key=lambda a: (-primary[a], cp.actions[a].rank)):
            trial = route - {ai}
            if executable(cp, initial, trial, goals, allowed):
                route = trial
                dropped = True
        if not dropped:
            return route
