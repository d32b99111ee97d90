"""Integrity checks: every error names the file, the item id and the field; warnings never block."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from graph.catalog import Catalog
from graph.errors import CatalogError, CatalogIssue, PrerequisiteCycle
from loaders import check_catalog, load_catalog, validate_file
from loaders.checks import skill_cycle

BASE = {
    "sources": [{"id": "guide", "title": "A guide"}, {"id": "other-guide", "title": "Another guide"}],
    "skills": [
        {"id": "python", "name": "Python", "source": "guide"},
        {"id": "statistics", "name": "Statistics"},
        {"id": "linear-algebra", "name": "Linear algebra"},
        {"id": "ml-basics", "name": "ML basics", "requires": ["python", {"any_of": ["statistics", "linear-algebra"]}]},
        {"id": "cloud-ml", "name": "Cloud ML", "requires": ["ml-basics"]},
    ],
    "courses": [
        {"id": "py101", "title": "Python 101", "hours": 20, "cost_usd": 0,
         "teaches": [{"skill": "python", "level": 2}]},
        {"id": "stats-course", "title": "Stats", "hours": 10, "cost_usd": 30,
         "teaches": ["statistics", "linear-algebra"]},
        {"id": "ml-a", "title": "ML A", "hours": 30, "cost_usd": 49, "requires": ["python"],
         "teaches": [{"skill": "ml-basics", "level": 2}], "part_of": "prog", "source": "guide"},
        {"id": "cloud-c", "title": "Cloud", "hours": 25, "teaches": ["cloud-ml"], "part_of": "prog",
         "prepares_for": ["cloud-cert"]},
    ],
    "programs": [{"id": "prog", "title": "Program", "courses": ["ml-a", "cloud-c"]}],
    "certs": [
        {"id": "cloud-cert", "name": "Cloud cert", "exam_cost_usd": 200, "prep_hours": 10,
         "requires": ["cloud-ml"], "validates": ["cloud-ml"]},
        {"id": "prog-cert", "name": "Program cert", "kind": "completion", "program": "prog"},
    ],
    "roles": [{"id": "cloud-eng", "title": "Cloud engineer",
               "needs": ["python", {"skill": "ml-basics", "level": 2}, "cloud-ml"], "values": ["cloud-cert"]}],
    "situations": [{"id": "swe", "title": "Software engineer", "have": ["python:2"], "role": "cloud-eng",
                    "cert": "cloud-cert"}],
}


def base() -> dict:
    return copy.deepcopy(BASE)


def record(data: dict, section: str, rid: str) -> dict:
    return next(r for r in data[section] if r["id"] == rid)


def check(tmp_path: Path, data: dict, name: str = "catalog.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path, validate_file(path)


def one(issues: list[CatalogIssue], item: str | None, field: str | None, *, contains: tuple[str, ...] = ()):
    found = [i for i in issues if i.item == item and i.field == field and all(c in i.message for c in contains)]
    assert len(found) == 1, f"expected one issue at {item}:{field} containing {contains}, got {issues}"
    return found[0]


def test_the_base_catalog_is_clean(tmp_path):
    path, report = check(tmp_path, base())
    assert report.ok, report.errors
    assert report.warnings == []
    assert load_catalog(path).load_warnings == []


# -- duplicate ids -------------------------------------------------------------------------------
def test_duplicate_id_in_one_section(tmp_path):
    data = base()
    data["skills"].append({"id": "statistics", "name": "Stats again"})
    path, report = check(tmp_path, data)
    issue = one(report.errors, "statistics", "id", contains=("duplicate id",))
    assert issue.file == str(path)
    assert str(issue) == f"{path}:statistics:id: {issue.message}"


def test_duplicate_id_across_sections(tmp_path):
    data = base()
    data["roles"].append({"id": "python", "title": "A role named like a skill", "needs": ["python"]})
    path, report = check(tmp_path, data)
    issue = one(report.errors, "python", "id", contains=("duplicate id", "skills"))
    assert issue.file == str(path)
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    assert any(i.item == "python" and i.field == "id" for i in info.value.issues)


# -- unknown references --------------------------------------------------------------------------
UNKNOWN = [
    # (section, id, field, value, item, field shown, the bad id, a suggestion)
    ("skills", "cloud-ml", "requires", ["ml-basic"], "cloud-ml", "requires", "ml-basic", "ml-basics"),
    ("skills", "ml-basics", "requires", ["python", {"any_of": ["statistcs", "linear-algebra"]}],
     "ml-basics", "requires", "statistcs", "statistics"),
    ("courses", "ml-a", "requires", ["pyhton"], "ml-a", "requires", "pyhton", "python"),
    ("courses", "ml-a", "teaches", ["ml-basic"], "ml-a", "teaches", "ml-basic", "ml-basics"),
    ("courses", "ml-a", "part_of", "progs", "ml-a", "part_of", "progs", "prog"),
    ("courses", "cloud-c", "prepares_for", ["cloud-cer"], "cloud-c", "prepares_for", "cloud-cer", "cloud-cert"),
    ("programs", "prog", "courses", ["ml-a", "cloud-cc"], "prog", "courses", "cloud-cc", "cloud-c"),
    ("certs", "cloud-cert", "validates", ["cloud-m"], "cloud-cert", "validates", "cloud-m", "cloud-ml"),
    ("certs", "cloud-cert", "requires", ["cloud-mll"], "cloud-cert", "requires", "cloud-mll", "cloud-ml"),
    ("certs", "prog-cert", "program", "progr", "prog-cert", "program", "progr", "prog"),
    ("roles", "cloud-eng", "needs", ["pyton", "cloud-ml"], "cloud-eng", "needs", "pyton", "python"),
    ("roles", "cloud-eng", "values", ["cloud-certs"], "cloud-eng", "values", "cloud-certs", "cloud-cert"),
    ("situations", "swe", "role", "cloud-engg", "swe", "role", "cloud-engg", "cloud-eng"),
    ("situations", "swe", "cert", "cloud-crt", "swe", "cert", "cloud-crt", "cloud-cert"),
    ("situations", "swe", "have", ["pythn:2"], "swe", "have", "pythn", "python"),
]


@pytest.mark.parametrize(("section", "rid", "key", "value", "item", "field", "bad", "hint"), UNKNOWN,
                         ids=[f"{u[0]}.{u[2]}" for u in UNKNOWN])
def test_unknown_reference(tmp_path, section, rid, key, value, item, field, bad, hint):
    data = base()
    record(data, section, rid)[key] = value
    path, report = check(tmp_path, data)
    issue = one(report.errors, item, field, contains=("unknown", repr(bad)))
    assert issue.file == str(path)
    assert "did you mean" in issue.message and hint in issue.message
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    assert issue in info.value.issues


def test_unknown_reference_without_a_close_id_has_no_hint(tmp_path):
    data = base()
    record(data, "roles", "cloud-eng")["needs"].append("quantum-knitting")
    _, report = check(tmp_path, data)
    issue = one(report.errors, "cloud-eng", "needs", contains=("'quantum-knitting'",))
    assert "did you mean" not in issue.message


# -- references to the wrong kind ----------------------------------------------------------------
WRONG_KIND = [
    ("courses", "ml-a", "teaches", ["cloud-cert"], "ml-a", "teaches", "'cloud-cert' is a cert", "skill"),
    ("courses", "ml-a", "requires", ["py101"], "ml-a", "requires", "'py101' is a course", "skill or cert"),
    ("courses", "ml-a", "part_of", "py101", "ml-a", "part_of", "'py101' is a course", "program"),
    ("courses", "cloud-c", "prepares_for", ["cloud-ml"], "cloud-c", "prepares_for", "'cloud-ml' is a skill", "cert"),
    ("programs", "prog", "courses", ["ml-a", "python"], "prog", "courses", "'python' is a skill", "course"),
    ("certs", "cloud-cert", "validates", ["ml-a"], "cloud-cert", "validates", "'ml-a' is a course", "skill"),
    ("certs", "prog-cert", "program", "ml-a", "prog-cert", "program", "'ml-a' is a course", "program"),
    ("roles", "cloud-eng", "needs", ["cloud-cert"], "cloud-eng", "needs", "'cloud-cert' is a cert", "skill"),
    ("roles", "cloud-eng", "values", ["python"], "cloud-eng", "values", "'python' is a skill", "cert"),
    ("situations", "swe", "role", "python", "swe", "role", "'python' is a skill", "role"),
]


@pytest.mark.parametrize(("section", "rid", "key", "value", "item", "field", "is_a", "wanted"), WRONG_KIND,
                         ids=[f"{u[0]}.{u[2]}" for u in WRONG_KIND])
def test_wrong_kind_reference(tmp_path, section, rid, key, value, item, field, is_a, wanted):
    data = base()
    record(data, section, rid)[key] = value
    path, report = check(tmp_path, data)
    issue = one(report.errors, item, field, contains=(is_a,))
    assert f"expected a {wanted}" in issue.message
    assert issue.file == str(path)


# -- prerequisite cycles ---------------------------------------------------------------------------
def _ring(message: str) -> list[str]:
    m = re.search(r"prerequisite cycle among skills: (.+)$", message)
    assert m, message
    return [p.strip() for p in m.group(1).split("->")]


def _requires(data: dict, a: str, b: str) -> bool:
    for r in record(data, "skills", a).get("requires", []):
        members = r["any_of"] if isinstance(r, dict) and "any_of" in r else [r]
        for m in members:
            if (m if isinstance(m, str) else m.get("skill") or m.get("id")) == b:
                return True
    return False


@pytest.mark.parametrize("ring", [["a"], ["a", "b"], ["a", "b", "c"]])
def test_prerequisite_cycle_is_an_error_that_prints_the_ring(tmp_path, ring):
    data = base()
    for i, sid in enumerate(ring):
        data["skills"].append({"id": sid, "name": sid.upper(),
                               "requires": ["python", {"skill": ring[(i + 1) % len(ring)], "level": 2}]})
    data["skills"].append({"id": "after", "name": "After", "requires": [ring[0]]})  # hangs off the ring
    path, report = check(tmp_path, data)
    cycles = [i for i in report.errors if "prerequisite cycle" in i.message]
    assert len(cycles) == 1
    issue = cycles[0]
    assert issue.file == str(path) and issue.field == "requires" and issue.item in ring
    shown = _ring(issue.message)
    assert shown[0] == shown[-1] and sorted(set(shown)) == sorted(ring) and len(shown) == len(ring) + 1
    for a, b in zip(shown, shown[1:], strict=False):
        assert _requires(data, a, b), f"{a} does not require {b}"
    with pytest.raises(CatalogError, match="prerequisite cycle"):
        load_catalog(path)


def test_skill_cycle_returns_the_ring():
    cat = Catalog.model_validate({"skills": [
        {"id": "x", "name": "X", "requires": ["y"]},
        {"id": "y", "name": "Y", "requires": [{"any_of": ["z", "w"]}]},
        {"id": "z", "name": "Z", "requires": ["x"]},
        {"id": "w", "name": "W"},
    ]})
    cycle = skill_cycle(cat)
    assert cycle is not None and sorted(cycle) == ["x", "y", "z"]
    i = cycle.index("x")
    assert cycle[i:] + cycle[:i] == ["x", "y", "z"]


def test_no_cycle_in_a_dag():
    assert skill_cycle(Catalog.model_validate(base())) is None


def test_prerequisite_cycle_error_carries_the_ring():
    err = PrerequisiteCycle(["a", "b", "c"], file="cat.yaml")
    assert isinstance(err, CatalogError)
    assert err.cycle == ["a", "b", "c"]
    (issue,) = err.issues
    assert (issue.file, issue.item, issue.field) == ("cat.yaml", "a", "requires")
    assert "a -> b -> c -> a" in str(err)


# -- record-level errors ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("section", "rid", "key", "value", "field"),
    [
        ("courses", "ml-a", "hours", -1, "hours"),
        ("courses", "ml-a", "hours", None, "hours"),
        ("courses", "ml-a", "cost_usd", -5, "cost_usd"),
        ("certs", "cloud-cert", "prep_hours", -10, "prep_hours"),
        ("certs", "cloud-cert", "exam_cost_usd", -1, "exam_cost_usd"),
    ],
)
def test_negative_numbers_are_errors(tmp_path, section, rid, key, value, field):
    data = base()
    record(data, section, rid)[key] = value
    path, report = check(tmp_path, data)
    issue = one(report.errors, rid, field)
    assert issue.file == str(path)


def test_missing_hours_is_an_error(tmp_path):
    data = base()
    del record(data, "courses", "ml-a")["hours"]
    path, report = check(tmp_path, data)
    issue = one(report.errors, "ml-a", "hours")
    assert "missing" in issue.message and issue.file == str(path)


def test_missing_id_is_located_by_position(tmp_path):
    data = base()
    data["skills"].append({"name": "No id"})
    _, report = check(tmp_path, data)
    one(report.errors, "skills[5]", "id", contains=("missing",))


def test_bad_id_is_an_error(tmp_path):
    data = base()
    data["skills"].append({"id": "Deep Learning", "name": "DL"})
    _, report = check(tmp_path, data)
    one(report.errors, "Deep Learning", "id")


@pytest.mark.parametrize(
    ("section", "rid", "key", "value", "prefix"),
    [
        ("courses", "ml-a", "teaches", [{"skill": "ml-basics", "level": 4}], "teaches"),
        ("courses", "ml-a", "teaches", [{"id": "ml-basics", "level": 0}], "teaches"),
        ("courses", "ml-a", "requires", [{"skill": "python", "level": 5}], "requires"),
        ("roles", "cloud-eng", "needs", [{"skill": "python", "level": 0}], "needs"),
        ("roles", "cloud-eng", "needs", [{"skill": "python", "level": 4}], "needs"),
    ],
)
def test_levels_outside_one_to_three_are_errors(tmp_path, section, rid, key, value, prefix):
    data = base()
    record(data, section, rid)[key] = value
    path, report = check(tmp_path, data)
    found = [i for i in report.errors if i.item == rid and i.field and i.field.startswith(prefix)
             and i.field.endswith("level")]
    assert len(found) == 1, report.errors
    assert found[0].file == str(path)


def test_level_error_inside_any_of_is_one_error_named_by_catalog_keys(tmp_path):
    # A bad member of an any_of group is one mistake; the field is the file's
    # path to it, not the names of the models pydantic tried.
    data = base()
    record(data, "skills", "cloud-ml")["requires"] = [{"any_of": [{"skill": "ml-basics", "level": 9}]}]
    _, report = check(tmp_path, data)
    assert [(i.item, i.field) for i in report.errors] == [("cloud-ml", "requires.0.any_of.0.level")]


def test_situation_level_outside_one_to_three_is_an_error(tmp_path):
    # Levels are 1-3 everywhere; a situation's ``have`` is what the planner takes.
    data = base()
    record(data, "situations", "swe")["have"] = ["python:7"]
    _, report = check(tmp_path, data)
    assert [i for i in report.errors if i.item == "swe" and i.field == "have"], report.errors


def test_situation_may_have_completed_courses(tmp_path):
    # ``have`` takes "id" or "id:level" as the planner does, and the planner takes course ids.
    data = base()
    record(data, "situations", "swe")["have"] = ["python:2", "py101"]
    _, report = check(tmp_path, data)
    assert report.ok, report.errors


def test_completion_cert_without_program(tmp_path):
    data = base()
    del record(data, "certs", "prog-cert")["program"]
    path, report = check(tmp_path, data)
    issue = one(report.errors, "prog-cert", "program", contains=("completion",))
    assert issue.file == str(path)


def test_vendor_exam_without_program_is_fine(tmp_path):
    data = base()
    assert "program" not in record(data, "certs", "cloud-cert")
    assert check(tmp_path, data)[1].ok


def test_program_listing_a_course_twice(tmp_path):
    data = base()
    record(data, "programs", "prog")["courses"] = ["ml-a", "cloud-c", "ml-a"]
    _, report = check(tmp_path, data)
    one(report.errors, "prog", "courses", contains=("twice",))


def test_record_that_is_not_a_mapping(tmp_path):
    data = base()
    data["skills"].append("deep-learning")
    _, report = check(tmp_path, data)
    one(report.errors, "skills[5]", None, contains=("mapping",))


def test_section_that_is_not_a_list(tmp_path):
    data = base()
    data["roles"] = {"cloud-eng": {"title": "x"}}
    _, report = check(tmp_path, data)
    one(report.errors, None, "roles", contains=("list",))


# -- warnings ---------------------------------------------------------------------------------------
def assert_loads_with_warning(path: Path, item: str | None, field: str, *contains: str) -> CatalogIssue:
    cat = load_catalog(path)  # warnings never stop a load
    issue = one(cat.load_warnings, item, field, contains=contains)
    assert issue.severity == "warning" and issue.file == str(path)
    return issue


def test_role_needs_a_skill_nothing_teaches(tmp_path):
    data = base()
    data["skills"].append({"id": "kubernetes", "name": "Kubernetes"})
    record(data, "roles", "cloud-eng")["needs"].append("kubernetes")
    path, report = check(tmp_path, data)
    assert report.ok
    assert_loads_with_warning(path, "cloud-eng", "needs", "'kubernetes'", "essential", "nothing teaches it")


def test_optional_need_nothing_teaches(tmp_path):
    data = base()
    data["skills"].append({"id": "kubernetes", "name": "Kubernetes"})
    record(data, "roles", "cloud-eng")["needs"].append({"skill": "kubernetes", "importance": "optional"})
    path, report = check(tmp_path, data)
    assert report.ok
    assert_loads_with_warning(path, "cloud-eng", "needs", "'kubernetes'", "optional")


def test_skill_learnt_on_the_job(tmp_path):
    data = base()
    data["skills"].append({"id": "on-call", "name": "On-call", "teachable": False})
    record(data, "roles", "cloud-eng")["needs"].append("on-call")
    path, report = check(tmp_path, data)
    assert report.ok
    assert_loads_with_warning(path, "cloud-eng", "needs", "'on-call'", "learnt on the job")


def test_needed_level_above_what_courses_teach(tmp_path):
    data = base()
    record(data, "roles", "cloud-eng")["needs"] = ["python", {"skill": "ml-basics", "level": 3}]
    path, report = check(tmp_path, data)
    assert report.ok
    assert_loads_with_warning(path, "cloud-eng", "needs", "'ml-basics'", "level 3", "level 2")


def test_typo_like_key_is_a_warning_and_kept(tmp_path):
    data = base()
    record(data, "courses", "ml-a")["teachs"] = ["statistics"]
    path, report = check(tmp_path, data)
    assert report.ok
    assert_loads_with_warning(path, "ml-a", "teachs", "'teachs'", "'teaches'")
    assert load_catalog(path).course("ml-a").model_extra == {"teachs": ["statistics"]}


def test_extra_key_unlike_any_field_is_kept_silently(tmp_path):
    data = base()
    record(data, "courses", "ml-a")["syllabus_pdf"] = "x.pdf"
    path, report = check(tmp_path, data)
    assert report.ok and report.warnings == []
    assert load_catalog(path).course("ml-a").model_extra == {"syllabus_pdf": "x.pdf"}


def test_part_of_a_program_that_does_not_list_the_course(tmp_path):
    data = base()
    record(data, "courses", "py101")["part_of"] = "prog"
    path, report = check(tmp_path, data)
    assert report.ok
    assert_loads_with_warning(path, "py101", "part_of", "'prog'")


def test_unknown_source_id(tmp_path):
    data = base()
    record(data, "skills", "statistics")["source"] = "guid"
    path, report = check(tmp_path, data)
    assert report.ok
    issue = assert_loads_with_warning(path, "statistics", "source", "'guid'")
    assert "did you mean" in issue.message and "guide" in issue.message


def test_misspelt_top_level_section_is_an_error(tmp_path):
    # A misspelt section would silently drop all its records.
    data = base()
    data["skils"] = []
    _, report = check(tmp_path, data)
    assert not report.ok
    (issue,) = [i for i in report.errors if i.field == "skils"]
    assert "did you mean 'skills'" in issue.message


def test_unrelated_top_level_key_is_a_warning(tmp_path):
    data = base()
    data["maintainers"] = ["ana"]
    path, report = check(tmp_path, data)
    assert report.ok
    assert_loads_with_warning(path, None, "maintainers", "'maintainers'")


def test_validate_file_lists_errors_before_it_would_load(tmp_path):
    data = base()
    record(data, "courses", "ml-a")["teachs"] = ["statistics"]
    record(data, "roles", "cloud-eng")["needs"].append("pyton")
    _, report = check(tmp_path, data)
    assert not report.ok and report.catalog is None
    assert [i.severity for i in report.errors] == ["error"]
    assert [i.severity for i in report.warnings] == ["warning"]


# -- many mistakes, one error ----------------------------------------------------------------------
def test_many_mistakes_are_reported_together(tmp_path):
    data = base()
    data["skills"].append({"id": "python", "name": "Duplicate"})                      # duplicate id
    data["skills"].append({"id": "a", "name": "A", "requires": ["b"]})                 # cycle a -> b -> a
    data["skills"].append({"id": "b", "name": "B", "requires": ["a"]})
    record(data, "courses", "py101")["hours"] = -2                                    # negative hours
    del record(data, "courses", "stats-course")["hours"]                              # missing hours
    record(data, "courses", "ml-a")["teaches"] = [{"skill": "ml-basics", "level": 5}]  # level out of range
    record(data, "courses", "cloud-c")["prepares_for"] = ["cloud-cer"]                # unknown cert
    record(data, "programs", "prog")["courses"] = ["ml-a", "cloud-c", "ghost"]        # unknown course
    del record(data, "certs", "prog-cert")["program"]                                 # completion w/o program
    record(data, "roles", "cloud-eng")["values"] = ["python"]                         # wrong kind
    record(data, "situations", "swe")["role"] = "nobody"                              # unknown role
    record(data, "courses", "cloud-c")["teachs"] = ["x"]                              # warning only
    path = tmp_path / "many.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    err = info.value
    where = {(i.item, i.field) for i in err.issues}
    expected = {
        ("python", "id"), ("py101", "hours"), ("stats-course", "hours"), ("ml-a", "teaches.0.level"),
        ("cloud-c", "prepares_for"), ("prog", "courses"), ("prog-cert", "program"), ("cloud-eng", "values"),
        ("swe", "role"),
    }
    assert expected <= where
    assert any("prerequisite cycle" in i.message and i.item in ("a", "b") for i in err.issues)
    assert all(i.severity == "error" and i.file == str(path) for i in err.issues)
    assert len(err.issues) == len(expected) + 1
    assert f"(and {len(err.issues) - 1} more errors)" in str(err)


def test_a_broken_record_still_has_its_references_checked(tmp_path):
    # One run reports everything: a course with bad hours AND an unknown taught skill
    # gets both errors, not one now and the other after the first fix.
    data = base()
    rec = record(data, "courses", "ml-a")
    rec["hours"] = -1
    rec["teaches"] = ["ml-basic"]
    _, report = check(tmp_path, data)
    one(report.errors, "ml-a", "hours")
    one(report.errors, "ml-a", "teaches", contains=("'ml-basic'", "did you mean"))


def test_references_to_a_broken_record_are_not_reported_as_unknown(tmp_path):
    data = base()
    del record(data, "courses", "cloud-c")["hours"]
    _, report = check(tmp_path, data)
    assert [(i.item, i.field) for i in report.errors] == [("cloud-c", "hours")]


# -- check_catalog without a file -------------------------------------------------------------------
def test_check_catalog_on_a_catalog_object():
    data = base()
    record(data, "roles", "cloud-eng")["needs"].append("pyton")
    issues = check_catalog(Catalog.model_validate(data))
    issue = one(issues, "cloud-eng", "needs", contains=("'pyton'",))
    assert issue.file is None
    assert str(issue).startswith("cloud-eng:needs: unknown skill 'pyton'")


def test_check_catalog_sorts_errors_first():
    data = base()
    data["skills"].append({"id": "kubernetes", "name": "Kubernetes"})
    record(data, "roles", "cloud-eng")["needs"] += ["kubernetes", "pyton"]
    issues = check_catalog(Catalog.model_validate(data), "f.yaml")
    severities = [i.severity for i in issues]
    assert severities == sorted(severities, key=lambda s: s != "error")
    assert "error" in severities and "warning" in severities
