"""The route planner: the proven-cheapest order of courses and exams to a goal.

Semantics are DESIGN.md's "Route semantics": a step (course or vendor exam)
is takeable when its requirements hold (an ``any_of`` group when one member
holds) and, for a course, when the prerequisites of every skill it teaches
hold or are taught by the same course. Teaching level k gives levels 1..k.
The goal of a role is its essential needs at their levels and its essential
valued certs (optional ones too with ``include_optional=True``).

How: the catalog is compiled once into facts and actions, each request is
pruned (constraints, forward reachability, backward relevance, dominated
steps), and the rest is solved exactly as an integer program on HiGHS with
a relative gap of 0 (see :mod:`queries._solver`). The route is then ordered,
re-checked by plain forward simulation (:func:`queries.routes.simulate`) and
explained: every step says what it gives and which goal or later step needs
it. Goal items no route can reach are reported with their cause, and the
route covers the rest.

Examples
--------
>>> from loaders import load_catalog
>>> p = plan(load_catalog(), have=["python", "sql"], role="ml-engineer-gcp")
>>> p.feasible and p.optimal and p.total_hours > 0
True
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from graph.catalog import Catalog
from graph.errors import PlanningBug, PlanningError, UnknownId, suggest
from graph.models import format_level_ref, parse_level_ref
from queries._problem import (
    Compiled,
    compiled,
    derive,
    dominated,
    fact_label,
    forward,
    greedy_route,
    relaxed_costs,
    relevant,
    without_redundant,
)
from queries._solver import Model, Solution
from queries.routes import State, parse_have, simulate

__all__ = ["OBJECTIVES", "GoalItem", "Plan", "Step", "Unreachable", "Week", "plan"]

OBJECTIVES = ("hours", "cost", "steps")
Objective = Literal["hours", "cost", "steps"]


class Step(BaseModel):
    """One course or exam of a route, with why it is there."""

    order: int
    id: str
    kind: Literal["course", "exam"]
    title: str
    provider: str | None = None
    format: str | None = None
    hours: float
    cost_usd: float | None = Field(description="USD counted for this step; null when the catalog does not know it")
    free_audit: bool = False
    gives: list[str] = Field(description="skills ('id' or 'id:level') and certs this step adds")
    earns: list[str] = []
    serves: list[str] = Field(description="goal items and later steps that need what it gives")
    reason: str
    url: str | None = None
    week_start: int | None = None
    week_end: int | None = None


class Unreachable(BaseModel):
    id: str
    kind: str = "skill"
    importance: str = "essential"
    reason: str


class GoalItem(BaseModel):
    id: str
    kind: Literal["skill", "cert"]
    level: int | None = None
    importance: Literal["essential", "optional"] = "essential"
    status: Literal["held", "route", "unreachable", "not-planned"]
    by: str | None = Field(default=None, description="the step that achieves it")


class Week(BaseModel):
    week: int
    hours: float
    steps: list[str]


class Plan(BaseModel):
    """A route and its explanation; ``model_dump()`` is the CLI's and API's JSON."""

    feasible: bool
    optimal: bool
    objective: Objective
    total_hours: float
    total_cost_usd: float
    total_steps: int
    bound: float | None = Field(default=None, description="proven lower bound on the objective")
    weeks: int | None = None
    hours_per_week: float | None = None
    target: dict[str, Any] = {}
    have: list[str] = []
    constraints: dict[str, Any] = {}
    steps: list[Step] = []
    unreachable: list[Unreachable] = []
    goals: list[GoalItem] = []
    schedule: list[Week] = []
    warnings: list[str] = []
    alternatives: list[Plan] = []
    solve_ms: float = 0.0


def plan(
    catalog: Catalog,
    *,
    have: Iterable[str] = (),
    role: str | None = None,
    cert: str | None = None,
    skills: Iterable[str] | None = None,
    objective: str = "hours",
    budget: float | None = None,
    max_hours: float | None = None,
    free_only: bool = False,
    exclude: Iterable[str] = (),
    providers: Iterable[str] | None = None,
    must_include: Iterable[str] = (),
    include_optional: bool = False,
    hours_per_week: float | None = None,
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
        What to minimise; ties go to fewer steps, then to lower ids (on large
        problems equal-step ties are left to the deterministic solver).
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
        Lay the route out week by week.
    alternatives : int
        Also return up to this many next-best routes, each differing by at
        least one step and never a superset of an earlier one.
    time_limit : float
        Seconds for the solver; past it the best route found is returned with
        ``optimal=False`` and the proven ``bound``.

    Returns
    -------
    Plan

    Raises
    ------
    UnknownId
        An id in ``have``, a target, ``exclude`` or ``must_include`` is not in
        the catalog (with suggestions).
    PlanningError
        Bad arguments (no target, unknown objective, level out of range...).
    """
    started = time.perf_counter()
    request = _Request.build(
        catalog, have=have, role=role, cert=cert, skills=skills, objective=objective, budget=budget,
        max_hours=max_hours, free_only=free_only, exclude=exclude, providers=providers,
        must_include=must_include, include_optional=include_optional, hours_per_week=hours_per_week,
        alternatives=alternatives, time_limit=time_limit,
    )
    result = request.run()
    result.solve_ms = round((time.perf_counter() - started) * 1000, 3)
    return result


def _ids(values: Iterable[str] | str | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = values.split(",")
    return [v.strip() for v in values if v and v.strip()]


class _Request:
    """One planning request: arguments checked, then pruned, solved and explained."""

    catalog: Catalog
    cp: Compiled
    state: State
    objective: str
    have: list[str]
    role: str | None
    cert: str | None
    skills: list[str]
    budget: float | None
    max_hours: float | None
    hours_per_week: float | None
    free_only: bool
    include_optional: bool
    alternatives: int
    time_limit: float
    exclude: list[str]
    must_include: list[str]
    providers: set[str] | None
    cost: list[float]
    hours: list[float]
    blocked: dict[int, str]
    reached: set[int]
    usable: list[bool]

    def __init__(self) -> None:
        self.floor: float | None = None
        self.goal_items: list[tuple[GoalItem, int | None]] = []
        self.unreachable: list[Unreachable] = []
        self.warnings: list[str] = []

    # -- arguments -----------------------------------------------------------
    @classmethod
    def build(cls, catalog: Catalog, **kw: Any) -> _Request:
        self = cls()
        self.catalog = catalog
        objective = kw["objective"]
        if objective not in OBJECTIVES:
            raise PlanningError(f"objective {objective!r} is not one of {', '.join(OBJECTIVES)}")
        self.objective = objective
        self.have = _ids(kw["have"])
        self.state = parse_have(catalog, self.have)
        self.role = kw["role"]
        self.cert = kw["cert"]
        self.skills = _ids(kw["skills"])
        if not (self.role or self.cert or self.skills):
            raise PlanningError("no target: give a role, a cert or skills")
        for name in ("budget", "max_hours", "hours_per_week"):
            value = kw[name]
            if value is not None and (not isinstance(value, int | float) or math.isnan(value) or value < 0):
                raise PlanningError(f"{name} must be a number >= 0, not {value!r}")
        if kw["hours_per_week"] is not None and not 0.5 <= kw["hours_per_week"] <= 168:
            raise PlanningError("hours_per_week must be from 0.5 to 168 (hours in a week), "
                                f"not {kw['hours_per_week']!r}")
        alternatives = kw["alternatives"]
        if not isinstance(alternatives, int) or not 0 <= alternatives <= 20:
            raise PlanningError(f"alternatives must be a whole number from 0 to 20, not {alternatives!r}")
        self.budget, self.max_hours = kw["budget"], kw["max_hours"]
        self.hours_per_week = kw["hours_per_week"]
        self.free_only = bool(kw["free_only"])
        self.include_optional = bool(kw["include_optional"])
        self.alternatives = alternatives
        self.time_limit = float(kw["time_limit"])
        self.exclude = _ids(kw["exclude"])
        self.must_include = _ids(kw["must_include"])
        provs = _ids(kw["providers"]) if kw["providers"] is not None else None
        self.providers = self._check_providers(provs)
        self.cp = compiled(catalog)
        self._goals()
        return self

    def _check_providers(self, provs: list[str] | None) -> set[str] | None:
        if provs is None:
            return None
        known = {c.provider.casefold(): c.provider for c in self.catalog.courses if c.provider}
        for p in provs:
            if p.casefold() not in known:
                raise UnknownId(p, "provider", suggest(p, list(known.values())))
        return {p.casefold() for p in provs}

    def _step_ids(self, ids: list[str], what: str) -> dict[str, str]:
        """Map course/exam ids (programs expanded) to the id the user gave."""
        out: dict[str, str] = {}
        for i in ids:
            if i not in self.catalog:
                raise UnknownId(i, f"{what} id", suggest(i, self.catalog.ids("course") + self.catalog.ids("program")
                                                           + self.catalog.ids("cert")))
            kind = self.catalog.kind_of(i)
            if kind == "course":
                out[i] = i
            elif kind == "program":
                out.update(dict.fromkeys(self.catalog.program(i).courses, i))
            elif kind == "cert" and self.catalog.cert(i).kind == "vendor-exam":
                out[i] = i
            elif kind == "cert" and what == "exclude":
                out[i] = i  # a completion certificate: excluded as an award
            else:
                raise PlanningError(f"{what} {i!r}: a {kind} is not a step; give course, program or exam ids")
        return out

    def _goals(self) -> None:
        cat = self.catalog
        items: list[GoalItem] = []
        if self.role:
            role = cat.role(self.role)
            for n in role.needs:
                items.append(GoalItem(id=n.skill, kind="skill", level=n.level, importance=n.importance,
                                      status="route"))
            for v in role.values:
                items.append(GoalItem(id=v.cert, kind="cert", importance=v.importance, status="route"))
        if self.cert:
            cat.cert(self.cert)
            items.append(GoalItem(id=self.cert, kind="cert", status="route"))
        for text in self.skills:
            ref = parse_level_ref(text)
            sid = ref.id
            cat.skill(sid)
            try:
                level = ref.level or 1
            except ValueError as err:
                raise PlanningError(f"skills {text!r}: {err}") from None
            items.append(GoalItem(id=sid, kind="skill", level=level, status="route"))
        merged: dict[tuple[str, int | None], GoalItem] = {}
        for item in items:  # the same item twice (a role's optional cert that is also the target): essential wins
            key = (item.id, item.level)
            if key not in merged or item.importance == "essential":
                merged[key] = item
        for item in merged.values():
            if self._held(item):
                item.status = "held"
                self.goal_items.append((item, None))
                continue
            if item.importance == "optional" and not self.include_optional:
                held = self._held(item)
                item.status = "held" if held else "not-planned"
                self.goal_items.append((item, None))
                continue
            fact = ("skill", item.id, item.level) if item.kind == "skill" else ("cert", item.id)
            self.goal_items.append((item, self.cp.fact_id.get(fact)))

    def _held(self, item: GoalItem) -> bool:
        if item.kind == "skill":
            return self.state.skills.get(item.id, 0) >= (item.level or 1)
        return item.id in self.state.certs

    # -- solving --------------------------------------------------------------
    def run(self) -> Plan:
        cp, _cat = self.cp, self.catalog
        exclude = self._step_ids(self.exclude, "exclude")
        must_map = self._step_ids(self.must_include, "must_include")
        initial = self._initial()
        cost = [0.0 if self.free_only else a.cost for a in cp.actions]
        hours = [a.hours for a in cp.actions]
        self.cost, self.hours = cost, hours
        self.blocked = {}
        for a in cp.actions:
            why = self._blocked(a, exclude, cost[a.idx])
            if why:
                self.blocked[a.idx] = why
        allowed = [a.idx not in self.blocked for a in cp.actions]
        reached, usable = forward(cp, initial, allowed)
        self.reached, self.usable = reached, usable

        goals: set[int] = set()
        for item, fid in self.goal_items:
            if item.status == "not-planned" or (item.status == "held"):
                continue
            if fid is not None and fid in initial:
                item.status = "held"
            elif fid is not None and fid in reached:
                goals.add(fid)
            else:
                item.status = "unreachable"
                self.unreachable.append(Unreachable(
                    id=format_level_ref(item.id, item.level, implied=1),
                    kind=item.kind, importance=item.importance, reason=self._why(item, fid)))
        must: set[int] = set()
        for sid, given in must_map.items():
            ai = cp.step_of.get(sid)
            if ai is None:
                continue
            if not usable[ai]:
                missing = [fact_label(cp.facts[f]) for f in cp.actions[ai].pre if f not in reached]
                why = self.blocked.get(ai) or f"needs {', '.join(missing)}, which no allowed step reaches"
                self.unreachable.append(Unreachable(id=given, kind="step", reason=f"must include {sid}: {why}"))
            else:
                must.add(ai)

        facts, acts = relevant(cp, goals, initial, usable, must)
        # Dominated steps never appear in an optimal route, but may in the next-best ones.
        drop = set() if self.alternatives else dominated(
            cp, acts, facts, initial, self.objective, must, cost,
            by_hours=self.objective == "hours" or self.max_hours is not None,
            by_cost=self.objective == "cost" or self.budget is not None)
        if drop:
            usable = [u and i not in drop for i, u in enumerate(usable)]
            facts, acts = relevant(cp, goals, initial, usable, must)
        primary = [self._primary(a.idx) for a in cp.actions]
        start = self._bound_prune(acts, facts, goals, must, initial, primary) if acts else None
        if start is not None:
            acts = start[1]
            facts, acts = relevant(cp, goals, initial, [i in acts for i in range(len(cp.actions))], must)
        model = Model(cp, acts, facts, goals, must, primary, hours, cost, budget=self.budget,
                      max_hours=self.max_hours, time_limit=self.time_limit)
        sol = model.solve(start[0] if start is not None else None)
        if sol.status in ("infeasible", "timeout"):
            return self._no_route(sol, acts, facts, goals, must, primary, initial)
        best = self._route(sol, initial)
        for _ in range(self.alternatives):
            steps = {a for a in sol.chosen if cp.actions[a].is_step}
            if not steps:
                break
            model.exclude(steps)
            sol = model.solve()
            if sol.status not in ("optimal", "feasible"):
                break
            best.alternatives.append(self._route(sol, initial))
        return best

    def _bound_prune(self, acts: set[int], facts: set[int], goals: set[int], must: set[int], initial: set[int],
                     primary: list[float]) -> tuple[set[int], set[int]] | None:
        """A greedy route (h_add relaxed plan) as the solver's start, and the steps that
        cannot be in any route as cheap as it (own cost + h_max of their needs > its cost).

        Skipped when the greedy route breaks a budget or hours cap, or when
        alternatives are asked for (they may cost more than the greedy route).
        """
        cp = self.cp
        mask = [i in acts for i in range(len(cp.actions))]
        _, best = relaxed_costs(cp, initial, mask, primary, "add")
        if any(f not in best and f not in initial for f in goals):
            return None
        route = greedy_route(cp, initial, best, goals, must)
        route = without_redundant(cp, initial, {a for a in route if cp.actions[a].is_step}, goals, primary, must,
                                  acts)
        steps = [a for a in route if cp.actions[a].is_step]
        if self.budget is not None and sum(self.cost[a] for a in steps) > self.budget + 1e-9:
            return None
        if self.max_hours is not None and sum(self.hours[a] for a in steps) > self.max_hours + 1e-9:
            return None
        if self.alternatives:
            return route, acts
        upper = sum(primary[a] for a in steps)
        hmax, _ = relaxed_costs(cp, initial, mask, primary, "max")
        self.floor = max((hmax.get(g, 0.0) for g in goals), default=0.0)  # h_max: a proven lower bound
        keep = set()
        for ai in acts:
            a = cp.actions[ai]
            need = max((hmax.get(f, float("inf")) for f in a.pre), default=0.0)
            if ai in must or primary[ai] + need <= upper + 1e-9:
                keep.add(ai)
        return route, keep

    def _primary(self, ai: int) -> float:
        a = self.cp.actions[ai]
        if not a.is_step:
            return 0.0
        return a.hours if self.objective == "hours" else self.cost[ai] if self.objective == "cost" else 1.0

    def _initial(self) -> set[int]:
        cp, st = self.cp, self.state
        out: set[int] = set()
        for sid, lvl in st.skills.items():
            for k in range(1, lvl + 1):
                f = cp.fact_id.get(("skill", sid, k))
                if f is not None:
                    out.add(f)
        for c in st.certs:
            f = cp.fact_id.get(("cert", c))
            if f is not None:
                out.add(f)
        for c in st.done:
            f = cp.fact_id.get(("done", c))
            if f is not None:
                out.add(f)
        # any_of groups and completion certs that already hold
        derive(cp, out, list(out), lambda di: cp.actions[di].kind == "group" or not self.free_only)
        return out

    def _blocked(self, a: Any, exclude: dict[str, str], cost: float) -> str | None:
        if a.kind == "group":
            return None
        if a.ref in exclude:
            return "excluded" if exclude[a.ref] == a.ref else f"excluded with {exclude[a.ref]}"
        if a.kind == "award":
            return "free only: a completion certificate needs paid enrollment" if self.free_only else None
        if self.free_only and not a.free:
            return ("free only: the exam costs money" if a.kind == "exam"
                    else "free only: no free audit")
        if a.kind == "course" and self.providers is not None and (a.provider or "").casefold() not in self.providers:
            return f"provider {a.provider or 'unknown'} not allowed"
        if self.budget is not None and cost > self.budget + 1e-9:
            return f"costs ${cost:g}, over the budget of ${self.budget:g}"
        if self.max_hours is not None and a.hours > self.max_hours + 1e-9:
            return f"takes {a.hours:g} h, over the limit of {self.max_hours:g} h"
        return None

    # -- explanations -----------------------------------------------------------
    def _why(self, item: GoalItem, fid: int | None, depth: int = 0) -> str:
        _cp, cat = self.cp, self.catalog
        if item.kind == "skill":
            skill = cat.skill(item.id)
            teachers = cat.teachers.get(item.id, [])
            if not teachers:
                if not skill.teachable:
                    return "learnt on the job: no course or project teaches it"
                return "nothing teaches it"
            top = max(level for _, level in teachers)
            if top < (item.level or 1):
                return f"nothing teaches it at level {item.level} (courses reach level {top})"
        if fid is None:
            return "nothing gives it"
        return self._why_fact(fid, depth)

    def _why_fact(self, fid: int, depth: int) -> str:
        cp = self.cp
        achievers = [cp.actions[a] for a in cp.achievers[fid] if cp.actions[a].kind != "group"]
        if cp.facts[fid][0] == "group":
            members = [cp.actions[a].pre[0] for a in cp.achievers[fid]]
            parts = [f"{fact_label(cp.facts[m])}: {self._why_fact(m, depth + 1)}" for m in members[:3]]
            return "none of its options is reachable (" + "; ".join(parts) + ")"
        if not achievers:
            return "nothing teaches it"
        allowed = [a for a in achievers if a.idx not in self.blocked]
        if not allowed:
            listed = "; ".join(f"{a.ref} ({self.blocked[a.idx]})" for a in achievers[:4])
            more = f" and {len(achievers) - 4} more" if len(achievers) > 4 else ""
            return f"excluded by a constraint: {listed}{more}"
        parts = []
        for a in allowed[:3]:
            missing = [f for f in a.pre if f not in self.reached]
            names = ", ".join(fact_label(cp.facts[f]) for f in missing[:3])
            if depth < 1 and missing:
                names += f" ({self._why_fact(missing[0], depth + 1)})"
            what = "exam" if a.kind == "exam" else "award" if a.kind == "award" else "course"
            parts.append(f"{what} {a.ref} needs {names}")
        return "what teaches it needs something unreachable: " + "; ".join(parts)

    def _no_route(self, sol: Solution, acts: set[int], facts: set[int], goals: set[int], must: set[int],
                  primary: list[float], initial: set[int]) -> Plan:
        cp = self.cp
        if sol.status == "timeout":
            reason = f"the solver found no route within the time limit of {self.time_limit:g} s"
            self.unreachable.append(Unreachable(id="time_limit", kind="constraint", reason=reason))
        else:
            caps = []
            for name, coeff, cap, unit in (("budget", self.cost, self.budget, "$"),
                                           ("max_hours", self.hours, self.max_hours, "h")):
                if cap is None:
                    continue
                probe = Model(cp, acts, facts, goals, must, [coeff[a] if cp.actions[a].is_step else 0.0
                                                             for a in range(len(cp.actions))],
                              self.hours, self.cost, time_limit=self.time_limit).solve()
                if probe.value is not None and probe.value > cap + 1e-9:
                    least = f"${probe.value:,.2f}" if unit == "$" else f"{probe.value:g} h"
                    shown = f"${cap:,.2f}" if unit == "$" else f"{cap:g} h"
                    caps.append((name, f"no route within {name.replace('_', ' ')} {shown}: the least any route "
                                       f"to these goals needs is {least}"))
            if not caps:
                caps.append(("constraints", "no route meets the budget and hours limits together"))
            for name, reason in caps:
                self.unreachable.append(Unreachable(id=name, kind="constraint", reason=reason))
        for item, _ in self.goal_items:
            if item.status == "route":
                item.status = "unreachable"
        return self._finish([], sol, feasible=False)

    # -- the route ------------------------------------------------------------------
    def _route(self, sol: Solution, initial: set[int]) -> Plan:
        cp, cat = self.cp, self.catalog
        chosen_steps = [a for a in sol.chosen if cp.actions[a].is_step]
        order, sources = self._order(chosen_steps, initial)
        position = {a: i for i, a in enumerate(order)}
        # The step that completed each fact: the last one behind it.
        last = {f: max(srcs, key=position.__getitem__) for f, srcs in sources.items() if srcs}
        ids = [cp.actions[a].ref for a in order]
        check = simulate(cat, self.state, ids, paid=not self.free_only)
        missing_goals = [it for it, fid in self.goal_items
                         if it.status == "route" and fid is not None and fid not in last and fid not in initial]
        if not check.ok or missing_goals:
            raise PlanningBug("internal check failed, the solver's route does not hold: "
                                + "; ".join(check.problems + [g.id for g in missing_goals]))
        # A fact made true by an any_of group or a completion certificate is owed to
        # every step behind it (all courses of the program, say), not just the last.
        serves: dict[int, list[str]] = {a: [] for a in order}
        earns: dict[int, list[str]] = {a: [] for a in order}
        for f, a in last.items():
            if cp.facts[f][0] == "cert":
                earns[a].append(cp.facts[f][1])
        for item, fid in self.goal_items:
            if item.status == "route" and fid is not None and fid in last:
                item.by = cp.actions[last[fid]].ref
                label = format_level_ref(item.id, item.level, implied=1)
                for src in sorted(sources[fid], key=position.__getitem__):
                    serves[src].append(label)
        needed_by: dict[int, list[str]] = {a: [] for a in order}
        for a in order:
            for f in cp.actions[a].pre:
                for src in sources.get(f, ()):
                    if src != a and cp.actions[a].ref not in needed_by[src]:
                        needed_by[src].append(cp.actions[a].ref)
        steps = []
        gained: set[int] = set(initial)
        for n, a in enumerate(order, 1):
            act = cp.actions[a]
            new = [f for f in act.add if f not in gained]
            gained.update(act.add)
            gives = _gives([cp.facts[f] for f in new])
            reason = self._reason(act.ref, serves[a], needed_by[a])
            steps.append(self._step(n, act.kind, act.ref, gives, earns[a], serves[a] + needed_by[a], reason))
        self._warn_steps(steps)
        return self._finish(steps, sol, feasible=not any(u.importance == "essential" for u in self.unreachable))

    def _order(self, chosen: list[int], initial: set[int]) -> tuple[list[int], dict[int, set[int]]]:
        """Order steps in layers (each takeable after the earlier layers), and map
        every fact gained to the steps behind it: the step that gave it, or, for
        an any_of group or a completion certificate, every step behind its parts."""
        cp = self.cp
        have = set(initial)
        sources: dict[int, set[int]] = {}
        remaining = set(chosen)
        order: list[int] = []

        def allowed(di: int) -> bool:
            return di not in self.blocked

        while remaining:
            layer = [a for a in remaining if all(p in have for p in cp.actions[a].pre)]
            if not layer:
                raise PlanningBug("internal check failed: the solver's steps cannot be ordered")
            layer.sort(key=self._order_key)
            for a in layer:
                order.append(a)
                remaining.discard(a)
                new = [f for f in cp.actions[a].add if f not in have]
                have.update(new)
                for f in new:
                    sources[f] = {a}
                for g, di in derive(cp, have, new, allowed):
                    sources[g] = set().union(*(sources.get(p, set()) for p in cp.actions[di].pre))
        return order, sources

    def _order_key(self, ai: int) -> tuple[Any, ...]:
        a = self.cp.actions[ai]
        pos = self.catalog.program_position(a.ref) if a.kind == "course" else None
        return (a.kind == "exam", pos[0] if pos else a.ref, pos[1] if pos else 0, a.ref)

    def _reason(self, ref: str, goals: list[str], later: list[str]) -> str:
        parts = []
        target = f"role {self.role}" if self.role else f"cert {self.cert}" if self.cert else "your target"
        if goals:
            parts.append(f"gives {', '.join(goals)} for {target}")
        if later:
            parts.append(f"prerequisite of {', '.join(later)}")
        if ref in self.must_include:
            parts.append("you asked to include it")
        elif not parts:
            parts.append("part of the route")
        pos = self.catalog.program_position(ref)
        if pos:
            program = self.catalog.program(pos[0])
            parts.append(f"course {pos[1] + 1} of {len(program.courses)} in {program.title}")
        text = "; ".join(parts)
        return text[0].upper() + text[1:]

    def _step(self, n: int, kind: str, ref: str, gives: list[str], earns: list[str], serves: list[str],
              reason: str) -> Step:
        cat = self.catalog
        if kind == "course":
            c = cat.course(ref)
            cost = 0.0 if self.free_only else c.cost_usd
            return Step(order=n, id=c.id, kind="course", title=c.title, provider=c.provider, format=c.format,
                        hours=c.hours, cost_usd=cost, free_audit=c.free_audit, gives=gives, earns=earns,
                        serves=serves, reason=reason, url=c.url)
        x = cat.cert(ref)
        return Step(order=n, id=x.id, kind="exam", title=f"{x.name} exam", provider=x.provider, format="exam",
                    hours=x.prep_hours, cost_usd=x.exam_cost_usd, gives=gives, earns=earns, serves=serves,
                    reason=reason, url=x.url)

    def _warn_steps(self, steps: list[Step]) -> None:
        cat = self.catalog
        for s in steps:
            if s.cost_usd is None:
                self._warn(f"{s.id}: the catalog has no price for it; counted as $0")
            if s.kind == "exam":
                years = cat.cert(s.id).recommended_experience_years
                if years:
                    self._warn(f"{s.id}: {cat.cert(s.id).provider or 'the vendor'} recommends {years:g}+ years of "
                               "hands-on experience before this exam; no course replaces it")
        if self.cert and self.cert in cat and cat.cert(self.cert).kind == "vendor-exam":
            years = cat.cert(self.cert).recommended_experience_years
            if years and not any(s.id == self.cert for s in steps):
                self._warn(f"{self.cert}: recommended {years:g}+ years of hands-on experience")

    def _warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def _finish(self, steps: list[Step], sol: Solution, *, feasible: bool) -> Plan:
        total_hours = round(sum(s.hours for s in steps), 4)
        total_cost = round(sum(s.cost_usd or 0.0 for s in steps), 2)
        on_job = [it.id for it, _ in self.goal_items if it.status == "not-planned" and it.kind == "skill"
                  and not self.catalog.skill(it.id).teachable]
        not_planned = [it.id for it, _ in self.goal_items if it.status == "not-planned" and it.id not in on_job]
        warnings = list(self.warnings)
        if on_job:
            warnings.append(f"learnt on the job, no course teaches it (optional for this role): {', '.join(on_job)}")
        if not_planned:
            warnings.append(f"optional for this role and not planned (use include_optional): {', '.join(not_planned)}")
        plan = Plan(
            feasible=feasible and sol.status in ("optimal", "feasible"),
            optimal=sol.status == "optimal",
            objective=self.objective,
            total_hours=total_hours,
            total_cost_usd=total_cost,
            total_steps=len(steps),
            bound=sol.value if sol.status == "optimal" else max(
                (b for b in (sol.bound, self.floor) if b is not None), default=None),
            hours_per_week=self.hours_per_week,
            target={"role": self.role, "cert": self.cert, "skills": self.skills},
            have=self.have,
            constraints=self._constraints(),
            steps=steps,
            unreachable=list(self.unreachable),
            goals=[it.model_copy() for it, _ in self.goal_items],
            warnings=warnings,
        )
        if self.hours_per_week:
            _schedule(plan, self.hours_per_week)
        return plan

    def _constraints(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("budget", "max_hours", "free_only", "exclude", "must_include", "include_optional"):
            value = getattr(self, name)
            if value not in (None, False, [], ()):
                out[name] = value
        if self.providers is not None:
            out["providers"] = sorted(self.providers)
        return out


def _gives(facts: Sequence[tuple[Any, ...]]) -> list[str]:
    best: dict[str, int] = {}
    certs = []
    for f in facts:
        if f[0] == "skill":
            best[f[1]] = max(best.get(f[1], 0), f[2])
        elif f[0] == "cert":
            certs.append(f[1])
    return [format_level_ref(s, lvl, implied=1) for s, lvl in best.items()] + certs


def _schedule(plan: Plan, per_week: float) -> None:
    """Lay the steps out back to back at ``per_week`` hours a week."""
    weeks: dict[int, Week] = {}
    clock = 0.0
    for s in plan.steps:
        start, end = clock, clock + s.hours
        if s.hours > 0:
            s.week_start = int(start // per_week) + 1
        else:  # a zero-hour step belongs to the week its predecessor ended in
            s.week_start = max(1, math.ceil(start / per_week - 1e-9))
            weeks.setdefault(s.week_start, Week(week=s.week_start, hours=0.0, steps=[])).steps.append(s.id)
        s.week_end = max(s.week_start, math.ceil(end / per_week - 1e-9))
        t = start
        while t < end - 1e-9:
            week = int(t // per_week) + 1
            chunk = min(end, week * per_week) - t
            w = weeks.setdefault(week, Week(week=week, hours=0.0, steps=[]))
            w.hours = round(w.hours + chunk, 4)
            if s.id not in w.steps:
                w.steps.append(s.id)
            t += chunk
        clock = end
    plan.schedule = [weeks[k] for k in sorted(weeks)]
    plan.weeks = max([math.ceil(clock / per_week - 1e-9), *weeks]) if plan.steps else 0
