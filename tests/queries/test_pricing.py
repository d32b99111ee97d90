"""Subscription pricing: a route pays a subscription's whole months at the learner's pace.

The brute-force suite (test_bruteforce) checks optimality with subscriptions on
random catalogs; here, the rules on small hand-made catalogs and on the seed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from graph.catalog import Catalog
from graph.models import months_billed
from loaders.files import parse_catalog
from queries.planner import plan

MONTH = 52 / 12  # weeks


def catalog(**extra: Any) -> Catalog:
    """Skill x by a 30 h + a 20 h subscription course (two halves), or one $70 one-time course."""
    data: dict[str, Any] = {
        "subscriptions": [{"id": "monthly", "title": "Monthly access", "usd_per_month": 49}],
        "skills": [{"id": "x", "name": "X"}, {"id": "half", "name": "Half"}],
        "courses": [
            {"id": "a-part-1", "title": "Part 1", "hours": 30, "subscription": "monthly", "free_audit": True,
             "teaches": [{"skill": "half"}]},
            {"id": "a-part-2", "title": "Part 2", "hours": 20, "subscription": "monthly", "free_audit": True,
             "requires": ["half"], "teaches": [{"skill": "x", "level": 2}]},
            {"id": "b-once", "title": "One-off", "hours": 60, "cost_usd": 70, "teaches": [{"skill": "x", "level": 2}]},
        ],
        "roles": [{"id": "r", "title": "R", "needs": [{"skill": "x", "level": 2}]}],
    }
    data.update(extra)
    return Catalog.model_validate(data)


def test_months_are_whole_and_counted_at_the_pace() -> None:
    assert months_billed(50, 10) == 2  # 5 weeks = 1.15 months
    assert months_billed(50, 20) == 1  # 2.5 weeks
    assert months_billed(10 * MONTH, 10) == 1  # exactly one month is one month
    assert months_billed(0, 10) == 0


@pytest.mark.parametrize(("pace", "route", "cost"), [
    (5, ["b-once"], 70.0),  # 50 h at 5 h/week = 2.3 months = $147: the one-off course is cheaper
    (10, ["b-once"], 70.0),  # 1.15 months, billed 2 = $98
    (20, ["a-part-1", "a-part-2"], 49.0),  # 0.58 months, billed 1 = $49
])
def test_the_cheapest_route_depends_on_the_pace(pace: float, route: list[str], cost: float) -> None:
    p = plan(catalog(), role="r", objective="cost", hours_per_week=pace)
    assert p.optimal and [s.id for s in p.steps] == route and p.total_cost_usd == cost
    assert p.bound == cost


def test_budget_counts_the_billed_months() -> None:
    cat = catalog(courses=[c for c in catalog().model_dump()["courses"] if c["id"] != "b-once"])
    assert plan(cat, role="r", budget=49, hours_per_week=20).feasible
    tight = plan(cat, role="r", budget=49, hours_per_week=10)  # 2 months, $98
    assert not tight.feasible
    assert any(u.id == "budget" and "$98" in u.reason and "$98.00" not in u.reason for u in tight.unreachable)
    # a single course whose own months are over the budget is ruled out as a step
    over = plan(cat, role="r", budget=40, hours_per_week=10)
    assert not over.feasible


def test_each_step_shows_its_share_and_how_it_was_worked_out() -> None:
    p = plan(catalog(), role="r", objective="cost", hours_per_week=20)
    (bill,) = p.subscriptions
    assert (bill.id, bill.hours, bill.months_billed, bill.cost_usd) == ("monthly", 50.0, 1, 49.0)
    assert bill.months == pytest.approx(50 / 20 / MONTH, abs=1e-4)
    shares = {s.id: s.cost_usd for s in p.steps}
    assert shares == {"a-part-1": 29.4, "a-part-2": 19.6}  # by hours, adding up to the bill
    assert all("Monthly access: " in (s.cost_basis or "") and "billed as 1 month x $49" in (s.cost_basis or "")
               for s in p.steps)
    once = plan(catalog(), role="r", objective="cost", hours_per_week=10)
    assert once.subscriptions == [] and once.steps[0].cost_basis == "one-time price $70"


def test_free_only_audits_and_bills_nothing() -> None:
    p = plan(catalog(), role="r", free_only=True)
    assert p.feasible and p.total_cost_usd == 0 and p.subscriptions == []
    assert {s.cost_basis for s in p.steps} == {"audited for free (free only)"}


@pytest.mark.parametrize(("course", "message"), [
    ({"subscription": "monthy"}, "subscription 'monthy' is not in the catalog's subscriptions (did you mean monthly?)"),
    ({"subscription": "monthly", "cost_usd": 49}, "give one of the two"),
])
def test_bad_subscription_references_are_errors(course: dict[str, Any], message: str) -> None:
    data = catalog().model_dump(exclude_none=True)
    data["courses"][0].update(course)
    got, issues = parse_catalog(data, "bad.yaml")
    errors = [i for i in issues if i.severity == "error"]
    assert got is None and len(errors) == 1
    assert errors[0].item == "a-part-1" and message in errors[0].message


def test_the_seed_bills_coursera_by_the_month(seed: Catalog) -> None:
    (coursera,) = seed.subscriptions
    assert (coursera.usd_per_month, coursera.usd_per_month_max) == (49, 59)
    assert coursera.quote and "$49–59/month" in coursera.quote
    billed = [c for c in seed.courses if c.subscription == "coursera"]
    assert len(billed) == 31 and all(c.cost_usd is None and c.platform and "Coursera" in c.platform for c in billed)
    slow = plan(seed, have=["python", "sql"], role="ml-engineer-gcp", hours_per_week=5)
    fast = plan(seed, have=["python", "sql"], role="ml-engineer-gcp", hours_per_week=20)
    assert [s.id for s in slow.steps] == [s.id for s in fast.steps]  # the hours optimum does not move
    (a,), (b,) = slow.subscriptions, fast.subscriptions
    assert a.hours == b.hours and a.months_billed > b.months_billed and slow.total_cost_usd > fast.total_cost_usd
    assert slow.total_cost_usd - fast.total_cost_usd == 49 * (a.months_billed - b.months_billed)


def test_cli_table_and_json_show_the_bill(run_cli: Any) -> None:
    code, out, _ = run_cli("plan", "--role", "ml-engineer-gcp", "--have", "python,sql", "--hours-per-week", "20")
    assert code == 0
    bill = out.split("Billed monthly:\n", 1)[1].split("\n\n")[0]
    assert "Coursera paid access for steps" in bill and "at 20 h/week" in bill and "x $49 =" in bill
    assert "cost: its share by hours of Coursera paid access" in out
    code, out, _ = run_cli("plan", "--role", "ml-engineer-gcp", "--have", "python,sql", "--format", "json")
    data = json.loads(out)
    assert data["subscriptions"][0]["id"] == "coursera"
    assert round(sum(s["cost_usd"] for s in data["steps"]), 2) == data["total_cost_usd"]
    assert all(s["cost_basis"] for s in data["steps"])


def test_roles_and_gap_take_the_pace(run_cli: Any) -> None:
    costs = {}
    for pace in ("2", "40"):
        code, out, _ = run_cli("roles", "--have", "python,sql", "-k", "11", "--hours-per-week", pace,
                               "--format", "json")
        costs[pace] = {r["role"]: r["total_cost_usd"] for r in json.loads(out)["data"]}
    assert all(costs["2"][r] >= costs["40"][r] for r in costs["40"])
    assert any(costs["2"][r] > costs["40"][r] for r in costs["40"])  # slower: more months billed
    code, out, _ = run_cli("gap", "--role", "ml-engineer-gcp", "--have", "python,sql", "--hours-per-week", "5",
                    "--format", "json")
    data = json.loads(out)["plan"]
    assert data["hours_per_week"] == 5 and data["subscriptions"][0]["hours_per_week"] == 5


def test_subscription_steps_run_back_to_back_where_prerequisites_allow(seed: Catalog) -> None:
    for s in seed.situations:
        p = plan(seed, have=s.have, role=s.role, cert=s.cert, skills=s.skills or None, hours_per_week=10)
        for b in p.subscriptions:
            at = [n for n, st in enumerate(p.steps) if st.id in b.steps]
            assert at == list(range(at[0], at[0] + len(at))) or "back to back" in b.how, (s.id, at)


def test_a_bill_the_order_cannot_keep_says_so() -> None:
    # a -> free -> b: the free step must come between the two billed courses
    cat = Catalog.model_validate({
        "subscriptions": [{"id": "m", "title": "Monthly", "usd_per_month": 10}],
        "skills": [{"id": "s1", "name": "S1"}, {"id": "s2", "name": "S2"}, {"id": "s3", "name": "S3"}],
        "courses": [
            {"id": "a", "title": "A", "hours": 50, "subscription": "m", "teaches": ["s1"]},
            {"id": "f", "title": "F", "hours": 40, "cost_usd": 0, "requires": ["s1"], "teaches": ["s2"]},
            {"id": "b", "title": "B", "hours": 20, "subscription": "m", "requires": ["s2"], "teaches": ["s3"]},
        ],
        "roles": [{"id": "r", "title": "R", "needs": ["s3"]}],
    })
    p = plan(cat, role="r", hours_per_week=10)
    assert [s.id for s in p.steps] == ["a", "f", "b"]
    (bill,) = p.subscriptions
    assert bill.months_billed == 2 and bill.cost_usd == 20  # 70 h: 1.62 months back to back
    # in this order: paused between them 2 + 1 months, or kept through the free step's 40 h: 110 h, 3 months
    assert "steps 1-3 have others between them: in this order it is 3 months ($30)" in bill.how
