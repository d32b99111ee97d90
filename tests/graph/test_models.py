"""The catalog models: shorthand normalisation, limits, ids, extra keys, round trips."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from graph.catalog import Catalog
from graph.models import (
    ID_PATTERN,
    AnyOf,
    Cert,
    CertRef,
    CertValue,
    Course,
    Need,
    Program,
    Role,
    Situation,
    Skill,
    SkillLevel,
    Source,
    format_level_ref,
    parse_level_ref,
)

HYPO = settings(max_examples=60, deadline=None, database=None)


def is_valid_id(value: str) -> bool:
    """What the models' ``pattern`` accepts (the library's own helper was unused, so it went)."""
    return re.fullmatch(ID_PATTERN, value) is not None


# -- shorthand normalisation -------------------------------------------------------
def test_bare_ids_in_requires_become_level_one_skills():
    s = Skill(id="gd", name="Gradient descent", requires=["calculus", "algebra"])
    assert s.requires == [SkillLevel(skill="calculus", level=1), SkillLevel(skill="algebra", level=1)]


def test_any_of_group_normalises_its_members():
    s = Skill(id="ml", name="ML", requires=[{"any_of": ["algebra", {"skill": "statistics", "level": 2}]}])
    (group,) = s.requires
    assert isinstance(group, AnyOf)
    assert group.any_of == [SkillLevel(skill="algebra"), SkillLevel(skill="statistics", level=2)]


def test_id_form_is_a_skill_reference():
    s = Skill(id="ml", name="ML", requires=[{"id": "python", "level": 2}, {"any_of": [{"id": "sql", "level": 3}]}])
    assert s.requires[0] == SkillLevel(skill="python", level=2)
    assert s.requires[1] == AnyOf(any_of=[SkillLevel(skill="sql", level=3)])
    c = Course(id="c", title="C", hours=1, teaches=[{"id": "python", "level": 3}])
    assert c.teaches == [SkillLevel(skill="python", level=3)]


def test_explicit_cert_reference_in_requires():
    c = Course(id="c", title="C", hours=1, requires=[{"cert": "google-pmle"}])
    assert c.requires == [CertRef(cert="google-pmle")]


def test_teaches_shorthand():
    c = Course(id="c", title="C", hours=1, teaches=["linear-regression", {"skill": "gradient-descent", "level": 2}])
    assert c.teaches == [SkillLevel(skill="linear-regression", level=1), SkillLevel(skill="gradient-descent", level=2)]


def test_needs_and_values_shorthand():
    r = Role(id="r", title="R",
             needs=["python", {"skill": "vertex-ai", "level": 2}, {"skill": "mlflow", "importance": "optional"}],
             values=["google-pmle", {"cert": "aws-mls", "importance": "optional"}])
    assert r.needs == [
        Need(skill="python", level=1, importance="essential"),
        Need(skill="vertex-ai", level=2, importance="essential"),
        Need(skill="mlflow", level=1, importance="optional"),
    ]
    assert r.values == [CertValue(cert="google-pmle", importance="essential"),
                        CertValue(cert="aws-mls", importance="optional")]


def test_cert_ids_in_requires_become_cert_refs_in_a_catalog():
    cat = Catalog(
        skills=[Skill(id="python", name="Python", requires=["pmle"])],
        courses=[Course(id="c", title="C", hours=1, requires=["python", "pmle", {"any_of": ["pmle", "python"]}])],
        certs=[Cert(id="pmle", name="PMLE", requires=["pde"]), Cert(id="pde", name="PDE")],
    )
    assert cat.skill("python").requires == [CertRef(cert="pmle")]
    assert cat.course("c").requires == [
        SkillLevel(skill="python"),
        CertRef(cert="pmle"),
        AnyOf(any_of=[CertRef(cert="pmle"), SkillLevel(skill="python")]),
    ]
    assert cat.cert("pmle").requires == [CertRef(cert="pde")]


def test_catalog_without_certs_keeps_skill_requirements():
    cat = Catalog(skills=[Skill(id="a", name="A", requires=["b"]), Skill(id="b", name="B")])
    assert cat.skill("a").requires == [SkillLevel(skill="b")]


# -- limits ----------------------------------------------------------------------------
@pytest.mark.parametrize("level", [0, 4, -1, 7])
def test_levels_outside_one_to_three_are_rejected_everywhere(level):
    with pytest.raises(ValidationError):
        SkillLevel(skill="x", level=level)
    with pytest.raises(ValidationError):
        Skill(id="s", name="S", requires=[{"skill": "x", "level": level}])
    with pytest.raises(ValidationError):
        Skill(id="s", name="S", requires=[{"any_of": [{"skill": "x", "level": level}]}])
    with pytest.raises(ValidationError):
        Course(id="c", title="C", hours=1, teaches=[{"skill": "x", "level": level}])
    with pytest.raises(ValidationError):
        Role(id="r", title="R", needs=[{"skill": "x", "level": level}])


@HYPO
@given(st.integers(min_value=1, max_value=3))
def test_levels_one_to_three_are_accepted(level):
    assert Need(skill="x", level=level).level == level
    assert Course(id="c", title="C", hours=1, teaches=[{"skill": "x", "level": level}]).teaches[0].level == level


@HYPO
@given(st.integers().filter(lambda n: not 1 <= n <= 3))
def test_any_other_level_is_rejected(level):
    with pytest.raises(ValidationError):
        Need(skill="x", level=level)


def test_negative_hours_are_rejected():
    with pytest.raises(ValidationError) as info:
        Course(id="c", title="C", hours=-1)
    assert info.value.errors()[0]["loc"] == ("hours",)
    with pytest.raises(ValidationError):
        Cert(id="x", name="X", prep_hours=-5)
    with pytest.raises(ValidationError):
        Course(id="c", title="C", hours=1, cost_usd=-10)


def test_missing_hours_are_rejected():
    with pytest.raises(ValidationError) as info:
        Course.model_validate({"id": "c", "title": "C"})
    (e,) = info.value.errors()
    assert e["loc"] == ("hours",) and e["type"] == "missing"


def test_zero_hours_is_fine():
    assert Course(id="c", title="C", hours=0).hours == 0


def test_importance_must_be_essential_or_optional():
    with pytest.raises(ValidationError):
        Need(skill="x", importance="nice-to-have")
    with pytest.raises(ValidationError):
        CertValue(cert="x", importance="maybe")


def test_empty_any_of_is_rejected():
    with pytest.raises(ValidationError):
        Skill(id="s", name="S", requires=[{"any_of": []}])


def test_program_needs_courses():
    with pytest.raises(ValidationError):
        Program(id="p", title="P", courses=[])


def test_cert_kind_is_vendor_exam_or_completion():
    assert Cert(id="x", name="X").kind == "vendor-exam"
    assert Cert(id="x", name="X", kind="completion", program="p").kind == "completion"
    with pytest.raises(ValidationError):
        Cert(id="x", name="X", kind="badge")


def test_skill_requirement_keys_are_closed():
    with pytest.raises(ValidationError):
        Skill(id="s", name="S", requires=[{"skill": "x", "lvl": 2}])


# -- ids ---------------------------------------------------------------------------------
GOOD_IDS = ["a", "0", "python", "ml-spec-supervised", "scikit-learn.1", "a_b", "9x", "a--b"]
BAD_IDS = ["", "Python", "-a", ".a", "_a", "a b", "a/b", "é", "a:b", "abc\n", " a", "ML"]


@pytest.mark.parametrize("good", GOOD_IDS)
def test_valid_ids(good):
    assert Skill(id=good, name="x").id == good
    assert is_valid_id(good)


@pytest.mark.parametrize("bad", BAD_IDS)
def test_invalid_ids_are_rejected(bad):
    for make in (lambda: Skill(id=bad, name="x"), lambda: Course(id=bad, title="x", hours=1),
                 lambda: Role(id=bad, title="x"), lambda: Situation(id=bad, title="x"),
                 lambda: Source(id=bad, title="x")):
        with pytest.raises(ValidationError):
            make()


@pytest.mark.parametrize("bad", BAD_IDS)
def test_is_valid_id_agrees_with_the_models(bad):
    # is_valid_id must refuse exactly what the models refuse (incl. a trailing newline).
    assert not is_valid_id(bad)


@HYPO
@given(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,40}", fullmatch=True))
def test_ids_matching_the_pattern_are_accepted(value):
    assert Skill(id=value, name="n").id == value
    assert is_valid_id(value)


def test_id_pattern_is_the_documented_slug():
    assert ID_PATTERN == r"^[a-z0-9][a-z0-9._-]*$"


# -- extra keys, labels, round trips ----------------------------------------------------
def test_extra_keys_are_kept():
    s = Skill(id="s", name="S", difficulty="hard", tags=["x", "y"])
    assert s.model_extra == {"difficulty": "hard", "tags": ["x", "y"]}
    c = Course(id="c", title="C", hours=3, language="en")
    assert c.model_extra == {"language": "en"}


def test_records_are_immutable():
    s = Skill(id="s", name="S")
    with pytest.raises(ValidationError):
        s.name = "T"  # type: ignore[misc]


def test_label_prefers_title_then_name():
    assert Course(id="c", title="A course", hours=1).label == "A course"
    assert Skill(id="s", name="A skill").label == "A skill"


def test_is_free():
    assert Course(id="c", title="C", hours=1, cost_usd=0).is_free
    assert Course(id="c", title="C", hours=1, cost_usd=49, free_audit=True).is_free
    assert not Course(id="c", title="C", hours=1, cost_usd=49).is_free
    assert not Course(id="c", title="C", hours=1).is_free  # price unknown


def _rich_catalog() -> Catalog:
    return Catalog.model_validate({
        "name": "rich",
        "curator": "someone",  # extra top-level key
        "sources": [{"id": "guide", "title": "Guide", "file": "g.txt", "pages": 3}],
        "skills": [
            {"id": "python", "name": "Python", "aliases": ["py"], "source": "guide", "difficulty": "easy"},
            {"id": "stats", "name": "Stats"},
            {"id": "ml", "name": "ML", "requires": ["python", {"any_of": ["stats", {"id": "python", "level": 2}]}]},
            {"id": "ops", "name": "Ops", "teachable": False},
        ],
        "courses": [
            {"id": "c1", "title": "C1", "hours": 10.5, "cost_usd": 49, "free_audit": True, "requires": ["python"],
             "teaches": ["stats", {"skill": "ml", "level": 2}], "part_of": "p", "prepares_for": ["pmle"],
             "language": "en", "modules": [{"n": 1}, {"n": 2}]},
            {"id": "c2", "title": "C2", "hours": 0, "requires": ["pmle"], "teaches": [{"id": "ml", "level": 3}],
             "part_of": "p"},
        ],
        "programs": [{"id": "p", "title": "P", "courses": ["c1", "c2"], "badge": True}],
        "certs": [
            {"id": "pmle", "name": "PMLE", "exam_cost_usd": 200, "prep_hours": 80, "requires": ["ml"],
             "validates": ["ml"], "retake_days": 14},
            {"id": "p-cert", "name": "P cert", "kind": "completion", "program": "p"},
        ],
        "roles": [{"id": "r", "title": "R", "needs": ["python", {"skill": "ml", "level": 2},
                                                         {"skill": "ops", "importance": "optional"}],
                   "values": [{"cert": "pmle", "importance": "optional"}], "seniority": "mid"}],
        "situations": [{"id": "s", "title": "S", "have": ["python:2"], "role": "r", "persona": "x"}],
    })


def test_extra_keys_round_trip_through_to_dict():
    cat = _rich_catalog()
    data = cat.to_dict()
    assert data["skills"][0]["difficulty"] == "easy"
    assert data["courses"][0]["modules"] == [{"n": 1}, {"n": 2}]
    assert data["programs"][0]["badge"] is True
    assert data["certs"][0]["retake_days"] == 14
    assert data["roles"][0]["seniority"] == "mid"
    assert data["situations"][0]["persona"] == "x"
    assert data["sources"][0]["pages"] == 3
    assert data["curator"] == "someone"
    again = Catalog.model_validate(data)
    assert again == cat
    assert again.to_dict() == data
    assert again.version == cat.version


def test_round_trip_keeps_cert_refs_and_groups():
    cat = _rich_catalog()
    again = Catalog.model_validate(cat.to_dict())
    assert again.course("c2").requires == [CertRef(cert="pmle")]
    assert again.skill("ml").requires[1] == AnyOf(
        any_of=[SkillLevel(skill="stats"), SkillLevel(skill="python", level=2)])
    assert again.skill("ops").teachable is False
    assert again.cert("p-cert").kind == "completion"


_ids = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)


@st.composite
def catalogs(draw):
    skill_ids = draw(st.lists(_ids, min_size=1, max_size=6, unique=True))
    cert_ids = [f"cert-{i}" for i in range(draw(st.integers(0, 2)))]
    refs = st.sampled_from(skill_ids + cert_ids)
    level = st.integers(1, 3)
    atom = st.one_of(refs, st.builds(lambda s, lv: {"skill": s, "level": lv}, st.sampled_from(skill_ids), level),
                     st.builds(lambda s, lv: {"id": s, "level": lv}, st.sampled_from(skill_ids), level))
    req = st.one_of(atom, st.builds(lambda m: {"any_of": m}, st.lists(atom, min_size=1, max_size=3)))
    skills = [{"id": s, "name": s.upper(), "requires": draw(st.lists(req, max_size=2))} for s in skill_ids]
    courses = [{"id": f"course-{i}", "title": f"Course {i}", "hours": draw(st.integers(0, 100)),
                "cost_usd": draw(st.one_of(st.none(), st.integers(0, 500))),
                "requires": draw(st.lists(req, max_size=3)),
                "teaches": draw(st.lists(atom.filter(lambda a: not (isinstance(a, str) and a in cert_ids)),
                                         max_size=3)),
                "extra_field": draw(st.integers())}
               for i in range(draw(st.integers(0, 4)))]
    certs = [{"id": c, "name": c, "requires": draw(st.lists(req, max_size=2))} for c in cert_ids]
    roles = [{"id": "role", "title": "Role", "needs": draw(st.lists(st.sampled_from(skill_ids), max_size=3)),
              "values": cert_ids[:1]}]
    return {"skills": skills, "courses": courses, "certs": certs, "roles": roles}


@HYPO
@given(catalogs())
def test_any_catalog_round_trips(data):
    cat = Catalog.model_validate(data)
    again = Catalog.model_validate(cat.to_dict())
    assert again == cat
    assert again.version == cat.version
    # no requirement that names a cert is left as a skill reference
    cert_ids = set(cat.ids("cert"))
    items: list[Skill | Course | Cert] = [*cat.skills, *cat.courses, *cat.certs]
    for item in items:
        for r in item.requires:
            for m in r.any_of if isinstance(r, AnyOf) else [r]:
                assert not (isinstance(m, SkillLevel) and m.skill in cert_ids)


# -- level refs ("id:level") ------------------------------------------------------------------
@HYPO
@given(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,40}", fullmatch=True), st.one_of(st.none(), st.integers(1, 3)))
def test_level_refs_round_trip(id_, level):
    text = format_level_ref(id_, level)
    assert text == (id_ if level is None else f"{id_}:{level}")
    ref = parse_level_ref(text)
    assert ref.id == id_ and ref.level == level
    assert format_level_ref(ref.id, ref.level) == text
    implied = parse_level_ref(format_level_ref(id_, level, implied=1))
    assert implied.id == id_ and implied.level == (None if level in (None, 1) else level)


@pytest.mark.parametrize("bad", ["sql:0", "sql:4", "sql:x", "sql:2.5"])
def test_a_bad_level_is_found_when_the_level_is_read(bad):
    ref = parse_level_ref(bad)
    assert ref.id == "sql"  # the id is usable before the level is checked
    with pytest.raises(ValueError, match="the level must be 1, 2 or 3"):
        ref.level  # noqa: B018


def test_an_empty_level_is_no_level():
    assert parse_level_ref("sql:").level is None and parse_level_ref("sql:").id == "sql"
