"""The Catalog: lookup, search, the typed graph, neighbours and the content version."""

from __future__ import annotations

import copy
from typing import Any

import networkx as nx
import pytest

from graph.catalog import KINDS, Catalog
from graph.errors import SkillGraphError, UnknownId
from graph.models import Cert, Course, Program, Role, Skill

DATA: dict[str, Any] = {
    "name": "tiny",
    "skills": [
        {"id": "python", "name": "Python", "aliases": ["py3", "CPython"]},
        {"id": "statistics", "name": "Statistics"},
        {"id": "linear-algebra", "name": "Linear algebra", "aliases": ["matrices"]},
        {"id": "ml-basics", "name": "Machine learning basics",
         "requires": ["python", {"any_of": ["statistics", {"skill": "linear-algebra", "level": 2}]}]},
        {"id": "mlops", "name": "MLOps", "requires": [{"skill": "ml-basics", "level": 2}]},
        {"id": "cloud-ml", "name": "Cloud ML", "requires": ["ml-basics"]},
    ],
    "courses": [
        {"id": "stats-course", "title": "Statistics for everyone", "hours": 10, "cost_usd": 30,
         "teaches": ["statistics"]},
        {"id": "ml-a", "title": "ML A", "hours": 30, "cost_usd": 49, "requires": ["python"],
         "teaches": [{"skill": "ml-basics", "level": 2}]},
        {"id": "mlops-c", "title": "MLOps course", "hours": 15, "cost_usd": 60, "teaches": ["mlops"],
         "part_of": "prog"},
        {"id": "cloud-c", "title": "Cloud ML course", "hours": 25, "cost_usd": 80, "teaches": ["cloud-ml"],
         "part_of": "prog", "prepares_for": ["cloud-cert"]},
        {"id": "advanced", "title": "Advanced", "hours": 5, "requires": ["cloud-cert"], "teaches": ["mlops"]},
    ],
    "programs": [{"id": "prog", "title": "Cloud program", "courses": ["mlops-c", "cloud-c"]}],
    "certs": [
        {"id": "cloud-cert", "name": "Cloud Cert", "exam_cost_usd": 200, "prep_hours": 10,
         "requires": ["cloud-ml"], "validates": ["cloud-ml"]},
        {"id": "prog-cert", "name": "Program certificate", "kind": "completion", "program": "prog"},
    ],
    "roles": [
        {"id": "ml-eng", "title": "ML engineer",
         "needs": ["python", {"skill": "ml-basics", "level": 2}, {"skill": "mlops", "importance": "optional"}],
         "values": [{"cert": "cloud-cert", "importance": "optional"}]},
        {"id": "cloud-eng", "title": "Cloud engineer", "needs": ["cloud-ml"], "values": ["cloud-cert"]},
    ],
}


@pytest.fixture
def cat() -> Catalog:
    return Catalog.model_validate(copy.deepcopy(DATA))


def edges(cat: Catalog, src: str, dst: str, type_: str) -> list[dict]:
    return [d for _, v, d in cat.graph.out_edges(src, data=True) if v == dst and d["type"] == type_]


# -- lookup --------------------------------------------------------------------------------
def test_get_returns_the_record(cat):
    assert isinstance(cat.get("python"), Skill)
    assert isinstance(cat.get("ml-a"), Course)
    assert isinstance(cat.get("prog"), Program)
    assert isinstance(cat.get("cloud-cert"), Cert)
    assert isinstance(cat.get("ml-eng"), Role)
    assert cat.get("ml-a", "course").title == "ML A"
    assert cat.skill("python").name == "Python"
    assert cat.course("ml-a").hours == 30
    assert cat.program("prog").courses == ["mlops-c", "cloud-c"]
    assert cat.cert("cloud-cert").exam_cost_usd == 200
    assert cat.role("ml-eng").title == "ML engineer"


def test_kind_of(cat):
    assert [cat.kind_of(i) for i in ("python", "ml-a", "prog", "cloud-cert", "prog-cert", "ml-eng")] == [
        "skill", "course", "program", "cert", "cert", "role"]


def test_ids_in_file_order(cat):
    assert cat.ids("skill") == ["python", "statistics", "linear-algebra", "ml-basics", "mlops", "cloud-ml"]
    assert cat.ids("role") == ["ml-eng", "cloud-eng"]
    everything = cat.ids()
    assert len(everything) == sum(cat.counts().values()) == 16
    assert everything[:6] == cat.ids("skill")
    assert set(everything) == {i for k in KINDS for i in cat.ids(k)}


def test_contains_and_items(cat):
    assert "python" in cat and "prog" in cat
    assert "nope" not in cat
    kinds = [k for k, _ in cat.items()]
    assert kinds == ["skill"] * 6 + ["course"] * 5 + ["program"] + ["cert"] * 2 + ["role"] * 2


def test_counts(cat):
    assert cat.counts() == {"skills": 6, "courses": 5, "programs": 1, "certs": 2, "roles": 2}


def test_unknown_id_suggests_close_ids(cat):
    with pytest.raises(UnknownId) as info:
        cat.get("pyhton")
    err = info.value
    assert isinstance(err, SkillGraphError) and isinstance(err, KeyError)
    assert err.id == "pyhton"
    assert "python" in err.suggestions
    assert "unknown id 'pyhton'" in str(err) and "did you mean" in str(err) and "python" in str(err)


def test_unknown_id_of_a_kind_names_the_kind(cat):
    with pytest.raises(UnknownId, match=r"unknown role 'ml-engg' \(did you mean ml-eng"):
        cat.role("ml-engg")
    with pytest.raises(UnknownId, match="unknown course 'python'"):
        cat.get("python", "course")  # exists, but is a skill
    with pytest.raises(UnknownId):
        cat.kind_of("nothing-like-it-xyz")


def test_unknown_id_without_anything_close_has_no_hint(cat):
    with pytest.raises(UnknownId) as info:
        cat.get("zzzzzzzz")
    assert "did you mean" not in str(info.value)
    assert info.value.suggestions == []


def test_find_searches_ids_titles_and_aliases(cat):
    assert [i.id for i in cat.find("CPYTHON")] == ["python"]  # alias, case-insensitive
    assert [i.id for i in cat.find("matrices")] == ["linear-algebra"]
    assert [i.id for i in cat.find("everyone")] == ["stats-course"]  # title
    assert {i.id for i in cat.find("stat")} == {"statistics", "stats-course"}
    assert [i.id for i in cat.find("stat", kind="course")] == ["stats-course"]
    assert cat.find("no-such-text") == []


# -- the graph ------------------------------------------------------------------------------
def test_graph_nodes_are_typed(cat):
    g = cat.graph
    assert isinstance(g, nx.MultiDiGraph)
    assert set(g.nodes) == set(cat.ids())
    assert g.nodes["python"]["type"] == "skill"
    assert g.nodes["ml-a"]["type"] == "course"
    assert g.nodes["prog"]["type"] == "program"
    assert g.nodes["cloud-cert"]["type"] == "cert"
    assert g.nodes["ml-eng"]["type"] == "role"
    assert g.nodes["ml-a"]["label"] == "ML A"


def test_requires_edges_carry_level_and_any_of_group(cat):
    (plain,) = edges(cat, "ml-basics", "python", "REQUIRES")
    assert plain["level"] == 1 and "group" not in plain
    (stats,) = edges(cat, "ml-basics", "statistics", "REQUIRES")
    (la,) = edges(cat, "ml-basics", "linear-algebra", "REQUIRES")
    assert la["level"] == 2
    assert stats["group"] == la["group"]  # same group value = alternatives
    (mlops,) = edges(cat, "mlops", "ml-basics", "REQUIRES")
    assert mlops["level"] == 2


def test_separate_any_of_groups_get_different_markers():
    cat = Catalog.model_validate({"skills": [
        {"id": "a", "name": "A", "requires": [{"any_of": ["b", "c"]}, {"any_of": ["c", "d"]}, "b"]},
        {"id": "b", "name": "B"}, {"id": "c", "name": "C"}, {"id": "d", "name": "D"}]})
    groups = {(v, d.get("group")) for _, v, d in cat.graph.out_edges("a", data=True)}
    g_b = {g for v, g in groups if v == "b" and g}
    g_d = {g for v, g in groups if v == "d"}
    assert len(g_b) == 1 and len(g_d) == 1 and g_b != g_d
    assert {g for v, g in groups if v == "c"} == g_b | g_d
    assert ("b", None) in groups  # the plain requirement is kept apart from the group


def test_requires_edge_to_a_cert(cat):
    (e,) = edges(cat, "advanced", "cloud-cert", "REQUIRES")
    assert e.get("level") is None


def test_teaches_edges_carry_level(cat):
    assert [e["level"] for e in edges(cat, "ml-a", "ml-basics", "TEACHES")] == [2]
    assert [e["level"] for e in edges(cat, "stats-course", "statistics", "TEACHES")] == [1]


def test_part_of_edges_carry_program_order(cat):
    assert [e["order"] for e in edges(cat, "mlops-c", "prog", "PART_OF")] == [0]
    assert [e["order"] for e in edges(cat, "cloud-c", "prog", "PART_OF")] == [1]


def test_other_edge_types(cat):
    assert edges(cat, "cloud-c", "cloud-cert", "PREPARES_FOR")
    assert edges(cat, "cloud-cert", "cloud-ml", "VALIDATES")
    assert edges(cat, "prog-cert", "prog", "AWARDED_FOR")
    (need,) = edges(cat, "ml-eng", "ml-basics", "NEEDS")
    assert need["level"] == 2 and need["importance"] == "essential"
    (opt,) = edges(cat, "ml-eng", "mlops", "NEEDS")
    assert opt["importance"] == "optional" and opt["level"] == 1
    (val,) = edges(cat, "ml-eng", "cloud-cert", "VALUES")
    assert val["importance"] == "optional"
    (val2,) = edges(cat, "cloud-eng", "cloud-cert", "VALUES")
    assert val2["importance"] == "essential"


def test_edge_types_are_the_closed_set(cat):
    types = {d["type"] for _, _, d in cat.graph.edges(data=True)}
    assert types == {"REQUIRES", "TEACHES", "PART_OF", "PREPARES_FOR", "VALIDATES", "NEEDS", "VALUES",
                     "AWARDED_FOR"}


# -- neighbours -------------------------------------------------------------------------------
def ids_of(rel: list[dict]) -> list[str]:
    return [x["id"] for x in rel]


def test_neighbours_of_a_skill(cat):
    n = cat.neighbours("ml-basics")
    assert {x["id"]: x["level"] for x in n["taught_by"]} == {"ml-a": 2}
    assert set(ids_of(n["requires"])) == {"python", "statistics", "linear-algebra"}
    assert set(ids_of(n["required_by"])) == {"mlops", "cloud-ml"}
    assert n["needed_by"] == [{"id": "ml-eng", "level": 2, "importance": "essential"}]
    assert set(ids_of(cat.neighbours("cloud-ml")["validated_by"])) == {"cloud-cert"}


def test_neighbours_of_a_course(cat):
    n = cat.neighbours("cloud-c")
    assert n["teaches"] == [{"id": "cloud-ml", "level": 1}]
    assert n["part_of"] == [{"id": "prog", "order": 1}]
    assert n["prepares_for"] == [{"id": "cloud-cert"}]
    assert ids_of(cat.neighbours("ml-a")["requires"]) == ["python"]


def test_neighbours_of_a_program(cat):
    n = cat.neighbours("prog")
    assert n["has_part"] == [{"id": "mlops-c", "order": 0}, {"id": "cloud-c", "order": 1}]
    assert ids_of(n["awards"]) == ["prog-cert"]


def test_neighbours_of_a_cert(cat):
    n = cat.neighbours("cloud-cert")
    assert ids_of(n["prepared_by"]) == ["cloud-c"]
    assert ids_of(n["validates"]) == ["cloud-ml"]
    assert ids_of(n["requires"]) == ["cloud-ml"]
    assert ids_of(n["required_by"]) == ["advanced"]
    assert {x["id"]: x["importance"] for x in n["valued_by"]} == {"ml-eng": "optional", "cloud-eng": "essential"}


def test_neighbours_of_a_role(cat):
    n = cat.neighbours("ml-eng")
    assert ids_of(n["needs"]) == ["python", "ml-basics", "mlops"]
    assert n["values"] == [{"id": "cloud-cert", "importance": "optional"}]


def test_neighbours_of_an_unknown_id(cat):
    with pytest.raises(UnknownId, match="did you mean"):
        cat.neighbours("pythn")


def test_teachers_index(cat):
    assert cat.teachers["mlops"] == [("mlops-c", 1), ("advanced", 1)]
    assert "linear-algebra" not in cat.teachers


def test_program_position(cat):
    assert cat.program_position("cloud-c") == ("prog", 1)
    assert cat.program_position("ml-a") is None


# -- version ----------------------------------------------------------------------------------
def test_version_is_stable(cat):
    other = Catalog.model_validate(copy.deepcopy(DATA))
    assert cat.version == other.version
    assert cat.version == cat.version
    assert len(cat.version) == 12 and int(cat.version, 16) >= 0


def test_version_is_content_sensitive():
    base = Catalog.model_validate(copy.deepcopy(DATA)).version
    changed = copy.deepcopy(DATA)
    changed["courses"][0]["hours"] = 11
    assert Catalog.model_validate(changed).version != base
    renamed = copy.deepcopy(DATA)
    renamed["skills"][0]["name"] = "Python 3"
    assert Catalog.model_validate(renamed).version != base
    leveled = copy.deepcopy(DATA)
    leveled["roles"][0]["needs"][1]["level"] = 3
    assert Catalog.model_validate(leveled).version != base


def test_version_ignores_spelling_of_defaults():
    # Shorthand and its long form are the same content.
    short = copy.deepcopy(DATA)
    long = copy.deepcopy(DATA)
    long["courses"][0]["teaches"] = [{"skill": "statistics", "level": 1}]
    long["roles"][1]["needs"] = [{"skill": "cloud-ml", "level": 1, "importance": "essential"}]
    assert Catalog.model_validate(short).version == Catalog.model_validate(long).version


def test_to_dict_round_trips(cat):
    again = Catalog.model_validate(cat.to_dict())
    assert again == cat
    assert again.version == cat.version


def test_derived_values_are_cached(cat):
    calls = []

    def build(c):
        calls.append(c)
        return object()

    first = cat.derived("x", build)
    assert cat.derived("x", build) is first
    assert len(calls) == 1


def test_equality_is_by_content_not_by_cached_derived_values(cat):
    # The planner caches its compiled form with ``derived``; that must not make a
    # catalog unequal to another with the same records.
    fresh = Catalog.model_validate(copy.deepcopy(DATA))
    assert cat == fresh
    cat.graph, cat.version, cat.teachers  # noqa: B018 - cached properties
    assert cat == fresh
    cat.derived("planner.compiled", lambda c: object())
    assert cat == fresh
