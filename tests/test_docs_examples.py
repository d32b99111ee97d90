"""Every output shown in README.md and docs/*.md is real: each example is re-run and compared.

How each page is checked (the machinery is :mod:`tests.docs_examples`):

- README.md: ``skillgraph ...`` commands (some piped through ``jq``) on the seed
  catalog, and ``curl`` against ``skillgraph serve`` on the seed (no admin token).
- docs/api.md: ``curl`` (piped through the real ``jq``, ``grep``, fed by ``python3``)
  against ``skillgraph serve`` on the seed with an admin token, and against one on
  Neo4j (``localhost:8001``) backed by a local ArcadeDB Bolt server holding the seed,
  which the page's ``<!-- do: kill-bolt -->`` stops half-way. ArcadeDB only.
- docs/curators.md: the whole curator session, in order, in one directory:
  ``skillgraph db serve`` (ArcadeDB), load, cypher, edits, validate, export, plan,
  re-import, Ctrl-C and restart, on ArcadeDB; then the blocks marked
  ``<!-- needs: neo4j -->`` on real Neo4j 5.26 (``db serve --engine neo4j``), when
  Java and Maven are there (required under ``CI=true``). The blocks in
  :data:`UNCHECKED` are not re-run, for the reason given there.

Outputs that vary by themselves are compared through ``docs_examples.VARIES`` (request
ids, the snapshot's clock, solver and load times, load and export dates); ports and
the session's directory are shown as the page shows them. Refresh the examples with
``python -m tests.docs_examples --write [PAGE ...]``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil

import pytest

from tests import docs_examples as dx

#: console blocks not re-run, by page and first command, with the reason (each has
#: ``<!-- unchecked: ... -->`` before it in the page)
UNCHECKED = {
    ("docs/curators.md", "skillgraph db serve --engine neo4j"):
        "shows what happens without Java; tests/graph/neo4j/test_neo4j_server.py checks that message",
}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _require(ok: bool, message: str) -> None:
    if not ok:
        if _in_ci():
            pytest.fail(f"{message} (CI=true: the documentation's examples must run)", pytrace=False)
        pytest.skip(message)


@pytest.mark.parametrize("page", dx.PAGES)
def test_every_shown_output_is_real(page: str) -> None:
    text = (dx.ROOT / page).read_text()
    _require(shutil.which("jq") is not None or "| jq" not in text, "jq is not installed (apt-get install jq)")
    _require(shutil.which("curl") is not None or "$ curl" not in text, "curl is not installed")
    if "skillgraph db serve" in text or "localhost:8001" in text:
        _require(importlib.util.find_spec("arcadedb_embedded") is not None,
                 "the server extra is not installed: pip install 'skillgraph[server]'")
    neo4j = True
    if "<!-- needs: neo4j -->" in text:  # the blocks on real Neo4j; the rest of the page runs either way
        neo4j = shutil.which("java") is not None and shutil.which("mvn") is not None
        if not neo4j and _in_ci():
            pytest.fail("Java and Maven are needed for the real Neo4j examples (CI=true)", pytrace=False)
    differ = [r for r in dx.run_page(page, neo4j=neo4j) if not r.same]
    report = "\n".join(f"{r.page}:{r.line}: $ {r.command}\n--- shown\n{r.shown}--- today\n{r.actual}"
                       for r in differ)
    assert not differ, f"{len(differ)} example(s) differ; refresh with python -m tests.docs_examples " \
                       f"--write {page}\n{report}"


@pytest.mark.parametrize("page", dx.PAGES)
def test_every_output_block_is_a_checked_console_block(page: str) -> None:
    text = (dx.ROOT / page).read_text()
    langs = {m.group(1) for m in re.finditer(r"^```(\w*)\n", text, re.M)}
    assert langs <= {"sh", "console", "yaml", "python", "cypher", ""}, langs
    assert "```text" not in text and "```json" not in text
    exempt = {(page, s.examples[0].command if s.kind == "console" else "^C"): s.unchecked
              for s in dx.steps(text) if s.unchecked}
    assert set(exempt) == {k for k in UNCHECKED if k[0] == page}, "each <!-- unchecked --> is listed in UNCHECKED"


def test_steps_read_commands_continuations_and_outputs() -> None:
    text = ("<!-- file: q.cypher -->\n```cypher\nRETURN 1\n```\n\n```console\n$ curl -s x \\\n    -d 1\n"
            "{}\n$ skillgraph show a\nA\n\nB\n```\n<!-- do: kill-bolt -->\n```console\n^Cstopped\n```\n")
    got = dx.steps(text)
    assert [s.kind for s in got] == ["file", "console", "do", "interrupt"]
    assert (got[0].arg, got[0].body) == ("q.cypher", "RETURN 1\n")
    assert [(e.command, e.shown) for e in got[1].examples] == [("curl -s x \\\n    -d 1", "{}\n"),
                                                             ("skillgraph show a", "A\n\nB\n")]
    assert text[got[1].examples[1].start:got[1].examples[1].end] == "A\n\nB\n"
    assert got[3].examples[0].shown == "stopped\n"
    with pytest.raises(ValueError, match="starts with"):
        dx.steps("```console\nno prompt\n```\n")


def test_only_what_varies_by_itself_is_normalised() -> None:
    shown = '{"request_id": "0f40ea6e9bbe44548331c6f5dca64754", "age_s": 8.284, "solve_ms": 2.1}'
    today = '{"request_id": "1111ea6e9bbe44548331c6f5dca64754", "age_s": 0.5, "solve_ms": 13.75}'
    assert dx.normalise(shown) == dx.normalise(today)
    assert dx.normalise(shown) != dx.normalise(today.replace("}", ', "total_hours": 1}'))
    load = "loaded the seed catalog into bolt://localhost:7687 (database skillgraph): 164 records, in 0.5 s\n"
    assert dx.normalise(load) == dx.normalise(load.replace("0.5", "12.25"))
    assert dx.normalise(load) != dx.normalise(load.replace("164", "165"))
    assert dx.normalise("total: 9 steps, 187 h, $147, in 19 weeks\n") != dx.normalise("total: 9 steps, 187 h, $245\n")
    dates = ("catalog: seed, loaded 2026-11-21T05:33:04+00:00\n"
             "# catalog exported from bolt://localhost:7687 (database skillgraph) on 2026-11-21 05:33:30 UTC\n")
    assert dx.normalise(dates) == dx.normalise(re.sub(r"\d\d:\d\d:\d\d", "23:59:59", dates))
    assert dx.normalise('"total_cost_usd": 245.0') != dx.normalise('"total_cost_usd": 147.0')
    progress = "  records: 78/164\n  records: 164/164\n  relationships: 84/740\n  relationships: 740/740\n"
    slower = progress.replace("  relationships: 84/740\n", "  relationships: 84/740\n  relationships: 500/740\n")
    assert dx.normalise(progress) == dx.normalise(slower)
    assert dx.normalise(progress) != dx.normalise(progress.replace("740/740", "741/741"))
    assert dx.normalise(progress) != dx.normalise(progress.replace("  records: 78/164\n", ""))


def test_a_session_runs_the_real_commands_in_one_shell_state() -> None:
    session = dx.Session("README.md")
    try:
        assert session.run("export SKILLGRAPH_DOCS_PROBE='a b'") == ""
        assert session.run('echo "$SKILLGRAPH_DOCS_PROBE"') == "a b\n"
        _require(shutil.which("jq") is not None, "jq is not installed (apt-get install jq)")
        title = session.run("skillgraph show kaggle-learn-pandas --format json | jq -r .title")
        assert title == "Kaggle Learn: Pandas\n"
        assert session.run("skillgraph show pyhton").startswith("skillgraph: error: unknown id 'pyhton'")
    finally:
        session.close()
