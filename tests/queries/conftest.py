"""Fixtures of the planner tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.catalog import Catalog
from loaders import load_catalog
from tests.queries.hand_catalogs import ML_YAML


@pytest.fixture(scope="module")
def ml(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    path: Path = tmp_path_factory.mktemp("planner") / "ml.yaml"
    path.write_text(ML_YAML, encoding="utf-8")
    return load_catalog(path)


