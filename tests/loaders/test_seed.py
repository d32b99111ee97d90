"""The shipped seed catalog: clean, big enough, sourced, and every role and situation plannable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from graph.catalog import Catalog
from loaders import SEED_PATH, load_catalog, validate_file
from queries.planner import plan
from queries.simulate import parse_have, simulate, unmet_goals

GUIDE_FILES = {"000_82964f4ae92455cb.txt", "001_7964905b7fa8e159.txt", "002_0ad725eb3710e3d7.txt"}


def _check_route(cat: Catalog, have: list[str], p, role: str | None = None, cert: str | None = None) -> None:
    """Re-check a plan independently of the solver: the steps are takeable in order and reach the goal."""
    run = simulate(cat, parse_have(cat, have), [s.id for s in p.steps])
    assert run.ok, run.problems
    skills: list[tuple[str, int]] = []
    certs: list[str] = []
    if role:
        r = cat.role(role)
        skills += [(n.skill, n.level) for n in r.needs if n.importance == "essential"]
        certs += [v.cert for v in r.values if v.importance == "essential"]
    if cert:
        certs.append(cert)
    assert unmet_goals(run.state, skills, certs) == []


# -- loads clean ---------------------------------------------------------------------------------
def test_seed_file_is_shipped():
    assert SEED_PATH.name == "catalog.yaml"
    assert SEED_PATH.parent == Path(__file__).resolve().parents[2] / "loaders" / "seed"
    assert SEED_PATH.is_file()


def test_seed_validates_without_errors():
    report = validate_file(SEED_PATH)
    assert report.errors == [], "\n".join(str(e) for e in report.errors)
    assert report.ok and report.catalog is not None


def test_no_path_loads_the_seed(seed):
    assert load_catalog(SEED_PATH).to_dict() == seed.to_dict()


def test_seed_warnings_are_only_expected_gaps(seed):
    """Each warning is about a role needing an optional skill or one learnt on the job."""
    unexpected = []
    for w in seed.load_warnings:
        quoted = re.findall(r"'([^']+)'", w.message)
        ok = w.severity == "warning" and w.field == "needs" and w.item in seed.ids("role") and bool(quoted)
        if ok:
            skill = quoted[0]
            needs = [n for n in seed.role(w.item).needs if n.skill == skill]
            ok = bool(needs) and skill in seed.ids("skill") and (
                all(n.importance == "optional" for n in needs) or not seed.skill(skill).teachable)
        if not ok:
            unexpected.append(str(w))
    assert unexpected == [], "unexpected seed warnings:\n" + "\n".join(unexpected)


# -- size and content -----------------------------------------------------------------------------
def test_seed_sizes(seed):
    assert len(seed.skills) >= 50
    assert len(seed.courses) + len(seed.programs) >= 15
    assert sum(c.kind == "vendor-exam" for c in seed.certs) >= 4
    assert len(seed.roles) >= 8


def test_seed_has_the_guides_vendor_exams(seed):
    def vendor(*words: str) -> list[str]:
        return [c.id for c in seed.certs if c.kind == "vendor-exam"
                and any(w in f"{c.id} {c.name} {c.provider or ''}".casefold() for w in words)]

    assert len(vendor("google")) >= 2  # Professional ML Engineer, Professional Data Engineer
    assert vendor("aws", "amazon")
    assert vendor("azure", "microsoft")


def test_seed_has_the_learner_situations(seed):
    assert len(seed.situations) >= 5
    assert all(s.role or s.cert or s.skills for s in seed.situations)


def test_the_gcp_ml_engineer_role_exists(seed):
    assert seed.kind_of("ml-engineer-gcp") == "role"
    assert seed.role("ml-engineer-gcp").needs


# -- sources -----------------------------------------------------------------------------------------
def test_every_record_names_a_known_source(seed):
    ids = {s.id for s in seed.sources}
    assert ids
    missing = [f"{kind} {item.id}: {item.source!r}" for kind, item in seed.items() if item.source not in ids]
    assert missing == []


def test_every_situation_names_a_known_source(seed):
    ids = {s.id for s in seed.sources}
    assert [s.id for s in seed.situations if s.source not in ids] == []


def test_sources_name_the_three_guides(seed):
    named = {Path(s.file).name for s in seed.sources if s.file}
    assert named >= GUIDE_FILES


def test_sources_say_their_kind_and_untitled_guides_get_no_invented_title(seed):
    assert {s.kind for s in seed.sources} == {"guide", "public-page", "curator"}
    for s in seed.sources:
        if s.kind == "guide" and Path(s.file or "").name != "000_82964f4ae92455cb.txt":
            assert "the file has no title" in s.title, s.title  # 001 and 002 have none


def test_guide_quotes_are_verbatim():
    from loaders.provenance import guide_quotes, verify_quotes

    folder = Path("/work/shared/sources")
    if not folder.is_dir():
        pytest.skip("the shared sources folder is not on this machine")
    seed = load_catalog()
    assert len(guide_quotes(seed)) > 150
    assert verify_quotes(seed, folder) == []


def test_records_the_guides_never_name_are_not_a_guides(seed):
    guides = {s.id for s in seed.sources if s.kind == "guide"}
    for rid in ["dl-neural-networks", "dl-improving-networks", "dl-cnns", "dl-sequence-models", "spreadsheets",
                "docker", "batch-data-pipelines"]:
        assert seed.get(rid).source not in guides, rid


def test_the_guide_files_exist_where_the_design_says():
    folder = Path("/work/shared/sources")
    if not folder.is_dir():
        pytest.skip("the shared sources folder is not on this machine")
    assert {p.name for p in folder.iterdir()} >= GUIDE_FILES


# -- planning -----------------------------------------------------------------------------------------
def test_every_role_is_plannable_from_nothing(seed):
    failed = []
    for role in seed.roles:
        p = plan(seed, have=[], role=role.id)
        if not p.feasible:
            failed.append(f"{role.id}: " + "; ".join(f"{u.id}: {u.reason}" for u in p.unreachable))
            continue
        _check_route(seed, [], p, role=role.id)
    assert failed == []


def test_every_situation_plans_feasibly_and_optimally(seed):
    """Every situation plans, proven optimal; an unreachable goal only where the guide's advice warns of it."""
    failed = []
    for s in seed.situations:
        p = plan(seed, have=s.have, role=s.role, cert=s.cert, skills=s.skills or None, objective=s.objective)
        warned = [e.must_warn for e in s.expect if e.must_warn]
        if p.optimal and p.unreachable and all(any(w in u.reason for w in warned) for u in p.unreachable):
            continue
        if not (p.feasible and p.optimal):
            failed.append(f"{s.id}: feasible={p.feasible} optimal={p.optimal} "
                          + "; ".join(f"{u.id}: {u.reason}" for u in p.unreachable))
            continue
        _check_route(seed, s.have, p, role=s.role, cert=s.cert)
    assert failed == []


def test_route_to_ml_engineer_gcp_from_python_and_sql(seed):
    p = plan(seed, have=["python", "sql"], role="ml-engineer-gcp")
    assert p.feasible and p.optimal
    assert p.steps and p.total_hours > 0
    assert p.total_hours == pytest.approx(sum(s.hours for s in p.steps))
    assert p.total_steps == len(p.steps)
    assert all(s.kind in ("course", "exam") for s in p.steps)
    _check_route(seed, ["python", "sql"], p, role="ml-engineer-gcp")


def test_more_knowledge_never_costs_more(seed):
    less = plan(seed, have=["python"], role="ml-engineer-gcp")
    more = plan(seed, have=["python", "sql"], role="ml-engineer-gcp")
    assert less.feasible and more.feasible
    assert more.total_hours <= less.total_hours + 1e-9


# -- round trip ---------------------------------------------------------------------------------------
def test_seed_round_trips_through_json(seed, tmp_path):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed.to_dict()), encoding="utf-8")
    again = load_catalog(path)
    assert again.to_dict() == seed.to_dict()
    assert again.version == seed.version
