"""The learner's page at ``GET /``, driven in headless Chromium against a real server.

A uvicorn server over the shipped seed runs in a child process on a free port
of 127.0.0.1 for this module. The browser types and clicks as a person would
(keyboard events into the inputs, clicks on the buttons); the route it shows
is compared with :func:`queries.planner.plan` on the same inputs. Every
request the page makes must go to that server.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from graph.catalog import Catalog
from queries.planner import Plan, plan
from tests.api.pages.test_route_page import _arrows_only_within_rows
from tests.browser import Chromium, PageRun, off_host_refs

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

ROOT = Path(__file__).resolve().parents[3]
ROLE = "ml-engineer-gcp"


# -- the server ---------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of a uvicorn server over the seed, stopped after the module."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKILLGRAPH_", "NEO4J_"))}
    env["SKILLGRAPH_REFRESH_INTERVAL_S"] = "0"
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "api.http.app:create_app", "--host",
                             "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if proc.poll() is not None:
                said = proc.stderr.read()[-2000:] if proc.stderr else ""
                raise AssertionError(f"the server exited with {proc.returncode}: {said}")
            try:
                with urllib.request.urlopen(base + "/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("the server did not become ready in 60 s") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


# -- the browser, online (to localhost only) ------------------------------------------------------
def _open(chromium: Chromium, url: str, size: tuple[int, int] = (1280, 800)) -> PageRun:
    """``url`` in a new tab with the network on (the page talks to its server); waits for the page's ready flag."""
    target = chromium.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = chromium.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for method, params in (("Runtime.enable", {}), ("Log.enable", {}), ("Network.enable", {}), ("Page.enable", {}),
                           ("Emulation.setDeviceMetricsOverride", {"width": size[0], "height": size[1],
                                                                   "deviceScaleFactor": 1, "mobile": False})):
        chromium.send(method, params, session)
    chromium.send("Page.navigate", {"url": url}, session)
    run = PageRun(chromium, session, target, ready=False, wall_s=0.0)
    run.ready = _wait(run, "!!(window.skillgraph && skillgraph.ready)")
    assert run.ready, f"the learner's page never became ready: {run.errors()}"
    return run


def _wait(run: PageRun, expression: str, timeout: float = 60.0) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if run.js(expression):
                return True
        except RuntimeError:  # the page is between documents (navigating, reloading)
            pass
        time.sleep(0.05)
    return False


def _type(run: PageRun, selector: str, text: str) -> None:
    """Focus an input by clicking it, clear it, and type ``text`` as key presses would."""
    _click(run, selector)
    run.js(f"document.querySelector({json.dumps(selector)}).select()")
    run.browser.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "Backspace", "code": "Backspace",
                                                "windowsVirtualKeyCode": 8}, run.session)
    run.browser.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": "Backspace", "code": "Backspace",
                                                "windowsVirtualKeyCode": 8}, run.session)
    for ch in text:
        run.browser.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": ch, "text": ch}, run.session)
        run.browser.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": ch}, run.session)
    assert run.js(f"document.querySelector({json.dumps(selector)}).value") == text


def _key(run: PageRun, key: str, code: int) -> None:
    for kind in ("rawKeyDown", "keyUp"):
        params: dict[str, Any] = {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code}
        if key == "Enter" and kind == "rawKeyDown":
            run.browser.send("Input.dispatchKeyEvent", {**params, "type": "keyDown", "text": "\r"}, run.session)
            continue
        run.browser.send("Input.dispatchKeyEvent", params, run.session)


def _click(run: PageRun, selector: str) -> None:
    x, y = run.js(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView("
                  "{block: 'center'}); const r = e.getBoundingClientRect();"
                  " return [r.left + r.width / 2, r.top + r.height / 2]; })()")
    for kind in ("mousePressed", "mouseReleased"):
        run.browser.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                                      "clickCount": 1}, run.session)


def _submit(run: PageRun) -> None:
    runs = run.js("skillgraph.runs")
    _click(run, "#lp-submit")
    assert _wait(run, f"skillgraph.runs > {runs}"), "the page never finished planning"


def _shown_steps(run: PageRun) -> list[str]:
    return list(run.js("[...document.querySelectorAll('#lp-route .sgr-step .sgr-title')].map(e => e.textContent)"))


def _expected(seed: Catalog, have: list[str], **kw: Any) -> Plan:
    return plan(seed, have=have, hours_per_week=10, alternatives=2, **kw)


# -- tests ----------------------------------------------------------------------------------------
def test_get_root_is_the_learner_page(seed_client: Any) -> None:
    r = seed_client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert page.startswith("<!DOCTYPE html>") and off_host_refs(page) == []
    assert "connect-src 'self'" in page and "SkillgraphRoute" in page and 'id="lp-target"' in page
    assert "/" in seed_client.get("/openapi.json").json()["paths"]


def test_a_person_plans_a_route(chromium: Chromium, server: str, seed: Catalog) -> None:
    role = seed.role(ROLE)
    python = seed.skill("python")
    run = _open(chromium, server + "/")
    assert run.js("document.getElementById('lp-result').hidden") is True
    _type(run, "#lp-target", role.title[:12])  # a prefix: one role's name contains it
    assert role.title in run.js("[...document.querySelectorAll('#lp-targets option')].map(o => o.value)")
    _type(run, "#lp-target", role.title)
    _type(run, "#lp-skill", python.name)
    run.js("document.getElementById('lp-level').value = '2'")
    _key(run, "Enter", 13)  # Enter in the skill box adds it, it does not submit
    _type(run, "#lp-skill", "sql")
    _click(run, "#lp-add")
    assert run.js("[...document.querySelectorAll('#lp-have input:checked')].map(b => b.dataset.have)") == \
        ["python:2", "sql:2"]
    assert run.js("skillgraph.runs") == 0
    _submit(run)
    expected = _expected(seed, ["python:2", "sql:2"], role=ROLE)
    assert run.js("skillgraph.error") is None
    assert expected.steps and _shown_steps(run) == [s.title for s in expected.steps]
    assert run.js("document.getElementById('lp-result-title').textContent") == f"Your route to {role.title}"
    alternatives = run.js("[...document.querySelectorAll('.sgr-alternative')].map(d =>"
                          " [...d.querySelectorAll('li')].map(li => li.dataset.id))")
    assert alternatives == [[s.id for s in a.steps] for a in expected.alternatives]
    assert len(alternatives) == 2
    # an alternative is the next best, never "proven optimal"
    labels = run.js("[...document.querySelectorAll('.sgr-alternative summary')].map(e => e.textContent)")
    assert all("proven next best" in t and "proven optimal" not in t for t in labels), labels
    # the state is in the address: opening it again plans the same route
    url = run.js("location.href")
    query = parse_qs(urlparse(url).query)
    assert query["role"] == [ROLE] and query["have"] == ["python:2,sql:2"]
    run.browser.send("Page.reload", {}, run.session)
    assert _wait(run, "!!(window.skillgraph && skillgraph.ready && skillgraph.runs === 1)")
    assert _shown_steps(run) == [s.title for s in expected.steps]
    assert run.js("document.getElementById('lp-target').value") == role.title
    assert run.errors() == []
    assert all(u.startswith(server) for u in run.requests()), run.requests()
    run.close()


def test_a_shared_address_with_limits_plans_the_same(chromium: Chromium, server: str, seed: Catalog) -> None:
    cert = next(c for c in seed.certs if c.kind == "vendor-exam")
    run = _open(chromium, f"{server}/?cert={cert.id}&have=python:2,sql&objective=cost&hpw=5&free=1")
    assert _wait(run, "skillgraph.runs === 1")
    expected = plan(seed, have=["python:2", "sql"], cert=cert.id, objective="cost", hours_per_week=5, free_only=True,
                    alternatives=2)
    if expected.feasible:
        assert _shown_steps(run) == [s.title for s in expected.steps]
    summary = run.js("document.querySelector('#lp-route .sgr-summary').textContent")
    assert ("no complete route" in summary) is (not expected.feasible)
    for u in expected.unreachable:
        assert u.reason in run.js("document.querySelector('#lp-route').innerText")
    assert run.js("document.getElementById('lp-free').checked") is True
    assert run.js("document.getElementById('lp-objective').value") == "cost"
    assert run.js("document.getElementById('lp-target').value") == cert.name
    assert run.errors() == []
    run.close()


def test_bad_input_is_explained_in_the_page(chromium: Chromium, server: str) -> None:
    run = _open(chromium, f"{server}/?role={ROLE}&have=pyhton")
    assert _wait(run, "skillgraph.runs === 1")
    box = run.js("document.getElementById('lp-error').innerText")
    assert run.js("document.getElementById('lp-error').hidden") is False
    assert "could not take this request" in box and "pyhton" in box and "python" in box
    assert run.js("document.getElementById('lp-result').hidden") is True
    # a field outside its range: the 422's errors list, with the field's path
    run.js("document.querySelector('#lp-have input').click()")  # untick the typo
    _type(run, "#lp-hpw", "0")
    _submit(run)
    box = run.js("document.getElementById('lp-error').innerText")
    assert "body.hours_per_week" in box
    # no target at all
    _type(run, "#lp-target", "")
    _type(run, "#lp-hpw", "10")
    _submit(run)
    assert "Choose a role or a certification" in run.js("document.getElementById('lp-error').innerText")
    # the server out of reach
    _type(run, "#lp-target", ROLE)
    run.browser.send("Network.emulateNetworkConditions", {"offline": True, "latency": 0, "downloadThroughput": -1,
                                                          "uploadThroughput": -1}, run.session)
    _submit(run)
    assert "Could not reach the skillgraph server" in run.js("document.getElementById('lp-error').innerText")
    assert run.js("document.body.innerText.length") > 200  # never a blank screen
    run.close()


def test_keyboard_and_labels(chromium: Chromium, server: str, seed: Catalog) -> None:
    run = _open(chromium, server + "/")
    unlabelled = run.js("[...document.querySelectorAll('input, select')].filter(e => !e.labels.length)"
                        ".map(e => e.id)")
    assert unlabelled == []
    _type(run, "#lp-target", ROLE)
    seen = []
    for _ in range(15):
        _key(run, "Tab", 9)
        seen.append(run.js("document.activeElement.id"))
        if seen[-1] == "lp-submit":
            break
    assert seen[-1] == "lp-submit" and {"lp-objective", "lp-skill", "lp-hpw", "lp-free"} <= set(seen), seen
    _key(run, "Enter", 13)  # Enter on the focused button submits
    assert _wait(run, "skillgraph.runs === 1")
    assert _shown_steps(run) == [s.title for s in _expected(seed, [], role=ROLE).steps]
    run.close()


def test_experience_years_is_sent_only_when_filled(chromium: Chromium, server: str) -> None:
    run = _open(chromium, f"{server}/?role={ROLE}&have=python")
    assert _wait(run, "skillgraph.runs === 1")
    assert "experience_years" not in run.js("skillgraph.requestBody()")
    _type(run, "#lp-exp", "3")
    body = run.js("skillgraph.requestBody()")
    assert body["experience_years"] == 3 and body["target"] == {"role": ROLE} and body["alternatives"] == 2
    run.close()


def test_nothing_outside_the_viewport(chromium: Chromium, server: str) -> None:
    for size in ((1280, 800), (1920, 1080)):
        run = _open(chromium, f"{server}/?role={ROLE}&have=python,sql", size)
        assert _wait(run, "skillgraph.runs === 1")
        outside = run.js(f"[...document.querySelectorAll('fieldset, .sgr-card, .sgr-bar, button')]"
                         f".map(e => e.getBoundingClientRect()).filter(r => r.left < 0 || r.right > {size[0]})"
                         ".length")
        assert outside == 0 and run.js("document.documentElement.scrollWidth") <= size[0]
        assert _arrows_only_within_rows(run)
        assert run.errors() == []
        run.close()
