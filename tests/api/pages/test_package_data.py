"""The page templates are package data: a wheel ships them, and pages render from an installed copy.

Building the wheel needs the build backend (pip fetches ``setuptools`` into an
isolated environment); when that is impossible here the test skips, except
under ``CI=true`` where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "api" / "pages" / "templates"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the sources (the working tree stays clean)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for package in ("api", "graph", "loaders", "queries"):
        shutil.copytree(ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(src), "-w", str(out)],
                          capture_output=True, text=True, timeout=600)
    wheels = list(out.glob("skillgraph-*.whl"))
    if proc.returncode != 0 or not wheels:
        message = f"cannot build the wheel here: {proc.stderr.strip()[-500:]}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return wheels[0]


def test_the_wheel_ships_every_template(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = sorted(TEMPLATES.glob("*.html.j2"))
    assert templates
    for t in templates:
        assert f"api/pages/templates/{t.name}" in names
    assert {"api/pages/__init__.py", "api/http/routes/__init__.py", "api/cli/__main__.py"} <= names


def test_pages_render_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import api.pages as p; from loaders import load_catalog; "
            "page = p.catalog_page(load_catalog(), kinds=['role']); "
            "print(p.__file__); print(page.startswith('<!DOCTYPE html>') and 'vis.Network' in page)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(site)})
    assert proc.returncode == 0, proc.stderr
    where, ok = proc.stdout.split()
    assert Path(where).is_relative_to(site) and ok == "True"


def test_the_wheel_ships_every_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = sorted(str(init.relative_to(ROOT)) for top in ("api", "graph", "loaders", "queries")
                      for init in (ROOT / top).rglob("__init__.py") if "__pycache__" not in init.parts)
    assert packages
    missing = [p for p in packages if p not in names]
    assert not missing, f"packages left out of the wheel: {missing}"
    assert "loaders/seed/catalog.yaml" in names


def test_the_main_job_runs_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    """The README's first command, on an installed copy rather than the source tree."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    proc = subprocess.run([sys.executable, "-m", "api.cli", "plan", "--role", "ml-engineer-gcp", "--have", "python,sql",
                           "--format", "json"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(site)})
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["optimal"] and data["total_hours"] == 187


def test_the_wheel_ships_the_neo4j_launcher(wheel: Path) -> None:
    """``db serve --engine neo4j`` builds from package data: the pom and the main class."""
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    for name in ("pom.xml", "Launcher.java"):
        assert f"graph/neo4j/neo4j_launcher/{name}" in names, name
