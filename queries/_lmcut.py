"""Disjunctive action landmarks from LM-cut, as rows that tighten a large model's LP.

A set ``L`` of actions is a *landmark* when every route uses one of them; then
``sum of x[a] over L >= 1`` holds at every route, so it may be added to the
model like the fact landmarks (:mod:`queries._landmarks`). LM-cut (Helmert &
Domshlak 2009) finds such sets with a cost partitioning; Imai & Fukunaga (2015)
use them the same way, as rows of the delete-free MIP's relaxation. On the
synthetic 10,000-course catalog (8 requests) the LP bound was a median 4.2% below
the optimum without them, 1.4% with the first 50 landmarks LM-cut finds, and 0.6%
with all of them; the fixing that follows (:mod:`queries._narrow`) then removes
far more columns, and HiGHS's run is shorter.

One round, with each action's remaining cost ``c`` (the objective at first):

1. ``h`` is h^max under ``c`` from a start fact ``I`` (the precondition of the
   actions whose preconditions all hold from the start) to a goal fact ``G``
   (added by a goal action, cost 0, whose preconditions are the goals).
   Each action's *precondition choice* ``pcf(a)`` is a precondition of
   largest ``h``.
2. The goal zone ``Z``: ``G``, and ``pcf(a)`` for every action ``a`` of cost 0
   that adds a fact of ``Z``.
3. The cut: the actions that add a fact of ``Z`` and whose ``pcf`` is not in
   ``Z``. Their least cost ``m`` is taken from each; ``h`` is brought up to
   date (costs only fall, so values only fall, from the cut outwards).

Why the cut is a landmark (this is all the rows rely on; the costs only steer
which cuts come out): ``I`` is not in ``Z`` while ``h(G) > 0`` (a chain of
cost-0 choices from ``G`` down to ``I`` would give ``h(G) <= h(I) = 0``), and
``G`` is. Take a route in an order it replays in, with the goal action last:
the first action that adds a fact of ``Z`` has every precondition given
before it, so none is in ``Z``, its ``pcf`` included. If its cost were 0,
``pcf`` would be in ``Z`` by step 2; so its cost is positive and it is in the
cut. The classic LM-cut also drops cut actions whose ``pcf`` is not reachable
from ``I`` outside ``Z``; the cut here keeps them (a larger set, still a
landmark) and so needs no forward pass over the whole problem.
"""

from __future__ import annotations

import heapq

from queries._compile import Local

__all__ = ["lm_cut"]


def lm_cut(problem: Local, cost: list[int], goals: list[int], max_cuts: int) -> list[list[int]]:
    """Up to ``max_cuts`` landmarks (each a list of local action numbers) of reaching every
    fact of ``goals`` in ``problem`` (facts held from the start are left out of it), with
    whole, non-negative costs ``cost`` per action."""
    n, n_facts = len(problem.pre), len(problem.users)
    start, goal = n_facts, n_facts + 1
    # The start fact and the goal action, without changing the problem's lists.
    goals = sorted(set(goals))
    pre = [p or [start] for p in problem.pre] + [goals]  # action n: the goal action
    add = [*problem.adds, [goal]]
    cost = [*cost, 0]
    users = [*problem.users, [a for a in range(n) if not problem.pre[a]], []]
    for g in goals:
        users[g] = [*users[g], n]
    achievers = [*problem.achievers, [], [n]]
    inf = float("inf")
    h: list[float] = [inf] * (n_facts + 2)
    ha: list[float] = [inf] * (n + 1)  # h^max of applying the action: its pcf's h plus its cost
    pcf = [-1] * (n + 1)
    missing = [len(p) for p in pre]
    h[start] = 0
    heap: list[tuple[float, int]] = [(0, start)]
    done = [False] * (n_facts + 2)
    pop, push = heapq.heappop, heapq.heappush
    while heap:  # Dijkstra for h^max: an action's last precondition popped is one of largest h
        v, f = pop(heap)
        if done[f]:
            continue
        done[f] = True
        for a in users[f]:
            missing[a] -= 1
            if missing[a] == 0:
                pcf[a] = f
                c = ha[a] = v + cost[a]
                for g in add[a]:
                    if c < h[g]:
                        h[g] = c
                        push(heap, (c, g))
    out: list[list[int]] = []
    while 0 < h[goal] < inf and len(out) < max_cuts:
        zone = {goal}
        stack = [goal]
        entering: set[int] = set()
        while stack:
            for a in achievers[stack.pop()]:
                if ha[a] == inf:
                    continue
                if cost[a] == 0:
                    p = pcf[a]
                    if p not in zone:
                        zone.add(p)
                        stack.append(p)
                else:
                    entering.add(a)
        cut = sorted(a for a in entering if pcf[a] not in zone)
        if not cut:  # cannot happen while the goal is reachable (module docstring); never loop on it
            break
        out.append(cut)
        m = min(cost[a] for a in cut)
        heap = []
        for a in cut:
            cost[a] -= m
            c = ha[a] = ha[a] - m
            for g in add[a]:
                if c < h[g]:
                    h[g] = c
                    push(heap, (c, g))
        while heap:  # values only fall: bring h up to date from the cut outwards
            v, f = pop(heap)
            if v > h[f]:
                continue
            for a in users[f]:
                if pcf[a] != f or ha[a] == inf:
                    continue  # a precondition below the largest fell: the largest stands
                p = f
                for q in pre[a]:
                    if h[q] > h[p]:
                        p = q
                pcf[a] = p
                c = h[p] + cost[a]
                if c < ha[a]:
                    ha[a] = c
                    for g in add[a]:
                        if c < h[g]:
                            h[g] = c
                            push(heap, (c, g))
    return out
