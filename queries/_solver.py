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

Lexicographic objective, in two solves with a relative gap of 0: first the
primary measure (hours, cost or steps); then, with the primary fixed at its
optimum, fewer steps and then the lower id ranks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import networkx as nx
import numpy as np

from queries._problem import Compiled

__all__ = ["Model", "Solution"]

_INF = highspy.kHighsInf


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
        g = nx.DiGraph()
        for a in acts:
            g.add_node(("a", a))
            act = self.cp.actions[a]
            for f in act.pre:
                if f in facts:
                    g.add_edge(("f", f), ("a", a))
            for f in act.add:
                if f in facts:
                    g.add_edge(("a", a), ("f", f))
        for f in facts:
            g.add_node(("f", f))
        comp: dict[tuple[str, int], int] = {}
        for i, members in enumerate(nx.strongly_connected_components(g)):
            for m in members:
                comp[m] = i
        return comp

    def exclude(self, steps: set[int]) -> None:
        """Forbid every route that contains all of ``steps`` (for alternatives)."""
        cols = [self.col[a] for a in sorted(steps)]
        self.h.addRow(-_INF, len(cols) - 1.0, len(cols), np.array(cols, dtype=np.int32), np.ones(len(cols)))

    def solve(self) -> Solution:
        if not self.acts:
            return Solution("optimal", set(), 0.0, 0.0)
        h = self.h
        cols = np.arange(len(self.acts), dtype=np.int32)
        first = np.array([self.primary[a] for a in self.acts], dtype=np.float64)
        h.changeColsCost(len(cols), cols, first)
        h.setOptionValue("time_limit", float(self.time_limit))
        sol = self._run()
        if sol.status not in ("optimal",):
            return sol
        # Second solve: primary fixed at its optimum, then fewer steps, then lower id ranks.
        value = sol.value or 0.0
        tol = 1e-7 * max(1.0, abs(value))
        fix_row = h.getNumRow()
        h.addRow(-_INF, value + tol, len(cols), cols, first)
        ranks = [self.cp.actions[a].rank for a in self.acts]
        weight = float(sum(ranks) + len(ranks) + 1)
        second = np.array([weight + 1 + r if self.cp.actions[a].is_step else 0.0
                           for a, r in zip(self.acts, ranks, strict=True)])
        h.changeColsCost(len(cols), cols, second)
        tie = self._run()
        h.deleteRows(1, np.array([fix_row], dtype=np.int32))
        if tie.status == "optimal":
            tie.value = sum(self.primary[a] for a in tie.chosen)
            tie.bound = tie.value
            return tie
        return sol

    def _run(self) -> Solution:
        h = self.h
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
            return Solution("timeout", bound=float(info.mip_dual_bound))
        values = h.getSolution().col_value
        chosen = {a for a, v in zip(self.acts, values[: len(self.acts)], strict=False) if v > 0.5}
        return Solution(kind, chosen, float(info.objective_function_value), float(info.mip_dual_bound))
