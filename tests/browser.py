"""Looking at pages as a browser does, for the page tests and the page benchmark.

- :func:`page_data` and :func:`off_host_refs` read a page's HTML: the graph
  data it hands to vis-network, and anything it would load from elsewhere.
- :class:`Chromium` drives Debian's ``chromium`` over the DevTools protocol on
  a pipe (``--remote-debugging-pipe``), so it needs no extra Python package
  and downloads nothing; :meth:`Chromium.open` loads a ``file://`` page in a
  new tab with network emulation set to offline and returns a
  :class:`PageRun` (its events, JavaScript, mouse, screenshots).
- :func:`png_pixels` and :func:`drawn_pixels` decode a PNG screenshot with
  zlib and count what the canvas drew.
- The ``chromium`` fixture (a pytest plugin, see ``tests/conftest.py``): one
  browser per test module. Without Chromium it skips, except under
  ``CI=true`` where it fails. ``CHROMIUM=/path/to/chromium`` picks another
  executable.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import queue
import re
import shutil
import struct
import subprocess
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlparse

import pytest

__all__ = ["CHROMIUM_FLAGS", "WINDOW", "Chromium", "HtmlRefs", "PageRun", "drawn_pixels", "find_chromium",
           "off_host_refs", "page_data", "png_pixels"]

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--hide-scrollbars",
    "--disable-dev-shm-usage",
]
WINDOW = (1280, 900)


# -- helpers on the HTML ------------------------------------------------------------
def page_data(page: str) -> dict[str, Any]:
    """The JSON the page hands to vis-network (nodes, edges, options)."""
    m = re.search(r"var SG = (\{.*?\});\n", page)
    assert m, "no embedded graph data"
    data: dict[str, Any] = json.loads(m.group(1))
    return data


class HtmlRefs(HTMLParser):
    """Every src/href attribute, every url(...) in CSS, and the text of <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self._in: str | None = None
        self.css: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if value is None:
                continue
            if name in ("src", "href", "srcset", "action", "formaction", "poster", "data", "background"):
                self.refs.append((f"{tag}[{name}]", value))
            if name == "style":
                self.css.append(value)
        self._in = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.css.append(data)


def off_host_refs(page: str, host: str = "") -> list[str]:
    """src/href/url() values that would load from another host (http(s)://other or //other)."""
    parser = HtmlRefs()
    parser.feed(page)
    refs = list(parser.refs)
    for css in parser.css:
        refs += [("css url()", m.strip("'\" ")) for m in re.findall(r"url\(\s*([^)]*?)\s*\)", css)]
        refs += [("css @import", m) for m in re.findall(r"@import\s+['\"]([^'\"]+)", css)]
    bad = []
    for where, ref in refs:
        url = urlparse(ref.strip())
        if ref.strip().startswith("//") or (url.scheme in ("http", "https", "ws", "wss", "ftp") and
                                            url.hostname not in (host or None, "localhost", "127.0.0.1")):
            bad.append(f"{where}={ref[:80]}")
    return bad


# -- headless Chromium over the DevTools protocol ---------------------------------------
def find_chromium() -> str | None:
    """The Chromium executable: ``$CHROMIUM`` if set, else Debian's ``chromium`` on PATH."""
    override = os.environ.get("CHROMIUM")
    for name in [override] if override else ["chromium", "/usr/bin/chromium", "chromium-browser"]:
        if path := shutil.which(name):
            return path
    return None


class Chromium:
    """Headless Chromium driven over ``--remote-debugging-pipe`` (fd 3: commands in, fd 4: replies out).

    One browser, a fresh user-data dir; :meth:`open` loads a page in a new
    tab, offline, and returns what happened there.
    """

    def __init__(self, executable: str, *, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="skillgraph-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def fds() -> None:  # in the child, before exec: put the pipe ends on fds 3 and 4
            a = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [executable, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
                f"--window-size={WINDOW[0]},{WINDOW[1]}", "about:blank"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, pass_fds=(3, 4), preexec_fn=fds)
        os.close(to_child_r)
        os.close(from_child_w)
        self._next = 0
        self._lock = threading.Lock()
        self._replies: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self._stderr_thread = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_thread.start()
        self.version = self.send("Browser.getVersion")["product"]

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line.decode(errors="replace"))

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_child, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self._lock:
                        q = self._replies.get(msg["id"])
                    if q is not None:
                        q.put(msg)
                else:
                    self.events.append(msg)

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float | None = None) -> dict[str, Any]:
        with self._lock:
            self._next += 1
            mid = self._next
            q: queue.Queue[dict[str, Any]] = queue.Queue()
            self._replies[mid] = q
        msg: dict[str, Any] = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        try:
            reply = q.get(timeout=timeout or self.timeout)
        except queue.Empty:
            raise TimeoutError(f"Chromium did not answer {method} in {timeout or self.timeout:g} s; stderr: "
                               + "".join(self.stderr[-5:])) from None
        finally:
            with self._lock:
                self._replies.pop(mid, None)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def evaluate(self, session: str, expression: str, *, await_promise: bool = False) -> Any:
        res = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                             "awaitPromise": await_promise}, session)
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expression[:60]}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def open(self, url: str, *, timeout: float = 60.0, wait_ready: bool = True) -> PageRun:
        """Load ``url`` in a new tab with the network offline; wait for the graph to be ready."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        first_event = len(self.events)
        for method, params in (
            ("Runtime.enable", {}),
            ("Log.enable", {}),
            ("Network.enable", {}),
            ("Page.enable", {}),
            ("Network.emulateNetworkConditions", {"offline": True, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1}),
            ("Emulation.setDeviceMetricsOverride", {"width": WINDOW[0], "height": WINDOW[1], "deviceScaleFactor": 1,
                                                    "mobile": False}),
        ):
            self.send(method, params, session)
        started = time.perf_counter()
        self.send("Page.navigate", {"url": url}, session)
        ready = False
        while wait_ready and time.perf_counter() - started < timeout:
            ready = bool(self.evaluate(session, "!!(window.skillgraph && window.skillgraph.ready)"))
            if ready:
                break
            time.sleep(0.05)
        wall = time.perf_counter() - started
        run = PageRun(self, session, target, ready=ready, wall_s=wall)
        run.events = [e for e in self.events[first_event:] if e.get("sessionId") == session]
        return run

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close", timeout=10)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._stderr_thread.join(timeout=5)
        if self.proc.stderr is not None:
            self.proc.stderr.close()
        for fd in (self._to_child, self._from_child):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)


class PageRun:
    """One page opened in a tab: its events, and helpers to look at it."""

    def __init__(self, browser: Chromium, session: str, target: str, *, ready: bool, wall_s: float) -> None:
        self.browser, self.session, self.target = browser, session, target
        self.ready, self.wall_s = ready, wall_s
        self.events: list[dict[str, Any]] = []

    def js(self, expression: str, *, await_promise: bool = False) -> Any:
        return self.browser.evaluate(self.session, expression, await_promise=await_promise)

    def refresh_events(self) -> None:
        self.events = [e for e in self.browser.events if e.get("sessionId") == self.session]

    def errors(self) -> list[str]:
        """Uncaught exceptions, console.error/assert calls, and error log entries (CSP, failed loads)."""
        self.refresh_events()
        out = []
        for e in self.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.exceptionThrown":
                d = p["exceptionDetails"]
                out.append("Uncaught " + (d.get("exception", {}).get("description") or d.get("text", "")))
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append("console." + p["type"] + ": " + " ".join(str(a.get("value", a.get("description")))
                                                                  for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append(f"log ({p['entry'].get('source')}): {p['entry'].get('text')}")
        return out

    def requests(self) -> list[str]:
        self.refresh_events()
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def hover(self, node: str) -> str:
        """Move the mouse onto ``node`` and return the tooltip's text ("" if none shows).

        First waits until the node stands still in graph coordinates (pages switch
        physics off once laid out; a node that still moves here is a page defect the
        caller's assertion will show), then brings it into view, checks it is really
        under the point (``getNodeAt``) and moves the mouse there. Re-focusing before
        each look would hide a moving node, since the view follows it, so steadiness is
        judged on the graph positions, not on the screen point.
        """
        position = f"(() => {{ const p = skillgraph.network.getPositions([{json.dumps(node)}])[{json.dumps(node)}];" \
                   " return p ? [p.x, p.y] : null; })()"
        where = (f"(() => {{ const n = skillgraph.network, id = {json.dumps(node)};"
                 " n.focus(id, {scale: 1.5, animation: false}); n.redraw();"
                 " const p = n.canvasToDOM(n.getPositions([id])[id]);"
                 " const r = document.querySelector('#sg-network canvas').getBoundingClientRect();"
                 " const inside = p.x > 0 && p.y > 0 && p.x < r.width && p.y < r.height;"
                 " return [r.left + p.x, r.top + p.y, inside && n.getNodeAt(p) === id]; })()")
        tooltip = ("(() => { const t = document.querySelector('.vis-tooltip');"
                   " return t && t.style.visibility !== 'hidden' ? t.innerText : ''; })()")
        settle = time.perf_counter() + 5
        last = self.js(position)
        while last is not None and time.perf_counter() < settle:
            time.sleep(0.2)
            now = self.js(position)
            if now is not None and abs(now[0] - last[0]) < 0.5 and abs(now[1] - last[1]) < 0.5:
                break
            last = now
        for _attempt in range(3):
            x, y, under = self.js(where)
            if under:
                for dx in (0, 1, 2):
                    self.browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x + dx, "y": y},
                                      self.session)
                deadline = time.perf_counter() + 3
                while time.perf_counter() < deadline:
                    text = self.js(tooltip)
                    if text:
                        return str(text)
                    time.sleep(0.1)
            # move away so the next attempt is a fresh hover
            self.browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": 1, "y": 1}, self.session)
            time.sleep(0.2)
        return ""

    def screenshot(self) -> bytes:
        data = self.browser.send("Page.captureScreenshot", {"format": "png"}, self.session)["data"]
        return base64.b64decode(data)

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})


def png_pixels(png: bytes) -> tuple[int, int, int, list[bytes]]:
    """Decode an 8-bit, non-interlaced RGB/RGBA PNG: (width, height, channels, rows)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and colour in (2, 6), (depth, colour, interlace)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def drawn_pixels(png: bytes, box: dict[str, float], background: tuple[int, int, int] = (255, 255, 255)) -> int:
    """How many pixels inside ``box`` (CSS px, scale 1) differ from the background colour."""
    width, height, channels, rows = png_pixels(png)
    x0, y0 = max(0, int(box["left"]) + 2), max(0, int(box["top"]) + 2)
    x1, y1 = min(width, int(box["right"]) - 2), min(height, int(box["bottom"]) - 2)
    count = 0
    for y in range(y0, y1):
        row = rows[y]
        for x in range(x0, x1):
            px = row[x * channels:x * channels + 3]
            if max(abs(px[k] - background[k]) for k in range(3)) > 24:
                count += 1
    return count


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    """A running headless Chromium (skips without one, fails under CI=true)."""
    path = find_chromium()
    if path is None:
        message = "Chromium is not installed (apt-get install chromium); the browser tests need it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    browser = Chromium(path)
    yield browser
    browser.close()
