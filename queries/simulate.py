"""Learner state and route checking, straight from the catalog's models.

This is the route semantics of DESIGN.md written out plainly, independent of
the planner's compiled form and its solver: the planner re-checks every
route it returns with :func:`simulate`, and the tests use it as the oracle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.catalog import Catalog
from graph.errors import PlanningError, UnknownId, suggest
from graph.models import AnyOf, Cert, CertRef, Course, SkillLevel, format_level_ref, parse_level_ref

__all__ = ["RouteCheck", "State", "parse_have", "simulate", "unmet_goals", "unmet_requirements"]


@dataclass
class State:
    """What a learner holds: skill levels, certs, and courses completed."""

    skills: dict[str, int] = field(default_factory=dict)
    certs: set[str] = field(default_factory=set)
    done: set[str] = field(default_factory=set)

    def copy(self) -> State:
        return State(dict(self.skills), set(self.certs), set(self.done))

    def holds(self, req: Any) -> bool:
        if isinstance(req, AnyOf):
            return any(self.holds(m) for m in req.any_of)
        if isinstance(req, CertRef):
            return req.cert in self.certs
        if isinstance(req, SkillLevel):
            return self.skills.get(req.skill, 0) >= req.level
        raise TypeError(f"not a requirement: {req!r}")

    def learn(self, skill: str, level: int) -> None:
        if level > self.skills.get(skill, 0):
            self.skills[skill] = level


def parse_have(catalog: Catalog, have: Iterable[str]) -> State:
    """Parse ``["python", "sql:2", "ml-spec-supervised", "google-pmle"]`` into a State.

    A skill without a level counts as level 3 (the learner says they have it);
    a course id counts as completed (its skills at their taught levels); a
    cert id as held.
    """
    state = State()
    for raw in have:
        text = str(raw).strip()
        if not text:
            continue
        ref = parse_level_ref(text)
        sid = ref.id.strip()
        if sid not in catalog:
            raise UnknownId(sid, "skill", suggest(sid, catalog.ids("skill") + catalog.ids("course")
                                                   + catalog.ids("cert")))
        kind = catalog.kind_of(sid)
        if ref.level_text:
            if kind != "skill":
                raise PlanningError(f"have {text!r}: only a skill takes a level, {sid!r} is a {kind}")
            try:
                level = ref.level or 3  # a level is written: never None here
            except ValueError as err:
                raise PlanningError(f"have {text!r}: {err}") from None
        else:
            level = 3
        if kind == "skill":
            state.learn(sid, level)
        elif kind == "cert":
            state.certs.add(sid)
        elif kind == "course":
            course = catalog.course(sid)
            state.done.add(sid)
            for t in course.teaches:
                state.learn(t.skill, t.level)
        else:
            raise PlanningError(f"have {text!r}: a {kind} cannot be had; give skills, courses or certs")
    return state


def prepare(catalog: Catalog) -> None:
    """Build what replaying routes on ``catalog`` keeps per catalog now, rather than at
    the first replay (queries._compile settles a large catalog's objects after this)."""
    catalog.derived("simulate.course_needs", _course_needs)
    catalog.derived("simulate.completions", _completions)


def unmet_requirements(catalog: Catalog, course: Course, state: State) -> list[str]:
    """Why ``course`` cannot be taken now (empty when it can)."""
    known = catalog.derived("simulate.course_needs", _course_needs).get(course.id)
    taught, needs = known[1] if known is not None and known[0] is course else _needs_of(catalog, course)
    missing = [_describe(r) for r in course.requires if not state.holds(r)]
    if needs:  # a taught skill's own prerequisites may be met by what the course teaches with it
        skills = dict(state.skills)
        for sid, lvl in taught.items():
            if lvl > skills.get(sid, 0):
                skills[sid] = lvl
        with_taught = State(skills, state.certs, state.done)  # read only: the sets are shared
        missing += [f"{_describe(r)} (for {sid})" for sid, r in needs if not with_taught.holds(r)]
    return missing


def _course_needs(catalog: Catalog) -> dict[str, tuple[Course, tuple[dict[str, int], list[tuple[str, Any]]]]]:
    """:func:`_needs_of` for every course of the catalog, once."""
    return {course.id: (course, _needs_of(catalog, course)) for course in catalog.courses}


def _needs_of(catalog: Catalog, course: Course) -> tuple[dict[str, int], list[tuple[str, Any]]]:
    """The highest level ``course`` teaches of each skill, and the prerequisites of those
    skills (each with the skill it is for)."""
    taught: dict[str, int] = {}
    for t in course.teaches:
        taught[t.skill] = max(taught.get(t.skill, 0), t.level)
    return taught, [(sid, r) for sid in taught for r in catalog.get(sid, "skill").requires]


def _describe(req: Any) -> str:
    if isinstance(req, AnyOf):
        return "one of " + ", ".join(_describe(m) for m in req.any_of)
    if isinstance(req, CertRef):
        return req.cert
    return format_level_ref(req.skill, req.level, implied=1)


@dataclass
class RouteCheck:
    ok: bool
    state: State
    problems: list[str]


def simulate(catalog: Catalog, state: State, steps: Sequence[str], *, paid: bool = True) -> RouteCheck:
    """Take ``steps`` (course or vendor-exam cert ids) in order from ``state``.

    Completion certificates are earned when every course of their program is
    done, if ``paid`` (a free audit earns none).
    """
    state = state.copy()
    problems: list[str] = []
    if paid:
        _award(catalog, state)
    for sid in steps:
        kind = catalog.kind_of(sid)
        if kind == "course":
            course = catalog.course(sid)
            missing = unmet_requirements(catalog, course, state)
            if missing:
                problems.append(f"{sid} taken without {', '.join(missing)}")
            for t in course.teaches:
                state.learn(t.skill, t.level)
            state.done.add(sid)
        elif kind == "cert":
            cert = catalog.cert(sid)
            if cert.kind != "vendor-exam":
                problems.append(f"{sid} is not an exam")
            missing = [_describe(r) for r in cert.requires if not state.holds(r)]
            if missing:
                problems.append(f"exam {sid} taken without {', '.join(missing)}")
            state.certs.add(sid)
        else:
            problems.append(f"{sid} is a {kind}, not a step")
        if paid:
            _award(catalog, state)
    return RouteCheck(not problems, state, problems)


def _award(catalog: Catalog, state: State) -> None:
    for cert, courses in catalog.derived("simulate.completions", _completions):
        if cert.id not in state.certs and state.done.issuperset(courses) \
                and all(state.holds(r) for r in cert.requires):
            state.certs.add(cert.id)


def _completions(catalog: Catalog) -> list[tuple[Cert, frozenset[str]]]:
    """The completion certificates of programs, each with its program's courses."""
    return [(cert, frozenset(catalog.program(cert.program).courses)) for cert in catalog.certs
            if cert.kind == "completion" and cert.program]


def unmet_goals(state: State, skills: Iterable[tuple[str, int]], certs: Iterable[str]) -> list[str]:
    """The goal items ``state`` does not satisfy."""
    out = [format_level_ref(s, lvl) for s, lvl in skills if state.skills.get(s, 0) < lvl]
    out += [c for c in certs if c not in state.certs]
    return out
