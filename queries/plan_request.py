"""One planning question with its arguments checked: :class:`PlanRequest`.

Checks that need no catalog happen here; unknown ids are found when the
request meets its catalog (:mod:`queries.planner`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from graph.errors import PlanningError
from queries._compile import Action
from queries.plan_models import OBJECTIVES, Objective

__all__ = ["PlanRequest", "ids"]


def ids(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = values.split(",")
    return tuple(v.strip() for v in values if v and v.strip())


@dataclass(frozen=True)
class PlanRequest:
    """One planning question, its arguments checked (see :func:`plan` for each).

    Checks that need no catalog happen here; unknown ids are found when the
    request meets its catalog.
    """

    have: tuple[str, ...] = ()
    role: str | None = None
    cert: str | None = None
    skills: tuple[str, ...] = ()
    objective: Objective = "hours"
    budget: float | None = None
    max_hours: float | None = None
    free_only: bool = False
    exclude: tuple[str, ...] = ()
    providers: tuple[str, ...] | None = None
    must_include: tuple[str, ...] = ()
    include_optional: bool = False
    hours_per_week: float | None = None
    experience_years: float | None = None
    respect_experience: bool = False
    alternatives: int = 0
    time_limit: float = 10.0

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise PlanningError(f"objective {self.objective!r} is not one of {', '.join(OBJECTIVES)}")
        if not (self.role or self.cert or self.skills):
            raise PlanningError("no target: give a role, a cert or skills")
        for name in ("budget", "max_hours"):
            value = getattr(self, name)
            if value is not None and not _number(value, 0.0, math.inf):
                raise PlanningError(f"{name} must be a number >= 0, not {value!r}")
        if self.hours_per_week is not None and not _number(self.hours_per_week, 0.5, 168.0):
            raise PlanningError("hours_per_week must be a number from 0.5 to 168 (hours in a week), "
                                f"not {self.hours_per_week!r}")
        if self.experience_years is not None and not _number(self.experience_years, 0.0, 80.0):
            raise PlanningError(f"experience_years must be a number from 0 to 80, not {self.experience_years!r}")
        if self.respect_experience and self.experience_years is None:
            raise PlanningError("respect_experience needs experience_years: how many years of hands-on experience "
                                "you have")
        if isinstance(self.alternatives, bool) or not isinstance(self.alternatives, int) \
                or not 0 <= self.alternatives <= 20:
            raise PlanningError(f"alternatives must be a whole number from 0 to 20, not {self.alternatives!r}")
        if not _number(self.time_limit, 0.0, math.inf) or self.time_limit == 0:
            raise PlanningError(f"time_limit must be a number of seconds > 0, not {self.time_limit!r}")

    def under_experienced(self, years: float | None) -> bool:
        """An exam recommending ``years`` of experience is over what the learner stated."""
        return years is not None and self.experience_years is not None and years > self.experience_years + 1e-9

    @property
    def prices_months(self) -> bool:
        """The objective is money: the model prices subscription months itself."""
        return self.objective == "cost"

    @property
    def weighs_hours(self) -> bool:
        """Hours matter to some answer: the objective, or a cap on them."""
        return self.objective == "hours" or self.max_hours is not None

    @property
    def weighs_cost(self) -> bool:
        """Money matters to some answer: the objective, or a budget."""
        return self.objective == "cost" or self.budget is not None

    def primary(self, a: Action, cost: float) -> float:
        """A step's cost in this request's objective (0 for group and award actions)."""
        if not a.is_step:
            return 0.0
        return a.hours if self.objective == "hours" else cost if self.objective == "cost" else 1.0

    def constraints(self) -> dict[str, object]:
        """The constraints that are set, as the plan reports them."""
        out: dict[str, object] = {}
        for name in ("budget", "max_hours", "free_only", "exclude", "must_include", "include_optional",
                     "respect_experience"):
            value = getattr(self, name)
            if value not in (None, False, ()):
                out[name] = list(value) if isinstance(value, tuple) else value
        if self.providers is not None:
            out["providers"] = sorted({p.casefold() for p in self.providers})
        return out


def _number(value: object, low: float, high: float) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)
            and low <= value <= high)
