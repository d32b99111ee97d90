"""Seeded random small catalogs and a brute-force route oracle for the planner tests.

The oracle knows nothing of the planner's compiled form, pruning or solver: it
uses the plain route semantics of :mod:`queries.simulate` (``State``,
``takeable``, ``parse_have``) and enumerates every subset of steps (courses and
vendor exams). Delete-free planning makes this simple: a set of steps is a
valid route exactly when it can be grown one takeable step at a time from the
empty set, and the learner's state after it does not depend on the order.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.catalog import Catalog
from queries.simulate import State, parse_have, unmet_requirements

PROVIDERS = ["acme", "Beta", "gamma"]


# ---------------------------------------------------------------------------
# random catalogs
# ---------------------------------------------------------------------------
def random_catalog(seed: int) -> Catalog:
    """A small random catalog: 4-8 skills, 3-8 courses, maybe a program, 0-2 exams, one role."""
    rng = random.Random(seed)
    n_sk = rng.randint(4, 8)
    skills: list[dict[str, Any]] = []
    for i in range(n_sk):
        reqs: list[Any] = []
        if i > 0 and rng.random() < 0.4:
            k = rng.randint(1, min(2, i))
            picks = rng.sample(range(i), k)
            if k == 2 and rng.random() < 0.5:
                reqs.append({"any_of": [f"s{picks[0]}", {"skill": f"s{picks[1]}", "level": rng.choice([1, 2])}]})
            else:
                reqs += [{"skill": f"s{p}", "level": rng.choice([1, 1, 1, 2])} for p in picks]
        skills.append({"id": f"s{i}", "name": f"Skill {i}", "requires": reqs})
    untaught: set[str] = set()
    if rng.random() < 0.15:
        skills[-1]["teachable"] = False  # learnt on the job: never taught
        untaught.add(skills[-1]["id"])
    teachable = [s["id"] for s in skills if s["id"] not in untaught]

    n_exams = rng.choice([0, 0, 1, 1, 2])
    exam_ids = [f"e{i}" for i in range(n_exams)]
    has_program = rng.random() < 0.4
    cert_ids = list(exam_ids) + (["p0-cert"] if has_program else [])

    def level() -> int:
        return rng.choice([1, 1, 1, 2, 2, 3])

    taught_so_far: dict[str, int] = {}

    def atom() -> dict[str, Any]:
        # Mostly something an earlier course teaches (so routes exist), sometimes anything.
        if taught_so_far and rng.random() < 0.75:
            sid = rng.choice(sorted(taught_so_far))
            return {"skill": sid, "level": rng.randint(1, taught_so_far[sid])}
        return {"skill": rng.choice([s["id"] for s in skills]), "level": rng.choice([1, 1, 1, 2, 3])}

    def requirement() -> Any:
        r = rng.random()
        if r < 0.1 and cert_ids:
            return {"cert": rng.choice(cert_ids)}
        if r < 0.35:
            a, b = atom(), atom()
            if a["skill"] != b["skill"]:
                return {"any_of": [a, b]}
        return atom()

    def price() -> tuple[float | None, bool]:
        cost = rng.choice([0, None, 10, 20, 25, 39, 49, 50, 80, 99.5, 120])
        return cost, rng.random() < 0.3

    def hours() -> float:
        return rng.randint(1, 20) + (0.5 if rng.random() < 0.25 else 0)

    courses: list[dict[str, Any]] = []
    cyc = rng.random() < 0.5
    n_base = rng.randint(3, 5) if cyc else rng.randint(3, 8)
    order = list(teachable)  # skill prerequisites point to lower ids: teach in id order, mostly
    if rng.random() < 0.3:
        k = rng.randrange(len(order) - 1)
        order[k], order[k + 1] = order[k + 1], order[k]
    for j in range(n_base):
        first = order[j % len(order)]  # every teachable skill gets a teacher when there are enough courses
        others = rng.sample([s for s in teachable if s != first], rng.choice([0, 0, 1]))
        teaches = [{"skill": s, "level": rng.choice([1, 2, 2, 3, 3])} for s in [first, *others]]
        n_req = 0 if j == 0 and rng.random() < 0.7 else rng.choice([0, 0, 1, 1, 2])
        cost, audit = price()
        courses.append({"id": f"c{j}", "title": f"Course {j}", "hours": hours(), "cost_usd": cost,
                        "free_audit": audit, "provider": rng.choice([*PROVIDERS, None]),
                        "requires": [requirement() for _ in range(n_req)], "teaches": teaches})
        for t in teaches:
            taught_so_far[t["skill"]] = max(taught_so_far.get(t["skill"], 0), t["level"])
    if cyc:
        # A teaches x requires y; B teaches y requires x; C teaches x with no requires (the way in).
        x, y = rng.sample(teachable, 2)
        lx, ly = rng.choice([1, 2]), rng.choice([1, 2])
        base = len(courses)
        specs = [([{"skill": y, "level": 1}], [{"skill": x, "level": lx}]),
                 ([{"skill": x, "level": 1}], [{"skill": y, "level": ly}]),
                 ([], [{"skill": x, "level": 1}])]
        for k, (req, teach) in enumerate(specs):
            cost, audit = price()
            courses.append({"id": f"c{base + k}", "title": f"Course {base + k}", "hours": hours(), "cost_usd": cost,
                            "free_audit": audit, "provider": rng.choice([*PROVIDERS, None]),
                            "requires": req, "teaches": teach})
    rng.shuffle(courses)  # cycle members land at random ids' positions in the file

    programs: list[dict[str, Any]] = []
    certs: list[dict[str, Any]] = []
    if has_program:
        members = rng.sample([c["id"] for c in courses], rng.randint(2, min(3, len(courses))))
        for c in courses:
            if c["id"] in members:
                c["part_of"] = "p0"
        programs.append({"id": "p0", "title": "Program 0", "courses": members})
        creq = [{"skill": rng.choice(teachable), "level": 1}] if rng.random() < 0.3 else []
        certs.append({"id": "p0-cert", "name": "Program 0 certificate", "kind": "completion", "program": "p0",
                      "requires": creq})
    for e in exam_ids:
        reqs = [atom() for _ in range(rng.randint(1, 2))]
        certs.append({"id": e, "name": f"Exam {e}", "kind": "vendor-exam", "requires": reqs,
                      "prep_hours": rng.choice([0, 5, 10, 12.5, 20]),
                      "exam_cost_usd": rng.choice([None, 100, 150, 200, 300]),
                      "provider": rng.choice(PROVIDERS)})
    top: dict[str, int] = {}
    for c in courses:
        for t in c["teaches"]:
            top[t["skill"]] = max(top.get(t["skill"], 0), t["level"])
    needs = []
    pool = sorted(top) if rng.random() < 0.8 and len(top) >= 2 else [s["id"] for s in skills]
    for sid in rng.sample(pool, rng.randint(2, min(4, len(pool)))):
        lvl = rng.randint(1, top[sid]) if sid in top and rng.random() < 0.85 else level()
        needs.append({"skill": sid, "level": lvl, "importance": "essential" if rng.random() < 0.75 else "optional"})
    values = [{"cert": c, "importance": "essential" if rng.random() < 0.6 else "optional"}
              for c in cert_ids if rng.random() < 0.5]
    roles = [{"id": "r0", "title": "Role 0", "needs": needs, "values": values}]
    # Monthly billing for some catalogs (its own random stream: the rest stays as it was).
    srng = random.Random(seed * 31 + 5)
    subscriptions: list[dict[str, Any]] = []
    if srng.random() < 0.4:
        subscriptions.append({"id": "sub", "title": "Subscription", "usd_per_month": srng.choice([29, 49, 59.5])})
        for c in courses:
            if srng.random() < 0.5:
                c["subscription"], c["cost_usd"] = "sub", None
    return Catalog.model_validate({"skills": skills, "courses": courses, "programs": programs, "certs": certs,
                                   "roles": roles, "subscriptions": subscriptions})


def random_request(cat: Catalog, rng: random.Random) -> dict[str, Any]:
    """Random keyword arguments for ``plan``: have, target, objective and 0-2 constraints."""
    skills = [s.id for s in cat.skills]
    courses = [c.id for c in cat.courses]
    exams = [c.id for c in cat.certs if c.kind == "vendor-exam"]
    certs = [c.id for c in cat.certs]
    kw: dict[str, Any] = {}
    have: list[str] = []
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        r = rng.random()
        if r < 0.55:
            s = rng.choice(skills)
            have.append(rng.choice([s, f"{s}:1", f"{s}:2", f"{s}:3"]))
        elif r < 0.85 or not certs:
            have.append(rng.choice(courses))
        else:
            have.append(rng.choice(certs))
    kw["have"] = have
    t = rng.random()
    if t < 0.6 or (t < 0.8 and not certs):
        kw["role"] = "r0"
    elif t < 0.8:
        kw["cert"] = rng.choice(certs)
    else:
        kw["skills"] = [f"{s}:{rng.choice([1, 2, 3])}" for s in rng.sample(skills, rng.randint(1, 2))]
    kw["objective"] = rng.choice(["hours", "cost", "steps"])
    options = ["include_optional", "budget", "max_hours", "free_only", "exclude", "providers", "must_include"]
    for name in rng.sample(options, rng.choice([0, 1, 1, 2])):
        if name == "include_optional":
            kw["include_optional"] = True
        elif name == "budget":
            total = sum(c.cost_usd or 0 for c in cat.courses) + sum(c.exam_cost_usd or 0 for c in cat.certs)
            kw["budget"] = float(rng.choice([0, round(rng.uniform(0, total)), round(rng.uniform(0, total / 3))]))
        elif name == "max_hours":
            total = sum(c.hours for c in cat.courses) + sum(c.prep_hours for c in cat.certs)
            kw["max_hours"] = float(rng.choice([round(rng.uniform(0, total)), round(rng.uniform(0, total / 3))]))
        elif name == "free_only":
            kw["free_only"] = True
        elif name == "exclude":
            pool = courses + [p.id for p in cat.programs] + certs
            kw["exclude"] = rng.sample(pool, rng.choice([1, 1, 2]))
        elif name == "providers":
            known = sorted({c.provider for c in cat.courses if c.provider})
            if known:
                chosen = rng.sample(known, rng.randint(1, len(known)))
                kw["providers"] = [p.upper() if rng.random() < 0.3 else p for p in chosen]
        elif name == "must_include":
            pool = courses + [p.id for p in cat.programs] + exams
            kw["must_include"] = [rng.choice(pool)]
    if cat.subscriptions and rng.random() < 0.5:
        kw["hours_per_week"] = rng.choice([1.5, 3, 5, 10, 20])
    return kw


# ---------------------------------------------------------------------------
# the oracle
# ---------------------------------------------------------------------------
def step_ids(cat: Catalog) -> list[str]:
    """Every step of a catalog: course ids and vendor-exam cert ids."""
    return [c.id for c in cat.courses] + [c.id for c in cat.certs if c.kind == "vendor-exam"]


def can_take(cat: Catalog, sid: str, state: State) -> bool:
    if cat.kind_of(sid) == "course":
        return not unmet_requirements(cat, cat.course(sid), state)
    return all(state.holds(r) for r in cat.cert(sid).requires)


def award(cat: Catalog, state: State, no_award: Iterable[str] = ()) -> None:
    """Completion certificates earned by finishing every course of their program (paid)."""
    blocked = set(no_award)
    changed = True
    while changed:
        changed = False
        for cert in cat.certs:
            if cert.kind != "completion" or not cert.program or cert.id in state.certs or cert.id in blocked:
                continue
            program = cat.program(cert.program)
            if all(c in state.done for c in program.courses) and all(state.holds(r) for r in cert.requires):
                state.certs.add(cert.id)
                changed = True


def take(cat: Catalog, sid: str, state: State, paid: bool, no_award: frozenset[str]) -> State:
    st = state.copy()
    if cat.kind_of(sid) == "course":
        course = cat.course(sid)
        for t in course.teaches:
            st.learn(t.skill, t.level)
        st.done.add(sid)
    else:
        st.certs.add(sid)
    if paid:
        award(cat, st, no_award)
    return st


def check_route(cat: Catalog, have: Iterable[str], route: list[str], *, paid: bool = True,
                no_award: Iterable[str] = ()) -> tuple[bool, State]:
    """Take ``route`` in order; (every step takeable when taken, final state)."""
    na = frozenset(no_award)
    state = initial_state(cat, have, paid, na)
    ok = True
    for sid in route:
        if not can_take(cat, sid, state):
            ok = False
        state = take(cat, sid, state, paid, na)
    return ok, state


def initial_state(cat: Catalog, have: Iterable[str], paid: bool, no_award: frozenset[str]) -> State:
    state = parse_have(cat, list(have))
    if paid:
        award(cat, state, no_award)
    return state


def valid_subsets(cat: Catalog, have: Iterable[str], paid: bool, no_award: frozenset[str]) -> dict[frozenset[str],
                                                                                                    State]:
    """Every valid route (as a set of steps) with the state after it."""
    init = initial_state(cat, have, paid, no_award)
    steps = step_ids(cat)
    valid: dict[frozenset[str], State] = {frozenset(): init}
    frontier: list[frozenset[str]] = [frozenset()]
    while frontier:
        s = frontier.pop()
        st = valid[s]
        for sid in steps:
            if sid in s:
                continue
            t = s | {sid}
            if t in valid:
                continue
            if can_take(cat, sid, st):
                valid[t] = take(cat, sid, st, paid, no_award)
                frontier.append(t)
    return valid


@dataclass
class GoalItem:
    label: str  # "id" or "id:level" (skills), "id" (certs)
    kind: str
    id: str
    level: int
    importance: str

    def holds(self, state: State) -> bool:
        if self.kind == "skill":
            return state.skills.get(self.id, 0) >= self.level
        return self.id in state.certs


def goal_items(cat: Catalog, *, role: str | None = None, cert: str | None = None,
               skills: Iterable[str] | None = None, include_optional: bool = False) -> list[GoalItem]:
    """The planned goal items (optional ones only with include_optional)."""
    out: list[GoalItem] = []
    if role:
        r = cat.role(role)
        for n in r.needs:
            out.append(GoalItem(n.skill if n.level == 1 else f"{n.skill}:{n.level}", "skill", n.skill, n.level,
                                n.importance))
        for v in r.values:
            out.append(GoalItem(v.cert, "cert", v.cert, 0, v.importance))
    if cert:
        out.append(GoalItem(cert, "cert", cert, 0, "essential"))
    for text in skills or []:
        sid, _, lvl = text.partition(":")
        level = int(lvl) if lvl else 1
        out.append(GoalItem(sid if level == 1 else f"{sid}:{level}", "skill", sid, level, "essential"))
    return [g for g in out if g.importance == "essential" or include_optional]


@dataclass
class Route:
    steps: frozenset[str]
    hours: float
    cost: float
    state: State

    def value(self, objective: str) -> float:
        return self.hours if objective == "hours" else self.cost if objective == "cost" else float(len(self.steps))


@dataclass
class Oracle:
    """What brute force says about one planning request."""

    objective: str
    allowed: set[str]
    paid: bool
    no_award: frozenset[str]
    must: set[str]  # usable must-include steps
    unusable_must: set[str]  # ids as the user gave them
    goals: list[GoalItem]
    unreachable: list[GoalItem]  # planned goal items no allowed steps can reach
    routes: list[Route] = field(default_factory=list)  # every route to the reachable goal items

    @property
    def best(self) -> Route | None:
        if not self.routes:
            return None
        return min(self.routes, key=lambda r: (r.value(self.objective), len(r.steps)))

    @property
    def feasible(self) -> bool:
        return (self.best is not None and not self.unusable_must
                and not any(g.importance == "essential" for g in self.unreachable))


def expand(cat: Catalog, ids: Iterable[str]) -> dict[str, str]:
    """Step id (programs expanded to their courses) -> the id the user gave."""
    out: dict[str, str] = {}
    for i in ids:
        if cat.kind_of(i) == "program":
            out.update(dict.fromkeys(cat.program(i).courses, i))
        else:
            out[i] = i
    return out


def step_cost(cat: Catalog, sid: str, free_only: bool) -> float:
    """A step's one-time price (0 for a course billed by a subscription)."""
    if free_only:
        return 0.0
    if cat.kind_of(sid) == "course":
        return float(cat.course(sid).cost_usd or 0.0)
    return float(cat.cert(sid).exam_cost_usd or 0.0)


def route_cost(cat: Catalog, steps: Iterable[str], free_only: bool, hours_per_week: float | None) -> float:
    """One-time prices plus, per subscription, its whole months: ceil(hours / (pace * 52 / 12))."""
    steps = list(steps)
    total = sum(step_cost(cat, s, free_only) for s in steps)
    if free_only:
        return total
    per_month = (hours_per_week or 10.0) * 52 / 12
    for sub in cat.subscriptions:
        hours = sum(cat.course(s).hours for s in steps if cat.kind_of(s) == "course"
                    and cat.course(s).subscription == sub.id)
        total += sub.usd_per_month * max(0, math.ceil(hours / per_month - 1e-9))
    return total


def step_hours(cat: Catalog, sid: str) -> float:
    if cat.kind_of(sid) == "course":
        return float(cat.course(sid).hours)
    return float(cat.cert(sid).prep_hours)


def oracle(cat: Catalog, *, have: Iterable[str] = (), role: str | None = None, cert: str | None = None,
           skills: Iterable[str] | None = None, objective: str = "hours", budget: float | None = None,
           max_hours: float | None = None, free_only: bool = False, exclude: Iterable[str] = (),
           providers: Iterable[str] | None = None, must_include: Iterable[str] = (),
           include_optional: bool = False, hours_per_week: float | None = None, **_: Any) -> Oracle:
    """Brute-force answer to ``plan(cat, ...)`` with constraints as plan()'s docstring states them."""
    have = list(have)
    excluded = expand(cat, exclude)
    no_award = frozenset(c.id for c in cat.certs if c.kind == "completion" and c.id in excluded)
    paid = not free_only
    provs = None if providers is None else {p.casefold() for p in providers}

    def allowed(sid: str) -> bool:
        if sid in excluded:
            return False
        if cat.kind_of(sid) == "course":
            c = cat.course(sid)
            if free_only and not (c.free_audit or c.cost_usd == 0):
                return False
            if provs is not None and (c.provider or "").casefold() not in provs:
                return False
        elif free_only and cat.cert(sid).exam_cost_usd != 0:
            return False  # "no paid exams"
        if budget is not None and route_cost(cat, [sid], free_only, hours_per_week) > budget + 1e-9:
            return False  # a step alone over the budget is in no route within it
        return not (max_hours is not None and step_hours(cat, sid) > max_hours + 1e-09)

    allow = {s for s in step_ids(cat) if allowed(s)}
    key = f"tests.oracle.subsets:{have!r}:{paid}:{sorted(no_award)!r}"
    subsets = cat.derived(key, lambda c: valid_subsets(c, have, paid, no_award))

    # Everything reachable with every allowed step: the greedy delete-free fixpoint.
    full = initial_state(cat, have, paid, no_award)
    taken: set[str] = set()
    progress = True
    while progress:
        progress = False
        for sid in sorted(allow - taken):
            if can_take(cat, sid, full):
                full = take(cat, sid, full, paid, no_award)
                taken.add(sid)
                progress = True

    goals = goal_items(cat, role=role, cert=cert, skills=skills, include_optional=include_optional)
    unreachable = [g for g in goals if not g.holds(full)]
    reach = [g for g in goals if g.holds(full)]
    must_map = expand(cat, must_include)
    must = {s for s in must_map if s in taken}
    unusable = {must_map[s] for s in must_map if s not in taken}

    out = Oracle(objective, allow, paid, no_award, must, unusable, goals, unreachable)
    for steps, state in subsets.items():
        if not steps <= allow or not must <= steps:
            continue
        if not all(g.holds(state) for g in reach):
            continue
        hours = sum(step_hours(cat, s) for s in steps)
        cost = route_cost(cat, steps, free_only, hours_per_week)
        if budget is not None and cost > budget + 1e-9:
            continue
        if max_hours is not None and hours > max_hours + 1e-9:
            continue
        out.routes.append(Route(steps, hours, cost, state))
    return out


def plan_value(p: Any, objective: str) -> float:
    """A Plan's total of the objective."""
    return p.total_hours if objective == "hours" else p.total_cost_usd if objective == "cost" else float(
        len(p.steps))


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-6)
