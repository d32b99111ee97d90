"""What a route costs: one-time prices, and monthly subscriptions at the learner's pace.

A course is priced once (``cost_usd``: a book, a one-off course, an exam fee)
or billed by a catalog ``subscription`` (Coursera's paid access). A route pays
each subscription ``usd_per_month`` for the whole months its courses on it
take at ``hours_per_week``, taken back to back (a month is 52/12 weeks, a part
month a month): ``usd_per_month * ceil(hours / (hours_per_week * 52/12))``.
So a route's cost is not a sum of step prices, and :class:`Billing` says what
the planner may assume about it:

* :meth:`Billing.cost` is a route's cost, exactly as the plan reports it;
* :meth:`Billing.lower` is a per-step lower bound whose sum never exceeds the
  route's cost (a subscription step's hours at the monthly rate, prorated),
  for relaxed bounds and pruning;
* :meth:`Billing.alone` is the least any route containing the step pays;
* :meth:`Billing.cheaper` says when one step costs no more than another in
  every route (for dominance; :meth:`Billing.cheaper_pairs` on arrays);
* :meth:`Billing.price` writes each step's share and how it was worked out.

Under ``free_only`` nothing is paid: courses are audited, so subscriptions
bill nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from graph.catalog import Catalog
from graph.models import WEEKS_PER_MONTH, money, whole_months
from queries._compile import Compiled
from queries.plan_models import Step, SubscriptionCost

__all__ = ["DEFAULT_PACE", "Billing", "Sub"]

DEFAULT_PACE = 10.0  # hours a week when the learner gives none (the CLI's and API's default)


@dataclass(frozen=True)
class Sub:
    """One subscription as a request sees it: its monthly price and the actions it bills."""

    id: str
    title: str
    usd_per_month: float
    hours_per_month: float
    members: frozenset[int]

    def months(self, hours: float) -> int:
        return whole_months(hours, self.hours_per_month)


@dataclass(frozen=True)
class Billing:
    once: list[float]  # per action: USD paid once (0 for subscription-billed and free actions)
    hours: list[float]
    subs: list[Sub]
    sub_of: dict[int, int]  # action -> index into subs
    pace: float
    pace_given: bool
    free_only: bool = False

    @classmethod
    def of(cls, catalog: Catalog, cp: Compiled, *, free_only: bool, hours_per_week: float | None) -> Billing:
        pace = hours_per_week or DEFAULT_PACE
        hours = [a.hours for a in cp.actions]
        if free_only:
            return cls([0.0] * len(cp.actions), hours, [], {}, pace, hours_per_week is not None, free_only=True)
        members: dict[str, set[int]] = {}
        for a in cp.actions:
            if a.subscription is not None:
                members.setdefault(a.subscription, set()).add(a.idx)
        subs = [Sub(s.id, s.title, float(s.usd_per_month), pace * WEEKS_PER_MONTH, frozenset(members[s.id]))
                for s in catalog.subscriptions if s.id in members]
        sub_of = {a: i for i, s in enumerate(subs) for a in s.members}
        once = [0.0 if a.idx in sub_of else a.cost for a in cp.actions]
        return cls(once, hours, subs, sub_of, pace, hours_per_week is not None)

    # -- what the planner may assume --------------------------------------------------
    def cost(self, steps: set[int] | list[int]) -> float:
        """The route's cost: one-time prices plus each subscription's whole months."""
        total = sum(self.once[a] for a in steps)
        per_sub = [0.0] * len(self.subs)
        for a in steps:
            i = self.sub_of.get(a)
            if i is not None:
                per_sub[i] += self.hours[a]
        return total + sum(s.usd_per_month * s.months(h) for s, h in zip(self.subs, per_sub, strict=True))

    def lower(self, a: int) -> float:
        """A share of every route's cost that sums to no more than it: subscription hours prorated."""
        i = self.sub_of.get(a)
        if i is None:
            return self.once[a]
        s = self.subs[i]
        return self.once[a] + s.usd_per_month * self.hours[a] / s.hours_per_month

    def alone(self, a: int) -> float:
        """The least a route containing ``a`` pays, and the most ``a`` adds to any route's cost
        (its hours start at most ceil(h/M) new months)."""
        i = self.sub_of.get(a)
        return self.once[a] + (self.subs[i].usd_per_month * self.subs[i].months(self.hours[a]) if i is not None
                               else 0.0)

    def cheaper(self, b: int, a: int) -> bool:
        """``b`` adds no more than ``a`` to the cost of any route without either."""
        ib, ia = self.sub_of.get(b), self.sub_of.get(a)
        if ib is not None and ib == ia:
            return self.once[b] <= self.once[a] and self.hours[b] <= self.hours[a]
        return self.alone(b) <= self.once[a]

    def cheaper_pairs(self, b: np.ndarray, a: np.ndarray) -> np.ndarray:
        """:meth:`cheaper` for each pair ``(b[i], a[i])`` of action numbers."""
        once, hours, alone, sub = self._arrays
        same = (sub[b] == sub[a]) & (sub[b] >= 0)
        return np.where(same, (once[b] <= once[a]) & (hours[b] <= hours[a]), alone[b] <= once[a])

    @functools.cached_property
    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per action: one-time price, hours, :meth:`alone` and subscription (-1: none), once."""
        once = np.array(self.once, dtype=np.float64)
        alone = once.copy()
        sub = np.full(len(self.once), -1, dtype=np.int64)
        for a, i in self.sub_of.items():
            sub[a] = i
            alone[a] = self.alone(a)
        return once, np.array(self.hours, dtype=np.float64), alone, sub

    # -- what the plan shows --------------------------------------------------------------
    def price(self, steps: list[Step], action_of: dict[str, int]) -> list[SubscriptionCost]:
        """Set each subscription step's cost to its share of the months billed (by hours,
        cents rounded so the shares add up) with how it was worked out; return the bills."""
        pace = f"{self.pace:g} h/week" + ("" if self.pace_given else " (the default pace)")
        bills = []
        for i, s in enumerate(self.subs):
            mine = [st for st in steps if self.sub_of.get(action_of[st.id]) == i]
            if not mine:
                continue
            hours = sum(st.hours for st in mine)
            months = s.months(hours)
            billed = round(s.usd_per_month * months, 2)
            exact = hours / s.hours_per_month
            how = (f"{hours:g} h at {pace} = {hours / self.pace:.1f} weeks = {exact:.2f} months, billed as "
                   f"{months} month{'' if months == 1 else 's'} x {money(s.usd_per_month)} = {money(billed)}")
            apart = _apart(steps, mine, s, months)
            if apart:
                how += apart
            left = billed
            for n, st in enumerate(mine):
                share = left if n == len(mine) - 1 else round(billed * st.hours / hours, 2) if hours else 0.0
                left = round(left - share, 2)
                st.cost_usd = share
                st.cost_basis = (f"{s.title}: {st.hours:g} of the route's {hours:g} h on it; {how}; "
                                 f"this step's share by hours {money(share)}")
            bills.append(SubscriptionCost(id=s.id, title=s.title, usd_per_month=s.usd_per_month, hours=hours,
                                          hours_per_week=self.pace, months=round(exact, 4), months_billed=months,
                                          cost_usd=billed, steps=[st.id for st in mine], how=how))
        for st in steps:
            if st.cost_basis is None:
                st.cost_basis = _one_time(st, self.free_only)
        return bills


def _apart(steps: list[Step], mine: list[Step], sub: Sub, months: int) -> str:
    """What taking the subscription's steps in the route's order costs when other steps come between them."""
    position = {st.id: n for n, st in enumerate(steps)}
    at = sorted(position[st.id] for st in mine)
    if at[-1] - at[0] + 1 == len(at):
        return ""
    through = sub.months(sum(st.hours for st in steps[at[0]:at[-1] + 1]))
    runs: list[float] = []
    for n, i in enumerate(at):
        if n and i == at[n - 1] + 1:
            runs[-1] += steps[i].hours
        else:
            runs.append(steps[i].hours)
    paused = sum(sub.months(h) for h in runs)
    least = min(through, paused)
    if least <= months:
        return ""
    return (f"; the bill assumes they are taken back to back, but steps {at[0] + 1}-{at[-1] + 1} have others "
            f"between them: in this order it is {least} months ({money(sub.usd_per_month * least)}) unless you "
            "take them together")


def _one_time(st: Step, free_only: bool) -> str:
    if st.cost_usd is None:
        return "no price in the catalog; counted as $0"
    if st.cost_usd == 0:
        return "audited for free (free only)" if free_only and st.free_audit else "free"
    return f"{'exam fee' if st.kind == 'exam' else 'one-time price'} {money(st.cost_usd)}"
