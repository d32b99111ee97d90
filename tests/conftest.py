"""Shared pytest configuration and fixtures.

Plugins: :mod:`tests.bolt` (the session-scoped local Bolt server and its
driver) and :mod:`tests.browser` (headless Chromium for the page tests).
"""

from __future__ import annotations

import os

import pytest

from graph.catalog import Catalog
from loaders import load_catalog

pytest_plugins = ["tests.bolt", "tests.browser"]


@pytest.fixture(scope="session")
def seed() -> Catalog:
    """The shipped seed catalog (tests only read it)."""
    return load_catalog()


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No SKILLGRAPH_* or NEO4J_* from the caller's environment."""
    for key in list(os.environ):
        if key.startswith(("SKILLGRAPH_", "NEO4J_")):
            monkeypatch.delenv(key)
