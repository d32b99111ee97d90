"""The exception tree: callers decide by type and attribute, never by message text."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import (
    AuthFailed,
    CatalogError,
    CatalogIssue,
    CycleIssue,
    KindChanged,
    PlanningBug,
    PlanningError,
    PortInUse,
    PrerequisiteCycle,
    SkillGraphError,
    StoreUnavailable,
    WeakPassword,
)
from loaders import load_catalog


@pytest.mark.parametrize(("cls", "parent"), [
    (KindChanged, CatalogError), (PrerequisiteCycle, CatalogError), (PlanningBug, PlanningError),
    (AuthFailed, StoreUnavailable), (WeakPassword, StoreUnavailable), (PortInUse, StoreUnavailable),
])
def test_each_way_of_handling_is_a_subclass_of_the_documented_one(cls: type, parent: type) -> None:
    assert issubclass(cls, parent) and issubclass(cls, SkillGraphError)


def test_a_cycle_issue_carries_its_ring_and_shows_the_fields_of_any_issue() -> None:
    issue = CycleIssue(["a", "b", "c"], "cat.yaml")
    assert issue.cycle == ("a", "b", "c")
    assert str(issue) == "cat.yaml:a:requires: prerequisite cycle among skills: a -> b -> c -> a"
    assert vars(issue) == vars(CatalogIssue(issue.message, "a", "requires", "cat.yaml"))
    assert issue == CycleIssue(["a", "b", "c"], "cat.yaml") and hash(issue) == hash(CycleIssue(["a", "b", "c"],
                                                                                             "cat.yaml"))


def test_a_prerequisite_cycle_from_a_file_carries_the_ring_as_data(tmp_path: Path) -> None:
    path = tmp_path / "cycle.yaml"
    path.write_text("skills:\n"
                    "  - {id: a.1, name: A, requires: [b-2]}\n"
                    "  - {id: b-2, name: B, requires: [c_3]}\n"
                    "  - {id: c_3, name: C, requires: [a.1]}\n")
    with pytest.raises(PrerequisiteCycle) as info:
        load_catalog(path)
    ring = info.value.cycle
    assert sorted(ring) == ["a.1", "b-2", "c_3"]
    assert any(isinstance(i, CycleIssue) and list(i.cycle) == ring for i in info.value.issues)


def test_a_taken_port_names_the_port_and_no_option() -> None:
    err = PortInUse(7999)
    assert err.port == 7999 and str(err) == "port 7999 is already in use by a Bolt server"


def test_validation_issues_name_fields_not_union_members_in_the_callers_words() -> None:
    from pydantic import ValidationError

    from graph.errors import validation_issues
    from graph.models import Course

    with pytest.raises(ValidationError) as caught:
        Course.model_validate({"id": "c", "title": "C", "hours": "many", "requires": [{"cert": 1}],
                               "teaches": [{"skill": "s", "x": 1}]})
    issues = validation_issues(caught.value, "c", "f.yaml", wording={"extra_forbidden": "unknown key"},
                               show_input=True)
    by_field = {i.field: i.message for i in issues}
    assert by_field["teaches.0.x"] == "unknown key"  # in the caller's words, without the input
    assert "(got 'many')" in by_field["hours"]
    assert "requires.0.cert" in by_field  # not 'requires.0.CertRef.cert': no union member in the location
    assert {i.item for i in issues} == {"c"} and {i.file for i in issues} == {"f.yaml"}
    plain = validation_issues(caught.value, "c")
    assert all("(got" not in i.message for i in plain)
    assert next(i.message for i in plain if i.field == "teaches.0.x") == "Extra inputs are not permitted"
