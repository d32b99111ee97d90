"""Experience as an input: exams over the learner's stated years are flagged, or left out on request,
and a guide's warning about an exam shows wherever the exam appears (step, target, gap, show)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graph.catalog import Catalog
from graph.errors import PlanningError
from queries.gaps import gap
from queries.planner import plan

HAVE = ["python", "sql"]


def _exam(p: Any, cert: str) -> Any:
    return next(s for s in p.steps if s.id == cert)


def _vendor_exams(seed: Catalog) -> list[Any]:
    return [x for x in seed.certs if x.kind == "vendor-exam" and x.recommended_experience_years]


def test_every_exam_over_the_stated_experience_is_flagged_and_none_under_it(seed: Catalog) -> None:
    for x in _vendor_exams(seed):
        years = x.recommended_experience_years
        below = plan(seed, have=HAVE, cert=x.id, experience_years=years - 1)
        step = _exam(below, x.id)
        assert step.recommended_experience_years == years
        flagged = [n for n in step.notes if n.startswith("over your experience")]
        assert flagged and f"{years:g}+ years" in flagged[0] and f"you have {years - 1:g}" in flagged[0]
        assert any(w.startswith(f"{x.id}: over your experience") for w in below.warnings)
        enough = plan(seed, have=HAVE, cert=x.id, experience_years=years)
        assert not _exam(enough, x.id).notes, x.id  # experienced enough: nothing to warn about
        assert not any(w.startswith(f"{x.id}:") for w in enough.warnings)
        # the route is the same either way: flagging changes no step
        assert [s.id for s in enough.steps] == [s.id for s in below.steps]


def test_without_stated_experience_the_vendor_figure_is_still_shown(seed: Catalog) -> None:
    p = plan(seed, have=HAVE, cert="google-pmle")
    notes = _exam(p, "google-pmle").notes
    assert any("recommends 3+ years of hands-on experience" in n for n in notes)


def test_respect_experience_leaves_the_exam_out_and_says_why(seed: Catalog) -> None:
    p = plan(seed, have=HAVE, cert="google-pmle", experience_years=1, respect_experience=True)
    assert not p.feasible and not p.steps
    reason = next(u.reason for u in p.unreachable if u.id == "google-pmle")
    assert "over your experience" in reason and "3+ years" in reason and "you have 1" in reason
    assert p.constraints["respect_experience"] is True
    # a role whose exam is optional: the rest of the route is still planned, without the exam
    role = plan(seed, have=HAVE, role="ml-engineer-gcp", include_optional=True, experience_years=1,
                respect_experience=True)
    assert "google-pmle" not in [s.id for s in role.steps]
    assert any(u.id == "google-pmle" and "over your experience" in u.reason for u in role.unreachable)
    assert role.steps, "the role's skills are still planned"
    # experienced enough: the exam is planned as usual
    ok = plan(seed, have=HAVE, cert="google-pmle", experience_years=3, respect_experience=True)
    assert ok.feasible and ok.steps[-1].id == "google-pmle"


@pytest.mark.parametrize(("kw", "word"), [
    ({"experience_years": -1}, "experience_years"),
    ({"experience_years": 81}, "experience_years"),
    ({"experience_years": float("nan")}, "experience_years"),
    ({"respect_experience": True}, "respect_experience needs experience_years"),
])
def test_bad_experience_arguments(seed: Catalog, kw: dict[str, Any], word: str) -> None:
    with pytest.raises(PlanningError, match=word):
        plan(seed, have=HAVE, cert="google-pmle", **kw)


def test_the_pmle_warning_appears_wherever_the_exam_does(seed: Catalog) -> None:
    words = "isn't realistic"
    pmle = seed.cert("google-pmle")
    assert pmle.caution and words in pmle.caution and pmle.provenance["caution"].source == "guide-mle-certification"
    as_step = plan(seed, have=HAVE, role="ml-engineer-gcp", include_optional=True)
    assert any(words in n for n in _exam(as_step, "google-pmle").notes)
    assert any(words in w for w in as_step.warnings)
    # the target, unreachable because of a constraint: still said
    as_target = plan(seed, have=HAVE, cert="google-pmle", experience_years=0, respect_experience=True)
    assert any(words in w for w in as_target.warnings)
    # a role's gap lists the exam with the warning
    g = gap(seed, have=HAVE, role="ml-engineer-gcp")
    item = next(i for i in g.items if i.id == "google-pmle")
    assert item.reason and words in item.reason


def test_cli_flags_the_exam_in_the_header_and_on_its_step(run_cli: Any) -> None:
    code, out, _ = run_cli("plan", "--cert", "google-pmle", "--have", "python,sql", "--experience-years", "1")
    assert code == 0
    head, _, table = out.partition("\n\n")
    step = next(line.split()[0] for line in table.splitlines() if line.split()[1:2] == ["google-pmle"])
    assert f"! step {step} google-pmle is over your experience: recommended 3+ years, you have 1" in " ".join(
        head.split())
    assert "! over your experience" in table
    code, out, _ = run_cli("show", "google-pmle")
    assert "isn't realistic" in out and "caution from: guide-mle-certification" in out
    code, out, _ = run_cli("plan", "--cert", "google-pmle", "--have", "python", "--experience-years", "1",
                       "--respect-experience", "--format", "json")
    data = json.loads(out)
    assert code == 3 and data["experience_years"] == 1 and not data["steps"]


@pytest.mark.parametrize("argv", [["--respect-experience"], ["--experience-years", "-1"],
                                  ["--experience-years", "90"], ["--experience-years", "x"]])
def test_cli_experience_usage_errors(run_cli: Any, argv: list[str]) -> None:
    code, out, err = run_cli("plan", "--cert", "google-pmle", *argv)
    assert code == 2 and out == "" and "experience" in err
