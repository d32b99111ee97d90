"""A learner situation's advice, checked against its planned route.

Each situation in the catalog carries the advice a guide gives that learner
(``expect``: must include, must not include, must come before, must warn),
with the guide's verbatim words. :func:`plan_situation` plans the situation
and :func:`check_advice` says, check by check, whether the route follows the
advice. A check marked ``differs`` in the catalog is advice the cheapest route
is known not to follow, with the reason; it is reported, never hidden.

Examples
--------
>>> from loaders import load_catalog
>>> catalog = load_catalog()
>>> route, verdicts = plan_situation(catalog, "data-scientist-to-engineering")
>>> all(v.holds for v in verdicts if v.expectation.differs is None)
True
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from graph.catalog import Catalog
from graph.errors import UnknownId, suggest
from graph.models import Expectation, Situation
from queries.plan_models import Plan
from queries.planner import plan

__all__ = ["Verdict", "check_advice", "describe", "plan_situation", "situation"]


class Verdict(BaseModel):
    """One expectation and whether the route follows it (``why`` says what was found)."""

    expectation: Expectation
    holds: bool
    why: str

    @property
    def as_recorded(self) -> bool:
        """True when the outcome is what the catalog records: holds, or fails where marked ``differs``."""
        return self.holds == (self.expectation.differs is None)


def situation(catalog: Catalog, situation_id: str) -> Situation:
    """The situation with this id; :class:`~graph.errors.UnknownId` with suggestions otherwise."""
    found = next((s for s in catalog.situations if s.id == situation_id), None)
    if found is None:
        raise UnknownId(situation_id, "situation", suggest(situation_id, [s.id for s in catalog.situations]))
    return found


def plan_situation(catalog: Catalog, situation_id: str, **options: Any) -> tuple[Plan, list[Verdict]]:
    """Plan a situation as the catalog states it (``options`` go to :func:`~queries.planner.plan`
    and override the situation's objective) and check its advice against the route."""
    sit = situation(catalog, situation_id)
    options.setdefault("objective", sit.objective)
    route = plan(catalog, have=list(sit.have), role=sit.role, cert=sit.cert, skills=list(sit.skills) or None,
                 **options)
    return route, check_advice(sit, route)


def check_advice(sit: Situation, route: Plan) -> list[Verdict]:
    """Each of the situation's expectations, checked against ``route``."""
    return [_check(e, route) for e in sit.expect]


def _check(e: Expectation, route: Plan) -> Verdict:
    position = {s.id: i for i, s in enumerate(route.steps)}
    if e.must_include is not None:
        missing = [i for i in e.must_include if i not in position]
        return Verdict(expectation=e, holds=not missing,
                       why=f"not on the route: {', '.join(missing)}" if missing else "on the route")
    if e.must_not_include is not None:
        present = [i for i in e.must_not_include if i in position]
        return Verdict(expectation=e, holds=not present,
                       why=f"on the route: {', '.join(present)}" if present else "none on the route")
    if e.must_come_before is not None:
        first, then = e.must_come_before
        missing = [i for i in (first, then) if i not in position]
        if missing:
            return Verdict(expectation=e, holds=False, why=f"not on the route: {', '.join(missing)}")
        if position[first] < position[then]:
            return Verdict(expectation=e, holds=True,
                           why=f"step {position[first] + 1} before step {position[then] + 1}")
        return Verdict(expectation=e, holds=False,
                       why=f"{then} is step {position[then] + 1}, {first} step {position[first] + 1}")
    text = (e.must_warn or "").casefold()
    said = [*route.warnings, *(f"{u.id}: {u.reason}" for u in route.unreachable)]
    hit = next((w for w in said if text in w.casefold()), None)
    return Verdict(expectation=e, holds=hit is not None,
                   why=f"the plan says: {hit}" if hit else f"no note of the plan mentions {e.must_warn!r}")


def describe(e: Expectation) -> str:
    """The check in words: ``must include production-ml-systems``."""
    if e.must_come_before is not None:
        return f"{e.must_come_before[0]} must come before {e.must_come_before[1]}"
    if e.must_warn is not None:
        return f"must warn: {e.must_warn!r}"
    return f"{e.check.replace('_', ' ')} {', '.join(e.ids)}"
