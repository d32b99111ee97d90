"""``scripts/screenshots`` run into a temporary directory: every page it is meant to
take is written, each PNG decodes at the window size and shows a drawn page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser import drawn_pixels, find_chromium, png_pixels

ROOT = Path(__file__).resolve().parents[3]
pytest.importorskip("uvicorn")
pytest.importorskip("pyvis")


def test_screenshots_script_writes_every_page(seed_client: Any, tmp_path: Path) -> None:
    if find_chromium() is None:  # as the chromium fixture: a skip, a failure under CI=true
        (pytest.fail if os.environ.get("CI") == "true" else pytest.skip)("Chromium is not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKILLGRAPH_", "NEO4J_"))}
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshots"), "--out", str(tmp_path),
                           "--size", "1280x800"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    want = ["route", "neighbourhood", "catalog", "api-docs"]
    if seed_client.get("/").status_code != 404:
        want.append("learner")
    else:
        assert "learner: skipped, GET / answers 404" in done.stderr
    assert done.stdout.split() == [str(tmp_path / f"{name}.png") for name in want]  # stdout: the files only
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{name}.png" for name in want)
    for name in want:
        png = (tmp_path / f"{name}.png").read_bytes()
        width, height, _, rows = png_pixels(png)
        assert (width, height) == (1280, 800), name
        drawn = drawn_pixels(png, {"left": 0, "top": 0, "right": width, "bottom": height})
        assert drawn > 0.03 * width * height, f"{name}: looks blank ({drawn} drawn pixels)"
        assert len(set(rows[::40])) > 5, f"{name}: nearly every row alike"
