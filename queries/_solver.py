"""The exact integer model of a pruned planning problem, solved with HiGHS.

Delete-free planning as a MIP (after Imai & Fukunaga's relaxation model):

* ``x[a]`` (binary): action ``a`` is in the route; ``u[f]`` (0-1): fact ``f``
  is used. Every used fact has a chosen achiever; every precondition of a
  chosen action is used; goals are used.
* Acyclicity only matters inside strongly connected components of the
  fact/action graph. There, a binary ``first[b, f]`` picks ``b`` as the first
  achiever of ``f`` and time labels force ``t[f] >= t[b] + 1`` and
  ``t[a] >= t[f]`` for each precondition, so no cycle of support survives.
  Across components the graph is acyclic and plain support is enough.

Lexicographic objective with a relative gap of 0: the primary measure
(hours, cost or steps), then fewer steps, then lower id ranks. When the
primary is integral after scaling (whole or half hours, cents) and the
combined weights stay small, one solve does all three; otherwise a second
solve minimises the tie-break with the primary fixed at its optimum.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

from queries._problem import Compiled

__all__ = ["Model", "Solution"]

_INF = highspy.kHighsInf
_EXACT = 1e9  # objective magnitudes below this are integral and exact in HiGHS


def _unscale(bound: float | None, weight: float, scale: int) -> float | None:
    """The primary objective's lower bound from a bound on the weighted objective."""
    if bound is None or not math.isfinite(bound):
        return None
    return math.floor(bound / weight + 1e-9) / scale


def _integral_scale(values: np.ndarray) -> int | None:
    """The smallest of 1, 2, 4, 10, 100 that makes every value a whole number."""
    for scale in (1, 2, 4, 10, 100):
        scaled = values * scale
        if np.all(np.abs(scaled - np.rint(scaled)) < 1e-9):
            return scale
    return None


@dataclass
class Solution:
    status: str  # optimal | feasible (time limit) | infeasible | timeout
    chosen: set[int] = field(default_factory=set)
    value: float | None = None
    bound: float | None = None


class Model:
    """One pruned problem; ``solve`` may be called repeatedly with cuts added between."""

    def __init__(self, cp: Compiled, acts: set[int], facts: set[int], goals: set[int], must: set[int],
                 primary: list[float], hours: list[float], cost: list[float], *,
                 budget: float | None = None, max_hours: float | None = None, time_limit: float = 10.0):
        self.cp = cp
        self.acts = sorted(acts)
        self.primary = primary
        self.time_limit = time_limit
        self.steps = [a for a in self.acts if cp.actions[a].is_step]
        col: dict[int, int] = {a: i for i, a in enumerate(self.acts)}
        self.col = col
        n = len(self.acts)
        fact_list = sorted(facts)
        ucol = {f: n + i for i, f in enumerate(fact_list)}
        lower = [0.0] * n + [1.0 if f in goals else 0.0 for f in fact_list]
        upper = [1.0] * (n + len(fact_list))
        integer = [True] * n + [False] * len(fact_list)
        for a in must:
            lower[col[a]] = 1.0
        rows: list[tuple[float, float, list[int], list[float]]] = []

        comp = self._components(acts, facts)
        size: dict[int, int] = {}
        for c in comp.values():
            size[c] = size.get(c, 0) + 1
        tcol: dict[tuple[str, int], int] = {}

        def time_col(kind: str, node: int) -> int:
            key = (kind, node)
            if key not in tcol:
                tcol[key] = len(lower)
                lower.append(0.0)
                upper.append(float(size[comp[key]]))
                integer.append(False)
            return tcol[key]

        def cyclic(kind: str, node: int) -> bool:
            return size[comp[(kind, node)]] > 1

        for f in fact_list:
            idx, val = [ucol[f]], [-1.0]
            for b in self.cp.achievers[f]:
                if b not in col:
                    continue
                if cyclic("f", f) and comp[("a", b)] == comp[("f", f)]:
                    first = len(lower)
                    lower.append(0.0)
                    upper.append(1.0)
                    integer.append(True)
                    idx.append(first)
                    val.append(1.0)
                    rows.append((-_INF, 0.0, [first, col[b]], [1.0, -1.0]))
                    big = float(size[comp[("f", f)]])
                    rows.append((1.0 - big, _INF, [time_col("f", f), time_col("a", b), first], [1.0, -1.0, -big]))
                else:
                    idx.append(col[b])
                    val.append(1.0)
            rows.append((0.0, _INF, idx, val))
        for a in self.acts:
            for f in cp.actions[a].pre:
                if f not in ucol:
                    continue  # held from the start
                rows.append((0.0, _INF, [ucol[f], col[a]], [1.0, -1.0]))
                if cyclic("f", f) and comp[("a", a)] == comp[("f", f)]:
                    rows.append((0.0, _INF, [time_col("a", a), time_col("f", f)], [1.0, -1.0]))
        if budget is not None:
            rows.append((-_INF, budget, [col[a] for a in self.steps], [cost[a] for a in self.steps]))
        if max_hours is not None:
            rows.append((-_INF, max_hours, [col[a] for a in self.steps], [hours[a] for a in self.steps]))

        self.ncols = len(lower)
        self.h = highspy.Highs()
        h = self.h
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", 1e-9)
        h.setOptionValue("threads", 1)
        h.setOptionValue("random_seed", 0)
        # Feasibility jump costs ~3 ms a solve here and finds nothing presolve
        # and the root LP do not: routes are easy to find, hard to prove.
        h.setOptionValue("mip_heuristic_run_feasibility_jump", False)
        lp = highspy.HighsLp()
        lp.num_col_ = self.ncols
        lp.num_row_ = len(rows)
        lp.col_cost_ = np.zeros(self.ncols)
        lp.col_lower_ = np.array(lower)
        lp.col_upper_ = np.array(upper)
        lp.row_lower_ = np.array([r[0] for r in rows])
        lp.row_upper_ = np.array([r[1] for r in rows])
        starts, index, value = [0], [], []
        for r in rows:
            index.extend(r[2])
            value.extend(r[3])
            starts.append(len(index))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value, dtype=np.float64)
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in integer]
        h.passModel(lp)

    def _components(self, acts: set[int], facts: set[int]) -> dict[tuple[str, int], int]:
        """Strongly connected components of the fact/action graph (iterative Tarjan)."""
        nodes: list[tuple[str, int]] = [("a", a) for a in sorted(acts)] + [("f", f) for f in sorted(facts)]
        succ: dict[tuple[str, int], list[tuple[str, int]]] = {n: [] for n in nodes}
        for a in acts:
            act = self.cp.actions[a]
            for f in act.pre:
                if f in facts:
                    succ[("f", f)].append(("a", a))
            for f in act.add:
                if f in facts:
                    succ[("a", a)].append(("f", f))
        return _tarjan(nodes, succ)

    def exclude(self, steps: set[int]) -> None:
        """Forbid every route that contains all of ``steps`` (for alternatives)."""
        cols = [self.col[a] for a in sorted(steps)]
        self.h.addRow(-_INF, len(cols) - 1.0, len(cols), np.array(cols, dtype=np.int32), np.ones(len(cols)))

    def solve(self, start: set[int] | None = None) -> Solution:
        """Solve; ``start`` is a known route (its actions) to begin from."""
        if not self.acts:
            return Solution("optimal", set(), 0.0, 0.0)
        h = self.h
        deadline = time.perf_counter() + self.time_limit
        cols = np.arange(len(self.acts), dtype=np.int32)
        first = np.array([self.primary[a] for a in self.acts], dtype=np.float64)
        is_step = np.array([1.0 if self.cp.actions[a].is_step else 0.0 for a in self.acts])
        # Tie-break value of a route: steps * m2 + the sum of its steps' local id
        # ranks (1..n); m2 exceeds any rank sum, so fewer steps always win.
        by_rank = sorted(self.steps, key=lambda a: self.cp.actions[a].rank)
        local = {a: i + 1 for i, a in enumerate(by_rank)}
        n = len(by_rank)
        m2 = n * (n + 1) // 2 + 1
        tie = np.array([float(m2 + local[a]) if a in local else 0.0 for a in self.acts])
        scale = _integral_scale(first)
        whole = float(np.rint(first * scale).sum()) + 1 if scale is not None else math.inf
        if scale is not None and whole * (n + 1) * m2 < _EXACT:
            # One solve, exact in doubles: scaled primary, then steps, then id ranks.
            return self._single(np.rint(first * scale) * ((n + 1) * m2) + tie, (n + 1) * m2, scale, start,
                                deadline)
        if scale is not None and whole * (n + 1) < _EXACT:
            # One solve: scaled primary, then steps. Equal-step ties go the solver's
            # (deterministic) way rather than by id: a second solve would triple the time.
            return self._single(np.rint(first * scale) * (n + 1) + is_step, n + 1, scale, start, deadline)
        self._start(start)
        h.changeColsCost(len(cols), cols, first)
        sol = self._run(deadline)
        if sol.status != "optimal":
            return self._or_start(sol, start)
        value = sol.value or 0.0
        fix_row = h.getNumRow()
        h.addRow(-_INF, value + 1e-7 * max(1.0, abs(value)), len(cols), cols, first)
        h.changeColsCost(len(cols), cols, tie)
        self._start(sol.chosen)
        second = self._run(deadline)
        h.deleteRows(1, np.array([fix_row], dtype=np.int32))
        if second.status == "optimal":
            second.value = second.bound = sum(self.primary[a] for a in second.chosen)
            return second
        return sol

    def _single(self, cost: np.ndarray, weight: float, scale: int, start: set[int] | None,
                deadline: float) -> Solution:
        h = self.h
        h.changeColsCost(len(self.acts), np.arange(len(self.acts), dtype=np.int32), cost)
        self._start(start)
        sol = self._run(deadline)
        if sol.status in ("optimal", "feasible"):
            sol.value = sum(self.primary[a] for a in sol.chosen)
            sol.bound = sol.value if sol.status == "optimal" else _unscale(sol.bound, weight, scale)
            if sol.bound is not None and sol.bound >= sol.value - 1e-9:
                sol.status = "optimal"  # the primary is proven; only the tie-break was cut short
        else:
            sol.bound = _unscale(sol.bound, weight, scale)
        return self._or_start(sol, start)

    def _or_start(self, sol: Solution, start: set[int] | None) -> Solution:
        """Out of time with nothing found: the start route is still a route."""
        if sol.status != "timeout" or not start:
            return sol
        value = sum(self.primary[a] for a in start)
        bound = sol.bound if sol.bound is not None and sol.bound <= value else None
        return Solution("feasible", set(start), value, bound)

    def _start(self, start: set[int] | None) -> None:
        if start is None:
            return
        idx = np.arange(len(self.acts), dtype=np.int32)
        vals = np.array([1.0 if a in start else 0.0 for a in self.acts])
        self.h.setSolution(len(idx), idx, vals)

    def _run(self, deadline: float) -> Solution:
        h = self.h
        h.setOptionValue("time_limit", max(0.01, deadline - time.perf_counter()))
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if status == highspy.HighsModelStatus.kOptimal:
            kind = "optimal"
        elif status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return Solution("infeasible")
        elif has_sol:
            kind = "feasible"
        else:
            dual = float(info.mip_dual_bound)
            return Solution("timeout", bound=dual if math.isfinite(dual) else None)
        values = h.getSolution().col_value
        chosen = {a for a, v in zip(self.acts, values[: len(self.acts)], strict=False) if v > 0.5}
        dual = float(info.mip_dual_bound)
        return Solution(kind, chosen, float(info.objective_function_value), dual if math.isfinite(dual) else None)


def _tarjan(nodes: list[Any], succ: dict[Any, list[Any]]) -> dict[Any, int]:
    index: dict[Any, int] = {}
    low: dict[Any, int] = {}
    on_stack: set[Any] = set()
    stack: list[Any] = []
    comp: dict[Any, int] = {}
    counter = 0
    ncomp = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            recurse = False
            edges = succ[v]
            while i < len(edges):
                w = edges[i]
                i += 1
                if w not in index:
                    work.append((v, i))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp[w] = ncomp
                    if w == v:
                        break
                ncomp += 1
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return comp
