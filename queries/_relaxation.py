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
the LP is rarely integral and only costs time, so it is not tried.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from queries._narrow import LpOptimum, lp_optimum

if TYPE_CHECKING:
    from queries._solver import Model, Solution

__all__ = ["MAX_COLUMNS", "relaxation_route"]

MAX_COLUMNS = 600  # synthetic 1,000-course problems (300-1,600 columns) were integral 2 times in 40


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
