"""Explaining a route: its order, what each step gives and whom it serves, why
goal items are unreachable, and the warnings a learner should read.

Nothing here chooses steps; it describes the steps the solver chose, after
replaying them under the catalog's plain rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from graph.catalog import Catalog
from graph.errors import PlanningBug
from graph.models import format_level_ref, money
from queries._compile import Compiled, Fact, derive, fact_label
from queries.plan_models import GoalItem, Step
from queries.simulate import State, simulate

if TYPE_CHECKING:
    from queries._solver import Solution
    from queries.plan_request import PlanRequest

__all__ = ["Explainer", "Ordered", "ordered"]

#: steps in the order taken, and for each fact gained the steps behind it
Ordered = tuple[list[int], dict[int, set[int]]]


def ordered(catalog: Catalog, cp: Compiled, chosen: set[int], initial: set[int],
            blocked: dict[int, str]) -> Ordered:
    """Order steps one at a time (each takeable after those before it), and map
    every fact gained to the steps behind it: the step that gave it, or, for an
    any_of group or a completion certificate, every step behind its parts.

    Among the takeable steps: courses before exams, a program's courses in
    program order, then by id; courses billed by a monthly subscription go
    after the others, or first when the previous step was one, so they run
    back to back where the prerequisites allow (the months billed assume it).
    A step waits while a step that should come first is still to be taken: an earlier course of its program, or, for
    an exam, a course on the route that prepares for it. Prerequisites win: a
    step waits only while some other step can be taken. Raises PlanningBug
    when the steps cannot be ordered.
    """
    have = set(initial)
    sources: dict[int, set[int]] = {}
    remaining = set(chosen)
    order: list[int] = []

    def key(ai: int) -> tuple[Any, ...]:
        a = cp.actions[ai]
        pos = catalog.program_position(a.ref) if a.kind == "course" else None
        billed = a.subscription is not None
        return ((not billed, a.kind == "exam") if in_block else (billed, a.kind == "exam")) + (
            pos[0] if pos else a.ref, pos[1] if pos else 0, a.ref)

    first = _comes_after(catalog, cp, chosen)
    in_block = False  # the last step is billed by a subscription
    while remaining:
        takeable = [a for a in remaining if all(p in have for p in cp.actions[a].pre)]
        # One step at a time, so a step just made takeable competes at once (a program's next course,
        # the next course on the same subscription).
        ready = [a for a in takeable if not first[a] & remaining] or takeable
        if not ready:
            raise PlanningBug("internal check failed: the solver's steps cannot be ordered")
        a = min(ready, key=key)
        order.append(a)
        in_block = cp.actions[a].subscription is not None
        remaining.discard(a)
        new = [f for f in cp.actions[a].add if f not in have]
        have.update(new)
        for f in new:
            sources[f] = {a}
        for g, di in derive(cp, have, new, lambda di: di not in blocked):
            sources[g] = set().union(*(sources.get(p, set()) for p in cp.actions[di].pre))
    return order, sources


def _comes_after(catalog: Catalog, cp: Compiled, chosen: set[int]) -> dict[int, set[int]]:
    """For each chosen step, the chosen steps that should precede it: earlier courses of
    its program (programs are sequences) and, for an exam, the courses that prepare for it."""
    position = {a: catalog.program_position(cp.actions[a].ref) for a in chosen if cp.actions[a].kind == "course"}
    prepares = {a: set(catalog.course(cp.actions[a].ref).prepares_for) for a in position}
    out: dict[int, set[int]] = {}
    for a in chosen:
        act = cp.actions[a]
        if act.kind == "exam":
            out[a] = {b for b, certs in prepares.items() if act.ref in certs}
        elif position.get(a):
            prog, at = position[a]  # type: ignore[misc]
            out[a] = {b for b, pos in position.items() if pos and pos[0] == prog and pos[1] < at}
        else:
            out[a] = set()
    return out


class Explainer:
    """Words for one request: built once the request's constraints are known."""

    def __init__(self, catalog: Catalog, cp: Compiled, request: PlanRequest, blocked: dict[int, str],
                 reached: set[int], origins: dict[tuple[str, int | None], list[str]]):
        self.catalog = catalog
        self.cp = cp
        self.request = request
        self.blocked = blocked
        self.reached = reached
        self.origins = origins

    # -- why a goal item is out of reach ------------------------------------------------
    def why(self, item: GoalItem, fid: int | None) -> str:
        cat = self.catalog
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
        return self._why_fact(fid, 0)

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

    @staticmethod
    def over_cap(name: str, cap: float, least: float) -> str:
        shown, need = (money(cap), money(least)) if name == "budget" else (f"{cap:g} h", f"{least:g} h")
        return f"no route within {name.replace('_', ' ')} {shown}: the least any route to these goals needs is {need}"

    # -- the route ----------------------------------------------------------------------
    def steps(self, chosen: set[int], initial: set[int], state: State,
              goal_items: list[tuple[GoalItem, int | None]], *, replayed: Ordered | None = None) -> list[Step]:
        """The chosen steps in order, each with what it gives and why it is there.
        Sets ``by`` (the step that achieves it) on every planned goal item. The
        order is computed and replayed with :func:`~queries.simulate.simulate`
        unless certification already did both (``replayed``: its order)."""
        cp, cat = self.cp, self.catalog
        order, sources = replayed or ordered(cat, cp, {a for a in chosen if cp.actions[a].is_step}, initial,
                                             self.blocked)
        position = {a: i for i, a in enumerate(order)}
        # The step that completed each fact: the last one behind it.
        last = {f: max(srcs, key=position.__getitem__) for f, srcs in sources.items() if srcs}
        problems = [] if replayed is not None else simulate(cat, state, [cp.actions[a].ref for a in order],
                                                 paid=not self.request.free_only).problems
        problems += [it.id for it, fid in goal_items
                     if it.status == "route" and fid is not None and fid not in last and fid not in initial]
        if problems:
            raise PlanningBug("internal check failed, the solver's route does not hold: " + "; ".join(problems))
        # A fact made true by an any_of group or a completion certificate is owed to
        # every step behind it (all courses of the program, say), not just the last.
        serves: dict[int, dict[str, list[str]]] = {a: {} for a in order}  # step -> targets -> goal labels
        earns: dict[int, list[str]] = {a: [] for a in order}
        for f, a in last.items():
            if cp.facts[f][0] == "cert":
                earns[a].append(cp.facts[f][1])
        for item, fid in goal_items:
            if item.status == "route" and fid is not None and fid in last:
                item.by = cp.actions[last[fid]].ref
                targets = " and ".join(self.origins.get((item.id, item.level), ["your target"]))
                for src in sorted(sources[fid], key=position.__getitem__):
                    serves[src].setdefault(targets, []).append(item.label)
        needed_by: dict[int, list[str]] = {a: [] for a in order}
        for a in order:
            for f in cp.actions[a].pre:
                for src in sources.get(f, ()):
                    if src != a and cp.actions[a].ref not in needed_by[src]:
                        needed_by[src].append(cp.actions[a].ref)
        out = []
        gained: set[int] = set(initial)
        for n, a in enumerate(order, 1):
            act = cp.actions[a]
            new = [f for f in act.add if f not in gained]
            gained.update(act.add)
            goals = list(dict.fromkeys(g for labels in serves[a].values() for g in labels))
            out.append(self._step(n, act.kind, act.ref, _gives([cp.facts[f] for f in new]), earns[a],
                                  goals + needed_by[a], self._reason(act.ref, serves[a], needed_by[a])))
        return out

    def _reason(self, ref: str, goals: dict[str, list[str]], later: list[str]) -> str:
        parts = [f"gives {', '.join(labels)} for {target}" for target, labels in goals.items()]
        if later:
            parts.append(f"prerequisite of {', '.join(later)}")
        if ref in self.request.must_include:
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
        # Validated, with every field given: in pydantic 2.14 that is faster than
        # model_construct (3.7 against 7.9 microseconds a step), which fills defaults in Python.
        cat = self.catalog
        if kind == "course":
            c = cat.course(ref)
            cost = 0.0 if self.request.free_only else c.cost_usd
            return Step(
                order=n, id=c.id, kind="course", title=c.title, provider=c.provider, format=c.format, hours=c.hours,
                cost_usd=cost, cost_basis=None, free_audit=c.free_audit, gives=gives, earns=earns, serves=serves,
                reason=reason, url=c.url, recommended_experience_years=None, notes=[], week_start=None, week_end=None)
        x = cat.cert(ref)
        return Step(
            order=n, id=x.id, kind="exam", title=f"{x.name} exam", provider=x.provider, format="exam",
            hours=x.prep_hours, cost_usd=x.exam_cost_usd, gives=gives, earns=earns, serves=serves, reason=reason,
            url=x.url, recommended_experience_years=x.recommended_experience_years, notes=self.exam_notes(x.id),
            cost_basis=None, free_audit=False, week_start=None, week_end=None)

    def exam_notes(self, cert: str) -> list[str]:
        """What to know before an exam: its recommended experience against yours, and a guide's warning."""
        x, req = self.catalog.cert(cert), self.request
        years, vendor = x.recommended_experience_years, x.provider or "the vendor"
        if years and req.experience_years is not None and not req.under_experienced(years):
            return []  # experienced enough: nothing to warn about
        out = []
        if years and req.experience_years is not None:
            out.append(f"over your experience: {vendor} recommends {years:g}+ years of hands-on experience, you have "
                       f"{req.experience_years:g}")
        elif years:
            out.append(f"{vendor} recommends {years:g}+ years of hands-on experience before this exam; no course "
                       "replaces it")
        if x.caution_quoted:
            out.append(x.caution_quoted)
        return out

    # -- warnings -------------------------------------------------------------------------
    def warnings(self, steps: list[Step], goal_items: list[tuple[GoalItem, int | None]], sol: Solution) -> list[str]:
        cat, req = self.catalog, self.request
        out: list[str] = []

        def warn(text: str) -> None:
            if text not in out:
                out.append(text)

        for s in steps:
            if s.cost_usd is None:
                warn(f"{s.id}: the catalog has no price for it; counted as $0")
            for note in s.notes:
                warn(f"{s.id}: {note}")
        if req.cert and req.cert in cat and cat.cert(req.cert).kind == "vendor-exam" \
                and not any(s.id == req.cert for s in steps):
            for note in self.exam_notes(req.cert):
                warn(f"{req.cert}: {note}")
        if sol.status == "feasible" and sol.notes:
            warn("not proven optimal: the solver's answers did not pass certification ("
                 + "; ".join(sol.notes) + "); the route is valid and checked step by step")
        on_job = [it.id for it, _ in goal_items if it.status == "not-planned" and it.kind == "skill"
                  and not cat.skill(it.id).teachable]
        not_planned = [it.id for it, _ in goal_items if it.status == "not-planned" and it.id not in on_job]
        if on_job:
            warn(f"learnt on the job, no course teaches it (optional for this role): {', '.join(on_job)}")
        if not_planned:
            warn(f"optional for this role and not planned (use include_optional): {', '.join(not_planned)}")
        return out


def _gives(facts: Sequence[Fact]) -> list[str]:
    best: dict[str, int] = {}
    certs = []
    for f in facts:
        if f[0] == "skill":
            best[f[1]] = max(best.get(f[1], 0), f[2])
        elif f[0] == "cert":
            certs.append(f[1])
    return [format_level_ref(s, lvl, implied=1) for s, lvl in best.items()] + certs
