"""ESCO occupations imported as roles: a sample committed as CSV (zipped here), the full
v1.1.1 set from ../shared/data, subsets, merging with the seed, ranking and gaps, bad input."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from api import cli
from graph.errors import CatalogError
from loaders import load_catalog
from loaders.esco import esco_catalog, import_esco
from queries.gaps import closest_roles, gap
from tests.conftest import shared_data

SAMPLE = Path(__file__).parent / "data" / "esco"


def _zip(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f.name)
    return out


@pytest.fixture
def archives(tmp_path: Path) -> tuple[Path, Path]:
    return _zip(SAMPLE / "classification", tmp_path / "cls.zip"), _zip(SAMPLE / "relations", tmp_path / "rel.zip")


def test_occupations_become_roles_with_essential_and_optional_needs(archives: tuple[Path, Path]) -> None:
    cat, summary = esco_catalog(*archives)
    assert [r.id for r in cat.roles] == ["data-scientist", "fast-food-preparer", "software-developer"]
    ds = cat.role("data-scientist")
    assert [(n.skill, n.importance, n.level) for n in ds.needs] == [
        ("statistics", "essential", 1), ("python-computer-programming", "essential", 1),
        ("perform-data-cleansing", "essential", 1), ("sql", "optional", 1), ("show-initiative", "optional", 1)]
    assert ds.model_dump()["esco_uri"] == "http://data.europa.eu/esco/occupation/aaaa0001"
    assert ds.model_dump()["isco_group"] == "2511"
    py = cat.skill("python-computer-programming")
    assert py.aliases == ["Python"] and py.model_dump()["skill_type"] == "knowledge"
    # no prerequisites are invented from skill-skill relations, and nothing teaches ESCO skills
    assert all(not s.requires for s in cat.skills) and not cat.courses
    assert (summary.roles, summary.skills, summary.links, summary.essential) == (3, 6, 9, 6)
    assert cat.sources[-1].id == "esco" and all(x.source == "esco" for x in [*cat.roles, *cat.skills])


def test_subsets_by_isco_group_label_and_collection(archives: tuple[Path, Path]) -> None:
    cat, _ = esco_catalog(*archives, occupations=["25"])
    assert [r.id for r in cat.roles] == ["data-scientist", "software-developer"]
    cat, _ = esco_catalog(*archives, occupations=["food"])
    assert [r.id for r in cat.roles] == ["fast-food-preparer"]
    cat, summary = esco_catalog(*archives, occupations=["25"], collection="digital")
    assert sorted(s.id for s in cat.skills) == ["python-computer-programming", "sql"]
    assert summary.links == 4  # data scientist: python, sql; software developer: python, sql


def test_roles_rank_by_missing_essential_needs_and_gap_splits_essential_from_optional(
        archives: tuple[Path, Path]) -> None:
    cat, _ = esco_catalog(*archives)
    ranked = closest_roles(cat, ["python-computer-programming"], k=3)
    # software developer lacks 1 essential (sql), data scientist 2, fast food preparer 1 but
    # ties go by route steps then id: fast-food-preparer before software-developer
    assert [(r.role, r.missing) for r in ranked] == [("fast-food-preparer", 1), ("software-developer", 1),
                                                     ("data-scientist", 2)]
    g = gap(cat, have=["python-computer-programming"], role="data-scientist")
    by = {i.id: (i.importance, i.status) for i in g.items}
    assert by["python-computer-programming"] == ("essential", "met")
    assert by["statistics"] == ("essential", "unreachable") and by["sql"] == ("optional", "unreachable")


def test_merging_with_the_seed_matches_by_name_and_reports_the_rest(archives: tuple[Path, Path]) -> None:
    cat, summary = esco_catalog(*archives, occupations=["25"], merge="seed")
    seed = load_catalog()
    # matched: "SQL" (the seed id sql), "Python (computer programming)" (its ESCO alias "Python" is the seed
    # id python) and "statistics" (a seed skill's name); ESCO's other two have no seed counterpart
    assert summary.matched == 3 and sorted(summary.unmatched) == ["perform data cleansing", "show initiative"]
    assert [n.skill for n in cat.role("software-developer").needs] == ["python", "sql", "show-initiative"]
    assert len(cat.courses) == len(seed.courses)
    p_roles = closest_roles(cat, ["sql"], k=10)
    assert {r.role for r in p_roles if r.role == "software-developer" and r.feasible}


def test_the_cli_writes_a_catalog_and_bad_input_names_file_and_row(archives: tuple[Path, Path], tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "esco.yaml"
    assert cli.main(["import", "esco", *map(str, archives), "-o", str(out), "--occupations", "25"]) == 0
    assert "2 occupations as roles, 5 skills, 8 occupation-skill links (5 essential)" in capsys.readouterr().out
    assert [r.id for r in load_catalog(out).roles] == ["data-scientist", "software-developer"]
    broken = tmp_path / "rel"
    broken.mkdir()
    (broken / "occupationSkillRelations.csv").write_text(
        "occupationUri,relationType,skillType,skillUri\nhttp://data.europa.eu/esco/occupation/aaaa0001,"
        "sometimes,knowledge,http://data.europa.eu/esco/skill/s1\n")
    bad_out = tmp_path / "bad.yaml"
    assert cli.main(["import", "esco", str(archives[0]), str(_zip(broken, tmp_path / "b.zip")), "-o",
                     str(bad_out)]) == 1
    err = capsys.readouterr().err
    assert "occupationSkillRelations.csv: row 2: field 'relationType' is 'sometimes'" in err
    assert not bad_out.exists()
    with pytest.raises(CatalogError, match="no such file"):
        import_esco(tmp_path / "missing.zip", archives[1], tmp_path / "x.yaml")
    with pytest.raises(CatalogError, match="has no occupations_en.csv"):
        import_esco(archives[1], archives[1], tmp_path / "x.yaml")
    with pytest.raises(CatalogError, match="no occupation matches"):
        import_esco(*archives, tmp_path / "x.yaml", occupations=["astronaut"])


@pytest.fixture(scope="module")
def full() -> Any:
    return esco_catalog(shared_data("esco-v1.1.1", "classification-en-csv.zip"),
                        shared_data("esco-v1.1.1", "relations-csv.zip"))


def test_the_full_set_maps_every_occupation(full: Any) -> None:
    cat, summary = full
    # ../shared/data/README.md: 3,007 occupations and 123,855 occupation-skill links; the links
    # whose occupation is not among the released occupations are skipped
    assert summary.roles == 3007 and len(cat.roles) == 3007
    assert 123_000 < summary.links <= 123_855
    assert summary.skills == len(cat.skills) <= 13_896
    ranked = closest_roles(cat, ["use-databases", "manage-ict-data-classification"], k=3007)
    assert len(ranked) == 3007
    missing = [r.missing for r in ranked if not r.feasible]
    assert missing == sorted(missing)  # infeasible roles rank by how many essential needs you lack
