"""Try the LP relaxation before the MIP: on small problems its optimum is often a route.

With the landmark rows (:mod:`queries._landmarks`) the LP optimum of a small
problem is integral most of the time (84% of 300 random learners on the seed
catalog). The LP's optimal value is a lower bound on every route's weighted
objective, so an integral LP optimum whose route costs exactly that value is
an optimal route of the integer model, tie-breaks included. It is then
certified like a MIP answer (:meth:`queries._solver.Model._certify`, and the
caller's replay and redundancy check); anything else (fractional, not a
route, a cycle of support, not certified) falls through to the MIP. "Integral" is asked of the
step and action columns only: the first-achiever and time columns cost
nothing and the replay checks the order, and the subscription months of an
integral route are its whole months (their cost is in the objective when it
is priced, so a fractional month fails certification); only with a budget
could whole months break a row the LP met, so then the LP is not tried. On
the seed catalog the LP
takes about 0.3 ms where the MIP takes about 0.9 ms; past ``MAX_COLUMNS``
the LP is rarely integral and only costs time, so it is not tried, unless
narrowing (:mod:`queries._narrow`) solved it already: it needs the LP's duals.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import highspy
import numpy as np

if TYPE_CHECKING:
    from queries._solver import Model, Solution

__all__ = ["MAX_COLUMNS", "LpOptimum", "lp_optimum", "relaxation_route"]

MAX_COLUMNS = 600  # synthetic 1,000-course problems (300-1,600 columns) were integral 2 times in 40


@dataclass
class LpOptimum:
    """An optimal point of a model's LP relaxation under its weighted objective."""

    x: np.ndarray  # every column's value
    objective: float
    solution: highspy.HighsSolution  # HiGHS's copy of it, for the row duals when narrowing needs them

    @functools.cached_property
    def row_dual(self) -> np.ndarray:
        """HiGHS's row duals ``y`` (its reduced costs are ``d = c - A^T y``)."""
        return np.array(self.solution.row_dual)


def lp_optimum(model: Model) -> LpOptimum | None:
    """The LP relaxation of ``model`` under its weighted objective (presolve off: on
    these LPs it costs more than it saves), or None when HiGHS does not report an
    optimum. Leaves the model's integer columns relaxed and its solver cleared."""
    assert model.weighted is not None
    h = model.h
    h.clearSolver()
    h.setOptionValue("presolve", "off")
    model.integral(False)
    cols = model.cost_cols  # steps, then subscription months
    h.changeColsCost(len(cols), cols, model.weighted)
    # An LP run's time limit counts the instance's total run time (HiGHS 1.15.1), a MIP run's only its own.
    h.setOptionValue("time_limit", h.getRunTime() + max(0.01, model.time_limit))
    try:
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        sol = h.getSolution()
        return LpOptimum(np.array(sol.col_value), float(h.getInfo().objective_function_value), sol)
    finally:
        h.clearSolver()



def relaxation_route(model: Model, lp: LpOptimum | None = None) -> Solution | None:
    """The LP relaxation's optimum as a route, when it is integral, or None. Only for
    single-solve objectives (``model.weighted``), on at most ``MAX_COLUMNS`` columns
    unless the LP optimum ``lp`` is already at hand (:mod:`queries._narrow`)."""
    from queries._solver import _Raw

    if model.weighted is None or (lp is None and model.ncols > MAX_COLUMNS):
        return None
    if model.months and model.budget is not None:
        # Whole months can cost more than the LP's fractional ones: the budget row
        # could hold in the LP and not for the route.
        return None
    if lp is None:
        lp = lp_optimum(model)
        if lp is None:
            return None
    values = lp.x[: len(model.acts)]
    if np.any(np.minimum(np.abs(values), np.abs(1.0 - values)) > 1e-9):
        return None
    chosen = {a for a, v in zip(model.acts, values, strict=True) if v > 0.5}
    if model.unsupported(chosen):
        return None  # a cycle of support: the model has no acyclicity rows until a MIP run needs them
    # The LP optimum bounds every integer solution from below: it is the dual bound.
    sol = model._certify(_Raw("optimal", chosen, lp.objective, lp.objective), model.weighted, model.weight,
                         model.scale or 1, exact=True)
    return sol if sol.status == "optimal" and not sol.notes else None
