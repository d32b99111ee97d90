"""The notebooks in ``notebooks/`` run top to bottom without errors, and are
committed without outputs.

Each notebook is executed with nbclient on the ``python3`` kernel in a
temporary working directory (whatever it writes lands there), with the
repository on ``PYTHONPATH``; its last cell holds its own assertions and
prints "all checks passed". ``03-curate-with-cypher`` starts the local Bolt
server (the ``server`` extra: ``neo4j`` and ``arcadedb-embedded``); without
those packages it is skipped, except under ``CI=true`` where it fails. It runs
again on each of the suite's Bolt servers (``bolt_env``: ArcadeDB and Neo4j),
which it uses when ``NEO4J_URI`` is set.
"""

from __future__ import annotations

import importlib.util
import os
import signal
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("pyvis")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: packages a notebook needs beyond the test dependencies
NEEDS = {"03-curate-with-cypher": ("neo4j", "arcadedb_embedded")}


def _id(path: Path) -> str:
    return path.stem


def _processes_under(directory: Path) -> list[int]:
    """Pids whose command line mentions ``directory`` (a Bolt server the notebook left running)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(directory) in cmdline:
            found.append(int(proc.name))
    return found


def test_there_are_notebooks() -> None:
    names = [p.stem for p in NOTEBOOKS]
    assert names[:3] == ["01-explore-the-catalog", "02-plan-a-route", "03-curate-with-cypher"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs; clear them before committing"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"
    assert nb.cells[-1].cell_type == "code" and "assert" in nb.cells[-1].source, \
        f"{path.name}: the last cell should check the results with asserts"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a user runs it: no NEO4J_URI, so the curator notebook starts its own ArcadeDB server."""
    for key in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(key, raising=False)
    _run(path, tmp_path, monkeypatch)


def test_the_curator_notebook_runs_on_each_bolt_server(bolt_env: dict[str, str], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """With NEO4J_* pointing at the suite's server (ArcadeDB, then Neo4j), the notebook uses it."""
    _run(ROOT / "notebooks" / "03-curate-with-cypher.ipynb", tmp_path, monkeypatch)


def _run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = [m for m in NEEDS.get(path.stem, ()) if importlib.util.find_spec(m) is None]
    if missing:
        message = f"{path.name} needs {', '.join(missing)}: pip install -e '.[server]'"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    nb = nbformat.read(path, as_version=4)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")  # silences jupyter_core's path migration warning
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=600, allow_errors=False,
                                     resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as err:
        pytest.fail(f"{path.name}: a cell failed:\n{str(err)[-3000:]}", pytrace=False)
    finally:
        leftovers = _processes_under(tmp_path)
        for pid in leftovers:  # started by this notebook's kernel; never leave one behind
            os.kill(pid, signal.SIGTERM)
    assert leftovers == [], f"{path.name} left processes running: {leftovers}"
    last = nb.cells[-1]
    text = "".join(o.get("text", "") for o in last.outputs if o.output_type == "stream")
    assert "all checks passed" in text, f"{path.name}: the checks cell did not finish: {last.outputs}"
