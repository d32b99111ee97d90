"""Gap analysis and closest roles.

:func:`gap` says, for one role, which needs a learner already meets, which
they lack, and which steps of the cheapest route close each gap.
:func:`closest_roles` ranks every role by the cost of its cheapest route.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field

from graph.catalog import Catalog
from queries.plan_models import Objective
from queries.planner import Plan, plan
from queries.simulate import parse_have

__all__ = ["Gap", "GapItem", "RoleDistance", "closest_roles", "gap"]


class GapItem(BaseModel):
    id: str
    kind: Literal["skill", "cert"]
    importance: str
    needed_level: int | None = None
    have_level: int | None = None
    status: Literal["met", "partial", "missing", "unreachable"]
    closed_by: list[str] = []
    reason: str | None = None


class Gap(BaseModel):
    role: str
    title: str
    met: int
    missing: int
    items: list[GapItem]
    plan: Plan


class RoleDistance(BaseModel):
    role: str
    title: str
    feasible: bool
    objective: Objective
    value: float | None
    total_hours: float
    total_cost_usd: float
    total_steps: int
    missing: int
    unreachable: list[str]
    unpriced: list[str] = Field(default=[], description="steps of the route with no price in the catalog, "
                                                        "counted as $0 in total_cost_usd")


def gap(catalog: Catalog, *, have: Iterable[str], role: str, objective: Objective = "hours",
        include_optional: bool = True, **constraints: Any) -> Gap:
    """What ``have`` lacks for ``role`` and which steps close each gap."""
    have = list(have)
    r = catalog.role(role)
    state = parse_have(catalog, have)
    p = plan(catalog, have=have, role=role, objective=objective, include_optional=include_optional,
             **constraints)
    closers: dict[str, list[str]] = {}  # skill or cert -> the route's steps that raise or earn it
    levels = dict(state.skills)
    for step in p.steps:
        raised = []
        for t in catalog.course(step.id).teaches if step.kind == "course" else []:
            if t.level > levels.get(t.skill, 0):
                levels[t.skill] = t.level
                raised.append(t.skill)
        for ref in dict.fromkeys(raised + step.earns):
            closers.setdefault(ref, []).append(step.id)
    labels = {u.id: u.reason for u in p.unreachable if u.kind in ("skill", "cert")}
    reasons = {g.id: labels[g.label] for g in p.goals if g.status == "unreachable" and g.label in labels}
    items = []
    for n in r.needs:
        got = state.skills.get(n.skill, 0)
        if got >= n.level:
            status = "met"
        elif n.skill in reasons:
            status = "unreachable"
        else:
            status = "partial" if got else "missing"
        items.append(GapItem(id=n.skill, kind="skill", importance=n.importance, needed_level=n.level,
                             have_level=got, status=status,
                             closed_by=closers.get(n.skill, []) if status in ("partial", "missing") else [],
                             reason=reasons.get(n.skill)))
    for v in r.values:
        held = v.cert in state.certs
        status = "met" if held else "unreachable" if v.cert in reasons else "missing"
        items.append(GapItem(id=v.cert, kind="cert", importance=v.importance, status=status,
                             closed_by=closers.get(v.cert, []) if status == "missing" else [],
                             reason=reasons.get(v.cert) or (catalog.cert(v.cert).caution_quoted if not held else None)))
    met = sum(i.status == "met" for i in items)
    return Gap(role=r.id, title=r.title, met=met, missing=len(items) - met, items=items, plan=p)


def closest_roles(catalog: Catalog, have: Iterable[str], k: int = 5, *, objective: Objective = "hours",
                  **constraints: Any) -> list[RoleDistance]:
    """The ``k`` roles with the cheapest routes from ``have`` (feasible first)."""
    have = list(have)
    state = parse_have(catalog, have)
    out = []
    for r in catalog.roles:
        p = plan(catalog, have=have, role=r.id, objective=objective, **constraints)
        missing = sum(1 for n in r.needs if n.importance == "essential" and state.skills.get(n.skill, 0) < n.level)
        value = p.value
        out.append(RoleDistance(role=r.id, title=r.title, feasible=p.feasible, objective=objective,
                                value=value if p.feasible else None, total_hours=p.total_hours,
                                total_cost_usd=p.total_cost_usd, total_steps=p.total_steps, missing=missing,
                                unreachable=[u.id for u in p.unreachable if u.importance == "essential"],
                                unpriced=[st.id for st in p.steps if st.cost_usd is None]))
    out.sort(key=lambda d: (not d.feasible, d.value if d.value is not None else 0.0, d.missing, d.total_steps, d.role))
    return out[: max(0, k)]
