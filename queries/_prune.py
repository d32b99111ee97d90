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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from queries._compile import Compiled, StepSets, csr, derive, gather

if TYPE_CHECKING:
    from queries._pricing import Billing

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
        new = _distinct(gather(add_start, add_index, fire)[0], ~reached)
        reached[new] = True
        frontier = np.concatenate([frontier, new])
        if not len(frontier):
            break
        users = gather(u_start, u_index, frontier)[0]
        missing -= np.bincount(users, minlength=len(missing))
        fire = _distinct(users[missing[users] == 0], can & ~usable)
        frontier = frontier[:0]
    return set(np.flatnonzero(reached).tolist()), usable.tolist()


def _distinct(values: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """The distinct ``values`` (numbers below ``len(allowed)``) where ``allowed`` holds, sorted:
    a mask, faster than ``np.unique`` for the layers' many small arrays."""
    seen = np.zeros(len(allowed), dtype=bool)
    seen[values] = True
    return np.flatnonzero(seen & allowed)


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
        frontier = _distinct(frontier, ~facts & ~held)
        if not len(frontier):
            break
        facts[frontier] = True
        new = _distinct(gather(ach_start, ach_index, frontier)[0], can & ~acts)
        acts[new] = True
        frontier = gather(pre_start, pre_index, new)[0]
    return set(np.flatnonzero(facts).tolist()), set(np.flatnonzero(acts).tolist())


def dominated(cp: Compiled, acts: set[int], facts: set[int], initial: set[int], keep: set[int],
              primary: list[float], cost: list[float], *, by_hours: bool = True, by_cost: bool = True,
              billing: Billing | None = None, exact: bool = True) -> set[int]:
    """Steps that another relevant step dominates (see the module docstring).

    ``primary`` is each action's cost in the request's objective, ``cost`` its
    cost in USD as this request counts it; hours and
    cost are compared only where they matter (``by_hours``, ``by_cost``: the
    objective or a cap); ``billing``, when given, replaces comparing ``cost`` by
    its ``cheaper(b, a)`` (money that is not a sum of step prices: b must add no
    more than a to any route's cost; ``cheaper_pairs`` on arrays). Without ``exact`` the primary values are only
    shares of it (monthly billing prorated), so two steps may cost the same in
    a route whatever their shares: a step then only dominates one after it in
    id order, and ties still go to the smaller id. A precondition also counts as held when the same
    skill at a higher level is.

    Every step that some relevant step dominates is returned, whether or not its
    dominator is dominated in turn: replacing a dominated step in an optimal route
    by its dominator gives a route no worse, with a smaller (primary, rank) step
    in its place, so repeated replacement ends in an optimal route of undominated
    steps. The order the steps are looked at therefore does not matter.
    """
    if len(cp.actions) >= DOMINANCE_NUMPY_ACTIONS:
        table = _dominance_table(cp, by_hours)
        if table is not None:
            return _dominated_pairs(cp, table, acts, facts, initial, keep, primary, cost, by_cost=by_cost,
                                    billing=billing, exact=exact)
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
            if bi == ai or bi not in steps:
                continue
            if by_cost and not (billing.cheaper(bi, ai) if billing is not None else cost[bi] <= cost[ai]):
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


def _lower_levels(cp: Compiled) -> list[list[int]]:
    """Each fact's lower levels that are facts of the catalog (a skill at level 3: the
    same skill at 1 and 2), which holding it implies."""
    lower: list[list[int]] = []
    for key in cp.facts:
        below = []
        if key[0] == "skill":
            below = [f for k in range(1, key[2]) if (f := cp.fact_id.get(("skill", key[1], k))) is not None]
        lower.append(below)
    return lower


def _step_sets(cp: Compiled) -> StepSets:
    """Per catalog, once: each action's effects and preconditions as sets, its
    preconditions with the lower levels they imply, and each fact's achievers in order
    of hours."""
    if cp.step_sets is None:
        adds = [frozenset(a.add) for a in cp.actions]
        pres = [frozenset(a.pre) for a in cp.actions]
        lower = _lower_levels(cp)
        implied = [frozenset(a.pre).union(*(lower[f] for f in a.pre)) for a in cp.actions]
        by_hours = [sorted(x, key=lambda b: (cp.actions[b].hours, b)) for x in cp.achievers]
        cp.step_sets = (adds, pres, implied, by_hours)
    return cp.step_sets


#: From this many actions in the catalog, dominance is checked on numpy over the catalog's
#: candidate pairs (:class:`DominanceTable`, built on first use: 21 ms at 1,000 courses,
#: 0.19 s at 10,000). At 1,000 courses (1,400 actions) the p50 of the planner benchmark
#: was 21.1-22.1 ms with it against 22.1-23.0 ms without, three alternations.
DOMINANCE_NUMPY_ACTIONS = 1000

#: The numpy path of :func:`dominated` is used when the catalog's candidate pairs (two
#: steps adding a common fact) number at most this many, counted with repeats (the sum
#: over facts of the square of their step achievers): building the table holds a few
#: arrays of that length and a few times it (the pairs' effects and preconditions), a
#: few hundred MB at the limit. The synthetic 10,000-course catalog has 604,981.
DOMINANCE_PAIRS_MAX = 2_000_000


@dataclass(frozen=True)
class DominanceTable:
    """Per catalog, once: every pair of steps ``(a, b)`` that add a common fact, as the
    candidates for ``b`` dominating ``a``, with what each pair's check needs beyond
    numbers, as bit sets over positions in an action's own lists: ``missing``, the
    effects of ``a`` (positions in its ``add``) that ``b`` does not add, and
    ``extra``, the preconditions of ``b`` (positions in its ``pre``) that ``a``'s do
    not imply. ``b`` dominates ``a`` only when none of ``missing`` is relevant and
    all of ``extra`` are held from the start."""

    a: np.ndarray
    b: np.ndarray  # (with hours compared: only where b takes no longer than a)
    missing: np.ndarray  # uint64 per pair
    extra: np.ndarray  # uint64 per pair
    rank: np.ndarray  # per action
    step: np.ndarray  # per action: a step (course or exam)
    add_bit: np.ndarray  # per entry of the catalog's effect lists (reach_tables): its bit in its row
    pre_bit: np.ndarray  # per entry of the precondition lists (tables): its bit in its row


def _dominance_table(cp: Compiled, by_hours: bool) -> DominanceTable | None:
    """The catalog's :class:`DominanceTable`, built once (``by_hours``: only the pairs
    where ``b`` takes no longer than ``a``); None when it would be too large
    (``DOMINANCE_PAIRS_MAX``) or an action has more than 64 effects or preconditions."""
    if cp.dominance is None:
        cp.dominance = {}
    if by_hours not in cp.dominance:
        cp.dominance[by_hours] = _build_dominance_table(cp, by_hours)
    table: DominanceTable | None = cp.dominance[by_hours]
    return table


def _build_dominance_table(cp: Compiled, by_hours: bool) -> DominanceTable | None:
    ach_start, ach_index, pre_start, pre_index = cp.tables()
    _, _, add_start, add_index, _, _ = cp.reach_tables()
    na, nf = len(cp.actions), len(cp.facts)
    if na == 0 or max(np.diff(add_start).max(), np.diff(pre_start).max()) > 64:
        return None
    step = np.array(cp.step_flags(), dtype=bool)
    add_bit, pre_bit = _row_bits(add_start), _row_bits(pre_start)
    fact_of = np.repeat(np.arange(nf, dtype=np.int64), np.diff(ach_start))
    kept = step[ach_index]
    group, member = fact_of[kept], ach_index[kept]  # each fact's step achievers, fact by fact
    size = np.bincount(group, minlength=nf)
    if int((size * size).sum()) > DOMINANCE_PAIRS_MAX:
        return None
    first = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(size)])[group]  # its group's first entry
    repeat = size[group]
    a = np.repeat(member, repeat)  # each achiever against every achiever of the same fact
    before = np.cumsum(repeat) - repeat
    b = member[np.repeat(first - before, repeat) + np.arange(int(repeat.sum()))]
    key = np.sort((a * na + b)[a != b])
    key = key[np.concatenate([key[:1] >= 0, key[1:] != key[:-1]])]  # each pair once
    a, b = key // na, key % na  # by a, then b
    hours = np.array([x.hours for x in cp.actions])
    if by_hours:  # b may dominate a only when it takes no longer
        shorter = hours[b] <= hours[a]
        a, b = a[shorter], b[shorter]
    adds = np.sort(np.repeat(np.arange(na, dtype=np.int64), np.diff(add_start)) * nf + add_index)
    by_b = np.argsort(b, kind="stable")  # the lookups below in b's order: nearly sorted keys
    effect, pair = gather(add_start, add_index, a[by_b])  # a's effects ...
    lacks = ~_member(adds, b[by_b][pair] * nf + effect)
    missing = np.empty(len(a), dtype=np.uint64)
    missing[by_b] = _bits(lacks, gather(add_start, add_bit, a[by_b])[0], pair, len(a))  # ... b does not add
    need, pair = gather(pre_start, pre_index, b)  # b's preconditions ...
    lacks = ~_member(_implied_keys(cp, pre_start, pre_index), a[pair] * nf + need)
    extra = _bits(lacks, gather(pre_start, pre_bit, b)[0], pair, len(a))  # ... a's do not imply
    return DominanceTable(a, b, missing, extra, np.array([x.rank for x in cp.actions], dtype=np.int64), step,
                          add_bit, pre_bit)


def _implied_keys(cp: Compiled, pre_start: np.ndarray, pre_index: np.ndarray) -> np.ndarray:
    """``action * facts + fact`` for each precondition of each action and each lower
    level of a skill precondition, sorted (``_step_sets``'s ``implied``, as keys)."""
    nf = len(cp.facts)
    low_start, low_index = csr(_lower_levels(cp))
    owner = np.repeat(np.arange(len(cp.actions), dtype=np.int64), np.diff(pre_start))
    implied, at = gather(low_start, low_index, pre_index)
    return np.unique(np.concatenate([owner * nf + pre_index, owner[at] * nf + implied]))


def _row_bits(start: np.ndarray) -> np.ndarray:
    """For each entry of a compressed-row table with row ``start``s: ``1 << its position in its row``."""
    position = np.arange(int(start[-1]), dtype=np.int64) - np.repeat(start[:-1], np.diff(start))
    return np.left_shift(np.uint64(1), position.astype(np.uint64))


def _bits(mask: np.ndarray, bit: np.ndarray, row: np.ndarray, rows: int) -> np.ndarray:
    """Per row (0..rows-1, ``row`` in order), the union of the ``bit``s where ``mask`` holds."""
    return _row_sums(np.where(mask, bit, np.uint64(0)), np.searchsorted(row, np.arange(rows + 1)))


def _row_sums(bits: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Each row's sum of ``bits`` (distinct powers of two within a row: their union) for row
    ``starts``. The running sum wraps around 2**64; the differences are still exact."""
    total = np.zeros(len(bits) + 1, dtype=np.uint64)
    np.cumsum(bits, out=total[1:])
    return total[start[1:]] - total[start[:-1]]


def _member(known: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Whether each of ``keys`` is one of ``known`` (sorted). Fastest when ``keys`` are
    nearly sorted too."""
    if not len(known):
        return np.zeros(len(keys), dtype=bool)
    return known[np.minimum(np.searchsorted(known, keys), len(known) - 1)] == keys


def _held_bits(start: np.ndarray, index: np.ndarray, bit: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per action, the union of the ``bit``s of the entries in its row (``start``, ``index``)
    whose fact is in ``mask``."""
    return _row_sums(np.where(mask[index], bit, np.uint64(0)), start)


def _dominated_pairs(cp: Compiled, t: DominanceTable, acts: set[int], facts: set[int], initial: set[int],
                     keep: set[int], primary: list[float], cost: list[float], *, by_cost: bool,
                     billing: Billing | None, exact: bool) -> set[int]:
    """:func:`dominated` on the catalog's candidate pairs ``t`` (with hours compared, the
    table holds only the pairs where ``b`` takes no longer), all at once."""
    na, nf = len(cp.actions), len(cp.facts)
    inside = np.zeros(na, dtype=bool)
    inside[np.fromiter(acts, dtype=np.int64, count=len(acts))] = True
    inside &= t.step
    loser = inside.copy()
    if keep:
        loser[np.fromiter(keep, dtype=np.int64, count=len(keep))] = False
    idx = np.flatnonzero(loser[t.a] & inside[t.b])
    a, b = t.a[idx], t.b[idx]
    ok = np.ones(len(idx), dtype=bool)
    if by_cost:
        if billing is not None:
            ok &= billing.cheaper_pairs(b, a)
        else:
            price = np.asarray(cost, dtype=np.float64)
            ok &= price[b] <= price[a]
    value = np.asarray(primary, dtype=np.float64)
    pb, pa, rb, ra = value[b], value[a], t.rank[b], t.rank[a]
    ok &= ((pb < pa) | ((pb == pa) & (rb < ra))) if exact else ((pb <= pa) & (rb < ra))
    idx, a, b = idx[ok], a[ok], b[ok]
    _, _, pre_start, pre_index = cp.tables()
    _, _, add_start, add_index, _, _ = cp.reach_tables()
    relevant_fact = np.zeros(nf, dtype=bool)
    relevant_fact[np.fromiter(facts, dtype=np.int64, count=len(facts))] = True
    held = np.zeros(nf, dtype=bool)
    held[np.fromiter(initial, dtype=np.int64, count=len(initial))] = True
    useful = _held_bits(add_start, add_index, t.add_bit, relevant_fact)  # per action: its relevant effects
    given = _held_bits(pre_start, pre_index, t.pre_bit, held)  # per action: its preconditions held from the start
    # b adds every relevant effect of a, and needs nothing a's preconditions do not give
    good = ((t.missing[idx] & useful[a]) == 0) & ((t.extra[idx] & ~given[b]) == 0) & (useful[a] != 0)
    return set(np.unique(a[good]).tolist())


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
