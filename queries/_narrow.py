"""Narrowing a large model before its MIP run: a near-optimal route, then the
columns no cheaper route can use are fixed.

HiGHS proves a route optimal much faster when it starts from a good one: on the
synthetic 1,000-course catalog (29 requests, median) its run took 34 ms from
nothing and 15 ms from the optimum. The greedy start (``queries._prune``) is
20% dearer than the optimum on average. So, on a large problem:

1. The LP relaxation is solved (:func:`queries._relaxation.lp_optimum`, presolve
   off: 1-10 ms here). Its optimum is
   within a few percent of the integer one, thanks to the landmark rows.
2. A route is searched among the actions the LP uses (its support) and those
   of the start, when the caller gives one: the same integer model over those
   actions alone (``Model.restricted``; without the landmark rows and cuts,
   which hold for every route and only tighten the LP). That is a small MIP
   (100-200 columns at 10,000 courses, 3.4 times faster than the whole model
   with every other column at 0, with the same answers); on the 29 requests its
   answer was the optimum 17 times, and 1-7% dearer otherwise (so the planner
   makes no greedy start for a model it narrows). An answer with a cycle of
   support is completed into a route by the caller (``Model.repair``); with
   no answer, the caller's completion of nothing (its greedy route) is used.
   Whatever route comes out is used only when it meets every row and bound
   of the model.
3. Reduced-cost fixing (Nemhauser & Wolsey's textbook argument), with our own
   arithmetic: for the LP's row duals ``y`` (any ``y`` would do, so no trust
   in the solver is needed), ``L = sum of y_i * (the row bound y_i presses)
   + sum over columns of min(d_j * lower_j, d_j * upper_j)`` with ``d = c -
   A^T y`` is a lower bound on every point of the model. A route with step
   ``j`` (``d_j > 0``) then costs at least ``L + d_j``; when that exceeds
   the best route's cost minus one (the weighted objective is a whole
   number), no cheaper route takes ``j`` and its column is fixed at 0
   (likewise at 1 for ``d_j < 0``). The best route's own columns are never
   fixed against it, so it stays a solution, and it is the MIP's start.

The model then holds every route cheaper than the best one found, and that
route. An optimum of the narrowed model is an optimum of the whole; its dual
bound is a bound of the whole up to the best route's cost, which caps it
(``Model.ceiling``). Rows added later (cycle cuts, time labels) hold for every
route, so the fixing stays valid; alternatives (next-best routes) need the
dearer routes, so the planner narrows only requests without them. When a later
run's answer with a cycle of support is completed into a cheaper route, the model
is fixed again against it (:func:`tighten`), with the same duals.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from queries._relaxation import LpOptimum
    from queries._solver import Held, Model

__all__ = ["MIN_COLUMNS", "narrow", "tighten"]

#: Narrow only models with more columns: below, the MIP alone is about as fast.
MIN_COLUMNS = 200
#: The search among the LP's support gets at most this share of the time limit.
SUPPORT_SHARE = 0.2


def narrow(model: Model, lp: LpOptimum, start: set[int] | None, deadline: float) -> set[int] | None:
    """Search a route among the LP's support and ``start``'s actions, fix the columns
    no cheaper route uses (module docstring), and return the best route known (the
    MIP's start): the one found, ``start``, or None when there is neither."""
    from queries._solver import Held  # imported here: queries._solver imports this module

    found = _support_route(model, lp, start, deadline)
    held = Held(model.h)  # the model as HiGHS holds it, read once for every check below
    best = _valued(model, start, held)
    other = _valued(model, found, held)
    if other is not None and (best is None or other[0] < best[0]):
        best = other
    if best is None and model.repair is not None:
        best = _valued(model, model.repair(set()), held)  # the caller's completion of nothing: its greedy route
    if best is None:
        return start
    model.narrowed_by = lp
    _fix(model, held, lp, *best)
    return best[1]


def tighten(model: Model, route: set[int], held: Held) -> None:
    """Fix again, against ``route`` when it is a solution of the narrowed model cheaper
    than its ceiling (a run's answer with a cycle of support, completed); ``held``: the
    model as HiGHS holds it. The LP's duals still give a valid bound: rows added since
    (cuts, time labels) get a multiplier of 0, and their columns cost nothing."""
    if model.narrowed_by is None or model.ceiling is None:
        return
    known = _valued(model, route, held)
    if known is not None and known[0] < model.ceiling:
        _fix(model, held, model.narrowed_by, *known)


def _valued(model: Model, route: set[int] | None, held: Held) -> tuple[float, set[int], np.ndarray] | None:
    """``route`` with its weighted cost and column values, when it is a solution of
    the model as HiGHS holds it (``held``: every bound and row), else None."""
    if route is None or model.weighted is None:
        return None
    x = model._vector(route)
    if x is None or not held.meets(x):
        return None
    return float(model.weighted @ x[model.cost_cols]), route, x  # the point's own objective


def _support_route(model: Model, lp: LpOptimum, start: set[int] | None, deadline: float) -> set[int] | None:
    """The model's optimum with only the actions the LP uses and ``start``'s: a small
    MIP, on a model of those actions alone (``Model.restricted``: HiGHS's presolve
    then reads 100-200 columns, not the whole model with the others fixed at 0). An
    answer with a cycle of support goes through ``model.repair``."""
    n = len(model.acts)
    keep = lp.x[:n] > 1e-9
    for a in start or ():
        if a in model.col:
            keep[model.col[a]] = True
    keep &= model.col_upper[:n] > 0
    sub = model.restricted({model.acts[j] for j in np.flatnonzero(keep)})
    try:
        if sub.weighted is None:  # not when the whole model has a single weighted solve: it is larger
            return None
        sub.integral(True)
        sub.h.changeColsCost(len(sub.cost_cols), sub.cost_cols, sub.weighted)
        sub.h.setOptionValue("presolve", "choose")
        sub._start({a for a in start or () if a in sub.col} or None)
        raw = sub._run(min(deadline, time.perf_counter() + SUPPORT_SHARE * model.time_limit))
    finally:
        sub.release()
    if raw.status not in ("optimal", "feasible"):
        return None
    if not model.unsupported(raw.chosen):
        return raw.chosen
    return model.repair(raw.chosen) if model.repair is not None else None


def _fix(model: Model, held: Held, lp: LpOptimum, ceiling: float, route: set[int], x: np.ndarray) -> None:
    """Fix the step columns that no route cheaper than ``ceiling`` (the weighted cost
    of ``route``, whose column values are ``x``: a solution of the model) can take at
    their other value. ``held``: the model as HiGHS holds it."""
    c, col_lo, col_hi, row_lo, row_hi = held.col_cost, held.col_lower, held.col_upper, held.row_lower, held.row_upper
    # Any y gives a valid bound; keep only the signs whose row bound is finite. Rows are
    # only ever appended (cuts, labels, exclusions), so the LP's rows come first.
    dual = np.zeros(held.num_row)
    dual[: len(lp.row_dual)] = lp.row_dual
    y = np.where((dual > 0) & np.isfinite(row_lo), dual, 0.0)
    y = np.where((dual < 0) & np.isfinite(row_hi), dual, y)
    d = c - held.transposed(y)
    rows = float(np.sum(np.where(y > 0, y * np.where(y > 0, row_lo, 0.0), 0.0))
                 + np.sum(np.where(y < 0, y * np.where(y < 0, row_hi, 0.0), 0.0)))
    least = np.minimum(d * col_lo, d * col_hi)
    bound = rows + float(np.sum(least))  # every point of the model costs at least this
    n = len(model.acts)
    # weighted costs are whole numbers: a route cheaper than the ceiling costs at most ceiling - 1
    limit = ceiling - 1.0 + 1e-6 * (1.0 + abs(ceiling))
    dn, lo, hi, xr = d[:n], col_lo[:n], col_hi[:n], x[:n]
    at_one = bound - least[:n] + dn * 1.0  # least cost of a point with the column at 1
    at_zero = bound - least[:n]  # ... at 0
    to_zero = np.flatnonzero((hi > 0) & (xr < 0.5) & (at_one > limit)).astype(np.int32)
    to_one = np.flatnonzero((lo < 1) & (xr > 0.5) & (at_zero > limit)).astype(np.int32)
    h = model.h
    if len(to_zero):
        h.changeColsBounds(len(to_zero), to_zero, np.zeros(len(to_zero)), np.zeros(len(to_zero)))
    if len(to_one):
        h.changeColsBounds(len(to_one), to_one, np.ones(len(to_one)), np.ones(len(to_one)))
    model.ceiling = ceiling
    model.fixed += len(to_zero) + len(to_one)
