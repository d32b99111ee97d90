"""The planning problem in compiled form.

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
Each step carries its rank, its position in the catalog's sorted step ids,
for reproducible tie-breaks.
"""
from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graph.catalog import Catalog
from graph.lru import Lru
from graph.models import AnyOf, CertRef, SkillLevel, format_level_ref
from queries.simulate import prepare

__all__ = ["STEP_KINDS", "Action", "Compiled", "Fact", "StepSets", "compiled", "csr", "derive", "fact_label", "gather"]

Fact = tuple[Any, ...]
# each action's effects, preconditions, and preconditions with the lower levels they imply; each fact's
# achievers in order of hours
StepSets = tuple[list[frozenset[int]], list[frozenset[int]], list[frozenset[int]], list[list[int]]]
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
    provider: str | None = None
    free: bool = True  # takeable under free_only
    subscription: str | None = None  # billed monthly by this catalog subscription instead of ``cost``
    rank: int = 0  # position in sorted id order, for reproducible tie-breaks

    @property
    def is_step(self) -> bool:
        return self.kind in STEP_KINDS


#: Up to this many actions, per-problem tables are built with plain loops (numpy's fixed cost
#: was 90 us a seed problem).
PLAIN_MAX = 120


@dataclass
class Local:
    """A pruned problem numbered locally: actions ``0..len(acts)-1`` are ``acts`` (sorted),
    facts ``0..len(facts)-1`` are ``facts`` (sorted; those held from the start are left
    out, so preconditions on them are left out too, and effects on them are dropped)."""

    acts: list[int]
    facts: list[int]
    pre: list[list[int]]  # action -> its preconditions
    adds: list[list[int]]  # action -> its effects
    users: list[list[int]]  # fact -> the actions needing it
    achievers: list[list[int]]  # fact -> the actions adding it
    pairs: Pairs | None = None  # the same as arrays, past PLAIN_MAX actions (Compiled.pairs)


#: A pruned problem's (precondition, action) pairs, by action in list order, and
#: (achiever, fact) pairs, by fact in list order, as local numbers (Compiled.pairs).
Pairs = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def gather(start: np.ndarray, index: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The entries of rows ``keys`` of a compressed-row table, and for each its key's position."""
    lens = start[keys + 1] - start[keys]
    before = np.cumsum(lens) - lens
    pos = np.repeat(start[keys] - before, lens) + np.arange(int(lens.sum()))
    return index[pos], np.repeat(np.arange(len(keys)), lens)


def csr(rows: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """``rows`` (lists of ints) as a compressed-row table: row starts, one more than the rows, and entries."""
    start = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=start[1:])
    flat = np.fromiter((x for r in rows for x in r), dtype=np.int64, count=int(start[-1]))
    return start, flat


def _grouped(values: np.ndarray, keys: np.ndarray, n: int) -> list[list[int]]:
    """``values`` grouped by ``keys`` (0..n-1), one list per key, in their order here."""
    order = np.argsort(keys, kind="stable")
    flat = values[order].tolist()
    ends = np.cumsum(np.bincount(keys, minlength=n)).tolist()
    return [flat[s:e] for s, e in zip([0, *ends][:-1], ends, strict=True)]


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
    pre_counts: list[int] = field(default_factory=list)  # action -> its number of preconditions
    no_pre: list[int] = field(default_factory=list)  # the actions without preconditions
    components: dict[tuple[str, int], int] | None = None  # strongly connected components (queries._scc), lazily
    cyclic: dict[tuple[str, int], int] | None = None  # the nodes of components of more than one node, lazily
    solved: Lru[Any, Any] | None = None  # proven answers by pruned problem (queries._memo), lazily
    _tables: tuple[Any, ...] | None = None  # see tables()
    _step_flags: list[bool] | None = None  # see step_flags()
    _reach_tables: tuple[Any, ...] | None = None  # see reach_tables()
    step_sets: StepSets | None = None  # actions' effects and preconditions as sets (queries._prune), lazily
    dominance: dict[bool, Any] | None = None  # candidate pairs for dominance (queries._prune), by hours or not, lazily
    per_constraints: Lru[tuple[object, ...], Any] = field(default_factory=lambda: Lru(256))  # queries.planner

    def step_flags(self) -> list[bool]:
        """Each action: whether it is a step (course or exam), built once."""
        if self._step_flags is None:
            self._step_flags = [a.is_step for a in self.actions]
        return self._step_flags

    def tables(self) -> tuple[Any, ...]:
        """Compressed-row tables, built once: each fact's achievers (starts, actions) and
        each action's preconditions (starts, facts), in their list order, as numpy int64."""
        if self._tables is None:
            self._tables = csr(self.achievers) + csr([a.pre for a in self.actions])
        return self._tables

    def reach_tables(self) -> tuple[Any, ...]:
        """Compressed-row tables for reachability, built once: each fact's users (starts,
        actions), each action's effects (starts, facts), the actions without
        preconditions and each action's number of preconditions, as numpy int64."""
        if self._reach_tables is None:
            self._reach_tables = (csr(self.users) + csr([a.add for a in self.actions])
                                  + (np.array(self.no_pre, dtype=np.int64), np.array(self.pre_counts, dtype=np.int64)))
        return self._reach_tables

    def local(self, acts: set[int], facts: set[int]) -> Local:
        """A pruned problem's actions ``acts`` and facts ``facts`` (those not held from the
        start) numbered locally, in sorted order, with its lists (see :class:`Local`)."""
        alist, order = sorted(acts), sorted(facts)
        n, nf = len(alist), len(order)
        if n <= PLAIN_MAX:  # numpy's fixed cost is most of the time on small problems
            where = {f: i for i, f in enumerate(order)}
            here = {a: j for j, a in enumerate(alist)}
            pre_lists: list[list[int]] = []
            adds: list[list[int]] = []
            users: list[list[int]] = [[] for _ in order]
            for j, a in enumerate(alist):
                action = self.actions[a]
                mine = [where[f] for f in action.pre if f in where]
                pre_lists.append(mine)
                adds.append(sorted(where[f] for f in action.add if f in where))  # as the numpy path's
                for i in mine:
                    users[i].append(j)
            achievers = [[here[b] for b in self.achievers[f] if b in here] for f in order]
            return Local(alist, order, pre_lists, adds, users, achievers)
        pairs = pre, user, achiever, fact = self.pairs(alist, order)
        return Local(alist, order, _grouped(pre, user, n), _grouped(fact, achiever, n),
                     _grouped(user, pre, nf), _grouped(achiever, fact, nf), pairs)

    def pairs(self, acts: list[int], facts: list[int]) -> Pairs:
        """For the actions ``acts`` and facts ``facts`` (sorted), numbered locally: each
        precondition of an action that is one of ``facts`` (others hold from the start) as
        (fact, action), by action in list order; and each achiever of a fact among
        ``acts`` as (action, fact), by fact in list order. numpy over :meth:`tables`."""
        ach_start, ach_index, pre_start, pre_index = self.tables()
        acts_arr, facts_arr = np.array(acts, dtype=np.int64), np.array(facts, dtype=np.int64)
        colmap = np.full(len(self.actions), -1, dtype=np.int64)
        colmap[acts_arr] = np.arange(len(acts))
        fmap = np.full(len(self.facts), -1, dtype=np.int64)
        fmap[facts_arr] = np.arange(len(facts))
        pre, user = gather(pre_start, pre_index, acts_arr)
        pre = fmap[pre]
        inside = pre >= 0  # else held from the start
        achiever, fact = gather(ach_start, ach_index, facts_arr)
        achiever = colmap[achiever]
        kept = achiever >= 0
        return pre[inside], user[inside], achiever[kept], fact[kept]

    def fact(self, key: Fact) -> int:
        fid = self.fact_id.get(key)
        if fid is None:
            fid = self.fact_id[key] = len(self.facts)
            self.facts.append(key)
        return fid

    def skill_facts(self, skill: str, level: int) -> list[int]:
        return [self.fact(("skill", skill, k)) for k in range(1, level + 1)]


#: From this many actions, compiling a catalog ends with :func:`_settle`.
SETTLE_ACTIONS = 1000


def compiled(catalog: Catalog) -> Compiled:
    """The compiled problem of ``catalog`` (built once, then cached)."""
    return catalog.derived("planner.compiled", _compile_settled)


def _compile_settled(catalog: Catalog) -> Compiled:
    cp = _compile(catalog)
    if len(cp.actions) >= SETTLE_ACTIONS:
        prepare(catalog)  # the replay's per-catalog lists (65,000 objects at 10,000 courses): settled too
        _settle()
    return cp


def _settle() -> None:
    """Take the objects alive now (a large catalog and its compiled form among them) out
    of the cyclic garbage collector's full passes (``gc.freeze``), after one full pass.

    They live as long as the catalog, and a planning request allocates enough to
    trigger full passes, each of which walked all of them: on the synthetic
    10,000-course catalog (264,806 tracked objects), 20 requests back to back had 4
    full passes taking 663 ms in all (166 ms each, inside whichever request
    triggered them); after ``gc.freeze``, 8 took 26 ms in all. Objects frozen
    earlier are unfrozen first, so a catalog replaced since is collected by the
    pass. Reference counting still frees any frozen object no longer used."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


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
            cost=float(c.cost_usd or 0.0), provider=c.provider,
            free=c.is_free, subscription=c.subscription, rank=rank[c.id],
        ))
    for cert in catalog.certs:
        pre = [requirement(r) for r in cert.requires]
        if cert.kind == "vendor-exam":
            pending.append(Action(
                idx=-1, kind="exam", ref=cert.id, pre=_uniq(pre), add=(cp.fact(("cert", cert.id)),),
                hours=float(cert.prep_hours), cost=float(cert.exam_cost_usd or 0.0), provider=cert.provider,
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
        cp.pre_counts.append(len(a.pre))
        if not a.pre:
            cp.no_pre.append(i)
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
