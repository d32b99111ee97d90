"""Shared pytest configuration and fixtures.

Plugins: :mod:`tests.bolt` (the session-scoped local Bolt server and its
driver) and :mod:`tests.browser` (headless Chromium for the page tests).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.catalog import Catalog
from loaders import load_catalog

pytest_plugins = ["tests.bolt", "tests.browser"]


@pytest.fixture(scope="session")
def seed() -> Catalog:
    """The shipped seed catalog (tests only read it)."""
    return load_catalog()


SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_data(*parts: str) -> Path:
    """A real data set beside the repository (``../shared/data``): a skip when it is missing,
    a failure under ``CI=true`` (tests never download)."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        from tests.bolt import _unavailable

        _unavailable(f"{path} is missing (the real data sets live in ../shared/data)")
    return path


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No SKILLGRAPH_* or NEO4J_* from the caller's environment."""
    for key in list(os.environ):
        if key.startswith(("SKILLGRAPH_", "NEO4J_")):
            monkeypatch.delenv(key)


@pytest.fixture()
def run_cli(capsys: pytest.CaptureFixture[str], clean_env: None) -> Any:
    """``run_cli(*argv)`` runs ``skillgraph`` in process: ``(exit status, stdout, stderr)``; a traceback fails."""
    from api import cli

    def invoke(*argv: str) -> tuple[int, str, str]:
        try:
            code = cli.main(list(argv))
        except SystemExit as exit_:  # argparse's own usage errors
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return invoke


@pytest.fixture(scope="module")
def seed_client() -> Iterator[Any]:
    """A ``TestClient`` of the HTTP API over the shipped seed: no curator token, nothing from the environment."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from api.http.app import create_app
    from api.http.settings import Settings

    settings = Settings(environment="test", refresh_interval_s=0, catalog=None, neo4j_uri=None, admin_token=None,
                        cypher_write=False)
    with TestClient(create_app(settings)) as client:
        yield client
