"""A complete MIP start for :class:`queries._solver.Model` from a known route.

Given only the route's step columns, HiGHS must solve a sub-MIP for the rest
(the zero-cost group and award actions, the "used" facts, the first-achiever
binaries and the time labels) before it can use the start, and when the
group and award actions are left at 0 the start is infeasible and dropped.
Here every column gets its value: the steps are replayed in order, the
derived actions fire as soon as their preconditions hold, a fact is used when
it is achieved, each achieved fact's first achiever is marked, and time
labels follow the order (a fact one past its first achiever, an action at
the largest label of its preconditions in its own component).

The result is only a start: HiGHS checks it against every row and drops it
if it does not fit, and the route it leads to is certified like any other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from queries._solver import Model

__all__ = ["replay", "start_vector"]


def replay(model: Model, acts: Iterable[int]) -> tuple[list[int], dict[int, int]]:
    """Take ``acts`` whenever their preconditions hold (those outside the model's facts
    hold from the start): the order they are taken in, and each fact reached with its
    first achiever. An action whose preconditions are never all reached is left out."""
    cp, ucol = model.cp, model.ucol
    waiting: dict[int, list[int]] = {}
    missing: dict[int, int] = {}
    ready: list[int] = []
    for a in sorted(acts):
        gaps = [p for p in cp.actions[a].pre if p in ucol]
        missing[a] = len(gaps)
        for p in gaps:
            waiting.setdefault(p, []).append(a)
        if not gaps:
            ready.append(a)
    first: dict[int, int] = {}  # fact -> its first achiever
    order: list[int] = []
    while ready:
        a = ready.pop()
        order.append(a)
        for f in cp.actions[a].add:
            if f in ucol and f not in first:
                first[f] = a
                for b in waiting.get(f, ()):
                    missing[b] -= 1
                    if missing[b] == 0:
                        ready.append(b)
    return order, first


def start_vector(model: Model, chosen: set[int]) -> np.ndarray | None:
    """Every column's value for the route whose steps are in ``chosen``, or None
    when the steps are not a route of the model (a step missing from it, one
    that cannot be taken, or a goal not reached)."""
    cp, col, ucol = model.cp, model.col, model.ucol
    is_step = cp.step_flags()
    steps = {a for a in chosen if is_step[a]}
    if any(a not in col for a in steps):
        return None
    order, first = replay(model, steps.union(model.derived))
    have = set(first)
    if not steps <= set(order) or not all(g in have for g in model.goals):
        return None
    x = np.zeros(model.ncols)
    for a in order:
        x[col[a]] = 1.0
    for f in have:
        x[ucol[f]] = 1.0
        key = (first[f], f)
        if key in model.first_col:
            x[model.first_col[key]] = 1.0
    comp, tcol = model.comp, model.tcol
    if not tcol:  # no time labels in the model (yet)
        return x
    label: dict[tuple[str, int], float] = {}

    def action_label(a: int) -> None:
        node = ("a", a)
        if node in tcol:
            label[node] = max((label.get(("f", p), 0.0) for p in cp.actions[a].pre
                               if ("f", p) in tcol and comp[("f", p)] == comp[node]), default=0.0)

    for a in order:
        action_label(a)
        for f in cp.actions[a].add:
            if first.get(f) == a and (a, f) in model.first_col:
                label[("f", f)] = label.get(("a", a), 0.0) + 1.0
    fired = set(order)
    for a in model.acts:
        if a not in fired:
            action_label(a)
    for node, c in tcol.items():
        x[c] = label.get(node, 0.0)
    return x
