"""Fixtures of the planner tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import queries.planner as planner_module
from graph.catalog import Catalog
from loaders import load_catalog
from queries._memo import Solved
from tests.queries.hand_catalogs import ML_YAML


@pytest.fixture(scope="module")
def ml(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    path: Path = tmp_path_factory.mktemp("planner") / "ml.yaml"
    path.write_text(ML_YAML, encoding="utf-8")
    return load_catalog(path)




@pytest.fixture(autouse=True)
def solver_every_time(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The planner's tests watch the solver at work, so a problem solved in an earlier
    test is solved again, not answered from memory (queries._memo); tests marked
    ``memo`` keep the memory."""
    if request.node.get_closest_marker("memo") is None:
        monkeypatch.setattr(planner_module, "solved", lambda cp: Solved(0))
