"""The exact integer model of a pruned planning problem, solved with HiGHS.

Delete-free planning as a MIP (after Imai & Fukunaga's relaxation model):

* ``x[a]`` (binary): action ``a`` is in the route; ``u[f]`` (0-1): fact ``f``
  is used. Every used fact has a chosen achiever; every precondition of a
  chosen action is used; goals are used.
* Acyclicity is added only when a route needs it. Without it the model can
  pick a cycle of support (two courses teaching each other's prerequisites);
  most optima have none, and the exact constraints (below) enlarge the model and
  slow every solve (the synthetic 1,000-course catalog, 30 requests back to
  back: median solve 42.8 ms with them, 32.4 ms without). So a route that does not
  replay gets *cycle cuts*: for the facts ``F`` it uses but cannot reach,
  ``u[f] <= sum of x[b]`` over the actions ``b`` that add a fact of ``F``
  with no precondition in ``F`` (the first fact of ``F`` any route achieves
  comes from such an action), then a new run. After ``CUT_ROUNDS`` rounds (or
  after a run that took ``SLOW_RUN_SHARE`` of the time limit)
  the exact constraints are added: inside each strongly connected component
  of the fact/action graph, a binary ``first[b, f]`` picks ``b`` as the
  first achiever of ``f`` and time labels force ``t[f] >= t[b] + 1`` and
  ``t[a] >= t[f]`` for each precondition, so no cycle of support survives.
  Across components the graph is acyclic and plain support is enough. Every
  row is valid for every route, so every run's dual bound is a bound of the
  full problem, and the answer is a route only when it replays.

Large models are narrowed first (:mod:`queries._narrow`): the LP relaxation, a
route searched among the steps it uses, and the steps no cheaper route can take
fixed out by reduced costs; the narrowed model's optimum is the whole model's.
The largest get LM-cut's first landmarks as rows before that LP
(:mod:`queries._lmcut`, :meth:`Model.add_cuts`): valid for every route, they bring
its bound closer to the optimum, so more steps are fixed out.

Lexicographic objective with a relative gap of 0: the primary measure
(hours, cost or steps), then fewer steps, then the smallest sum of id ranks
(each step's position in the catalog's sorted step ids). When the primary is
integral after scaling (whole or half hours, cents) and the combined weights
stay small, one solve does all three; otherwise a second solve minimises the
tie-break with the primary fixed at its optimum (equal-step ties then go the
solver's deterministic way when even that would not be exact).

Certification: a solver status is a claim, not a proof. Every answer is
checked before it is called optimal: the returned route's own objective,
recomputed from its actions, must equal the objective the solver reports,
the solver's dual bound must cover it, and the caller's own check (the
planner replays the route and tries dropping each step) must pass. On any
mismatch the model is re-solved cold (no start), then cold with presolve
off; failing that, the best valid route comes back as ``feasible`` with the
solver's real lower bound. HiGHS 1.16.0 needs this: with a MIP start and
presolve on it can report the right optimum yet return the start vector.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

from graph.models import whole_months
from queries._compile import PLAIN_MAX, Compiled, Local
from queries._landmarks import Landmarks
from queries._lmcut import lm_cut
from queries._narrow import MIN_COLUMNS, narrow, tighten
from queries._relaxation import LpOptimum, lp_optimum, relaxation_route
from queries._scc import components
from queries._start import replay, start_vector

__all__ = ["Held", "Model", "Solution"]

_INF = highspy.kHighsInf
_EXACT = 1e9  # objective magnitudes below this are integral and exact in HiGHS
CUT_ROUNDS = 3  # rounds of cycle cuts before the exact time labels (Model._acyclic_run)
# ... unless a run took this share of the time limit: then the labels come at once (no time
# is left for the rounds). On the 10,000-course catalog, with a limit of 10 s and the LM-cut
# rows, the two hardest requests of 50 took 2.1 s and (unproven at 10 s) with a share of
# 0.05, and 5.7 s and 9.2 s with 0.3: the second needs two rounds of 2.2-2.5 s, then proves
# in 3.7 s; with the labels after its first run it was not proven within 10 s.
SLOW_RUN_SHARE = 0.3
# Models that narrow (queries._narrow) from this many columns get the first LM_CUTS landmarks of
# LM-cut as rows (add_cuts). 10,000-course catalog, 50 requests, p50 (one run each, about
# +-10% between runs): none 500-510 ms; the first 25: 360 ms; 50: 359-363 ms; 100: 322 ms;
# every one: 376 ms. The 1,000-course catalog's models (225-1,600 columns) did not gain. With
# 100, the final code's p50 was 286-291 ms against 297-319 (two alternations), but the hardest
# request of the 50 was not proven within 10 s (10.2 s); with 50 it is, in 8.9-9.2 s.
LM_CUT_MIN_COLUMNS = 1500
LM_CUTS = 50


def _unscale(bound: float | None, weight: float, scale: int) -> float | None:
    """The primary's lower bound from a lower bound on the integral weighted objective
    ``primary * scale * weight + tie`` (0 <= tie < weight)."""
    if bound is None or not math.isfinite(bound):
        return None
    whole = math.ceil(bound - 1e-6)  # every route's weighted value is a whole number
    return math.floor(whole / weight) / scale


def _integral_scale(values: np.ndarray) -> int | None:
    """The smallest of 1, 2, 4, 10, 100 that makes every value a whole number."""
    for scale in (1, 2, 4, 10, 100):
        scaled = values * scale
        if np.all(np.abs(scaled - np.rint(scaled)) < 1e-9):
            return scale
    return None


@dataclass
class Solution:
    """A solver answer. ``value`` is the route's own primary cost, recomputed from
    ``chosen``; ``bound`` is a proven lower bound on the primary, from the
    solver's dual bound (never from the route itself)."""

    status: str  # optimal | feasible (not proven) | infeasible | timeout
    chosen: set[int] = field(default_factory=set)
    value: float | None = None
    bound: float | None = None
    notes: list[str] = field(default_factory=list)  # why an answer was not accepted as it came
    timed_out: bool = False  # a run stopped at the time limit


@dataclass
class Verdict:
    """The caller's check of a solver's route: what is wrong with it (nothing, when
    empty), and a valid route to keep from it (itself, a repaired copy with the
    steps it can do without removed, or None when it does not hold at all)."""

    problems: list[str]
    route: set[int] | None


Accept = Callable[[set[int]], Verdict]

_banner_lock = threading.Lock()
_banner_seen = False


def new_highs() -> highspy.Highs:
    """A HiGHS instance. Some releases print a licence banner to file descriptor 1
    from the first constructor call in a process, before any option can be set;
    that first call runs with descriptor 1 pointed at /dev/null so stdout carries
    only the program's output."""
    global _banner_seen
    with _banner_lock:
        if _banner_seen:
            return highspy.Highs()
        _banner_seen = True
        sys.stdout.flush()
        saved = os.dup(1)
        sink = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(sink, 1)
            h = highspy.Highs()
            _flush_c_stdio()  # the banner may sit in C's stdout buffer when fd 1 is not a terminal
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(sink)
        return h


_idle = threading.local()  # per thread: HiGHS instances released by finished models
_IDLE_MAX = 2
_REUSE_SECONDS = 1.0


def _take_highs() -> highspy.Highs:
    """A HiGHS instance with the model's options and no model: one a finished model of
    this thread released (:meth:`Model.release`), or a new one. A new instance costs
    about 66 microseconds, a third of building a small model."""
    pool: list[highspy.Highs] | None = getattr(_idle, "pool", None)
    if pool:
        return pool.pop()
    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-9)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    # Feasibility jump costs ~3 ms a solve here and finds nothing presolve
    # and the root LP do not: routes are easy to find, hard to prove.
    h.setOptionValue("mip_heuristic_run_feasibility_jump", False)
    return h


def _flush_c_stdio() -> None:
    with contextlib.suppress(OSError, AttributeError):  # no C library handle here: nothing buffered to lose
        ctypes.CDLL(None).fflush(None)


@dataclass
class _Raw:
    """One HiGHS run as HiGHS reports it."""

    status: str  # optimal | feasible | infeasible | timeout
    chosen: set[int]
    objective: float | None  # the objective value HiGHS reports
    dual: float | None  # HiGHS's dual (lower) bound on that objective


class Model:
    """One pruned problem; ``solve`` may be called repeatedly with cuts added between."""

    def __init__(self, cp: Compiled, acts: set[int], facts: set[int], goals: set[int], must: set[int],
                 primary: list[float], hours: list[float], cost: list[float], *,
                 budget: float | None = None, max_hours: float | None = None, time_limit: float = 10.0,
                 months: Sequence[tuple[float, float, Iterable[int]]] = (), months_in_primary: bool = False,
                 landmarks: Landmarks | None = None, problem: Local | None = None):
        self.cp = cp
        self.problem = problem  # the problem numbered locally (Compiled.local), when the caller has it
        self.acts = sorted(acts)
        self.primary = primary
        self.time_limit = time_limit
        self.budget = budget
        self.must = set(must)  # steps every route takes (with cost and max_hours: for restricted())
        self.cost, self.max_hours = cost, max_hours
        is_step = cp.step_flags()
        self.steps = [a for a in self.acts if is_step[a]]
        self.derived = [a for a in self.acts if not is_step[a]]  # group and award actions
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
        rows: list[tuple[float, float, list[int], list[float]]] = []  # after the achiever rows
        used: list[int] = []  # rows u[used[i]] - x[user[i]] >= 0: a chosen action's fact is used
        user: list[int] = []
        if landmarks is not None:  # valid for every route (queries._landmarks): they only tighten the LP
            for f in landmarks.used:
                lower[ucol[f]] = 1.0
            for a in landmarks.dead:
                upper[col[a]] = 0.0
            used += [ucol[f] for _, f in landmarks.implied]
            user += [col[a] for a, _ in landmarks.implied]
        self.ucol, self.goals = ucol, goals
        self.fact_list = fact_list
        ach_start, ach_index, pairs_used, pairs_user = self._structure()
        # Acyclicity is added lazily (see _acyclic_run): cycle cuts first, then time labels.
        self.comp: dict[tuple[str, int], int] = {}
        self.tcol: dict[tuple[str, int], int] = {}
        self.first_col: dict[tuple[int, int], int] = {}  # (achiever, fact) -> its "first achiever" column
        self.labelled = False
        self.cuts = 0  # cycle-cut rounds so far
        # the caller's completion of a solution with a cycle of support into a route (see _acyclic_run)
        self.repair: Callable[[set[int]], set[int] | None] | None = None
        # A subscription's whole months: an integer m with hours_per_month * m >= its chosen steps' hours.
        self.hours = hours
        self.months: list[tuple[int, float, float, list[int]]] = []  # (column, usd/month, hours/month, steps)
        self.upper: dict[int, float] = {}
        for usd, per_month, members in months:
            mine = [a for a in sorted(members) if a in col]
            if not mine:
                continue
            m = len(lower)
            lower.append(0.0)
            upper.append(float(whole_months(sum(hours[a] for a in mine), per_month)))
            self.upper[m] = upper[-1]
            integer.append(True)
            rows.append((-_INF, 0.0, [col[a] for a in mine] + [m], [hours[a] for a in mine] + [-per_month]))
            self.months.append((m, usd, per_month, mine))
        self.months_in_primary = months_in_primary
        self.cost_cols = np.array(list(range(n)) + [m for m, *_ in self.months], dtype=np.int32)
        if budget is not None:
            rows.append((-_INF, budget, [col[a] for a in self.steps] + [m for m, *_ in self.months],
                         [cost[a] for a in self.steps] + [usd for _, usd, _, _ in self.months]))
        if max_hours is not None:
            rows.append((-_INF, max_hours, [col[a] for a in self.steps], [hours[a] for a in self.steps]))

        self.ncols = len(lower)
        self.integer = integer
        self.col_upper = np.array(upper)  # each column's own upper bound (narrowing changes and restores them)
        # Narrowing (queries._narrow): only for a model solved once (alternatives need the dearer routes).
        self.narrowing = False
        self.ceiling: float | None = None  # narrowed: the weighted cost of a known route, a cap on any bound
        self.fixed = 0  # narrowed: the columns fixed
        self.narrowed_by: LpOptimum | None = None  # narrowed: the LP optimum whose duals fixed them
        self._last_vector: tuple[tuple[frozenset[int], int], np.ndarray | None] | None = None  # see _vector
        self.h = h = _take_highs()
        # Rows: each fact's achievers (-u[f] + its achievers' x >= 0), the rows above, then the
        # two-entry rows u[f] - x[a] >= 0 (landmarks' first, then every precondition in the model).
        nf, npairs = len(fact_list), len(used) + len(pairs_used)
        row_lower = np.concatenate([np.zeros(nf), np.array([r[0] for r in rows]), np.zeros(npairs)])
        row_upper = np.concatenate([np.full(nf, _INF), np.array([r[1] for r in rows]), np.full(npairs, _INF)])
        ach_value = np.ones(len(ach_index))
        ach_value[ach_start[:-1]] = -1.0
        starts, index, value = [int(ach_start[-1])], [], []
        for r in rows:
            index.extend(r[2])
            value.extend(r[3])
            starts.append(starts[0] + len(index))
        pairs = np.empty(2 * npairs, dtype=np.int32)
        pairs[0::2] = np.concatenate([np.array(used, dtype=np.int32), pairs_used])
        pairs[1::2] = np.concatenate([np.array(user, dtype=np.int32), pairs_user])
        a_start = np.concatenate([ach_start[:-1], np.array(starts[:-1], dtype=np.int32),
                                  starts[-1] + 2 * np.arange(npairs, dtype=np.int32)])  # each row's first entry
        a_index = np.concatenate([ach_index, np.array(index, dtype=np.int32), pairs])
        a_value = np.concatenate([ach_value, np.array(value, dtype=np.float64), np.tile([1.0, -1.0], npairs)])
        # Passed as arrays: building a HighsLp converts each one to a vector, 1.7 ms against 0.2 ms
        # for a 1,200-column model. Minimised, no offset, no integer columns yet (see integral()).
        h.passModel(self.ncols, len(row_lower), len(a_index), int(highspy.MatrixFormat.kRowwise.value), 1, 0.0,
                    np.zeros(self.ncols), np.array(lower), np.array(upper), row_lower, row_upper,
                    a_start, a_index, a_value, np.zeros(self.ncols, dtype=np.int32))
        # With no integer columns: they are marked when a MIP run needs them (see
        # integral()), so the LP tried first (queries._relaxation) needs no unmarking.
        self.ints = np.flatnonzero(integer).astype(np.int32)
        self.marked = False
        self._objective()

    def _structure(self) -> tuple[np.ndarray, ...]:
        """The support rows and precondition pairs: each fact's row of its achievers in the
        model (row starts, one more than the facts, and column indices: the fact's ``u``
        column first, then its achievers' columns in catalog order), and the pairs (``u``
        column, action column) of every precondition of a model action that is a model
        fact. Small models use plain loops, larger ones the local pairs of
        :meth:`Compiled.pairs` (numpy over the catalog's tables; the caller's numbered
        problem has them already): 0.17 against 0.87 ms at 1,000 courses, 1.2 against 9.7
        ms at 10,000."""
        cp, acts, fact_list, col, ucol = self.cp, self.acts, self.fact_list, self.col, self.ucol
        if len(acts) <= PLAIN_MAX:
            starts, index = [0], []
            for f in fact_list:
                index.append(ucol[f])
                index.extend(col[b] for b in cp.achievers[f] if b in col)
                starts.append(len(index))
            used, user = [], []
            for a in acts:
                for f in cp.actions[a].pre:
                    if f in ucol:  # else held from the start
                        used.append(ucol[f])
                        user.append(col[a])
            return tuple(np.array(v, dtype=np.int32) for v in (starts, index, used, user))
        n, nf = len(acts), len(fact_list)
        problem = self.problem  # numbered already when the caller has it (the same sorted acts and facts)
        pre_fact, pre_user, bcol, owner = (problem.pairs if problem is not None and problem.pairs is not None
                                  else cp.pairs(acts, fact_list))
        counts = np.bincount(owner, minlength=nf)
        row_start = np.zeros(nf + 1, dtype=np.int64)
        np.cumsum(counts + 1, out=row_start[1:])
        row_index = np.empty(int(row_start[-1]), dtype=np.int32)
        row_index[row_start[:-1]] = n + np.arange(nf)
        row_index[row_start[owner] + 1 + np.arange(len(bcol)) - np.repeat(np.cumsum(counts) - counts, counts)] = bcol
        return row_start.astype(np.int32), row_index, (n + pre_fact).astype(np.int32), pre_user.astype(np.int32)

    def add_cuts(self, max_cuts: int | None = None) -> int:
        """Add a row ``sum of x[a] >= 1`` for each of up to ``max_cuts`` (``LM_CUTS``) landmarks from
        LM-cut (:mod:`queries._lmcut`) under the weighted objective; returns how many.
        Every route meets them, so they only tighten the LP (and the fixing that reads
        its duals)."""
        assert self.weighted is not None
        n = len(self.acts)
        if not self.fact_list:
            return 0
        if self.problem is None:
            self.problem = self.cp.local(set(self.acts), set(self.fact_list))
        cost = np.rint(self.weighted[:n]).astype(np.int64).tolist()
        goals = sorted(self.ucol[g] - n for g in self.goals if g in self.ucol)
        cuts = lm_cut(self.problem, cost, goals, LM_CUTS if max_cuts is None else max_cuts)
        if cuts:
            sizes = np.array([len(c) for c in cuts])
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int32)
            index = np.array([a for c in cuts for a in c], dtype=np.int32)
            self.h.addRows(len(cuts), np.ones(len(cuts)), np.full(len(cuts), _INF), len(index), starts, index,
                           np.ones(len(index)))
        return len(cuts)

    def restricted(self, acts: set[int]) -> Model:
        """The same model (costs, caps, subscriptions, goals, steps a route must take)
        over ``acts`` and the steps it must take only, a subset of this model's actions:
        its routes are this model's routes that take no other action. Without landmarks
        or cuts: it is meant to be small (the LP's support)."""
        acts = acts | self.must
        needed = set(self.goals)
        for a in acts:
            needed.update(self.cp.actions[a].pre)
        mine = needed.intersection(self.ucol)  # its preconditions that do not hold from the start, and the goals
        months = [(usd, per_month, steps) for _, usd, per_month, steps in self.months]
        return Model(self.cp, acts, mine, self.goals, self.must, self.primary, self.hours, self.cost,
                     budget=self.budget, max_hours=self.max_hours, time_limit=self.time_limit, months=months,
                     months_in_primary=self.months_in_primary)

    def release(self) -> None:
        """Hand the HiGHS instance back for this thread's next model; the model cannot
        be solved again. Options set per run (presolve, time limit) are set again by
        every run; the model, its solution and its basis are cleared here."""
        if "h" not in self.__dict__:
            return
        h = self.h
        del self.h  # a released model fails loudly if used again
        h.clearModel()
        pool: list[highspy.Highs] = _idle.__dict__.setdefault("pool", [])
        # An LP run's time limit counts the instance's whole run time, over every model it
        # held (HiGHS 1.15.1; queries._relaxation.lp_optimum adds it): a long-used one retires.
        if len(pool) < _IDLE_MAX and h.getRunTime() < _REUSE_SECONDS:
            pool.append(h)

    def narrows(self) -> bool:
        """Whether :meth:`solve` narrows the model first (queries._narrow): asked for,
        a single weighted solve, and at least ``MIN_COLUMNS`` columns."""
        return self.narrowing and self.weighted is not None and self.ncols >= MIN_COLUMNS

    def integral(self, on: bool = True) -> None:
        """Mark the integer columns as integer (``on``) or relax them."""
        if self.marked != on:
            # faster than lp.integrality_ (a list of enums)
            self.h.changeColsIntegrality(len(self.ints), self.ints, np.full(len(self.ints), on, dtype=np.uint8))
            self.marked = on

    def unsupported(self, chosen: set[int]) -> list[int]:
        """The facts a solution uses (goals, preconditions of its actions) that its
        actions reach in no order: a cycle of support. Empty when it replays."""
        _, first = replay(self, chosen)
        used = set(self.goals).union(*(self.cp.actions[a].pre for a in chosen))
        return sorted(f for f in used if f in self.ucol and f not in first)

    def _cut(self, loose: list[int]) -> None:
        """Cycle cuts for a set ``loose`` of facts a solution uses but cannot reach.

        In any route that uses a fact of ``loose``, the first fact of ``loose`` it
        achieves is added by a step none of whose preconditions is in ``loose``
        (they were all achieved before it). So for each ``f`` in ``loose``:
        ``u[f] <= sum of x[b]`` over such steps ``b``, valid for every route. The
        solution that gave ``loose`` breaks every one of them: a step it chose
        with no precondition in ``loose`` can be taken, so what it adds is reached.
        """
        cp = self.cp
        bad = set(loose)
        entry = [self.col[b] for b in self.acts
                 if not bad.isdisjoint(cp.actions[b].add) and bad.isdisjoint(cp.actions[b].pre)]
        k = len(entry)
        starts = np.arange(len(loose), dtype=np.int32) * (k + 1)
        index = np.concatenate([np.array([self.ucol[f]] + entry, dtype=np.int32) for f in loose])
        value = np.tile(np.array([-1.0] + [1.0] * k), len(loose))
        self.h.addRows(len(loose), np.zeros(len(loose)), np.full(len(loose), _INF), len(index), starts, index, value)
        self.cuts += 1

    def _label(self) -> None:
        """Add the exact acyclicity constraints: inside each strongly connected
        component of the fact/action graph, a binary ``first[b, f]`` picks ``b``
        as the first achiever of ``f``, and time labels force ``t[f] >= t[b] + 1``
        and ``t[a] >= t[f]`` for each precondition, so no cycle of support
        survives. Across components the graph is acyclic and support is enough."""
        cp, col, ucol = self.cp, self.col, self.ucol
        comp = self.comp = components(cp, set(self.acts), set(self.fact_list))
        size: dict[int, int] = {}
        for c in comp.values():
            size[c] = size.get(c, 0) + 1
        lower: list[float] = []
        upper: list[float] = []
        integer: list[int] = []
        rows: list[tuple[float, list[int], list[float]]] = []  # lower, index, value (upper: infinite)

        def new_col(hi: float, whole: bool) -> int:
            c = self.ncols + len(lower)
            if whole:
                integer.append(c)
            lower.append(0.0)
            upper.append(hi)
            return c

        def time_col(kind: str, node: int) -> int:
            key = (kind, node)
            if key not in self.tcol:
                self.tcol[key] = new_col(float(size[comp[key]]), False)
            return self.tcol[key]

        for f in self.fact_list:
            c = comp[("f", f)]
            if size[c] < 2:
                continue
            idx, val = [ucol[f]], [-1.0]
            for b in cp.achievers[f]:
                if b not in col:
                    continue
                if comp[("a", b)] != c:
                    idx.append(col[b])
                    val.append(1.0)
                    continue
                first = self.first_col[(b, f)] = new_col(1.0, True)
                idx.append(first)
                val.append(1.0)
                rows.append((0.0, [col[b], first], [1.0, -1.0]))
                big = float(size[c])
                rows.append((1.0 - big, [time_col("f", f), time_col("a", b), first], [1.0, -1.0, -big]))
            rows.append((0.0, idx, val))  # u[f] needs an achiever outside its component or a first one
        for a in self.acts:
            for f in cp.actions[a].pre:
                if f in ucol and size[comp[("f", f)]] > 1 and comp[("a", a)] == comp[("f", f)]:
                    rows.append((0.0, [time_col("a", a), time_col("f", f)], [1.0, -1.0]))
        h = self.h
        h.addCols(len(lower), np.zeros(len(lower)), np.array(lower), np.array(upper), 0,
                  np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
        self.ncols += len(lower)
        if rows:
            starts = np.cumsum([0] + [len(r[1]) for r in rows[:-1]]).astype(np.int32)
            index = np.array([i for r in rows for i in r[1]], dtype=np.int32)
            h.addRows(len(rows), np.array([r[0] for r in rows]), np.full(len(rows), _INF), len(index), starts, index,
                      np.array([v for r in rows for v in r[2]]))
        new = np.array(integer, dtype=np.int32)
        self.ints = np.concatenate([self.ints, new])
        if self.marked and len(new):
            h.changeColsIntegrality(len(new), new, np.ones(len(new), dtype=np.uint8))
        self.labelled = True

    def _acyclic_run(self, deadline: float, start: set[int] | None, weights: np.ndarray | None = None) -> _Raw:
        """Run HiGHS until the route it returns replays. The model starts without
        acyclicity (most optima have no cycle of support, and the time labels
        enlarge the model and slow every solve); a route with a cycle gets cycle cuts
        (:meth:`_cut`) and a new run, and after ``CUT_ROUNDS`` rounds the exact
        time labels (:meth:`_label`). Every row added is valid for every route, so
        the bound of each run is a bound of the full problem, and the best of
        them is kept (a later run stopped by the time limit may prove less).

        With ``repair`` (the caller's completion of a cyclic answer into a route)
        and integral ``weights`` (the run's column costs): the repaired route
        starts the next run, and when it costs no more than the best bound so far
        rounded up, it is optimal and no further run is needed (the 10,000-course
        catalog had runs return the same cyclic optimum four times in a row)."""
        best: float | None = None
        kept: tuple[float, set[int]] | None = None  # the cheapest completed route so far (with weights)
        while True:
            self._start(start)
            began = time.perf_counter()
            raw = self._run(deadline)
            slow = time.perf_counter() - began >= SLOW_RUN_SHARE * self.time_limit
            if raw.dual is not None and (best is None or raw.dual > best):
                best = raw.dual
            if raw.status not in ("optimal", "feasible"):
                if raw.status == "timeout" and kept is not None:
                    return _Raw("feasible", kept[1], kept[0], best)
                return _Raw(raw.status, raw.chosen, raw.objective, best)
            loose = self.unsupported(raw.chosen)
            if not loose:
                if raw.status == "feasible" and kept is not None and weights is not None \
                        and kept[0] < self._own(weights, raw.chosen):
                    return _Raw("feasible", kept[1], kept[0], best)  # out of time: a completion was cheaper
                return _Raw(raw.status, raw.chosen, raw.objective, best)
            fixed = self.repair(raw.chosen) if self.repair is not None else None
            held = None
            if fixed is not None:
                held = Held(self.h)  # the model as HiGHS holds it now: cuts, labels, caps, exclusions
                x = self._vector(fixed)
                if x is None or not held.meets(x):
                    fixed = None  # not a solution of this model after all: never claimed, never a start
            if fixed is not None and weights is not None:
                own = self._own(weights, fixed)
                if best is not None and own <= math.ceil(best - 1e-6) + 1e-9:
                    return _Raw("optimal", fixed, own, best)
                if kept is None or own < kept[0]:
                    kept = (own, fixed)
                if held is not None:
                    tighten(self, fixed, held)  # narrowed: fix again when it is cheaper than the ceiling
            if time.perf_counter() >= deadline:
                if kept is not None:
                    return _Raw("feasible", kept[1], kept[0], best)
                return _Raw("timeout", set(), None, best)
            if fixed is not None:
                start = fixed
            if self.labelled or (self.cuts < CUT_ROUNDS and not slow):
                self._cut(loose)
            else:
                self._label()
            self.h.clearSolver()

    def _objective(self) -> None:
        """Choose how the lexicographic objective is solved: one weighted solve when
        it is exact in doubles, else the primary first and the tie-break second."""
        first = np.array([self.primary[a] for a in self.acts]
                         + [usd if self.months_in_primary else 0.0 for _, usd, _, _ in self.months], dtype=np.float64)
        most = np.array([1.0] * len(self.acts) + [self.upper[m] for m, *_ in self.months])  # largest column values
        # Tie-break of a route: steps * m2 + the sum of its steps' id ranks (1-based,
        # over the whole catalog, so the choice does not depend on pruning); m2
        # exceeds any route's rank sum, so fewer steps always win.
        ranks = {a: float(self.cp.actions[a].rank + 1) for a in self.steps}
        m2 = sum(ranks.values()) + 1
        n = len(self.steps)
        self.first = first
        self.tie = np.array([m2 + ranks[a] if a in ranks else 0.0 for a in self.acts] + [0.0] * len(self.months))
        self.scale = _integral_scale(first)
        whole = float((np.rint(first * self.scale) * most).sum()) + 1 if self.scale is not None else math.inf
        self.weighted: np.ndarray | None = None
        self.weight = 1.0
        if self.scale is not None and whole * (n + 1) * m2 < _EXACT:
            # One solve, exact in doubles: scaled primary, then steps, then id ranks.
            self.weight = (n + 1) * m2
            self.weighted = np.rint(first * self.scale) * self.weight + self.tie
        elif self.scale is not None and whole * (n + 1) < _EXACT:
            # One solve: scaled primary, then steps. Equal-step ties go the solver's
            # (deterministic) way rather than by id: a second solve would triple the time.
            self.weight = float(n + 1)
            self.weighted = np.rint(first * self.scale) * self.weight + np.array(
                [1.0 if a in ranks else 0.0 for a in self.acts] + [0.0] * len(self.months))

    def exclude(self, steps: set[int]) -> None:
        """Forbid every route that contains all of ``steps`` (for alternatives)."""
        cols = [self.col[a] for a in sorted(steps)]
        self.h.addRow(-_INF, len(cols) - 1.0, len(cols), np.array(cols, dtype=np.int32), np.ones(len(cols)))

    def needed_months(self, chosen: set[int]) -> list[int]:
        """Each subscription's whole months for a route (what its month column must be)."""
        return [whole_months(sum(self.hours[a] for a in mine if a in chosen), per_month)
                for _, _, per_month, mine in self.months]

    def value_of(self, chosen: set[int]) -> float:
        """A route's own primary cost (subscription months included when they are priced)."""
        value = float(sum(self.primary[a] for a in chosen))
        if self.months_in_primary:
            value += sum(usd * k for (_, usd, _, _), k in zip(self.months, self.needed_months(chosen), strict=True))
        return value

    def _own(self, weights: np.ndarray, chosen: set[int]) -> float:
        """A route's value under column ``weights`` (step columns, then month columns)."""
        n = len(self.acts)
        return float(sum(weights[self.col[a]] for a in chosen)
                     + sum(weights[n + k] * m for k, m in enumerate(self.needed_months(chosen))))

    def solve(self, start: set[int] | None = None, accept: Accept | None = None) -> Solution:
        """Solve and certify; ``start`` is a known route (its actions) to begin from,
        ``accept`` the caller's own check of a route (see :class:`Verdict`).

        An answer is ``optimal`` only when it passes every check; otherwise the
        model is re-solved cold, then cold without presolve, and failing all,
        the best valid route found is returned as ``feasible``.
        """
        if not self.acts:
            return Solution("optimal", set(), 0.0, 0.0)
        deadline = time.perf_counter() + self.time_limit
        if self.narrows() and self.ncols >= LM_CUT_MIN_COLUMNS:
            self.add_cuts()
        lp = lp_optimum(self) if self.narrows() else None
        relaxed = relaxation_route(self, lp)  # small problems: the LP optimum is often a route
        if relaxed is not None and not (accept(relaxed.chosen) if accept else Verdict([], relaxed.chosen)).problems:
            return relaxed
        if lp is not None:
            start = narrow(self, lp, start, deadline)
        tries: list[tuple[str, set[int] | None, bool]] = [("warm start", start, True)] if start else []
        tries += [("cold", None, True), ("cold, presolve off", None, False)]
        notes: list[str] = []
        found: list[Solution] = []  # valid routes from runs that were not certified
        bounds: list[float] = []
        timed_out = False
        for label, begin, presolve in tries:
            sol = self._attempt(begin, presolve, deadline)
            timed_out = timed_out or sol.timed_out
            sol.timed_out = timed_out
            if sol.bound is not None:
                bounds.append(sol.bound)
            if sol.status == "timeout":
                break
            problems = list(sol.notes)
            if sol.status == "infeasible":
                if not start:
                    return sol
                problems.append("reported infeasible, yet the start route meets every constraint")
            else:
                verdict = accept(sol.chosen) if accept is not None else Verdict([], sol.chosen)
                if sol.status == "optimal" and not problems and not verdict.problems:
                    sol.notes = notes
                    return sol
                problems += verdict.problems
                if verdict.route is not None:
                    found.append(Solution("feasible", verdict.route, self.value_of(verdict.route)))
            notes.append(f"{label}: " + "; ".join(problems or ["optimality not proven in time"]))
            if time.perf_counter() >= deadline:
                break
        if start:
            kept = accept(start).route if accept is not None else start
            if kept is not None:
                found.append(Solution("feasible", set(kept), self.value_of(kept)))
        if not found:
            return Solution("timeout", bound=max(bounds, default=None), notes=notes, timed_out=timed_out)
        best = min(found, key=lambda s: (s.value if s.value is not None else math.inf, len(s.chosen)))
        value = self.value_of(best.chosen)
        # A "lower bound" above a route in hand is itself wrong: keep only those that hold.
        proven = [b for b in bounds if b <= value + _tol(value)]
        return Solution("feasible", best.chosen, value, max(proven, default=None), notes, timed_out)

    def _attempt(self, start: set[int] | None, presolve: bool, deadline: float) -> Solution:
        """One solve of the lexicographic objective, checked against what HiGHS reports."""
        h = self.h
        h.clearSolver()
        self.integral()
        h.setOptionValue("presolve", "choose" if presolve else "off")
        cols = self.cost_cols
        if self.weighted is not None:
            h.changeColsCost(len(cols), cols, self.weighted)
            raw = self._acyclic_run(deadline, start, self.weighted)
            return self._certify(raw, self.weighted, self.weight, self.scale or 1, exact=True)
        h.changeColsCost(len(cols), cols, self.first)
        sol = self._certify(self._acyclic_run(deadline, start), self.first, 1.0, 1, exact=False)
        if sol.status != "optimal" or sol.notes:
            return sol
        value = sol.value or 0.0
        fix_row = h.getNumRow()
        h.addRow(-_INF, value + 1e-7 * max(1.0, abs(value)), len(cols), cols, self.first)
        h.changeColsCost(len(cols), cols, self.tie)
        h.clearSolver()
        raw = self._acyclic_run(deadline, sol.chosen)
        h.deleteRows(1, np.array([fix_row], dtype=np.int32))
        if raw.status != "optimal":
            sol.timed_out = raw.status in ("feasible", "timeout")
            return sol
        own = self.value_of(raw.chosen)
        tie = float(sum(self.tie[self.col[a]] for a in raw.chosen))
        if abs(own - value) > _tol(value) or raw.objective is None or abs(tie - raw.objective) > 0.5:
            return sol  # the tie-break answer does not hold up; the primary answer does
        return Solution("optimal", raw.chosen, own, sol.bound)

    def _certify(self, raw: _Raw, weights: np.ndarray, weight: float, scale: int, *, exact: bool) -> Solution:
        """Compare a run's route with the objective and bound HiGHS reports for it.

        ``weights`` are the column costs of the run; the primary is
        ``floor(objective / weight) / scale``. With ``exact`` the objective is
        integral, so any difference of 0.5 or more is a real one.
        """
        bound = _unscale(raw.dual, weight, scale) if exact else raw.dual
        if raw.status in ("infeasible", "timeout"):
            return Solution(raw.status, bound=bound, timed_out=raw.status == "timeout")
        own = self._own(weights, raw.chosen)
        value = self.value_of(raw.chosen)
        notes = []
        reported = raw.objective if raw.objective is not None else math.nan
        if not abs(own - reported) <= (0.5 if exact else _tol(reported)):
            notes.append(f"the solver reported objective {_show(reported, weight, scale)} but returned a route "
                         f"costing {value:g}")
        if raw.dual is not None and raw.dual > own + (0.5 if exact else _tol(own)):
            notes.append(f"the solver's lower bound {bound} exceeds its own route's cost {value:g}")
            bound = None
        status = raw.status
        if status == "optimal":
            lexicographic = raw.dual is not None and raw.dual >= own - (0.5 if exact else _tol(own))
            primary = bound is not None and bound >= value - _tol(value)
            if not (lexicographic or primary):
                status = "feasible"
                notes.append(f"status optimal, but the dual bound {bound} does not cover the route's cost {value:g}")
        elif bound is not None and bound >= value - _tol(value) and not notes:
            status = "optimal"  # out of time on the tie-break only: the primary is proven
        return Solution(status, raw.chosen, value, bound, notes, timed_out=raw.status == "feasible")

    def _vector(self, route: set[int]) -> np.ndarray | None:
        """Every column's value for ``route`` (its subscriptions' whole months included),
        or None when it is not a route of the model (see queries._start.start_vector).
        The last answer is kept: narrowing, its checks and the MIP start ask for the same
        route in turn (a fresh copy each time; the key holds the column count, as time
        labels add columns)."""
        key = (frozenset(route), self.ncols)
        if self._last_vector is not None and self._last_vector[0] == key:
            known = self._last_vector[1]
            return None if known is None else known.copy()
        vals = start_vector(self, route)
        if vals is not None:
            for (m, *_), k in zip(self.months, self.needed_months(route), strict=True):
                vals[m] = k
        self._last_vector = (key, vals)
        return None if vals is None else vals.copy()

    def _start(self, start: set[int] | None) -> None:
        if start is None:
            return
        vals = self._vector(start)
        if vals is None:  # not a route of this model: let HiGHS complete the steps it is given
            idx = self.cost_cols
            vals = np.array([1.0 if a in start else 0.0 for a in self.acts]
                            + [float(m) for m in self.needed_months(start)])
        else:
            idx = np.arange(self.ncols, dtype=np.int32)
        self.h.setSolution(len(idx), idx, vals)

    def _run(self, deadline: float) -> _Raw:
        h = self.h
        h.setOptionValue("time_limit", max(0.01, deadline - time.perf_counter()))
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        dual = float(info.mip_dual_bound)
        if self.ceiling is not None:
            dual = min(dual, self.ceiling)  # narrowed: every route outside the model costs at least the ceiling
        dual_or_none = dual if math.isfinite(dual) else None
        has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if status == highspy.HighsModelStatus.kOptimal:
            kind = "optimal"
        elif status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return _Raw("infeasible", set(), None, None)
        elif has_sol:
            kind = "feasible"
        else:
            return _Raw("timeout", set(), None, dual_or_none)
        values = h.getSolution().col_value
        chosen = {a for a, v in zip(self.acts, values[: len(self.acts)], strict=False) if v > 0.5}
        return _Raw(kind, chosen, float(info.objective_function_value), dual_or_none)


class Held:
    """The model as HiGHS holds it now (every bound and row: cuts, time labels, caps,
    exclusions), read once into arrays: reading HiGHS's vectors is most of the cost."""

    def __init__(self, h: highspy.Highs):
        lp = h.getLp()
        self.col_cost = np.asarray(lp.col_cost_, dtype=np.float64)
        self.col_lower = np.asarray(lp.col_lower_, dtype=np.float64)
        self.col_upper = np.asarray(lp.col_upper_, dtype=np.float64)
        self.row_lower = np.asarray(lp.row_lower_, dtype=np.float64)
        self.row_upper = np.asarray(lp.row_upper_, dtype=np.float64)
        a = lp.a_matrix_
        start = np.asarray(a.start_, dtype=np.int64)
        self.index = np.asarray(a.index_, dtype=np.int64)
        self.value = np.asarray(a.value_, dtype=np.float64)
        self.outer = np.repeat(np.arange(len(start) - 1), np.diff(start))
        self.colwise = a.format_ == highspy.MatrixFormat.kColwise
        self.num_row, self.num_col = int(lp.num_row_), int(lp.num_col_)

    def activity(self, x: np.ndarray) -> np.ndarray:
        """``A x``: each row's value at column values ``x``."""
        rows, cols = (self.index, self.outer) if self.colwise else (self.outer, self.index)
        return np.bincount(rows, weights=self.value * x[cols], minlength=self.num_row)

    def transposed(self, y: np.ndarray) -> np.ndarray:
        """``A^T y``: each column's weight under row multipliers ``y``."""
        rows, cols = (self.index, self.outer) if self.colwise else (self.outer, self.index)
        return np.bincount(cols, weights=self.value * y[rows], minlength=self.num_col)

    def meets(self, x: np.ndarray) -> bool:
        """Whether column values ``x`` meet every bound and row."""

        def within(v: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> bool:
            tol = 1e-6 * (1.0 + np.abs(np.where(np.isfinite(v), v, 0.0)))
            return bool(np.all(v >= lower - tol) and np.all(v <= upper + tol))

        return within(x, self.col_lower, self.col_upper) and within(self.activity(x), self.row_lower, self.row_upper)


def _tol(value: float) -> float:
    return 1e-6 * max(1.0, abs(value)) if math.isfinite(value) else 0.0


def _show(objective: float, weight: float, scale: int) -> str:
    if not math.isfinite(objective):
        return "none"
    return f"{math.floor(objective / weight + 1e-9) / scale:g}"
