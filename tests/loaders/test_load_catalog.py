"""Reading catalog files: formats, parse errors with lines, caching by path and mtime."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from graph.catalog import Catalog
from graph.errors import CatalogError, SkillGraphError
from graph.models import AnyOf, CertRef, SkillLevel
from loaders import load_catalog, read_catalog_data, validate_file

DATA: dict[str, Any] = {
    "name": "tiny",
    "sources": [{"id": "guide", "title": "A guide", "file": "guide.txt"}],
    "skills": [
        {"id": "python", "name": "Python", "source": "guide"},
        {"id": "statistics", "name": "Statistics"},
        {"id": "ml-basics", "name": "ML basics", "requires": ["python", {"any_of": ["statistics", "python"]}]},
        {"id": "cloud-ml", "name": "Cloud ML", "requires": ["ml-basics"]},
    ],
    "courses": [
        {"id": "py101", "title": "Python 101", "hours": 20, "cost_usd": 0, "teaches": ["python"]},
        {"id": "stats-course", "title": "Stats", "hours": 10, "cost_usd": 30, "free_audit": True,
         "teaches": ["statistics"]},
        {"id": "ml-a", "title": "ML A", "hours": 30.5, "cost_usd": 49, "requires": ["python"],
         "teaches": [{"skill": "ml-basics", "level": 2}], "part_of": "prog"},
        {"id": "cloud-c", "title": "Cloud", "hours": 25, "requires": [{"id": "ml-basics", "level": 2}],
         "teaches": ["cloud-ml"], "part_of": "prog", "prepares_for": ["cloud-cert"]},
        {"id": "expert", "title": "Expert", "hours": 5, "requires": ["cloud-cert"], "teaches": ["cloud-ml"]},
    ],
    "programs": [{"id": "prog", "title": "Program", "courses": ["ml-a", "cloud-c"]}],
    "certs": [
        {"id": "cloud-cert", "name": "Cloud cert", "exam_cost_usd": 200, "prep_hours": 10,
         "requires": ["cloud-ml"], "validates": ["cloud-ml"]},
        {"id": "prog-cert", "name": "Program cert", "kind": "completion", "program": "prog"},
    ],
    "roles": [{"id": "cloud-eng", "title": "Cloud engineer",
               "needs": ["python", {"skill": "cloud-ml", "level": 1}], "values": ["cloud-cert"]}],
    "situations": [{"id": "swe", "title": "Software engineer", "have": ["python:2"], "role": "cloud-eng"}],
}


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def write_json(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


# -- formats -------------------------------------------------------------------------------
def test_yaml_and_json_give_equal_catalogs(tmp_path):
    a = load_catalog(write_yaml(tmp_path / "c.yaml", DATA))
    b = load_catalog(write_json(tmp_path / "c.json", DATA))
    c = load_catalog(write_yaml(tmp_path / "c.yml", DATA))
    assert isinstance(a, Catalog)
    assert a == b == c
    assert a.version == b.version == c.version
    assert a.to_dict() == b.to_dict()


def test_loaded_catalog_has_the_records(tmp_path):
    cat = load_catalog(write_yaml(tmp_path / "c.yaml", DATA))
    assert cat.name == "tiny"
    assert cat.counts() == {"skills": 4, "courses": 5, "programs": 1, "certs": 2, "roles": 1}
    assert [s.id for s in cat.situations] == ["swe"]
    assert [s.id for s in cat.sources] == ["guide"]
    assert cat.course("ml-a").hours == 30.5
    assert cat.course("expert").requires == [CertRef(cert="cloud-cert")]
    assert cat.course("cloud-c").requires == [SkillLevel(skill="ml-basics", level=2)]
    assert isinstance(cat.skill("ml-basics").requires[1], AnyOf)


def test_str_and_path_load_the_same(tmp_path):
    p = write_yaml(tmp_path / "c.yaml", DATA)
    assert load_catalog(str(p)) == load_catalog(p)


def test_uppercase_extension_is_accepted(tmp_path):
    p = write_json(tmp_path / "C.JSON", DATA)
    assert load_catalog(p).counts()["skills"] == 4


def test_empty_sections_are_an_empty_catalog(tmp_path):
    p = tmp_path / "empty.yaml"
    p.write_text("skills: []\n", encoding="utf-8")
    assert load_catalog(p).counts() == {"skills": 0, "courses": 0, "programs": 0, "certs": 0, "roles": 0}


@pytest.mark.parametrize("name", ["catalog.toml", "catalog.txt", "catalog", "catalog.yaml.bak"])
def test_unsupported_extension(tmp_path, name):
    p = tmp_path / name
    p.write_text("skills: []\n", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    (issue,) = info.value.issues
    assert issue.file == str(p)
    assert "unsupported file type" in issue.message
    assert ".yaml" in issue.message and ".json" in issue.message


def test_missing_file(tmp_path):
    p = tmp_path / "nope.yaml"
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    assert isinstance(info.value, SkillGraphError)
    (issue,) = info.value.issues
    assert issue.file == str(p)
    assert "no such file" in issue.message
    assert str(p) in str(info.value)


def test_missing_file_reported_by_validate_file(tmp_path):
    report = validate_file(tmp_path / "nope.json")
    assert not report.ok and report.catalog is None
    assert "no such file" in report.errors[0].message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("skills:\n\t- id: a\n", 2),
        ("skills:\n  - id: a\n    name: A: B\n", 3),
        ("skills:\n  - id: a\n    name: A\ncourses: [\n  {id: c, title: C\n\nroles: []\n", 7),
        ("name: x\nskills:\n  - id: a\n    name: 'unclosed\n", 5),
    ],
)
def test_invalid_yaml_names_the_line(tmp_path, text, line):
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    (issue,) = info.value.issues
    assert issue.file == str(p)
    assert "invalid YAML" in issue.message
    assert f"line {line}" in issue.message


def test_invalid_json_names_the_line(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('{\n  "skills": [\n    {"id": "a", "name": "A"}\n    {"id": "b", "name": "B"}\n  ]\n}\n',
                 encoding="utf-8")  # missing comma: the error is on line 4
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    (issue,) = info.value.issues
    assert issue.file == str(p)
    assert "invalid JSON" in issue.message and "line 4" in issue.message


def test_json_file_with_yaml_content_is_invalid_json(tmp_path):
    p = tmp_path / "c.json"
    write_yaml(p, DATA)
    with pytest.raises(CatalogError, match="invalid JSON at line 1"):
        load_catalog(p)


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a string\n", "42\n"])
def test_top_level_must_be_a_mapping(tmp_path, text):
    p = tmp_path / "list.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    (issue,) = info.value.issues
    assert issue.file == str(p)
    assert "top level must be a mapping" in issue.message


def test_top_level_json_array_is_refused(tmp_path):
    p = tmp_path / "list.json"
    p.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(CatalogError, match="top level must be a mapping"):
        load_catalog(p)


def test_read_catalog_data_returns_plain_data(tmp_path):
    p = write_yaml(tmp_path / "c.yaml", DATA)
    assert read_catalog_data(p) == DATA


def test_not_utf8_is_a_catalog_error(tmp_path):
    p = tmp_path / "latin.yaml"
    p.write_bytes("skills:\n  - id: a\n    name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    assert info.value.issues[0].file == str(p)


# -- caching -----------------------------------------------------------------------------
def test_load_catalog_caches_by_path_and_mtime(tmp_path):
    p = write_yaml(tmp_path / "c.yaml", DATA)
    first = load_catalog(p)
    assert load_catalog(p) is first


def test_load_catalog_rereads_a_changed_file(tmp_path):
    p = write_yaml(tmp_path / "c.yaml", DATA)
    first = load_catalog(p)
    changed = copy.deepcopy(DATA)
    changed["courses"][1]["hours"] = 99  # same length as "10": same file size
    write_yaml(p, changed)
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    second = load_catalog(p)
    assert second is not first
    assert second.course("stats-course").hours == 99
    assert second.version != first.version
    assert first.course("stats-course").hours == 10  # the earlier catalog is untouched


def test_load_catalog_rereads_after_a_fix(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("skills:\n\t- id: a\n", encoding="utf-8")
    with pytest.raises(CatalogError):
        load_catalog(p)
    write_yaml(p, DATA)
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    assert load_catalog(p).counts()["skills"] == 4


def test_same_content_different_files_are_equal(tmp_path):
    a = load_catalog(write_yaml(tmp_path / "a.yaml", DATA))
    b = load_catalog(write_yaml(tmp_path / "b.yaml", DATA))
    assert a is not b
    assert a == b and a.version == b.version


# -- round trip through files ----------------------------------------------------------------
def test_equal_content_is_equal_whatever_file_it_came_from(tmp_path):
    # A catalog with a load warning (nothing teaches python): the warning names
    # the file, but the catalogs' content is the same, so they must compare equal.
    data = copy.deepcopy(DATA)
    data["courses"] = data["courses"][1:]
    a = load_catalog(write_yaml(tmp_path / "w.yaml", data))
    b = load_catalog(write_json(tmp_path / "w.json", data))
    assert a.load_warnings and b.load_warnings
    assert a.to_dict() == b.to_dict() and a.version == b.version
    assert a == b


def test_to_dict_writes_back_to_an_equal_catalog(tmp_path):
    cat = load_catalog(write_yaml(tmp_path / "c.yaml", DATA))
    again_yaml = load_catalog(write_yaml(tmp_path / "again.yaml", cat.to_dict()))
    again_json = load_catalog(write_json(tmp_path / "again.json", cat.to_dict()))
    assert again_yaml == cat == again_json
    assert again_json.version == cat.version


def test_validate_file_on_a_clean_file(tmp_path):
    report = validate_file(write_yaml(tmp_path / "c.yaml", DATA))
    assert report.ok
    assert report.errors == []
    assert report.catalog is not None and report.catalog.counts()["courses"] == 5


@pytest.mark.parametrize(("name", "text"), [("empty.yaml", ""), ("blank.yaml", "\n# nothing yet\n"),
                                            ("empty.json", "{}"), ("named.yaml", "name: just a name\n")])
def test_a_file_with_no_catalog_in_it_is_an_error(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    assert str(path) in str(info.value) and "holds no catalog" in str(info.value)
    assert not validate_file(path).ok


def test_a_directory_is_named_as_one(tmp_path: Path) -> None:
    folder = tmp_path / "adir"
    folder.mkdir()
    with pytest.raises(CatalogError) as info:
        load_catalog(folder)
    assert f"{folder}: is a directory" in str(info.value)
    assert "unsupported file type" not in str(info.value)
