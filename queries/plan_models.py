"""What the planner returns: a route, its steps, goals, schedule and what could not be reached.

``Plan.model_dump()`` is the JSON of the CLI (``--format json``) and of the
HTTP API's ``POST /plan``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from graph.models import format_level_ref

__all__ = ["OBJECTIVES", "GoalItem", "Objective", "Plan", "Step", "SubscriptionCost", "Unreachable", "Week"]

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
    cost_basis: str | None = Field(default=None, description="how cost_usd was worked out: a one-time price, an exam "
                                                             "fee, or its share of a subscription's months")
    free_audit: bool = False
    gives: list[str] = Field(description="skills ('id' or 'id:level') and certs this step adds")
    earns: list[str] = []
    serves: list[str] = Field(description="goal items and later steps that need what it gives")
    reason: str
    url: str | None = None
    recommended_experience_years: float | None = Field(
        default=None, description="an exam's recommended years of hands-on experience (the vendor's figure)")
    notes: list[str] = Field(default=[], description="what to know before taking this step: an exam over your "
                                                     "stated experience, a guide's warning about it")
    week_start: int | None = None
    week_end: int | None = None


class SubscriptionCost(BaseModel):
    """A monthly subscription the route pays: its courses' hours at the learner's pace, in whole months."""

    id: str
    title: str
    usd_per_month: float
    hours: float = Field(description="hours of the route's steps billed by it")
    hours_per_week: float = Field(description="the pace the months are counted at")
    months: float = Field(description="those hours in months at that pace (a month is 52/12 weeks)")
    months_billed: int = Field(description="whole months paid: a part month is a month")
    cost_usd: float
    steps: list[str]
    how: str


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

    @property
    def label(self) -> str:
        """``id``, or ``id:level`` for a skill above level 1 (as ``Unreachable.id`` names it)."""
        return format_level_ref(self.id, self.level, implied=1)


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
    bound: float | None = Field(default=None, description="the solver's proven lower bound on the objective")
    time_limited: bool = Field(default=False, description="the solver's time limit cut the search short: a "
                                                          "faster machine may find a cheaper route or prove this one")
    weeks: int | None = None
    hours_per_week: float | None = None
    experience_years: float | None = Field(default=None, description="the years of hands-on experience you stated")
    target: dict[str, Any] = {}
    have: list[str] = []
    constraints: dict[str, Any] = {}
    steps: list[Step] = []
    subscriptions: list[SubscriptionCost] = Field(default=[], description="the monthly subscriptions the route "
                                                                          "pays; their cost is in total_cost_usd")
    unreachable: list[Unreachable] = []
    goals: list[GoalItem] = []
    schedule: list[Week] = []
    warnings: list[str] = []
    alternatives: list[Plan] = []
    solve_ms: float = 0.0

    @property
    def value(self) -> float:
        """The route's total in its own objective (hours, USD or steps)."""
        totals = {"hours": self.total_hours, "cost": self.total_cost_usd, "steps": float(self.total_steps)}
        return totals[self.objective]
