"""The planning problem in compiled form, and the pruning that keeps it small.

A catalog compiles once (cached on the catalog) into *facts* and *actions*
over integer ids:

facts
    ``("skill", id, level)`` for levels 1-3, ``("cert", id)``, one fact per
    distinct ``any_of`` group, and ``("done", course)`` for courses whose
    program awards a completion certificate.
actions
    ``course`` and ``exam`` (the route's steps), ``group`` (zero-cost: one
    member of an ``any_of`` group makes the group hold) and ``award`` (zero
    cost: all courses of a program earn its completion certificate).

A course's preconditions are its ``requires`` plus, for every skill it
teaches, that skill's own ``requires`` unless the course teaches them too.

Pruning, per request: constraint filters (exclude, providers, free only,
budget/hours caps on single steps), forward reachability from what the
learner has, backward relevance from the goals, removal of dominated steps
(another step needs no more, gives no less and is no worse on every
measure), and a bound: a greedy route (the h_add relaxed plan, without its
redundant steps) costs U, so a step whose own cost plus the h_max cost of
its preconditions exceeds U is in no optimal route. Each preserves at least
one optimal route; the greedy route also starts the solver.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.catalog import Catalog
from graph.models import AnyOf, CertRef, SkillLevel, format_level_ref

__all__ = [
    "Action",
    "Compiled",
    "Fact",
    "compiled",
    "derive",
    "dominated",
    "fact_label",
    "forward",
    "greedy_route",
    "relaxed_costs",
    "relevant",
    "without_redundant",
]

Fact = tuple[Any, ...]
STEP_KINDS = ("course", "exam")


@dataclass(slots=True)
class Action:
    idx: int
    kind: str  # course | exam | group | award
    ref: str  # course id, cert id, or a group/award label
    pre: tuple[int, ...]
    add: tuple[int, ...]
    hours: float = 0.0
    cost: float = 0.0
    cost_known: bool = True
    provider: str | None = None
    free: bool = True  # takeable under free_only
    rank: int = 0  # position in sorted id order, for reproducible tie-breaks

    @property
    def is_step(self) -> bool:
        return self.kind in STEP_KINDS


@dataclass
class Compiled:
    facts: list[Fact] = field(default_factory=list)
    fact_id: dict[Fact, int] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    achievers: list[list[int]] = field(default_factory=list)  # fact -> actions adding it
    users: list[list[int]] = field(default_factory=list)  # fact -> actions needing it
    step_of: dict[str, int] = field(default_factory=dict)  # course/cert id -> action
    program_courses: dict[str, list[str]] = field(default_factory=dict)
    derived: list[int] = field(default_factory=list)  # group and award actions
    derived_users: list[list[int]] = field(default_factory=list)  # fact -> derived actions needing it

    def fact(self, key: Fact) -> int:
        fid = self.fact_id.get(key)
        if fid is None:
            fid = self.fact_id[key] = len(self.facts)
            self.facts.append(key)
        return fid

    def skill_facts(self, skill: str, level: int) -> list[int]:
        return [self.fact(("skill", skill, k)) for k in range(1, level + 1)]


def compiled(catalog: Catalog) -> Compiled:
    """The compiled problem of ``catalog`` (built once, then cached)."""
    return catalog.derived("planner.compiled", _compile)


def _compile(catalog: Catalog) -> Compiled:
    cp = Compiled()
    skills = {s.id: s for s in catalog.skills}
    groups: dict[frozenset[int], int] = {}
    group_actions: list[tuple[int, int]] = []  # (member fact, group fact)

    def atom(m: SkillLevel | CertRef) -> int:
        if isinstance(m, CertRef):
            return cp.fact(("cert", m.cert))
        return cp.fact(("skill", m.skill, m.level))

    def requirement(r: Any) -> int:
        if not isinstance(r, AnyOf):
            return atom(r)
        members = frozenset(atom(m) for m in r.any_of)
        if len(members) == 1:
            return next(iter(members))
        if members not in groups:
            label = "one of " + ", ".join(sorted(fact_label(cp.facts[m]) for m in members))
            gid = groups[members] = cp.fact(("group", label))
            group_actions.extend((m, gid) for m in sorted(members))
        return groups[members]

    def satisfied_by(r: Any, taught: dict[str, int]) -> bool:
        members = r.any_of if isinstance(r, AnyOf) else [r]
        return any(isinstance(m, SkillLevel) and taught.get(m.skill, 0) >= m.level for m in members)

    awarded_programs = {c.program for c in catalog.certs if c.kind == "completion" and c.program}
    in_awarded: set[str] = set()
    for p in catalog.programs:
        cp.program_courses[p.id] = list(p.courses)
        if p.id in awarded_programs:
            in_awarded.update(p.courses)

    ranked = sorted([c.id for c in catalog.courses] + [c.id for c in catalog.certs if c.kind == "vendor-exam"])
    rank = {rid: i for i, rid in enumerate(ranked)}
    pending: list[Action] = []
    for c in catalog.courses:
        taught: dict[str, int] = {}
        for t in c.teaches:
            taught[t.skill] = max(taught.get(t.skill, 0), t.level)
        pre: list[int] = [requirement(r) for r in c.requires]
        for sid in taught:
            skill = skills.get(sid)
            for r in skill.requires if skill else []:
                if not satisfied_by(r, taught):
                    pre.append(requirement(r))
        pre_set = set(pre)
        # A level the course itself requires is no gain (delete-free: it already holds).
        add = [f for sid, lvl in taught.items() for f in cp.skill_facts(sid, lvl) if f not in pre_set]
        if c.id in in_awarded:
            add.append(cp.fact(("done", c.id)))
        pending.append(Action(
            idx=-1, kind="course", ref=c.id, pre=_uniq(pre), add=_uniq(add), hours=float(c.hours),
            cost=float(c.cost_usd or 0.0), cost_known=c.cost_usd is not None, provider=c.provider,
            free=c.is_free, rank=rank[c.id],
        ))
    for cert in catalog.certs:
        pre = [requirement(r) for r in cert.requires]
        if cert.kind == "vendor-exam":
            pending.append(Action(
                idx=-1, kind="exam", ref=cert.id, pre=_uniq(pre), add=(cp.fact(("cert", cert.id)),),
                hours=float(cert.prep_hours), cost=float(cert.exam_cost_usd or 0.0),
                cost_known=cert.exam_cost_usd is not None, provider=cert.provider,
                free=cert.exam_cost_usd == 0, rank=rank[cert.id],
            ))
        elif cert.program:
            done = [cp.fact(("done", cid)) for cid in cp.program_courses.get(cert.program, [])]
            pending.append(Action(idx=-1, kind="award", ref=cert.id, pre=_uniq(pre + done),
                                  add=(cp.fact(("cert", cert.id)),), free=False))
    for member, gid in group_actions:
        pending.append(Action(idx=-1, kind="group", ref=fact_label(cp.facts[gid]), pre=(member,), add=(gid,)))

    cp.achievers = [[] for _ in cp.facts]
    cp.users = [[] for _ in cp.facts]
    cp.derived_users = [[] for _ in cp.facts]
    for i, a in enumerate(pending):
        a.idx = i
        cp.actions.append(a)
        if a.is_step:
            cp.step_of[a.ref] = i
        else:
            cp.derived.append(i)
        for f in a.add:
            cp.achievers[f].append(i)
        for f in a.pre:
            cp.users[f].append(i)
            if not a.is_step:
                cp.derived_users[f].append(i)
    return cp


def _uniq(xs: Iterable[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(xs))


def fact_label(fact: Fact) -> str:
    kind = fact[0]
    if kind == "skill":
        return format_level_ref(fact[1], fact[2], implied=1)
    return str(fact[1])



def forward(cp: Compiled, initial: set[int], allowed: list[bool]) -> tuple[set[int], list[bool]]:
    """Relaxed reachability: facts and allowed actions reachable from ``initial``."""
    missing = [len(a.pre) for a in cp.actions]
    reached = set(initial)
    usable = [False] * len(cp.actions)
    queue: deque[int] = deque()

    def fire(ai: int) -> None:
        usable[ai] = True
        for f in cp.actions[ai].add:
            if f not in reached:
                reached.add(f)
                queue.append(f)

    for a in cp.actions:
        if allowed[a.idx] and missing[a.idx] == 0:
            fire(a.idx)
    for f in initial:
        queue.append(f)
    while queue:
        f = queue.popleft()
        for ai in cp.users[f]:
            missing[ai] -= 1
            if missing[ai] == 0 and allowed[ai] and not usable[ai]:
                fire(ai)
    return reached, usable


def relevant(cp: Compiled, goals: Iterable[int], initial: set[int], usable: list[bool],
             must: Iterable[int] = ()) -> tuple[set[int], set[int]]:
    """Backward relevance: the facts and usable actions that can matter for ``goals``."""
    facts: set[int] = set()
    acts: set[int] = set()
    queue: deque[int] = deque()

    def need(f: int) -> None:
        if f not in initial and f not in facts:
            facts.add(f)
            queue.append(f)

    def take(ai: int) -> None:
        if ai not in acts:
            acts.add(ai)
            for p in cp.actions[ai].pre:
                need(p)

    for f in goals:
        need(f)
    for ai in must:
        take(ai)
    while queue:
        f = queue.popleft()
        for ai in cp.achievers[f]:
            if usable[ai]:
                take(ai)
    return facts, acts


def dominated(cp: Compiled, acts: set[int], facts: set[int], initial: set[int],
              objective: str, keep: set[int], cost: list[float], *,
              by_hours: bool = True, by_cost: bool = True) -> set[int]:
    """Steps that another relevant step dominates (see the module docstring).

    ``cost`` is each action's cost in USD as this request counts it; hours and
    cost are compared only where they matter (``by_hours``, ``by_cost``: the
    objective or a cap). A precondition also counts as held when the same
    skill at a higher level is.
    """
    out: set[int] = set()
    eff: dict[int, frozenset[int]] = {}
    pre: dict[int, frozenset[int]] = {}
    implied: dict[int, frozenset[int]] = {}  # pre plus the lower levels it implies
    for ai in acts:
        a = cp.actions[ai]
        if a.is_step:
            eff[ai] = frozenset(f for f in a.add if f in facts)
            own = [f for f in a.pre if f not in initial]
            pre[ai] = frozenset(own)
            more = set(own)
            for f in own:
                key = cp.facts[f]
                if key[0] == "skill":
                    for k in range(1, key[2]):
                        lower = cp.fact_id.get(("skill", key[1], k))
                        if lower is not None:
                            more.add(lower)
            implied[ai] = frozenset(more)

    def primary(a: Action) -> float:
        return a.hours if objective == "hours" else cost[a.idx] if objective == "cost" else 1.0

    for ai, effects in eff.items():
        if ai in keep or not effects:
            continue
        a = cp.actions[ai]
        probe = min(effects, key=lambda f: len(cp.achievers[f]))
        for bi in cp.achievers[probe]:
            if bi == ai or bi not in eff or bi in out:
                continue
            b = cp.actions[bi]
            if (by_hours and b.hours > a.hours) or (by_cost and cost[bi] > cost[ai]):
                continue
            pb, pa = primary(b), primary(a)
            if pb > pa or (pb == pa and b.rank > a.rank):
                continue
            if pre[bi] <= implied[ai] and effects <= eff[bi]:
                out.add(ai)
                break
    return out


def relaxed_costs(cp: Compiled, initial: set[int], usable: list[bool], cost: list[float],
                  combine: str = "add") -> tuple[dict[int, float], dict[int, int]]:
    """Cheapest-achievement estimates of every reachable fact (Dijkstra over the
    relaxed problem): ``add`` sums the preconditions' costs (h_add, for a good
    greedy route), ``max`` takes the largest (h_max, a lower bound). Returns the
    costs and, for h_add, the achiever each fact was first reached by."""
    h: dict[int, float] = dict.fromkeys(initial, 0.0)
    best: dict[int, int] = {}
    missing = [len(a.pre) for a in cp.actions]
    acc = [0.0] * len(cp.actions)
    heap: list[tuple[float, int]] = [(0.0, f) for f in initial]
    done: set[int] = set()

    def relax(ai: int) -> None:
        a = cp.actions[ai]
        value = cost[ai] + acc[ai]
        for f in a.add:
            if f not in done and value < h.get(f, float("inf")):
                h[f] = value
                best[f] = ai
                heapq.heappush(heap, (value, f))

    for a in cp.actions:
        if usable[a.idx] and not a.pre:
            relax(a.idx)
    add = combine == "add"
    while heap:
        value, f = heapq.heappop(heap)
        if f in done or value > h.get(f, float("inf")):
            continue
        done.add(f)
        for ai in cp.users[f]:
            if not usable[ai]:
                continue
            missing[ai] -= 1
            acc[ai] = acc[ai] + value if add else max(acc[ai], value)
            if missing[ai] == 0:
                relax(ai)
    return h, best


def greedy_route(cp: Compiled, initial: set[int], best: dict[int, int], goals: Iterable[int],
                 must: Iterable[int] = ()) -> set[int]:
    """The actions of the h_add relaxed plan: each needed fact's first achiever,
    recursively. Well-founded because Dijkstra fixed every precondition first."""
    chosen: set[int] = set()
    stack = [f for f in goals if f not in initial]
    for ai in must:
        if ai not in chosen:
            chosen.add(ai)
            stack.extend(cp.actions[ai].pre)
    while stack:
        f = stack.pop()
        if f in initial:
            continue
        ai = best[f]
        if ai not in chosen:
            chosen.add(ai)
            stack.extend(p for p in cp.actions[ai].pre if p not in initial)
    return chosen


def derive(cp: Compiled, have: set[int], new: Iterable[int], allowed: Callable[[int], bool]) -> list[tuple[int, int]]:
    """Fire the zero-cost derived actions (any_of groups, completion awards) that
    the facts ``new``, just added to ``have``, enable, transitively and only
    where ``allowed(action)``. Adds their facts to ``have``; returns each
    (fact, action) derived, in order."""
    out: list[tuple[int, int]] = []
    stack = list(new)
    while stack:
        f = stack.pop()
        for di in cp.derived_users[f]:
            d = cp.actions[di]
            g = d.add[0]
            if g not in have and allowed(di) and all(p in have for p in d.pre):
                have.add(g)
                out.append((g, di))
                stack.append(g)
    return out


def executable(cp: Compiled, initial: set[int], chosen: set[int], goals: Iterable[int],
               allowed: set[int]) -> bool:
    """Whether the steps in ``chosen`` can be ordered so each is takeable when
    taken, ending with every goal held. ``initial`` must already be closed
    under the derived (group and award) actions; only derived actions in
    ``allowed`` fire."""
    have = set(initial)
    waiting: dict[int, list[int]] = {}
    missing: dict[int, int] = {}
    for ai in chosen:
        gaps = [p for p in cp.actions[ai].pre if p not in have]
        missing[ai] = len(gaps)
        for p in gaps:
            waiting.setdefault(p, []).append(ai)
    ready = [ai for ai, n in missing.items() if n == 0]
    taken = 0
    while ready:
        ai = ready.pop()
        taken += 1
        new = [f for f in cp.actions[ai].add if f not in have]
        have.update(new)
        new += [g for g, _ in derive(cp, have, new, allowed.__contains__)]
        for f in new:
            for bi in waiting.get(f, ()):
                missing[bi] -= 1
                if missing[bi] == 0:
                    ready.append(bi)
    return taken == len(chosen) and all(g in have for g in goals)


def without_redundant(cp: Compiled, initial: set[int], route: set[int], goals: set[int], primary: list[float],
                      keep: set[int], allowed: set[int]) -> set[int]:
    """Drop steps the route can do without, most expensive first.

    Only a step none of whose gains is its route's only source can go, so
    most steps are ruled out without replaying the route.
    """
    route = set(route)
    sources: dict[int, int] = {}
    for ai in route:
        for f in cp.actions[ai].add:
            sources[f] = sources.get(f, 0) + 1
    needed = set(goals)
    for ai in route:
        needed.update(cp.actions[ai].pre)

    def maybe_spare(ai: int) -> bool:
        # Skill, cert and done facts come only from steps (groups and awards add
        # other facts), so a needed fact with one source in the route pins it.
        return all(sources[f] > 1 or f not in needed for f in cp.actions[ai].add if f not in initial)

    for ai in sorted((a for a in route if cp.actions[a].is_step and a not in keep and maybe_spare(a)),
                     key=lambda a: (-primary[a], cp.actions[a].rank)):
        trial = route - {ai}
        if executable(cp, initial, trial, goals, allowed):
            route = trial
    return route
