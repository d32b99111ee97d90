"""A route laid out week by week at the learner's pace."""

from __future__ import annotations

import math

from queries.plan_models import Plan, Week

__all__ = ["schedule"]


def schedule(plan: Plan, per_week: float) -> None:
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
