"""The route planner: the proven-cheapest order of courses and exams to a goal.

Semantics are DESIGN.md's "Route semantics": a step (course or vendor exam)
is takeable when its requirements hold (an ``any_of`` group when one member
holds) and, for a course, when the prerequisites of every skill it teaches
hold or are taught by the same course. Teaching level k gives levels 1..k.
The goal of a role is its essential needs at their levels and its essential
valued certs (optional ones too with ``include_optional=True``).

How: the catalog is compiled once into facts and actions
(:mod:`queries._compile`), each request is pruned (constraints, forward
reachability, backward relevance, dominated steps, a bound from a greedy
route: :mod:`queries._prune`), and the rest is solved exactly as an integer
program on HiGHS with a relative gap of 0 (:mod:`queries._solver`). Every
answer is certified before it is used: replayed by plain forward simulation
(:func:`queries.simulate.simulate`), checked for steps it could do without,
and compared with the objective and bound the solver reports. The route is
then explained (:mod:`queries._explain`): every step says what it gives and
which goal or later step needs it. Goal items no route can reach are
reported with their cause, and the route covers the rest.

Examples
--------
>>> from loaders import load_catalog
>>> p = plan(load_catalog(), have=["python", "sql"], role="ml-engineer-gcp")
>>> p.feasible and p.optimal and p.total_hours > 0
True
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import TypeAdapter

from graph.catalog import Catalog
from graph.errors import PlanningBug, PlanningError, UnknownId, suggest
from graph.models import parse_level_ref
from queries._compile import Action, Compiled, Fact, compiled, derive, fact_label
from queries._explain import Explainer, Ordered, ordered
from queries._landmarks import landmarks
from queries._memo import solved
from queries._pricing import Billing
from queries._prune import (
    dominated,
    executable,
    forward,
    greedy_route,
    large_problem,
    maybe_spare,
    relaxed_costs,
    relevant,
    without_redundant,
)
from queries._schedule import schedule
from queries._solver import Accept, Model, Solution, Verdict
from queries.plan_models import OBJECTIVES, GoalItem, Objective, Plan, Step, Unreachable, Week
from queries.plan_request import PlanRequest, ids
from queries.simulate import State, parse_have, simulate, unmet_goals

__all__ = ["OBJECTIVES", "GoalItem", "Plan", "PlanRequest", "Step", "Unreachable", "Week", "plan"]


def plan(
    catalog: Catalog,
    *,
    have: Iterable[str] = (),
    role: str | None = None,
    cert: str | None = None,
    skills: Iterable[str] | None = None,
    objective: Objective = "hours",
    budget: float | None = None,
    max_hours: float | None = None,
    free_only: bool = False,
    exclude: Iterable[str] = (),
    providers: Iterable[str] | None = None,
    must_include: Iterable[str] = (),
    include_optional: bool = False,
    hours_per_week: float | None = None,
    experience_years: float | None = None,
    respect_experience: bool = False,
    alternatives: int = 0,
    time_limit: float = 10.0,
) -> Plan:
    """Plan the cheapest route from ``have`` to a role, a cert and/or skills.

    Parameters
    ----------
    catalog : Catalog
    have : list of str
        ``"id"`` or ``"id:level"``: skills (no level means 3), completed
        course ids, held cert ids.
    role, cert : str, optional
        The target role and/or cert.
    skills : list of str, optional
        Target skills, ``"id"`` (level 1) or ``"id:level"``.
    objective : {"hours", "cost", "steps"}
        What to minimise; ties go to fewer steps, then to the smallest sum of
        id ranks (on large problems equal-step ties are left to the
        deterministic solver).
    budget, max_hours : float, optional
        Caps on the route's total USD and hours.
    free_only : bool
        Only free courses or free audits (counted at $0); no paid exams, no
        paid completion certificates.
    exclude : list of str
        Course, program (all its courses) or cert ids never to take.
    providers : list of str, optional
        Take courses only from these providers (case-insensitive); exams are
        not filtered.
    must_include : list of str
        Course, program or exam (cert) ids the route must contain.
    include_optional : bool
        Also plan the role's optional needs and certs.
    hours_per_week : float, optional
        Lay the route out week by week (0.5 to 168).
    experience_years : float, optional
        Your years of hands-on experience (0 to 80). Exams whose vendor
        recommends more are flagged on their step and in the warnings.
    respect_experience : bool
        Leave out exams whose recommended experience exceeds
        ``experience_years`` (reported in ``unreachable``).
    alternatives : int
        Also return up to this many next-best routes, each differing by at
        least one step and never a superset of an earlier one.
    time_limit : float
        Seconds for the solver; past it the best route found is returned with
        ``optimal=False`` and the proven ``bound``.

    Returns
    -------
    Plan
        ``optimal`` only when the answer passed certification; ``bound`` is
        the solver's proven lower bound on the objective.

    Raises
    ------
    UnknownId
        An id in ``have``, a target, ``exclude`` or ``must_include`` is not in
        the catalog (with suggestions).
    PlanningError
        Bad arguments (no target, unknown objective, level out of range...).
    """
    started = time.perf_counter()
    request = PlanRequest(
        have=ids(have), role=role, cert=cert, skills=ids(skills), objective=objective,
        budget=budget, max_hours=max_hours, free_only=bool(free_only), exclude=ids(exclude),
        providers=ids(providers) if providers is not None else None, must_include=ids(must_include),
        include_optional=bool(include_optional), hours_per_week=hours_per_week, experience_years=experience_years,
        respect_experience=bool(respect_experience), alternatives=alternatives, time_limit=time_limit,
    )
    result = _Planner(catalog, request).run()
    result.solve_ms = round((time.perf_counter() - started) * 1000, 3)
    return result


_GOAL_ITEMS = TypeAdapter(list[GoalItem])

# billing, primary, model primary, blocked, allowed (each action: not blocked)
_Constants = tuple[Billing, list[float], list[float], dict[int, str], list[bool]]


@dataclass
class _Pruned:
    """The problem the solver sees: its facts, actions, goals and pinned steps."""

    facts: set[int]
    acts: set[int]
    goals: set[int]
    must: set[int]
    start: set[int] | None = None  # a greedy route to start the solver from


@dataclass
class _Planner:
    """One request against one catalog: everything that does not depend on the
    solver is worked out on construction; :meth:`run` prunes, solves, certifies
    and explains."""

    catalog: Catalog
    request: PlanRequest
    cp: Compiled = field(init=False)
    state: State = field(init=False)
    initial: set[int] = field(init=False)
    cost: list[float] = field(init=False)
    hours: list[float] = field(init=False)
    primary: list[float] = field(init=False)
    model_primary: list[float] = field(init=False)
    billing: Billing = field(init=False)
    blocked: dict[int, str] = field(init=False)
    reached: set[int] = field(init=False)
    usable: list[bool] = field(init=False)
    goal_items: list[tuple[GoalItem, int | None]] = field(init=False)
    must_map: dict[str, str] = field(init=False)
    unreachable: list[Unreachable] = field(init=False)
    explain: Explainer = field(init=False)
    # step sets simulate() accepted, with their order and fact sources (reused to explain them)
    replayed: dict[frozenset[int], Ordered] = field(init=False, default_factory=dict)
    providers: set[str] | None = field(init=False)  # casefolded, once

    def __post_init__(self) -> None:
        cat, req = self.catalog, self.request
        self.state = parse_have(cat, req.have)
        self._check_providers()
        self.providers = {p.casefold() for p in req.providers} if req.providers is not None else None
        self.cp = cp = compiled(cat)
        origins = self._goal_items()
        exclude = self._stepids(req.exclude, "exclude")
        self.must_map = self._stepids(req.must_include, "must_include")
        self.initial = self._initial()
        self.billing, self.primary, self.model_primary, self.blocked, allowed = self._per_constraints(exclude)
        self.cost = self.billing.once
        self.hours = self.billing.hours
        self.reached, self.usable = forward(cp, self.initial, allowed)
        self.unreachable = []
        self.explain = Explainer(cat, cp, req, self.blocked, self.reached, origins)

    def _per_constraints(self, exclude: dict[str, str]) -> _Constants:
        """What depends on the request's objective and constraints but not on the learner,
        worked out once per catalog and set of constraints (most learners send none)."""
        cat, cp, req = self.catalog, self.cp, self.request
        key = (req.objective, req.free_only, req.hours_per_week, req.budget, req.max_hours,
               tuple(sorted(exclude.items())), None if self.providers is None else frozenset(self.providers),
               req.respect_experience, req.experience_years if req.respect_experience else None)
        known: _Constants | None = cp.per_constraints.get(key)
        if known is not None:
            return known
        # Money: one-time prices per step, subscriptions by the months at the learner's pace.
        billing = Billing.of(cat, cp, free_only=req.free_only, hours_per_week=req.hours_per_week)
        # primary: each step's share of the objective, a lower bound where money is billed by the month
        # (pruning and relaxed bounds); the solver's model prices subscription months itself.
        primary = [req.primary(a, billing.lower(a.idx)) for a in cp.actions]
        model_primary = [req.primary(a, billing.once[a.idx]) for a in cp.actions]
        blocked = {a.idx: why for a in cp.actions if (why := self._blocked(a, exclude, billing))}
        out = (billing, primary, model_primary, blocked, [a.idx not in blocked for a in cp.actions])
        cp.per_constraints.put(key, out)
        return out

    # -- arguments against the catalog ------------------------------------------------
    def _check_providers(self) -> None:
        if self.request.providers is None:
            return
        known = {c.provider.casefold(): c.provider for c in self.catalog.courses if c.provider}
        for p in self.request.providers:
            if p.casefold() not in known:
                raise UnknownId(p, "provider", suggest(p, list(known.values())))

    def _stepids(self, ids: tuple[str, ...], what: str) -> dict[str, str]:
        """Map course/exam ids (programs expanded) to the id the user gave."""
        cat = self.catalog
        out: dict[str, str] = {}
        for i in ids:
            if i not in cat:
                raise UnknownId(i, f"{what} id", suggest(i, cat.ids("course") + cat.ids("program") + cat.ids("cert")))
            kind = cat.kind_of(i)
            if kind == "course":
                out[i] = i
            elif kind == "program":
                out.update(dict.fromkeys(cat.program(i).courses, i))
            elif kind == "cert" and (cat.cert(i).kind == "vendor-exam" or what == "exclude"):
                out[i] = i  # an exam; or, excluded, a completion certificate's award
            else:
                raise PlanningError(f"{what} {i!r}: a {kind} is not a step; give course, program or exam ids")
        return out

    def _goal_items(self) -> dict[tuple[str, int | None], list[str]]:
        """The goal items (held, to plan, or not planned) and which target asks for each."""
        cat, req = self.catalog, self.request
        items: list[tuple[str, str, int | None, str, str]] = []  # id, kind, level, importance, target
        if req.role:
            role = cat.role(req.role)
            target = f"role {role.id}"
            items += [(n.skill, "skill", n.level, n.importance, target) for n in role.needs]
            items += [(v.cert, "cert", None, v.importance, target) for v in role.values]
        if req.cert:
            cat.cert(req.cert)
            items.append((req.cert, "cert", None, "essential", f"cert {req.cert}"))
        for text in req.skills:
            ref = parse_level_ref(text)
            sid = ref.id
            cat.skill(sid)
            try:
                wanted = ref.level or 1
            except ValueError as err:
                raise PlanningError(f"skills {text!r}: {err}") from None
            items.append((sid, "skill", wanted, "essential", "your target"))
        merged: dict[tuple[str, int | None], tuple[str, str, int | None, str]] = {}
        origins: dict[tuple[str, int | None], list[str]] = {}
        # The same item may come twice (a role's optional cert that is also the target).
        for sid, kind, lvl, importance, target in items:
            key = (sid, lvl)
            if key not in merged or importance == "essential":
                merged[key] = (sid, kind, lvl, importance)
            origins.setdefault(key, [])
            if target not in origins[key]:
                origins[key].append(target)
        rows: list[dict[str, object]] = []
        facts: list[int | None] = []
        for sid, kind, level, importance in merged.values():
            fact: int | None = None
            if self._held(kind, sid, level):
                status = "held"
            elif importance == "optional" and not req.include_optional:
                status = "not-planned"
            else:
                status = "route"
                fact = self.cp.fact_id.get(("skill", sid, level or 1) if kind == "skill" else ("cert", sid))
            rows.append({"id": sid, "kind": kind, "level": level, "importance": importance, "status": status})
            facts.append(fact)
        # One validation call for all items: about half the time of a GoalItem(...) each.
        self.goal_items = list(zip(_GOAL_ITEMS.validate_python(rows), facts, strict=True))
        return origins

    def _held(self, kind: str, sid: str, level: int | None) -> bool:
        if kind == "skill":
            return self.state.skills.get(sid, 0) >= (level or 1)
        return sid in self.state.certs

    def _initial(self) -> set[int]:
        cp, st = self.cp, self.state
        keys: list[Fact] = [("skill", sid, k) for sid, lvl in st.skills.items() for k in range(1, lvl + 1)]
        keys += [("cert", c) for c in st.certs] + [("done", c) for c in st.done]
        out = {f for key in keys if (f := cp.fact_id.get(key)) is not None}
        # any_of groups and completion certs that already hold
        derive(cp, out, list(out), lambda di: cp.actions[di].kind == "group" or not self.request.free_only)
        return out

    def _blocked(self, a: Action, exclude: dict[str, str], billing: Billing) -> str | None:
        req = self.request
        if a.kind == "group":
            return None
        if a.ref in exclude:
            return "excluded" if exclude[a.ref] == a.ref else f"excluded with {exclude[a.ref]}"
        if a.kind == "award":
            return "free only: a completion certificate needs paid enrollment" if req.free_only else None
        if req.free_only and not a.free:
            return "free only: the exam costs money" if a.kind == "exam" else "free only: no free audit"
        if a.kind == "exam" and req.respect_experience:
            years = self.catalog.cert(a.ref).recommended_experience_years
            if req.under_experienced(years):
                return (f"over your experience: its vendor recommends {years:g}+ years of hands-on experience, "
                        f"you have {req.experience_years:g}, and respect_experience is on")
        if a.kind == "course" and req.providers is not None \
                and (a.provider or "").casefold() not in (self.providers or set()):
            return f"provider {a.provider or 'unknown'} not allowed"
        cost = billing.alone(a.idx)
        if req.budget is not None and cost > req.budget + 1e-9:
            return f"costs ${cost:g}, over the budget of ${req.budget:g}"
        if req.max_hours is not None and a.hours > req.max_hours + 1e-9:
            return f"takes {a.hours:g} h, over the limit of {req.max_hours:g} h"
        return None

    # -- solving -----------------------------------------------------------------------
    def run(self) -> Plan:
        pruned = self._prune()
        req, cp = self.request, self.cp

        def accept(chosen: set[int]) -> Verdict:
            return self._check_route(chosen, pruned)

        # A problem solved before (queries._memo) is not solved again; its route is still replayed here.
        memo, key = solved(cp), self._key(pruned)
        sol = memo.get(key) if key is not None else None
        model = None
        if sol is None or accept(sol.chosen).problems:
            model = self._model(pruned, self.model_primary, months_priced=req.prices_months)
            model.repair = lambda chosen: self._completed(chosen, pruned)
            model.narrowing = not req.alternatives  # queries._narrow: alternatives need the dearer routes
            if large_problem(pruned.acts) and not model.narrows():
                self._greedy_start(pruned)
            sol = model.solve(pruned.start, accept)
            if key is not None:
                memo.put(key, sol)
        try:
            return self._answer(sol, pruned, model, accept)
        finally:
            if model is not None:
                model.release()

    def _answer(self, sol: Solution, pruned: _Pruned, model: Model | None, accept: Accept) -> Plan:
        """The plan of a solver answer, with the request's alternatives from ``model``."""
        req, cp = self.request, self.cp
        if sol.status in ("infeasible", "timeout"):
            return self._no_route(sol, pruned)
        best = self._plan(sol, self._floor(pruned, sol))
        for _ in range(req.alternatives):
            steps = {a for a in sol.chosen if cp.actions[a].is_step}
            if not steps or model is None:
                break
            model.exclude(steps)
            sol = model.solve(None, accept)
            if sol.status not in ("optimal", "feasible"):
                break
            alternative = self._plan(sol, None)
            if alternative.value < best.value - 1e-6 * max(1.0, best.value):
                # A next-best route cheaper than the best disproves the best's certificate.
                best.optimal = False
                best.warnings.append(f"not proven optimal: an alternative route costs {alternative.value:g}, "
                                     f"less than this one ({best.value:g})")
            best.alternatives.append(alternative)
        return best

    def _key(self, p: _Pruned) -> tuple[object, ...] | None:
        """What the integer model of ``p`` is a function of (None: not remembered, as
        alternatives reuse the model)."""
        req = self.request
        if req.alternatives:
            return None
        return (frozenset(p.acts), frozenset(p.facts), frozenset(p.goals), frozenset(p.must), req.objective,
                req.budget, req.max_hours, req.free_only, req.hours_per_week)

    def _prune(self) -> _Pruned:
        cp, req = self.cp, self.request
        goals: set[int] = set()
        for item, fid in self.goal_items:
            if item.status != "route":
                continue
            if fid is not None and fid in self.initial:
                item.status = "held"
            elif fid is not None and fid in self.reached:
                goals.add(fid)
            else:
                item.status = "unreachable"
                self.unreachable.append(Unreachable(id=item.label, kind=item.kind,
                                                    importance=item.importance, reason=self.explain.why(item, fid)))
        must: set[int] = set()
        for sid, given in self.must_map.items():
            ai = cp.step_of.get(sid)
            if ai is None:
                continue
            if self.usable[ai]:
                must.add(ai)
                continue
            missing = [fact_label(cp.facts[f]) for f in cp.actions[ai].pre if f not in self.reached]
            why = self.blocked.get(ai) or f"needs {', '.join(missing)}, which no allowed step reaches"
            self.unreachable.append(Unreachable(id=given, kind="step", reason=f"must include {sid}: {why}"))

        usable = self.usable
        facts, acts = relevant(cp, goals, self.initial, usable, must)
        # Dominated steps never appear in an optimal route, but may in the next-best ones.
        # Small problems solve in well under a millisecond with them (queries._prune.SMALL_PROBLEM).
        if not req.alternatives and large_problem(acts):
            drop = dominated(cp, acts, facts, self.initial, must, self.primary, self.cost,
                             by_hours=req.weighs_hours, by_cost=req.weighs_cost, billing=self.billing,
                             exact=not (req.prices_months and self.billing.subs))
            if drop:
                usable = [u and i not in drop for i, u in enumerate(usable)]
                facts, acts = relevant(cp, goals, self.initial, usable, must)
        return _Pruned(facts, acts, goals, must)

    def _completed(self, chosen: set[int], p: _Pruned) -> set[int] | None:
        """A route from a solver answer with a cycle of support (``chosen``): the
        greedy route with the answer's own actions free (see _acyclic_run in
        queries._solver)."""
        return self._greedy(p, [0.0 if i in chosen else c for i, c in enumerate(self.primary)])

    def _greedy_start(self, p: _Pruned) -> None:
        """A greedy route as the solver's start, for a large model that is not narrowed
        (a narrowed one starts from a better route: queries._narrow).

        No cost cut follows (dropping the steps whose own cost plus the h_max of
        their needs exceeds the greedy route's): HiGHS's presolve and reduced-cost
        fixing remove them anyway. With it, the synthetic 1,000-course catalog
        took 71.1 ms a plan against 65.9 ms without (40 learners, the same
        solver time), and the 10,000-course one 2.73 s both ways.
        """
        p.start = self._greedy(p, self.primary)

    def _greedy(self, p: _Pruned, cost: list[float]) -> set[int] | None:
        """The h_add relaxed plan under ``cost`` without its redundant steps, or None
        when it reaches no route or breaks the request's budget or hours cap."""
        cp, req = self.cp, self.request
        mask = [i in p.acts for i in range(len(cp.actions))]
        _, best = relaxed_costs(cp, self.initial, mask, cost, "add")
        if any(f not in best and f not in self.initial for f in p.goals):
            return None
        route = greedy_route(cp, self.initial, best, p.goals, p.must)
        route = without_redundant(cp, self.initial, {a for a in route if cp.actions[a].is_step}, p.goals,
                                  self.primary, p.must, p.acts)
        steps = [a for a in route if cp.actions[a].is_step]
        if req.budget is not None and self.billing.cost(steps) > req.budget + 1e-9:
            return None
        if req.max_hours is not None and sum(self.hours[a] for a in steps) > req.max_hours + 1e-9:
            return None
        return route

    def _floor(self, p: _Pruned, sol: Solution) -> float | None:
        """For an answer the solver did not prove on a large problem: h_max of the goals,
        a proven lower bound besides the solver's own (an optimal answer's bound is
        its value)."""
        if sol.status == "optimal" or not large_problem(p.acts):
            return None
        mask = [i in p.acts for i in range(len(self.cp.actions))]
        hmax, _ = relaxed_costs(self.cp, self.initial, mask, self.primary, "max")
        return max((hmax.get(g, 0.0) for g in p.goals), default=0.0)

    def _model(self, p: _Pruned, primary: list[float], *, months_priced: bool, capped: bool = True) -> Model:
        """The integer model of ``p``: ``primary`` per step, subscription months priced in it or not,
        with the request's budget and hours caps (``capped``)."""
        req = self.request
        months = [(s.usd_per_month, s.hours_per_month, s.members) for s in self.billing.subs]
        problem = self.cp.local(p.acts, p.facts)  # for the landmarks, and LM-cut's (Model.add_cuts)
        return Model(self.cp, p.acts, p.facts, p.goals, p.must, primary, self.hours, self.cost,
                     budget=req.budget if capped else None, max_hours=req.max_hours if capped else None,
                     time_limit=req.time_limit, months=months, months_in_primary=months_priced,
                     landmarks=landmarks(self.cp, p.acts, p.facts, p.goals, problem), problem=problem)

    def _check_route(self, chosen: set[int], p: _Pruned) -> Verdict:
        """A solver's route, checked without the solver: it must replay in order under
        the catalog's own rules (``simulate``), reach every goal, and have no step that
        could be dropped with the goals still met (a cheaper route, or one with fewer
        steps, would then exist). A route with such steps is kept without them."""
        cp = self.cp
        steps = {a for a in chosen if cp.actions[a].is_step}
        try:
            layered = ordered(self.catalog, cp, steps, self.initial, self.blocked)
            order = layered[0]
        except PlanningBug as err:
            return Verdict([str(err)], None)
        check = simulate(self.catalog, self.state, [cp.actions[a].ref for a in order], paid=not self.request.free_only)
        if not check.ok:
            return Verdict(["the route does not replay: " + "; ".join(check.problems)], None)
        self.replayed[frozenset(steps)] = layered
        goals = [cp.facts[g] for g in p.goals]  # skills at a level and certs, checked on the replay's end state
        if unmet_goals(check.state, [(f[1], f[2]) for f in goals if f[0] == "skill"],
                       [f[1] for f in goals if f[0] == "cert"]) or any(f[0] not in ("skill", "cert") for f in goals):
            return Verdict(["the route does not reach every goal"], None)
        maybe = maybe_spare(cp, self.initial, steps, p.goals, p.must)
        if not maybe:
            return Verdict([], chosen)
        derived = {i for i in cp.derived if i not in self.blocked}
        spare = [cp.actions[a].ref for a in sorted(maybe, key=lambda a: cp.actions[a].rank)
                 if executable(cp, self.initial, steps - {a}, p.goals, derived)]
        if not spare:
            return Verdict([], chosen)
        kept = without_redundant(cp, self.initial, steps, p.goals, self.primary, p.must, derived)
        return Verdict([f"step {ref} can be dropped with every goal still met" for ref in spare], kept)

    def _no_route(self, sol: Solution, p: _Pruned) -> Plan:
        req, cp = self.request, self.cp
        if sol.status == "timeout":
            reason = f"the solver found no route within the time limit of {req.time_limit:g} s"
            self.unreachable.append(Unreachable(id="time_limit", kind="constraint", reason=reason))
        else:
            caps = []
            for name, per_step, cap in (("budget", self.cost, req.budget), ("max_hours", self.hours, req.max_hours)):
                if cap is None:
                    continue
                bare = self._model(p, [per_step[a] if cp.actions[a].is_step else 0.0 for a in range(len(cp.actions))],
                                   months_priced=name == "budget", capped=False)
                least = bare.solve()
                bare.release()
                if least.value is not None and least.value > cap + 1e-9:
                    caps.append((name, self.explain.over_cap(name, cap, least.value)))
            if not caps:
                caps.append(("constraints", "no route meets the budget and hours limits together"))
            for name, reason in caps:
                self.unreachable.append(Unreachable(id=name, kind="constraint", reason=reason))
        for item, _ in self.goal_items:
            if item.status == "route":
                item.status = "unreachable"
        return self._finish([], sol, self._floor(p, sol), feasible=False)

    def _plan(self, sol: Solution, floor: float | None) -> Plan:
        chosen = frozenset(a for a in sol.chosen if self.cp.actions[a].is_step)
        steps = self.explain.steps(sol.chosen, self.initial, self.state, self.goal_items,
                                   replayed=self.replayed.get(chosen))
        bills = self.billing.price(steps, self.cp.step_of)
        feasible = not any(u.importance == "essential" for u in self.unreachable)
        result = self._finish(steps, sol, floor, feasible=feasible)
        result.subscriptions = bills
        return result

    def _finish(self, steps: list[Step], sol: Solution, floor: float | None, *, feasible: bool) -> Plan:
        req = self.request
        bounds = [b for b in (sol.bound, floor) if b is not None]
        plan = Plan(
            feasible=feasible and sol.status in ("optimal", "feasible"),
            optimal=sol.status == "optimal",
            objective=req.objective,
            total_hours=round(sum(s.hours for s in steps), 4),
            total_cost_usd=round(sum(s.cost_usd or 0.0 for s in steps), 2),
            total_steps=len(steps),
            bound=max(bounds) if bounds else None,
            time_limited=sol.timed_out,
            hours_per_week=req.hours_per_week,
            experience_years=req.experience_years,
            target={"role": req.role, "cert": req.cert, "skills": list(req.skills)},
            have=list(req.have),
            constraints=req.constraints(),
            steps=steps,
            unreachable=list(self.unreachable),
            # the items are this request's own; copies only where alternatives make several plans of them
            goals=[it.model_copy() if req.alternatives else it for it, _ in self.goal_items],
            warnings=self.explain.warnings(steps, self.goal_items, sol),
            # given, not defaulted: pydantic deep-copies a mutable default for each plan
            subscriptions=[], schedule=[], alternatives=[],
        )
        if req.hours_per_week:
            schedule(plan, req.hours_per_week)
        return plan

