"""Tests of the synthetic catalog generator (loaders.synthetic)."""

from __future__ import annotations

import pytest

from graph.catalog import Catalog
from graph.models import AnyOf, SkillLevel
from loaders.checks import check_catalog
from loaders.synthetic import LAYERS, learners, synthetic_catalog
from queries.planner import plan
from queries.simulate import State, parse_have, simulate, unmet_goals, unmet_requirements


@pytest.fixture(scope="module")
def cat300() -> Catalog:
    return synthetic_catalog(300, seed=7)


def _members(reqs: list) -> list:
    return [m for r in reqs for m in (r.any_of if isinstance(r, AnyOf) else [r])]


def test_same_seed_same_catalog() -> None:
    a = synthetic_catalog(400, seed=3)
    b = synthetic_catalog(400, seed=3)
    assert a.to_dict() == b.to_dict()
    assert a.version == b.version
    assert learners(a, 20, seed=5) == learners(b, 20, seed=5)


def test_other_seed_other_catalog() -> None:
    assert synthetic_catalog(400, seed=3).version != synthetic_catalog(400, seed=4).version


@pytest.mark.parametrize(("n", "skills", "roles"), [(300, 60, 7), (1000, 200, 25), (50, 50, 6)])
def test_default_sizes(n: int, skills: int, roles: int) -> None:
    cat = synthetic_catalog(n, seed=0)
    counts = cat.counts()
    assert counts["skills"] == skills
    assert counts["roles"] == roles
    assert counts["courses"] == n
    assert counts["programs"] >= 2
    assert any(c.kind == "vendor-exam" for c in cat.certs)
    assert any(c.kind == "completion" for c in cat.certs)


def test_explicit_sizes() -> None:
    cat = synthetic_catalog(500, seed=1, n_skills=120, n_roles=9)
    assert cat.counts()["skills"] == 120
    assert cat.counts()["roles"] == 9
    assert cat.counts()["courses"] == 500


def test_tiny_catalog_keeps_its_backbone() -> None:
    cat = synthetic_catalog(5, seed=0)  # fewer courses than the backbone needs: raised to it
    assert len(cat.courses) > 5
    taught = {t.skill for c in cat.courses for t in c.teaches if t.level == 3}
    assert taught == set(cat.ids("skill"))


def test_bad_sizes() -> None:
    with pytest.raises(ValueError, match="n_courses"):
        synthetic_catalog(0)
    with pytest.raises(ValueError, match="n_skills"):
        synthetic_catalog(100, n_skills=3)


def test_ids_unique_across_kinds(cat300: Catalog) -> None:
    ids = [item.id for _, item in cat300.items()]
    assert len(ids) == len(set(ids))


def test_passes_integrity_checks(cat300: Catalog) -> None:
    errors = [str(i) for i in check_catalog(cat300) if i.severity == "error"]
    assert errors == []


def test_realistic_shape(cat300: Catalog) -> None:
    layer = {s.id: LAYERS.index(s.category) for s in cat300.skills}
    assert set(layer.values()) == set(range(len(LAYERS)))
    for s in cat300.skills:
        for m in _members(s.requires):
            assert layer[m.skill] < layer[s.id], f"{s.id} requires {m.skill} of a layer not below"
    assert any(isinstance(r, AnyOf) for s in cat300.skills for r in s.requires)
    assert any(isinstance(r, AnyOf) for c in cat300.courses for r in c.requires)
    for c in cat300.courses:
        assert 1 <= len(c.teaches) <= 5
        assert len({layer[t.skill] for t in c.teaches}) == 1, f"{c.id} teaches skills of several layers"
        assert 2 <= c.hours <= 120
        assert c.cost_usd is not None and (c.cost_usd == 0 or 29 <= c.cost_usd <= 399)
        assert c.provider
    hours = sorted(c.hours for c in cat300.courses)
    assert hours[len(hours) // 2] < 25 < hours[-1]  # heavy tail: median small, some long courses
    assert any(c.cost_usd == 0 for c in cat300.courses)
    assert any(c.free_audit for c in cat300.courses)
    for p in cat300.programs:
        assert 3 <= len(p.courses) <= 6
        assert all(cat300.course(cid).part_of == p.id for cid in p.courses)
    for r in cat300.roles:
        assert 5 <= len(r.needs) <= 15
        assert any(n.importance == "essential" for n in r.needs)


@pytest.mark.parametrize("seed", range(5))
def test_every_skill_reachable_at_level_3(seed: int) -> None:
    # forward closure over all courses from an empty start: every skill ends at level 3
    cat300 = synthetic_catalog(300, seed=seed)
    state, pending = State(), list(cat300.courses)
    progress = True
    while progress:
        progress = False
        for c in list(pending):
            if not unmet_requirements(cat300, c, state):
                for t in c.teaches:
                    state.learn(t.skill, t.level)
                pending.remove(c)
                progress = True
    assert {s.id: state.skills.get(s.id, 0) for s in cat300.skills} == {s.id: 3 for s in cat300.skills}


def test_every_role_planable_from_empty_have(cat300: Catalog) -> None:
    for role in cat300.roles:
        p = plan(cat300, have=[], role=role.id, objective="hours")
        assert p.feasible, (role.id, [(u.id, u.reason) for u in p.unreachable])
        assert p.unreachable == []
        check = simulate(cat300, State(), [s.id for s in p.steps])
        assert check.ok, check.problems
        skills = [(n.skill, n.level) for n in role.needs if n.importance == "essential"]
        certs = [v.cert for v in role.values if v.importance == "essential"]
        assert unmet_goals(check.state, skills, certs) == []


def test_learners(cat300: Catalog) -> None:
    pairs = learners(cat300, 25, seed=2)
    assert len(pairs) == 25
    layer = {s.id: s.category for s in cat300.skills}
    roles = set(cat300.ids("role"))
    for have, role in pairs:
        assert role in roles
        assert 2 <= len(have) <= 7
        ids = [h.split(":")[0] for h in have]
        assert len(ids) == len(set(ids))
        assert {layer[i] for i in ids} <= {"foundations", "core-ml"}
        assert any(layer[i] == "foundations" for i in ids)
        parse_have(cat300, have)  # valid "id" / "id:level" strings
    assert learners(cat300, 0, seed=2) == []


def test_learners_on_a_catalog_without_layers() -> None:
    cat = synthetic_catalog(200, seed=1)
    plain = Catalog(skills=[s.model_copy(update={"category": None}) for s in cat.skills], courses=cat.courses,
                    roles=cat.roles)
    pairs = learners(plain, 5, seed=0)
    assert len(pairs) == 5
    no_prereq = {s.id for s in plain.skills if not s.requires}
    assert all(any(h.split(":")[0] in no_prereq for h in have) for have, _ in pairs)


def test_level_requirements_are_plain_skill_levels(cat300: Catalog) -> None:
    for c in cat300.courses:
        for m in _members(c.requires):
            assert isinstance(m, SkillLevel) and 1 <= m.level <= 3
