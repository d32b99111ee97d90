"""Re-run the examples of README.md and docs/*.md and compare their output.

An example is a ```console block: each ``$ COMMAND`` line (``\\`` at a line's end
continues it) is followed by the output it prints, stdout and stderr as a terminal
shows them (terminal width 100). Commands run in ``bash`` in order, one session per
page, so ``export`` and files made by one command reach the next. ``skillgraph`` is
this checkout's CLI (``python -m api.cli``); ``curl``, ``jq``, ``grep`` and the rest
are the real programs.

Servers, started by the session on free localhost ports (the page's port is
substituted into each command, and shown in place of the real one in the output):

- ``localhost:8000``: ``skillgraph serve`` on the seed catalog; with the page's
  ``token`` option it has ``SKILLGRAPH_ADMIN_TOKEN`` (also in the shell's environment).
- ``localhost:8001`` (docs/api.md): ``skillgraph serve`` on Neo4j, with the token and
  ``SKILLGRAPH_CYPHER_WRITE=true``, reading a local ArcadeDB Bolt server (shown as
  port 7699) that holds the seed; ``<!-- do: kill-bolt -->`` stops that Bolt server.
- ``skillgraph db serve`` (docs/curators.md) runs in the background on a free port
  (ArcadeDB's shown as 7687, and ``NEO4J_URI`` points at it; the page's Neo4j on
  ``--port 17688`` likewise), its output compared up to
  ``press Ctrl-C to stop``; a block starting ``^C`` interrupts the latest one and shows
  the rest. ``<!-- do: new-terminal -->`` drops what earlier commands exported.

``<!-- file: NAME -->`` before a fenced block writes that block into the session's
directory (shown as /tmp/curator). ``<!-- unchecked: WHY -->`` before a console block
exempts it; :data:`UNCHECKED` in tests/test_docs_examples.py lists each one, so an
exemption is never silent. ``<!-- needs: neo4j -->`` marks a block on real Neo4j
(``run_page(neo4j=False)`` leaves it out where Java and Maven are missing).

Output that varies by itself is compared through :data:`VARIES` (timings, clocks,
request ids), one narrow pattern each, and a load's progress lines short of their
total count as one (how many a phase prints depends on the clock); an output with
no final newline (curl's JSON) is shown with one. Everything else must match exactly.
Regenerate: ``python -m tests.docs_examples --write [PAGE ...]``.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("README.md", "docs/api.md", "docs/curators.md")
#: per page: options of its session (``token``: the :8000 server and the shell have an admin token)
OPTIONS: dict[str, set[str]] = {"README.md": set(), "docs/api.md": {"token"}, "docs/curators.md": set()}
SHOWN_DIR = "/tmp/curator"
BOLT_PASSWORD = "correct-horse-battery"

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)
_DIRECTIVE = re.compile(r"<!-- (do|file|unchecked|needs): (.+?) -->")

#: (what varies, pattern): group 1 of each match is replaced by the name in both texts before comparing
VARIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("request id", re.compile(r'"request_id": ?"([0-9a-f]{32})"')),
    ("snapshot clock", re.compile(r'"(?:loaded_at|refreshed_at|age_s)": ([0-9.]+)')),
    ("solver time", re.compile(r'"solve_ms": ([0-9.]+)')),
    ("load time", re.compile(r", in (\d+(?:\.\d+)?) s$", re.M)),
    ("load date", re.compile(r", loaded (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00)$", re.M)),
    ("export date", re.compile(r"\) on (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC$", re.M)),
)


#: a load's progress line (stderr); how many lines a phase prints before its last depends on the clock
_PROGRESS = re.compile(r"^(  [a-z]+: )(\d+)/(\d+)\n", re.M)


def normalise(text: str) -> str:
    for name, pattern in VARIES:
        text = pattern.sub(lambda m, name=name: m.group(0).replace(m.group(1), f"<{name}>"), text)  # type: ignore[misc]
    # progress lines short of the total: "some", however many (the phase, total and final line still count)
    text = _PROGRESS.sub(lambda m: m.group(0) if m.group(2) == m.group(3) else f"{m.group(1)}<some>/{m.group(3)}\n",
                         text)
    return re.sub(r"^(  [a-z]+: <some>/\d+\n)\1+", r"\1", text, flags=re.M)


# -- reading a page ---------------------------------------------------------------------------
@dataclass
class Example:
    """One command of a console block and the output shown after it."""

    command: str
    shown: str
    start: int  # offsets of the shown output in the page
    end: int


@dataclass
class Step:
    """What a page asks for, in order: an action (``do``/``file``) or a console block."""

    kind: str  # "do", "file", "console", "interrupt"
    arg: str = ""
    body: str = ""
    examples: list[Example] = field(default_factory=list)
    unchecked: str = ""
    needs: str = ""
    line: int = 0


def steps(text: str) -> list[Step]:
    out: list[Step] = []
    pending: dict[str, str] = {}
    events = sorted([(m.start(), "dir", m) for m in _DIRECTIVE.finditer(text)]
                    + [(m.start(), "fence", m) for m in _FENCE.finditer(text)], key=lambda e: e[0])
    for pos, what, m in events:
        line = text.count("\n", 0, pos) + 1
        if what == "dir":
            if m.group(1) == "do":
                out.append(Step("do", m.group(2), line=line))
            else:
                pending[m.group(1)] = m.group(2)
            continue
        lang, body, body_at = m.group(1), m.group(2), m.start(2)
        if "file" in pending:
            out.append(Step("file", pending.pop("file"), body=body, line=line))
        if lang != "console":
            continue
        unchecked, needs = pending.pop("unchecked", ""), pending.pop("needs", "")
        if body.startswith("^C"):
            out.append(Step("interrupt", body=body[2:], unchecked=unchecked, needs=needs, line=line,
                            examples=[Example("^C", body[2:], body_at + 2, body_at + len(body))]))
            continue
        out.append(Step("console", examples=_examples(body, body_at, line), unchecked=unchecked, needs=needs,
                        line=line))
    return out


def _examples(body: str, at: int, line: int) -> list[Example]:
    lines = body.splitlines(keepends=True)
    if not lines or not lines[0].startswith("$ "):
        raise ValueError(f"line {line}: a console block starts with '$ COMMAND' (or '^C'): {lines[:1]}")
    out: list[Example] = []
    offset, i = at, 0
    while i < len(lines):
        command = lines[i][2:].rstrip("\n")
        offset += len(lines[i])
        i += 1
        while command.endswith("\\") and i < len(lines):
            command += "\n" + lines[i].rstrip("\n")
            offset += len(lines[i])
            i += 1
        start = offset
        while i < len(lines) and not lines[i].startswith("$ "):
            offset += len(lines[i])
            i += 1
        out.append(Example(command, body[start - at:offset - at], start, offset))
    return out


# -- running a page ---------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[str] | None) -> None:
    if proc is None:
        return
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKILLGRAPH_", "NEO4J_"))}
    env.update(COLUMNS="100", PYTHONUNBUFFERED="1", PYTHONPATH=str(ROOT), TZ="UTC")
    return env


class Session:
    """The shell state, directory and servers of one page's examples."""

    def __init__(self, page: str) -> None:
        self.page = page
        self.options = OPTIONS.get(page, set())
        self._tmp = tempfile.TemporaryDirectory(prefix="skillgraph-docs-")
        # commands run in the checkout (README's paths are relative to it), the curator session in its own directory
        self.cwd = Path(self._tmp.name) if page == "docs/curators.md" else ROOT
        self.env = _clean_env()
        self.token = "docs-" + secrets.token_hex(12)
        if "token" in self.options:
            self.env["SKILLGRAPH_ADMIN_TOKEN"] = self.token
        self.ports: dict[int, int] = {}  # port in the page -> real port
        self.apis: dict[int, subprocess.Popen[str]] = {}
        self.bolt: subprocess.Popen[str] | None = None  # the :8001 server's database
        self.foreground: list[subprocess.Popen[str]] = []  # the page's `skillgraph db serve`s, latest last
        if page == "docs/curators.md":
            self.ports[7687] = _free_port()  # ArcadeDB's default port
            self.ports[17688] = _free_port()  # the page's Neo4j
            self.env["NEO4J_URI"] = f"bolt://localhost:{self.ports[7687]}"
        self._fresh_env = dict(self.env)

    def close(self) -> None:
        for proc in (*self.apis.values(), *reversed(self.foreground), self.bolt):
            _stop(proc)
        self._tmp.cleanup()

    # the page's view of ports and paths
    def to_real(self, command: str) -> str:
        for shown, real in self.ports.items():
            command = re.sub(rf"(\blocalhost:|--port ){shown}\b", rf"\g<1>{real}", command)
        return command

    def to_shown(self, output: str) -> str:
        for shown, real in self.ports.items():
            output = re.sub(rf"\blocalhost:{real}\b", f"localhost:{shown}", output)
            output = re.sub(rf"\bport {real}\b", f"port {shown}", output)
        if self.cwd == ROOT:
            return output
        return output.replace(str(self.cwd.resolve()), SHOWN_DIR).replace(str(self.cwd), SHOWN_DIR)

    # servers
    def _python(self, *args: str, env: dict[str, str] | None = None, **kw: object) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=env or self.env,
                                text=True, **kw)  # type: ignore[call-overload]

    def _api(self, shown: int) -> None:
        if shown in self.apis or shown not in (8000, 8001):
            return
        env = _clean_env()
        env["SKILLGRAPH_REFRESH_INTERVAL_S"] = "60"
        if shown == 8001:
            env.update(self._bolt_for_api(), SKILLGRAPH_ADMIN_TOKEN=self.token, SKILLGRAPH_CYPHER_WRITE="true")
            self.env["SKILLGRAPH_ADMIN_TOKEN"] = self.token
        elif "token" in self.options:
            env["SKILLGRAPH_ADMIN_TOKEN"] = self.token
        port = self.ports.setdefault(shown, _free_port())
        proc = self._python("serve", "--host", "127.0.0.1", "--port", str(port), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.apis[shown] = proc
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"skillgraph serve for localhost:{shown} exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"skillgraph serve for localhost:{shown} did not answer in 90 s") from None
                time.sleep(0.2)

    def _bolt_for_api(self) -> dict[str, str]:
        """An ArcadeDB Bolt server (shown as port 7699) holding the seed, for the :8001 API."""
        port = self.ports.setdefault(7699, _free_port())
        env = {**_clean_env(), "SKILLGRAPH_DB_PASSWORD": BOLT_PASSWORD}
        data = str(Path(self._tmp.name) / "api-db")
        self.bolt = self._python("db", "serve", "--data", data, "--port", str(port), env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        _read_until(self.bolt, "press Ctrl-C to stop")
        bolt = {"NEO4J_URI": f"bolt://localhost:{port}", "NEO4J_PASSWORD": BOLT_PASSWORD}
        load = subprocess.run([sys.executable, "-m", "api.cli", "db", "load", "--quiet"], cwd=ROOT,
                              env={**env, **bolt}, capture_output=True, text=True, timeout=300)
        assert load.returncode == 0, load.stderr
        return bolt

    def act(self, what: str) -> None:
        if what == "kill-bolt":
            assert self.bolt is not None, "kill-bolt before the :8001 server started"
            self.bolt.kill()
            _stop(self.bolt)
        elif what == "new-terminal":  # what the page's reader types next goes into a new shell
            self.env = dict(self._fresh_env)
        else:
            raise ValueError(f"unknown action <!-- do: {what} -->")

    # commands
    def run(self, command: str) -> str:
        for shown in map(int, re.findall(r"\blocalhost:(\d+)\b", command)):
            self._api(shown)
        exports = _exports(command)
        if exports is not None:
            self.env.update({k: self.to_real(v) for k, v in exports.items()})
            return ""
        real = self.to_real(command)
        if re.match(r"^(\w+=\S+ )*skillgraph db serve\b", command):
            return self._serve(real)
        script = f'skillgraph() {{ "{sys.executable}" -m api.cli "$@"; }}\n{real}\n'
        proc = subprocess.run(["bash", "-c", script], cwd=self.cwd, env=self.env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=300)
        return self.to_shown(proc.stdout)

    def _serve(self, real: str) -> str:
        if "--port" not in real:
            real += f" --port {self.ports[7687]}"
        script = f'skillgraph() {{ exec "{sys.executable}" -m api.cli "$@"; }}\n{real}\n'
        proc = subprocess.Popen(["bash", "-c", script], cwd=self.cwd, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        out = _read_until(proc, "press Ctrl-C to stop")
        if proc.poll() is None:
            self.foreground.append(proc)
        else:
            _stop(proc)  # it has exited: close its pipe
        return self.to_shown(out)

    def interrupt(self) -> str:
        """^C in the terminal of the latest ``db serve``: what it prints while it stops."""
        assert self.foreground, "^C with no server running in the foreground"
        proc = self.foreground.pop()
        assert proc.stdout is not None
        proc.send_signal(signal.SIGINT)
        out = proc.stdout.read()
        proc.wait(60)
        proc.stdout.close()
        return self.to_shown(out)


def _exports(command: str) -> dict[str, str] | None:
    """``export A=1 B=2`` as a dict; None for any other command."""
    words = shlex.split(command)
    if not words or words[0] != "export" or not all("=" in w for w in words[1:]):
        return None
    return dict(w.split("=", 1) for w in words[1:])


def _read_until(proc: subprocess.Popen[str], last: str, timeout: float = 300.0) -> str:
    """Lines of ``proc``'s output up to and including ``last``, or all of it if it exits first."""
    stream: IO[str] | None = proc.stdout
    assert stream is not None
    out: list[str] = []
    deadline = time.monotonic() + timeout
    for line in iter(stream.readline, ""):
        out.append(line)
        if line.rstrip("\n") == last or time.monotonic() > deadline:
            break
    else:
        proc.wait(60)
    return "".join(out)


# -- the checks ---------------------------------------------------------------------------------
@dataclass
class Result:
    page: str
    line: int
    command: str
    shown: str
    actual: str
    start: int
    end: int

    @property
    def printed(self) -> str:
        """The output as the page shows it: ending in a newline (curl's JSON has none; a terminal's prompt would
        follow it)."""
        return self.actual if self.actual.endswith("\n") or not self.actual else self.actual + "\n"

    @property
    def same(self) -> bool:
        return normalise(self.shown) == normalise(self.printed)


def run_page(page: str, *, neo4j: bool = True) -> Iterator[Result]:
    """Every checked example of ``page`` with what it prints today, in page order.

    ``neo4j=False`` leaves out the blocks marked ``<!-- needs: neo4j -->`` (real Neo4j needs Java and Maven).
    """
    session = Session(page)
    try:
        for step in steps((ROOT / page).read_text()):
            if step.kind == "do":
                session.act(step.arg)
            elif step.kind == "file":
                (session.cwd / step.arg).write_text(step.body)
            elif step.unchecked or (step.needs == "neo4j" and not neo4j):
                continue
            elif step.kind == "interrupt":
                ex = step.examples[0]
                yield Result(page, step.line, "^C", ex.shown, session.interrupt(), ex.start, ex.end)
            else:
                for ex in step.examples:
                    yield Result(page, step.line, ex.command, ex.shown, session.run(ex.command), ex.start, ex.end)
    finally:
        session.close()


def write(page: str) -> int:
    """Replace each example's output in ``page`` with today's; the number changed."""
    text = (ROOT / page).read_text()
    results = [r for r in run_page(page) if not r.same]
    for r in sorted(results, key=lambda r: r.start, reverse=True):
        text = text[:r.start] + r.printed + text[r.end:]
    (ROOT / page).write_text(text)
    return len(results)


if __name__ == "__main__":
    if "--write" in sys.argv:
        for name in [a for a in sys.argv[1:] if not a.startswith("--")] or PAGES:
            print(f"{name}: {write(name)} example(s) rewritten")
