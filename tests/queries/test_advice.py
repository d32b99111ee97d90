"""The guides' advice, checked on every seed situation's planned route.

Each situation's ``expect`` holds the advice its guide gives, with the guide's
words. Every check must hold, except those the catalog records as ``differs``
(with the reason), which must still fail: a recorded difference that starts
holding, or a new one, fails this test.
"""

from __future__ import annotations

import pytest

from graph.catalog import Catalog
from graph.errors import UnknownId
from graph.models import Expectation, Situation
from loaders import load_catalog
from queries.advice import check_advice, describe, plan_situation
from queries.plan_models import Plan, Step, Unreachable

SEED = load_catalog()
NAMED_CERTS = {  # the vendor cert each guide names for a learner situation
    "data-scientist-to-engineering": "google-pmle",
    "aws-shop-engineer": "aws-mls",
    "azure-shop-engineer": "azure-ai-engineer",
    "swe-to-gcp-data-engineering": "google-pde",
    "ml-practitioner-wants-credential": "google-pmle",
    "ml-practitioner-wants-aws-credential": "aws-mls",
    "ml-practitioner-wants-azure-credential": "azure-ai-engineer",
}


@pytest.mark.parametrize("sit", SEED.situations, ids=lambda s: s.id)
def test_every_expectation_of_every_situation_holds(sit: Situation) -> None:
    assert sit.expect, f"{sit.id} carries no advice"
    route, verdicts = plan_situation(SEED, sit.id)
    assert route.optimal
    wrong = [f"{describe(v.expectation)}: {v.why}" + (" (recorded as differing, but it holds)"
                                                      if v.expectation.differs else "")
             for v in verdicts if not v.as_recorded]
    assert wrong == [], f"{sit.id}: " + " -> ".join(s.id for s in route.steps)


def test_the_named_vendor_certs_are_the_targets() -> None:
    for sid, cert in NAMED_CERTS.items():
        assert next(s for s in SEED.situations if s.id == sid).cert == cert


def test_the_new_situations_are_there() -> None:
    ids = {s.id for s in SEED.situations}
    assert {"cs-graduate-tests-out", "ds-wants-modelling-depth", "ml-practitioner-wants-aws-credential",
            "ml-practitioner-wants-azure-credential", "rl-aspirant"} <= ids


def test_only_recorded_differences_differ() -> None:
    differing = sorted((s.id, describe(e)) for s in SEED.situations for e in s.expect if e.differs)
    assert differing == [("swe-no-ml", "dl-structuring-ml-projects must come before applied-ml-python")]


# -- the checks themselves, on hand-made routes ---------------------------------------------------------
def _route(*ids: str, warnings: tuple[str, ...] = (), unreachable: tuple[tuple[str, str], ...] = ()) -> Plan:
    steps = [Step(order=n, id=i, kind="course", title=i, hours=1.0, cost_usd=0.0, gives=[], serves=[], reason="")
             for n, i in enumerate(ids, 1)]
    return Plan(feasible=not unreachable, optimal=True, objective="hours", total_hours=float(len(ids)),
                total_cost_usd=0.0, total_steps=len(ids), steps=steps, warnings=list(warnings),
                unreachable=[Unreachable(id=i, reason=r, kind="skill", importance="essential")
                             for i, r in unreachable])


def _sit(*expect: dict[str, object]) -> Situation:
    return Situation(id="s", title="S", expect=[Expectation.model_validate({"quote": "q", **e}) for e in expect])


@pytest.mark.parametrize(("check", "route", "holds"), [
    ({"must_include": ["a", "b"]}, ("a", "b"), True),
    ({"must_include": ["a", "b"]}, ("a",), False),
    ({"must_not_include": ["x"]}, ("a",), True),
    ({"must_not_include": ["x"]}, ("a", "x"), False),
    ({"must_come_before": ["a", "b"]}, ("a", "c", "b"), True),
    ({"must_come_before": ["a", "b"]}, ("b", "a"), False),
    ({"must_come_before": ["a", "b"]}, ("a",), False),
])
def test_each_check_can_fail(check: dict[str, object], route: tuple[str, ...], holds: bool) -> None:
    [verdict] = check_advice(_sit(check), _route(*route))
    assert verdict.holds is holds, verdict.why


def test_must_warn_reads_notes_and_unreachable_reasons() -> None:
    sit = _sit({"must_warn": "3+ YEARS"}, {"must_warn": "nothing teaches it at level 2"})
    said = _route("a", warnings=("x: recommends 3+ years of experience",),
                  unreachable=(("rl:2", "nothing teaches it at level 2 (courses reach level 1)"),))
    assert [v.holds for v in check_advice(sit, said)] == [True, True]
    assert [v.holds for v in check_advice(sit, _route("a"))] == [False, False]


def test_an_expectation_needs_exactly_one_check_and_a_quote() -> None:
    with pytest.raises(ValueError, match="exactly one of"):
        Expectation.model_validate({"quote": "q", "must_include": ["a"], "must_warn": "x"})
    with pytest.raises(ValueError, match="exactly one of"):
        Expectation.model_validate({"quote": "q"})
    with pytest.raises(ValueError, match="quote"):
        Expectation.model_validate({"must_include": ["a"]})


def test_an_unknown_situation_is_named_with_suggestions() -> None:
    with pytest.raises(UnknownId, match="swe-no-m"):
        plan_situation(SEED, "swe-no-m")


def test_expectations_naming_unknown_steps_are_errors(tmp_path) -> None:
    from loaders import validate_file

    data = SEED.to_dict()
    data["situations"][0]["expect"][0]["must_include"] = ["aplied-ml-python"]
    path = tmp_path / "c.json"
    import json

    path.write_text(json.dumps(data))
    report = validate_file(path)
    assert [(e.item, e.field) for e in report.errors] == [("swe-no-ml", "expect.0.must_include")]
    assert "applied-ml-python" in report.errors[0].message


def test_plan_situation_uses_the_catalog_given(seed: Catalog) -> None:
    route, verdicts = plan_situation(seed, "rl-aspirant")
    assert not route.feasible and [u.id for u in route.unreachable] == ["reinforcement-learning:2"]
    assert all(v.holds for v in verdicts)
